// The cap on live previews, before a deploy that would create one: this repository's previews are
// counted, and over `max-previews` the least recently active is destroyed first (as a close would,
// its PR told why), or the new preview is refused. Two new previews racing may each count the
// other's place as free, so the cap can be passed by one until the next deploy or sweep.
import * as core from '@actions/core';
import type { CountedRow, GitHubClient, GitHubModule, PlaceHolder, PullSummary } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, type PullRequest } from '../plan.js';
import { byActivity, fullVerdict, hasRoom, type CountedPreview } from '../plan/budget.js';
import type { PreviewProvider } from '../provider.js';
import { Report } from '../report.js';
import type { RunDatabases } from './database.js';
import { removePreview, undropped, type Undropped } from './destroy.js';
import { errorMessage } from './log.js';
import { setOutputs } from './outputs.js';
import { ownerLabels } from './owner-labels.js';
import { counted, pullRequestOf, pullUrl, repositoryPreviews, type LivePreview } from './previews.js';

export interface Budget {
  settings: Settings;
  cap: number;
  provider: PreviewProvider;
  /** The database server, when previews have databases: an evicted preview's goes with it. */
  databases: RunDatabases | undefined;
  github: GitHubModule;
  /** Reads the PRs of the previews counted (always there: the plan requires github-token with a cap). */
  reader: GitHubClient;
  /** Writes to PRs; undefined when the run writes nothing to them (comment off, no deployments). */
  reporting: GitHubClient | undefined;
}

type Counted = CountedPreview & { preview: LivePreview; pull: PullSummary | undefined };

/** An evicted preview whose app went but whose database could not be dropped. */
export type EvictedDatabase = Undropped & { appName: string; pr: number };

/**
 * placed: deploy (an update, or a new preview with its place), and fail the step at the end for each
 * evicted preview's database that could not be dropped; refused: no place, and the PR has been told so.
 */
export type RoomOutcome = { kind: 'placed'; undropped: EvictedDatabase[] } | { kind: 'refused' };

const placed: RoomOutcome = { kind: 'placed', undropped: [] };

export async function makeRoom(budget: Budget, report: Report, pr: PullRequest, appName: string): Promise<RoomOutcome> {
  const { settings, cap, provider, github } = budget;
  const repo = { owner: pr.owner, repo: pr.repo };
  const { previews } = await repositoryPreviews(provider, settings.org, repo);
  // Only a deploy that creates a preview counts against the cap.
  if (previews.some((p) => p.pr === pr.number)) return placed;
  if (hasRoom(previews.length, cap)) {
    // Room: when each was last active does not matter, so the PRs are not read.
    const kept: CountedRow[] = previews.map((p) => ({ pr: p.pr === undefined ? undefined : { number: p.pr, url: pullUrl(repo, p.pr) }, appName: p.appName, idle: '', action: 'kept' }));
    await summary(budget, [...kept, newRow(repo, pr, appName, 'new preview')], `There is room: this PR's preview is number ${previews.length + 1} of ${cap}.`);
    return placed;
  }
  const numbers = [...new Set(previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])))];
  const pulls = await github.readPulls(budget.reader, repo, numbers);
  const others: Counted[] = previews.map((p) => {
    const pull = p.pr === undefined ? undefined : pulls.get(p.pr);
    return { ...counted(p, pull), preview: p, pull };
  });
  const verdict = fullVerdict(others, cap, settings.maxPreviewsPolicy);
  const now = Date.now();
  const rows = (action: (c: Counted) => string): CountedRow[] => others.map((c) => row(repo, c, now, action(c)));
  if (verdict.kind === 'evict') {
    const { evicted, undropped } = await evict(budget, pr, verdict.candidates, verdict.excess);
    if (evicted.size >= verdict.excess) {
      const outcome = `Evicted ${[...evicted].map((a) => `\`${a}\``).join(', ')} (the least recently active) to make room for this PR's preview.`;
      await summary(budget, [...rows((c) => (evicted.has(c.appName) ? `evicted for #${pr.number}` : 'kept')), newRow(repo, pr, appName, 'new preview')], outcome);
      return { kind: 'placed', undropped };
    }
  }
  await refuse(budget, report, pr, appName, verdict.kind === 'refuse' ? verdict.holders : [...others].sort(byActivity), rows);
  return { kind: 'refused' };
}

