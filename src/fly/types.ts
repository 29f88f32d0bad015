// Request and response shapes of the Fly Machines API, as far as this action uses them. JSON names
// follow superfly/fly-go machine_types.go and flaps/*.go; test/sim/fly-fields.json lists the ones
// a request body may use, and test/sim/FLY_API.md cites the source of each.

export interface FlyApp {
  id: string;
  name: string;
  status?: string;
  organization?: { name?: string; slug: string };
}

export interface CreateAppRequest {
  app_name: string;
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

export interface Machine {
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

export interface CreateMachineRequest {
  name?: string;
  region: string;
  config: MachineConfig;
  skip_launch?: boolean;
}

export interface UpdateMachineRequest {
  /** The machine's own region: it cannot change (flyctl internal/command/deploy/machines_launchinput.go). */
  region: string;
  config: MachineConfig;
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
