// A run that does nothing (a push, a fork PR) pays only for deciding so: the cold-start budget in
// `npm run bench` depends on it. The built modules (lib/, what ncc bundles) are loaded under a
// resolve hook that records every module, so a static import of platform code shows up here even
// where the bundle would have inlined it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const lib = resolve(import.meta.dirname, '../../lib');
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

/** The modules a skipped push run loads, relative to lib/ (packages by name). */
function skippedRunLoads(inputs: Record<string, string>): { stdout: string; modules: string[] } {
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main' }));
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'acme/shop' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  expect(child.stderr).toBe('');
  const line = child.stdout.split('\n').find((l) => l.startsWith('loaded ')) ?? 'loaded []';
  const urls: string[] = JSON.parse(line.slice('loaded '.length));
  const libUrl = `${pathToFileURL(lib).href}/`;
  const modules = urls.flatMap((url) => {
    if (url.startsWith(libUrl)) return [url.slice(libUrl.length)];
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return pkg === null ? [] : [`package ${pkg[1]}`];
  });
  return { stdout: child.stdout, modules: [...new Set(modules)] };
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
