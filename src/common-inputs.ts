// Raw action inputs → the platform-neutral part of Settings: what plan.ts needs to decide whether the
// run acts at all. The platform's own settings (a fly.toml, ComfyDeploy's build) are read by
// inputs.ts once it does; both happen before any network call. Of the platform folders it reads
// only their name rules (import-free names.ts files), so that a skipped run starts fast.
import { readBudgetSettings, type BudgetSettings } from './budget-inputs.js';
import type { NameRule } from './provider.js';
import { nameRules } from './providers/names.js';

export type ProviderName = 'fly' | 'koyeb' | 'comfydeploy';

/** The inputs every platform reads the same way. */
export interface CommonSettings extends BudgetSettings {
  mode: 'auto' | 'deploy' | 'destroy' | 'sweep';
  /** The platform previews run on. */
  provider: ProviderName;
  /** Fly app secrets by name. Values are never printed: secrets-mask.ts masks them before anything else. */
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
  /** How the platform names a preview: plan.ts builds the default name by it. */
  nameRule: NameRule;
  org: string;
  env: Record<string, string>;
  /** Seconds a started machine must stay up before it counts as ready; 0 trusts `started`. */
  smokeWindowSeconds: number;
  comment: boolean;
  /** Prefix of a per-PR GitHub environment (`<prefix>-pr-<number>`); undefined: no deployments. */
  deploymentEnvironment: string | undefined;
  allowForks: boolean;
  /** Base URL of the chosen platform's API, no trailing slash, e.g. https://api.machines.dev */
  apiUrl: string;
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
export function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}

export function oneOf<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw new InputError(input, `must be one of ${allowed.join(', ')}; got ${quote(raw)}`);
  return found;
}

/** A whole number in [min, max] written plainly: no sign, exponent, fraction, hex or leading zero. */
export function integer(input: string, raw: string, min: number, max: number, unit = ''): number {
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
export function singleLine(input: string, raw: string): string {
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

/** A given `app-name`, held to the platform's name rule. */
function appName(rule: NameRule, raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!rule.pattern.test(raw)) throw new InputError('app-name', `must be ${rule.accepted}; got ${quote(raw)}`);
  return raw;
}

function slug(input: string, raw: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62})$/.test(raw)) {
    throw new InputError(input, `must be an organization slug of lowercase letters, digits and dashes; got ${quote(raw)}`);
  }
  return raw;
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

/** One entry of the `secrets` input as written, before any check: what both readers below walk. */
type SecretEntry =
  | { kind: 'pair'; where: string; key: string; value: string }
  /** body runs to the end of the input when no line closes it (closed: false). */
  | { kind: 'block'; where: string; key: string; delimiter: string; body: string[]; closed: boolean }
  | { kind: 'bare'; where: string; line: string };

/**
 * The entries of the `secrets` input in order: blank lines and `#` comments between entries are
 * skipped, and a `KEY<<DELIMITER` block takes every line up to the one that is exactly DELIMITER.
 */
function* secretEntries(raw: string): Generator<SecretEntry> {
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
      if (delimiter === '') {
        yield { kind: 'block', where, key, delimiter, body: [], closed: false };
        continue;
      }
      const end = lines.findIndex((l, j) => j > i && l === delimiter);
      yield { kind: 'block', where, key, delimiter, body: lines.slice(i + 1, end === -1 ? undefined : end), closed: end !== -1 };
      if (end === -1) return;
      i = end;
      continue;
    }
    if (at === -1) yield { kind: 'bare', where, line: trimmed };
    else yield { kind: 'pair', where, key: line.slice(0, at).trim(), value: line.slice(at + 1) };
  }
}

/**
 * `KEY=VALUE` lines, and `KEY<<DELIMITER` … `DELIMITER` blocks for multi-line values, as
 * $GITHUB_OUTPUT takes them. A value is kept exactly (spaces, `=`, anything a PEM holds); blank
 * lines and `#` comments between entries are skipped. Errors name the line, never the value.
 */
export function parseSecrets(raw: string): Record<string, string> {
  const secrets = new Map<string, string>();
  for (const entry of secretEntries(raw)) {
    const { where } = entry;
    if (entry.kind === 'bare') throw new InputError('secrets', `${where} must be KEY=VALUE or KEY<<EOF; it has neither "=" nor "<<"`);
    const { key } = entry;
    if (!keyPattern.test(key)) throw new InputError('secrets', `${where} has the key ${quote(key)}; keys are letters, digits and _, not starting with a digit`);
    if (entry.kind === 'block') {
      if (entry.delimiter === '') throw new InputError('secrets', `${where} starts a multi-line value without a delimiter; write ${key}<<EOF, the lines, then EOF`);
      if (!entry.closed) throw new InputError('secrets', `${where} starts ${key}<<${quote(entry.delimiter)} but no later line is exactly ${quote(entry.delimiter)}`);
    }
    if (secrets.has(key)) throw new InputError('secrets', `${where} sets ${key} a second time`);
    secrets.set(key, entry.kind === 'block' ? entry.body.join('\n') : entry.value);
  }
  return Object.fromEntries(secrets);
}

