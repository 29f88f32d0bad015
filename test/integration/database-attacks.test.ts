// The attacks of the database room's security review, replayed against a real PostgreSQL 18: a PR's
// app (its migrations, or anything it runs) holds its own role's URL and does what that role may,
// and each test checks that it gains nothing. The server is this file's own, since some attacks
// poison what every database on a server starts from (template1) or the admin's own database, as
// PostgreSQL 14 and older let any role do by default.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPreviewDatabases, type PreviewDatabases, type PreviewRef } from '../../src/database/index.js';
import { roleMarker } from '../../src/database/marker.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { derivePassword } from '../../src/database/password.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { startPostgres, type TestPostgres } from '../support/postgres-server.ts';
import { connect, roleKeyOf, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const opened: PreviewDatabases[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

function open(options: { template?: string; url?: string } = {}): PreviewDatabases {
  const settings = readDatabaseSettings({ url: options.url ?? server.adminUrl, template: options.template ?? '', appHost: '', env: '' });
  if (settings === undefined) throw new Error('no settings');
  const handle = openPreviewDatabases(settings);
  opened.push(handle);
  return handle;
}

async function sql<Row extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string): Promise<Row[]> {
  const client = await connect(url);
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

const q = pg.escapeIdentifier;
const roleExists = async (name: string): Promise<boolean> =>
  (await sql(server.superUrl, `SELECT 1 FROM pg_roles WHERE rolname = ${pg.escapeLiteral(name)}`)).length === 1;

/**
 * SQL that, run by anyone who may create roles, creates `backdoor` with LOGIN CREATEDB CREATEROLE:
 * what the planted code does once the admin's session calls it.
 */
const plantBackdoor = (backdoor: string): string => `
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) '${backdoor}')
     AND (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user) THEN
    EXECUTE 'CREATE ROLE ${backdoor} LOGIN CREATEDB CREATEROLE';
  END IF;`;

/** The reviewer's operator: public.>= (oid, integer), a closer match for `c.oid >= 16384` than PostgreSQL's own. */
const operatorTrap = (backdoor: string): string => `
  CREATE FUNCTION public.trap(a oid, b integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN ${plantBackdoor(backdoor)}
    RETURN a OPERATOR(pg_catalog.>=) b::pg_catalog.oid; END $$;
  CREATE OPERATOR public.>= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.trap);`;

/** The reviewer's other way: a pg_get_userbyid of its own, first in the database's search_path. */
const searchPathTrap = (database: string, backdoor: string): string => `
  CREATE SCHEMA evil;
  CREATE FUNCTION evil.pg_get_userbyid(o oid) RETURNS name LANGUAGE plpgsql AS $$ BEGIN ${plantBackdoor(backdoor)}
    RETURN pg_catalog.pg_get_userbyid(o); END $$;
  ALTER DATABASE ${q(database)} SET search_path = evil, pg_catalog;`;

/** A run that died after CREATE DATABASE: our role, marked unfinished, owning a database it was given no app for yet. */
async function diedAfterCreateDatabase(ref: PreviewRef): Promise<string> {
  const name = previewDatabaseName(ref);
  const role = q(name);
  const password = derivePassword(await roleKeyOf(server.adminUrl), name);
  await sql(
    server.adminUrl,
    `CREATE ROLE ${role} LOGIN PASSWORD ${pg.escapeLiteral(password)}; COMMENT ON ROLE ${role} IS ${pg.escapeLiteral(roleMarker(ref, undefined))};
     GRANT ${role} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE`,
  );
  await sql(server.adminUrl, `CREATE DATABASE ${role} OWNER ${role}`);
  // The URL its app will get, and that a reopened PR's old app already knew.
  return withUrl(server.adminUrl, { user: name, password, database: name });
}

describe("a preview's app planting code for the admin's session", () => {
  it('gains nothing by unmarking its database and planting public.>= (oid, integer): the next push keeps it and runs nothing of it', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 1 };
    const made = await open().ensure(ref);
    const backdoor = uniqueName('backdoor');
    await sql(made.url, `COMMENT ON DATABASE ${q(made.name)} IS NULL; ${operatorTrap(backdoor)}`);
    expect(await open().ensure(ref)).toMatchObject({ created: false, url: made.url });
    expect(await roleExists(backdoor)).toBe(false);
  });

  it('gains nothing by ALTER DATABASE … SET search_path and a pg_get_userbyid of its own', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 2 };
    const made = await open().ensure(ref);
    const backdoor = uniqueName('backdoor');
    await sql(made.url, `COMMENT ON DATABASE ${q(made.name)} IS NULL; ${searchPathTrap(made.name, backdoor)}`);
    expect(await open().ensure(ref)).toMatchObject({ created: false });
    expect(await roleExists(backdoor)).toBe(false);
  });

  it("gains nothing planting both in a half-made database the admin then finishes (a reopened PR's app knows its password)", async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 3 };
    const url = await diedAfterCreateDatabase(ref);
    const [viaOperator, viaPath] = [uniqueName('backdoor'), uniqueName('backdoor')];
    await sql(url, `${operatorTrap(viaOperator)} ${searchPathTrap(previewDatabaseName(ref), viaPath)}`);
    const made = await open().ensure(ref);
    expect(made).toMatchObject({ created: true, repaired: true });
    expect([await roleExists(viaOperator), await roleExists(viaPath)]).toEqual([false, false]);
    // The handover still happened: the role owns what is in its database, the planted objects too.
    expect(await sql(made.url, "SELECT pg_get_userbyid(proowner) AS owner FROM pg_proc WHERE proname = 'trap'")).toEqual([{ owner: made.role }]);
  });

  it('gains nothing planting public.>= in a template every role may create objects in (the default on PostgreSQL 14 and older)', async () => {
    const template = uniqueName('seed');
    await sql(server.adminUrl, `CREATE DATABASE ${template}`);
    await sql(withUrl(server.adminUrl, { database: template }), 'GRANT CREATE ON SCHEMA public TO PUBLIC');
    const repository = uniqueRepository();
    const one = await open({ template }).ensure({ repository, pr: 1 });
    const backdoor = uniqueName('backdoor');
    await sql(withUrl(one.url, { database: template }), operatorTrap(backdoor));
    const two = await open({ template }).ensure({ repository, pr: 2 });
    expect(two.created).toBe(true);
    expect(await roleExists(backdoor)).toBe(false);
  });

  it("gains nothing planting a closer shobj_description in the admin's own database, where PostgreSQL 14 and older let every role create", async () => {
    const home = uniqueName('admin_home');
    await sql(server.adminUrl, `CREATE DATABASE ${home}`);
    await sql(withUrl(server.adminUrl, { database: home }), 'GRANT CREATE ON SCHEMA public TO PUBLIC');
    const adminHome = withUrl(server.adminUrl, { database: home });
    const repository = uniqueRepository();
    const one = await open({ url: adminHome }).ensure({ repository, pr: 1 });
    const backdoor = uniqueName('backdoor');
    await sql(
      withUrl(one.url, { database: home }),
      `CREATE FUNCTION public.shobj_description(o oid, c text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN ${plantBackdoor(backdoor)}
         RETURN pg_catalog.shobj_description(o, c::pg_catalog.name); END $$`,
    );
    const db = open({ url: adminHome });
    await db.ensure({ repository, pr: 2 });
    expect((await db.list(repository)).map((entry) => entry.pr)).toEqual([1, 2]);
    await db.check({ repository, pr: 3 });
    expect(await roleExists(backdoor)).toBe(false);
  });
});

