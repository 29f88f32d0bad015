// On deploy: the PR's role and database, made in an order a dead run can be resumed from, in at most
// six round trips from a template (a connection counting one):
//   1. connect to the admin's database;
//   2. inspect: privileges, template, and what of the preview exists (preflight.ts);
//   3. CREATE ROLE … LOGIN PASSWORD <verifier>; COMMENT ON ROLE (the marker); GRANT the role to the
//      admin — one message, so the role never exists unmarked;
//   4. CREATE DATABASE … OWNER role TEMPLATE …, alone, as it cannot run in a transaction block;
//   5. connect to the new database;
//   6. the handover of the template's objects, REVOKE CONNECT … FROM PUBLIC, and the database's
//      marker — one message, so the marker says the database is finished.
// A push or re-run finds both marked and only re-sets the role's password (the same verifier, unless
// the admin's password changed) in three round trips; its data is never touched. A run that died
// after 3 or 4 is resumed at the next step.
import { createHash } from 'node:crypto';
import type { PreparedDatabase, PreviewRef } from './contract.js';
import { DatabaseError, step } from './errors.js';
import { handoverSql } from './handover.js';
import { databaseMarker, databaseStanding, notOursBecause, readMarker, roleMarker, roleStanding, type DatabaseStanding } from './marker.js';
import { scramVerifier } from './password.js';
import { inspect, preflight, type ServerState } from './preflight.js';
import { quoteName, quoteText, type Room } from './session.js';
import { previewDatabaseFor } from './target.js';

/** PostgreSQL 16 made membership options explicit: CREATE DATABASE … OWNER needs SET, ownership checks INHERIT. */
const explicitMembershipVersion = 160000;

/**
 * The admin's membership in the role, without which a non-superuser may not create a database it
 * owns (SET), change the template's objects' owner to it (SET), or act as the database's owner for
 * REVOKE, COMMENT, the schemas' handover and DROP DATABASE … WITH (FORCE) (INHERIT). CREATE ROLE
 * gave the admin ADMIN OPTION on the role, which lets it grant the role to itself.
 */
function membership(state: ServerState, role: string): string[] {
  if (state.superuser) return [];
  const options = state.versionNum >= explicitMembershipVersion ? ' WITH INHERIT TRUE, SET TRUE' : '';
  return [`GRANT ${quoteName(role)} TO CURRENT_USER${options}`];
}

/**
 * Two runs for one PR at once (a push during a re-run) take turns at each message instead of
 * colliding in the catalogs ("tuple concurrently updated"); the loser of a CREATE looks again.
 * The key is a number computed here, not a value pasted into SQL.
 */
function takeTurn(name: string): string {
  return `SELECT pg_advisory_xact_lock(${createHash('sha256').update(`fly-preview ${name}`).digest().readBigInt64BE(0)})`;
}

function refuse(what: 'database' | 'role', name: string, where: string, ref: PreviewRef, because: string): DatabaseError {
  return new DatabaseError(
    `A ${what} named "${name}" already exists on ${where} and is not fly-preview's for ${ref.repository}#${ref.pr}: ${because}. ` +
      `fly-preview never adopts a ${what} it did not create; drop or rename it to give this PR a database.`,
    undefined,
  );
}

function standingOrRefuse(state: ServerState, name: string, where: string, ref: PreviewRef): { roleExists: boolean; database: DatabaseStanding } {
  const role = roleStanding(state.role, ref);
  if (role === 'foreign') throw refuse('role', name, where, ref, notOursBecause(readMarker(state.role?.comment ?? null)));
  const database = databaseStanding(state.database, role, name, ref);
  if (database.kind === 'foreign') throw refuse('database', name, where, ref, notOursBecause(database.marker));
  if (database.kind === 'ready' && (role === 'absent' || database.owner !== name)) {
    throw new DatabaseError(
      `The database "${name}" on ${where} is marked as fly-preview's for ${ref.repository}#${ref.pr}, but is owned by "${database.owner}" rather than by its role "${name}"; ` +
        'someone changed it by hand. Give it back (ALTER DATABASE … OWNER TO the role) or drop it.',
      undefined,
    );
  }
  return { roleExists: role === 'ours', database };
}

export async function ensurePreviewDatabase(room: Room, ref: PreviewRef): Promise<PreparedDatabase> {
  const { server, template } = room.settings;
  const target = previewDatabaseFor(room.settings, ref);
  const { name } = target;
  const verifier = scramVerifier(server.password, name);
  room.secrets.push(...target.secrets, verifier);
  const admin = await room.admin();
  const state = await step('Reading the server', server.where, () => inspect(admin, template, name));
  preflight(state, server, template);
  const { roleExists, database } = standingOrRefuse(state, name, server.where, ref);
  const role = quoteName(name);
  const password = `PASSWORD ${quoteText(verifier)}`;
  if (roleExists) {
    await step(`Setting the password of role "${name}"`, server.where, () => admin.batch([takeTurn(name), `ALTER ROLE ${role} ${password}`, ...membership(state, name)]));
  } else {
    await step(`Creating role "${name}"`, server.where, () =>
      admin.batch([takeTurn(name), `CREATE ROLE ${role} LOGIN ${password}`, `COMMENT ON ROLE ${role} IS ${quoteText(roleMarker(ref))}`, ...membership(state, name)]),
    );
  }
  if (database.kind === 'ready') {
    const from = database.marker.template;
    return { ...target, template: from === null || from === undefined ? undefined : from, created: false, repaired: false };
  }
  if (database.kind === 'absent') {
    const copy = template === undefined ? '' : ` TEMPLATE ${quoteName(template)}`;
    await step(`Creating database "${name}"${template === undefined ? '' : ` from "${template}"`}`, server.where, () =>
      admin.batch([`CREATE DATABASE ${role} OWNER ${role}${copy}`]),
    );
  }
  await finish(room, ref, name);
  return { ...target, template, created: true, repaired: roleExists };
}

/** Steps 5 and 6: the new database's objects become the role's, no one else may connect, and it is marked. */
async function finish(room: Room, ref: PreviewRef, name: string): Promise<void> {
  const { server, template } = room.settings;
  const session = await step(`Connecting to the new database "${name}"`, server.where, () => room.open(name));
  try {
    const database = quoteName(name);
    await step(`Handing database "${name}" and the objects it holds to role "${name}"`, server.where, () =>
      session.batch([takeTurn(name), handoverSql, `REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`, `COMMENT ON DATABASE ${database} IS ${quoteText(databaseMarker(ref, template, new Date()))}`]),
    );
  } finally {
    await session.end();
  }
}
