// A sweep with database-url, through the bundled action as a runner runs it, against the Fly and
// GitHub simulators and the real PostgreSQL: it lists this repository's databases on the server and
// drops those of closed, merged and expired PRs, with their app or without one (a close run that
// died half-way, a deploy that died before the platform), and leaves everything else alone: open
// PRs', another repository's, the template, and anything without our marker. dry-run drops nothing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPreviewDatabases } from '../../src/database/index.js';
import { roleMarker } from '../../src/database/marker.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { adminUrl, createSeedTemplate, sql, uniqueName, uniqueRepository } from '../support/postgres.ts';

const flyToken = 'fly_sweep_db_token_1d2e';
const githubToken = 'ghs_sweep_db_token_3f4a';
const repository = uniqueRepository('acme');
const other = uniqueRepository('acme');
const [owner = '', repo = ''] = repository.split('/');
const database = (n: number, of = repository): string => previewDatabaseName({ repository: of, pr: n });
const app = (n: number): string => `pr-${n}-${repository.replace('/', '-')}`;
const template = uniqueName('seed');
const day = 86_400_000;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');

/** PRs by what the sweep finds of them. */
const open = { withApp: 61, databaseOnly: 64 };
const closed = { withApp: 62, databaseOnly: 63, unmarked: 65, halfMade: 67 };
const expired = 66;

let fly: FlySim;
let github: GitHubSim;

async function ensureAll(refs: { repository: string; pr: number }[]): Promise<void> {
  const settings = readDatabaseSettings({ url: adminUrl(), template, appHost: '', env: '' });
  if (settings === undefined) throw new Error('no database settings');
  const handle = openPreviewDatabases(settings);
  try {
    for (const ref of refs) await handle.ensure(ref);
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken }), createSeedTemplate(template)]);
  github.seedPulls(owner, repo, [
    { number: open.withApp, state: 'open', updatedAt: iso(3_600_000) },
    { number: closed.withApp, state: 'closed', updatedAt: iso(3_600_000) },
    { number: closed.databaseOnly, state: 'closed', merged: true, updatedAt: iso(2 * day) },
    { number: open.databaseOnly, state: 'open', updatedAt: iso(3_600_000) },
    { number: closed.unmarked, state: 'closed', updatedAt: iso(day) },
    { number: expired, state: 'open', updatedAt: iso(10 * day) },
    { number: closed.halfMade, state: 'closed', updatedAt: iso(day) },
  ]);
  for (const n of [open.withApp, closed.withApp]) fly.seedPreview(app(n), { metadata: { fly_preview_repo: repository, fly_preview_pr: String(n) }, createdAt: iso(day) });
  await ensureAll([
    ...[open.withApp, closed.withApp, closed.databaseOnly, open.databaseOnly, expired].map((pr) => ({ repository, pr })),
    // Another repository's preview, for a PR number that is closed here.
    { repository: other, pr: closed.withApp },
  ]);
  // The expired PR's database was made ten days ago: its role's marker says when.
  const marker = roleMarker({ repository, pr: expired }, template, new Date(Date.now() - 10 * day));
  await sql(adminUrl(), `COMMENT ON ROLE ${database(expired)} IS ${pg.escapeLiteral(marker)}`);
  // A database named like a preview's, made by hand; and a run that died after CREATE ROLE.
  await sql(adminUrl(), `CREATE DATABASE ${database(closed.unmarked)}`);
  const halfMade = database(closed.halfMade);
  await sql(adminUrl(), `CREATE ROLE ${halfMade} LOGIN; COMMENT ON ROLE ${halfMade} IS ${pg.escapeLiteral(roleMarker({ repository, pr: closed.halfMade }, template))}`);
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

function sweep(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'schedule',
    payload: { schedule: '17 3 * * *' },
    repository,
    githubApiUrl: github.url,
    inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'database-url': adminUrl(), ttl: '7d', ...inputs },
  });
}

const present = async (): Promise<string[]> => {
  const names = [template, ...[61, 62, 63, 64, 65, 66, 67].map((n) => database(n)), database(closed.withApp, other)];
  const rows = await sql<{ name: string }>(adminUrl(), 'SELECT datname AS name FROM pg_database WHERE datname = ANY($1) UNION SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [names]);
  return rows.map((r) => r.name).sort();
};
const log = (r: ActionRun): string => r.stdout + r.stderr;
const gone = [closed.withApp, closed.databaseOnly, expired, closed.halfMade].map((n) => database(n));

describe('a sweep with database-url', () => {
  let before: string[] = [];

  it('dry-run: the summary lists each database, with its app or without one, and nothing is dropped', async () => {
    before = await present();
    expect(before).toEqual(expect.arrayContaining(gone));
    const result = await sweep({ 'dry-run': 'true' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(await present()).toEqual(before);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(result.summary).toContain("Looked at 2 apps: 2 are previews of this repository; 0 are not and were left alone. Would destroy: 1.");
    expect(result.summary).toContain("Found 6 databases of this repository's previews on the database server, 4 of them without an app (would drop: 3).");
    expect(result.summary).toContain(`| #${closed.withApp} | closed |`);
    expect(result.summary).toMatch(new RegExp(`\\| #${closed.databaseOnly} \\| merged \\| 2 days \\| .* \\| — \\| \`${database(closed.databaseOnly)}\` \\| would destroy \\| PR merged; its app is already gone \\|`));
    expect(result.summary).toMatch(new RegExp(`\\| #${expired} \\| open \\| 10 days \\| 10 days \\| — \\| \`${database(expired)}\` \\| would destroy \\| no activity for 10 days, longer than ttl 7 days; its app is already gone \\|`));
  });

  it("drops closed, merged and expired PRs' databases, with their app or without; leaves open PRs', another repository's, the template and the unmarked", async () => {
    fly.clearRequests();
    const result = await sweep();
    expect(result.exitCode, log(result)).toBe(0);
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([app(closed.withApp)]);
    expect(await present()).toEqual(before.filter((name) => !gone.includes(name)));
    expect(fly.apps().map((a) => a.name)).toEqual([app(open.withApp)]);
    expect(result.summary).toMatch(new RegExp(`\\| #${closed.withApp} \\| closed \\| .* \\| \`${app(closed.withApp)}\` \\| \`${database(closed.withApp)}\` \\| destroyed \\| PR closed \\|`));
    expect(result.summary).toMatch(new RegExp(`\\| #${closed.halfMade} \\| closed \\| .* \\| — \\| \`${database(closed.halfMade)}\` \\| destroyed \\| PR closed; a run died before it was finished \\|`));
    expect(result.summary).toMatch(new RegExp(`\\| #${open.databaseOnly} \\| open \\| .* \\| kept \\| PR open, active within ttl 7 days; its app is already gone \\|`));
    expect(result.stdout).toContain(`dropped 3 databases whose app was already gone (${[closed.databaseOnly, expired, closed.halfMade].map((n) => database(n)).join(', ')})`);
    expect(github.comments(owner, repo, closed.withApp)[0]?.body).toContain(`Its database \`${database(closed.withApp)}\` is gone too.`);

    const again = await sweep();
    expect(again.exitCode, log(again)).toBe(0);
    expect(JSON.parse(again.outputs['destroyed'] ?? 'null')).toEqual([]);
    expect(again.summary).toContain("Found 2 databases of this repository's previews on the database server, 1 of them without an app (dropped: 0).");
  });
});
