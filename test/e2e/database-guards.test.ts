// What stops a preview's database from going wrong, through the bundled action as a runner runs it:
// each bad database input (and ComfyDeploy's refusal of them) fails the step naming the input, never
// the password, and before any platform request; a database of our name without our marker is never
// adopted nor dropped; and on Koyeb the URL reaches the service only as a Koyeb secret it refers to.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewDatabaseName } from '../../src/database/names.js';
import { runAction, type ActionRun } from '../sim/action-runner.ts';
import { startComfyDeploySim, type ComfyDeploySim } from '../sim/comfydeploy.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { startKoyebSim, type KoyebSim } from '../sim/koyeb.ts';
import { expectNoSecretsIn, passwordForms, payloadFor } from '../support/database-e2e.ts';
import { adminPassword, adminUrl, sql, superUrl, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

const flyToken = 'fly_database_guards_token_6e0f';
const koyebToken = 'koyeb_database_guards_token_0a9b';
const comfyToken = 'comfy_database_guards_token_4c4c';
const githubToken = 'ghs_database_guards_token_77e1';
const repository = uniqueRepository('acme');
const [owner = '', repo = ''] = repository.split('/');
const slug = repository.replace('/', '-');
const database = (n: number): string => previewDatabaseName({ repository, pr: n });
const at = { headSha: 'c3'.repeat(20), updatedAt: '2019-05-15T15:20:00Z' };

let fly: FlySim;
let koyeb: KoyebSim;
let comfy: ComfyDeploySim;
let github: GitHubSim;

beforeAll(async () => {
  [fly, koyeb, comfy, github] = await Promise.all([
    startFlySim({ tokens: [flyToken], bootMs: 60 }),
    startKoyebSim({ tokens: [koyebToken], deployMs: 100 }),
    startComfyDeploySim({ tokens: [comfyToken], buildMs: 100 }),
    startGitHubSim({ token: githubToken }),
  ]);
});
afterAll(async () => {
  await Promise.all([fly?.close(), koyeb?.close(), comfy?.close(), github?.close()]);
});

type Platform = 'fly' | 'koyeb' | 'comfydeploy';

function run(action: string, number: number, inputs: Record<string, string>, provider: Platform = 'fly'): Promise<ActionRun> {
  const platform: Record<Platform, Record<string, string>> = {
    fly: { 'fly-api-token': flyToken, 'fly-api-url': fly.url, 'smoke-window': '0', image: 'registry.fly.io/shop:one' },
    koyeb: { provider: 'koyeb', 'koyeb-api-token': koyebToken, 'koyeb-api-url': koyeb.url, 'wait-timeout': '10', image: 'ghcr.io/acme/shop:one' },
    comfydeploy: { provider: 'comfydeploy', 'comfydeploy-api-token': comfyToken, 'comfydeploy-api-url': `${comfy.url}/api`, 'comfyui-version': 'a'.repeat(40) },
  };
  return runAction({
    eventName: 'pull_request',
    payload: payloadFor(action, { repository, number, ...at }),
    repository,
    githubApiUrl: github.url,
    inputs: { 'github-token': githubToken, 'database-url': adminUrl(), ...platform[provider], ...inputs },
  });
}

const log = (r: ActionRun): string => r.stdout + r.stderr;
const errorLine = (r: ActionRun): string => r.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
const host = (): string => new URL(adminUrl()).host;

async function closedPort(): Promise<number> {
  return await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 9));
    });
  });
}

describe('bad database inputs', () => {
  it('each fails the step naming the input and what to do, never the password, with no platform request', async () => {
    const weak = uniqueName('weak');
    const weakPassword = 'weak:pa@ss/word';
    await sql(superUrl(), `CREATE ROLE ${weak} LOGIN PASSWORD '${weakPassword}'`);
    const port = await closedPort();
    const cases: [string, Record<string, string>, RegExp, Platform?][] = [
      ['not postgres://', { 'database-url': adminUrl().replace(/^postgres:/, 'mysql:') }, /^::error::Input 'database-url' must start with postgres:\/\/ or postgresql:\/\/; the accepted form is postgres:\/\/user:password@host:5432\/database\?sslmode=require$/],
      ['a server that does not answer', { 'database-url': withUrl(adminUrl(), { port }) }, new RegExp(`^::error::Input 'database-url' could not connect to 127\\.0\\.0\\.1:${port}: connection refused`)],
      ['a wrong password', { 'database-url': withUrl(adminUrl(), { password: `${adminPassword()}-wrong` }) }, new RegExp(`^::error::Input 'database-url' was refused by ${host()}: the password of user "fp_admin" is wrong`)],
      ['a role without CREATEDB and CREATEROLE', { 'database-url': withUrl(adminUrl(), { user: weak, password: weakPassword }) }, new RegExp(`^::error::Input 'database-url' logs in to ${host()} as "${weak}", which lacks CREATEDB and CREATEROLE`)],
      ['a template that does not exist', { 'database-template': 'no_such_seed' }, new RegExp(`^::error::Input 'database-template' names no database on ${host()}: "no_such_seed"`)],
      ['database-env naming a secret', { secrets: 'DATABASE_URL=postgres://elsewhere' }, /^::error::Input 'database-env' names DATABASE_URL, which the secrets input sets too/],
      ['database-env naming an env variable', { 'database-env': 'DB', env: 'DB=none' }, /^::error::Input 'database-env' names DB, which the env input sets too/],
      ['provider: comfydeploy', {}, /^::error::Input 'database-url' means nothing with provider: comfydeploy/, 'comfydeploy'],
      ['provider: comfydeploy, a template alone', { 'database-url': '', 'database-template': 'seed' }, /^::error::Input 'database-template' means nothing with provider: comfydeploy/, 'comfydeploy'],
    ];
    const results = await Promise.all(cases.map(([, inputs, , provider], i) => run('opened', 40 + i, inputs, provider)));
    results.forEach((result, i) => {
      const [what, , message] = cases[i] ?? [];
      expect(result.exitCode, `${what}: ${log(result)}`).toBe(1);
      expect(errorLine(result), what).toMatch(message as RegExp);
      expectNoSecretsIn(result, [...passwordForms(adminPassword()), ...passwordForms(weakPassword)]);
      expect(result.outputs['database-name'] ?? '', what).toBe('');
    });
    expect([fly.requests, koyeb.requests, comfy.requests].map((requests) => requests.length)).toEqual([0, 0, 0]);
  });
});

