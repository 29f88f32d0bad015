// PR states for a sweep and for runs outside pull_request events. A sweep may need the state of
// hundreds of PRs: it reads the list a hundred at a time and stops once it knows all it needs,
// never one call per preview; a handful is cheaper read one by one.
import { GitHubApiError, type GitHubClient } from './octokit.js';
import type { RepoRef } from './deployment.js';

export interface PullSummary {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  /** ISO 8601: the PR's last activity (a push, a comment, a label, a close). */
  updatedAt: string;
  headSha: string;
  /** owner/repo of the head; null when the fork was deleted. */
  headRepoFullName: string | null;
  baseRepoFullName: string;
}

/** Up to this many PRs are read one by one; more, through the list. */
const singleReadsUpTo = 3;

interface PullShape {
  number: number;
  state: string;
  merged_at?: string | null;
  updated_at: string;
  head: { sha: string; repo?: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

function summary(pull: PullShape): PullSummary {
  return {
    number: pull.number,
    state: pull.state === 'closed' ? 'closed' : 'open',
    merged: typeof pull.merged_at === 'string',
    updatedAt: pull.updated_at,
    headSha: pull.head.sha,
    headRepoFullName: pull.head.repo?.full_name ?? null,
    baseRepoFullName: pull.base.repo.full_name,
  };
}

/** One PR; undefined when the repository has no such PR. */
export async function readPull(gh: GitHubClient, repo: RepoRef, number: number): Promise<PullSummary | undefined> {
  try {
    const { data } = await gh.rest.pulls.get({ ...repo, pull_number: number });
    return summary(data);
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The PRs with these numbers that exist; a number missing from the map has no PR. */
export async function readPulls(gh: GitHubClient, repo: RepoRef, numbers: readonly number[]): Promise<Map<number, PullSummary>> {
  const wanted = new Set(numbers);
  const found = new Map<number, PullSummary>();
  if (wanted.size <= singleReadsUpTo) {
    const pulls = await Promise.all([...wanted].map((n) => readPull(gh, repo, n)));
    for (const pull of pulls) if (pull !== undefined) found.set(pull.number, pull);
    return found;
  }
  // Most recently updated first: PRs closed since the last sweep come early.
  const pages = gh.paginate.iterator(gh.rest.pulls.list, { ...repo, state: 'all', sort: 'updated', direction: 'desc', per_page: 100 });
  let pagesRead = 0;
  for await (const page of pages) {
    pagesRead++;
    for (const pull of page.data) if (wanted.has(pull.number)) found.set(pull.number, summary(pull));
    const missing = [...wanted].filter((n) => !found.has(n));
    if (missing.length === 0) break;
    // A number that is no PR at all (an issue's, say) is only proven missing by the last page:
    // when fewer reads of single PRs than pages are left, those answer sooner.
    const last = lastPage(page.headers.link);
    if (last !== undefined && missing.length <= singleReadsUpTo && missing.length < last - pagesRead) {
      const pulls = await Promise.all(missing.map((n) => readPull(gh, repo, n)));
      for (const pull of pulls) if (pull !== undefined) found.set(pull.number, pull);
      break;
    }
  }
  return found;
}

/** The page number of the Link header's rel="last" (RFC 8288), as GitHub paginates. */
function lastPage(link: string | undefined): number | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="last"/.exec(part);
    if (match?.[1] === undefined) continue;
    const page = Number(new URL(match[1]).searchParams.get('page'));
    return Number.isInteger(page) && page > 0 ? page : undefined;
  }
  return undefined;
}
