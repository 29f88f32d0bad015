// Raw action inputs → one typed, validated Settings object. Every check happens here, before any
// network call, so a bad value fails the step without touching the platform or GitHub.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
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
import { koyebAppNamePattern } from './providers/koyeb/names.js';
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

export type Mode = 'auto' | 'deploy' | 'destroy' | 'sweep';
export type ProviderName = 'fly' | 'koyeb' | 'comfydeploy';

/** The ComfyDeploy build: a pinned ComfyUI plus the PR's node (and the nodes it needs). */
export interface ComfyDeploySettings {
  comfyuiVersion: string;
  gpu: MachineGpu;
  extraNodes: ExtraNode[];
  /** Where the custom node lives in the repository; '' for the root. */
  nodePath: string;
}

export interface Settings {
  mode: Mode;
  /** The platform previews run on. */
  provider: ProviderName;
  /** The `config` fly.toml, relative to the workspace; undefined when the preview has none. */
  configPath: string | undefined;
  /** That fly.toml, parsed (src/providers/fly/appconfig); the deploy plans each process group from it. */
  appConfig: AppConfig | undefined;
  /** The inputs that override the file (only those given), and what idle services do. */
  overrides: PlanOverrides;
  /** Fly app secrets by name. Values are never printed: main.ts masks them before anything else. */
  secrets: Record<string, string>;
  /**
   * The chosen platform's token (fly-api-token, koyeb-api-token or comfydeploy-api-token). Absent
   * under `pull_request` from a fork (secrets are withheld); plan.ts decides what that means.
   */
  apiToken: string | undefined;
  githubToken: string | undefined;
  image: string | undefined;
  /** The `app-name` input when given (already validated); plan.ts derives the default from the PR. */
  appName: string | undefined;
  org: string;
  /** Effective values for the default process group: the input, else the fly.toml, else the action's default. */
  region: string;
  internalPort: number;
  guest: GuestSize;
  env: Record<string, string>;
  waitTimeoutSeconds: number;
  /** Seconds a started machine must stay up before it counts as ready; 0 trusts `started`. */
  smokeWindowSeconds: number;
  comment: boolean;
  /** Prefix of a per-PR GitHub environment (`<prefix>-pr-<number>`); undefined: no deployments. */
  deploymentEnvironment: string | undefined;
  allowForks: boolean;
  /** Base URL of the chosen platform's API, no trailing slash, e.g. https://api.machines.dev */
  apiUrl: string;
  /** Koyeb: the instance type (the `size` input); undefined elsewhere. */
  instanceType: string | undefined;
  /** ComfyDeploy: what to build; undefined elsewhere. */
  comfyDeploy: ComfyDeploySettings | undefined;
  /** Sweep: previews of open PRs idle longer than this are destroyed too; undefined: never. */
  ttlMs: number | undefined;
  /** Sweep: list what would be destroyed and change nothing. */
  dryRun: boolean;
  /** Only PRs carrying this label get a preview; undefined: every PR does. */
  label: string | undefined;
  /** The PR to act on outside pull_request events (workflow_dispatch, issue_comment). */
  prNumber: number | undefined;
}

/** A bad input value. The message names the input, what is wrong, and the accepted form. */
export class InputError extends Error {
  readonly input: string;
  constructor(input: string, problem: string) {
    super(`Input '${input}' ${problem}`);
    this.name = 'InputError';
    this.input = input;
  }
}

/** Shows a rejected value safely: quoted (so no line can start with `::`), and short. */
function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}

function oneOf<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw new InputError(input, `must be one of ${allowed.join(', ')}; got ${quote(raw)}`);
  return found;
}

/** A whole number in [min, max] written plainly: no sign, exponent, fraction, hex or leading zero. */
function integer(input: string, raw: string, min: number, max: number, unit = ''): number {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new InputError(input, `must be a whole number from ${min} to ${max}${unit}; got ${quote(raw)}`);
  }
  return Number(raw);
}

/** YAML 1.2 core booleans, as core.getBooleanInput accepts them. */
function boolean(input: string, raw: string): boolean {
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new InputError(input, `must be true or false; got ${quote(raw)}`);
}

function singleLine(input: string, raw: string): string {
  // Control characters (newlines included) never belong in these values, and a newline followed by
  // `::` would be a workflow command if the value were ever echoed.
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new InputError(input, 'must be a single line without control characters');
  return raw;
}

/**
 * Docker image reference: [registry[:port]/]path[:tag][@digest], path components lowercase
 * (the distribution reference grammar, which registry.fly.io follows too).
 */
const imagePattern = new RegExp(
  '^' +
    '(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?/)?' +
    '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*' +
    '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?' +
    '(?:@sha256:[a-f0-9]{64})?$',
);

