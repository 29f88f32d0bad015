// AppConfig → the machine config of one process group, as flyctl builds it
// (superfly/flyctl internal/appconfig: processgroups.go Flatten, machines.go updateMachineConfig
// and ToReleaseMachineConfig, service.go, toplevelcheck.go). Field names and shapes on the wire are
// fly-go's (machine_types.go). Two knowing differences: no `fly_flyctl_version` metadata (this is
// not flyctl), and check headers are sorted by name (flyctl emits them in Go's random map order).
import { AppConfigError, type AppConfig, type Compute, type HttpService, type Service, type ServiceHttpCheck, type ServiceTcpCheck, type TopLevelCheck, type AutostopMode } from './config.js';
import { keyName, strip } from './reader.js';
import { shlexSplit, ShlexError } from './shlex.js';
import type {
  AppMachineConfig,
  AppMachineService,
  MachineAutostop,
  MachineCheck,
  MachineFile,
  MachineGuest,
  MachineHTTPHeader,
  MachineMount,
  MachineServiceCheck,
} from '../types.js';

export const defaultGroup = 'app';
export const releaseCommandGroup = 'fly_app_release_command';
const platformVersion = { fly_platform_version: 'v2' } as const;

const minSharedPerCpu = 256;
const minPerformancePerCpu = 2048;

/** fly-go MachinePresets (machine_types.go): the names `size` and `[[vm]] size` accept. */
export const machinePresets: Readonly<Record<string, Readonly<MachineGuest>>> = {
  ...Object.fromEntries(
    [1, 2, 4, 6, 8].map((n) => [`shared-cpu-${n}x`, { cpu_kind: 'shared' as const, cpus: n, memory_mb: n * minSharedPerCpu }]),
  ),
  ...Object.fromEntries(
    [1, 2, 4, 6, 8, 10, 12, 14, 16].map((n) => [`performance-${n}x`, { cpu_kind: 'performance' as const, cpus: n, memory_mb: n * minPerformancePerCpu }]),
  ),
  ...Object.fromEntries(
    (
      [
        ['a100-40gb', 'a100-pcie-40gb'],
        ['a100-80gb', 'a100-sxm4-80gb'],
        ['l40s', 'l40s'],
        ['a10', 'a10'],
      ] as const
    ).map(([size, gpuKind]) => [size, { gpu_kind: gpuKind, gpus: 1, cpu_kind: 'performance' as const, cpus: 8, memory_mb: 16 * minPerformancePerCpu }]),
  ),
};
export const defaultVmSize = 'shared-cpu-1x';
const defaultGpuVmSize = 'performance-8x';

/** CPU counts Fly accepts per kind (superfly/flyctl internal/machine/update.go cpusPerKind). */
export const cpusPerKind = { shared: [1, 2, 4, 6, 8], performance: [1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128] } as const;

/**
 * What flyctl refuses before it sends a guest (internal/machine/update.go): the CPU count for the
 * kind, memory in steps of 256 MB (shared) or 1024 MB (performance), between 256/2048 MB and
 * 2048/8192 MB per CPU. Returns the problem, or undefined when the guest is fine.
 */
export function guestProblem(guest: Pick<MachineGuest, 'cpu_kind' | 'cpus' | 'memory_mb'>): string | undefined {
  const counts: readonly number[] = cpusPerKind[guest.cpu_kind];
  if (!counts.includes(guest.cpus)) return `${guest.cpu_kind} machines have ${counts.join(', ')} CPUs, not ${guest.cpus}`;
  const step = guest.cpu_kind === 'shared' ? 256 : 1024;
  const min = (guest.cpu_kind === 'shared' ? minSharedPerCpu : minPerformancePerCpu) * guest.cpus;
  const max = (guest.cpu_kind === 'shared' ? 2048 : 8192) * guest.cpus;
  if (guest.memory_mb % step !== 0 || guest.memory_mb < min || guest.memory_mb > max) {
    return `${guest.cpus} ${guest.cpu_kind} CPU${guest.cpus === 1 ? '' : 's'} take a multiple of ${step} MB from ${min} to ${max}, not ${guest.memory_mb} MB`;
  }
  return undefined;
}

const binary: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const decimal: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };

/**
 * flyctl helpers.ParseSize: a plain integer is already in the target unit; otherwise docker/go-units
 * reads "1gb", "512MB", "4G", "1.5 GiB" (RAMInBytes: powers of 1024; FromHumanSize: of 1000).
 */
