// A sweep: every preview of this repository the platform holds, and every database of one the
// database server holds, each kept or destroyed by its PR's state and the ttl, one job summary
// table of them all.
import * as core from '@actions/core';
import type { GitHubClient, PullSummary, SweepRow } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, sweepVerdict, type Plan, type PullRequest, type SweepVerdict } from '../plan.js';
import type { PreviewListing, PreviewProvider, PreviewTarget } from '../provider.js';
import { Report, reportsToPr } from '../report.js';
import type { GitHubModule } from './context.js';
import { type RunDatabases, withDatabases } from './database.js';
import { removePreview, type DestroyCause } from './destroy.js';
import { errorMessage, log } from './log.js';
import { ownerLabels, prLabel, repoLabel } from './owner-labels.js';
import { sweepDatabase } from './sweep-databases.js';

type SweepPlan = Extract<Plan, { action: 'sweep' }>;

interface SweptPreview {
  appName: string;
  pr: number | undefined;
  machineIds: string[];
  createdAtMs: number;
  lastDeployMs: number;
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
  // A server that cannot be listed fails the sweep before it destroys anything, as a platform would.
  const [inventory, found] = await Promise.all([
    provider.listPreviews({ org: settings.org, labels: { [repoLabel]: `${plan.owner}/${plan.repo}` }, keys: [prLabel] }, log),
    databases?.list(`${plan.owner}/${plan.repo}`),
  ]);
  const previews = inventory.previews.flatMap(previewsOf).sort((a, b) => (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : 1));
  // Databases whose app is gone: a close run that died between the platform's destroy and the drop.
  const orphans = (found ?? []).filter((d) => !previews.some((p) => p.pr === d.pr));
  const numbers = [...new Set([...previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])), ...orphans.map((d) => d.pr)])];
  const pulls = await github.readPulls(gh, repo, numbers);
  const now = Date.now();
  const sweeper: Sweeper = { settings, plan, provider, github, reporting: reportsToPr(settings) ? gh : undefined, databases };
  const rows: SweepRow[] = [];
  for (const preview of previews) {
    const row = await sweepOne(sweeper, preview, preview.pr === undefined ? undefined : pulls.get(preview.pr), now);
    rows.push(databases === undefined ? row : { ...row, database: found?.find((d) => d.pr === preview.pr)?.name });
  }
  if (databases !== undefined) for (const entry of orphans) rows.push(await sweepDatabase(settings, databases, plan, entry, pulls.get(entry.pr), now));
  const destroyed = rows.filter((r) => r.action === 'destroyed' || r.action === 'would destroy').flatMap((r) => (r.appName === undefined ? [] : [r.appName]));
  const failures = rows.filter((r) => r.action === 'failed').length;
  core.setOutput('destroyed', JSON.stringify(destroyed));
  core.setOutput('status', failures > 0 ? 'failed' : 'swept');
  await github.writeSweepSummary({ rows, appsExamined: inventory.appsExamined, appsLeftAlone: inventory.appsLeftAlone, databasesFound: found?.length, dryRun: settings.dryRun });
  const kept = rows.filter((r) => r.appName !== undefined).length - destroyed.length;
  const orphansDropped = rows.filter((r) => r.appName === undefined && (r.action === 'destroyed' || r.action === 'would destroy')).map((r) => r.database);
  core.notice(
    `Sweep of ${plan.owner}/${plan.repo}: ${settings.dryRun ? 'would destroy' : 'destroyed'} ${destroyed.length} preview${destroyed.length === 1 ? '' : 's'}` +
      `${destroyed.length === 0 ? '' : ` (${destroyed.join(', ')})`}; kept ${kept}; ${inventory.appsLeftAlone} of ${inventory.appsExamined} apps are not this repository's previews and were left alone` +
      `${orphansDropped.length === 0 ? '' : `; ${settings.dryRun ? 'would drop' : 'dropped'} ${orphansDropped.length} database${orphansDropped.length === 1 ? '' : 's'} whose app was already gone (${orphansDropped.join(', ')})`}.`,
  );
  if (failures > 0) core.setFailed(`The sweep could not destroy ${failures} preview${failures === 1 ? '' : 's'}; see the errors above. The next sweep tries again.`);
}

