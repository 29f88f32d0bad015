// Converging a process group on one machine in the requested region: create it, or update it in
// place under a lease, while racing runs do the same without talking to each other (the oldest
// machine wins; a newer revision is never replaced by an older one). Region moves and the
// machines of dropped groups are cleaned up once the new ones are ready.
import type { DeployOutcome, DeployRequest, ProgressLog } from '../../provider.js';
import { backoffDelay, defaultRetryPolicy } from '../../retry.js';
import { settled } from '../settled.js';
import { inApp, type AppState } from './app.js';
import type { FlyClient } from './client.js';
import type { FlyContext } from './context.js';
import { sameConfig, type DesiredConfig } from './desired.js';
import { ourMachines, ours, ready, secretsVersion, superseded, type GroupRequest } from './group.js';
import { FlyAmbiguousError } from './http.js';
import { byAge, deployedRevision, groupOf } from './metadata.js';
import { afterBoot, booting, waitForBoot, waitForChecks } from './readiness.js';
import type { Machine } from './types.js';
import { deleteVolumes } from './volumes.js';

const leaseTtlSeconds = 30;
/** Rounds of "look, act, wait" before giving up on a machine that racing runs keep changing. */
const maxRounds = 6;

/** One group: converge its machine, then wait for its health checks. */
export async function deployGroup(ctx: FlyContext, request: GroupRequest, all: Machine[], deadline: number, app: AppState, log: ProgressLog): Promise<DeployOutcome> {
  const found = ours(request, all);
  const outcome = await converge(ctx, request, found, deadline, app, log);
  if (outcome.kind !== 'ready' || request.checkCount === 0) return outcome;
  return request.phases.time('checks', () => waitForChecks(ctx, request, outcome, deadline + request.smokeWindowMs, log));
}

