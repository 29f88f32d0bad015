// When a preview's database cannot be dropped, through the bundled action as a runner runs it against
// the Fly and GitHub simulators and the real PostgreSQL: the app is gone all the same, so its place
// under max-previews is free. An eviction then deploys the new preview and fails the step naming
// the drop's error, without evicting a second preview in its stead; a sweep counts the app as gone,
// reports the database as failed, and evicts no more than the cap asks. A sweep whose server cannot
// even be listed sweeps the platform all the same, and says so.
import { createServer } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPreviewDatabases } from '../../src/database/index.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { payloadFor } from '../support/database-e2e.ts';
import { adminUrl, connect, sql, superUrl, uniqueRepository, withUrl } from '../support/postgres.ts';

const flyToken = 'fly_drop_failures_token_5b1c';
const githubToken = 'ghs_drop_failures_token_9d0e';
const repository = uniqueRepository('acme');
const [owner = '', repo = ''] = repository.split('/');
const slug = repository.replace('/', '-');
const app = (n: number): string => `pr-${n}-${slug}`;
const database = (n: number): string => previewDatabaseName({ repository, pr: n });
const hour = 3_600_000;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');
const ours = (n: number) => ({ fly_preview_repo: repository, fly_preview_pr: String(n) });

let fly: FlySim;
let github: GitHubSim;
/** Sessions of a superuser on a preview's database: ones the admin may not end, so DROP … WITH (FORCE) fails. */
const held: pg.Client[] = [];

async function hold(n: number): Promise<void> {
  held.push(await connect(withUrl(superUrl(), { database: database(n) })));
}

const exists = async (name: string): Promise<boolean> => (await sql(adminUrl(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;
const appNames = (): string[] => fly.apps().map((a) => a.name).sort();
const log = (r: ActionRun): string => r.stdout + r.stderr;
const errors = (r: ActionRun): string[] => r.stdout.split('\n').filter((l) => l.startsWith('::error::'));

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs: 60 }), startGitHubSim({ token: githubToken })]);
  // #10 idle for three days, #11 active an hour ago; #2 is the PR that opens.
  github.seedPulls(owner, repo, [
    { number: 2, state: 'open', updatedAt: iso(60_000) },
    { number: 10, state: 'open', updatedAt: iso(72 * hour) },
    { number: 11, state: 'open', updatedAt: iso(hour) },
  ]);
  fly.seedPreview(app(10), { metadata: ours(10), createdAt: iso(72 * hour) });
  fly.seedPreview(app(11), { metadata: ours(11), createdAt: iso(hour) });
  const settings = readDatabaseSettings({ url: adminUrl(), template: '', appHost: '', env: '' });
  if (settings === undefined) throw new Error('no database settings');
  const handle = openPreviewDatabases(settings);
  try {
    for (const pr of [10, 11]) await handle.ensure({ repository, pr });
  } finally {
    await handle.close();
  }
});
afterAll(async () => {
  await Promise.all([...held.map((c) => c.end()), fly?.close(), github?.close()]);
});

async function closedPort(): Promise<number> {
  return await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 9));
    });
  });
}

const inputs = (extra: Record<string, string>) => ({ 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'database-url': adminUrl(), ...extra });