describe("a preview's app rewriting its database's comment", () => {
  it('cannot make its database undroppable: close drops the database and the role', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 4 };
    const made = await open().ensure(ref);
    await sql(made.url, `COMMENT ON DATABASE ${q(made.name)} IS 'x'`);
    expect(await open().list(ref.repository)).toMatchObject([{ pr: 4, database: true, complete: true }]);
    expect(await open().drop(ref)).toEqual({ name: made.name, database: 'dropped', role: 'dropped' });
  });

  it('cannot escape the ttl, nor put its own text in the PR comment, nor rewrite the marker that counts', async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 5 };
    const made = await open().ensure(ref);
    const [before] = await open().list(ref.repository);
    const forged = JSON.stringify({ managedBy: 'fly-preview', ...ref, template: '`x` [click here](https://evil.example)', finished: true, createdAt: '2999-01-01T00:00:00.000Z' });
    await sql(made.url, `COMMENT ON DATABASE ${q(made.name)} IS ${pg.escapeLiteral(forged)}`);
    // The role's own comment is out of its reach (COMMENT ON ROLE needs CREATEROLE, and on 16+ ADMIN OPTION too).
    await expect(sql(made.url, `COMMENT ON ROLE ${q(made.role)} IS ${pg.escapeLiteral(forged)}`)).rejects.toThrow('permission denied');
    const [after] = await open().list(ref.repository);
    expect(after).toEqual(before);
    expect(after?.createdAt?.startsWith(String(new Date().getUTCFullYear()))).toBe(true);
    expect(after?.template).toBeUndefined();
    expect((await open().ensure(ref)).template).toBeUndefined();
  });
});

