// The cap on live previews (`max-previews`): which previews hold the places, which one goes first
// when a new one needs a place, and when a new one is refused instead. Pure: the run lists the
// previews and reads their PRs; this decides.
import type { CapPolicy } from '../budget-inputs.js';

/** A live preview of this repository, as the cap counts it. */
export interface CountedPreview {
  appName: string;
  /**
   * The PR it belongs to; undefined when its machines name no PR this repository has. Such a
   * preview is counted (it runs and is billed) but never evicted: a person looks at it, as the sweep
   * leaves it for one.
   */
  pr: number | undefined;
  /** The latest of its PR's `updated_at` and its last deploy, in ms. */
  lastActiveMs: number;
  /**
   * Its PR is closed or merged: a preview a close run failed to remove. Closing bumps the PR's
   * `updated_at`, so by activity it would look the most recent; it is evicted first instead.
   */
  closed: boolean;
}

/** Least recently active means the latest of the PR's last update and the preview's last deploy. */
export function lastActive(pullUpdatedAtMs: number | undefined, lastDeployMs: number): number {
  return Math.max(pullUpdatedAtMs ?? 0, lastDeployMs);
}

/** Least recently active first; ties by PR number, then app, so racing runs pick the same one. */
export function byActivity(a: CountedPreview, b: CountedPreview): number {
  return a.lastActiveMs - b.lastActiveMs || (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : a.appName > b.appName ? 1 : 0);
}

/** The previews that may be evicted, the first to go first: those of closed PRs, then the least recently active. */
export function evictionOrder<T extends CountedPreview>(previews: readonly T[]): T[] {
  return previews.filter((p) => p.pr !== undefined).sort((a, b) => Number(b.closed) - Number(a.closed) || byActivity(a, b));
}

/** Whether a new preview fits beside `count` live ones without anything going. */
export const hasRoom = (count: number, cap: number): boolean => count < cap;

export type FullVerdict<T extends CountedPreview = CountedPreview> =
  /**
   * Evict up to `excess` of the candidates, in order (the run passes over one a deploy is changing),
   * enough to bring the count with the new preview back to the cap.
   */
  | { kind: 'evict'; excess: number; candidates: T[] }
  /**
   * No place: these hold them, least recently active first. `policy`: the policy is refuse;
   * `unowned`: none of them names a PR of this repository, and such a preview is never evicted.
   */
  | { kind: 'refuse'; why: 'policy' | 'unowned'; holders: T[] };

/**
 * What a new preview does when `others` (this repository's live previews, not this PR's) leave no
 * room (`hasRoom` is false): evict (closed PRs' previews first, then the least recently active), or
 * be refused; under `refuse` only closed PRs' previews go.
 */
export function fullVerdict<T extends CountedPreview>(others: readonly T[], cap: number, policy: CapPolicy): FullVerdict<T> {
  const excess = Math.max(1, others.length - cap + 1);
  const candidates = evictionOrder(others);
  if (policy === 'refuse') {
    // A closed PR's preview holds no one's place: removing it is the cleanup its close run missed,
    // which `refuse` does not forbid; only previews of open PRs are never evicted.
    const closed = candidates.filter((p) => p.closed);
    if (closed.length > 0) return { kind: 'evict', excess, candidates: closed };
    return { kind: 'refuse', why: 'policy', holders: [...others].sort(byActivity) };
  }
  if (candidates.length === 0) return { kind: 'refuse', why: 'unowned', holders: [...others].sort(byActivity) };
  return { kind: 'evict', excess, candidates };
}

/**
 * Whether the new preview deploys after the evictions: once one preview went, the count with the new
 * one is no more than it was, so a cap a race had passed is never passed further, and what a deploy
 * held (or what could not go) is left for the next deploy or sweep to bring down.
 */
export const madeRoom = (evicted: number): boolean => evicted > 0;
