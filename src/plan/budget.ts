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
}

/** Least recently active means the latest of the PR's last update and the preview's last deploy. */
export function lastActive(pullUpdatedAtMs: number | undefined, lastDeployMs: number): number {
  return Math.max(pullUpdatedAtMs ?? 0, lastDeployMs);
}

/** Least recently active first; ties by PR number, then app, so racing runs pick the same one. */
export function byActivity(a: CountedPreview, b: CountedPreview): number {
  return a.lastActiveMs - b.lastActiveMs || (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : a.appName > b.appName ? 1 : 0);
}

/** The previews that may be evicted, the first to go first. */
export function evictionOrder<T extends CountedPreview>(previews: readonly T[]): T[] {
  return previews.filter((p) => p.pr !== undefined).sort(byActivity);
}

/** Whether a new preview fits beside `count` live ones without anything going. */
export const hasRoom = (count: number, cap: number): boolean => count < cap;

export type FullVerdict<T extends CountedPreview = CountedPreview> =
  /** Evict `excess` of the candidates, in order (the run passes over one a deploy is changing). */
  | { kind: 'evict'; excess: number; candidates: T[] }
  /** No place: these hold them, least recently active first. */
  | { kind: 'refuse'; holders: T[] };

/**
 * What a new preview does when `others` (this repository's live previews, not this PR's) leave no
 * room (`hasRoom` is false): evict the least recently active, or be refused.
 */
export function fullVerdict<T extends CountedPreview>(others: readonly T[], cap: number, policy: CapPolicy): FullVerdict<T> {
  const excess = Math.max(1, others.length - cap + 1);
  const candidates = evictionOrder(others);
  if (policy === 'refuse' || candidates.length < excess) return { kind: 'refuse', holders: [...others].sort(byActivity) };
  return { kind: 'evict', excess, candidates };
}
