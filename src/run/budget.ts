// The cap on live previews, before a deploy that would create one: this repository's previews are
// counted, and over `max-previews` a closed PR's leftover goes first, then (under `evict`) the least
// recently active, each destroyed as a close would and its PR told why; the new preview is refused
// only when nothing could go. Two new previews racing may each count the other's place as free, so
// the cap can be passed by one until the next deploy or sweep.
import * as core from '@actions/core';
import type { CountedRow, GitHubClient, GitHubModule, PlaceHolder, PullSummary } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, type PullRequest } from '../plan.js';
import { byActivity, fullVerdict, hasRoom, madeRoom, type CountedPreview } from '../plan/budget.js';
import type { PreviewProvider } from '../provider.js';
import { Report } from '../report.js';
import type { RunDatabases } from './database.js';
import { removePreview, undropped, type DestroyCause, type Undropped } from './destroy.js';
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

/** No place under the cap: which previews hold them, least recently active first, and why none could go. */
export interface Refusal {
  cap: number;
  holders: PlaceHolder[];
  why: string;
}

/**
 * placed: deploy (an update, or a new preview with its place), and fail the step at the end for each
 * evicted preview's database that could not be dropped; refused: no place, and the PR has been told so.
 */
export type RoomOutcome = { kind: 'placed'; undropped: EvictedDatabase[] } | { kind: 'refused'; refusal: Refusal };

const placed: RoomOutcome = { kind: 'placed', undropped: [] };

/** What the evictions came to: who went, who a deploy held, who could not be removed. */
interface Evictions {
  evicted: Set<string>;
  busy: Counted[];
  failed: Counted[];
  undropped: EvictedDatabase[];
}

export async function makeRoom(budget: Budget, report: Report, pr: PullRequest, appName: string): Promise<RoomOutcome> {
  const { settings, cap, provider, github } = budget;
  const repo = { owner: pr.owner, repo: pr.repo };
  const { previews } = await repositoryPreviews(provider, settings.org, repo);
  // Only a deploy that creates a preview counts against the cap.
  if (previews.some((p) => p.pr === pr.number)) return placed;
  if (hasRoom(previews.length, cap)) {
    // Room: when each was last active does not matter, so the PRs are not read.
    const kept: CountedRow[] = previews.map((p) => ({ pr: p.pr === undefined ? undefined : { number: p.pr, url: pullUrl(repo, p.pr) }, appName: p.appName, idle: '', action: 'kept' }));
    await summary(budget, [...kept, newRow(pr, appName, 'new preview')], `There is room: this PR's preview is number ${previews.length + 1} of ${cap}.`);
    return placed;
  }
  const numbers = [...new Set(previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])))];
  const pulls = await github.readPulls(budget.reader, repo, numbers);
  const others: Counted[] = previews.map((p) => {
    const pull = p.pr === undefined ? undefined : pulls.get(p.pr);
    return { ...counted(p, pull), preview: p, pull };
  });
  const verdict = fullVerdict(others, cap, settings.maxPreviewsPolicy);
  if (verdict.kind === 'refuse') {
    const why = verdict.why === 'policy' ? 'the policy is `refuse` (`max-previews-policy`), so none is evicted' : 'none of them names a PR of this repository, and such a preview is never evicted';
    return { kind: 'refused', refusal: await refuse(budget, report, pr, appName, verdict.holders, why) };
  }
  const evictions = await evict(budget, pr, verdict.candidates, verdict.excess);
  if (!madeRoom(evictions.evicted.size)) {
    return { kind: 'refused', refusal: await refuse(budget, report, pr, appName, others.filter((c) => !evictions.evicted.has(c.appName)), passedOver(budget, evictions)) };
  }
  await placedSummary(budget, pr, appName, others, evictions);
  return { kind: 'placed', undropped: evictions.undropped };
}

/**
 * Destroys up to `excess` candidates in order, passing over one a deploy is changing: the apps
 * evicted, and the databases of those that could not be dropped (their place is free all the same).
 */
