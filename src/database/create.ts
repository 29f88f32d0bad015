// On deploy: the PR's role and database, made in an order a dead run can be resumed from. From a
// template, on PostgreSQL 15 and later, six round trips (a connection counting one):
//   1. connect to the admin's database;
//   2. inspect: privileges, template, and what of the preview exists (preflight.ts);
//   3. CREATE ROLE … LOGIN PASSWORD <verifier>; COMMENT ON ROLE (the marker, unfinished); GRANT the
//      role to the admin — one transaction, so the role never exists unmarked;
//   4. CREATE DATABASE … OWNER role TEMPLATE … (template0 when none is given), alone, as it cannot
//      run in a transaction block;
//   5. connect to the new database;
//   6. REVOKE CONNECT … FROM PUBLIC, committed; then, in a second transaction of the same message,
//      the handover of the template's objects, the end of any other role's session, and the role's
//      marker rewritten as finished.
// Between 4 and 6 any role that PUBLIC's default CONNECT lets in may open the new database. From
// PostgreSQL 15 on that is harmless: in a copy of template0, or of a template made there, PUBLIC
// holds no CREATE in any schema, so nothing can be planted (the admin's search_path is pinned and its
// SQL qualified besides, session.ts); temporary objects go with their session, and the handover
// leaves them alone; and the sessions themselves are ended once the REVOKE is committed, so none
// keeps a seat in the app's database. On 14 and older PUBLIC may create objects in the public
// schema, so the database is created ALLOW_CONNECTIONS false, and CONNECT is revoked from the admin's
// session before connections are allowed, in one transaction: one more round trip, seven.
// A push or re-run finds the role marked finished and its database, and only re-sets the role's
// password (the same verifier, unless the admin's password changed) in three round trips; its data
// is never touched. A run that died after 3, 4 or the first half of 6 is resumed at the next step.
import { createHash } from 'node:crypto';
import type { PreparedDatabase, PreviewRef } from './contract.js';
import { DatabaseError, step } from './errors.js';
import { endOtherSessionsSql, handoverSql } from './handover.js';
import { databaseNotOursBecause, databaseStanding, roleMarker, roleNotOursBecause, roleStanding, type Marker } from './marker.js';
import { roleKey, scramVerifier } from './password.js';
import { inspect, preflight, privatePublicSchemaVersion, type ServerState } from './preflight.js';
import { quoteName, quoteText, type Room } from './session.js';
import { previewDatabaseFor } from './target.js';

/** PostgreSQL 16 made membership options explicit: CREATE DATABASE … OWNER needs SET, ownership checks INHERIT. */
const explicitMembershipVersion = 160000;

/**
 * The admin's membership in the role, without which a non-superuser may not create a database it
 * owns (SET), change the template's objects' owner to it (SET), or act as the database's owner for
 * REVOKE, the schemas' handover and DROP DATABASE … WITH (FORCE) (INHERIT). CREATE ROLE gave the
 * admin ADMIN OPTION on the role, which lets it grant the role to itself.
 */
function membership(state: ServerState, role: string): string[] {
  if (state.superuser) return [];
  const options = state.versionNum >= explicitMembershipVersion ? ' WITH INHERIT TRUE, SET TRUE' : '';
  return [`GRANT ${quoteName(role)} TO CURRENT_USER${options}`];
}

/**
 * Two runs for one PR at once (a push during a re-run) take turns at each transaction instead of
 * colliding in the catalogs ("tuple concurrently updated"); the loser of a CREATE looks again.
 * The key is a number computed here, not a value pasted into SQL.
 */
function takeTurn(name: string): string {
  const key = createHash('sha256').update(`fly-preview ${name}`).digest().readBigInt64BE(0);
  return `SELECT pg_catalog.pg_advisory_xact_lock('${key}'::pg_catalog.int8)`;
}

function refuse(what: 'database' | 'role', name: string, where: string, ref: PreviewRef, because: string): DatabaseError {
  return new DatabaseError(
    `A ${what} named "${name}" already exists on ${where} and is not fly-preview's for ${ref.repository}#${ref.pr}: ${because}. ` +
      `fly-preview never adopts a ${what} it did not create; drop or rename it to give this PR a database.`,
    undefined,
  );
}

