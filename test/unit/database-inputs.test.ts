// The database inputs as a user writes them, before any connection: what is accepted, what each
// mistake says (naming the input and the accepted form, never the password), what must be masked,
// and the names and URL each preview gets.
import { createHmac, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PreviewRef } from '../../src/database/contract.js';
import { DatabaseInputError } from '../../src/database/errors.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { derivePassword, roleKey, roleKeySalt, stretch } from '../../src/database/password.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { previewDatabaseFor } from '../../src/database/target.js';
import { databaseUrlSecrets, parseDatabaseUrl } from '../../src/database/url.js';

const password = 'pa:ss@w/rd%';
const url = `postgres://admin:${encodeURIComponent(password)}@db.example.com:6543/postgres?sslmode=require&options=-c%20statement_timeout%3D5s`;

function read(changes: Partial<{ url: string; template: string; appHost: string; env: string }> = {}) {
  return readDatabaseSettings({ url, template: '', appHost: '', env: '', ...changes });
}

function refusal(changes: Parameters<typeof read>[0]): DatabaseInputError {
  try {
    read(changes);
  } catch (error) {
    if (error instanceof DatabaseInputError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('database-url', () => {
  it('is read into the server, user, decoded password and database, options kept', () => {
    const settings = read();
    expect(settings?.server).toMatchObject({ protocol: 'postgres:', host: 'db.example.com', port: 6543, user: 'admin', password, database: 'postgres', where: 'db.example.com:6543' });
    expect(settings?.server.search).toBe('?sslmode=require&options=-c%20statement_timeout%3D5s');
    expect(settings?.env).toBe('DATABASE_URL');
  });

  it('takes postgresql://, IPv6 and the default port, and the user as the default database', () => {
    expect(read({ url: 'postgresql://me:secret@[fdaa::3]' })?.server).toMatchObject({ host: 'fdaa::3', port: 5432, database: 'me', where: '[fdaa::3]:5432' });
  });

  it('empty means no database; a template or app host without it is a mistake', () => {
    expect(read({ url: '' })).toBeUndefined();
    expect(refusal({ url: '', template: 'seed' }).message).toBe("Input 'database-template' is set but database-url is empty; set database-url to give each preview a database");
    expect(refusal({ url: '', appHost: 'pg.flycast' }).input).toBe('database-app-host');
  });

  it.each([
    ['not a URL', `admin ${password} at db.example.com`, 'is not a URL (in a password, write @ : / # % as %40 %3A %2F %23 %25'],
    ['an unencoded # in the password', 'postgres://admin:pa#ss@db/postgres', 'is not a URL'],
    ['another scheme', 'mysql://admin:secret@db/x', 'must start with postgres:// or postgresql://;'],
    ['no password', 'postgres://admin@db.example.com/postgres', "has no password; each preview's role password is derived from it"],
    ['no user', 'postgres://:secret@db.example.com/postgres', 'has no user'],
    ['several hosts', 'postgres://admin:secret@a.example.com,b.example.com/postgres', 'names more than one host'],
    ['several hosts with ports', 'postgres://admin:secret@a:5432,b:5432/postgres', 'is not a URL'],
    ['a user in the query', 'postgres://admin:secret@db/postgres?user=other', 'sets user in its query'],
    ['a fragment', 'postgres://admin:secret@db/post#gres', 'has a fragment (#…); a # in the password is written %23'],
    ['a bad escape', 'postgres://admin:pa%zzss@db/postgres', 'has a malformed %-escape in its password'],
    ['a path', 'postgres://admin:secret@db/a/b', 'has a path of more than one segment'],
  ])('refuses %s, naming the input and the accepted form', (_, bad, problem) => {
    const error = refusal({ url: bad });
    expect(error.input).toBe('database-url');
    expect(error.message).toContain(`Input 'database-url' ${problem}`);
    expect(error.message).toContain('the accepted form is postgres://user:password@host:5432/database?sslmode=require');
    for (const secret of ['secret', 'pa#ss', 'pa%zzss', password, encodeURIComponent(password)]) expect(error.message).not.toContain(secret);
  });

  it('refuses to copy the database it connects to', () => {
    expect(refusal({ template: 'postgres' }).message).toContain('connects to the template "postgres" itself');
  });

  it('masks the URL and the password in every form a log could show', () => {
    const forms = databaseUrlSecrets(url);
    expect(forms).toEqual(expect.arrayContaining([url, password, encodeURIComponent(password)]));
    expect(databaseUrlSecrets('postgres://admin:p%zz@h/d')).toEqual(expect.arrayContaining(['postgres://admin:p%zz@h/d', 'p%zz']));
    expect(databaseUrlSecrets('not a url')).toEqual(['not a url']);
    expect(read()?.secrets).toEqual(forms);
  });

  it('masks each line of a password that spans lines, as the runner masks line by line', () => {
    const forms = databaseUrlSecrets('postgres://admin:first-line%0Asecond-line%0D%0A@db.example.com/postgres');
    expect(forms).toEqual(expect.arrayContaining(['first-line', 'second-line\r', 'first-line\nsecond-line\r\n']));
  });
});

describe('database-template, database-app-host, database-env', () => {
  it('takes a template name, and refuses one PostgreSQL could not hold', () => {
    expect(read({ template: ' seed ' })?.template).toBe('seed');
    expect(refusal({ template: 'x'.repeat(64) }).input).toBe('database-template');
    expect(refusal({ template: 'a\nb' }).input).toBe('database-template');
  });

  it('takes host or host:port, and refuses anything more', () => {
    expect(read({ appHost: 'my-pg.flycast:5433' })?.appHost).toEqual({ host: 'my-pg.flycast', port: 5433 });
    expect(read({ appHost: '[fdaa::3]' })?.appHost).toEqual({ host: '[fdaa::3]', port: undefined });
    for (const bad of ['user@pg.flycast', 'pg.flycast/db', 'pg.flycast:99999', 'a,b', 'pg?x=1']) expect(refusal({ appHost: bad }).input).toBe('database-app-host');
  });

  it('takes a variable name', () => {
    expect(read({ env: 'PRIMARY_DB' })?.env).toBe('PRIMARY_DB');
    expect(refusal({ env: '1DB' }).message).toContain("Input 'database-env' must be an environment variable name");
  });
});

describe("a preview's database", () => {
  it('is named from the PR and the repository, lowercase, needing no quotes, with the repository\'s hash', () => {
    expect(previewDatabaseName({ repository: 'Acme/My-Shop.web', pr: 42 })).toBe('pr_42_acme_my_shop_web_4b7f1df6');
    expect(previewDatabaseName({ repository: 'acme/my-shop.WEB', pr: 42 })).toBe('pr_42_acme_my_shop_web_4b7f1df6');
  });

  it('gives repositories whose slugs meet names of their own', () => {
    const names = ['acme/my-shop', 'acme/my.shop', 'acme-my/shop'].map((repository) => previewDatabaseName({ repository, pr: 1 }));
    expect(names).toEqual(['pr_1_acme_my_shop_d40787eb', 'pr_1_acme_my_shop_2984cf1e', 'pr_1_acme_my_shop_f8da6509']);
  });

  it('fits 63 bytes with a stable hash when longer, and two long names stay apart', () => {
    const long = (repo: string): PreviewRef => ({ repository: `a-very-long-organisation-name/${repo}`, pr: 123456 });
    const one = previewDatabaseName(long('the-storefront-application-with-a-long-name'));
    const two = previewDatabaseName(long('the-storefront-application-with-a-long-name-2'));
    expect(one).toBe('pr_123456_a_very_long_organisation_name_the_storefront_be839fd5');
    expect(Buffer.byteLength(one)).toBeLessThanOrEqual(63);
    expect(two).not.toBe(one);
    expect(two.startsWith('pr_123456_')).toBe(true);
    expect(previewDatabaseName({ repository: 'A-Very-Long-Organisation-Name/The-Storefront-Application-With-A-Long-Name', pr: 123456 })).toBe(one);
  });

  it('is reached with the derived password at the app host, the options kept', async () => {
    const settings = read({ appHost: 'my-pg.flycast' });
    if (settings === undefined) throw new Error('no settings');
    const target = await previewDatabaseFor(settings, { repository: 'acme/shop', pr: 7 });
    const app = new URL(target.url);
    const name = 'pr_7_acme_shop_d21b2cdf';
    expect(target).toMatchObject({ name, role: name });
    expect([app.protocol, app.hostname, app.port, app.username, app.pathname, app.search]).toEqual([
      'postgres:',
      'my-pg.flycast',
      '6543',
      name,
      `/${name}`,
      '?sslmode=require&options=-c%20statement_timeout%3D5s',
    ]);
    const key = await roleKey(settings.server);
    expect(app.password).toBe(derivePassword(key, name));
    expect(target.secrets).toEqual([target.url, app.password]);
    // The same every run, different for every preview and every admin password.
    expect((await previewDatabaseFor(settings, { repository: 'acme/shop', pr: 7 })).url).toBe(target.url);
    expect(derivePassword(key, 'pr_8_acme_shop_d21b2cdf')).not.toBe(app.password);
    expect(derivePassword(await roleKey({ ...settings.server, password: `${password}!` }), name)).not.toBe(app.password);
  });

  it("copies only the admin URL's connection options to the app's, never the runner's TLS files or key passphrase", async () => {
    const query = 'sslmode=verify-full&sslrootcert=/home/runner/ca.pem&sslcert=/home/runner/c.pem&sslkey=/home/runner/k.pem&sslpassword=hunter2' +
      '&channel_binding=require&target_session_attrs=read-write&connect_timeout=10&options=-c%20statement_timeout%3D5s&application_name=ci&sslnegotiation=direct';
    const settings = read({ url: `postgres://admin:${encodeURIComponent(password)}@db.example.com/postgres?${query}` });
    if (settings === undefined) throw new Error('no settings');
    const app = new URL((await previewDatabaseFor(settings, { repository: 'acme/shop', pr: 7 })).url);
    expect(app.search).toBe('?sslmode=verify-full&channel_binding=require&target_session_attrs=read-write&connect_timeout=10&options=-c%20statement_timeout%3D5s&sslnegotiation=direct');
  });

  it("refuses node-postgres's own ssl=true, which the app's driver would not read: its URL would connect without TLS", () => {
    expect(() => read({ url: `postgres://admin:${encodeURIComponent(password)}@db.example.com/postgres?ssl=true` })).toThrow(
      "Input 'database-url' sets ssl in its query; write sslmode=require (or verify-full), which every PostgreSQL driver reads",
    );
  });

  it("gives away nothing cheap to test guesses at the admin's password with: scrypt first, then an HMAC per name", async () => {
    const server = parseDatabaseUrl(url);
    const target = await previewDatabaseFor({ server, appHost: undefined }, { repository: 'acme/shop', pr: 7 });
    const leaked = decodeURIComponent(new URL(target.url).password);
    // What an app that holds its URL could check a guess with before: one HMAC per guess.
    const cheap = createHmac('sha256', password).update(`fly-preview role password\0${target.name}`).digest('base64url');
    expect(leaked).not.toBe(cheap);
    // Now each guess costs an scrypt of 64 MiB, salted with the server and the admin's name.
    expect(roleKeySalt(server)).toBe('fly-preview role key\0db.example.com:6543:admin');
    expect(128 * stretch.N * stretch.r).toBe(64 * 1024 * 1024);
    const key = scryptSync(password, roleKeySalt(server), 32, stretch);
    expect(leaked).toBe(createHmac('sha256', key).update(`fly-preview role password\0${target.name}`).digest('base64url'));
  });
});
