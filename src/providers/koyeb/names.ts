// Default Koyeb app names. Koyeb allows 3 to 23 characters of [a-z0-9-] (test/sim/KOYEB_API.md), far
// fewer than a PR number and a repository name often need, so a long name is cut and made unique
// again with a short hash of the full repository name.
import { createHash } from 'node:crypto';

export const koyebAppNameMaxLength = 23;
export const koyebAppNamePattern = /^[a-z0-9](?:[a-z0-9-]{1,21}[a-z0-9])$/;

/** Lowercase, every run of other characters one dash, no dash at either end. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `pr-<n>-<repo>` when it fits; otherwise `pr-<n>-<repo cut>-<hash>` with 6 hex of sha256("owner/repo"),
 * so two repositories whose names share a long prefix still get different names. The PR number is
 * never cut, so two PRs never share a name.
 */
export function koyebAppName(owner: string, repo: string, pr: number): string {
  const head = `pr-${pr}`;
  const repoSlug = slug(repo);
  const whole = repoSlug === '' ? head : `${head}-${repoSlug}`;
  if (whole.length <= koyebAppNameMaxLength && whole.length >= 3) return whole;
  const hash = createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest('hex').slice(0, 6);
  const room = koyebAppNameMaxLength - head.length - hash.length - 2;
  const cut = repoSlug.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return cut === '' ? `${head}-${hash}`.slice(0, koyebAppNameMaxLength) : `${head}-${cut}-${hash}`;
}