function image(raw: string): string | undefined {
  if (raw === '') return undefined;
  singleLine('image', raw);
  if (raw.length > 512 || !imagePattern.test(raw)) {
    throw new InputError(
      'image',
      `must be an image reference like registry.fly.io/myapp:pr-12 or registry.fly.io/myapp@sha256:<64 hex>; got ${quote(raw)}`,
    );
  }
  return raw;
}

/** Fly's app name rule: lowercase letters, digits and dashes, starting with a letter, at most 63. */
const appNamePattern = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function appName(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!appNamePattern.test(raw)) {
    throw new InputError(
      'app-name',
      `must be 1 to 63 lowercase letters, digits and dashes, starting with a letter and not ending with a dash; got ${quote(raw)}`,
    );
  }
  return raw;
}

function slug(input: string, raw: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62})$/.test(raw)) {
    throw new InputError(input, `must be an organization slug of lowercase letters, digits and dashes; got ${quote(raw)}`);
  }
  return raw;
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
function configFile(raw: string, workspace: string | undefined): { path: string; shownAs: string } | undefined {
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
  if (!existsSync(path)) throw new InputError('config', `names ${quote(raw)}, which is not in the workspace (a path relative to the repository root)`);
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

/** `KEY=VALUE` per line. Errors name the line, never the value: values are often secrets. */
export function parseEnv(raw: string): Record<string, string> {
  // A Map, so a key like __proto__ is an ordinary variable and not the object's prototype.
  const env = new Map<string, string>();
  const lines = raw.split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const at = line.indexOf('=');
    const key = (at === -1 ? trimmed : line.slice(0, at)).trim();
    const where = `line ${index + 1}`;
    if (at === -1) throw new InputError('env', `${where} must be KEY=VALUE; it has no "="`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError('env', `${where} has the key ${quote(key)}; keys are letters, digits and _, not starting with a digit`);
    }
    if (env.has(key)) throw new InputError('env', `${where} sets ${key} a second time`);
    const value = line.slice(at + 1);
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) throw new InputError('env', `${where}: the value of ${key} holds control characters`);
    env.set(key, value);
  });
  return Object.fromEntries(env);
}

const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `KEY=VALUE` lines, and `KEY<<DELIMITER` … `DELIMITER` blocks for multi-line values, as
 * $GITHUB_OUTPUT takes them. A value is kept exactly (spaces, `=`, anything a PEM holds); blank
 * lines and `#` comments between entries are skipped. Errors name the line, never the value.
 */
export function parseSecrets(raw: string): Record<string, string> {
  const secrets = new Map<string, string>();
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const where = `line ${i + 1}`;
    const heredoc = /^\s*([^=<\s]*)<<(.*)$/.exec(line);
    const at = line.indexOf('=');
    if (heredoc !== null && (at === -1 || at > line.indexOf('<<'))) {
      const key = heredoc[1] as string;
      const delimiter = (heredoc[2] as string).trim();
      if (!keyPattern.test(key)) throw new InputError('secrets', `${where} has the key ${quote(key)}; keys are letters, digits and _, not starting with a digit`);
      if (delimiter === '') throw new InputError('secrets', `${where} starts a multi-line value without a delimiter; write ${key}<<EOF, the lines, then EOF`);
      const end = lines.findIndex((l, j) => j > i && l === delimiter);
      if (end === -1) throw new InputError('secrets', `${where} starts ${key}<<${quote(delimiter)} but no later line is exactly ${quote(delimiter)}`);
      if (secrets.has(key)) throw new InputError('secrets', `${where} sets ${key} a second time`);
      secrets.set(key, lines.slice(i + 1, end).join('\n'));
      i = end;
      continue;
    }
    if (at === -1) throw new InputError('secrets', `${where} must be KEY=VALUE or KEY<<EOF; it has neither "=" nor "<<"`);
    const key = line.slice(0, at).trim();
    if (!keyPattern.test(key)) throw new InputError('secrets', `${where} has the key ${quote(key)}; keys are letters, digits and _, not starting with a digit`);
    if (secrets.has(key)) throw new InputError('secrets', `${where} sets ${key} a second time`);
    secrets.set(key, line.slice(at + 1));
  }
  return Object.fromEntries(secrets);
}

/**
 * Every string a log must never show from the raw `secrets` input: each value, and each line of a
 * multi-line value (the runner masks line by line). Never throws, so main.ts can mask even an input
 * that readSettings will then reject.
 */
