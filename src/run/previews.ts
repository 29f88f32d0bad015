// This repository's live previews as the platform lists them, one per (app, PR): what a sweep walks
// and what the cap on live previews counts. Only machines carrying this repository's label are
// listed, so nothing of another repository is ever counted or touched.
import type { PullSummary } from '../github/index.js';
import { inWords, type PullRequest, type SweptPull } from '../plan.js';
import { lastActive, type CountedPreview } from '../plan/budget.js';
import type { PreviewInventory, PreviewListing, PreviewProvider } from '../provider.js';
import { log } from './log.js';
import { prLabel, repoLabel } from './owner-labels.js';

export interface LivePreview {
  appName: string;
  /** undefined when its machines name no PR. */
  pr: number | undefined;
  machineIds: string[];
  createdAtMs: number;
  /** The latest create or update of its machines. */
  lastDeployMs: number;
}

/** One preview per (app, PR): an app named by app-name can hold several PRs' machines. */
function previewsOf(listing: PreviewListing): LivePreview[] {
  const byPr = new Map<string, PreviewListing['machines']>();
  for (const m of listing.machines) {
    const key = m.labels[prLabel] ?? '';
    byPr.set(key, [...(byPr.get(key) ?? []), m]);
  }
  return [...byPr].map(([key, machines]) => {
    const times = machines.flatMap((m) => [Date.parse(m.createdAt), Date.parse(m.updatedAt ?? '')]).filter((t) => !Number.isNaN(t));
    return {
      appName: listing.appName,
      pr: /^[1-9][0-9]*$/.test(key) ? Number(key) : undefined,
      machineIds: machines.map((m) => m.id),
      createdAtMs: Math.min(...machines.map((m) => Date.parse(m.createdAt) || Date.now())),
      lastDeployMs: times.length === 0 ? 0 : Math.max(...times),
    };
  });
}

/** Every live preview of owner/repo in the org, ordered by PR number then app. */
export async function repositoryPreviews(
  provider: PreviewProvider,
  org: string,
  repo: { owner: string; repo: string },
): Promise<{ previews: LivePreview[]; inventory: PreviewInventory }> {
  const inventory = await provider.listPreviews({ org, labels: { [repoLabel]: `${repo.owner}/${repo.repo}` }, keys: [prLabel] }, log);
  const previews = inventory.previews.flatMap(previewsOf).sort((a, b) => (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : 1));
  return { previews, inventory };
}

/** A preview as the cap counts it: one whose PR this repository does not have is never evicted. */
export function counted(preview: LivePreview, pull: PullSummary | undefined): CountedPreview {
  return {
    appName: preview.appName,
    pr: pull === undefined ? undefined : preview.pr,
    lastActiveMs: lastActive(pull === undefined ? undefined : Date.parse(pull.updatedAt) || 0, preview.lastDeployMs),
    closed: pull?.state === 'closed',
  };
}

/** The PR of a preview the run did not get an event for, as its pull_request event would have described it. */
export function pullRequestOf(repo: { owner: string; repo: string }, number: number, pull: PullSummary): PullRequest {
  return {
    number,
    owner: repo.owner,
    repo: repo.repo,
    headSha: pull.headSha,
    headRepoFullName: pull.headRepoFullName,
    isFork: pull.headRepoFullName?.toLowerCase() !== pull.baseRepoFullName.toLowerCase(),
    updatedAtMs: Date.parse(pull.updatedAt) || 0,
  };
}

/** A PR as a sweep row shows it (state in words, time idle) and as sweepVerdict reads it; undefined: no such PR. */
export function sweptPull(pull: PullSummary | undefined, now: number): { prState: string; idle: string; swept: SweptPull | undefined } {
  if (pull === undefined) return { prState: 'unknown', idle: '', swept: undefined };
  const updatedAtMs = Date.parse(pull.updatedAt) || 0;
  return {
    prState: pull.merged ? 'merged' : pull.state,
    idle: inWords(now - (updatedAtMs || now)),
    swept: { state: pull.state, merged: pull.merged, updatedAtMs },
  };
}

/** Where a PR is on GitHub, for links in comments and summaries. */
export function pullUrl(repo: { owner: string; repo: string }, number: number): string {
  return `${(process.env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '')}/${repo.owner}/${repo.repo}/pull/${number}`;
}
