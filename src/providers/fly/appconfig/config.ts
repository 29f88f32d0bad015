// fly.toml text → a typed AppConfig, normalised as flyctl normalises it before use
// (superfly/flyctl internal/appconfig/serde.go unmarshalTOML → patches.go applyPatches → config.go
// types): `[vm]`/`[[compute]]` are one list, `[mounts]` may be a table or an array, `[checks]` a
// table or an array of named tables, durations may be integers (checks: ms, kill_timeout: s),
// `concurrency` may be the old "soft,hard" string, env values may be numbers or booleans.
import { parse, TomlError } from 'smol-toml';
import { formatGoDuration, parseGoDuration } from './duration.js';
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

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Where a value sits, for messages: `[http_service] internal_port`. */
class Reader {
  readonly where: string;
  readonly table: Table;
  constructor(where: string, table: Table) {
    this.where = where;
    this.table = table;
  }

  fail(key: string, problem: string): never {
    throw new AppConfigError(`${this.where === '' ? '' : `${this.where} `}${keyName(key)} ${problem}`);
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }

  string(key: string): string | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, `must be a string; got ${show(v)}`);
    return v;
  }

  /** Strings or numbers, as flyctl's castToString takes them. */
  text(key: string): string | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    return this.fail(key, `must be a string; got ${show(v)}`);
  }

  integer(key: string): number | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    // flyctl's castToInt also takes a numeric string (`internal_port = "8080"`) and truncates floats.
    if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
    if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v)) return Number(v);
    return this.fail(key, `must be a whole number; got ${show(v)}`);
  }

  boolean(key: string): boolean | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false; got ${show(v)}`);
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(key, `must be a list of strings; got ${show(v)}`);
    return v as string[];
  }

  /** `cmd = "x"` or `cmd = ["x", "y"]` (flyctl stringOrSliceToSlice: a string is one word). */
  stringOrList(key: string): string[] | undefined {
    const v = this.table[key];
    if (typeof v === 'string') return [v];
    return this.strings(key);
  }

  processes(): string[] {
    return this.strings('processes') ?? [];
  }

  /** A duration: a Go duration string, or an integer in `unitNs` (flyctl _castDuration). */
  duration(key: string, unitNs: bigint): GoDuration | undefined {
    const v = this.table[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return formatGoDuration(BigInt(v) * unitNs);
    if (typeof v === 'string') {
      const ns = parseGoDuration(v);
      if (ns === undefined) this.fail(key, `must be a duration such as "10s" or "1m30s"; got ${show(v)}`);
      return formatGoDuration(ns);
    }
    return this.fail(key, `must be a duration such as "10s"; got ${show(v)}`);
  }

  table_(key: string): Table | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) this.fail(key, `must be a table; got ${show(v)}`);
    return v;
  }

  /** `[x]` or `[[x]]`: flyctl's ensureArrayOfMap takes both. */
  tables(key: string): Table[] {
    const v = this.table[key];
    if (v === undefined) return [];
    if (isTable(v)) return [v];
    if (Array.isArray(v) && v.every(isTable)) return v as Table[];
    return this.fail(key, `must be a table or an array of tables; got ${show(v)}`);
  }

  child(key: string, index?: number): Reader | undefined {
    const t = index === undefined ? this.table_(key) : this.tables(key)[index];
    if (t === undefined) return undefined;
    const name = this.where === '' ? keyName(key) : `${this.where.replace(/^\[+|\]+$/g, '')}.${keyName(key)}`;
    return new Reader(index === undefined ? `[${name}]` : `[[${name}]] #${index + 1}`, t);
  }
}

