// For the sweep: the previews of one repository on the server, found by their roles' markers,
// whatever became of their apps. Another repository's, the template, and anything unmarked are never
// listed; a database's own comment, which its app may rewrite, is never read. A half-made preview (a
// marked role whose database is missing or was never finished) is listed too, so the sweep removes
// what a dead run left. Only names drop() would compute are listed, so every entry is one drop()
// removes. One query.
import type { InventoryEntry } from './contract.js';
import { readMarker, sameRepository } from './marker.js';
import { previewDatabaseName } from './names.js';
import type { Session } from './session.js';

interface MarkedRow {
  name: string;
  comment: string;
  database: boolean;
}

const eq = 'OPERATOR(pg_catalog.=)';

const markedQuery = `
SELECT r.rolname AS name, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment,
       EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datname ${eq} r.rolname AND d.datdba ${eq} r.oid) AS database
  FROM pg_catalog.pg_roles r
 WHERE pg_catalog.shobj_description(r.oid, 'pg_authid') IS NOT NULL`;

export async function listPreviewDatabases(session: Session, repository: string): Promise<InventoryEntry[]> {
  const rows = await session.rows<MarkedRow>(markedQuery, []);
  const entries: InventoryEntry[] = [];
  for (const row of rows) {
    const marker = readMarker(row.comment);
    if (marker === undefined || !sameRepository(marker.repository, repository) || previewDatabaseName(marker) !== row.name) continue;
    entries.push({
      pr: marker.pr,
      name: row.name,
      database: row.database,
      role: true,
      complete: row.database && marker.finished,
      template: marker.template ?? undefined,
      createdAt: marker.createdAt,
    });
  }
  return entries.sort((a, b) => a.pr - b.pr);
}
