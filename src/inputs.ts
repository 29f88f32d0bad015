// Raw action inputs → one typed, validated Settings object: the platform-neutral inputs
// (common-inputs.ts) and the chosen platform's own (a fly.toml and Fly's machine sizes, Koyeb's
// region and instance type, ComfyDeploy's build). main.ts loads this module only once the plan says
// the run acts, and reads it before any network call, so a bad value still fails the step without
// touching the platform or GitHub; a skipped run never parses a fly.toml.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, integer, oneOf, quote, readCommonSettings, singleLine, type CommonSettings, type ProviderName } from './common-inputs.js';
import { readDatabaseInputs } from './database-inputs.js';
import type { DatabaseSettings } from './database/contract.js';
import type { GuestSize } from './provider.js';
import {
  AppConfigError,
  GuestSizeError,
  cpusPerKind,
  defaultInternalPort,
  loadAppConfig,
  machinePresets,
  planPreview,
  type AppConfig,
  type AutostopMode,
  type PlanOverrides,
} from './providers/fly/appconfig/index.js';
import {
  checkComfyUiVersion,
  checkCustomNodes,
  checkGpu,
  checkNodePath,
  comfyDeployDefaultWaitTimeoutSeconds,
  type Checked,
  type ExtraNode,
} from './providers/comfydeploy/validate.js';
import type { MachineGpu } from './providers/comfydeploy/types.js';

/** The ComfyDeploy build: a pinned ComfyUI plus the PR's node (and the nodes it needs). */
export interface ComfyDeploySettings {
  comfyuiVersion: string;
  gpu: MachineGpu;
  extraNodes: ExtraNode[];
  /** Where the custom node lives in the repository; '' for the root. */
  nodePath: string;
}

function region(raw: string): string {
  if (!/^[a-z]{3}$/.test(raw)) throw new InputError('region', `must be a three-letter Fly region code such as iad, lhr or syd; got ${quote(raw)}`);
  return raw;
}

/** Every CPU count Fly offers for some kind; the kind decides which (flyctl internal/machine/update.go). */
const anyCpuCount: readonly number[] = [...new Set<number>([...cpusPerKind.shared, ...cpusPerKind.performance])].sort((a, b) => a - b);

interface GuestInputs {
  size: string | undefined;
  cpuKind: 'shared' | 'performance' | undefined;
  cpus: number | undefined;
  memoryMb: number | undefined;
}

/** Each size input on its own; whether they fit together (and with the fly.toml) is checked on the plan. */
function guestInputs(value: (name: string) => string): GuestInputs {
  const size = value('size');
  const cpuKind = value('cpu-kind');
  const cpus = value('cpus');
  const memory = value('memory');
  const presets = Object.keys(machinePresets);
  const cpuCount = cpus === '' ? undefined : integer('cpus', cpus, 1, 128);
  if (cpuCount !== undefined && !anyCpuCount.includes(cpuCount)) {
    throw new InputError('cpus', `must be one of ${anyCpuCount.join(', ')}; got ${quote(cpus)}`);
  }
  const memoryMb = memory === '' ? undefined : integer('memory', memory, 256, 1_048_576, ' (MB)');
  if (memoryMb !== undefined && memoryMb % 256 !== 0) throw new InputError('memory', `must be a multiple of 256 MB; got ${quote(memory)}`);
  return {
    size: size === '' ? undefined : oneOf('size', size, presets),
    cpuKind: cpuKind === '' ? undefined : oneOf('cpu-kind', cpuKind, ['shared', 'performance'] as const),
    cpus: cpuCount,
    memoryMb,
  };
}

/** The input to blame when the sizes do not fit: the most specific one given. */
function guestInputName(guest: GuestInputs): string {
  if (guest.memoryMb !== undefined) return 'memory';
  if (guest.cpus !== undefined) return 'cpus';
  if (guest.cpuKind !== undefined) return 'cpu-kind';
  if (guest.size !== undefined) return 'size';
  return 'config';
}

/**
 * The `config` input, or fly.toml at the workspace root when it exists. A path must stay inside
 * the workspace. undefined: the preview has no fly.toml.
 */
