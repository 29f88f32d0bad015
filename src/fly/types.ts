// Request and response shapes of the Fly Machines API, as far as this action uses them
// (shared/seeds/fly-machines-openapi.yml; test/sim/FLY_API.md).

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
  request?: { exit_event?: { exit_code?: number; oom_killed?: boolean; exited_at?: string } };
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
  region?: string;
  config: MachineConfig;
}

export interface Lease {
  nonce: string;
  expires_at: number;
  owner: string;
  description?: string;
  /** The machine version (instance id) the lease was taken on. */
  version?: string;
}

export interface LeaseResponse {
  status: string;
  data: Lease;
}

/** Fly's error body: `{"error": "..."}`, sometimes with a machine-readable `status`. */
export interface FlyErrorBody {
  error?: string;
  status?: string;
}
