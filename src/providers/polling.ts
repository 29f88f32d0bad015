// For platforms with no blocking wait, no unique names and no idempotency keys (Koyeb, ComfyDeploy):
// the client and clock every phase of a deploy shares, looking again for something a create said
// exists (or whose answer was lost), and polling a status with growing pauses until it has ended.
import { pollPause, sleep } from '../retry.js';

/** What every phase of a deploy takes: one object, so no phase keeps state of its own. */
export interface PhaseContext<Client> {
  readonly client: Client;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Pauses between status polls; the last one repeats. */
  readonly pollIntervalsMs: readonly number[];
  /** Pauses before looking again for something a listing does not show yet. */
  readonly lookAgainDelaysMs: readonly number[];
}

/** The caller's clock and pauses, each optional; the platform supplies its own default pauses. */
export interface PhaseOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pollIntervalsMs?: readonly number[];
  lookAgainDelaysMs?: readonly number[];
}

export function phaseContext<Client>(
  client: Client,
  options: PhaseOptions,
  defaults: Pick<PhaseContext<Client>, 'pollIntervalsMs' | 'lookAgainDelaysMs'>,
): PhaseContext<Client> {
  return {
    client,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? sleep,
    pollIntervalsMs: options.pollIntervalsMs ?? defaults.pollIntervalsMs,
    lookAgainDelaysMs: options.lookAgainDelaysMs ?? defaults.lookAgainDelaysMs,
  };
}

/**
 * Looks at once, then after each pause, until `look` finds something: a platform's listings may not
 * show a new item at once, and a create whose answer was lost may yet have gone through.
 */
export async function lookAgain<T>(
  ctx: Pick<PhaseContext<unknown>, 'sleep' | 'lookAgainDelaysMs'>,
  look: () => Promise<T | undefined>,
): Promise<T | undefined> {
  for (const delayMs of [0, ...ctx.lookAgainDelaysMs]) {
    if (delayMs > 0) await ctx.sleep(delayMs);
    const found = await look();
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How a poll ended: the status has ended, the deadline passed first, or the thing no longer exists. */
export type PollResult<T> = { kind: 'ended'; value: T } | { kind: 'timeout'; value: T } | { kind: 'gone' };

export interface PollWindow {
  deadline: number;
  /** Something this run just started is known to be under way, so the first look waits a pause. */
  justStarted: boolean;
  /** The whole wait-timeout, which bounds each pause (pollPause). */
  budgetMs: number;
}

/** Polls with growing pauses until `ended` holds, `look` finds nothing, or the deadline passes. */
export async function pollUntilEnded<T>(
  ctx: Pick<PhaseContext<unknown>, 'now' | 'sleep' | 'pollIntervalsMs'>,
  look: () => Promise<T | undefined>,
  ended: (value: T) => boolean,
  { deadline, justStarted, budgetMs }: PollWindow,
): Promise<PollResult<T>> {
  const pauseFor = (poll: number): number => pollPause(ctx.pollIntervalsMs, poll, budgetMs);
  if (justStarted) await ctx.sleep(Math.min(pauseFor(0), Math.max(0, deadline - ctx.now())));
  for (let poll = justStarted ? 1 : 0; ; poll++) {
    const value = await look();
    if (value === undefined) return { kind: 'gone' };
    if (ended(value)) return { kind: 'ended', value };
    const remaining = deadline - ctx.now();
    if (remaining <= 0) return { kind: 'timeout', value };
    await ctx.sleep(Math.min(pauseFor(poll), remaining));
  }
}
