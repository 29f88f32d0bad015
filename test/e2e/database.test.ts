// A preview with a database of its own, through the bundled action as a runner runs it, against the
// Fly and GitHub simulators and the real PostgreSQL of the test run: open, push and close; two
// previews that cannot reach each other's data; a close while the app is connected; and no
// password, in any form, anywhere a user or the platform can read it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewDatabaseName } from '../../src/database/names.js';
import { runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { expectNoSecretsIn, passwordForms, payloadFor } from '../support/database-e2e.ts';
import { adminPassword, adminUrl, connect, createSeedTemplate, sql, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

const flyToken = 'fly_database_e2e_token_31c7';
const githubToken = 'ghs_database_e2e_token_52d1';
const repository = uniqueRepository('acme');
const [owner = '', repo = ''] = repository.split('/');
const slug = repository.replace('/', '-');
const app = (n: number): string => `pr-${n}-${slug}`;
const database = (n: number): string => previewDatabaseName({ repository, pr: n });
const template = uniqueName('seed');

let fly: FlySim;
let github: GitHubSim;
let workspace: string;

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs: 60 }), startGitHubSim({ token: githubToken }), createSeedTemplate(template)]);
  workspace = mkdtempSync(join(tmpdir(), 'fly-preview-db-e2e-'));
  writeFileSync(join(workspace, 'fly.toml'), 'app = "shop"\n[deploy]\n  release_command = "bin/rails db:migrate"\n[http_service]\n  internal_port = 3000\n');
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

function run(action: string, number: number, at: { headSha: string; updatedAt: string }, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: payloadFor(action, { repository, number, ...at }),
    repository,
    githubApiUrl: github.url,
    inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'smoke-window': '0', 'database-url': adminUrl(), ...inputs },
    env: { GITHUB_WORKSPACE: workspace },
  });
}

const log = (r: ActionRun): string => r.stdout + r.stderr;
const comment = (n: number): string => github.comments(owner, repo, n)[0]?.body ?? '';
const appUrl = (n: number): string => fly.secrets(app(n))['DATABASE_URL'] ?? '';
const secretWrites = () => fly.requests.filter((r) => r.path.endsWith('/secrets') && r.method !== 'GET');
const exists = async (catalog: 'pg_database' | 'pg_roles', name: string): Promise<boolean> =>
  (await sql(adminUrl(), `SELECT 1 FROM ${catalog} WHERE ${catalog === 'pg_database' ? 'datname' : 'rolname'} = $1`, [name])).length === 1;

/** Every password of the run: the admin's, and each preview's derived one, in every form. */
function passwords(...numbers: number[]): string[] {
  return [...passwordForms(adminPassword()), ...numbers.flatMap((n) => passwordForms(decodeURIComponent(new URL(appUrl(n)).password)))];
}

/** What a user or the platform can read besides the run's own output: comments, machine configs, requests but the secrets call. */
function elsewhere(n: number): string[] {
  return [
    ...github.comments(owner, repo, n).map((c) => c.body),
    JSON.stringify(fly.machines(app(n))),
    ...fly.requests.filter((r) => !r.path.endsWith('/secrets')).map((r) => JSON.stringify(r.body ?? null)),
  ];
}