describe('a database that cannot be dropped', () => {
  it('eviction: the app goes and frees its place, the new preview deploys, and the step fails naming the drop', async () => {
    await hold(10);
    const result = await runAction({
      eventName: 'pull_request',
      payload: payloadFor('opened', { repository, number: 2, headSha: 'd4'.repeat(20), updatedAt: iso(60_000) }),
      repository,
      githubApiUrl: github.url,
      inputs: inputs({ image: 'registry.fly.io/shop:one', 'smoke-window': '0', 'max-previews': '2' }),
    });
    expect(result.exitCode, log(result)).toBe(1);
    expect(result.outputs['status']).toBe('deployed');
    // #10 went for #2, and #11 was not evicted in its stead.
    expect(appNames()).toEqual([app(11), app(2)].sort());
    expect(await exists(database(10))).toBe(true);
    expect(errors(result)).toEqual([
      expect.stringMatching(
        new RegExp(`^::error::Evicted the preview of PR #10 \\(${app(10)}\\), but its database ${database(10)} could not be dropped: Dropping database "${database(10)}" on 127\\.0\\.0\\.1:\\d+ failed: permission denied to terminate process`),
      ),
    ]);
    const evicted = github.comments(owner, repo, 10)[0]?.body ?? '';
    expect(evicted).toContain('Preview evicted');
    expect(evicted).toContain(`The database \`${database(10)}\` could not be dropped; the next close run or sweep tries again:`);
    expect(result.summary).toMatch(new RegExp(`\\| \`${app(10)}\` \\| 3 days ago \\| evicted for #2 \\|`));
    expect(github.comments(owner, repo, 2)[0]?.body).toContain('Preview ready');
  });

  it('sweep: the app counts as gone, the row says the database failed, and no other preview is evicted for it', async () => {
    await hold(11);
    const result = await runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository,
      githubApiUrl: github.url,
      inputs: inputs({ 'max-previews': '1' }),
    });
    expect(result.exitCode, log(result)).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([app(11)]);
    expect(appNames()).toEqual([app(2)]);
    expect(await exists(database(11))).toBe(true);
    expect(result.summary).toMatch(new RegExp(`\\| #11 \\| open \\|.*\\| \`${app(11)}\` \\| \`${database(11)}\` \\| failed \\| over max-previews 1: among the least recently active; the app is gone, but its database could not be dropped: Dropping database`));
    expect(result.summary).toContain('Live previews counted against `max-previews: 1`: 1 after this sweep.');
    expect(result.stdout).toContain(`::error::Destroyed ${app(11)} (PR #11), but could not drop its database ${database(11)}: Dropping database`);
    expect(result.stdout).toContain('::error::The sweep could not drop 1 database; see the errors above. The next sweep tries again.');
  });
});

describe('a sweep whose database server cannot be listed', () => {
  const elsewhere = uniqueRepository('acme');
  const [otherOwner = '', otherRepo = ''] = elsewhere.split('/');
  const appOf = (n: number): string => `pr-${n}-${elsewhere.replace('/', '-')}`;

  it('still removes the closed PR\'s preview, keeps the open one, reports the server in the summary and the log, and fails', async () => {
    github.seedPulls(otherOwner, otherRepo, [
      { number: 5, state: 'closed', updatedAt: iso(hour) },
      { number: 6, state: 'open', updatedAt: iso(hour) },
    ]);
    for (const n of [5, 6]) fly.seedPreview(appOf(n), { metadata: { fly_preview_repo: elsewhere, fly_preview_pr: String(n) } });
    const port = await closedPort();
    const result = await runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository: elsewhere,
      githubApiUrl: github.url,
      inputs: inputs({ 'database-url': withUrl(adminUrl(), { port }) }),
    });
    expect(result.exitCode, log(result)).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([appOf(5)]);
    expect(fly.apps().map((a) => a.name)).toContain(appOf(6));
    expect(fly.apps().map((a) => a.name)).not.toContain(appOf(5));
    const refused = `Input 'database-url' could not connect to 127.0.0.1:${port}: connection refused`;
    expect(result.stdout).toContain(`::error::Could not list ${elsewhere}'s databases on the database server: ${refused}`);
    expect(result.summary).toContain("Could not list this repository's databases on the database server, so the previews were swept without it");
    expect(result.summary).toContain(refused);
    // The drop is not tried against the server again: a server that does not answer would cost each preview the connect timeout.
    expect(result.summary).toMatch(/\| #5 \| closed \|.*\| failed \| PR closed; the app is gone, but its database could not be dropped: the database server could not be reached: Input 'database-url' could not connect/);
    expect(result.stdout).toContain('::error::The sweep could not list the databases on the database server, nor drop 1 database; see the errors above.');
  });
});
