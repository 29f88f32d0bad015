// The fly.toml as the deploy uses it: flyctl's config types (superfly/flyctl
// internal/appconfig/config.go), after the reading in parse.ts has normalised the file.
import type { AppMachinePort, GoDuration, MachineFile, MachineGuest, MachineServiceConcurrency, TLSOptions, HTTPOptions } from '../types.js';

/** A fly.toml that cannot be read as flyctl would read it. The message says where. */
export class AppConfigError extends Error {
  /** 1-based, when the TOML itself is malformed. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.name = 'AppConfigError';
    this.line = line;
    this.column = column;
  }
}

export type AutostopMode = 'off' | 'stop' | 'suspend';

export interface ServiceHttpCheck {
  interval?: GoDuration;
  timeout?: GoDuration;
  grace_period?: GoDuration;
  method?: string;
  path?: string;
  protocol?: string;
  tls_skip_verify?: boolean;
  tls_server_name?: string;
  headers?: Record<string, string>;
}

export interface ServiceTcpCheck {
  interval?: GoDuration;
  timeout?: GoDuration;
  grace_period?: GoDuration;
}

export interface TopLevelCheck extends ServiceHttpCheck {
  type: 'http' | 'tcp';
  port?: number;
  processes: string[];
}

export interface Service {
  protocol?: string;
  internal_port?: number;
  autostop?: AutostopMode;
  autostart?: boolean;
  min_machines_running?: number;
  ports?: AppMachinePort[];
  concurrency?: MachineServiceConcurrency;
  tcp_checks: ServiceTcpCheck[];
  http_checks: ServiceHttpCheck[];
  processes: string[];
}

export interface HttpService {
  internal_port?: number;
  force_https: boolean;
  autostop?: AutostopMode;
  autostart?: boolean;
  min_machines_running?: number;
  processes: string[];
  concurrency?: MachineServiceConcurrency;
  tls_options?: TLSOptions;
  http_options?: HTTPOptions;
  checks: ServiceHttpCheck[];
}

/** One `[[vm]]`/`[[compute]]` section (flyctl Compute: size, memory and inline MachineGuest fields). */
export interface Compute {
  size?: string;
  memory?: string;
  /** The MachineGuest fields the section sets; undefined when it sets none (flyctl's nil pointer). */
  guest?: Partial<MachineGuest>;
  processes: string[];
}

export interface Mount {
  source: string;
  destination: string;
  initial_size?: string;
  snapshot_retention?: number;
  scheduled_snapshots?: boolean;
  auto_extend_size_threshold?: number;
  auto_extend_size_increment?: string;
  auto_extend_size_limit?: string;
  processes: string[];
}

export interface Restart {
  policy: 'always' | 'never' | 'on-failure';
  retries?: number;
  processes: string[];
}

export interface Metrics {
  port?: number;
  path?: string;
  https?: boolean;
  processes: string[];
}

export interface Static {
  guest_path: string;
  url_prefix: string;
  tigris_bucket: string;
  index_document: string;
}

export interface AppConfig {
  primaryRegion?: string;
  killSignal?: string;
  killTimeout?: GoDuration;
  swapSizeMb?: number;
  hostDedicationId?: string;
  env: Record<string, string>;
  /** Group name → command line ('' runs the image's own command). Empty: one group, `app`. */
  processes: Record<string, string>;
  experimental?: { cmd?: string[]; entrypoint?: string[]; exec?: string[] };
  /**
   * The JSON machine config of `[experimental] machine_config` (else top-level `machine_config`):
   * inline JSON or a .json file. flyctl starts each group's config from it and then sets the fields
   * fly.toml manages.
   */
  machineConfigBase?: Record<string, unknown>;
  deploy?: { releaseCommand?: string; releaseCommandTimeout?: GoDuration; releaseCommandVm?: Compute };
  httpService?: HttpService;
  services: Service[];
  checks: Record<string, TopLevelCheck>;
  mounts: Mount[];
  /** `[[files]]` as the machine receives them (values base64, local files already read). */
  files: MachineFile[];
  restart: Restart[];
  compute: Compute[];
  statics: Static[];
  metrics: Metrics[];
  /** One line per section or key the action does not apply, naming it. */
  warnings: string[];
}

export interface LoadOptions {
  /** Reads a file named by the fly.toml (`[[files]] local_path`, a `machine_config` .json). */
  readFile?: (path: string) => Buffer;
}