export function secretValuesToMask(raw: string): string[] {
  const values = new Set<string>();
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^\s*([^=<\s]*)<<(.+)$/.exec(line);
    if (heredoc !== null && !line.slice(0, line.indexOf('<<')).includes('=')) {
      const delimiter = (heredoc[2] as string).trim();
      const end = lines.findIndex((l, j) => j > i && l === delimiter);
      const body = lines.slice(i + 1, end === -1 ? undefined : end);
      values.add(body.join('\n'));
      for (const l of body) values.add(l.trim());
      if (end === -1) break;
      i = end;
      continue;
    }
    const at = line.indexOf('=');
    if (at !== -1) values.add(line.slice(at + 1));
    else if (line.trim() !== '' && !line.trim().startsWith('#')) values.add(line.trim());
  }
  values.delete('');
  return [...values];
}

function apiUrl(input: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(singleLine(input, raw));
  } catch {
    throw new InputError(input, `must be an http(s) URL such as ${example}; got ${quote(raw)}`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(input, `must be an http(s) URL without credentials, query or fragment, such as ${example}; got ${quote(raw)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function environmentPrefix(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/.test(raw)) {
    throw new InputError(
      'deployment-environment',
      `must be an environment name prefix of letters, digits, ".", "_" and "-" (up to 200), such as preview; got ${quote(raw)}`,
    );
  }
  return raw;
}

const hourMs = 3_600_000;

/** `<n>h` or `<n>d` (at most a year) in ms; '' is no expiry. */
export function parseTtl(raw: string): number | undefined {
  if (raw === '') return undefined;
  const match = /^([1-9][0-9]{0,4})([hd])$/.exec(raw);
  const hours = match === null ? NaN : Number(match[1]) * (match[2] === 'd' ? 24 : 1);
  if (!(hours <= 366 * 24)) {
    throw new InputError('ttl', `must be a whole number of hours or days such as 48h or 7d (at most 366d), or empty for no expiry; got ${quote(raw)}`);
  }
  return hours * hourMs;
}

/** GitHub's label rules: up to 50 characters; a label name can hold spaces and emoji, not control characters. */
function label(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.length > 50 || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new InputError('label', `must be one GitHub label name of at most 50 characters on one line, such as preview; got ${quote(raw)}`);
  }
  return raw;
}

function prNumber(raw: string): number | undefined {
  if (raw === '') return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) {
    throw new InputError('pr-number', `must be a pull request number such as 12 (no #); got ${quote(raw)}`);
  }
  return Number(raw);
}

function optionalSecret(raw: string): string | undefined {
  return raw === '' ? undefined : raw;
}

/** Inputs only one platform reads; set with another provider, they are refused. */
const platformInputs: Record<ProviderName, readonly string[]> = {
  fly: ['fly-api-token', 'fly-api-url', 'config', 'cpu-kind', 'cpus', 'memory', 'org', 'smoke-window'],
  koyeb: ['koyeb-api-token', 'koyeb-api-url'],
  comfydeploy: ['comfydeploy-api-token', 'comfydeploy-api-url', 'comfyui-version', 'gpu', 'custom-nodes', 'node-path'],
};
/** Inputs of platforms that run an image; ComfyDeploy builds from the PR's source instead. */
const imageInputs = ['image', 'env', 'secrets', 'region', 'size', 'internal-port', 'autostop'] as const;

const apiUrls: Record<ProviderName, string> = {
  fly: 'https://api.machines.dev',
  koyeb: 'https://app.koyeb.com',
  comfydeploy: 'https://api.comfydeploy.com/api',
};

/** wait-timeout when not set: a ComfyDeploy build installs ComfyUI and every node, which takes minutes. */
const defaultWaitSeconds: Record<ProviderName, number> = { fly: 300, koyeb: 300, comfydeploy: comfyDeployDefaultWaitTimeoutSeconds };

/** An input that would be silently ignored is a mistake worth stopping for: it names the input and the provider. */
function refuseForeign(provider: ProviderName, given: (name: string) => string): void {
  const foreign = (Object.keys(platformInputs) as ProviderName[]).filter((p) => p !== provider).flatMap((p) => platformInputs[p].map((name) => ({ name, owner: p })));
  for (const { name, owner } of foreign) {
    if (given(name) !== '') throw new InputError(name, `applies to provider: ${owner} only and means nothing with provider: ${provider}; remove it`);
  }
  if (provider !== 'comfydeploy') return;
  for (const name of imageInputs) {
    if (given(name) !== '') {
      throw new InputError(name, 'means nothing with provider: comfydeploy, which builds a machine from the PR\'s source (comfyui-version, gpu, custom-nodes, node-path); remove it');
    }
  }
}

function checked<T>(input: string, result: Checked<T>): T {
  if (!result.ok) throw new InputError(input, `is not valid: ${result.error}`);
  return result.value;
}

/** Koyeb's app name rule (3 to 23 of [a-z0-9-]); Fly's for the others. */
function appNameFor(provider: ProviderName, raw: string): string | undefined {
  if (raw === '' || provider !== 'koyeb') return appName(raw);
  if (!koyebAppNamePattern.test(raw)) {
    throw new InputError('app-name', `must be 3 to 23 lowercase letters, digits and dashes, not starting or ending with a dash (a Koyeb app name); got ${quote(raw)}`);
  }
  return raw;
}

type PlatformSettings = Pick<Settings, 'configPath' | 'appConfig' | 'overrides' | 'region' | 'internalPort' | 'guest' | 'instanceType' | 'comfyDeploy'>;

/** Sizes of a Fly machine the other platforms do not use; kept so Settings has one shape. */
const unusedGuest: GuestSize = { cpuKind: 'shared', cpus: 1, memoryMb: 256 };

function flySettings(given: (name: string) => string, workspace: string | undefined, autostop: AutostopMode): PlatformSettings {
  const configInput = configFile(given('config'), workspace);
  const file = appConfig(configInput);
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
    region: plan.region,
    internalPort: main?.config.services?.find((s) => s.internal_port !== undefined)?.internal_port ?? defaultInternalPort,
    guest: { cpuKind: guest?.cpu_kind ?? 'shared', cpus: guest?.cpus ?? 1, memoryMb: guest?.memory_mb ?? 256 },
    instanceType: undefined,
    comfyDeploy: undefined,
  };
}

/** Koyeb reads no fly.toml (a `config` input is refused above): region, size and port are inputs alone. */
function koyebSettings(given: (name: string) => string, autostop: AutostopMode): PlatformSettings {
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
    region: regionInput === '' ? 'was' : regionInput,
    internalPort: port === '' ? defaultInternalPort : integer('internal-port', port, 1, 65535),
    guest: unusedGuest,
    instanceType: size === '' ? 'nano' : size,
    comfyDeploy: undefined,
  };
}