function parseSize(text: string, units: Record<string, number>, quotient: number): number | undefined {
  if (/^[+-]?[0-9]+$/.test(text)) return Number(text);
  const match = /^([0-9]+(?:\.[0-9]+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (match === null) return undefined;
  const bytes = Math.trunc(Number(match[1]) * (units[(match[2] ?? '').toLowerCase()] as number));
  return Math.trunc(bytes / quotient);
}

/** `memory = "1gb"` → 1024 (MB). */
export function parseMemoryMb(text: string): number | undefined {
  return parseSize(text, binary, 1024 ** 2);
}

/** `initial_size = "10gb"` → 10 (GB, decimal, as flyctl sizes volumes). */
export function parseVolumeSizeGb(text: string): number | undefined {
  return parseSize(text, decimal, 1e9);
}

/** Group names, sorted; `app` when the file has no [processes]. */
export function processNames(c: AppConfig): string[] {
  const names = Object.keys(c.processes);
  return names.length === 0 ? [defaultGroup] : names.sort();
}

export function defaultProcessName(c: AppConfig): string {
  const names = processNames(c);
  return names.includes(defaultGroup) ? defaultGroup : (names[0] as string);
}

/** Whether a section with `processes = list` belongs to `group` (flyctl flattenGroupsMatch). */
function belongs(c: AppConfig, group: string, list: readonly string[]): boolean {
  const fallback = defaultProcessName(c);
  if (list.length === 0) return group === fallback;
  return list.some((x) => x === group || (x === '' && group === fallback));
}

/** The most specific [[vm]] for a group: the last one naming it, else the first without processes. */
export function computeForGroup(c: AppConfig, group: string): Compute | undefined {
  const candidates = c.compute.filter((x) => x.processes.length === 0 || belongs(c, group, x.processes));
  let chosen = candidates[0];
  for (const x of candidates.slice(1)) if (x.processes.includes(group)) chosen = x;
  return chosen;
}

/** flyctl computeToGuest: a preset (size, else shared-cpu-1x, or performance-8x with a GPU), then memory, then the explicit guest fields. */
export function computeToGuest(compute: Compute, hostDedicationId: string | undefined, where: string): MachineGuest {
  const size = compute.size ?? (compute.guest?.gpu_kind ? defaultGpuVmSize : defaultVmSize);
  const preset = machinePresets[size];
  if (preset === undefined) {
    const family = size.startsWith('shared') ? 'shared' : size.startsWith('performance') ? 'performance' : undefined;
    const valid = Object.keys(machinePresets).filter((k) => family === undefined || k.startsWith(family));
    throw new AppConfigError(`${where} size "${size}" is not a Fly machine size; choose one of ${valid.join(', ')}`);
  }
  const guest: MachineGuest = { ...preset };
  if (hostDedicationId) guest.host_dedication_id = hostDedicationId;
  if (compute.memory !== undefined) {
    const mb = parseMemoryMb(compute.memory);
    if (mb === undefined) throw new AppConfigError(`${where} memory "${compute.memory}" is not a size such as 512mb or 2gb`);
    if (mb === 0) throw new AppConfigError(`${where} memory cannot be zero`);
    guest.memory_mb = mb;
  }
  // copier.CopyWithOption(IgnoreEmpty): only fields the section set to a non-zero value.
  for (const [key, value] of Object.entries(compute.guest ?? {})) {
    if (value === undefined || value === '' || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    (guest as unknown as Record<string, unknown>)[key] = value;
  }
  return guest;
}

/** The group's guest from the file; undefined when no [[vm]] applies (flyctl then leaves the guest alone). */
export function guestForGroup(c: AppConfig, group: string): MachineGuest | undefined {
  const compute = computeForGroup(c, group);
  if (compute === undefined) return undefined;
  const hdid = compute.guest?.host_dedication_id || c.hostDedicationId;
  return computeToGuest(compute, hdid, `[[vm]] for process group ${JSON.stringify(group)}:`);
}

/** A [processes] command or release_command as flyctl splits it (google/shlex). */
export function splitCommand(command: string, what: string): string[] {
  try {
    return shlexSplit(command);
  } catch (error) {
    if (error instanceof ShlexError) throw new AppConfigError(`could not parse the command for ${what}: ${error.message}`);
    throw error;
  }
}

const wireAutostop = (mode: AutostopMode): MachineAutostop => (mode === 'suspend' ? 'suspend' : mode === 'stop');

function headerList(headers: Record<string, string> | undefined): MachineHTTPHeader[] | undefined {
  if (headers === undefined) return undefined;
  const list = Object.keys(headers)
    .sort()
    .map((name) => ({ name, values: [headers[name] as string] }));
  return list.length === 0 ? undefined : list;
}

function tcpServiceCheck(check: ServiceTcpCheck): MachineServiceCheck {
  return strip({ type: 'tcp', interval: check.interval, timeout: check.timeout, grace_period: check.grace_period });
}

function httpServiceCheck(check: ServiceHttpCheck): MachineServiceCheck {
  return strip({
    type: 'http',
    interval: check.interval,
    timeout: check.timeout,
    grace_period: check.grace_period,
    method: check.method,
    path: check.path,
    protocol: check.protocol,
    tls_skip_verify: check.tls_skip_verify,
    tls_server_name: check.tls_server_name,
    headers: headerList(check.headers),
  });
}

function topLevelCheck(check: TopLevelCheck): MachineCheck {
  return strip({
    type: check.type,
    port: check.port,
    interval: check.interval,
    timeout: check.timeout,
    grace_period: check.grace_period,
    method: check.method?.toUpperCase(),
    path: check.path,
    protocol: check.protocol,
    tls_skip_verify: check.tls_skip_verify,
    tls_server_name: check.tls_server_name,
    headers: headerList(check.headers),
  });
}

/** [http_service] as flyctl expands it (service.go HTTPService.ToService): ports 80 and 443. */
function httpToService(s: HttpService): Service {
  return {
    protocol: 'tcp',
    internal_port: s.internal_port,
    concurrency: s.concurrency,
    processes: s.processes,
    http_checks: s.checks,
    tcp_checks: [],
    ports: [
      strip({ port: 80, handlers: ['http'], force_https: s.force_https || undefined, http_options: s.http_options }),
      strip({ port: 443, handlers: ['http', 'tls'], http_options: s.http_options, tls_options: s.tls_options }),
    ],
    autostop: s.autostop,
    autostart: s.autostart,
    min_machines_running: s.min_machines_running,
  };
}

function machineService(s: Service): AppMachineService {
  const checks = [...s.tcp_checks.map(tcpServiceCheck), ...s.http_checks.map(httpServiceCheck)];
  return strip({
    protocol: s.protocol,
    internal_port: s.internal_port,
    ports: s.ports,
    concurrency: s.concurrency,
    autostop: s.autostop === undefined ? undefined : wireAutostop(s.autostop),
    autostart: s.autostart,
    min_machines_running: s.min_machines_running,
    checks: checks.length === 0 ? undefined : checks,
  });
}

/** fly-go MergeFiles: a later file replaces one at the same guest path; one with no content removes it. */
function mergeFiles(files: readonly MachineFile[]): MachineFile[] | undefined {
  const out: MachineFile[] = [];
  for (const f of files) {
    const at = out.findIndex((x) => x.guest_path === f.guest_path);
    if (at === -1) out.push(f);
    else if (f.raw_value === undefined && f.secret_name === undefined) out.splice(at, 1);
    else out.splice(at, 1, f);
  }
  return out.length === 0 ? undefined : out;
}

const restartPolicy = { always: 'always', never: 'no', 'on-failure': 'on-failure' } as const;

/**
 * The machine config flyctl's `ToMachineConfig(group, nil)` gives for a process group: no image
 * (the deploy sets it) and no guest when no [[vm]] applies to the group.
 */
export function toMachineConfig(c: AppConfig, group: string): AppMachineConfig {
  if (!processNames(c).includes(group)) throw new AppConfigError(`there is no process group ${JSON.stringify(group)}; the file has ${processNames(c).map(keyName).join(', ')}`);
  const matches = (list: readonly string[]): boolean => belongs(c, group, list);
  const http = c.httpService !== undefined && matches(c.httpService.processes) ? c.httpService : undefined;
  const config: AppMachineConfig = structuredClone(c.machineConfigBase ?? {}) as AppMachineConfig;

  const metrics = c.metrics.find((m) => matches(m.processes));
  delete config.metrics;
  if (metrics !== undefined) config.metrics = strip({ port: metrics.port, path: metrics.path, https: metrics.https });

  config.init = initFor(c, group, config.init);

  config.metadata = { ...config.metadata, ...platformVersion, fly_process_group: group };

  const services = [...(http === undefined ? [] : [httpToService(http)]), ...c.services.filter((s) => matches(s.processes))];
  delete config.services;
  if (services.length > 0) config.services = services.map(machineService);

  delete config.checks;
  const checks = checksFor(c, group, http);
  if (checks !== undefined) config.checks = checks;

  config.env = { ...c.env, FLY_PROCESS_GROUP: group };
  if (c.primaryRegion) config.env['PRIMARY_REGION'] = c.primaryRegion;

  delete config.statics;
  if (c.statics.length > 0) config.statics = c.statics.map((s) => ({ ...s }));

  delete config.mounts;
  const mounts = c.mounts.filter((m) => matches(m.processes));
  if (mounts.length > 0) config.mounts = mounts.map(machineMount);

  delete config.stop_config;
  if (c.killSignal !== undefined || c.killTimeout !== undefined) config.stop_config = strip({ timeout: c.killTimeout, signal: c.killSignal });

  // flyctl: every [[files]] entry reaches every group (it merges them before flattening).
  delete config.files;
  const files = mergeFiles(c.files);
  if (files !== undefined) config.files = files;

  const guest = guestForGroup(c, group);
  if (guest !== undefined) config.guest = guest;

  delete config.restart;
  for (const r of c.restart.filter((x) => matches(x.processes))) {
    config.restart = strip({ policy: restartPolicy[r.policy], max_retries: r.retries || undefined });
  }
  return config;
}

/** The group's command (its `[processes]` line, else `[experimental] cmd`), entrypoint, exec and swap. */
function initFor(c: AppConfig, group: string, base: AppMachineConfig['init']): AppMachineConfig['init'] {
  const command = c.processes[group];
  let cmd = command === undefined || command === '' ? undefined : splitCommand(command, `the ${keyName(group)} process group`);
  const init = { ...(base ?? {}) };
  if (c.experimental !== undefined) {
    cmd ??= c.experimental.cmd;
    init.entrypoint = c.experimental.entrypoint;
    init.exec = c.experimental.exec;
  } else {
    delete init.entrypoint;
    delete init.exec;
  }
  init.cmd = cmd;
  init.swap_size_mb = c.swapSizeMb;
  return strip(init);
}

/** The group's top-level checks; one without a port takes the http_service's, as flyctl does. */
function checksFor(c: AppConfig, group: string, http: HttpService | undefined): AppMachineConfig['checks'] {
  const checks = Object.entries(c.checks).filter(([, check]) => belongs(c, group, check.processes));
  if (checks.length === 0) return undefined;
  const machineChecks: NonNullable<AppMachineConfig['checks']> = {};
  for (const [name, check] of checks) {
    const machineCheck = topLevelCheck(check);
    if (machineCheck.port === undefined) {
      if (http === undefined) {
        throw new AppConfigError(`check ${JSON.stringify(name)} for process group ${JSON.stringify(group)} has no port set and the group has no http_service to take it from`);
      }
      machineCheck.port = http.internal_port;
    }
    machineChecks[name] = machineCheck;
  }
  return machineChecks;
}

function machineMount(m: AppConfig['mounts'][number]): MachineMount {
  const gb = (text: string | undefined): number | undefined => (text === undefined ? undefined : parseVolumeSizeGb(text) || undefined);
  return strip({
    path: m.destination,
    name: m.source,
    extend_threshold_percent: m.auto_extend_size_threshold || undefined,
    add_size_gb: gb(m.auto_extend_size_increment),
    size_gb_limit: gb(m.auto_extend_size_limit),
  });
}

/** The one-off machine of `[deploy] release_command` (flyctl ToReleaseMachineConfig); undefined without one. */
export function toReleaseMachineConfig(c: AppConfig): AppMachineConfig | undefined {
  const command = c.deploy?.releaseCommand;
  if (command === undefined) return undefined;
  const config: AppMachineConfig = {
    init: strip({ cmd: splitCommand(command, '[deploy] release_command'), swap_size_mb: c.swapSizeMb, entrypoint: c.experimental?.entrypoint }),
    restart: { policy: 'no' },
    auto_destroy: true,
    dns: { skip_registration: true },
    metadata: { ...platformVersion, fly_process_group: releaseCommandGroup },
    env: { ...c.env, RELEASE_COMMAND: '1', FLY_PROCESS_GROUP: releaseCommandGroup },
  };
  if (c.primaryRegion) (config.env as Record<string, string>)['PRIMARY_REGION'] = c.primaryRegion;
  if (c.killSignal !== undefined || c.killTimeout !== undefined) config.stop_config = strip({ timeout: c.killTimeout, signal: c.killSignal });
  const files = mergeFiles(c.files);
  if (files !== undefined) config.files = files;
  const vm = c.deploy?.releaseCommandVm;
  if (vm !== undefined) config.guest = computeToGuest(vm, c.hostDedicationId, '[deploy.release_command_vm]');
  return config;
}
