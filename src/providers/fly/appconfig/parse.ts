// fly.toml text → a typed AppConfig, normalised as flyctl normalises it before use
// (superfly/flyctl internal/appconfig/serde.go unmarshalTOML → patches.go applyPatches → config.go
// types): `[vm]`/`[[compute]]` are one list, `[mounts]` may be a table or an array, `[checks]` a
// table or an array of named tables, durations may be integers (checks: ms, kill_timeout: s),
// `concurrency` may be the old "soft,hard" string, env values may be numbers or booleans.
import { parse, TomlError } from 'smol-toml';
import { AppConfigError, type AppConfig, type LoadOptions, type Metrics, type Static } from './config.js';
import { isTable, keyName, Reader, show, strip, type Table, type Warn } from './reader.js';
import { compute, httpService, mount, restart, service, topLevelChecks, unsupportedReasons } from './sections.js';
import type { MachineFile } from '../types.js';

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
  const warn: Warn = (section, reason) => void warnings.push(`fly.toml ${section} is not applied to the preview: ${reason}`);

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
    statics: statics(root),
    metrics: metrics(root, experimental),
    warnings,
  };

  if (experimental !== undefined) config.experimental = experimentalSection(experimental, warn);

  const machineConfig = experimental?.string('machine_config') || root.string('machine_config');
  if (machineConfig) config.machineConfigBase = machineConfigJson(machineConfig, options, warn);

  const deploy = root.child('deploy');
  if (deploy !== undefined) config.deploy = deploySection(deploy, warn);

  const http = root.child('http_service');
  if (http !== undefined) config.httpService = httpService(http, warn);
  return config;
}

function experimentalSection(experimental: Reader, warn: Warn): NonNullable<AppConfig['experimental']> {
  const handled = new Set(['cmd', 'entrypoint', 'exec', 'machine_config', 'kill_timeout', 'metrics_port', 'metrics_path']);
  for (const key of Object.keys(experimental.table)) if (!handled.has(key)) warn(`[experimental] ${keyName(key)}`, 'the action does not support it');
  return {
    cmd: experimental.stringOrList('cmd'),
    entrypoint: experimental.stringOrList('entrypoint'),
    exec: experimental.stringOrList('exec'),
  };
}

function deploySection(deploy: Reader, warn: Warn): NonNullable<AppConfig['deploy']> {
  const handled = new Set(['release_command', 'release_command_timeout', 'release_command_vm']);
  for (const key of Object.keys(deploy.table)) {
    if (!handled.has(key)) warn(`[deploy] ${keyName(key)}`, 'a preview is one machine per process group, deployed at once');
  }
  const vm = deploy.child('release_command_vm');
  return {
    releaseCommand: deploy.string('release_command') || undefined,
    releaseCommandTimeout: deploy.duration('release_command_timeout', 1n),
    releaseCommandVm: vm === undefined ? undefined : compute(vm),
  };
}

function statics(root: Reader): Static[] {
  return root.tables('statics').map((_, i) => {
    const s = root.child('statics', i) as Reader;
    return {
      guest_path: s.string('guest_path') ?? '',
      url_prefix: s.string('url_prefix') ?? '',
      tigris_bucket: s.string('tigris_bucket') ?? '',
      index_document: s.string('index_document') ?? '',
    };
  });
}

/** flyctl internal/config/machine.go ParseConfig: inline JSON starting with "{", or a .json file. */
function machineConfigJson(source: string, options: LoadOptions, warn: Warn): Record<string, unknown> {
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
