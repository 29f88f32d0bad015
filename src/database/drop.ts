// On close, and for each preview the sweep removes: the database, even while the app still holds
// connections, then the role. Only our marked role for this PR, and a database it owns, are dropped
// (marker.ts: the database's own comment is the app's to write, so it is never trusted); anything
// else of the same name is left alone and reported. Four round trips: connect, inspect, DROP
// DATABASE (which cannot share a message, as it cannot run in a transaction block), DROP ROLE. A
// second drop finds nothing and is a no-op.
import type { DropOutcome, DropPart, PreviewRef } from './contract.js';
import { step } from './errors.js';
import { databaseStanding, roleStanding } from './marker.js';
import { previewDatabaseName } from './names.js';
import { inspect, preflight } from './preflight.js';
import { quoteName, type Room } from './session.js';

export async function dropPreviewDatabase(room: Room, ref: PreviewRef): Promise<DropOutcome> {
  const { server } = room.settings;
  const name = previewDatabaseName(ref);
  const admin = await room.admin();
  const state = await step('Reading the server', server.where, () => inspect(admin, undefined, name));
  preflight(state, server, undefined);
  const role = roleStanding(state.role, ref);
  const standing = databaseStanding(state.database, role, name);
  const database: DropPart = standing === 'absent' ? 'absent' : standing === 'foreign' ? 'not-ours' : 'dropped';
  if (database === 'dropped') {
    // FORCE ends the app's sessions first; the admin may, being a member of their role (INHERIT).
    await step(`Dropping database "${name}"`, server.where, () => admin.alone(`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`));
  }
  const rolePart: DropPart = role.kind === 'absent' ? 'absent' : role.kind === 'foreign' ? 'not-ours' : 'dropped';
  if (rolePart === 'dropped') await step(`Dropping role "${name}"`, server.where, () => admin.batch([`DROP ROLE IF EXISTS ${quoteName(name)}`]));
  return { name, database, role: rolePart };
}
