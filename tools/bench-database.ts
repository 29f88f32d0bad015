// The database room's cost, against a real embedded PostgreSQL and an admin with only CREATEDB and
// CREATEROLE: the time and round trips to ready a preview's database from a template of about 10 MB
// (the targets: ≤ 500 ms, ≤ 6 round trips), a push's re-run, the close's drop, the test
// server's start, and what database-url adds to a deploy, a push and a close of the bundled action
// against the Fly simulator. tools/bench.ts adds databaseBench()'s rows to its table; alone:
//   npm run bench:database
// It reads the compiled room in lib/ and runs dist/index.js, as the action would run them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type * as Room from '../src/database/index.ts';
import type * as Password from '../src/database/password.ts';
import type * as Settings from '../src/database/settings.ts';
import type * as Target from '../src/database/target.ts';
import { pullRequestPayload, runAction } from '../test/sim/action-runner.ts';
import { startFlySim } from '../test/sim/fly.ts';
import { startGitHubSim } from '../test/sim/github.ts';
import { startPostgres } from '../test/support/postgres-server.ts';

const repoRoot = join(import.meta.dirname, '..');
const runs = 7;
/** Rows of ~1 KB on top of an empty database's ~7.5 MB, for a template of about 10 MB. */
const paddingRows = 2_500;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function seedTemplate(adminUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE bench_seed');
  const seedUrl = new URL(adminUrl);
  seedUrl.pathname = '/bench_seed';
  const seed = new pg.Client({ connectionString: seedUrl.href });
  await seed.connect();
  await seed.query(`
    CREATE TYPE status AS ENUM ('new', 'paid');
    CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);
    CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int REFERENCES customers, status status, note text);
    CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'new';
    CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;`);
  await seed.query("INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 1000) AS g");
  await seed.query("INSERT INTO orders (customer_id, status, note) SELECT 1 + g % 1000, 'new', repeat(md5(g::text), 30) FROM generate_series(1, $1::int) AS g", [paddingRows]);
  await seed.end();
  const [size] = (await admin.query<{ size: string }>("SELECT pg_size_pretty(pg_database_size('bench_seed')) AS size")).rows;
  await admin.end();
  return size?.size ?? '?';
}

export type BenchRow = [what: string, measured: string, target: string, verdict: string];

interface ActionFigures {
  ms: number;
  fly: number;
}

/**
 * One PR's open, push and close through the bundled action, without and then with database-url
 * (from the template), each against fresh simulators: what a database adds to each run.
 */
async function actionOverhead(adminUrl: string, actionRuns = 3): Promise<Record<'open' | 'push' | 'close', { without: ActionFigures; with: ActionFigures }>> {
  const flyToken = 'FlyV1 fm2_bench_database';
  const githubToken = 'bench-github-token';
  const samples = { without: [] as ActionFigures[][], with: [] as ActionFigures[][] };
  for (let i = 0; i < actionRuns; i++) {
    for (const kind of ['without', 'with'] as const) {
      const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs: 300 }), startGitHubSim({ token: githubToken })]);
      try {
        const figures: ActionFigures[] = [];
        for (const [action, sha, at] of [['opened', 'a', '15:20'], ['synchronize', 'b', '15:25'], ['closed', 'b', '15:30']] as const) {
          fly.clearRequests();
          const started = performance.now();
          const run = await runAction({
            eventName: 'pull_request',
            payload: pullRequestPayload(action, { headSha: sha.repeat(40), updatedAt: `2019-05-15T${at}:00Z` }),
            repository: 'Codertocat/Hello-World',
            githubApiUrl: github.url,
            inputs: {
              'fly-api-token': flyToken,
              'github-token': githubToken,
              'fly-api-url': fly.url,
              'smoke-window': '0',
              image: `registry.fly.io/bench:${sha}`,
              ...(kind === 'with' ? { 'database-url': adminUrl, 'database-template': 'bench_seed' } : {}),
            },
          });
          if (run.exitCode !== 0) throw new Error(`${action} ${kind} a database failed:\n${run.stdout}${run.stderr}`);
          figures.push({ ms: performance.now() - started, fly: fly.requests.length });
        }
        samples[kind].push(figures);
      } finally {
        await Promise.all([fly.close(), github.close()]);
      }
    }
  }
  const at = (kind: 'without' | 'with', step: number): ActionFigures => ({
    ms: median(samples[kind].map((f) => f[step]?.ms ?? 0)),
    fly: median(samples[kind].map((f) => f[step]?.fly ?? 0)),
  });
  return {
    open: { without: at('without', 0), with: at('with', 0) },
    push: { without: at('without', 1), with: at('with', 1) },
    close: { without: at('without', 2), with: at('with', 2) },
  };
}

