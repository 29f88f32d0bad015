// Preflight against the real server: each setting a user can get wrong fails as an input error that
// names the input, the server and what is missing, before anything is created; and no password,
// the admin's or a preview's, ever appears in what the room throws.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseInputError, openPreviewDatabases, type OpenOptions, type PreviewDatabases } from '../../src/database/index.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { derivePassword, scramVerifier } from '../../src/database/password.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { adminPassword, adminUrl, connect, createSeedTemplate, roleKeyOf, sql, superUrl, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

const opened: PreviewDatabases[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

function open(url: string, template = '', options: OpenOptions = {}): PreviewDatabases {
  const settings = readDatabaseSettings({ url, template, appHost: '', env: '' });
  if (settings === undefined) throw new Error('no settings');
  const handle = openPreviewDatabases(settings, options);
  opened.push(handle);
  return handle;
}

async function inputError(promise: Promise<unknown>): Promise<DatabaseInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DatabaseInputError)) throw new Error(`expected a DatabaseInputError, got ${String(error)}`);
  return error;
}

const where = (): string => new URL(adminUrl()).host;

/** A role of the test's own with the given attributes, and its URL. */
async function roleWith(attributes: string): Promise<string> {
  const name = uniqueName('weak');
  await sql(superUrl(), `CREATE ROLE ${name} LOGIN ${attributes} PASSWORD 'weak-password'`);
  return withUrl(adminUrl(), { user: name, password: 'weak-password' });
}

describe('preflight', () => {
  it('reports the server and the admin when all is well, in two round trips', async () => {
    const template = uniqueName('seed');
    await createSeedTemplate(template);
    const db = open(adminUrl(), template);
    expect(await db.check()).toEqual({ version: expect.stringMatching(/^18\./), user: 'fp_admin', superuser: false });
    expect(db.roundTrips).toBe(2);
  });

  it('fails at once on a port where nothing listens, naming host:port', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const error = await inputError(open(withUrl(adminUrl(), { port: closed })).check());
    expect(error.input).toBe('database-url');
    expect(error.message).toContain(`Input 'database-url' could not connect to 127.0.0.1:${closed}: connection refused; is the server running, and on that port?`);
  });

  describe('a server that accepts the connection and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails within the connect timeout', async () => {
      const address = silent.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const error = await inputError(open(withUrl(adminUrl(), { port }), '', { connectTimeoutMs: 300 }).check());
      expect(error.message).toContain(`got no answer from 127.0.0.1:${port} within 0.3 s`);
    });
  });

  it('names the user whose password the server refused', async () => {
    const error = await inputError(open(withUrl(adminUrl(), { password: 'not-the-password' })).check());
    expect(error.message).toContain(`was refused by ${where()}: the password of user "fp_admin" is wrong`);
    expect(error.message).not.toContain('not-the-password');
  });

  it('names a database the server does not have', async () => {
    const error = await inputError(open(withUrl(adminUrl(), { database: 'no_such_db' })).check());
    expect(error.message).toContain('database "no_such_db" does not exist');
  });

  it('names the privileges the admin lacks, and how to grant them', async () => {
    const neither = await inputError(open(await roleWith('')).check());
    expect(neither.message).toMatch(new RegExp(`logs in to ${where()} as "weak_[0-9a-f]+", which lacks CREATEDB and CREATEROLE; .* ALTER ROLE "weak_[0-9a-f]+" CREATEDB CREATEROLE$`));
    const half = await inputError(open(await roleWith('CREATEDB')).check());
    expect(half.message).toContain('which lacks CREATEROLE;');
  });

  it('names a template the server does not have, and creates nothing', async () => {
    const ref = { repository: uniqueRepository(), pr: 3 };
    const error = await inputError(open(adminUrl(), 'no_such_seed').ensure(ref));
    expect(error.input).toBe('database-template');
    expect(error.message).toBe(`Input 'database-template' names no database on ${where()}: "no_such_seed"; create it, or leave database-template empty for an empty database`);
    const [row] = await sql<{ n: string }>(superUrl(), 'SELECT count(*) AS n FROM pg_roles WHERE rolname = $1', [previewDatabaseName(ref)]);
    expect(row?.n).toBe('0');
  });

  it('names a template the admin may not copy', async () => {
    const template = uniqueName('theirs');
    await sql(superUrl(), `CREATE DATABASE ${template}`);
    const error = await inputError(open(adminUrl(), template).check());
    expect(error.message).toContain(`"${template}" on ${where()} belongs to "postgres" and is not marked as a template, so "fp_admin" may not copy it`);
    await sql(superUrl(), `ALTER DATABASE ${template} IS_TEMPLATE true`);
    await expect(open(adminUrl(), template).check()).resolves.toMatchObject({ user: 'fp_admin' });
  });
});

describe('secrets', () => {
  it('never shows a password, the admin\'s or a preview\'s, in any error', async () => {
    const repository = uniqueRepository();
    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>): Promise<void> => promise.then(() => void errors.push(new Error('expected a failure')), (e: unknown) => void errors.push(e));
    await collect(open(withUrl(adminUrl(), { password: `${adminPassword()}-wrong` })).check());
    await collect(open(adminUrl(), 'no_such_seed').ensure({ repository, pr: 1 }));
    // A template holding a table the admin does not own: the handover fails inside the new database.
    const template = uniqueName('mixed');
    await createSeedTemplate(template);
    await sql(withUrl(superUrl(), { database: template }), 'CREATE TABLE audit (id int)');
    await collect(open(adminUrl(), template).ensure({ repository, pr: 2 }));
    // A preview's role owned by another admin: resetting its password is refused.
    const other = await roleWith('CREATEDB CREATEROLE');
    const made = await open(other).ensure({ repository, pr: 4 });
    await collect(open(adminUrl()).ensure({ repository, pr: 4 }));
    await collect(open(adminUrl()).drop({ repository, pr: 4 }));

    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    const forms = [adminPassword(), encodeURIComponent(adminPassword()), `${adminPassword()}-wrong`, 'weak-password', new URL(made.url).password];
    const [key, weakKey] = await Promise.all([roleKeyOf(adminUrl()), roleKeyOf(other)]);
    for (const pr of [1, 2, 4]) {
      const name = previewDatabaseName({ repository, pr });
      forms.push(derivePassword(key, name), scramVerifier(key, name), derivePassword(weakKey, name));
    }
    const shown = errors.map((e) => (e instanceof Error ? `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}` : String(e))).join('\n');
    expect(shown).toContain('must be owner of table audit');
    expect(shown).toContain(`permission denied to alter role`);
    for (const form of forms) expect(shown).not.toContain(form);
    await open(other).drop({ repository, pr: 4 });
    await open(adminUrl()).drop({ repository, pr: 2 });
  });
});

it('keeps the password out of the server log: CREATE ROLE carries a SCRAM verifier', async () => {
  const ref = { repository: uniqueRepository(), pr: 5 };
  const made = await open(adminUrl()).ensure(ref);
  const [row] = await sql<{ secret: string }>(superUrl(), 'SELECT rolpassword AS secret FROM pg_authid WHERE rolname = $1', [made.role]);
  expect(row?.secret).toBe(scramVerifier(await roleKeyOf(adminUrl()), made.name));
  // …and the app logs in with the password the verifier was made from.
  const app = await connect(made.url);
  expect((await app.query('SELECT current_user AS me')).rows).toEqual([{ me: made.role }]);
  await app.end();
  await open(adminUrl()).drop(ref);
});