/** Look, act, wait; again when a racing run changed the machine under us. */
async function converge(ctx: FlyContext, request: GroupRequest, found: Machine[], deadline: number, app: AppState, log: ProgressLog): Promise<DeployOutcome> {
  const config = request.config;
  let mine = found;
  for (let round = 1; round <= maxRounds; round++) {
    // A newer revision anywhere, even in the region this run would leave, is left in place.
    for (const m of mine) {
      const newer = superseded(request, m);
      if (newer !== undefined) return newer;
    }
    // Region is fixed for a machine's life: one elsewhere is replaced by a new one here.
    const here = mine.filter((m) => m.region === request.region);
    const elsewhere = mine.filter((m) => m.region !== request.region);

    if (here.length === 0) {
      const created = await request.phases.time('machines', () => create(ctx, request, config, app, elsewhere.length > 0, log));
      const boot = await request.phases.time('boot', () => waitForBoot(ctx, request, created, deadline));
      // Another run may have created one too. Looking only after the boot, which takes far longer
      // than a create, lets both runs see both machines; each keeps the oldest, so they agree.
      const listed = 'list' in boot ? ours(request, boot.list) : await ourMachines(ctx, request);
      const older = listed.filter((m) => m.id !== created.id && m.region === request.region && byAge(m, created) < 0);
      if (older.length > 0) {
        await ctx.client.deleteMachine(request.appName, created.id);
        log.info(`Machine ${older[0]?.id} was created first by a racing run; removed duplicate ${created.id}`);
        mine = listed.filter((m) => m.id !== created.id);
        continue;
      }
      const next = await request.phases.time('boot', () => afterBoot(ctx, request, created, boot, elsewhere.length > 0 ? 'moved' : 'created', log));
      if (next.outcome !== undefined) return leaveRegions(ctx, request, next.outcome, elsewhere, log);
      mine = next.machines;
      continue;
    }

    const [keep, ...extra] = here;
    if (keep === undefined) continue;
    if (extra.length > 0) {
      await settled(extra.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
      log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
    }
    if (sameConfig(keep.config, config) && keep.state === 'started' && elsewhere.length === 0) {
      log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
      return ready(request, keep, 'unchanged');
    }
    if (sameConfig(keep.config, config) && (booting.has(keep.state) || keep.state === 'started')) {
      // Another run of this revision is booting it (or moving it here): wait for that boot rather than start another.
      const next = await request.phases.time('boot', async () => afterBoot(ctx, request, keep, await waitForBoot(ctx, request, keep, deadline), 'unchanged', log));
      if (next.outcome !== undefined) return leaveRegions(ctx, request, next.outcome, elsewhere, log);
      mine = next.machines;
      continue;
    }

    const updated = await request.phases.time('machines', () => updateUnderLease(ctx, request, keep, config, deadline, log));
    if (updated.outcome !== undefined) return updated.outcome;
    if (updated.machine === undefined) {
      mine = await ourMachines(ctx, request);
      continue;
    }
    const machine = updated.machine;
    const next = await request.phases.time('boot', async () => afterBoot(ctx, request, machine, await waitForBoot(ctx, request, machine, deadline), 'updated', log));
    if (next.outcome !== undefined) return leaveRegions(ctx, request, next.outcome, elsewhere, log);
    mine = next.machines;
  }
  throw new Error(
    `Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`,
  );
}

/** Once the machine in the requested region is ready, the ones it replaces in other regions go. */
async function leaveRegions(ctx: FlyContext, request: GroupRequest, outcome: DeployOutcome, elsewhere: Machine[], log: ProgressLog): Promise<DeployOutcome> {
  if (outcome.kind !== 'ready' || elsewhere.length === 0) return outcome;
  await settled(elsewhere.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
  log.info(
    `Removed machine${elsewhere.length > 1 ? 's' : ''} ${elsewhere.map((m) => `${m.id} (${m.region})`).join(', ')}: ` +
      `the preview now runs in ${request.region}`,
  );
  const left = new Set(elsewhere.map((m) => m.id));
  await deleteVolumes(ctx, request.appName, request.volumes.filter((v) => v.attached_machine_id !== null && left.has(v.attached_machine_id)), log);
  return outcome;
}

async function create(ctx: FlyContext, request: GroupRequest, config: DesiredConfig, app: AppState, moving: boolean, log: ProgressLog): Promise<Machine> {
  // No machine name: Fly makes one, and a fixed name could collide between racing creates.
  const body = { region: request.region, config, ...secretsVersion(request) };
  const made = (machine: Machine): Machine => {
    log.info(
      `Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})` +
        (moving ? `; the region input changed, so it replaces the machine elsewhere once it is ready` : ''),
    );
    return machine;
  };
  // On an app this run just created, a 404 or 401 means "not visible yet" (app.ts inApp), for the
  // create after a lost answer as much as for the first.
  const createInApp = () => inApp(ctx, app, (justCreated) => ctx.client.createMachine(request.appName, body, justCreated));
  log.changing();
  try {
    return made(await createInApp());
  } catch (error) {
    if (!(error instanceof FlyAmbiguousError)) throw error;
    log.info(`The answer to creating the machine was lost (${error.detail}); looking before creating again`);
    const listed = await inApp(ctx, app, async (justCreated) => ours(request, (await ctx.client.listMachines(request.appName, justCreated)) ?? []));
    const found = listed.filter(
      (m) => deployedRevision(m).id === request.revision.id && m.config.image === request.image && m.region === request.region,
    );
    const latest = found.at(-1);
    if (latest !== undefined) {
      log.info(`Found machine ${latest.id}: the lost create did go through`);
      return latest;
    }
    return made(await createInApp());
  }
}

/**
 * Updates under a machine lease so two runs never interleave their updates. Returns the updated
 * machine, an outcome when a newer revision got there first, or neither when the machine vanished.
 */
async function updateUnderLease(
  ctx: FlyContext,
  request: GroupRequest,
  machine: Machine,
  config: DesiredConfig,
  deadline: number,
  log: ProgressLog,
): Promise<{ machine?: Machine; outcome?: DeployOutcome }> {
  const appName = request.appName;
  let lease: Awaited<ReturnType<FlyClient['acquireLease']>>;
  for (let attempt = 1; ; attempt++) {
    lease = await ctx.client.acquireLease(appName, machine.id, leaseTtlSeconds);
    if (lease !== undefined) break;
    if (ctx.now() >= deadline) {
      throw new Error(`Machine ${machine.id} stayed locked by another deploy's lease until wait-timeout ran out.`);
    }
    if (attempt === 1) log.info(`Machine ${machine.id} is being updated by another run; waiting for its lease`);
    await ctx.sleep(Math.max(200, backoffDelay({ ...defaultRetryPolicy, maxDelayMs: 2_000 }, attempt)));
  }
  try {
    // The lease names the machine version it was taken on; if that is not what we looked at,
    // another run changed the machine meanwhile and we look again.
    const current = lease.version === machine.instance_id ? machine : await ctx.client.getMachine(appName, machine.id);
    if (current === undefined) return {};
    const newer = superseded(request, current);
    if (newer !== undefined) return { outcome: newer };
    // A machine that already has this config but stopped (a crash at boot, say) is updated all
    // the same: the update boots a fresh instance, so a re-run retries instead of re-reporting.
    if (sameConfig(current.config, config) && (current.state === 'started' || booting.has(current.state))) {
      return { machine: current };
    }
    // The machine's own region: the API cannot move a machine (region is immutable).
    const body = { region: current.region, config, ...secretsVersion(request) };
    log.changing();
    try {
      const updated = await ctx.client.updateMachine(appName, machine.id, body, lease.nonce);
      log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
      return { machine: updated };
    } catch (error) {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      const after = await ctx.client.getMachine(appName, machine.id);
      if (after !== undefined && sameConfig(after.config, config)) {
        log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
        return { machine: after };
      }
      const updated = await ctx.client.updateMachine(appName, machine.id, body, lease.nonce);
      log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
      return { machine: updated };
    }
  } finally {
    // Best effort: an unreleased lease only delays the next run until its short TTL ends.
    await ctx.client.releaseLease(appName, machine.id, lease.nonce).catch(() => undefined);
  }
}

/** Machines of process groups the fly.toml no longer has go once the others are ready. */
export async function dropGroups(ctx: FlyContext, request: DeployRequest, all: Machine[], groups: Set<string>, defaultGroup: string, log: ProgressLog): Promise<void> {
  const stale = all.filter((m) => !groups.has(groupOf(m, defaultGroup)));
  if (stale.length === 0) return;
  await settled(stale.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
  log.info(`Removed machine${stale.length > 1 ? 's' : ''} ${stale.map((m) => `${m.id} (${groupOf(m, defaultGroup)})`).join(', ')}: the process group is gone from the fly.toml`);
}
