// The GitHub REST client: Octokit from @actions/github (so GITHUB_API_URL, proxies and GHES work as
// in every other action) with Octokit's own retry and throttling plugins, configured so that a write
// whose answer was lost is never sent twice, and errors that name the call.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { connectionErrorCode, neverSent } from '../retry.js';

export interface GitHubClientOptions {
  /**
   * Milliseconds per second of every wait (GitHub's `retry-after`, `x-ratelimit-reset`, and the retry
   * plugin's backoff of 1 s, 4 s, 9 s). 1000 in production; tests shrink it so nothing sleeps for real.
   */
  msPerSecond?: number;
  /** Where "waiting for a rate limit" lines go; the step log by default. */
  log?: (line: string) => void;
}

/** A failed GitHub call: which call, the status, GitHub's own message and its request id. */
export class GitHubApiError extends Error {
  readonly status: number | undefined;
  readonly call: string;
  constructor(call: string, status: number | undefined, detail: string, requestId?: string) {
    // The request id is what GitHub Support asks for.
    const id = requestId === undefined ? '' : ` (x-github-request-id ${requestId})`;
    super(
      status === undefined
        ? `GitHub API: ${call} failed: ${detail}${id}`
        : `GitHub API: ${call} failed with ${status}: ${detail}${id}`,
    );
    this.name = 'GitHubApiError';
    this.call = call;
    this.status = status;
  }
}

interface RequestShape {
  method?: unknown;
  url?: unknown;
  [key: string]: unknown;
}

/** `POST /repos/octo/shop/issues/7/comments`: the route with its parameters filled in, no query. */
function describeCall(options: RequestShape): string {
  const method = String(options.method).toUpperCase();
  const route = String(options.url).replace(/\{(\w+)\}/g, (_, key: string) => String(options[key] ?? key));
  // Pagination passes the next page as a full URL; the call is its path.
  return `${method} ${new URL(route, 'https://api.github.com').pathname}`;
}

function toGitHubApiError(call: string, error: unknown): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    message?: unknown;
    response?: { headers?: Record<string, unknown> };
  };
  const network = connectionErrorCode(error);
  // Octokit reports a connection failure as status 500; it is not an answer from GitHub.
  const status = network === undefined && typeof shape.status === 'number' ? shape.status : undefined;
  const detail = network ?? (typeof shape.message === 'string' ? shape.message : String(error));
  const requestId = shape.response?.headers?.['x-github-request-id'];
  return new GitHubApiError(call, status, detail, typeof requestId === 'string' ? requestId : undefined);
}

const idempotent = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']);

/**
 * A POST whose answer was lost (the connection broke after sending, or a 5xx) may have been carried
 * out; sending it again could post a second comment or deployment. This plugin, applied before the
 * retry plugin so its error hook runs first, turns such a failure into a final GitHubApiError, which
 * the retry plugin passes on untouched (it retries only Octokit RequestErrors).
 */
function lostWritesAreFinal(octokit: { hook: { error: (name: 'request', hook: (error: Error, options: RequestShape) => never) => void } }): void {
  octokit.hook.error('request', (error, options) => {
    const method = String(options.method).toUpperCase();
    const network = connectionErrorCode(error);
    const status = (error as { status?: unknown }).status;
    const lost = network !== undefined ? !neverSent(network) : typeof status === 'number' && status >= 500;
    if (!idempotent.has(method) && lost) throw toGitHubApiError(describeCall(options), error);
    throw error;
  });
}

/** The longest total wait for rate limits on one call; a reset further away fails the step instead. */
const rateLimitBudgetSeconds = 60;

export function createGitHubClient(token: string, options: GitHubClientOptions = {}) {
  const msPerSecond = options.msPerSecond ?? 1000;
  const log = options.log ?? ((line: string) => core.info(line));
  const waited = new WeakMap<object, number>();
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: RequestShape): boolean => {
      const total = (waited.get(request) ?? 0) + retryAfter;
      if (total > rateLimitBudgetSeconds) return false;
      waited.set(request, total);
      log(`GitHub ${kind} on ${describeCall(request)}; retrying in ${retryAfter} s`);
      return true;
    };
  // The throttling plugin would also space every write 1 s apart (3 s for comments): meant for bulk
  // clients, it would add seconds to a run that makes at most four writes. Unpaced groups keep its
  // reaction to rate limits and drop the pacing.
  const unpaced = (): Bottleneck.Group => new Bottleneck.Group({ maxConcurrent: 10 });
  const octokit = getOctokit(
    token,
    {
      log: { debug() {}, info() {}, warn() {}, error() {} },
      retry: {
        retryAfterBaseValue: msPerSecond,
        // 403 and 429 are rate limits (the throttling plugin's, which reads their headers) or refusals.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        retryAfterBaseValue: msPerSecond,
        write: unpaced(),
        notifications: unpaced(),
        search: unpaced(),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    },
    lostWritesAreFinal,
    retry,
    throttling,
  );
  // Outermost: whatever still fails after the plugins gave up names the call.
  octokit.hook.wrap('request', async (request, requestOptions) => {
    try {
      return await request(requestOptions);
    } catch (error) {
      throw toGitHubApiError(describeCall(requestOptions as RequestShape), error);
    }
  });
  return octokit;
}

export type GitHubClient = ReturnType<typeof createGitHubClient>;
