// What this event means for the preview: deploy, destroy, or skip (and why). Pure: no I/O.
import type { Settings } from './inputs.js';

export interface PullRequest {
  number: number;
  /** owner/repo of the base repository (where the workflow runs). */
  owner: string;
  repo: string;
  headSha: string;
  /** owner/repo of the head; null when the fork was deleted. */
  headRepoFullName: string | null;
  isFork: boolean;
  /** pull_request.updated_at in ms: orders runs so an older run never overwrites a newer deploy. */
  updatedAtMs: number;
  htmlUrl: string;
}

export interface EventContext {
  eventName: string;
  action: string | undefined;
  payload: unknown;
  /** GITHUB_REPOSITORY split, for naming when the payload lacks a PR. */
  repository: { owner: string; repo: string };
}

export type Plan =
  | { action: 'deploy'; pr: PullRequest; appName: string; image: string; flyApiToken: string }
  | { action: 'destroy'; pr: PullRequest; appName: string; flyApiToken: string }
  | { action: 'skip'; reason: string };

export function planRun(settings: Settings, event: EventContext): Plan {
  throw new Error('not implemented');
}