async function evict(budget: Budget, pr: PullRequest, candidates: Counted[], excess: number): Promise<Evictions> {
  const { settings, provider } = budget;
  const done: Evictions = { evicted: new Set(), busy: [], failed: [], undropped: [] };
  for (const candidate of candidates) {
    if (done.evicted.size >= excess) break;
    const { preview, pull } = candidate;
    if (pull === undefined || preview.pr === undefined) continue;
    if (await provider.busy(preview.appName, preview.machineIds)) {
      core.info(`${preview.appName} (PR #${preview.pr}) is being deployed right now; evicting the next least recently active instead`);
      done.busy.push(candidate);
      continue;
    }
    const victim = pullRequestOf(pr, preview.pr, pull);
    const report = new Report(budget.github, budget.reporting, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: false }, victim, preview.appName);
    try {
      const target = { appName: preview.appName, org: settings.org, ownerLabels: ownerLabels(victim) };
      // A closed PR's preview goes as the sweep would have removed it: its comment says the PR is closed.
      const cause: DestroyCause = candidate.closed ? { kind: 'sweep' } : { kind: 'evicted', cap: budget.cap, by: { number: pr.number, url: pullUrl(pr, pr.number) } };
      const removed = await removePreview(provider, budget.databases, report, target, victim, cause);
      core.notice(
        candidate.closed
          ? `Removed the preview of PR #${preview.pr} (${preview.appName}), whose PR is closed, to keep max-previews ${budget.cap} with PR #${pr.number}'s.`
          : `Evicted the preview of PR #${preview.pr} (${preview.appName}), the least recently active, to keep max-previews ${budget.cap} with PR #${pr.number}'s.`,
      );
      done.evicted.add(preview.appName);
      const database = undropped(removed);
      if (database !== undefined) done.undropped.push({ ...database, appName: preview.appName, pr: preview.pr });
    } catch (error) {
      core.warning(`Could not evict ${preview.appName} (PR #${preview.pr}): ${errorMessage(error)}; trying the next least recently active`);
      done.failed.push(candidate);
    }
  }
  return done;
}

/** Why the previews that could have made room did not, as a clause: "#11 is being deployed right now (…)". */
function passedOver(budget: Budget, evictions: Evictions): string {
  const prs = (list: Counted[]): string => list.map((c) => `#${c.preview.pr ?? '?'}`).join(', ');
  const parts = [
    evictions.busy.length === 0 ? '' : `${prs(evictions.busy)} ${evictions.busy.length === 1 ? 'is' : 'are'} being deployed right now (${budget.provider.texts.busy})`,
    evictions.failed.length === 0 ? '' : `${prs(evictions.failed)} could not be evicted (the run log says why)`,
  ];
  return parts.filter(Boolean).join('; ');
}

/** The summary of a deploy that has its place: who went for it, and whether the count is still over the cap. */
async function placedSummary(budget: Budget, pr: PullRequest, appName: string, others: Counted[], evictions: Evictions): Promise<void> {
  const { evicted } = evictions;
  const live = others.length - evicted.size + 1;
  const over =
    live > budget.cap
      ? ` ${live} previews are live with it, no more than before but still over the cap of ${budget.cap} (a race passed it): ${passedOver(budget, evictions)}. The next deploy or sweep evicts down to it.`
      : '';
  const order = others.some((c) => c.closed && evicted.has(c.appName)) ? "closed PRs' first, then the least recently active" : 'the least recently active';
  const outcome = `Evicted ${[...evicted].map((a) => `\`${a}\``).join(', ')} (${order}) to make room for this PR's preview.${over}`;
  const passed = new Set([...evictions.busy, ...evictions.failed].map((c) => c.appName));
  const action = (c: Counted): string => (evicted.has(c.appName) ? `evicted for #${pr.number}` : passed.has(c.appName) ? 'kept: passed over' : 'kept');
  await summary(budget, [...rows(pr, others, action), newRow(pr, appName, 'new preview')], outcome);
}

/** No place: the PR is told which previews hold them and why none could go, and the run is a skip, not a failure. */
async function refuse(budget: Budget, report: Report, pr: PullRequest, appName: string, holding: Counted[], why: string): Promise<Refusal> {
  const now = Date.now();
  const holders: PlaceHolder[] = [...holding].sort(byActivity).flatMap((c) =>
    c.preview.pr === undefined ? [] : [{ number: c.preview.pr, url: pullUrl(pr, c.preview.pr), appName: c.appName, idle: inWords(now - c.lastActiveMs) }],
  );
  await report.publish({ state: 'refused', appName, sha: pr.headSha, cap: budget.cap, holders, why });
  const held = holders.map((h) => `#${h.number}`).join(', ');
  await summary(budget, [...rows(pr, holding, () => 'holds a place'), newRow(pr, appName, 'refused')], `No place for this PR's preview: ${why}.`);
  setOutputs({ status: 'skipped', appName });
  core.notice(`No preview for PR #${pr.number}: ${holding.length} live previews already hold the max-previews ${budget.cap} places (${held}); ${why}. Free one, then push or comment /preview.`);
  return { cap: budget.cap, holders, why };
}

function rows(pr: PullRequest, counted: Counted[], action: (c: Counted) => string): CountedRow[] {
  const now = Date.now();
  return counted.map((c) => {
    const number = c.preview.pr;
    return { pr: number === undefined ? undefined : { number, url: pullUrl(pr, number) }, appName: c.appName, idle: inWords(now - c.lastActiveMs), action: action(c) };
  });
}

function newRow(pr: PullRequest, appName: string, action: string): CountedRow {
  return { pr: { number: pr.number, url: pullUrl(pr, pr.number) }, appName, idle: '', action };
}

/** Every row but the last is a preview counted; the last is this PR's. */
function summary(budget: Budget, counted: CountedRow[], outcome: string): Promise<void> {
  return budget.github.writeBudgetSummary({ cap: budget.cap, counted: counted.length - 1, policy: budget.settings.maxPreviewsPolicy, rows: counted, outcome });
}
