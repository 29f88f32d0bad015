// Ownership: the role the action creates carries a small JSON comment naming the repository and the
// PR, and that comment is the only marker trusted. A preview's role cannot change it (COMMENT ON ROLE
// needs CREATEROLE, and on PostgreSQL 16 and later ADMIN OPTION on the role too), while the
// database's owner, the app, may rewrite the database's comment at will. A database is ours when its
// owner is our marked role of the same name: the app cannot change its database's owner (that needs
// CREATEDB), and no one but the admin (or a superuser) can create a database owned by that role.
// Nothing else is ever adopted or dropped.
//
// The role is marked in the transaction that creates it, unfinished; the same marker says when the
// database was finished (handed over and closed to other roles) and what it was copied from, so a run
// that dies half-way leaves a marked role, and the next run or the sweep knows what is left to do.
import type { PreviewRef } from './contract.js';

const managedBy = 'fly-preview';

export interface Marker {
  repository: string;
  pr: number;
  /** The database it was copied from; null: it began empty. */
  template: string | null;
  /** true once the database was finished; until then the next run finishes it. */
  finished: boolean;
  /** When the database was finished (ISO 8601); undefined while it is not. */
  createdAt: string | undefined;
}

export function roleMarker(ref: PreviewRef, template: string | undefined, finishedAt?: Date): string {
  return JSON.stringify({
    managedBy,
    repository: ref.repository,
    pr: ref.pr,
    template: template ?? null,
    finished: finishedAt !== undefined,
    ...(finishedAt === undefined ? {} : { createdAt: finishedAt.toISOString() }),
  });
}

/** The marker a comment holds, or undefined when the comment is absent, not JSON, or not ours. */
export function readMarker(comment: string | null): Marker | undefined {
  if (comment === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(comment);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const { repository, pr, template, finished, createdAt } = fields;
  if (fields['managedBy'] !== managedBy || typeof repository !== 'string' || typeof pr !== 'number' || !Number.isSafeInteger(pr)) return undefined;
  const done = finished === true && typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt));
  return { repository, pr, template: typeof template === 'string' ? template : null, finished: done, createdAt: done ? createdAt : undefined };
}

/** GitHub's repository names are case-insensitive. */
export function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function marks(marker: Marker | undefined, ref: PreviewRef): marker is Marker {
  return marker !== undefined && marker.pr === ref.pr && sameRepository(marker.repository, ref.repository);
}

/** A role of the preview's name: none, ours (marked for this PR), or someone else's. */
export type RoleStanding = { kind: 'absent' } | { kind: 'ours'; marker: Marker } | { kind: 'foreign'; marker: Marker | undefined };

export function roleStanding(role: { comment: string | null } | undefined, ref: PreviewRef): RoleStanding {
  if (role === undefined) return { kind: 'absent' };
  const marker = readMarker(role.comment);
  return marks(marker, ref) ? { kind: 'ours', marker } : { kind: 'foreign', marker };
}

/** A database of the preview's name: none, ours (owned by our marked role of that name), or someone else's. */
export type DatabaseStanding = 'absent' | 'ours' | 'foreign';

export function databaseStanding(database: { owner: string } | undefined, role: RoleStanding, name: string): DatabaseStanding {
  if (database === undefined) return 'absent';
  return role.kind === 'ours' && database.owner === name ? 'ours' : 'foreign';
}

/** Why a role of our name is not ours, for the error that refuses it. */
export function roleNotOursBecause(marker: Marker | undefined): string {
  return marker === undefined ? 'it carries no fly-preview marker' : `it is marked as the preview of ${marker.repository}#${marker.pr}`;
}

/** Why a database of our name is not ours, for the error that refuses it. */
export function databaseNotOursBecause(owner: string, role: RoleStanding): string {
  return role.kind === 'ours' ? `it is owned by "${owner}", not by the role fly-preview made for it` : `it is owned by "${owner}", not by a role fly-preview made for this PR`;
}
