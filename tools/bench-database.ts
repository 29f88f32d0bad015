// The database room's cost, against a real embedded PostgreSQL and an admin with only CREATEDB and
// CREATEROLE: the time and round trips to ready a preview's database from a template of about 10 MB
// (the targets: ≤ 500 ms, ≤ 6 round trips), a push's re-run, the close's drop, and the test
// server's start. tools/bench.ts adds databaseBench()'s rows to its table; alone, after a build:
//   npm run build && node tools/bench-database.ts
// It reads the compiled room in lib/, as the action would run it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type * as Room from '../src/database/index.ts';
import type * as Settings from '../src/database/settings.ts';
import type * as Target from '../src/database/target.ts';
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

export async function databaseBench(): Promise<BenchRow[]> {
  const compiled = (file: string): Promise<unknown> => import(pathToFileURL(join(repoRoot, 'lib', 'database', file)).href);
  const room = (await compiled('index.js')) as typeof Room;
  const { readDatabaseSettings } = (await compiled('settings.js')) as typeof Settings;
  const { previewDatabaseFor } = (await compiled('target.js')) as typeof Target;
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
      const app = new pg.Client({ connectionString: previewDatabaseFor(settings, ref).url });
      app.on('error', () => undefined);
      await app.connect();
      await measure(drop, (db) => db.drop(ref));
      await app.end().catch(() => undefined);
    }
    const ms = (n: number): string => `${Math.round(n)} ms`;
    const createMs = median(create.ms);
    const createTrips = Math.max(...create.trips);
    return [
      [
        `database: ready a preview's database from a ${size} template`,
        `${ms(createMs)}, ${createTrips} round trips`,
        '≤ 500 ms, ≤ 6 round trips',
        createMs <= 500 && createTrips <= 6 ? '✅' : '❌',
      ],
      ['database: the same on a push (kept, password re-set)', `${ms(median(rerun.ms))}, ${Math.max(...rerun.trips)} round trips`, '', ''],
      ['database: drop on close, the app connected', `${ms(median(drop.ms))}, ${Math.max(...drop.trips)} round trips`, '', ''],
      ['database: embedded PostgreSQL start for the tests', ms(median(starts)), '≈ 1 s', median(starts) <= 1_500 ? '✅' : '❌'],
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
