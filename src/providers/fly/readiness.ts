// Whether a machine really works: the boot wait (the API's blocking /wait), the smoke window after
// `started`, the health checks, and the reason a user reads when one of them fails.
import type { DeployOutcome, ProgressLog } from '../../provider.js';
import { backoffDelay, type RetryPolicy } from '../../retry.js';
import { maxWaitSeconds } from './client.js';
import type { FlyContext } from './context.js';
import { hostnameFor, ourMachines, ready, type Change, type GroupRequest } from './group.js';
import { FlyApiError } from './http.js';
import type { Machine, MachineEvent } from './types.js';

/**
 * A machine just created or updated may answer 404 to a read or a wait for a moment (flyctl
 * internal/machine/leasable_machine.go WaitForState WithJustCreated; flyctl #4618). Within this
 * grace a 404 means "not visible yet", never "gone", so it never leads to a second machine.
 */
export const machineVisibility: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 2_000, budgetMs: 60_000 };

export const recentEventCount = 5;

/** How a boot ended; `machine` is the machine as read after it, when it could be read. */
type BootResult =
  | { kind: 'started' | 'stopped' | 'failed'; machine: Machine; list: Machine[] }
  | { kind: 'timeout' | 'replaced' | 'gone' };

/** States on the way to `started`, in which the current instance is still worth waiting for. */
export const booting = new Set(['created', 'starting', 'replacing']);
/** States a boot's wait ends in. */
const bootSettled = new Set(['started', 'stopped', 'failed']);

export function describeEvent(e: MachineEvent): string {
  const exit = e.request?.exit_event;
  const restarts = e.request?.restart_count;
  const extra =
    exit === undefined
      ? ''
      : ` exit_code=${exit.exit_code ?? '?'}${exit.oom_killed === true ? ' oom_killed' : ''}${exit.restarting === true ? ' restarting' : ''}`;
  const count = restarts === undefined || restarts === 0 ? '' : ` restart_count=${restarts}`;
  const said = (e.request as { error?: unknown } | undefined)?.error;
  const text = typeof said === 'string' && said !== '' ? `: ${said}` : '';
  return `${new Date(e.timestamp).toISOString()} ${e.type} ${e.status}${e.source === undefined ? '' : ` (${e.source})`}${extra}${count}${text}`;
}

/**
 * The events of the machine's current run, newest first: those after the launch or update that
 * began it. An exit among them that nobody asked for is a crash, restarted or not (flyctl
 * internal/machine/leasable_machine.go isConstantlyRestarting reads the same fields).
 */
function crashesSinceStart(events: MachineEvent[]): MachineEvent[] {
  const began = events.findIndex((e) => e.type === 'launch' || e.type === 'update');
  const current = began === -1 ? events : events.slice(0, began);
  return current.filter((e) => e.type === 'exit' && e.request?.exit_event?.requested_stop !== true);
}

/**
 * One blocking wait for the boot's outcome: `started`, `stopped` or `failed`, whichever comes
 * first (repeated in ≤ 60 s slices up to wait-timeout). The answer does not say which, so the
 * machine list the race check needs anyway is read next and tells. A 404 just after the create
 * or update is the API catching up, not a machine gone.
 */