/** A key as messages show it: plain when it is a plain word, else JSON-quoted, so no line break or `::` command can ride in. */
export function keyName(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function show(v: unknown): string {
  const text = typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Keys the action reads, per section; anything else in that section gets a warning. */
const topLevelKeys = new Set([
  'app',
  'build',
  'primary_region',
  'kill_signal',
  'kill_timeout',
  'swap_size_mb',
  'host_dedication_id',
  'env',
  'processes',
  'experimental',
  'machine_config',
  'deploy',
  'http_service',
  'services',
  'checks',
  'mounts',
  'mount',
  'files',
  'restart',
  'vm',
  'compute',
  'computes',
  'statics',
  'metrics',
  'metric',
]);

const unsupportedReasons: Record<string, string> = {
  console_command: 'it is for `fly console`, which a preview does not run',
  machine_checks: 'machine checks run test machines during a flyctl deploy; the preview does not run them',
  container: 'multi-container machines are not supported',
};

/** Parses fly.toml text. `file` names it in messages. */
export function parseAppConfig(text: string, file = 'fly.toml', options: LoadOptions = {}): AppConfig {
  let raw: Table;
  try {
    raw = parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
      throw new AppConfigError(`${file} line ${error.line}, column ${error.column}: ${reason}`, error.line, error.column);
    }
    throw error;
  }
  try {
    return normalise(new Reader('', raw), options);
  } catch (error) {
    if (error instanceof AppConfigError) throw new AppConfigError(`${file}: ${error.message}`);
    throw error;
  }
}

function normalise(root: Reader, options: LoadOptions): AppConfig {
  const warnings: string[] = [];
  const warn = (section: string, reason: string): void => void warnings.push(`fly.toml ${section} is not applied to the preview: ${reason}`);

  for (const key of Object.keys(root.table)) {
    if (topLevelKeys.has(key)) continue;
    const shown = keyName(key);
    warn(isTable(root.table[key]) || Array.isArray(root.table[key]) ? `[${shown}]` : shown, unsupportedReasons[key] || 'the action does not support it');
  }

  const experimental = root.child('experimental');
  const config: AppConfig = {
    primaryRegion: root.string('primary_region') || undefined,
    killSignal: root.string('kill_signal'),
    killTimeout: root.duration('kill_timeout', 1_000_000_000n) ?? experimental?.duration('kill_timeout', 1_000_000_000n),
    swapSizeMb: root.integer('swap_size_mb'),
    hostDedicationId: root.string('host_dedication_id') || undefined,
    env: env(root),
    processes: processes(root),
    services: root
      .tables('services')
      .map((_, i) => service(root.child('services', i) as Reader, warn))
      .filter((s) => s !== undefined),
    checks: topLevelChecks(root),
    mounts: [...root.tables('mount').map((_, i) => mount(root.child('mount', i) as Reader)), ...root.tables('mounts').map((_, i) => mount(root.child('mounts', i) as Reader))],
    files: files(root, options),
    restart: root.tables('restart').map((_, i) => restart(root.child('restart', i) as Reader)),
    compute: ['compute', 'computes', 'vm'].flatMap((key) => root.tables(key).map((_, i) => compute(root.child(key, i) as Reader))),
    statics: root.tables('statics').map((_, i) => {
      const s = root.child('statics', i) as Reader;
      return {
        guest_path: s.string('guest_path') ?? '',
        url_prefix: s.string('url_prefix') ?? '',
        tigris_bucket: s.string('tigris_bucket') ?? '',
        index_document: s.string('index_document') ?? '',
      };
    }),
    metrics: metrics(root, experimental),
    warnings,
  };

  if (experimental !== undefined) {
    const handled = new Set(['cmd', 'entrypoint', 'exec', 'machine_config', 'kill_timeout', 'metrics_port', 'metrics_path']);
    for (const key of Object.keys(experimental.table)) if (!handled.has(key)) warn(`[experimental] ${keyName(key)}`, 'the action does not support it');
    config.experimental = {
      cmd: experimental.stringOrList('cmd'),
      entrypoint: experimental.stringOrList('entrypoint'),
      exec: experimental.stringOrList('exec'),
    };
  }

  const machineConfig = experimental?.string('machine_config') || root.string('machine_config');
  if (machineConfig) config.machineConfigBase = machineConfigJson(machineConfig, options, warn);

  const deploy = root.child('deploy');
  if (deploy !== undefined) {
    const handled = new Set(['release_command', 'release_command_timeout', 'release_command_vm']);
    for (const key of Object.keys(deploy.table)) {
      if (!handled.has(key)) warn(`[deploy] ${keyName(key)}`, 'a preview is one machine per process group, deployed at once');
    }
    const vm = deploy.child('release_command_vm');
    config.deploy = {
      releaseCommand: deploy.string('release_command') || undefined,
      releaseCommandTimeout: deploy.duration('release_command_timeout', 1n),
      releaseCommandVm: vm === undefined ? undefined : compute(vm),
    };
  }

  const http = root.child('http_service');
  if (http !== undefined) {
    config.httpService = {
      internal_port: http.integer('internal_port'),
      force_https: http.boolean('force_https') ?? false,
      autostop: autostop(http, 'auto_stop_machines'),
      autostart: http.boolean('auto_start_machines'),
      min_machines_running: http.integer('min_machines_running'),
      processes: http.processes(),
      concurrency: concurrency(http),
      tls_options: http.table_('tls_options') as TLSOptions | undefined,
      http_options: http.table_('http_options') as HTTPOptions | undefined,
      checks: http.tables('checks').map((_, i) => httpCheck(http.child('checks', i) as Reader)),
    };
    if (http.has('machine_checks')) warn('[[http_service.machine_checks]]', unsupportedReasons['machine_checks'] as string);
  }
  return config;
}

/** flyctl internal/config/machine.go ParseConfig: inline JSON starting with "{", or a .json file. */
function machineConfigJson(source: string, options: LoadOptions, warn: (section: string, reason: string) => void): Record<string, unknown> {
  let text = source;
  if (!source.startsWith('{')) {
    if (!source.endsWith('.json') || options.readFile === undefined) {
      throw new AppConfigError(`machine_config must be inline JSON or a .json file; got ${show(source)}`);
    }
    try {
      text = options.readFile(source).toString('utf8');
    } catch {
      throw new AppConfigError(`machine_config names ${show(source)}, which cannot be read`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppConfigError(`machine_config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isTable(parsed)) throw new AppConfigError('machine_config must be a JSON object');
  if (parsed['containers'] !== undefined) {
    warn('machine_config containers', 'multi-container machines are not supported; the preview runs the image alone');
    delete parsed['containers'];
  }
  return parsed;
}

function env(root: Reader): Record<string, string> {
  const out = new Map<string, string>();
  const add = (t: unknown): void => {
    if (Array.isArray(t)) {
      for (const item of t) add(item);
      return;
    }
    if (!isTable(t)) root.fail('env', `must be a table of NAME = "value"; got ${show(t)}`);
    for (const [k, v] of Object.entries(t)) out.set(k, typeof v === 'string' ? v : show(v));
  };
  if (root.table['env'] !== undefined) add(root.table['env']);
  return Object.fromEntries(out);
}

function processes(root: Reader): Record<string, string> {
  const v = root.table['processes'];
  if (v === undefined) return {};
  if (isTable(v)) {
    const out = new Map<string, string>();
    for (const [name, command] of Object.entries(v)) {
      if (typeof command !== 'string') root.fail(`processes.${name}`, `must be a command string; got ${show(command)}`);
      out.set(name, command);
    }
    return Object.fromEntries(out);
  }
  // The old form: [[processes]] name = "web" command = "..."
  if (Array.isArray(v)) {
    const out = new Map<string, string>();
    for (const item of v) {
      if (!isTable(item) || item['name'] === undefined) continue;
      out.set(String(item['name']), item['command'] === undefined ? '' : String(item['command']));
    }
    return Object.fromEntries(out);
  }
  return root.fail('processes', `must be a table of group = "command"; got ${show(v)}`);
}

function autostop(r: Reader, key: string): AutostopMode | undefined {
  const v = r.table[key];
  if (v === undefined) return undefined;
  // fly-go MachineAutostop.UnmarshalJSON: a boolean (true = stop) or "off" | "stop" | "suspend".
  if (v === true) return 'stop';
  if (v === false) return 'off';
  if (v === 'off' || v === 'stop' || v === 'suspend') return v;
  return r.fail(key, `must be "off", "stop", "suspend", true or false; got ${show(v)}`);
}

function concurrency(r: Reader): MachineServiceConcurrency | undefined {
  const v = r.table['concurrency'];
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    const match = /^([+-]?[0-9]+),([+-]?[0-9]+)$/.exec(v);
    if (match === null) r.fail('concurrency', `must be a table or the old "soft,hard" string; got ${show(v)}`);
    return { type: 'requests', hard_limit: Number(match[2]), soft_limit: Number(match[1]) };
  }
  const c = r.child('concurrency') as Reader;
  const out: MachineServiceConcurrency = {};
  const type = c.string('type');
  const hard = c.integer('hard_limit');
  const soft = c.integer('soft_limit');
  // fly-go omits zero values (omitempty).
  if (type) out.type = type;
  if (hard) out.hard_limit = hard;
  if (soft) out.soft_limit = soft;
  return out;
}

function headers(r: Reader): Record<string, string> | undefined {
  const v = r.table['headers'];
  if (v === undefined) return undefined;
  const out = new Map<string, string>();
  const text = (x: unknown): string => (typeof x === 'string' ? x : show(x));
  if (isTable(v)) for (const [k, x] of Object.entries(v)) out.set(k, text(x));
  else if (Array.isArray(v)) {
    for (const item of v) {
      if (!isTable(item) || item['name'] === undefined) r.fail('headers', `must be a table or a list of {name, value}; got ${show(item)}`);
      out.set(text(item['name']), item['value'] === undefined ? '' : text(item['value']));
    }
  } else r.fail('headers', `must be a table of header = "value"; got ${show(v)}`);
  return out.size === 0 ? undefined : Object.fromEntries(out);
}

const ms = 1_000_000n;

function tcpCheck(r: Reader): ServiceTcpCheck {
  return strip({ interval: r.duration('interval', ms), timeout: r.duration('timeout', ms), grace_period: r.duration('grace_period', ms) });
}

function httpCheck(r: Reader): ServiceHttpCheck {
  return strip({
    ...tcpCheck(r),
    method: r.string('method'),
    path: r.string('path'),
    protocol: r.string('protocol'),
    tls_skip_verify: r.boolean('tls_skip_verify'),
    tls_server_name: r.string('tls_server_name'),
    headers: headers(r),
  });
}

function topLevelChecks(root: Reader): Record<string, TopLevelCheck> {
  const v = root.table['checks'];
  const out = new Map<string, TopLevelCheck>();
  const one = (name: string, r: Reader): void => {
    const type = r.string('type');
    if (type !== 'http' && type !== 'tcp') r.fail('type', `must be "http" or "tcp" (flyctl: missing or invalid check type); got ${show(type)}`);
    out.set(name, strip({ ...httpCheck(r), type, port: r.integer('port'), processes: r.processes() }));
  };
  if (v === undefined) return {};
  if (isTable(v)) {
    const checks = root.child('checks') as Reader;
    for (const name of Object.keys(v)) one(name, checks.child(name) ?? checks.fail(name, 'must be a table'));
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (!isTable(item) || typeof item['name'] !== 'string') root.fail('checks', `#${i + 1} must be a table with a name`);
      one(item['name'], root.child('checks', i) as Reader);
    });
  } else root.fail('checks', `must be a table of named checks; got ${show(v)}`);
  return Object.fromEntries(out);
}

function ports(r: Reader): AppMachinePort[] | undefined {
  if (!r.has('ports')) return undefined;
  return r.tables('ports').map((_, i) => {
    const p = r.child('ports', i) as Reader;
    // Only fly-go MachinePort's fields: Go drops any other key when it decodes the file.
    return strip({
      port: p.integer('port'),
      start_port: p.integer('start_port'),
      end_port: p.integer('end_port'),
      handlers: p.strings('handlers'),
      force_https: p.boolean('force_https') || undefined,
      tls_options: p.table_('tls_options') as TLSOptions | undefined,
      http_options: p.table_('http_options') as HTTPOptions | undefined,
      proxy_proto_options: p.table_('proxy_proto_options') as AppMachinePort['proxy_proto_options'],
    });
  });
}

function service(r: Reader, warn: (section: string, reason: string) => void): Service | undefined {
  // flyctl drops an empty [[services]] table.
  if (Object.keys(r.table).length === 0) return undefined;
  if (r.has('machine_checks')) warn(`${r.where} machine_checks`, unsupportedReasons['machine_checks'] as string);
  return strip({
    protocol: r.string('protocol'),
    internal_port: r.integer('internal_port'),
    autostop: autostop(r, 'auto_stop_machines'),
    autostart: r.boolean('auto_start_machines'),
    min_machines_running: r.integer('min_machines_running'),
    ports: ports(r),
    concurrency: concurrency(r),
    tcp_checks: r.tables('tcp_checks').map((_, i) => tcpCheck(r.child('tcp_checks', i) as Reader)),
    http_checks: r.tables('http_checks').map((_, i) => httpCheck(r.child('http_checks', i) as Reader)),
    processes: r.processes(),
  });
}

function mount(r: Reader): Mount {
  const source = r.string('source');
  const destination = r.string('destination');
  if (!source) r.fail('source', 'is required: the volume name');
  if (!destination) r.fail('destination', 'is required: the path inside the machine');
  return strip({
    source,
    destination,
    initial_size: r.text('initial_size'),
    snapshot_retention: r.integer('snapshot_retention'),
    scheduled_snapshots: r.boolean('scheduled_snapshots'),
    auto_extend_size_threshold: r.integer('auto_extend_size_threshold'),
    auto_extend_size_increment: r.string('auto_extend_size_increment'),
    auto_extend_size_limit: r.string('auto_extend_size_limit'),
    processes: r.processes(),
  });
}

function restart(r: Reader): Restart {
  const policy = r.string('policy');
  if (policy !== 'always' && policy !== 'never' && policy !== 'on-failure') {
    r.fail('policy', `must be "always", "never" or "on-failure"; got ${show(policy)}`);
  }
  return strip({ policy, retries: r.integer('retries'), processes: r.processes() });
}

const guestKeys = ['cpu_kind', 'cpus', 'memory_mb', 'max_memory_mb', 'gpus', 'gpu_kind', 'host_dedication_id', 'kernel_args', 'persist_rootfs'] as const;

function compute(r: Reader): Compute {
  const guest: Partial<MachineGuest> = {};
  for (const key of guestKeys) {
    if (!r.has(key)) continue;
    if (key === 'cpus' || key === 'memory_mb' || key === 'max_memory_mb' || key === 'gpus') guest[key] = r.integer(key);
    else if (key === 'kernel_args') guest[key] = r.strings(key);
    else if (key === 'cpu_kind') {
      const kind = r.string(key);
      if (kind !== 'shared' && kind !== 'performance') r.fail(key, `must be "shared" or "performance"; got ${show(kind)}`);
      guest[key] = kind;
    } else if (key === 'persist_rootfs') guest[key] = r.string(key) as MachineGuest['persist_rootfs'];
    else guest[key] = r.string(key);
  }
  return strip({
    size: r.string('size') || undefined,
    memory: r.text('memory') || undefined,
    guest: Object.keys(guest).length === 0 ? undefined : guest,
    processes: r.processes(),
  });
}

function metrics(root: Reader, experimental: Reader | undefined): Metrics[] {
  const list = [...root.tables('metric'), ...root.tables('metrics')].map((t) => {
    const r = new Reader('[metrics]', t);
    return strip({ port: r.integer('port'), path: r.string('path'), https: r.boolean('https'), processes: r.processes() });
  });
  if (list.length === 0 && experimental !== undefined && (experimental.has('metrics_port') || experimental.has('metrics_path'))) {
    list.push(strip({ port: experimental.integer('metrics_port'), path: experimental.string('metrics_path'), https: undefined, processes: [] }));
  }
  return list;
}

function files(root: Reader, options: LoadOptions): MachineFile[] {
  return root.tables('files').map((_, i) => {
    const r = root.child('files', i) as Reader;
    const guestPath = r.string('guest_path');
    if (guestPath === undefined || guestPath === '') return r.fail('guest_path', 'is required');
    const file: MachineFile = { guest_path: guestPath };
    const { readFile } = options;
    const local = r.string('local_path');
    const secret = r.string('secret_name');
    const rawValue = r.string('raw_value');
    if (local) {
      if (readFile === undefined) return r.fail('local_path', 'cannot be read here');
      let content: Buffer;
      try {
        content = readFile(local);
      } catch {
        return r.fail('local_path', `names ${show(local)}, which cannot be read`);
      }
      file.raw_value = content.toString('base64');
    } else if (secret) file.secret_name = secret;
    else if (rawValue) file.raw_value = Buffer.from(rawValue).toString('base64');
    return file;
  });
}

/** Drops undefined fields, so objects compare and serialise as fly-go's omitempty leaves them. */
export function strip<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
