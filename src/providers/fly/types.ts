// Request and response shapes of the Fly Machines API, as far as this action uses them. JSON names
// follow superfly/fly-go machine_types.go and flaps/*.go; test/sim/fly-fields.json lists the ones
// a request body may use, and test/sim/FLY_API.md cites the source of each.

export interface FlyApp {
  id: string;
  name: string;
  status?: string;
  organization?: { name?: string; slug: string };
}

/** The description's CreateAppRequest and fly-go's (flaps/flaps_apps.go): the app's name is `name`. */
export interface CreateAppRequest {
  name: string;
  org_slug: string;
}

export type IpType = 'v6' | 'shared_v4' | 'v4' | 'private_v6';

export interface IpAssignment {
  ip: string;
  region?: string;
  created_at?: string;
  shared?: boolean;
  service_name?: string;
}

export interface MachinePort {
  port: number;
  handlers: string[];
  force_https?: boolean;
}

export interface MachineService {
  protocol: 'tcp' | 'udp';
  internal_port: number;
  ports: MachinePort[];
}

export interface MachineGuest {
  cpu_kind: 'shared' | 'performance';
  cpus: number;
  memory_mb: number;
  gpus?: number;
  gpu_kind?: string;
  host_dedication_id?: string;
  max_memory_mb?: number;
  kernel_args?: string[];
  persist_rootfs?: 'never' | 'always' | 'restart';
}

export interface MachineConfig {
  image: string;
  guest?: MachineGuest;
  env?: Record<string, string>;
  metadata?: Record<string, string>;
  services?: MachineService[];
  restart?: { policy: 'no' | 'on-failure' | 'always'; max_retries?: number };
}

export interface MachineEvent {
  id?: string;
  type: string;
  status: string;
  source?: string;
  timestamp: number;
  request?: {
    exit_event?: {
      exit_code?: number;
      oom_killed?: boolean;
      requested_stop?: boolean;
      /** flyd restarts the machine after this exit (its restart policy). */
      restarting?: boolean;
      exited_at?: string;
    };
    /** How many times flyd has restarted this machine by its restart policy. */
    restart_count?: number;
  };
}

export type MachineState =
  | 'created'
  | 'starting'
  | 'started'
  | 'stopping'
  | 'stopped'
  | 'suspended'
  | 'replacing'
  | 'destroying'
  | 'destroyed'
  | 'failed';

/** A health check's state on a machine (fly-go MachineCheckStatus). */
export interface MachineCheckStatus {
  name: string;
  status: 'passing' | 'warning' | 'critical' | string;
  output?: string;
  updated_at?: string;
}

/** The image a machine runs as the API resolved it (description ImageRef); `labels` is null when the image has none. */
export interface ImageRef {
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  labels?: Record<string, string> | null;
}

export interface Machine {
  checks?: MachineCheckStatus[];
  /** Set when the stored config could not be read whole; null otherwise (recorded answers). */
  incomplete_config?: MachineConfig | null;
  image_ref?: ImageRef;
  host_status?: 'ok' | 'unknown' | 'unreachable' | string;
  id: string;
  name: string;
  state: MachineState | string;
  region: string;
  instance_id: string;
  private_ip?: string;
  config: MachineConfig;
  created_at: string;
  updated_at?: string;
  events?: MachineEvent[];
}

/** The answer to a start (fly-go machine_types.go MachineStartResponse). */
export interface MachineStartResponse {
  message?: string;
  status?: string;
  previous_state?: string;
}

export interface CreateMachineRequest {
  name?: string;
  region: string;
  config: MachineConfig | AppMachineConfig;
  skip_launch?: boolean;
  /** The machine boots only with app secrets at least this new (fly-go LaunchMachineInput). */
  min_secrets_version?: number;
}

export interface UpdateMachineRequest {
  /** The machine's own region: it cannot change (flyctl internal/command/deploy/machines_launchinput.go). */
  region: string;
  config: MachineConfig | AppMachineConfig;
  min_secrets_version?: number;
}

export interface Lease {
  nonce: string;
  expires_at: number;
  owner: string;
  /** The machine version (instance id) the lease was taken on. */
  version?: string;
}

/** fly-go machine_types.go MachineLease: `status` is "success" when the lease was granted. */
export interface LeaseResponse {
  status?: string;
  data?: Lease;
  message?: string;
  code?: string;
}

/** Fly's error body (fly-go flaps/flaps.go handleAPIError): `message` wins over `error`; `status` is machine-readable. */
export interface FlyErrorBody {
  message?: string;
  error?: string;
  status?: string;
}

// ---------------------------------------------------------------------------------------------
// The machine config as fly-go defines it (superfly/fly-go machine_types.go; JSON names are its
// tags), as far as a fly.toml can set it: what src/fly/appconfig produces. provider.ts still sends
// the narrower MachineConfig above (one service with fixed ports); the fly.toml deploy sends this.

/** Go duration text as fly-go's Duration marshals it: "10s", "1m30s", "500ms". */
export type GoDuration = string;