/**
 * Destroys up to `excess` candidates in order, passing over one a deploy is changing: the apps
 * evicted, and the databases of those that could not be dropped (their place is free all the same).
 */
async function evict(budget: Budget, pr: PullRequest, candidates: Counted[], excess: number): Promise<{ evicted: Set<string>; undropped: EvictedDatabase[] }> {
  const { settings, provider } = budget;
  const evicted = new Set<string>();
  const failedDrops: EvictedDatabase[] = [];
  for (const candidate of candidates) {
    if (evicted.size >= excess) break;
    const { preview, pull } = candidate;
    if (pull === undefined || preview.pr === undefined) continue;
    if (await provider.busy(preview.appName, preview.machineIds)) {
      core.info(`${preview.appName} (PR #${preview.pr}) is being deployed right now; evicting the next least recently active instead`);
      continue;
    }
    const victim = pullRequestOf(pr, preview.pr, pull);
    const report = new Report(budget.github, budget.reporting, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: false }, victim, preview.appName);
    try {
      const target = { appName: preview.appName, org: settings.org, ownerLabels: ownerLabels(victim) };
      const removed = await removePreview(provider, budget.databases, report, target, victim, { kind: 'evicted', cap: budget.cap, by: { number: pr.number, url: pullUrl(pr, pr.number) } });
      core.notice(`Evicted the preview of PR #${preview.pr} (${preview.appName}), the least recently active, to keep max-previews ${budget.cap} with PR #${pr.number}'s.`);
      evicted.add(preview.appName);
      const database = undropped(removed);
      if (database !== undefined) failedDrops.push({ ...database, appName: preview.appName, pr: preview.pr });
    } catch (error) {
      core.warning(`Could not evict ${preview.appName} (PR #${preview.pr}): ${errorMessage(error)}; trying the next least recently active`);
    }
  }
  return { evicted, undropped: failedDrops };
}

/** No place: the PR is told which previews hold them, and the run is a skip, not a failure. */
async function refuse(budget: Budget, report: Report, pr: PullRequest, appName: string, holding: Counted[], rows: (action: (c: Counted) => string) => CountedRow[]): Promise<void> {
  const repo = { owner: pr.owner, repo: pr.repo };
  const now = Date.now();
  const holders: PlaceHolder[] = holding.flatMap((c) =>
    c.preview.pr === undefined ? [] : [{ number: c.preview.pr, url: pullUrl(repo, c.preview.pr), appName: c.appName, idle: inWords(now - c.lastActiveMs) }],
  );
  await report.publish({ state: 'refused', appName, sha: pr.headSha, cap: budget.cap, holders });
  const held = holders.map((h) => `#${h.number}`).join(', ');
  const why =
    budget.settings.maxPreviewsPolicy === 'refuse' ? 'max-previews-policy is refuse' : 'every preview that could be evicted is being deployed right now';
  await summary(budget, [...rows(() => 'holds a place'), newRow(repo, pr, appName, 'refused')], `No place for this PR's preview (${why}).`);
  setOutputs({ status: 'skipped', appName });
  core.notice(`No preview for PR #${pr.number}: ${holding.length} live previews already hold the max-previews ${budget.cap} places (${held}); ${why}. Free one, then push or comment /preview.`);
}

function row(repo: { owner: string; repo: string }, c: Counted, now: number, action: string): CountedRow {
  const pr = c.preview.pr;
  return { pr: pr === undefined ? undefined : { number: pr, url: pullUrl(repo, pr) }, appName: c.appName, idle: inWords(now - c.lastActiveMs), action };
}

function newRow(repo: { owner: string; repo: string }, pr: PullRequest, appName: string, action: string): CountedRow {
  return { pr: { number: pr.number, url: pullUrl(repo, pr.number) }, appName, idle: '', action };
}

/** Every row but the last is a preview counted; the last is this PR's. */
function summary(budget: Budget, rows: CountedRow[], outcome: string): Promise<void> {
  return budget.github.writeBudgetSummary({ cap: budget.cap, counted: rows.length - 1, policy: budget.settings.maxPreviewsPolicy, rows, outcome });
}