describe('a database of our name without our marker', () => {
  it('is never adopted: the deploy fails saying so, with nothing created on Fly; the close leaves it and warns', async () => {
    const name = database(21);
    await sql(adminUrl(), `CREATE DATABASE ${name}`);
    fly.clearRequests();
    const deployed = await run('opened', 21, {});
    expect(deployed.exitCode, log(deployed)).toBe(1);
    expect(errorLine(deployed)).toContain(`A database named "${name}" already exists on ${host()} and is not fly-preview's for ${repository}#21: it is owned by "fp_admin", not by a role fly-preview made for this PR.`);
    expect(fly.requests).toEqual([]);
    expect(github.comments(owner, repo, 21)[0]?.body).toContain('Preview failed');
    const closed = await run('closed', 21, {});
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(closed.stdout).toContain(`::warning::A database named "${name}" on ${host()} is not owned by fly-preview's role for ${repository}#21, so it was left alone.`);
    expect(await sql(adminUrl(), 'SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([{ datname: name }]);
    expect(github.comments(owner, repo, 21)[0]?.body).toContain(`A database named \`${name}\` exists without fly-preview's marker, so it was left alone.`);
  });
});

describe('max-previews with a database name held by something not ours', () => {
  it("fails before the eviction: no one's preview is destroyed for a deploy bound to fail", async () => {
    const held = 52;
    const holder = `pr-51-${slug}`;
    github.seedPulls(owner, repo, [
      { number: 51, state: 'open', updatedAt: '2019-05-10T15:20:00Z' },
      { number: held, state: 'open', updatedAt: at.updatedAt },
    ]);
    fly.seedPreview(holder, { metadata: { fly_preview_repo: repository, fly_preview_pr: '51', fly_preview_sha: 'c'.repeat(40) }, createdAt: '2019-05-10T15:20:00Z' });
    await sql(adminUrl(), `CREATE DATABASE ${database(held)}`);
    fly.clearRequests();
    const result = await run('opened', held, { 'max-previews': '1' });
    expect(result.exitCode, log(result)).toBe(1);
    expect(errorLine(result)).toContain(`A database named "${database(held)}" already exists on ${host()} and is not fly-preview's for ${repository}#${held}`);
    expect(fly.apps().map((a) => a.name)).toContain(holder);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(github.comments(owner, repo, 51)).toEqual([]);
    await sql(adminUrl(), `DROP DATABASE ${database(held)}`);
  });
});

describe('a close whose database server does not answer', () => {
  it('still removes the app, then fails the step saying why; the PR is told the database is left for the next run', async () => {
    const app = `pr-22-${slug}`;
    fly.seedPreview(app, { metadata: { fly_preview_repo: repository, fly_preview_pr: '22' } });
    const port = await closedPort();
    const result = await run('closed', 22, { 'database-url': withUrl(adminUrl(), { port }) });
    expect(result.exitCode, log(result)).toBe(1);
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
    expect(errorLine(result)).toContain(`::error::Input 'database-url' could not connect to 127.0.0.1:${port}: connection refused`);
    const body = github.comments(owner, repo, 22)[0]?.body ?? '';
    expect(body).toContain('Preview destroyed');
    expect(body).toContain(`The database \`${database(22)}\` could not be dropped; the next close run or sweep tries again:`);
    expectNoSecretsIn(result, passwordForms(adminPassword()), [body]);
  });
});

describe('koyeb: a preview with a database', () => {
  it('the service refers to a Koyeb secret that holds the URL; the close drops the database and deletes the secret', async () => {
    const opened = await run('opened', 31, {}, 'koyeb');
    expect(opened.exitCode, log(opened)).toBe(0);
    const app = opened.outputs['app-name'] ?? '';
    expect(opened.outputs['database-name']).toBe(database(31));
    const secretName = `${app}_DATABASE_URL`;
    const url = koyeb.secrets()[secretName] ?? '';
    expect(new URL(url).pathname).toBe(`/${database(31)}`);
    expect(await sql(url, 'SELECT current_user AS me')).toEqual([{ me: database(31) }]);
    const [service] = koyeb.services(app);
    expect(service?.definition.env).toEqual(expect.arrayContaining([{ key: 'DATABASE_URL', secret: secretName, scopes: expect.anything() }]));
    const derived = passwordForms(decodeURIComponent(new URL(url).password));
    expectNoSecretsIn(opened, [...passwordForms(adminPassword()), ...derived], [JSON.stringify(koyeb.services(app)), ...github.comments(owner, repo, 31).map((c) => c.body)]);

    const closed = await run('closed', 31, {}, 'koyeb');
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(koyeb.secrets()[secretName]).toBeUndefined();
    expect(await sql(adminUrl(), 'SELECT 1 FROM pg_database WHERE datname = $1', [database(31)])).toEqual([]);
    expect(github.comments(owner, repo, 31)[0]?.body).toContain(`Its database \`${database(31)}\` is gone too.`);
  });
});
