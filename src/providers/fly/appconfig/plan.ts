// The preview of an app: per process group the machine config flyctl would deploy, with the
// action's inputs laid over the file (explicit inputs win; then the file; then the action's own
// defaults: iad, port 8080, shared-cpu-1x with 256 MB), plus the volumes and the release command.
import { AppConfigError, type AppConfig, type AutostopMode } from './config.js';
import {
  defaultProcessName,
  defaultVmSize,
  guestProblem,
  machinePresets,
  parseVolumeSizeGb,
  processNames,
  toMachineConfig,
  toReleaseMachineConfig,
} from './machines.js';
import { parseGoDuration } from './duration.js';
import type { AppMachineConfig, MachineGuest } from '../types.js';

export const defaultRegion = 'iad';
export const defaultInternalPort = 8080;
/** flyctl's default (internal/command/deploy/machines.go DefaultReleaseCommandTimeout). */
export const defaultReleaseTimeoutMs = 5 * 60_000;

/** Inputs that override the file; undefined: not given. */
export interface PlanOverrides {
  region?: string;
  internalPort?: number;
  /** A fly-go machine preset such as shared-cpu-2x or performance-4x. */
  size?: string;
  cpuKind?: 'shared' | 'performance';
  cpus?: number;
  memoryMb?: number;
  /** What idle services do where the file says nothing about idling. */
  autostop: AutostopMode;
}

export interface VolumePlan {
  /** `[mounts] source`: the volume's name. */
  name: string;
  destination: string;
  /** `initial_size`, else flyctl's default for a new volume: 1 GB, 100 GB for a GPU machine (internal/command/deploy/deploy_first.go). */
  sizeGb: number;
  snapshotRetention?: number;
  autoBackupEnabled?: boolean;
}

export interface GroupPlan {
  name: string;
  /** Everything but `image` (and the action's own metadata), which the deploy adds. */
  config: AppMachineConfig;
  /** One volume per mount, to create in `region` and attach through `config.mounts[i].volume`. */
  volumes: VolumePlan[];
  /** How many checks the machine reports in `checks[]` once they are registered (top-level and service checks). */
  checkCount: number;
}

export interface ReleasePlan {
  /** The command as written in the file, for the log and the comment. */
  commandLine: string;
  config: AppMachineConfig;
  timeoutMs: number;
}

export interface PreviewPlan {
  region: string;
  groups: GroupPlan[];
  release: ReleasePlan | undefined;
  warnings: string[];
}

/** The file and the size inputs together give a group a machine size Fly refuses. */
export class GuestSizeError extends AppConfigError {
  readonly group: string;
  readonly problem: string;
  constructor(group: string, problem: string) {
    super(`the machine size of process group ${JSON.stringify(group)} is not one Fly accepts: ${problem}`);
    this.name = 'GuestSizeError';
    this.group = group;
    this.problem = problem;
  }
}

/** The one group a preview without a fly.toml runs: the image's own command on one HTTP service. */
function noFileConfig(): AppConfig {
  return {
    env: {},
    processes: {},
    services: [],
    checks: {},
    mounts: [],
    files: [],
    restart: [],
    compute: [],
    statics: [],
    metrics: [],
    warnings: [],
    httpService: { internal_port: defaultInternalPort, force_https: true, processes: [], checks: [] },
  };
}

function withOverrides(file: AppConfig | undefined, overrides: PlanOverrides, warnings: string[]): AppConfig {
  const c = structuredClone(file ?? noFileConfig());
  c.primaryRegion = overrides.region ?? c.primaryRegion ?? defaultRegion;
  if (overrides.internalPort !== undefined) {
    // The app's HTTP port: [http_service], else every [[services]] that speaks HTTP.
    const httpServices = c.services.filter((s) => s.ports?.some((p) => p.handlers?.includes('http')) === true);
    if (c.httpService !== undefined) c.httpService.internal_port = overrides.internalPort;
    else if (httpServices.length > 0) for (const s of httpServices) s.internal_port = overrides.internalPort;
    else warnings.push('The internal-port input applies to an HTTP service, which the fly.toml does not have; it is not used.');
  }
  if (file !== undefined && c.httpService === undefined && c.services.length === 0) {
    warnings.push('The fly.toml defines no [http_service] or [[services]], so the preview URL will not answer.');
  }
  // Scale to zero where the file says nothing about idling; what it does say stands.
  for (const s of [...(c.httpService === undefined ? [] : [c.httpService]), ...c.services]) {
    s.autostop ??= overrides.autostop;
    s.autostart ??= true;
    s.min_machines_running ??= 0;
  }
  return c;
}

