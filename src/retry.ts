// When a failed request may be tried again, and how long to wait first, within one overall deadline:
// the policy of every platform client (Fly, Koyeb, ComfyDeploy), applied in src/providers/http.ts. The
// GitHub client (src/github/) leaves retries to Octokit's plugins and uses only the connection-error
// facts at the end: which failures prove nothing was sent.

export interface RetryPolicy {
  /** Most attempts for one call, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles each attempt up to maxDelayMs, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry may start later than this many ms after the call began. */
  budgetMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 300,
  maxDelayMs: 8_000,
  budgetMs: 60_000,
};

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Exponential backoff with full jitter: spreads racing runs apart instead of retrying in lockstep. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}

/**
 * Whether another attempt fits: attempts left and the wait ending before the budget does.
 * `elapsedMs` is time since the call began; `delayMs` the wait about to start.
 */
export function mayRetry(policy: RetryPolicy, attempt: number, elapsedMs: number, delayMs: number): boolean {
  return attempt < policy.maxAttempts && elapsedMs + delayMs <= policy.budgetMs;
}

/** Error codes of Node and undici for a connection that failed or broke; the request may be retried. */
const connectionErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The error code of a network failure, looking through `cause` chains (fetch and Octokit wrap them). */
export function connectionErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && connectionErrorCodes.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** Whether a connection error proves the request never reached the server (safe to send again). */
export function neverSent(code: string): boolean {
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The pause before poll number `poll` (0-based) of a status that has no blocking wait: the given
 * intervals, the last repeating, but no longer than a twentieth of the whole budget (nor, for that
 * reason, shorter than a second), so a short wait-timeout is not mostly spent asleep past the moment
 * the answer changed, and a long one is not polled in a storm.
 */
export function pollPause(intervalsMs: readonly number[], poll: number, budgetMs: number): number {
  const interval = intervalsMs[Math.min(poll, intervalsMs.length - 1)] ?? 1_000;
  return Math.min(interval, Math.max(1_000, Math.floor(budgetMs / 20)));
}
