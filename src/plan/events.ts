// What a pull_request event means in auto mode, once the label has had its say: a deploy, a
// destroy, waking the preview for a review, or nothing (and why). Pure: no I/O.
import type { DraftsMode } from '../budget-inputs.js';

export type EventVerdict =
  | { action: 'deploy' | 'wake' }
  /** `draft`: the PR became a draft and drafts get no preview, which its comment says. */
  | { action: 'destroy'; draft?: true }
  | { action: 'skip'; reason: string };

/**
 * `review_requested` wakes whatever preview the PR has (a draft's too, which only a `/preview` can
 * have made under `drafts: skip`): nothing is deployed, so no rule about who may deploy applies.
 * `ready_for_review` deploys a PR that drafts kept without one, and otherwise wakes it.
 */
export function eventVerdict(drafts: DraftsMode, eventAction: string | undefined, isDraft: boolean, number: number): EventVerdict {
  if (eventAction === 'closed') return { action: 'destroy' };
  if (eventAction === 'review_requested') return { action: 'wake' };
  if (eventAction === 'converted_to_draft') {
    if (drafts === 'skip') return { action: 'destroy', draft: true };
    return {
      action: 'skip',
      reason: `PR #${number} is a draft again; its preview stays as it is (drafts: deploy). Set \`drafts: skip\` to remove the previews of drafts.`,
    };
  }
  if (isDraft && drafts === 'skip') {
    return {
      action: 'skip',
      reason:
        `PR #${number} is a draft, and drafts get no preview here (drafts: skip). ` +
        'Marking it ready for review deploys one, or a maintainer can comment `/preview`.',
    };
  }
  if (eventAction === 'ready_for_review') return { action: drafts === 'skip' ? 'deploy' : 'wake' };
  return { action: 'deploy' };
}