describe('names', () => {
  it('gives acme/my-shop, acme/my.shop and acme-my/shop a database each, none able to open another', async () => {
    const tail = uniqueName('x').slice(2);
    const repositories = [`acme/my-shop${tail}`, `acme/my.shop${tail}`, `acme-my/shop${tail}`];
    const made = [];
    for (const repository of repositories) made.push(await open().ensure({ repository, pr: 1 }));
    expect(new Set(made.map((m) => m.name)).size).toBe(3);
    expect(new Set(made.map((m) => m.url)).size).toBe(3);
    const [first, second] = made;
    if (first === undefined || second === undefined) throw new Error('not made');
    await expect(connect(withUrl(first.url, { database: second.name }))).rejects.toThrow('permission denied for database');
  });
});

describe('the window between CREATE DATABASE and the REVOKE of CONNECT', () => {
  it("leaves no other preview's session in the new database: it is ended once CONNECT is revoked", async () => {
    const intruder = await open().ensure({ repository: uniqueRepository(), pr: 1 });
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 6 };
    await diedAfterCreateDatabase(ref);
    // Any role may connect until CONNECT is revoked; this one stays to LISTEN to the app.
    const seat = await connect(withUrl(intruder.url, { database: previewDatabaseName(ref) }));
    await seat.query('LISTEN jobs');
    await open().ensure(ref);
    await expect(seat.query('SELECT 1')).rejects.toThrow();
    await seat.end().catch(() => undefined);
    await expect(connect(withUrl(intruder.url, { database: previewDatabaseName(ref) }))).rejects.toThrow('permission denied for database');
  });

  it("stops, saying whose it is, at a session the admin may not end; the next run finishes once it is gone", async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 7 };
    await diedAfterCreateDatabase(ref);
    const stranger = uniqueName('stranger');
    await sql(server.superUrl, `CREATE ROLE ${stranger} LOGIN PASSWORD 'stranger-password'`);
    const seat = await connect(withUrl(server.adminUrl, { user: stranger, password: 'stranger-password', database: previewDatabaseName(ref) }));
    await expect(open().ensure(ref)).rejects.toThrow(`role "${stranger}" connected to the new database before CONNECT was revoked, and the admin may not end its session`);
    await seat.end();
    expect(await open().ensure(ref)).toMatchObject({ created: true, repaired: true });
  });
});

describe('an empty database', () => {
  it('is a copy of template0, never of template1, where any role may have left something', async () => {
    await sql(withUrl(server.superUrl, { database: 'template1' }), 'CREATE TABLE planted (id int)');
    try {
      const made = await open().ensure({ repository: uniqueRepository(), pr: 8 });
      expect(await sql(made.url, "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'planted'")).toEqual([{ n: 0 }]);
    } finally {
      await sql(withUrl(server.superUrl, { database: 'template1' }), 'DROP TABLE planted');
    }
  });
});

describe('check(pr), before an eviction frees a place', () => {
  it("fails when the PR's database or role name is held by something that is not ours", async () => {
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 9 };
    await expect(open().check(ref)).resolves.toMatchObject({ user: 'fp_admin' });
    await sql(server.adminUrl, `CREATE DATABASE ${q(previewDatabaseName(ref))}`);
    await expect(open().check(ref)).rejects.toThrow(`A database named "${previewDatabaseName(ref)}" already exists`);
    const other: PreviewRef = { repository: uniqueRepository(), pr: 9 };
    await sql(server.adminUrl, `CREATE ROLE ${q(previewDatabaseName(other))}`);
    await expect(open().check(other)).rejects.toThrow(`A role named "${previewDatabaseName(other)}" already exists`);
  });
});

describe("the app's URL", () => {
  it("keeps the admin URL's connection options and nothing else: no key passphrase, no runner paths", async () => {
    const url = `${server.adminUrl}?sslmode=disable&sslpassword=hunter2&application_name=ci-admin&connect_timeout=10`;
    const made = await open({ url }).ensure({ repository: uniqueRepository(), pr: 10 });
    expect(new URL(made.url).search).toBe('?sslmode=disable&connect_timeout=10');
    expect(await sql(made.url, 'SELECT current_user AS me')).toEqual([{ me: made.role }]);
  });
});
