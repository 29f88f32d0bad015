// What a run that died half-way leaves, against the real server: the next deploy finishes it, and
// the sweep's inventory finds it. The inventory lists this repository's marked previews and nothing
// else: not another repository's, not the template, not an unmarked database of a preview's name.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPreviewDatabases, type PreviewDatabases, type PreviewRef } from '../../src/database/index.js';
import { roleMarker } from '../../src/database/marker.js';
import { previewDatabaseName } from '../../src/database/names.js';
import { readDatabaseSettings } from '../../src/database/settings.js';
import { adminUrl, connect, createSeedTemplate, sql, superUrl, uniqueName, uniqueRepository, withUrl } from '../support/postgres.ts';

const opened: PreviewDatabases[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

function open(template = ''): PreviewDatabases {
  const settings = readDatabaseSettings({ url: adminUrl(), template, appHost: '', env: '' });
  if (settings === undefined) throw new Error('no settings');
  const handle = openPreviewDatabases(settings);
  opened.push(handle);
  return handle;
}

/** What the admin had done when a run died: the marked role (and the database it owns, with `template`). */
async function diedAfter(step: 'CREATE ROLE' | 'CREATE DATABASE', ref: PreviewRef, template?: string): Promise<string> {
  const name = pg.escapeIdentifier(previewDatabaseName(ref));
  await sql(adminUrl(), `CREATE ROLE ${name} LOGIN; COMMENT ON ROLE ${name} IS ${pg.escapeLiteral(roleMarker(ref, template))}; GRANT ${name} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE`);
  if (step === 'CREATE DATABASE') await sql(adminUrl(), `CREATE DATABASE ${name} OWNER ${name}${template === undefined ? '' : ` TEMPLATE ${pg.escapeIdentifier(template)}`}`);
  return previewDatabaseName(ref);
}

async function seeded(): Promise<string> {
  const template = uniqueName('seed');
  await createSeedTemplate(template);
  return template;
}

describe('a half-made preview', () => {
  it('is finished by the next deploy when a run died after CREATE ROLE', async () => {
    const template = await seeded();
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 31 };
    await diedAfter('CREATE ROLE', ref);
    const made = await open(template).ensure(ref);
    expect(made).toMatchObject({ created: true, repaired: true, template });
    const rows = await sql<{ n: string }>(made.url, 'SELECT count(*) AS n FROM users');
    expect(rows[0]?.n).toBe('2');
  });

  it('is finished by the next deploy when a run died after CREATE DATABASE, and the app can migrate it', async () => {
    const template = await seeded();
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 32 };
    await diedAfter('CREATE DATABASE', ref, template);
    const db = open(template);
    const made = await db.ensure(ref);
    expect(made).toMatchObject({ created: true, repaired: true });
    expect(db.roundTrips).toBeLessThanOrEqual(5);
    await sql(made.url, 'ALTER TABLE users ADD COLUMN nickname text; ALTER TABLE billing.invoices ADD COLUMN note text');
    expect((await open(template).ensure(ref)).created).toBe(false);
  });

  it('is found by the sweep when the handover of the template failed, and dropped', async () => {
    // A table of another owner in the template: the admin may copy it but not give it away.
    const template = await seeded();
    await sql(withUrl(superUrl(), { database: template }), 'CREATE TABLE audit (id int)');
    const ref: PreviewRef = { repository: uniqueRepository(), pr: 33 };
    await expect(open(template).ensure(ref)).rejects.toThrow(`Handing database "${previewDatabaseName(ref)}" and the objects it holds to role "${previewDatabaseName(ref)}"`);
    const db = open();
    expect(await db.list(ref.repository)).toEqual([
      { pr: 33, name: previewDatabaseName(ref), database: true, role: true, complete: false, template, createdAt: undefined },
    ]);
    expect(await db.drop(ref)).toEqual({ name: previewDatabaseName(ref), database: 'dropped', role: 'dropped' });
    expect(await db.list(ref.repository)).toEqual([]);
  });
});

describe("the sweep's inventory", () => {
  it("lists this repository's previews, finished or not, and nothing else", async () => {
    const template = await seeded();
    const repository = uniqueRepository();
    const other = uniqueRepository('other');
    const db = open(template);
    await db.ensure({ repository, pr: 2 });
    await db.ensure({ repository, pr: 1 });
    await db.ensure({ repository: other, pr: 1 });
    await diedAfter('CREATE DATABASE', { repository, pr: 3 });
    await diedAfter('CREATE ROLE', { repository, pr: 4 });
    // Named like PR 5's preview, but made by someone else.
    await sql(adminUrl(), `CREATE DATABASE ${pg.escapeIdentifier(previewDatabaseName({ repository, pr: 5 }))}`);

    const listed = await db.list(repository.toUpperCase());
    expect(listed.map(({ pr, database, role, complete }) => ({ pr, database, role, complete }))).toEqual([
      { pr: 1, database: true, role: true, complete: true },
      { pr: 2, database: true, role: true, complete: true },
      { pr: 3, database: true, role: true, complete: false },
      { pr: 4, database: false, role: true, complete: false },
    ]);
    expect(listed[0]).toMatchObject({ name: previewDatabaseName({ repository, pr: 1 }), template, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    // The sweep drops what it listed; what is not ours stays.
    for (const entry of listed) await db.drop({ repository, pr: entry.pr });
    expect(await db.list(repository)).toEqual([]);
    expect((await db.list(other)).map((e) => e.pr)).toEqual([1]);
    const left = await sql<{ datname: string }>(adminUrl(), 'SELECT datname FROM pg_database WHERE datname = ANY ($1) ORDER BY datname', [
      [template, previewDatabaseName({ repository, pr: 5 }), previewDatabaseName({ repository: other, pr: 1 })],
    ]);
    expect(left).toHaveLength(3);
  });

  it('lists nothing for a repository with no previews', async () => {
    expect(await open().list(uniqueRepository())).toEqual([]);
  });
});

it('answers a second deploy racing the first with the same database', async () => {
  const template = await seeded();
  const ref: PreviewRef = { repository: uniqueRepository(), pr: 41 };
  const [one, two] = await Promise.all([open(template).ensure(ref), open(template).ensure(ref)]);
  expect(one.url).toBe(two.url);
  expect([one.created, two.created]).toContain(true);
  const app = await connect(one.url);
  expect((await app.query('SELECT count(*) AS n FROM users')).rows).toEqual([{ n: '2' }]);
  await app.end();
});
