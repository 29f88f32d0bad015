// The house rules a newcomer relies on to find their way: rooms small enough to read in one sitting
// and main.ts only wiring. (Function length and which room may import which are Biome rules, in
// biome.jsonc, so `npm run lint` names the line.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../sim/action-runner.ts';

const src = join(repoRoot, 'src');
const sources = (readdirSync(src, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(src, f));
const lines = (path: string): number => readFileSync(path, 'utf8').split('\n').length - 1;

describe('the layout of src/', () => {
  it('has no file over 400 lines', () => {
    const over = sources.filter((path) => lines(path) > 400).map((path) => `${relative(repoRoot, path)} (${lines(path)} lines)`);
    expect(over, 'split these by phase, one file each').toEqual([]);
  });

  it('keeps main.ts to wiring, at most 150 lines', () => {
    expect(lines(join(src, 'main.ts'))).toBeLessThanOrEqual(150);
  });

  it('keeps index.ts to calling run()', () => {
    const code = readFileSync(join(src, 'index.ts'), 'utf8');
    expect(code).toContain('run()');
    expect(lines(join(src, 'index.ts'))).toBeLessThanOrEqual(5);
  });
});

describe('the one-way flow', () => {
  const code = (path: string): string => readFileSync(path, 'utf8');
  const run = sources.filter((path) => relative(join(src, 'run'), path).split('/')[0] !== '..');

  it('report.ts, which the runs call, calls back into none of them', () => {
    expect(code(join(src, 'report.ts'))).not.toMatch(/from '\.\/run\//);
  });

  it('what a platform says of itself comes from its folder: no run and no report names a platform', () => {
    const naming = [join(src, 'report.ts'), ...run].filter((path) => /'(?:fly|koyeb|comfydeploy)'/.test(code(path))).map((path) => relative(repoRoot, path));
    expect(naming, 'take the words from the provider (PreviewProvider.texts)').toEqual([]);
  });
});

describe('what the platforms share', () => {
  const providers = join(src, 'providers');
  const declared = (code: string): string[] => [...code.matchAll(/^export (?:async )?(?:function|const|class) ([A-Za-z0-9_]+)/gm)].map((m) => m[1] ?? '');

  it('a helper of src/providers/*.ts is written once: no platform folder keeps a copy of its own', () => {
    const shared = readdirSync(providers).filter((f) => f.endsWith('.ts')).flatMap((f) => declared(readFileSync(join(providers, f), 'utf8')));
    const inFolders = sources.filter((path) => !relative(providers, path).startsWith('..') && relative(providers, path).includes('/'));
    const copies = inFolders.flatMap((path) => {
      const code = readFileSync(path, 'utf8');
      return shared.filter((name) => new RegExp(`^\\s*(?:export )?(?:async )?(?:function|const|class) ${name}\\b`, 'm').test(code)).map((name) => `${relative(repoRoot, path)}: ${name}`);
    });
    expect(copies, 'import these from src/providers/ instead').toEqual([]);
  });
});
