// A sweep: every preview of this repository the platform holds, each kept or destroyed by its PR's
// state and the ttl, one job summary table of them all.
import * as core from '@actions/core';
import type { GitHubClient, PullSummary, SweepRow } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, sweepVerdict, type Plan, type PullRequest, type SweepVerdict } from '../plan.js';
import type { PreviewListing, PreviewProvider, PreviewTarget } from '../provider.js';
import { Report, reportsToPr } from '../report.js';
import type { GitHubModule } from './context.js';
import { removePreview, type DestroyCause } from './destroy.js';
import { errorMessage, log } from './log.js';
import { ownerLabels, prLabel, repoLabel } from './owner-labels.js';

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
}

export async function sweep(settings: Settings, plan: SweepPlan, provider: PreviewProvider, github: GitHubModule): Promise<void> {
  const gh = github.createGitHubClient(plan.githubToken);
  const repo = { owner: plan.owner, repo: plan.repo };
  const inventory = await provider.listPreviews({ org: settings.org, labels: { [repoLabel]: `${plan.owner}/${plan.repo}` }, keys: [prLabel] }, log);
  const previews = inventory.previews.flatMap(previewsOf).sort((a, b) => (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : 1));
  const numbers = [...new Set(previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])))];
  const pulls = await github.readPulls(gh, repo, numbers);
  const now = Date.now();
  const sweeper: Sweeper = { settings, plan, provider, github, reporting: reportsToPr(settings) ? gh : undefined };
  const rows: SweepRow[] = [];
  for (const preview of previews) rows.push(await sweepOne(sweeper, preview, preview.pr === undefined ? undefined : pulls.get(preview.pr), now));
  const destroyed = rows.filter((r) => r.action === 'destroyed' || r.action === 'would destroy').map((r) => r.appName);
  const failures = rows.filter((r) => r.action === 'failed').length;
  core.setOutput('destroyed', JSON.stringify(destroyed));
  core.setOutput('status', failures > 0 ? 'failed' : 'swept');
  await github.writeSweepSummary({ rows, appsExamined: inventory.appsExamined, appsLeftAlone: inventory.appsLeftAlone, dryRun: settings.dryRun });
  const kept = rows.length - destroyed.length;
  core.notice(
    `Sweep of ${plan.owner}/${plan.repo}: ${settings.dryRun ? 'would destroy' : 'destroyed'} ${destroyed.length} preview${destroyed.length === 1 ? '' : 's'}` +
      `${destroyed.length === 0 ? '' : ` (${destroyed.join(', ')})`}; kept ${kept}; ${inventory.appsLeftAlone} of ${inventory.appsExamined} apps are not this repository's previews and were left alone.`,
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
  const outcome = await removePreview(provider, report, target, pr, cause);
  if (outcome.kind === 'absent') return { action: 'skipped', why: `${verdict.why}; already gone (a close run got there first)` };
  core.info(`Destroyed ${preview.appName} (PR #${preview.pr}: ${verdict.why})`);
  return { action: 'destroyed', why: verdict.why };
}
