// Preflight's rules for servers this machine cannot run (PostgreSQL 14 and older), from what the
// inspect query reports; the same query is read against the real PostgreSQL 18 in
// test/integration/database-attacks.test.ts.
import { describe, expect, it } from 'vitest';
import { DatabaseInputError } from '../../src/database/errors.js';
import { preflight, type ServerState } from '../../src/database/preflight.js';
import { parseDatabaseUrl } from '../../src/database/url.js';

const server = parseDatabaseUrl('postgres://admin:secret@db.example.com:5432/postgres');

function state(versionNum: number, publicConnect: boolean): ServerState {
  return {
    versionNum,
    version: `${Math.floor(versionNum / 10000)}.4`,
    user: 'admin',
    superuser: false,
    createdb: true,
    createrole: true,
    template: { copyable: true, owner: 'admin', publicConnect },
    database: undefined,
    role: undefined,
  };
}

describe('a template every role may connect to', () => {
  it('is refused on PostgreSQL 14 and older, where every role may also create objects in it, saying the statement that fixes it', () => {
    for (const versionNum of [130012, 140011]) {
      let error: unknown;
      try {
        preflight(state(versionNum, true), server, 'seed');
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(DatabaseInputError);
      expect((error as DatabaseInputError).input).toBe('database-template');
      expect((error as DatabaseInputError).message).toContain('"seed" on db.example.com:5432 lets every role connect');
      expect((error as DatabaseInputError).message).toContain('REVOKE CONNECT ON DATABASE "seed" FROM PUBLIC (copying a template needs no CONNECT)');
    }
  });

  it('is accepted once PUBLIC cannot connect, and on PostgreSQL 15 and later, where PUBLIC has no CREATE on public', () => {
    expect(preflight(state(140011, false), server, 'seed')).toMatchObject({ user: 'admin' });
    expect(preflight(state(150006, true), server, 'seed')).toMatchObject({ user: 'admin' });
    expect(preflight(state(180000, true), server, 'seed')).toMatchObject({ user: 'admin' });
  });

  it('does not matter without a template: the database is a copy of template0, which no one may connect to', () => {
    expect(preflight({ ...state(130012, true), template: undefined }, server, undefined)).toMatchObject({ user: 'admin' });
  });
});