describe('a preview with a database of its own', () => {
  const opened = { headSha: 'a1'.repeat(20), updatedAt: '2019-05-15T15:20:00Z' };
  const pushed = { headSha: 'b2'.repeat(20), updatedAt: '2019-05-15T15:25:00Z' };
  const closed = { headSha: 'b2'.repeat(20), updatedAt: '2019-05-15T15:30:00Z' };

  it('opened: a copy of the template owned by its own role, its URL a Fly app secret the release command sees, shown on the PR', async () => {
    const result = await run('opened', 7, opened, { 'database-template': template, image: 'registry.fly.io/shop:one', secrets: 'SECRET_KEY_BASE=skb_0123456789' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'deployed', 'database-name': database(7), 'app-name': app(7) });
    const url = new URL(appUrl(7));
    expect([url.username, url.pathname, url.host]).toEqual([database(7), `/${database(7)}`, new URL(adminUrl()).host]);
    expect(Object.keys(fly.secrets(app(7))).sort()).toEqual(['DATABASE_URL', 'SECRET_KEY_BASE']);
    // The release command (the app's migration) booted with the URL already set.
    const releaseId = /Running the release command in machine ([0-9a-f]+)/.exec(result.stdout)?.[1] ?? '';
    expect(fly.machineSecrets(app(7), releaseId)?.['DATABASE_URL']).toBe(appUrl(7));
    expect(fly.machines(app(7)).map((m) => m.config.env?.['DATABASE_URL'])).toEqual([undefined]);
    // The app sees the seeded rows, and its role may migrate the seeded tables.
    expect(await sql(appUrl(7), 'SELECT address FROM users ORDER BY id')).toEqual([{ address: 'ada@example.com' }, { address: 'grace@example.com' }]);
    await sql(appUrl(7), "ALTER TABLE users ADD COLUMN nickname text; INSERT INTO users (address, nickname) VALUES ('pr7@example.com', 'seven')");
    for (const text of [comment(7), result.summary]) expect(text).toContain(`| **Database** | \`${database(7)}\`, a copy of \`${template}\` |`);
    expect(result.stdout).toContain(`Database ${database(7)} on ${new URL(adminUrl()).host} created, a copy of "${template}"`);
    // The admin's URL and password were masked first; the role's password and the app's URL before
    // the server was asked for the database, so before any Fly call.
    const derived = decodeURIComponent(url.password);
    const lines = result.stdout.split('\n');
    // A workflow command writes % as %25, which the runner reads back.
    const maskAt = (secret: string): number => lines.indexOf(`::add-mask::${secret.replace(/%/g, '%25')}`);
    expect([adminPassword(), adminUrl()].map(maskAt).every((i) => i >= 0 && i < lines.findIndex((l) => !l.startsWith('::add-mask::')))).toBe(true);
    const created = lines.findIndex((l) => l.startsWith(`Database ${database(7)}`));
    expect([derived, appUrl(7)].map(maskAt).every((i) => i >= 0 && i < created)).toBe(true);
    expectNoSecretsIn(result, passwords(7), elsewhere(7));
  });

  it('a push keeps the database, its data and its URL: no secrets write on Fly', async () => {
    const before = appUrl(7);
    fly.clearRequests();
    const result = await run('synchronize', 7, pushed, { 'database-template': template, image: 'registry.fly.io/shop:two', secrets: 'SECRET_KEY_BASE=skb_0123456789' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['database-name']).toBe(database(7));
    expect(appUrl(7)).toBe(before);
    expect(secretWrites()).toEqual([]);
    expect(await sql(appUrl(7), "SELECT nickname FROM users WHERE address = 'pr7@example.com'")).toEqual([{ nickname: 'seven' }]);
    expect(result.stdout).toContain(`Database ${database(7)} on ${new URL(adminUrl()).host} kept with its data`);
    expect(comment(7)).toContain(`\`${database(7)}\`, a copy of \`${template}\``);
    expectNoSecretsIn(result, passwords(7), elsewhere(7));
  });

  it('another PR gets an empty database of its own, at the app host it names, and neither role can open the other', async () => {
    const result = await run('opened', 8, opened, { image: 'registry.fly.io/shop:eight', 'database-app-host': 'shop-pg.flycast:5433' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['database-name']).toBe(database(8));
    expect(comment(8)).toContain(`| **Database** | \`${database(8)}\`, empty at first |`);
    // The app reaches the server by its own address; the test, like the runner, by the admin URL's.
    expect(new URL(appUrl(8)).host).toBe('shop-pg.flycast:5433');
    const eight = Object.assign(new URL(appUrl(8)), { host: new URL(adminUrl()).host }).href;
    expect(await sql(eight, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
    await expect(sql(withUrl(eight, { database: database(7) }), 'SELECT 1')).rejects.toThrow(/permission denied for database/);
    await expect(sql(withUrl(appUrl(7), { database: database(8) }), 'SELECT 1')).rejects.toThrow(/permission denied for database/);
    expectNoSecretsIn(result, passwords(7, 8), elsewhere(8));
  });

  it('closed while the app holds a connection: the app goes, then the database and its role; the comment says so', async () => {
    const secrets = passwords(7);
    const held: pg.Client = await connect(appUrl(7));
    await held.query('SELECT 1');
    const result = await run('closed', 7, closed);
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'destroyed', 'database-name': database(7) });
    expect(fly.apps().map((a) => a.name)).not.toContain(app(7));
    expect([await exists('pg_database', database(7)), await exists('pg_roles', database(7))]).toEqual([false, false]);
    await expect(held.query('SELECT 1')).rejects.toThrow();
    await held.end().catch(() => undefined);
    expect(comment(7)).toContain('Preview destroyed');
    expect(comment(7)).toContain(`Its database \`${database(7)}\` is gone too.`);
    expect(result.stdout).toContain(`Database ${database(7)} dropped (or already gone)`);
    expectNoSecretsIn(result, secrets, elsewhere(7));
  });

  it('closed again: a no-op that succeeds and says the same on the PR', async () => {
    const visible = (body: string): string => body.split('\n').slice(1).join('\n');
    const before = comment(7);
    const result = await run('closed', 7, { ...closed, updatedAt: '2019-05-15T15:31:00Z' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.stdout).toContain('already gone');
    expect(github.comments(owner, repo, 7)).toHaveLength(1);
    expect(visible(comment(7))).toBe(visible(before));
  });
});
