// A deploy of one PR's preview: its database first (before this preview's first platform write, so a
// server that refuses leaves nothing of it on the platform; under `max-previews` an eviction may come
// before, once the server has been checked), the request from the settings, the "deploying" note
// alongside the first change, then the outcome on the PR, in the outputs and in the log.
import * as core from '@actions/core';
import type { PreparedDatabase } from '../database/contract.js';
import type { DatabaseView, PreviewView } from '../github/index.js';
import type { Settings } from '../inputs.js';
import type { PullRequest } from '../plan.js';
import type { DeployOutcome, DeployRequest, PreviewProvider, PreviewTarget, ProgressLog, SourceRef } from '../provider.js';
import { outcomeView, previewUrl, type Report } from '../report.js';
import { databaseView, type RunDatabases } from './database.js';
import { errorMessage, log, neutralise } from './log.js';
import { setOutputs } from './outputs.js';

/** Deploys one PR's preview; false when the preview failed (the step is then marked failed). */
export async function deploy(
  settings: Settings,
  provider: PreviewProvider,
  databases: RunDatabases | undefined,
  report: Report,
  target: PreviewTarget,
  pr: PullRequest,
  image: string | undefined,
): Promise<boolean> {
  const access = provider.texts.urlAccess;
  const place = { appName: target.appName, url: previewUrl({ hostname: provider.hostnameFor(target.appName) }), access, region: settings.region, sha: pr.headSha };
  let database: PreparedDatabase | undefined;
  const shown = (): { database?: DatabaseView } => (database === undefined ? {} : { database: databaseView(database) });
  let announcing: ReturnType<typeof announcingLog> | undefined;
  let outcome: DeployOutcome;
  try {
    // The database first: a server that refuses fails the step before anything of this preview exists on the platform.
    database = await databases?.ensure(pr);
    announcing = announcingLog(report, { state: 'deploying', ...place, ...shown() });
    // The URL is one more app secret: the platform keeps it out of every config and log.
    const secrets = databases === undefined || database === undefined ? settings.secrets : { ...settings.secrets, [databases.env]: database.url };
    outcome = await provider.deploy(deployRequest(settings, target, pr, image, secrets), announcing.log);
  } catch (error) {
    await announcing?.announced();
    if (database !== undefined) core.setOutput('database-name', database.name);
    const untouched = announcing === undefined ? { url: undefined, beforePlatform: true } : {};
    await report.publish({ state: 'failed', ...place, ...shown(), ...untouched, machineId: undefined, reason: errorMessage(error), exitCode: undefined, recentEvents: [] });
    throw error;
  }
  await announcing.announced();
  await report.publish(outcomeView(outcome, pr.headSha, access, shown().database));
  return conclude(outcome, pr, database?.name);
}

/**
 * The log a deploy reports progress to. The "deploying" note goes out alongside the first change,
 * so it costs the deploy no time, and a run that changes nothing (a re-run) does not flicker the
 * comment. `announced` is that note, once it is under way.
 */
function announcingLog(report: Report, deploying: PreviewView): { log: ProgressLog; announced: () => Promise<void> } {
  let announced: Promise<void> = Promise.resolve();
  let announcing = false;
  const deployLog: ProgressLog = {
    ...log,
    changing: () => {
      if (announcing) return;
      announcing = true;
      announced = report.announce(deploying);
    },
    // The smoke window is spent waiting on Fly: the PR's "deploying" note goes out meanwhile, also
    // on a run that only joined another run's boot.
    started: () => deployLog.changing(),
  };
  return { log: deployLog, announced: () => announced };
}

/** `secrets`: the input's, and the database URL under database-env when the preview has a database. */
function deployRequest(settings: Settings, target: PreviewTarget, pr: PullRequest, image: string | undefined, secrets: Readonly<Record<string, string>>): DeployRequest {
  return {
    ...target,
    region: settings.region,
    // A platform that builds from `source` (ComfyDeploy) has no image.
    image: image ?? '',
    guest: settings.guest,
    env: settings.env,
    internalPort: settings.internalPort,
    revision: { id: pr.headSha, order: pr.updatedAtMs },
    waitTimeoutMs: settings.waitTimeoutSeconds * 1000,
    smokeWindowMs: settings.smokeWindowSeconds * 1000,
    secrets,
    autostop: settings.overrides.autostop,
    ...sourceField(settings, pr),
  };
}

/** The request's `source`, only where the platform builds from source. */
function sourceField(settings: Settings, pr: PullRequest): { source?: SourceRef } {
  const source = sourceOf(settings, pr);
  return source === undefined ? {} : { source };
}

/**
 * The PR's code, for platforms that build from source: the head repository's clone URL (a fork's for
 * a fork PR, since the base repository's clone does not fetch PR commits) at the head commit.
 */
function sourceOf(settings: Settings, pr: PullRequest): SourceRef | undefined {
  if (settings.comfyDeploy === undefined) return undefined;
  // plan.ts refuses a deleted fork's deploy on a platform that builds from source.
  if (pr.headRepoFullName === null) throw new Error(`PR #${pr.number} has no head repository to build from.`);
  const server = (process.env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  return { repositoryUrl: `${server}/${pr.headRepoFullName}.git`, commit: pr.headSha, subPath: settings.comfyDeploy.nodePath };
}

/** The outcome in the step's outputs and its log; false when the preview failed. */
function conclude(outcome: DeployOutcome, pr: PullRequest, databaseName: string | undefined): boolean {
  const url = previewUrl(outcome);
  setOutputs({
    status: outcome.kind === 'ready' ? 'deployed' : outcome.kind === 'superseded' ? 'skipped' : 'failed',
    appName: outcome.appName,
    hostname: outcome.hostname,
    url,
    machineId: outcome.machineId,
    databaseName,
  });
  const at = url ?? `app ${outcome.appName}`;
  switch (outcome.kind) {
    case 'ready':
      core.notice(
        `Preview ready: ${at} (${pr.headSha.slice(0, 7)}, machine ${outcome.machineId} ${outcome.change === 'unchanged' ? 'already ran it' : outcome.change})`,
      );
      return true;
    case 'superseded':
      core.notice(
        `Superseded: ${outcome.deployedRevisionId.slice(0, 7)} is newer than ${pr.headSha.slice(0, 7)} and is already deployed at ${at}; left it in place.`,
      );
      return true;
    case 'failed':
      for (const line of outcome.recentEvents) core.info(neutralise(`  event: ${line}`));
      core.setFailed(`Preview failed: ${outcome.reason} (app ${outcome.appName}, machine ${outcome.machineId}).`);
      return false;
  }
}