/**
 * Every string a log must never show from the raw `secrets` input, read as parseSecrets reads it:
 * each value, and each line of a multi-line value (the runner masks line by line). Never throws, so
 * secrets-mask.ts can mask even an input that readSettings will then reject: a line that is no
 * entry is masked whole, and an unclosed block to the end of the input.
 */
export function secretValuesToMask(raw: string): string[] {
  const values = new Set<string>();
  for (const entry of secretEntries(raw)) {
    if (entry.kind === 'pair') values.add(entry.value);
    else if (entry.kind === 'bare') values.add(entry.line);
    else {
      values.add(entry.body.join('\n'));
      for (const l of entry.body) values.add(l.trim());
    }
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
/** A preview's database reaches its app as a secret, and a ComfyDeploy machine has no app secrets. */
const databaseInputs = ['database-url', 'database-template', 'database-app-host', 'database-env'] as const;

const apiUrls: Record<ProviderName, string> = {
  fly: 'https://api.machines.dev',
  koyeb: 'https://app.koyeb.com',
  comfydeploy: 'https://api.comfydeploy.com/api',
};

/** An input that would be silently ignored is a mistake worth stopping for: it names the input and the provider. */
function refuseForeign(provider: ProviderName, given: (name: string) => string): void {
  const foreign = (Object.keys(platformInputs) as ProviderName[]).filter((p) => p !== provider).flatMap((p) => platformInputs[p].map((name) => ({ name, owner: p })));
  for (const { name, owner } of foreign) {
    if (given(name) !== '') throw new InputError(name, `applies to provider: ${owner} only and means nothing with provider: ${provider}; remove it`);
  }
  if (provider !== 'comfydeploy') return;
  for (const name of databaseInputs) {
    if (given(name) !== '') throw new InputError(name, 'means nothing with provider: comfydeploy, whose machines take no app secrets to hand a database URL to; remove it');
  }
  for (const name of imageInputs) {
    if (given(name) !== '') {
      throw new InputError(name, 'means nothing with provider: comfydeploy, which builds a machine from the PR\'s source (comfyui-version, gpu, custom-nodes, node-path); remove it');
    }
  }
}
/**
 * The platform-neutral inputs. `read` returns the raw input ('' when unset), as core.getInput does.
 * An input of another platform is refused here already, as it can never be right.
 */
export function readCommonSettings(read: (name: string) => string): CommonSettings {
  const value = (name: string, fallback: string): string => {
    const raw = read(name).trim();
    return raw === '' ? fallback : raw;
  };
  const given = (name: string): string => read(name).trim();
  const provider = oneOf('provider', value('provider', 'fly'), ['fly', 'koyeb', 'comfydeploy'] as const);
  refuseForeign(provider, given);
  const env = parseEnv(read('env'));
  const secrets = parseSecrets(read('secrets'));
  const clash = Object.keys(secrets).find((key) => Object.hasOwn(env, key));
  if (clash !== undefined) throw new InputError('secrets', `sets ${clash}, which the env input sets too; keep each name in one of them`);
  const nameRule = nameRules[provider];

  return {
    mode: oneOf('mode', value('mode', 'auto'), ['auto', 'deploy', 'destroy', 'sweep'] as const),
    provider,
    secrets,
    apiToken: optionalSecret(read(`${provider}-api-token`).trim()),
    githubToken: optionalSecret(read('github-token').trim()),
    image: image(value('image', '')),
    appName: appName(nameRule, value('app-name', '')),
    nameRule,
    org: slug('org', value('org', 'personal')),
    env,
    smokeWindowSeconds: integer('smoke-window', value('smoke-window', provider === 'fly' ? '10' : '0'), 0, 600, ' seconds (0 disables the check)'),
    comment: boolean('comment', value('comment', 'true')),
    deploymentEnvironment: environmentPrefix(value('deployment-environment', '')),
    allowForks: boolean('allow-forks', value('allow-forks', 'false')),
    apiUrl: apiUrl(`${provider}-api-url`, value(`${provider}-api-url`, apiUrls[provider]), apiUrls[provider]),
    ttlMs: parseTtl(value('ttl', '')),
    dryRun: boolean('dry-run', value('dry-run', 'false')),
    label: label(value('label', '')),
    prNumber: prNumber(value('pr-number', '')),
    ...readBudgetSettings(value),
  };
}
