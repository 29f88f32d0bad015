// The GitHub REST client: Octokit from @actions/github (so GITHUB_API_URL, proxies and GHES work as
// in every other action), with the retry policy of src/retry.ts and errors that name the call.
import { getOctokit } from '@actions/github';
import {
  backoffDelay,
  connectionErrorCode,
  defaultRetryPolicy,
  mayRetry,
  neverSent,
  parseRetryAfter,
  sleep,
  type RetryPolicy,
} from '../retry.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  retryPolicy?: RetryPolicy;
  /** Injected by tests so backoff does not sleep for real. */
  sleep?: (ms: number) => Promise<void>;
}

/** A failed GitHub call: which call, the status and GitHub's own message. */
export class GitHubApiError extends Error {
  readonly status: number | undefined;
  readonly call: string;
  constructor(call: string, status: number | undefined, detail: string) {
    super(
      status === undefined
        ? `GitHub API: ${call} failed: ${detail}`
        : `GitHub API: ${call} failed with ${status}: ${detail}`,
    );
    this.name = 'GitHubApiError';
    this.call = call;
    this.status = status;
  }
}

interface OctokitErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | undefined> };
}

function describe(error: unknown): { status: number | undefined; message: string; retryAfterMs: number | undefined } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as OctokitErrorShape;
  const network = connectionErrorCode(error);
  // Octokit reports a connection failure as status 500; it is not an answer from GitHub.
  const status = network === undefined && typeof shape.status === 'number' ? shape.status : undefined;
  const message = network ?? (typeof shape.message === 'string' ? shape.message : String(error));
  return { status, message, retryAfterMs: parseRetryAfter(shape.response?.headers?.['retry-after']) };
}

const idempotent = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']);

export function createGitHubClient(token: string, options: GitHubClientOptions = {}): GitHubClient {
  const policy = options.retryPolicy ?? defaultRetryPolicy;
  const wait = options.sleep ?? sleep;
  const octokit = getOctokit(token, { log: { debug() {}, info() {}, warn() {}, error() {} } });

  octokit.hook.wrap('request', async (request, requestOptions) => {
    const method = String(requestOptions.method).toUpperCase();
    const path = String(requestOptions.url).replace(/\{(\w+)\}/g, (_, key: string) => String(requestOptions[key] ?? key));
    const call = `${method} ${path.split('?')[0]}`;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const { status, message, retryAfterMs } = describe(error);
        const network = connectionErrorCode(error);
        // A POST whose answer was lost may have been carried out; repeating it could duplicate a comment,
        // so only answers that prove nothing happened (429, 5xx before sending) are retried for it.
        const retryable =
          status === 429 ||
          (status === 403 && retryAfterMs !== undefined) ||
          (status !== undefined && status >= 500 && idempotent.has(method)) ||
          (network !== undefined && (idempotent.has(method) || neverSent(network)));
        const delay = retryAfterMs ?? backoffDelay(policy, attempt);
        if (!retryable || !mayRetry(policy, attempt, Date.now() - started, delay)) {
          throw new GitHubApiError(call, status, message);
        }
        await wait(delay);
      }
    }
  });
  return octokit;
}
