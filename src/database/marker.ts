// Ownership markers: a small JSON comment on each role and database the action creates, naming the
// repository and the PR. Nothing without one is ever adopted or dropped. The role is marked in the
// same transaction that creates it, the database only once it is finished, so a run that dies
// half-way leaves a marked role owning an unmarked database: the next run, or the sweep, knows both.
import type { PreviewRef } from './contract.js';

const managedBy = 'fly-preview';

export interface Marker {
  repository: string;
  pr: number;
  /** Database markers only: where it was copied from (null: it began empty) and when it was finished. */
  template?: string | null;
  createdAt?: string;
}

export function roleMarker(ref: PreviewRef): string {
  return JSON.stringify({ managedBy, repository: ref.repository, pr: ref.pr });
}

export function databaseMarker(ref: PreviewRef, template: string | undefined, createdAt: Date): string {
  return JSON.stringify({ managedBy, repository: ref.repository, pr: ref.pr, template: template ?? null, createdAt: createdAt.toISOString() });
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
  const { repository, pr, template, createdAt } = fields;
  if (fields['managedBy'] !== managedBy || typeof repository !== 'string' || typeof pr !== 'number' || !Number.isSafeInteger(pr)) return undefined;
  return {
    repository,
    pr,
    ...(typeof template === 'string' || template === null ? { template } : {}),
    ...(typeof createdAt === 'string' ? { createdAt } : {}),
  };
}

/** GitHub's repository names are case-insensitive. */
export function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function marks(marker: Marker | undefined, ref: PreviewRef): boolean {
  return marker !== undefined && marker.pr === ref.pr && sameRepository(marker.repository, ref.repository);
}

/** A role of the preview's name: none, ours (marked for this PR), or someone else's. */
export type RoleStanding = 'absent' | 'ours' | 'foreign';

export function roleStanding(role: { comment: string | null } | undefined, ref: PreviewRef): RoleStanding {
  if (role === undefined) return 'absent';
  return marks(readMarker(role.comment), ref) ? 'ours' : 'foreign';
}

/**
 * A database of the preview's name: none; ready (marked for this PR); half-made (unmarked, but owned
 * by our marked role of the same name: a run died between CREATE DATABASE and its last step, before
 * any app was given it); or someone else's.
 */
export type DatabaseStanding = { kind: 'absent' } | { kind: 'ready'; marker: Marker; owner: string } | { kind: 'half' } | { kind: 'foreign'; marker: Marker | undefined };

export function databaseStanding(database: { owner: string; comment: string | null } | undefined, role: RoleStanding, name: string, ref: PreviewRef): DatabaseStanding {
  if (database === undefined) return { kind: 'absent' };
  const marker = readMarker(database.comment);
  if (marker !== undefined && marks(marker, ref)) return { kind: 'ready', marker, owner: database.owner };
  if (database.comment === null && role === 'ours' && database.owner === name) return { kind: 'half' };
  return { kind: 'foreign', marker };
}

/** Why a database or role of our name is not ours, for the error that refuses it. */
export function notOursBecause(marker: Marker | undefined): string {
  return marker === undefined ? 'it carries no fly-preview marker' : `it is marked as the preview of ${marker.repository}#${marker.pr}`;
}
