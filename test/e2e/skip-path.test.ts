// A run that does nothing (a push, a fork PR) pays only for deciding so: the cold-start budget in
// `npm run bench` depends on it. The built modules (lib/, what ncc bundles) are loaded under a
// resolve hook that records every module, so a static import of platform code shows up here even
// where the bundle would have inlined it; and the bundle itself (dist/) under the same hook, which
// sees each chunk it loads, so the chunk holding the PostgreSQL client is proven left alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const lib = resolve(import.meta.dirname, '../../lib');
const dist = resolve(import.meta.dirname, '../../dist');
const dir = mkdtempSync(join(tmpdir(), 'fly-preview-skip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ resolve(specifier, context, next) { const found = next(specifier, context); loaded.push(found.url); return found; } });
const { run } = await import(${JSON.stringify(pathToFileURL(join(lib, 'main.js')).href)});
await run();
process.stdout.write('loaded ' + JSON.stringify(loaded) + '\\n');
`;

/** The same hook around the bundle, which runs itself on import; what it loaded is printed as the process ends. */
const bundleScript = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ resolve(specifier, context, next) { const found = next(specifier, context); loaded.push(found.url); return found; } });
process.on('exit', () => process.stdout.write('loaded ' + JSON.stringify(loaded) + '\\n'));
await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)});
`;

function pushRun(inputs: Record<string, string>, code: string): string {
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main' }));
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'acme/shop' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return child.stdout;
}

/** The dist/ files a skipped run of the bundle loads. */
function skippedBundleLoads(inputs: Record<string, string>): string[] {
  const line = pushRun(inputs, bundleScript).split('\n').find((l) => l.startsWith('loaded ')) ?? 'loaded []';
  const distUrl = `${pathToFileURL(dist).href}/`;
  return (JSON.parse(line.slice('loaded '.length)) as string[]).flatMap((url) => (url.startsWith(distUrl) ? [url.slice(distUrl.length)] : []));
}

/** The modules a skipped push run loads, relative to lib/ (packages by name). */
function skippedRunLoads(inputs: Record<string, string>): { stdout: string; modules: string[] } {
  const stdout = pushRun(inputs, script);
  const line = stdout.split('\n').find((l) => l.startsWith('loaded ')) ?? 'loaded []';
  const urls: string[] = JSON.parse(line.slice('loaded '.length));
  const libUrl = `${pathToFileURL(lib).href}/`;
  const modules = urls.flatMap((url) => {
    if (url.startsWith(libUrl)) return [url.slice(libUrl.length)];
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return pkg === null ? [] : [`package ${pkg[1]}`];
  });
  return { stdout, modules: [...new Set(modules)] };
}

describe('a skipped run', () => {
  for (const provider of ['fly', 'koyeb', 'comfydeploy']) {
    it(`with provider ${provider} loads no platform, no GitHub client, no platform inputs and no TOML reader`, () => {
      const { stdout, modules } = skippedRunLoads({ provider });
      expect(stdout).toContain("::notice::fly-preview acts on pull_request events; this run is for 'push'. Nothing to do.");
      expect(modules).toContain('main.js');
      // Of the platform folders, only what every run needs before the plan: the name rules, and
      // the Fly token's pieces for masking.
      const platformCode = modules.filter((m) => /^providers\/(fly|koyeb|comfydeploy)\//.test(m) && !/\/names\.js$/.test(m) && m !== 'providers/fly/token.js');
      expect(platformCode).toEqual([]);
      expect(modules.filter((m) => m.startsWith('github/') || m === 'inputs.js' || m === 'package smol-toml' || m === 'package @actions/github')).toEqual([]);
    });
  }
});

describe('a skipped run and the database room', () => {
  const databaseUrl = 'postgres://admin:s3cr%40t@db.example.com:5432/postgres';
  const client = ['package pg', 'package pg-connection-string', 'package pg-protocol', 'package pg-pool'];

  it('without database-url loads nothing of it and no PostgreSQL client', () => {
    const { modules } = skippedRunLoads({});
    expect(modules.filter((m) => m.startsWith('database') || client.includes(m))).toEqual([]);
  });

  it('with database-url masks it, loading only the reader of its forms: no settings, no room, no client', () => {
    const { stdout, modules } = skippedRunLoads({ 'database-url': databaseUrl });
    expect(stdout).toContain('::add-mask::s3cr@t');
    expect(modules.filter((m) => m.startsWith('database') || client.includes(m)).sort()).toEqual(['database/errors.js', 'database/url.js']);
  });

  it('of the bundle never loads the chunk that holds the PostgreSQL client', () => {
    const pgChunks = readdirSync(dist).filter((f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes('Client has already been connected'));
    expect(pgChunks, 'the bundle holds the client in a chunk of its own').toHaveLength(1);
    expect(pgChunks[0]).not.toBe('index.js');
    for (const inputs of [{}, { 'database-url': databaseUrl }] as Record<string, string>[]) {
      const loaded = skippedBundleLoads(inputs);
      expect(loaded).toContain('index.js');
      expect(loaded).not.toContain(pgChunks[0]);
    }
  });
});
