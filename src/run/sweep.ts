// A sweep: every preview of this repository the platform holds, and every database of one the
// database server holds, each kept or destroyed by its PR's state and the ttl, then, over
// `max-previews`, the least recently active evicted down to it; one job summary table of them all.
import * as core from '@actions/core';
import type { GitHubClient, GitHubModule, PullSummary, SweepRow } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, sweepVerdict, type Plan } from '../plan.js';
import { evictionOrder } from '../plan/budget.js';
import type { InventoryEntry } from '../database/contract.js';
import type { PreviewInventory, PreviewProvider, PreviewTarget } from '../provider.js';
import { Report, reportsToPr } from '../report.js';
import { type RunDatabases, unreachable, withDatabases } from './database.js';
import { removePreview, undropped, type DestroyCause } from './destroy.js';
import { errorMessage } from './log.js';
import { ownerLabels } from './owner-labels.js';
import { counted, pullRequestOf, repositoryPreviews, sweptPull, type LivePreview } from './previews.js';
import { sweepDatabase } from './sweep-databases.js';

type SweepPlan = Extract<Plan, { action: 'sweep' }>;

/** Why a preview goes, in the summary's words and in its PR's comment. */
interface Condemned {
  why: string;
  cause: DestroyCause;
}

/** What destroying one preview needs: the run's settings, its platform, and how to tell the PR. */
interface Sweeper {
  settings: Settings;
  plan: SweepPlan;
  provider: PreviewProvider;
  github: GitHubModule;
  /** undefined when the run writes nothing to the PRs (comment off, no deployments). */
  reporting: GitHubClient | undefined;
  /** undefined without database-url. */
  databases: RunDatabases | undefined;
}

export function sweep(settings: Settings, plan: SweepPlan, provider: PreviewProvider, github: GitHubModule): Promise<void> {
  return withDatabases(settings.database, (databases) => sweepWith(settings, plan, provider, github, databases));
}

async function sweepWith(settings: Settings, plan: SweepPlan, provider: PreviewProvider, github: GitHubModule, databases: RunDatabases | undefined): Promise<void> {
  const gh = github.createGitHubClient(plan.githubToken);
  const repo = { owner: plan.owner, repo: plan.repo };
  const [{ previews, inventory }, listing] = await Promise.all([repositoryPreviews(provider, settings.org, repo), listDatabases(databases, `${plan.owner}/${plan.repo}`)]);
  const found = listing.found;
  // Databases whose app is gone: a close run that died between the platform's destroy and the drop,
  // a drop that failed after it, or a deploy that died before the platform.
  const orphans = (found ?? []).filter((d) => !previews.some((p) => p.pr === d.pr));
  const numbers = [...new Set([...previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])), ...orphans.map((d) => d.pr)])];
  const pulls = await github.readPulls(gh, repo, numbers);
  const now = Date.now();
  // A server that could not be listed is not asked again for each preview's drop.
  const reachable = databases === undefined || listing.failure === undefined ? databases : unreachable(databases, listing.failure);
  const sweeper: Sweeper = { settings, plan, provider, github, reporting: reportsToPr(settings) ? gh : undefined, databases: reachable };
  const rows: SweepRow[] = [];
  const pullOf = (p: LivePreview): PullSummary | undefined => (p.pr === undefined ? undefined : pulls.get(p.pr));
  for (const preview of previews) {
    const row = await sweepOne(sweeper, preview, pullOf(preview), now);
    rows.push(databases === undefined ? row : { ...row, database: found?.find((d) => d.pr === preview.pr)?.name });
  }
  if (settings.maxPreviews !== undefined) await enforceCap(sweeper, settings.maxPreviews, previews.map((p) => ({ preview: p, pull: pullOf(p) })), rows);
  if (databases !== undefined) for (const entry of orphans) rows.push(await sweepDatabase(settings, databases, plan, entry, pulls.get(entry.pr), now));
  await conclude(sweeper, rows, inventory, listing);
}

/** What the database server said of this repository's databases: their list, or why it could not be read. */
interface DatabaseListing {
  found: InventoryEntry[] | undefined;
  failure: string | undefined;
}

/**
 * This repository's databases on the server. One that cannot be listed (asleep, or a proxy step
 * missing) must not keep billed previews up: it is reported, and the platform is swept all the same.
 */
