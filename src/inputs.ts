// Raw action inputs → one typed, validated Settings object. Every check happens here, before any
// network call, so a bad value fails the step without touching Fly or GitHub.
import type { GuestSize } from './provider.js';

export type Mode = 'auto' | 'deploy' | 'destroy';

export interface Settings {
  mode: Mode;
  /** Absent under `pull_request` from a fork (secrets are withheld); plan.ts decides what that means. */
  flyApiToken: string | undefined;
  githubToken: string | undefined;
  image: string | undefined;
  /** The `app-name` input when given (already validated); plan.ts derives the default from the PR. */
  appName: string | undefined;
  org: string;
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
  /** Origin of the Machines API, no trailing slash, e.g. https://api.machines.dev */
  flyApiUrl: string;
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

/**
 * Sizes as flyctl validates them before it calls the API (superfly/flyctl internal/machine/update.go
 * cpusPerKind and the memory checks; limits from superfly/fly-go machine_types.go
 * MIN/MAX_MEMORY_MB_PER_(SHARED_)CPU).
 */
const cpuCounts = { shared: [1, 2, 4, 6, 8], performance: [1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128] } as const;
const memory = {
  shared: { min: 256, max: 2048, step: 256 },
  performance: { min: 2048, max: 8192, step: 1024 },
} as const;

function guest(cpuKindRaw: string, cpusRaw: string, memoryRaw: string): GuestSize {
  const cpuKind = oneOf('cpu-kind', cpuKindRaw, ['shared', 'performance'] as const);
  const counts: readonly number[] = cpuCounts[cpuKind];
  const cpus = integer('cpus', cpusRaw, 1, 128);
  if (!counts.includes(cpus)) throw new InputError('cpus', `must be one of ${counts.join(', ')} for cpu-kind ${cpuKind}; got ${quote(cpusRaw)}`);
  const { step } = memory[cpuKind];
  const min = memory[cpuKind].min * cpus;
  const max = memory[cpuKind].max * cpus;
  const memoryMb = integer('memory', memoryRaw, 1, 10_000_000, ' (MB)');
  if (memoryMb % step !== 0 || memoryMb < min || memoryMb > max) {
    throw new InputError(
      'memory',
      `must be a multiple of ${step} MB from ${min} to ${max} for ${cpus} ${cpuKind} CPU${cpus === 1 ? '' : 's'}; got ${quote(memoryRaw)}`,
    );
  }
  return { cpuKind, cpus, memoryMb };
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

function apiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(singleLine('fly-api-url', raw));
  } catch {
    throw new InputError('fly-api-url', `must be an http(s) URL such as https://api.machines.dev; got ${quote(raw)}`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError('fly-api-url', `must be an http(s) URL without credentials, query or fragment, such as https://api.machines.dev; got ${quote(raw)}`);
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

function optionalSecret(raw: string): string | undefined {
  return raw === '' ? undefined : raw;
}

/** `read` returns the raw input ('' when unset), as core.getInput does. */
export function readSettings(read: (name: string) => string): Settings {
  const value = (name: string, fallback: string): string => {
    const raw = read(name).trim();
    return raw === '' ? fallback : raw;
  };
  return {
    mode: oneOf('mode', value('mode', 'auto'), ['auto', 'deploy', 'destroy'] as const),
    flyApiToken: optionalSecret(read('fly-api-token').trim()),
    githubToken: optionalSecret(read('github-token').trim()),
    image: image(value('image', '')),
    appName: appName(value('app-name', '')),
    org: slug('org', value('org', 'personal')),
    region: region(value('region', 'iad')),
    internalPort: integer('internal-port', value('internal-port', '8080'), 1, 65535),
    guest: guest(value('cpu-kind', 'shared'), value('cpus', '1'), value('memory', '256')),
    env: parseEnv(read('env')),
    waitTimeoutSeconds: integer('wait-timeout', value('wait-timeout', '300'), 1, 3600, ' seconds'),
    smokeWindowSeconds: integer('smoke-window', value('smoke-window', '10'), 0, 600, ' seconds (0 disables the check)'),
    comment: boolean('comment', value('comment', 'true')),
    deploymentEnvironment: environmentPrefix(value('deployment-environment', '')),
    allowForks: boolean('allow-forks', value('allow-forks', 'false')),
    flyApiUrl: apiUrl(value('fly-api-url', 'https://api.machines.dev')),
  };
}
