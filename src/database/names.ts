// A preview's database and role name. PostgreSQL keeps 63 bytes of an identifier and silently cuts
// the rest, so two long names would become one; and a name that needs no quoting reads the same in
// psql, in a log and in a URL. Names are stable across versions: a sweep finds old previews by them.
import { createHash } from 'node:crypto';
import type { PreviewRef } from './contract.js';

/** PostgreSQL's NAMEDATALEN - 1. */
export const maxIdentifierBytes = 63;

/** Lowercase letters, digits and single underscores, none at either end. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * `pr_<n>_<owner>_<repo>_<hash>` (`pr_42_acme_shop_1a2b3c4d`), lowercase ASCII, so it needs no
 * quoting. The slug alone would give `acme/my-shop`, `acme/my.shop` and `acme-my/shop` one name (and
 * one password), so 8 hex of sha256 of the lowercased repository always follow it; past 63 bytes
 * the slug is cut to fit. The PR number and the hash are never cut.
 */
export function previewDatabaseName(ref: PreviewRef): string {
  const head = `pr_${ref.pr}`;
  const hash = createHash('sha256').update(ref.repository.toLowerCase()).digest('hex').slice(0, 8);
  const room = maxIdentifierBytes - head.length - hash.length - 2;
  const repo = slug(ref.repository).slice(0, room).replace(/_+$/, '');
  return `${head}_${repo}_${hash}`;
}