function configFile(raw: string, workspace: string | undefined, deploys: boolean): { path: string; shownAs: string } | undefined {
  if (raw === '') {
    if (workspace === undefined) return undefined;
    const path = resolve(workspace, 'fly.toml');
    return existsSync(path) ? { path, shownAs: 'fly.toml' } : undefined;
  }
  singleLine('config', raw);
  const base = workspace ?? process.cwd();
  const path = resolve(base, raw);
  const inside = relative(base, path);
  if (isAbsolute(raw) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError('config', `must be a path inside the workspace such as fly.toml or deploy/fly.staging.toml; got ${quote(raw)}`);
  }
  if (!existsSync(path)) {
    // A close run usually skips the checkout: it deletes the preview and needs nothing of the file.
    if (!deploys) return undefined;
    throw new InputError('config', `names ${quote(raw)}, which is not in the workspace (a path relative to the repository root)`);
  }
  return { path, shownAs: inside };
}

function appConfig(file: { path: string; shownAs: string } | undefined): AppConfig | undefined {
  if (file === undefined) return undefined;
  try {
    return loadAppConfig(file.path, file.shownAs);
  } catch (error) {
    if (error instanceof AppConfigError) throw new InputError('config', `is not a fly.toml the action can use: ${error.message}`);
    throw new InputError('config', `names ${quote(file.shownAs)}, which cannot be read`);
  }
}
function checked<T>(input: string, result: Checked<T>): T {
  if (!result.ok) throw new InputError(input, `is not valid: ${result.error}`);
  return result.value;
}

/** What only the chosen platform reads; the others get neutral values so Settings has one shape. */
export interface PlatformSettings {
  /** The `wait-timeout` input, else the platform's default. */
  waitTimeoutSeconds: number;
  /** The `config` fly.toml, relative to the workspace; undefined when the preview has none. */
  configPath: string | undefined;
  /** That fly.toml, parsed (src/providers/fly/appconfig); the deploy plans each process group from it. */
  appConfig: AppConfig | undefined;
  /** The inputs that override the file (only those given), and what idle services do. */
  overrides: PlanOverrides;
  /** What the fly.toml has that a preview does not use, found while planning it here; said once per run. */
  configWarnings: string[];
  /** Effective values for the default process group: the input, else the fly.toml, else the action's default. */
  region: string;
  internalPort: number;
  guest: GuestSize;
  /** Koyeb: the instance type (the `size` input); undefined elsewhere. */
  instanceType: string | undefined;
  /** ComfyDeploy: what to build; undefined elsewhere. */
  comfyDeploy: ComfyDeploySettings | undefined;
}

export interface Settings extends CommonSettings, PlatformSettings {
  /** The preview's own database (src/database/); undefined when `database-url` is empty. */
  database: DatabaseSettings | undefined;
}

/** What a preview runs, and where: each platform's own reading of its inputs. */
type WhatRuns = Omit<PlatformSettings, 'waitTimeoutSeconds'>;

/** wait-timeout when not set: a ComfyDeploy build installs ComfyUI and every node, which takes minutes. */
const defaultWaitSeconds: Record<ProviderName, number> = { fly: 300, koyeb: 300, comfydeploy: comfyDeployDefaultWaitTimeoutSeconds };

/** Sizes of a Fly machine the other platforms do not use; kept so Settings has one shape. */
const unusedGuest: GuestSize = { cpuKind: 'shared', cpus: 1, memoryMb: 256 };

function flySettings(given: (name: string) => string, workspace: string | undefined, autostop: AutostopMode, deploys: boolean): WhatRuns {
  const configInput = configFile(given('config'), workspace, deploys);
  // Only a deploy plans from the file: a half-edited fly.toml must not stop a close or a sweep.
  const file = deploys ? appConfig(configInput) : undefined;
  const guestGiven = guestInputs(given);
  const regionInput = given('region');
  const portInput = given('internal-port');
  const overrides: PlanOverrides = { autostop };
  if (regionInput !== '') overrides.region = region(regionInput);
  if (portInput !== '') overrides.internalPort = integer('internal-port', portInput, 1, 65535);
  if (guestGiven.size !== undefined) overrides.size = guestGiven.size;
  if (guestGiven.cpuKind !== undefined) overrides.cpuKind = guestGiven.cpuKind;
  if (guestGiven.cpus !== undefined) overrides.cpus = guestGiven.cpus;
  if (guestGiven.memoryMb !== undefined) overrides.memoryMb = guestGiven.memoryMb;

  // Planning now finds a file and inputs that together make something Fly would refuse, before any call.
  let plan: ReturnType<typeof planPreview>;
  try {
    plan = planPreview(file, overrides);
  } catch (error) {
    if (error instanceof GuestSizeError) {
      const name = guestInputName(guestGiven);
      throw new InputError(name, `gives process group ${JSON.stringify(error.group)} a machine size Fly does not accept: ${error.problem}`);
    }
    if (error instanceof AppConfigError) throw new InputError('config', `is not a fly.toml the action can use: ${error.message}`);
    throw error;
  }
  const main = plan.groups.find((g) => g.name === 'app') ?? plan.groups[0];
  const guest = main?.config.guest;
  return {
    configPath: configInput?.shownAs,
    appConfig: file,
    overrides,
    configWarnings: plan.warnings,
    region: plan.region,
    internalPort: main?.config.services?.find((s) => s.internal_port !== undefined)?.internal_port ?? defaultInternalPort,
    guest: { cpuKind: guest?.cpu_kind ?? 'shared', cpus: guest?.cpus ?? 1, memoryMb: guest?.memory_mb ?? 256 },
    instanceType: undefined,
    comfyDeploy: undefined,
  };
}

