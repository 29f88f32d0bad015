// `[deploy] release_command`: one machine that runs the command before any app machine changes.
import type { DeployOutcome, DeployRequest, ProgressLog, ReleaseDetail } from '../../provider.js';
import { backoffDelay } from '../../retry.js';
import type { PreviewPlan } from './appconfig/index.js';
import { inApp, type AppState } from './app.js';
import { maxWaitSeconds } from './client.js';
import type { FlyContext } from './context.js';
import { orderKey, type DesiredConfig } from './desired.js';
import { hostnameFor } from './group.js';
import { revisionKey } from './metadata.js';
import type { Phases } from './phases.js';
import { describeEvent, machineVisibility, recentEventCount } from './readiness.js';
import type { SyncedSecrets } from './secrets.js';
import type { Machine, MachineEvent } from './types.js';

type Failed = Extract<DeployOutcome, { kind: 'failed' }>;

/** What the release step reports, and the outcome of the deploy when the command failed. */
export interface ReleaseStep {
  detail?: ReleaseDetail;
  failed?: Failed;
}

/** The release command runs before any app machine gets a new version, and only when one will (`changes`). */
export async function releaseStep(
  ctx: FlyContext,
  request: DeployRequest,
  plan: PreviewPlan,
  app: AppState,
  secrets: SyncedSecrets,
  changes: boolean,
  phases: Phases,
  log: ProgressLog,
): Promise<ReleaseStep> {
  if (plan.release !== undefined && changes) return phases.time('release', () => runRelease(ctx, request, plan, app, secrets, log));
  if (plan.release !== undefined) return { detail: { command: plan.release.commandLine, exitCode: undefined, ran: false } };
  return {};
}

/**
 * `[deploy] release_command` as flyctl runs it (internal/command/deploy/machines_releasecommand.go):
 * a one-off machine that destroys itself, with the app's env and secrets, waited on until it is
 * gone; its exit event says how the command ended.
 */
async function runRelease(
  ctx: FlyContext,
  request: DeployRequest,
  plan: PreviewPlan,
  app: AppState,
  secrets: SyncedSecrets,
  log: ProgressLog,
): Promise<{ detail: ReleaseDetail; failed?: Failed }> {
  const release = plan.release as NonNullable<PreviewPlan['release']>;
  const config = structuredClone(release.config) as DesiredConfig;
  config.image = request.image;
  config.env = { ...config.env, ...request.env };
  config.metadata = { ...config.metadata, ...request.ownerLabels, [revisionKey]: request.revision.id, [orderKey]: String(request.revision.order) };
  const body = { region: plan.region, config, ...(secrets.version === undefined ? {} : { min_secrets_version: secrets.version }) };
  log.changing();
  const machine = await inApp(ctx, app, (justCreated) => ctx.client.createMachine(request.appName, body, justCreated));
  log.info(`Running the release command in machine ${machine.id}: ${release.commandLine}`);
  const { finished, current, events } = await waitForRelease(ctx, request.appName, machine, release.timeoutMs);
  const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
  const exitCode = exit?.exit_code;
  const detail: ReleaseDetail = { command: release.commandLine, exitCode, ran: true };
  const state = current?.state ?? 'destroyed';
  if (finished && exitCode === 0) {
    log.info(`Release command exited with code 0 (machine ${machine.id})`);
    return { detail };
  }
  // A command still running at its timeout must not go on changing the database behind the failure.
  if (!finished) await ctx.client.deleteMachine(request.appName, machine.id).catch(() => undefined);
  const seconds = Math.round(release.timeoutMs / 1000);
  const reason = !finished
    ? `The release command \`${release.commandLine}\` did not finish within ${seconds} s (release_command_timeout); no app machine was changed.`
    : state === 'failed'
      ? `Fly could not start the release command's machine (it is "failed"); no app machine was changed.`
      : `The release command \`${release.commandLine}\` exited with code ${exitCode ?? 'unknown'}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}; no app machine was changed.`;
  return {
    detail,
    failed: {
      kind: 'failed',
      appName: request.appName,
      hostname: hostnameFor(request.appName),
      machineId: machine.id,
      region: machine.region,
      reason,
      state,
      exitCode,
      recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
    },
  };
}

/** Waits until the release machine has stopped or is gone, or the timeout ends; then reads how it ended. */
async function waitForRelease(
  ctx: FlyContext,
  appName: string,
  machine: Machine,
  timeoutMs: number,
): Promise<{ finished: boolean; current: Machine | undefined; events: MachineEvent[] }> {
  const end = ctx.now() + timeoutMs;
  const changedAt = ctx.now();
  let finished = false;
  try {
    for (let attempt = 1; ctx.now() < end; ) {
      const result = await ctx.client.wait(appName, machine.id, ['stopped', 'destroyed', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, (end - ctx.now()) / 1000));
      if (result === 'reached') {
        finished = true;
        break;
      }
      if (result === 'gone') {
        const pause = Math.max(200, backoffDelay(machineVisibility, attempt++, ctx.random));
        if (ctx.now() - changedAt + pause > machineVisibility.budgetMs) break;
        await ctx.sleep(pause);
      }
      if (result === 'replaced') break;
    }
    const current = await ctx.client.getMachine(appName, machine.id);
    const events = current?.events ?? (await ctx.client.events(appName, machine.id).catch(() => []));
    return { finished, current, events };
  } catch (error) {
    // An API error while it runs must not leave the command going on behind the failed step.
    if (!finished) await ctx.client.deleteMachine(appName, machine.id).catch(() => undefined);
    throw error;
  }
}
