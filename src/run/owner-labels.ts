// The labels that mark a machine as this action's: a sweep lists a repository's previews by the
// first, and destroy deletes nothing without both.
import type { PullRequest } from '../plan.js';

export const repoLabel = 'fly_preview_repo';
export const prLabel = 'fly_preview_pr';

/** Labels that mark a machine as this action's, for this PR; destroy deletes nothing without them. */
export function ownerLabels(pr: PullRequest): Record<string, string> {
  return { [repoLabel]: `${pr.owner}/${pr.repo}`, [prLabel]: String(pr.number) };
}