function effectiveGuest(fromFile: MachineGuest | undefined, overrides: PlanOverrides, group: string): MachineGuest {
  let guest: MachineGuest = { ...(fromFile ?? (machinePresets[defaultVmSize] as MachineGuest)) };
  if (overrides.size !== undefined) {
    const preset = machinePresets[overrides.size];
    if (preset === undefined) throw new AppConfigError(`size "${overrides.size}" is not a Fly machine size`);
    const { host_dedication_id: hdid } = guest;
    guest = { ...preset };
    if (hdid !== undefined) guest.host_dedication_id = hdid;
  }
  if (overrides.cpuKind !== undefined) guest.cpu_kind = overrides.cpuKind;
  if (overrides.cpus !== undefined) guest.cpus = overrides.cpus;
  if (overrides.memoryMb !== undefined) guest.memory_mb = overrides.memoryMb;
  const problem = guestProblem(guest);
  if (problem !== undefined) throw new GuestSizeError(group, problem);
  return guest;
}

function checkCount(config: AppMachineConfig): number {
  return Object.keys(config.checks ?? {}).length + (config.services ?? []).reduce((n, s) => n + (s.checks?.length ?? 0), 0);
}

/**
 * The preview plan for a fly.toml (undefined: none), with the inputs' overrides. Throws
 * AppConfigError when the file and the overrides together make something Fly would refuse.
 */
export function planPreview(file: AppConfig | undefined, overrides: PlanOverrides): PreviewPlan {
  const warnings = [...(file?.warnings ?? [])];
  const c = withOverrides(file, overrides, warnings);
  const region = c.primaryRegion as string;
  const groups = processNames(c).map((name): GroupPlan => {
    const config = toMachineConfig(c, name);
    // A machine mounts one volume (flyctl validation.go validateMounts; deploy attaches mounts[0]).
    if ((config.mounts?.length ?? 0) > 1) throw new AppConfigError(`process group ${JSON.stringify(name)} has more than one [[mounts]] section; a machine mounts one volume`);
    config.guest = effectiveGuest(config.guest, overrides, name);
    // flyctl puts the top-level host_dedication_id on every machine it launches (machines_launchinput.go).
    if (c.hostDedicationId) config.guest.host_dedication_id = c.hostDedicationId;
    const volumes = (config.mounts ?? []).map((m): VolumePlan => {
      const mount = c.mounts.find((x) => x.source === m.name && x.destination === m.path);
      const size = mount?.initial_size === undefined ? undefined : parseVolumeSizeGb(mount.initial_size);
      if (mount?.initial_size !== undefined && (size === undefined || size < 1)) {
        throw new AppConfigError(`[mounts] initial_size "${mount.initial_size}" is not a size of at least 1gb`);
      }
      const plan: VolumePlan = { name: m.name as string, destination: m.path, sizeGb: size ?? (config.guest?.gpu_kind ? 100 : 1) };
      if (mount?.snapshot_retention !== undefined) plan.snapshotRetention = mount.snapshot_retention;
      if (mount?.scheduled_snapshots !== undefined) plan.autoBackupEnabled = mount.scheduled_snapshots;
      return plan;
    });
    return { name, config, volumes, checkCount: checkCount(config) };
  });

  let release: ReleasePlan | undefined;
  const releaseConfig = toReleaseMachineConfig(c);
  if (releaseConfig !== undefined) {
    // Without release_command_vm, flyctl runs the release command on the default group's machine
    // size once the app has machines (internal/command/deploy/machines_releasecommand.go).
    const appGroup = groups.find((g) => g.name === defaultProcessName(c));
    releaseConfig.guest ??= { ...(appGroup?.config.guest as MachineGuest) };
    if (c.hostDedicationId) releaseConfig.guest.host_dedication_id = c.hostDedicationId;
    const timeout = c.deploy?.releaseCommandTimeout;
    release = {
      commandLine: c.deploy?.releaseCommand as string,
      config: releaseConfig,
      timeoutMs: timeout === undefined ? defaultReleaseTimeoutMs : Number((parseGoDuration(timeout) as bigint) / 1_000_000n),
    };
  }
  return { region, groups, release, warnings };
}
