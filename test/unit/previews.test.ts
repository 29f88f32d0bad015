// The one reading of a PR that runs without its event share: as a run acts on it (pr-number,
// `/preview`, an evicted or swept preview's PR) and as a sweep row and verdict see it.
import { describe, expect, it } from 'vitest';
import type { PullSummary } from '../../src/github/index.js';
import { pullRequestOf, sweptPull } from '../../src/run/previews.js';

const pull = (changes: Partial<PullSummary> = {}): PullSummary => ({
  number: 7,
  state: 'open',
  merged: false,
  updatedAt: '2026-01-10T10:00:00Z',
  headSha: 'a'.repeat(40),
  headRepoFullName: 'Acme/Shop',
  baseRepoFullName: 'acme/shop',
  ...changes,
});

describe('a PR read through the API', () => {
  it('is a fork when its head is another repository or a deleted one, whatever the case of the names', () => {
    const repo = { owner: 'acme', repo: 'shop' };
    expect(pullRequestOf(repo, 7, pull())).toMatchObject({ number: 7, owner: 'acme', repo: 'shop', isFork: false, updatedAtMs: Date.parse('2026-01-10T10:00:00Z') });
    expect(pullRequestOf(repo, 7, pull({ headRepoFullName: 'mallory/shop' })).isFork).toBe(true);
    expect(pullRequestOf(repo, 7, pull({ headRepoFullName: null })).isFork).toBe(true);
  });

  it('is shown to a sweep by its state in words and its idle time, and judged by state, merge and last update', () => {
    const now = Date.parse('2026-01-12T10:00:00Z');
    expect(sweptPull(pull({ state: 'closed', merged: true }), now)).toEqual({
      prState: 'merged',
      idle: '2 days',
      swept: { state: 'closed', merged: true, updatedAtMs: Date.parse('2026-01-10T10:00:00Z') },
    });
    expect(sweptPull(undefined, now)).toEqual({ prState: 'unknown', idle: '', swept: undefined });
  });
});
