// Default Koyeb app names. Koyeb allows 3 to 23 characters of [a-z0-9-] (test/sim/KOYEB_API.md), far
// fewer than a PR number and a repository name often need (`pr-<n>` alone is already 4).
import { shortPreviewName } from '../names.js';

export const koyebAppNameMaxLength = 23;
export const koyebAppNamePattern = /^[a-z0-9](?:[a-z0-9-]{1,21}[a-z0-9])$/;

/** `pr-<n>-<repo>`, cut and hashed to fit Koyeb's limit (see shortPreviewName). */
export function koyebAppName(owner: string, repo: string, pr: number): string {
  return shortPreviewName(owner, repo, pr, koyebAppNameMaxLength);
}
