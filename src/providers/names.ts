// Default preview names for platforms whose name limit is shorter than a PR number and a repository
// name often need: a long name is cut and made unique again with a short hash of the full repository
// name.
import { createHash } from 'node:crypto';

/** Lowercase, every run of other characters one dash, no dash at either end. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `pr-<n>-<repo>` when it fits in maxLength; otherwise `pr-<n>-<repo cut>-<hash>` with 6 hex of
 * sha256("owner/repo"), so two repositories whose names share a long prefix still get different
 * names. The PR number is never cut, so two PRs never share a name. Only [a-z0-9-].
 */
export function shortPreviewName(owner: string, repo: string, pr: number, maxLength: number): string {
  const head = `pr-${pr}`;
  const repoSlug = slug(repo);
  const whole = repoSlug === '' ? head : `${head}-${repoSlug}`;
  if (whole.length <= maxLength) return whole;
  const hash = createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest('hex').slice(0, 6);
  const cut = repoSlug.slice(0, Math.max(0, maxLength - head.length - hash.length - 2)).replace(/-+$/, '');
  return cut === '' ? `${head}-${hash}`.slice(0, maxLength) : `${head}-${cut}-${hash}`;
}
