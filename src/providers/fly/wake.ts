// Waking a preview when a review starts: every machine of ours that fly-proxy stopped or suspended
// while idle is started (a suspended one resumes from its snapshot), each on its own, and waited on
// with the blocking /wait until `started`. One listing, then one start and one wait per sleeping
// machine; never an update, so nothing is redeployed.
import type { PreviewTarget, ProgressLog, WakeOutcome } from '../../provider.js';
import { settled } from '../settled.js';
import { maxWaitSeconds } from './client.js';
import type { FlyContext } from './context.js';
import { FlyAmbiguousError } from './http.js';
import { carries, gone, groupOf, releaseGroup } from './metadata.js';
import type { Machine } from './types.js';

/** States fly-proxy's autostop leaves an idle machine in (fly.io/docs/machines/machine-states). */
const asleep = new Set(['stopped', 'suspended']);

type Started = { id: string; from: string; result: 'started' | 'leased' | 'replaced' | 'timeout' | 'gone' };

export async function wake(ctx: FlyContext, target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome> {
  const appName = target.appName;
  // The API filters by the owner labels; checking again keeps a filter it ignored from waking others' machines.
  const listed = (await ctx.client.listMachinesWithMetadata(appName, target.ownerLabels)) ?? [];
  const ours = listed.filter((m) => !gone(m) && carries(m, target.ownerLabels) && groupOf(m, '') !== releaseGroup);
  if (ours.length === 0) return { kind: 'absent', appName };
  const sleeping = ours.filter((m) => asleep.has(m.state));
  const machineIds = ours.map((m) => m.id);
  if (sleeping.length === 0) return { kind: 'awake', appName, machineIds, started: [] };
  const deadline = ctx.now() + waitTimeoutMs;
  const results = await settled(sleeping.map((m) => startOne(ctx, appName, m, deadline, log)));
  const leased = results.filter((r) => r.result === 'leased' || r.result === 'replaced');
  if (leased.length > 0) {
    return { kind: 'busy', appName, reason: `a deploy is changing machine ${leased.map((r) => r.id).join(', ')} and starts it itself` };
  }
  const stuck = results.filter((r) => r.result !== 'started');
  if (stuck.length > 0) {
    const what = stuck.map((r) => `${r.id} (${r.result === 'gone' ? 'deleted meanwhile' : `still not started after ${Math.round(waitTimeoutMs / 1000)} s`})`);
    return { kind: 'failed', appName, reason: `machine ${what.join(', ')} did not come up; wait-timeout bounds the wait` };
  }
  return { kind: 'awake', appName, machineIds, started: results.map(({ id, from }) => ({ id, from })) };
}

/**
 * Starts one machine and blocks until its instance is `started`. A start whose answer was lost may
 * have gone through: the wait that follows tells, so it is never sent twice.
 */
async function startOne(ctx: FlyContext, appName: string, m: Machine, deadline: number, log: ProgressLog): Promise<Started> {
  const done = (result: Started['result']): Started => ({ id: m.id, from: m.state, result });
  try {
    if ((await ctx.client.startMachine(appName, m.id)) === 'leased') return done('leased');
  } catch (error) {
    if (!(error instanceof FlyAmbiguousError)) throw error;
    log.info(`The answer to starting machine ${m.id} was lost (${error.detail}); waiting to see whether it starts`);
  }
  log.info(`Starting machine ${m.id} of ${appName} (it was ${m.state})`);
  for (;;) {
    const remainingMs = deadline - ctx.now();
    if (remainingMs <= 0) return done('timeout');
    const result = await ctx.client.wait(appName, m.id, ['started'], m.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
    if (result === 'reached') return done('started');
    // An update replaced the instance: a deploy got there first, and it boots the machine itself.
    if (result === 'replaced' || result === 'gone') return done(result);
  }
}