/** One preview per (app, PR): an app named by app-name can hold several PRs' machines. */
function previewsOf(listing: PreviewListing): SweptPreview[] {
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

/** The verdict on one preview and what came of it, as its summary row says. */
async function sweepOne(sweeper: Sweeper, preview: SweptPreview, pull: PullSummary | undefined, now: number): Promise<SweepRow> {
  const { settings } = sweeper;
  const row = {
    appName: preview.appName,
    pr: preview.pr,
    prState: pull === undefined ? 'unknown' : pull.merged ? 'merged' : pull.state,
    idle: pull === undefined ? '' : inWords(now - (Date.parse(pull.updatedAt) || now)),
    age: inWords(now - preview.createdAtMs),
  };
  const verdict =
    preview.pr === undefined
      ? ({ destroy: false, why: 'its machines name no PR' } as const)
      : sweepVerdict(
          pull === undefined ? undefined : { state: pull.state, merged: pull.merged, updatedAtMs: Date.parse(pull.updatedAt) || 0 },
          preview.lastDeployMs,
          settings.ttlMs,
          now,
        );
  if (!verdict.destroy || pull === undefined || preview.pr === undefined) return { ...row, action: 'kept', why: verdict.why };
  try {
    return { ...row, ...(await destroyPreview(sweeper, preview, preview.pr, pull, verdict)) };
  } catch (error) {
    // One preview that cannot be removed must not keep the others running: report it and go on.
    core.error(`Could not destroy ${preview.appName} (PR #${preview.pr}): ${errorMessage(error)}`);
    return { ...row, action: 'failed', why: `${verdict.why}; ${errorMessage(error)}` };
  }
}

/** Destroys a preview the verdict condemned, unless a deploy holds it or this is a dry run. */
async function destroyPreview(
  sweeper: Sweeper,
  preview: SweptPreview,
  number: number,
  pull: PullSummary,
  verdict: Extract<SweepVerdict, { destroy: true }>,
): Promise<Pick<SweepRow, 'action' | 'why'>> {
  const { settings, plan, provider } = sweeper;
  if (await provider.busy(preview.appName, preview.machineIds)) {
    const holds = settings.provider === 'fly' ? "a deploy holds its machine's lease" : 'a deploy is still under way on it';
    return { action: 'skipped', why: `${verdict.why}, but ${holds}; the next sweep looks again` };
  }
  if (settings.dryRun) return { action: 'would destroy', why: verdict.why };
  const pr: PullRequest = {
    number,
    owner: plan.owner,
    repo: plan.repo,
    headSha: pull.headSha,
    headRepoFullName: pull.headRepoFullName,
    isFork: pull.headRepoFullName?.toLowerCase() !== pull.baseRepoFullName.toLowerCase(),
    updatedAtMs: Date.parse(pull.updatedAt) || 0,
  };
  const target: PreviewTarget = { appName: preview.appName, org: settings.org, ownerLabels: ownerLabels(pr) };
  const report = new Report(sweeper.github, sweeper.reporting, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: false }, pr, preview.appName);
  const cause: DestroyCause = verdict.cause === 'expired' ? { kind: 'expired', idleFor: inWords(settings.ttlMs ?? 0) } : { kind: 'sweep' };
  const outcome = await removePreview(provider, sweeper.databases, report, target, pr, cause);
  if (outcome.kind === 'absent') return { action: 'skipped', why: `${verdict.why}; already gone (a close run got there first)` };
  core.info(`Destroyed ${preview.appName} (PR #${preview.pr}: ${verdict.why})`);
  return { action: 'destroyed', why: verdict.why };
}