async function listDatabases(databases: RunDatabases | undefined, repository: string): Promise<DatabaseListing> {
  if (databases === undefined) return { found: undefined, failure: undefined };
  try {
    return { found: await databases.list(repository), failure: undefined };
  } catch (error) {
    const failure = errorMessage(error);
    core.error(`Could not list ${repository}'s databases on the database server: ${failure}. The previews are swept all the same; a database whose app is already gone waits for the next sweep.`);
    return { found: undefined, failure };
  }
}

/** The outputs, the summary table and the notice; the step fails when a row failed or the server could not be listed. */
async function conclude(sweeper: Sweeper, rows: SweepRow[], inventory: PreviewInventory, listing: DatabaseListing): Promise<void> {
  const { settings, plan, github } = sweeper;
  const destroyed = rows.filter(appRemoved).flatMap((r) => (r.appName === undefined ? [] : [r.appName]));
  const failures = rows.filter((r) => r.action === 'failed').length;
  core.setOutput('destroyed', JSON.stringify(destroyed));
  core.setOutput('status', failures > 0 || listing.failure !== undefined ? 'failed' : 'swept');
  await github.writeSweepSummary({
    rows,
    appsExamined: inventory.appsExamined,
    appsLeftAlone: inventory.appsLeftAlone,
    databasesFound: listing.found?.length,
    databaseFailure: listing.failure,
    dryRun: settings.dryRun,
    cap: settings.maxPreviews,
  });
  const kept = rows.filter((r) => r.appName !== undefined).length - destroyed.length;
  const orphansDropped = rows.filter((r) => r.appName === undefined && (r.action === 'destroyed' || r.action === 'would destroy')).map((r) => r.database);
  core.notice(
    `Sweep of ${plan.owner}/${plan.repo}: ${settings.dryRun ? 'would destroy' : 'destroyed'} ${destroyed.length} preview${destroyed.length === 1 ? '' : 's'}` +
      `${destroyed.length === 0 ? '' : ` (${destroyed.join(', ')})`}; kept ${kept}; ${inventory.appsLeftAlone} of ${inventory.appsExamined} apps are not this repository's previews and were left alone` +
      `${orphansDropped.length === 0 ? '' : `; ${settings.dryRun ? 'would drop' : 'dropped'} ${orphansDropped.length} database${orphansDropped.length === 1 ? '' : 's'} whose app was already gone (${orphansDropped.join(', ')})`}.`,
  );
  const problems = [listing.failure === undefined ? '' : 'list the databases on the database server', failures === 0 ? '' : failedWhat(rows)].filter(Boolean);
  if (problems.length > 0) core.setFailed(`The sweep could not ${problems.join(', nor ')}; see the errors above. The next sweep tries again.`);
}

/** "destroy 1 preview and drop 2 databases": what the failed rows left, apps and databases apart. */
function failedWhat(rows: SweepRow[]): string {
  const failed = rows.filter((r) => r.action === 'failed');
  const apps = failed.filter((r) => r.appName !== undefined && r.appGone === undefined).length;
  const databases = failed.length - apps;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  return [apps === 0 ? '' : `destroy ${count(apps, 'preview')}`, databases === 0 ? '' : `drop ${count(databases, 'database')}`].filter(Boolean).join(' and ');
}

/** Whether this run removed the row's app (in a dry run, would): a drop that failed after it counts too. */
const appRemoved = (row: Pick<SweepRow, 'action' | 'appGone'>): boolean => row.action === 'destroyed' || row.action === 'would destroy' || row.appGone === 'now';

/** Whether the row's app still runs after this sweep (in a dry run, would): what the cap counts. */
const stillLive = (row: Pick<SweepRow, 'action' | 'appGone'>): boolean => !appRemoved(row) && row.appGone !== 'before';