export async function waitForBoot(ctx: FlyContext, request: GroupRequest, machine: Machine, deadline: number): Promise<BootResult> {
  const appName = request.appName;
  const changedAt = ctx.now();
  for (let attempt = 1; ; ) {
    const remainingMs = deadline - ctx.now();
    if (remainingMs <= 0) return { kind: 'timeout' };
    const result = await ctx.client.wait(appName, machine.id, ['started', 'stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
    if (result === 'timeout') continue;
    if (result === 'replaced') return { kind: 'replaced' };
    if (result === 'gone') {
      const pause = Math.max(200, backoffDelay(machineVisibility, attempt++, ctx.random));
      if (ctx.now() - changedAt + pause > machineVisibility.budgetMs || ctx.now() + pause > deadline) return { kind: 'gone' };
      await ctx.sleep(pause);
      continue;
    }
    const list = (await ctx.client.listMachines(appName)) ?? [];
    const listed = list.find((m) => m.id === machine.id);
    const current = listed !== undefined && bootSettled.has(listed.state) ? listed : await readMachine(ctx, appName, machine.id, changedAt);
    if (current === undefined) return { kind: 'gone' };
    if (current.instance_id !== machine.instance_id) return { kind: 'replaced' };
    if (current.state === 'started' || current.state === 'stopped' || current.state === 'failed') return { kind: current.state, machine: current, list };
    // Reached, then left again before the read (a restart, say): wait once more.
  }
}

/** GET of a machine that may be invisible for a moment after a change; undefined once it is really gone. */
async function readMachine(ctx: FlyContext, appName: string, id: string, changedAt: number): Promise<Machine | undefined> {
  for (let attempt = 1; ; attempt++) {
    const machine = await ctx.client.getMachine(appName, id);
    if (machine !== undefined) return machine;
    const pause = Math.max(200, backoffDelay(machineVisibility, attempt, ctx.random));
    if (ctx.now() - changedAt + pause > machineVisibility.budgetMs) return undefined;
    await ctx.sleep(pause);
  }
}

/**
 * `started` means the VM booted, not that the app stays up: flyctl calls a machine good after
 * about 10 s up without exiting or restarting (internal/machine/leasable_machine.go
 * WaitForSmokeChecksToPass). One wait on `stopped`/`failed` spans the window, then one read of
 * the machine's events shows any exit, including ones its restart policy recovered from.
 */
async function smokeCheck(ctx: FlyContext, request: GroupRequest, machine: Machine): Promise<Machine> {
  const end = ctx.now() + request.smokeWindowMs;
  for (;;) {
    const remainingMs = end - ctx.now();
    if (remainingMs < 500) break;
    const result = await ctx.client.wait(request.appName, machine.id, ['stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
    if (result !== 'timeout') break;
  }
  return (await readMachine(ctx, request.appName, machine.id, ctx.now())) ?? machine;
}

/** Turns how a boot ended into an outcome, or into the machines to look at again. */
export async function afterBoot(
  ctx: FlyContext,
  request: GroupRequest,
  machine: Machine,
  boot: BootResult,
  change: Change,
  log: ProgressLog,
): Promise<{ outcome?: DeployOutcome; machines: Machine[] }> {
  const appName = request.appName;
  switch (boot.kind) {
    case 'started': {
      if (request.smokeWindowMs <= 0) {
        log.info(`Machine ${machine.id} started (instance ${machine.instance_id})`);
        return { outcome: ready(request, boot.machine, change), machines: [] };
      }
      log.info(`Machine ${machine.id} started (instance ${machine.instance_id}); checking it stays up for ${request.smokeWindowMs / 1000} s (smoke-window)`);
      log.started?.();
      const after = await smokeCheck(ctx, request, boot.machine);
      if (after.instance_id !== machine.instance_id) {
        log.info(`Machine ${machine.id} was updated by another run (instance ${after.instance_id}); looking again`);
        return { machines: [after] };
      }
      const crashes = crashesSinceStart(after.events ?? []);
      if (crashes.length === 0 && after.state === 'started') return { outcome: ready(request, after, change), machines: [] };
      return { outcome: failed(request, after, 'crashed', after.events ?? []), machines: [] };
    }
    case 'stopped':
    case 'failed':
      return { outcome: failed(request, boot.machine, boot.kind, boot.machine.events ?? (await ctx.client.events(appName, machine.id))), machines: [] };
    case 'timeout': {
      const current = (await ctx.client.getMachine(appName, machine.id)) ?? machine;
      return { outcome: failed(request, current, 'timeout', current.events ?? (await ctx.client.events(appName, machine.id))), machines: [] };
    }
    case 'gone':
      log.info(`Machine ${machine.id} was removed while booting (a racing run converging); looking again`);
      return { machines: await ourMachines(ctx, request) };
    case 'replaced': {
      const current = await ctx.client.getMachine(appName, machine.id);
      if (current === undefined) return { machines: await ourMachines(ctx, request) };
      if (current.instance_id === machine.instance_id) {
        throw new FlyApiError(`GET /v1/apps/${appName}/machines/${machine.id}/wait`, 400, 'the wait was refused');
      }
      log.info(`Machine ${machine.id} was updated by another run (instance ${current.instance_id}); looking again`);
      return { machines: [current] };
    }
  }
}

/**
 * Health checks have no wait endpoint: the machine is read at a modest pace (1 s, doubling to
 * 5 s) until every check passes. One still failing at the deadline fails the deploy.
 */
export async function waitForChecks(ctx: FlyContext, request: GroupRequest, outcome: DeployOutcome, deadline: number, log: ProgressLog): Promise<DeployOutcome> {
  let machine = request.seen;
  for (let attempt = 0; ; attempt++) {
    const checks = machine?.checks ?? [];
    const failing = checks.filter((c) => c.status !== 'passing');
    if (machine !== undefined && checks.length >= request.checkCount && failing.length === 0) {
      log.info(`Machine ${machine.id} (${request.group}): ${checks.length} health check${checks.length === 1 ? '' : 's'} passing`);
      request.seen = machine;
      return outcome;
    }
    const remaining = deadline - ctx.now();
    if (remaining <= 0) {
      const current = machine ?? (await ctx.client.getMachine(request.appName, outcome.machineId));
      if (current === undefined) return outcome;
      request.seen = current;
      for (const c of failing) log.info(`Health check ${c.name} of machine ${current.id} is ${c.status}: ${c.output ?? ''}`);
      const names = failing.length === 0 ? 'its health checks' : failing.map((c) => `"${c.name}" (${c.status})`).join(', ');
      const timedOut = failed(request, current, 'timeout', current.events ?? []);
      return timedOut.kind === 'failed' ? { ...timedOut, reason: `The ${request.group} machine started, but ${names} did not pass within ${checksBudget(request)}.` } : timedOut;
    }
    await ctx.sleep(Math.min(remaining, 1_000 * 2 ** Math.min(attempt, 3), 5_000));
    machine = (await ctx.client.getMachine(request.appName, outcome.machineId)) ?? machine;
  }
}

/** The time the checks had, as the deadline deployGroup gives them: wait-timeout plus any smoke window. */
function checksBudget(request: GroupRequest): string {
  const wait = Math.round(request.waitTimeoutMs / 1000);
  if (request.smokeWindowMs <= 0) return `${wait} s (wait-timeout)`;
  const smoke = request.smokeWindowMs / 1000;
  return `${Math.round((request.waitTimeoutMs + request.smokeWindowMs) / 1000)} s (wait-timeout ${wait} s plus smoke-window ${smoke} s)`;
}

function failed(request: GroupRequest, current: Machine, how: 'stopped' | 'failed' | 'crashed' | 'timeout', events: MachineEvent[]): DeployOutcome {
  const crashes = crashesSinceStart(events);
  const exit = crashes[0]?.request?.exit_event;
  const exitCode = exit?.exit_code;
  const code = `${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}`;
  const restarts = Math.max(0, ...crashes.map((e) => e.request?.restart_count ?? 0), crashes.filter((e) => e.request?.exit_event?.restarting === true).length);
  const seconds = Math.round(request.waitTimeoutMs / 1000);
  const last = events[0] === undefined ? '' : ` Last event: ${describeEvent(events[0])}.`;
  const reason =
    how === 'stopped'
      ? `The machine stopped during boot${code}.`
      : how === 'failed'
        ? `Fly could not start the machine: it is "failed" (an image that cannot be pulled, or no capacity in ${current.region}).${last}`
        : how === 'crashed'
          ? `The machine crashed within ${request.smokeWindowMs / 1000} s of starting${code}` +
            `${restarts > 0 ? `; its restart policy restarted it ${restarts} time${restarts === 1 ? '' : 's'}` : ''}; it is "${current.state}".`
          : `The machine did not reach "started" within ${seconds} s (wait-timeout); it is "${current.state}".`;
  return {
    kind: 'failed',
    appName: request.appName,
    hostname: hostnameFor(request.appName),
    machineId: current.id,
    region: current.region,
    reason,
    state: current.state,
    exitCode,
    recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
  };
}
