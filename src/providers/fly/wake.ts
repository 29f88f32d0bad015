// Waking a preview when a review starts: every machine of ours that fly-proxy stopped or suspended
// while idle is started (a suspended one resumes from its snapshot), each on its own, and waited on
// with the blocking /wait until `started`. One caught on its way down (`stopping`, `suspending`) is
// first waited on, with the same blocking /wait, until it is down, then started: a start that beats
// the stop would be undone by it (flyctl waits a stop out the same way before a start:
// internal/command/postgres/failover.go); one already `starting` is only waited on. One listing, then
// one start and one wait per sleeping machine; never an update, so nothing is redeployed. A machine a
// deploy is changing is left to it; one in any other state (a `failed` one above all) is not woken,
// and the wake fails naming the state.
import type { PreviewTarget, ProgressLog, WakeOutcome } from '../../provider.js';
import { settled } from '../settled.js';
import { maxWaitSeconds, type WaitState } from './client.js';
import type { FlyContext } from './context.js';
import { FlyAmbiguousError } from './http.js';
import { carries, gone, groupOf, releaseGroup } from './metadata.js';
import type { Machine } from './types.js';

/** States fly-proxy's autostop leaves an idle machine in (fly.io/docs/machines/machine-states). */
const asleep = new Set(['stopped', 'suspended']);
/** On the way there: waited on until down, then started. */
const fallingAsleep = new Set(['stopping', 'suspending']);
/** A deploy's: just created, or an update making a new instance. */
const changing = new Set(['created', 'replacing']);
/** Not up, but starting or to be started. */
const wakeable = (state: string): boolean => state === 'starting' || asleep.has(state) || fallingAsleep.has(state);

/** `woke`: this call sent the start (a machine already `starting` is only waited on). */
type Started = { id: string; from: string; woke: boolean; result: 'started' | 'leased' | 'replaced' | 'timeout' | 'gone' };

export async function wake(ctx: FlyContext, target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome> {
  const appName = target.appName;
  // The API filters by the owner labels; checking again keeps a filter it ignored from waking others' machines.
  const listed = (await ctx.client.listMachinesWithMetadata(appName, target.ownerLabels)) ?? [];
  const ours = listed.filter((m) => !gone(m) && carries(m, target.ownerLabels) && groupOf(m, '') !== releaseGroup);
  if (ours.length === 0) return { kind: 'absent', appName };
  const stuck = ours.filter((m) => m.state !== 'started' && !wakeable(m.state) && !changing.has(m.state));
  if (stuck.length > 0) {
    const states = stuck.map((m) => `${m.id} is ${m.state}`).join(', ');
    return { kind: 'failed', appName, reason: `machine ${states}, which a wake does not start; a push or a re-run deploys it again` };
  }
  const updating = ours.filter((m) => changing.has(m.state));
  if (updating.length > 0) return { kind: 'busy', appName, reason: `a deploy is changing machine ${updating.map((m) => m.id).join(', ')} and starts it itself` };
  const sleeping = ours.filter((m) => m.state !== 'started');
  const machineIds = ours.map((m) => m.id);
  if (sleeping.length === 0) return { kind: 'awake', appName, machineIds, started: [] };
  const deadline = ctx.now() + waitTimeoutMs;
  const results = await settled(sleeping.map((m) => startOne(ctx, appName, m, deadline, log)));
  const leased = results.filter((r) => r.result === 'leased' || r.result === 'replaced');
  if (leased.length > 0) {
    return { kind: 'busy', appName, reason: `a deploy is changing machine ${leased.map((r) => r.id).join(', ')} and starts it itself` };
  }
  const failed = results.filter((r) => r.result !== 'started');
  if (failed.length > 0) {
    const what = failed.map((r) => `${r.id} (${r.result === 'gone' ? 'deleted meanwhile' : `still not started after ${Math.round(waitTimeoutMs / 1000)} s`})`);
    return { kind: 'failed', appName, reason: `machine ${what.join(', ')} did not come up; wait-timeout bounds the wait` };
  }
  return { kind: 'awake', appName, machineIds, started: results.filter((r) => r.woke).map(({ id, from }) => ({ id, from })) };
}

/**
 * Starts one machine (once it is down, when it was on its way there) and blocks until its instance
 * is `started`. A start whose answer was lost may have gone through: the wait that follows tells, so
 * it is never sent twice.
 */
async function startOne(ctx: FlyContext, appName: string, m: Machine, deadline: number, log: ProgressLog): Promise<Started> {
  const done = (result: Started['result'], woke = true): Started => ({ id: m.id, from: m.state, woke, result });
  if (m.state === 'starting') {
    const up = await waitFor(ctx, appName, m, ['started'], deadline);
    return done(up === 'reached' ? 'started' : up, false);
  }
  if (fallingAsleep.has(m.state)) {
    log.info(`Machine ${m.id} of ${appName} is ${m.state}; waiting until it is down to start it`);
    const down = await waitFor(ctx, appName, m, ['stopped', 'suspended'], deadline);
    if (down !== 'reached') return done(down);
  }
  try {
    if ((await ctx.client.startMachine(appName, m.id)) === 'leased') return done('leased');
  } catch (error) {
    if (!(error instanceof FlyAmbiguousError)) throw error;
    log.info(`The answer to starting machine ${m.id} was lost (${error.detail}); waiting to see whether it starts`);
  }
  log.info(`Starting machine ${m.id} of ${appName} (it was ${m.state})`);
  const up = await waitFor(ctx, appName, m, ['started'], deadline);
  return done(up === 'reached' ? 'started' : up);
}

/** Blocks, in slices of at most a minute, until the machine's instance is in one of `states`. */
async function waitFor(ctx: FlyContext, appName: string, m: Machine, states: WaitState[], deadline: number): Promise<'reached' | 'replaced' | 'gone' | 'timeout'> {
  for (;;) {
    const remainingMs = deadline - ctx.now();
    if (remainingMs <= 0) return 'timeout';
    const result = await ctx.client.wait(appName, m.id, states, m.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
    // `replaced`: an update made a new instance: a deploy got there first, and it boots the machine itself.
    if (result !== 'timeout') return result;
  }
}