/** The verdict on one preview and what came of it, as its summary row says. */
async function sweepOne(sweeper: Sweeper, preview: LivePreview, pull: PullSummary | undefined, now: number): Promise<SweepRow> {
  const { settings } = sweeper;
  const { swept, ...seen } = sweptPull(pull, now);
  const row = { appName: preview.appName, pr: preview.pr, ...seen, age: inWords(now - preview.createdAtMs) };
  const verdict = preview.pr === undefined ? ({ destroy: false, why: 'its machines name no PR' } as const) : sweepVerdict(swept, preview.lastDeployMs, settings.ttlMs, now);
  if (!verdict.destroy || pull === undefined || preview.pr === undefined) return { ...row, action: 'kept', why: verdict.why };
  const cause: DestroyCause = verdict.cause === 'expired' ? { kind: 'expired', idleFor: inWords(settings.ttlMs ?? 0) } : { kind: 'sweep' };
  return { ...row, ...(await destroyOrReport(sweeper, preview, preview.pr, pull, { why: verdict.why, cause })) };
}

/** One preview that cannot be removed must not keep the others running: it is reported, and the sweep goes on. */
async function destroyOrReport(sweeper: Sweeper, preview: LivePreview, number: number, pull: PullSummary, condemned: Condemned): Promise<SweepOutcome> {
  try {
    return await destroyPreview(sweeper, preview, number, pull, condemned);
  } catch (error) {
    core.error(`Could not destroy ${preview.appName} (PR #${number}): ${errorMessage(error)}`);
    return { action: 'failed', why: `${condemned.why}; ${errorMessage(error)}` };
  }
}

/**
 * Over the cap after the verdicts, the least recently active of the previews kept are evicted until
 * the previews still live number `cap` (in a dry run, listed). What a deploy holds is passed over.
 */
async function enforceCap(sweeper: Sweeper, cap: number, found: { preview: LivePreview; pull: PullSummary | undefined }[], rows: SweepRow[]): Promise<void> {
  const live = found.map((f, index) => ({ ...f, index })).filter(({ index }) => rows[index] !== undefined && stillLive(rows[index]));
  let excess = live.length - cap;
  if (excess <= 0) return;
  const kept = live.flatMap(({ preview, pull, index }) =>
    rows[index]?.action === 'kept' && pull !== undefined && preview.pr !== undefined ? [{ ...counted(preview, pull), preview, pull, number: preview.pr, index }] : [],
  );
  const condemned: Condemned = { why: `over max-previews ${cap}: among the least recently active`, cause: { kind: 'evicted', cap, by: undefined } };
  for (const { preview, pull, number, index } of evictionOrder(kept)) {
    if (excess <= 0) break;
    const done = await destroyOrReport(sweeper, preview, number, pull, condemned);
    rows[index] = { ...(rows[index] as SweepRow), ...done };
    if (!stillLive(done)) excess--;
  }
}

/** What became of a condemned preview, as its row says. */
type SweepOutcome = Pick<SweepRow, 'action' | 'why' | 'appGone'>;

/** Destroys a condemned preview, unless a deploy holds it or this is a dry run. */
async function destroyPreview(sweeper: Sweeper, preview: LivePreview, number: number, pull: PullSummary, condemned: Condemned): Promise<SweepOutcome> {
  const { settings, plan, provider } = sweeper;
  const { why } = condemned;
  if (await provider.busy(preview.appName, preview.machineIds)) {
    return { action: 'skipped', why: `${why}, but ${provider.texts.busy}; the next sweep looks again` };
  }
  if (settings.dryRun) return { action: 'would destroy', why };
  const pr = pullRequestOf(plan, number, pull);
  const target: PreviewTarget = { appName: preview.appName, org: settings.org, ownerLabels: ownerLabels(pr) };
  const report = new Report(sweeper.github, sweeper.reporting, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: false }, pr, preview.appName);
  const outcome = await removePreview(provider, sweeper.databases, report, target, pr, condemned.cause);
  const database = undropped(outcome);
  if (database !== undefined) {
    const before = outcome.kind === 'absent';
    core.error(`${before ? `${preview.appName} (PR #${number}) was already gone` : `Destroyed ${preview.appName} (PR #${number})`}, but could not drop its database ${database.name}: ${database.reason}`);
    return {
      action: 'failed',
      why: `${why}; the app is gone${before ? ' (a close run got there first)' : ''}, but its database could not be dropped: ${database.reason}`,
      appGone: before ? 'before' : 'now',
    };
  }
  if (outcome.kind === 'absent') return { action: 'skipped', why: `${why}; already gone (a close run got there first)`, appGone: 'before' };
  core.info(`Destroyed ${preview.appName} (PR #${number}: ${why})`);
  return { action: 'destroyed', why };
}
