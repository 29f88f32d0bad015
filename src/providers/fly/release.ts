// `[deploy] release_command`: one machine that runs the command before any app machine changes.
import type { DeployOutcome, DeployRequest, ProgressLog, ReleaseDetail } from '../../provider.js';
import { backoffDelay } from '../../retry.js';
import type { PreviewPlan } from './appconfig/index.js';
import { inApp, type AppState } from './app.js';
import { maxWaitSeconds, type WaitResult } from './client.js';
import type { FlyContext } from './context.js';
import { orderKey, type DesiredConfig } from './desired.js';
import { hostnameFor } from './group.js';
import { revisionKey } from './metadata.js';
import type { Phases } from './phases.js';
import { describeEvent, machineVisibility, recentEventCount } from './readiness.js';
import type { SyncedSecrets } from './secrets.js';
import type { Machine, MachineEvent } from './types.js';

type Failed = Extract<DeployOutcome, { kind: 'failed' }>;
type ExitEvent = NonNullable<NonNullable<MachineEvent['request']>['exit_event']>;

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
  const waited = await waitForRelease(ctx, request.appName, machine, release.timeoutMs);
  const { current, events } = waited;
  const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
  const exitCode = exit?.exit_code;
  // A machine that answered 404 but whose exit event can still be read ran and destroyed itself
  // (flyctl machines_releasecommand.go takes a 404 the same way, then reads the exit event).
  const finished = waited.finished || (waited.gone !== undefined && exit !== undefined);
  const detail: ReleaseDetail = { command: release.commandLine, exitCode, ran: true };
  const state = current?.state ?? (finished ? 'destroyed' : 'unknown');
  if (finished && exitCode === 0) {
    log.info(`Release command exited with code 0 (machine ${machine.id})`);
    return { detail };
  }
  // A command still running at its timeout must not go on changing the database behind the failure.
  if (!finished) await ctx.client.deleteMachine(request.appName, machine.id).catch(() => undefined);
  const reason = releaseFailure(release, machine.id, waited, finished, state, exit);
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

/** Why the release step failed, in one sentence a user can act on. */
function releaseFailure(
  release: NonNullable<PreviewPlan['release']>,
  machineId: string,
  waited: ReleaseWait,
  finished: boolean,
  state: string,
  exit: ExitEvent | undefined,
): string {
  const command = `\`${release.commandLine}\``;
  const unchanged = 'no app machine was changed';
  if (!finished && waited.gone?.seen === false) {
    const seconds = Math.round(waited.gone.sinceCreateMs / 1000);
    return `Fly answered 404 for the release command's machine ${machineId} for ${seconds} s after creating it, so whether ${command} ran, and how it ended, is unknown; ${unchanged}. Re-run the job.`;
  }
  if (!finished && waited.gone !== undefined) {
    return `The release command's machine ${machineId} disappeared (404) before its exit could be read, so how ${command} ended is unknown; ${unchanged}. Re-run the job.`;
  }
  if (!finished) return `The release command ${command} did not finish within ${Math.round(release.timeoutMs / 1000)} s (release_command_timeout); ${unchanged}.`;
  if (state === 'failed') return `Fly could not start the release command's machine (it is "failed"); ${unchanged}.`;
  return `The release command ${command} exited with code ${exit?.exit_code ?? 'unknown'}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}; ${unchanged}.`;
}

/**
 * How the wait for the release machine ended: `finished` when it stopped, failed or was destroyed;
 * `gone` when it ended on a 404 (not visible yet, or destroyed and no longer readable), with whether
 * any wait had found the machine before. Then the machine and its events as far as they can be read.
 */
interface ReleaseWait {
  finished: boolean;
  gone: { seen: boolean; sinceCreateMs: number } | undefined;
  current: Machine | undefined;
  events: MachineEvent[];
}

/** Waits until the release machine has stopped or is gone, or the timeout ends; then reads how it ended. */
async function waitForRelease(ctx: FlyContext, appName: string, machine: Machine, timeoutMs: number): Promise<ReleaseWait> {
  const end = ctx.now() + timeoutMs;
  const changedAt = ctx.now();
  let finished = false;
  let seen = false;
  let last: WaitResult | undefined;
  try {
    for (let attempt = 1; ctx.now() < end; ) {
      const result = await ctx.client.wait(appName, machine.id, ['stopped', 'destroyed', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, (end - ctx.now()) / 1000));
      last = result;
      if (result !== 'gone') seen = true;
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
    const gone = last === 'gone' ? { seen, sinceCreateMs: ctx.now() - changedAt } : undefined;
    const current = await ctx.client.getMachine(appName, machine.id);
    const events = current?.events ?? (await ctx.client.events(appName, machine.id).catch(() => []));
    return { finished, gone, current, events };
  } catch (error) {
    // An API error while it runs must not leave the command going on behind the failed step.
    if (!finished) await ctx.client.deleteMachine(appName, machine.id).catch(() => undefined);
    throw error;
  }
}
