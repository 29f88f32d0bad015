// Each fly.toml section that shapes a machine, mapped as flyctl maps it (superfly/flyctl
// internal/appconfig/service.go, toplevelcheck.go, config.go): services and their ports and
// checks, http_service, top-level checks, mounts, restart and vm/compute.
import type { Compute, HttpService, Mount, Restart, Service, ServiceHttpCheck, ServiceTcpCheck, TopLevelCheck, AutostopMode } from './config.js';
import { isTable, show, strip, type Reader, type Warn } from './reader.js';
import type { AppMachinePort, MachineGuest, MachineServiceConcurrency, TLSOptions, HTTPOptions } from '../types.js';

/** Why a section the action skips is skipped, where there is more to say than "not supported". */
export const unsupportedReasons: Record<string, string> = {
  console_command: 'it is for `fly console`, which a preview does not run',
  machine_checks: 'machine checks run test machines during a flyctl deploy; the preview does not run them',
  container: 'multi-container machines are not supported',
};

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

export function topLevelChecks(root: Reader): Record<string, TopLevelCheck> {
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

export function service(r: Reader, warn: Warn): Service | undefined {
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

export function httpService(http: Reader, warn: Warn): HttpService {
  const config: HttpService = {
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
  return config;
}

export function mount(r: Reader): Mount {
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

export function restart(r: Reader): Restart {
  const policy = r.string('policy');
  if (policy !== 'always' && policy !== 'never' && policy !== 'on-failure') {
    r.fail('policy', `must be "always", "never" or "on-failure"; got ${show(policy)}`);
  }
  return strip({ policy, retries: r.integer('retries'), processes: r.processes() });
}

const guestKeys = ['cpu_kind', 'cpus', 'memory_mb', 'max_memory_mb', 'gpus', 'gpu_kind', 'host_dedication_id', 'kernel_args', 'persist_rootfs'] as const;

export function compute(r: Reader): Compute {
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
