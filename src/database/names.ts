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
 * `pr_<n>_<owner>_<repo>` (`pr_42_acme_shop`), lowercase ASCII, so it needs no quoting. Past 63 bytes
 * the repository part is cut and 8 hex of sha256 of the lowercased repository are added, so two long
 * names that share a prefix stay apart. The PR number is never cut.
 */
export function previewDatabaseName(ref: PreviewRef): string {
  const head = `pr_${ref.pr}`;
  const repo = slug(ref.repository);
  const whole = `${head}_${repo}`;
  if (whole.length <= maxIdentifierBytes) return whole;
  const hash = createHash('sha256').update(ref.repository.toLowerCase()).digest('hex').slice(0, 8);
  const cut = repo.slice(0, maxIdentifierBytes - head.length - hash.length - 2).replace(/_+$/, '');
  return `${head}_${cut}_${hash}`;
}
