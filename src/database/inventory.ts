// For the sweep: the previews of one repository on the server, found by their markers, whatever
// became of their apps. Another repository's, the template, and anything unmarked are never listed.
// A half-made one (a marked role owning an unmarked database, or a marked role alone) is listed too,
// so the sweep removes what a dead run left. Only names drop() would compute are listed, so every
// entry is one drop() removes. One query.
import type { InventoryEntry } from './contract.js';
import { readMarker, sameRepository, type Marker } from './marker.js';
import { previewDatabaseName } from './names.js';
import type { Session } from './session.js';

interface MarkedRow {
  kind: 'database' | 'role';
  name: string;
  comment: string | null;
  owner: string | null;
  owner_comment: string | null;
}

const markedQuery = `
SELECT 'database' AS kind, d.datname AS name, shobj_description(d.oid, 'pg_database') AS comment,
       pg_get_userbyid(d.datdba) AS owner, shobj_description(d.datdba, 'pg_authid') AS owner_comment
  FROM pg_database d
 WHERE shobj_description(d.oid, 'pg_database') IS NOT NULL OR shobj_description(d.datdba, 'pg_authid') IS NOT NULL
UNION ALL
SELECT 'role', r.rolname, shobj_description(r.oid, 'pg_authid'), NULL, NULL
  FROM pg_roles r
 WHERE shobj_description(r.oid, 'pg_authid') IS NOT NULL`;

/** The marker that makes a row this repository's preview, if one does. */
function ownMarker(row: MarkedRow, repository: string): { marker: Marker; complete: boolean } | undefined {
  const own = (marker: Marker | undefined): marker is Marker =>
    marker !== undefined && sameRepository(marker.repository, repository) && previewDatabaseName(marker) === row.name;
  const marker = readMarker(row.comment);
  if (own(marker)) return { marker, complete: row.kind === 'database' };
  if (row.kind === 'database' && row.comment === null && row.owner === row.name) {
    const roleMarker = readMarker(row.owner_comment);
    if (own(roleMarker)) return { marker: roleMarker, complete: false };
  }
  return undefined;
}

export async function listPreviewDatabases(session: Session, repository: string): Promise<InventoryEntry[]> {
  const rows = await session.rows<MarkedRow>(markedQuery, []);
  const entries = new Map<string, InventoryEntry>();
  for (const row of rows) {
    const found = ownMarker(row, repository);
    if (found === undefined) continue;
    const entry = entries.get(row.name) ?? { pr: found.marker.pr, name: row.name, database: false, role: false, complete: false, template: undefined, createdAt: undefined };
    if (row.kind === 'role') entry.role = true;
    else {
      entry.database = true;
      entry.complete = found.complete;
      entry.template = found.marker.template ?? undefined;
      entry.createdAt = found.marker.createdAt;
    }
    entries.set(row.name, entry);
  }
  return [...entries.values()].sort((a, b) => a.pr - b.pr);
}