export async function databaseBench(): Promise<BenchRow[]> {
  const compiled = (file: string): Promise<unknown> => import(pathToFileURL(join(repoRoot, 'lib', 'database', file)).href);
  const room = (await compiled('index.js')) as typeof Room;
  const { readDatabaseSettings } = (await compiled('settings.js')) as typeof Settings;
  const { previewDatabaseFor } = (await compiled('target.js')) as typeof Target;
  const { roleKey } = (await compiled('password.js')) as typeof Password;
  // Once per run, memoized per server and admin: a user of its own for each sample.
  const stretches: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await roleKey({ host: 'bench.example.com', port: 5432, user: `bench_${i}`, password: 'bench-password' });
    stretches.push(performance.now() - started);
  }
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const server = await startPostgres();
    starts.push(server.startMs);
    await server.stop();
  }
  const server = await startPostgres();
  try {
    const size = await seedTemplate(server.adminUrl);
    const settings = readDatabaseSettings({ url: server.adminUrl, template: 'bench_seed', appHost: '', env: '' });
    if (settings === undefined) throw new Error('no database settings');
    const create = { ms: [] as number[], trips: [] as number[] };
    const rerun = { ms: [] as number[], trips: [] as number[] };
    const drop = { ms: [] as number[], trips: [] as number[] };
    const measure = async (into: { ms: number[]; trips: number[] }, step: (db: Room.PreviewDatabases) => Promise<unknown>): Promise<void> => {
      const db = room.openPreviewDatabases(settings);
      const started = performance.now();
      await step(db);
      into.ms.push(performance.now() - started);
      into.trips.push(db.roundTrips);
      await db.close();
    };
    for (let pr = 1; pr <= runs; pr++) {
      const ref = { repository: 'bench/shop', pr };
      await measure(create, (db) => db.ensure(ref));
      await measure(rerun, (db) => db.ensure(ref));
      // The app holds a connection while the PR closes.
      const app = new pg.Client({ connectionString: (await previewDatabaseFor(settings, ref)).url });
      app.on('error', () => undefined);
      await app.connect();
      await measure(drop, (db) => db.drop(ref));
      await app.end().catch(() => undefined);
    }
    const overhead = await actionOverhead(server.adminUrl);
    const ms = (n: number): string => `${Math.round(n)} ms`;
    const added = (step: keyof typeof overhead): string => {
      const { without, with: withDb } = overhead[step];
      const requests = withDb.fly - without.fly;
      return `+${ms(withDb.ms - without.ms)} wall (${ms(without.ms)} → ${ms(withDb.ms)}), ${requests >= 0 ? '+' : ''}${requests} Fly requests`;
    };
    const createMs = median(create.ms);
    const createTrips = Math.max(...create.trips);
    return [
      [
        `database: ready a preview's database from a ${size} template`,
        `${ms(createMs)}, ${createTrips} round trips`,
        '≤ 500 ms, ≤ 6 round trips',
        createMs <= 500 && createTrips <= 6 ? '✅' : '❌',
      ],
      ["database: the role key (scrypt N=2^16, r=8, 64 MiB), once per run that creates or re-sets a password", ms(median(stretches)), '0.1–0.3 s', median(stretches) <= 300 ? '✅' : '❌'],
      ['database: the same on a push (kept, password re-set)', `${ms(median(rerun.ms))}, ${Math.max(...rerun.trips)} round trips`, '', ''],
      ['database: drop on close, the app connected', `${ms(median(drop.ms))}, ${Math.max(...drop.trips)} round trips`, '', ''],
      ['database: embedded PostgreSQL start for the tests', ms(median(starts)), '≈ 1 s', median(starts) <= 1_500 ? '✅' : '❌'],
      ['database-url on a fresh deploy through the action (the template copied, its URL an app secret)', added('open'), '', ''],
      ['database-url on a push (database kept, no secrets write)', added('push'), '', ''],
      ['database-url on a close (the database and its role dropped after the app)', added('close'), '', ''],
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await databaseBench();
  console.log(`Measured on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, medians of ${runs} previews (server start: of 3).\n`);
  console.log('| what | measured | target | |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