/** Koyeb reads no fly.toml (a `config` input is refused above): region, size and port are inputs alone. */
function koyebSettings(given: (name: string) => string, autostop: AutostopMode): WhatRuns {
  const regionInput = given('region');
  if (regionInput !== '' && !/^[a-z]{3}$/.test(regionInput)) {
    throw new InputError('region', `must be a Koyeb region code such as was, fra, par, sfo, sin or tyo; got ${quote(regionInput)}`);
  }
  const size = given('size');
  if (size !== '' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(size)) {
    throw new InputError('size', `must be a Koyeb instance type such as nano, micro, small or medium; got ${quote(size)}`);
  }
  const port = given('internal-port');
  return {
    configPath: undefined,
    appConfig: undefined,
    overrides: { autostop },
    configWarnings: [],
    region: regionInput === '' ? 'was' : regionInput,
    internalPort: port === '' ? defaultInternalPort : integer('internal-port', port, 1, 65535),
    guest: unusedGuest,
    instanceType: size === '' ? 'nano' : size,
    comfyDeploy: undefined,
  };
}

function comfyDeploySettings(given: (name: string) => string, read: (name: string) => string): WhatRuns {
  const version = given('comfyui-version');
  if (version === '') {
    throw new InputError('comfyui-version', 'is required with provider: comfydeploy: the 40-hex ComfyUI commit to build on, e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa');
  }
  return {
    configPath: undefined,
    appConfig: undefined,
    overrides: { autostop: 'stop' },
    configWarnings: [],
    region: '',
    internalPort: defaultInternalPort,
    guest: unusedGuest,
    instanceType: undefined,
    comfyDeploy: {
      comfyuiVersion: checked('comfyui-version', checkComfyUiVersion(version)),
      gpu: checked('gpu', checkGpu(given('gpu'))),
      extraNodes: checked('custom-nodes', checkCustomNodes(read('custom-nodes'))),
      nodePath: checked('node-path', checkNodePath(given('node-path'))),
    },
  };
}
/**
 * The chosen platform's inputs. `read` returns the raw input ('' when unset), as core.getInput does.
 * `workspace` is where `config` is looked up (GITHUB_WORKSPACE on a runner). `deploys`: false for a
 * run that only removes previews (a close, a sweep), which reads no fly.toml and needs none.
 */
export function readPlatformSettings(provider: ProviderName, read: (name: string) => string, workspace: string | undefined, deploys = true): PlatformSettings {
  const given = (name: string): string => read(name).trim();
  const autostop = oneOf('autostop', given('autostop') === '' ? 'stop' : given('autostop'), ['stop', 'suspend', 'off'] as const) satisfies AutostopMode;
  const runs = provider === 'fly' ? flySettings(given, workspace, autostop, deploys) : provider === 'koyeb' ? koyebSettings(given, autostop) : comfyDeploySettings(given, read);
  const wait = given('wait-timeout');
  return { ...runs, waitTimeoutSeconds: integer('wait-timeout', wait === '' ? String(defaultWaitSeconds[provider]) : wait, 1, 3600, ' seconds') };
}

export interface ReadOptions {
  /**
   * false for a run that only removes or wakes previews (a close, a sweep, a wake, a PR named by
   * number until it is read), which reads no fly.toml and needs none. Default true.
   */
  deploys?: boolean;
  /** The inputs the plan was made from, so they are read once; read here when not given. */
  common?: CommonSettings;
}

/** Every input at once, as a run that acts sees them: what main.ts reads, and so what the tests read. */
export function readSettings(read: (name: string) => string, workspace: string | undefined = process.env['GITHUB_WORKSPACE'], options: ReadOptions = {}): Settings {
  const common = options.common ?? readCommonSettings(read);
  return { ...common, ...readPlatformSettings(common.provider, read, workspace, options.deploys ?? true), database: readDatabaseInputs(read, common) };
}