/** What of the preview exists and is ours; anything of its name that is not ours is refused. */
export function standingOrRefuse(state: ServerState, name: string, where: string, ref: PreviewRef): { role: Marker | undefined; database: boolean } {
  const role = roleStanding(state.role, ref);
  if (role.kind === 'foreign') throw refuse('role', name, where, ref, roleNotOursBecause(role.marker));
  const database = databaseStanding(state.database, role, name);
  if (database === 'foreign') throw refuse('database', name, where, ref, databaseNotOursBecause(state.database?.owner ?? '', role));
  return { role: role.kind === 'ours' ? role.marker : undefined, database: database === 'ours' };
}

export async function ensurePreviewDatabase(room: Room, ref: PreviewRef): Promise<PreparedDatabase> {
  const { server, template } = room.settings;
  const target = await previewDatabaseFor(room.settings, ref);
  const { name } = target;
  const verifier = scramVerifier(await roleKey(server), name);
  room.secrets.push(...target.secrets, verifier);
  const admin = await room.admin();
  const state = await step('Reading the server', server.where, () => inspect(admin, template, name));
  preflight(state, server, template);
  const { role: marker, database: exists } = standingOrRefuse(state, name, server.where, ref);
  const role = quoteName(name);
  const password = `PASSWORD ${quoteText(verifier)}`;
  if (marker !== undefined) {
    await step(`Setting the password of role "${name}"`, server.where, () => admin.batch([takeTurn(name), `ALTER ROLE ${role} ${password}`, ...membership(state, name)]));
  } else {
    await step(`Creating role "${name}"`, server.where, () =>
      admin.batch([takeTurn(name), `CREATE ROLE ${role} LOGIN ${password}`, `COMMENT ON ROLE ${role} IS ${quoteText(roleMarker(ref, template))}`, ...membership(state, name)]),
    );
  }
  // Finished once is finished: its data is the app's now, and it is never handed over again.
  if (exists && marker?.finished === true) return { ...target, template, created: false, repaired: false };
  const closedUntilRevoked = state.versionNum < privatePublicSchemaVersion;
  // A half-made database was copied from what the marker names; a new one from the settings.
  const copiedFrom = exists ? (marker?.template ?? undefined) : template;
  if (!exists) {
    const copy = ` TEMPLATE ${quoteName(template ?? 'template0')}`;
    await step(`Creating database "${name}"${template === undefined ? '' : ` from "${template}"`}`, server.where, () =>
      admin.alone(`CREATE DATABASE ${role} OWNER ${role}${copy}${closedUntilRevoked ? ' ALLOW_CONNECTIONS false' : ''}`),
    );
  }
  if (closedUntilRevoked && !(exists && state.database?.allowsConnections === true)) {
    await step(`Closing database "${name}" to other roles`, server.where, () =>
      admin.batch([takeTurn(name), `REVOKE CONNECT ON DATABASE ${role} FROM PUBLIC`, `ALTER DATABASE ${role} ALLOW_CONNECTIONS true`]),
    );
  }
  await finish(room, ref, name, copiedFrom);
  // Repaired: a run died half-way. A finished role whose database is gone (dropped by hand, say) just gets a new one.
  return { ...target, template, created: true, repaired: marker !== undefined && marker.finished !== true };
}

/** Steps 5 and 6: no one else may connect, the database's objects become the role's, and the role's marker says it is finished. */
async function finish(room: Room, ref: PreviewRef, name: string, copiedFrom: string | undefined): Promise<void> {
  const { server } = room.settings;
  const session = await step(`Connecting to the new database "${name}"`, server.where, () => room.open(name));
  try {
    const role = quoteName(name);
    // The REVOKE is committed first, so that no session can begin once the others are ended; on
    // 14 and older it was made before connections were allowed, and is repeated at no cost.
    const closed = [takeTurn(name), `REVOKE CONNECT ON DATABASE ${role} FROM PUBLIC`];
    const finished = [takeTurn(name), handoverSql, endOtherSessionsSql, `COMMENT ON ROLE ${role} IS ${quoteText(roleMarker(ref, copiedFrom, new Date()))}`];
    await step(`Handing database "${name}" and the objects it holds to role "${name}"`, server.where, () => session.batch(closed, finished));
  } finally {
    await session.end();
  }
}