/**
 * fly-go MachineAutostop marshals "off" and "stop" as the booleans false and true (for older
 * API servers) and only "suspend" as a string.
 */
export type MachineAutostop = boolean | 'suspend';

export interface MachineHTTPHeader {
  name: string;
  values: string[];
}

export interface TLSOptions {
  alpn?: string[];
  versions?: string[];
  default_self_signed?: boolean;
}

export interface HTTPOptions {
  compress?: boolean;
  response?: { headers?: Record<string, unknown>; pristine?: boolean };
  h2_backend?: boolean;
  idle_timeout?: number;
  headers_read_timeout?: number;
  replay_cache?: { path_prefix: string; ttl_seconds: number; type: string; name: string; allow_bypass?: boolean }[];
}

export interface AppMachinePort {
  port?: number;
  start_port?: number;
  end_port?: number;
  handlers?: string[];
  force_https?: boolean;
  tls_options?: TLSOptions;
  http_options?: HTTPOptions;
  proxy_proto_options?: { version?: string };
}

export interface MachineServiceConcurrency {
  type?: string;
  hard_limit?: number;
  soft_limit?: number;
}

/** A check of a service (fly-go MachineServiceCheck): on the service's internal port. */
export interface MachineServiceCheck {
  type?: 'tcp' | 'http';
  port?: number;
  interval?: GoDuration;
  timeout?: GoDuration;
  grace_period?: GoDuration;
  method?: string;
  path?: string;
  protocol?: string;
  tls_skip_verify?: boolean;
  tls_server_name?: string;
  headers?: MachineHTTPHeader[];
}

/** A named top-level check (fly-go MachineCheck). */
export interface MachineCheck extends MachineServiceCheck {
  kind?: 'informational' | 'readiness';
}

export interface AppMachineService {
  protocol?: string;
  internal_port?: number;
  autostop?: MachineAutostop;
  autostart?: boolean;
  min_machines_running?: number;
  ports?: AppMachinePort[];
  checks?: MachineServiceCheck[];
  concurrency?: MachineServiceConcurrency;
}

export interface MachineMount {
  path: string;
  /** The volume's id; the volume's name is `name`. */
  volume?: string;
  name?: string;
  size_gb?: number;
  encrypted?: boolean;
  extend_threshold_percent?: number;
  add_size_gb?: number;
  size_gb_limit?: number;
}

export interface MachineInit {
  exec?: string[];
  entrypoint?: string[];
  cmd?: string[];
  tty?: boolean;
  swap_size_mb?: number;
  kernel_args?: string[];
}

export interface MachineFile {
  guest_path: string;
  /** base64 */
  raw_value?: string;
  secret_name?: string;
  mode?: number;
}

export interface MachineStatic {
  guest_path: string;
  url_prefix: string;
  tigris_bucket: string;
  index_document: string;
}

export interface MachineRestart {
  policy: 'no' | 'always' | 'on-failure';
  max_retries?: number;
}

export interface AppMachineConfig {
  image?: string;
  env?: Record<string, string>;
  init: MachineInit;
  guest?: MachineGuest;
  metadata?: Record<string, string>;
  mounts?: MachineMount[];
  services?: AppMachineService[];
  metrics?: { port?: number; path?: string; https?: boolean };
  checks?: Record<string, MachineCheck>;
  statics?: MachineStatic[];
  files?: MachineFile[];
  auto_destroy?: boolean;
  restart?: MachineRestart;
  dns?: { skip_registration?: boolean; nameservers?: string[]; searches?: string[]; [key: string]: unknown };
  stop_config?: { timeout?: GoDuration; signal?: string };
  /** Anything else `[experimental] machine_config` sets (containers, rootfs, ...), passed through. */
  [key: string]: unknown;
}

// Volumes (superfly/fly-go volume_types.go, flaps/flaps_volumes.go).
export interface Volume {
  id: string;
  name: string;
  state: string;
  size_gb: number;
  region: string;
  zone?: string;
  encrypted: boolean;
  attached_machine_id: string | null;
  attached_alloc_id?: string | null;
  created_at: string;
  snapshot_retention?: number;
  auto_backup_enabled?: boolean;
  fstype?: string;
  host_status?: 'ok' | 'unknown' | 'unreachable' | string;
  blocks?: number;
  block_size?: number;
  blocks_free?: number;
  blocks_avail?: number;
  bytes_used?: number;
  bytes_total?: number;
}

export interface CreateVolumeRequest {
  name: string;
  region: string;
  size_gb?: number;
  encrypted?: boolean;
  require_unique_zone?: boolean;
  snapshot_retention?: number;
  auto_backup_enabled?: boolean;
  compute?: MachineGuest;
}

// App secrets (superfly/fly-go secrets_types.go, flaps/flaps_secrets.go).
export interface AppSecret {
  name: string;
  digest?: string;
  created_at?: string;
  updated_at?: string;
}

export interface UpdateAppSecretsResponse {
  secrets: AppSecret[];
  version: number;
}