function comfyDeploySettings(given: (name: string) => string, read: (name: string) => string): PlatformSettings {
  const version = given('comfyui-version');
  if (version === '') {
    throw new InputError('comfyui-version', 'is required with provider: comfydeploy: the 40-hex ComfyUI commit to build on, e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa');
  }
  return {
    configPath: undefined,
    appConfig: undefined,
    overrides: { autostop: 'stop' },
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
 * `read` returns the raw input ('' when unset), as core.getInput does. `workspace` is where `config`
 * is looked up (GITHUB_WORKSPACE on a runner).
 */
export function readSettings(read: (name: string) => string, workspace: string | undefined = process.env['GITHUB_WORKSPACE']): Settings {
  const value = (name: string, fallback: string): string => {
    const raw = read(name).trim();
    return raw === '' ? fallback : raw;
  };
  const given = (name: string): string => read(name).trim();
  const provider = oneOf('provider', value('provider', 'fly'), ['fly', 'koyeb', 'comfydeploy'] as const);
  refuseForeign(provider, given);
  const autostop = oneOf('autostop', value('autostop', 'stop'), ['stop', 'suspend', 'off'] as const) satisfies AutostopMode;
  const platform =
    provider === 'fly' ? flySettings(given, workspace, autostop) : provider === 'koyeb' ? koyebSettings(given, autostop) : comfyDeploySettings(given, read);
  const env = parseEnv(read('env'));
  const secrets = parseSecrets(read('secrets'));
  const clash = Object.keys(secrets).find((key) => Object.hasOwn(env, key));
  if (clash !== undefined) throw new InputError('secrets', `sets ${clash}, which the env input sets too; keep each name in one of them`);

  return {
    mode: oneOf('mode', value('mode', 'auto'), ['auto', 'deploy', 'destroy', 'sweep'] as const),
    provider,
    ...platform,
    secrets,
    apiToken: optionalSecret(read(`${provider}-api-token`).trim()),
    githubToken: optionalSecret(read('github-token').trim()),
    image: image(value('image', '')),
    appName: appNameFor(provider, value('app-name', '')),
    org: slug('org', value('org', 'personal')),
    env,
    waitTimeoutSeconds: integer('wait-timeout', value('wait-timeout', String(defaultWaitSeconds[provider])), 1, 3600, ' seconds'),
    smokeWindowSeconds: integer('smoke-window', value('smoke-window', provider === 'fly' ? '10' : '0'), 0, 600, ' seconds (0 disables the check)'),
    comment: boolean('comment', value('comment', 'true')),
    deploymentEnvironment: environmentPrefix(value('deployment-environment', '')),
    allowForks: boolean('allow-forks', value('allow-forks', 'false')),
    apiUrl: apiUrl(`${provider}-api-url`, value(`${provider}-api-url`, apiUrls[provider]), apiUrls[provider]),
    ttlMs: parseTtl(value('ttl', '')),
    dryRun: boolean('dry-run', value('dry-run', 'false')),
    label: label(value('label', '')),
    prNumber: prNumber(value('pr-number', '')),
  };
}
