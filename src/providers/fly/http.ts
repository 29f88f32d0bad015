// HTTP to the Machines API on undici: one keep-alive agent, the Authorization header fly-go sends,
// JSON, retries within a bounded budget, and errors that name the call, the status, Fly's own
// message and the request id Fly's support asks for (superfly/fly-go flaps/flaps.go, flaps_error.go).
import { Agent, getSetCookies, Headers, request, type Dispatcher } from 'undici';
import {
  backoffDelay,
  connectionErrorCode,
  defaultRetryPolicy,
  mayRetry,
  neverSent,
  parseRetryAfter,
  sleep,
  type RetryPolicy,
} from '../../retry.js';
import { authorizationHeader } from './token.js';
import type { FlyErrorBody } from './types.js';

/** A call that Fly answered with an error, or that could not be completed within the retry budget. */
export class FlyApiError extends Error {
  readonly call: string;
  readonly status: number | undefined;
  /** Fly's `message` or `error` text, or the connection error code when there was no answer. */
  readonly detail: string;
  /** The `fly-request-id` response header, when Fly answered. */
  readonly requestId: string | undefined;
  /** Fly's machine-readable `status` from the error body (e.g. `insufficient_capacity`). */
  readonly flyStatus: string | undefined;
  constructor(
    call: string,
    status: number | undefined,
    detail: string,
    options: { message?: string; requestId?: string; flyStatus?: string } = {},
  ) {
    const id = options.requestId === undefined ? '' : ` (fly-request-id ${options.requestId})`;
    super(
      (options.message ??
        (status === undefined
          ? `Fly API: ${call} failed: ${detail}`
          : `Fly API: ${call} failed with ${status}: ${detail}`)) + id,
    );
    this.name = 'FlyApiError';
    this.call = call;
    this.status = status;
    this.detail = detail;
    this.requestId = options.requestId;
    this.flyStatus = options.flyStatus;
  }
}

/** 401/403: retrying cannot help, so this is thrown after one request. */
export class FlyAuthError extends FlyApiError {
  constructor(call: string, status: number, detail: string, requestId?: string) {
    super(call, status, detail, {
      requestId,
      message:
        `Fly API refused the token (${status}) for ${call}: ${detail}. Check the fly-api-token input: ` +
        'it must be a valid token with access to the organization (e.g. `fly tokens create org <org>`).',
    });
    this.name = 'FlyAuthError';
  }
}

/**
 * A request that changes something was sent but no answer came back: Fly may or may not have done
 * it. Callers resolve this by looking, never by sending the same change again blindly.
 */
export class FlyAmbiguousError extends FlyApiError {
  constructor(call: string, status: number | undefined, detail: string, requestId?: string) {
    super(call, status, detail, { requestId });
    this.name = 'FlyAmbiguousError';
  }
}

export interface FlyHttpOptions {
  apiUrl: string;
  token: string;
  userAgent?: string;
  retryPolicy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Replaces the keep-alive agent (tests may pass an undici MockAgent). */
  dispatcher?: Dispatcher;
  debug?: (message: string) => void;
}

export interface CallOptions {
  /** An array value is sent as a repeated parameter (`state=a&state=b`), as fly-go's query encoder does. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "absent", 408 for a wait timeout). */
  expect?: readonly number[];
  /** 401 is returned (not thrown as a bad token): just after an app's create it means "not visible yet". */
  expectUnauthorized?: boolean;
  /** Whether sending the request twice is harmless. Defaults to true for GET and DELETE. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** How long to wait for the answer's headers; a blocking `wait` needs more than the default. */
  headersTimeoutMs?: number;
}

export interface FlyResponse<T> {
  status: number;
  data: T;
  requestId: string | undefined;
}

const retryableStatuses = new Set([500, 502, 503, 504]);
/**
 * Error `status` codes that say what happened (superfly/fly-go flaps/flaps_error.go): a 5xx that
 * carries one was refused, not lost, so it is neither retried nor treated as "may have happened".
 */
const definiteStatuses = new Set(['insufficient_capacity']);

/** Fly's own text from an error answer (`message` first, then `error`, as fly-go reads it), else the body or the status. */
export function errorText(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null) {
    const { message, error } = body as FlyErrorBody;
    if (typeof message === 'string' && message !== '') return message;
    return typeof error === 'string' && error !== '' ? error : fallback;
  }
  return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
}

export class FlyHttp {
  readonly #origin: string;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #policy: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #debug: (message: string) => void;
  readonly #jar = new PathCookies();

  constructor(options: FlyHttpOptions) {
    const url = new URL(options.apiUrl);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#headers = {
      authorization: authorizationHeader(options.token),
      'user-agent': options.userAgent ?? 'fly-preview',
      accept: 'application/json',
    };
    this.#policy = options.retryPolicy ?? defaultRetryPolicy;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 16, headersTimeout: 30_000, bodyTimeout: 30_000 });
    this.#debug = options.debug ?? (() => {});
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async call<T>(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, options: CallOptions = {}): Promise<FlyResponse<T>> {
    const call = `${method} ${path}`;
    const idempotent = options.idempotent ?? (method === 'GET' || method === 'DELETE');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (typeof value === 'object') for (const item of value) search.append(key, item);
      else if (value !== undefined) search.set(key, String(value));
    }
    const query = search.toString();
    const target = `${this.#origin}${this.#basePath}${path}${query === '' ? '' : `?${query}`}`;
    const headers: Record<string, string> = { ...this.#headers, ...options.headers };
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();

    for (let attempt = 1; ; attempt++) {
      const cookie = this.#jar.header(`${this.#basePath}${path}`);
      if (cookie === '') delete headers['cookie'];
      else headers['cookie'] = cookie;
      let status: number;
      let data: unknown;
      let retryAfter: string | string[] | undefined;
      let requestId: string | undefined;
      try {
        const response = await request(target, {
          method,
          headers,
          body,
          dispatcher: this.#dispatcher,
          signal: options.signal,
          headersTimeout: options.headersTimeoutMs,
        });
        status = response.statusCode;
        retryAfter = response.headers['retry-after'];
        this.#jar.store(response.headers['set-cookie'], `${this.#basePath}${path}`);
        const id = response.headers['fly-request-id'];
        requestId = Array.isArray(id) ? id[0] : id;
        const text = await response.body.text();
        const type = String(response.headers['content-type'] ?? '');
        data = text === '' ? undefined : type.includes('json') ? safeJson(text) : text;
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        const code = connectionErrorCode(error);
        // Only the error code travels on: undici errors can carry the request, headers included.
        const detail = code ?? (error instanceof Error ? error.message : String(error));
        const delay = backoffDelay(this.#policy, attempt, this.#random);
        const safe = idempotent || (code !== undefined && neverSent(code));
        if (code !== undefined && safe && mayRetry(this.#policy, attempt, Date.now() - started, delay)) {
          this.#debug(`${call}: ${code}, retrying in ${delay} ms`);
          await this.#sleep(delay);
          continue;
        }
        if (!safe) throw new FlyAmbiguousError(call, undefined, `${detail} (the request was sent; its answer was lost)`);
        throw new FlyApiError(call, undefined, `${detail} after ${attempt} attempt${attempt === 1 ? '' : 's'}`);
      }

      this.#debug(`${call} → ${status}`);
      if ((status >= 200 && status < 300) || options.expect?.includes(status) === true || (status === 401 && options.expectUnauthorized === true)) {
        return { status, data: data as T, requestId };
      }

      const text = errorText(data, `HTTP ${status}`);
      const flyStatus = typeof data === 'object' && data !== null ? (data as FlyErrorBody).status : undefined;
      if (status === 401 || status === 403) throw new FlyAuthError(call, status, text, requestId);
      if (status === 429) {
        const askedMs = parseRetryAfter(retryAfter);
        const delay = askedMs ?? backoffDelay(this.#policy, attempt, this.#random);
        if (!mayRetry(this.#policy, attempt, Date.now() - started, delay)) {
          const asked = askedMs === undefined ? '' : `; Fly asked to wait ${Math.ceil(askedMs / 1000)} s, beyond the retry budget`;
          throw new FlyApiError(call, status, `${text} (rate limited${asked})`, { requestId });
        }
        this.#debug(`${call}: rate limited, retrying in ${delay} ms`);
        await this.#sleep(delay);
        continue;
      }
      // A body that names what went wrong (no capacity in the region, say) is a definite answer.
      if (status >= 500 && typeof flyStatus === 'string' && definiteStatuses.has(flyStatus)) {
        throw new FlyApiError(call, status, `${text} (${flyStatus})`, { requestId, flyStatus });
      }
      if (retryableStatuses.has(status)) {
        // A change answered with 5xx may still have been made, so only reads are simply repeated.
        if (!idempotent) throw new FlyAmbiguousError(call, status, text, requestId);
        const delay = parseRetryAfter(retryAfter) ?? backoffDelay(this.#policy, attempt, this.#random);
        if (mayRetry(this.#policy, attempt, Date.now() - started, delay)) {
          this.#debug(`${call}: ${status}, retrying in ${delay} ms`);
          await this.#sleep(delay);
          continue;
        }
        throw new FlyApiError(call, status, `${text} (gave up after ${attempt} attempts)`, { requestId });
      }
      throw new FlyApiError(call, status, text, { requestId, flyStatus });
    }
  }
}

/**
 * fly-go gives its Machines API client a cookie jar (flaps/flaps.go NewWithOptions): the API sets a
 * path-scoped affinity cookie when it creates an app, so the calls that follow reach the node that
 * already knows the app (flaps/flaps_test.go PersistsPathScopedCookiesPerApp). One origin only, so
 * this keeps cookies by path; undici parses the Set-Cookie lines. (A general jar such as
 * tough-cookie carries the public-suffix list, which would put the bundle over its size budget.)
 */
class PathCookies {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  store(setCookie: string | string[] | undefined, requestPath: string): void {
    if (setCookie === undefined) return;
    const headers = new Headers();
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) headers.append('set-cookie', line);
    for (const cookie of getSetCookies(headers)) {
      // RFC 6265 §5.1.4: without a Path the default is the request path up to its last "/".
      const path = cookie.path?.startsWith('/') === true ? cookie.path : requestPath.slice(0, Math.max(1, requestPath.lastIndexOf('/')));
      const key = `${cookie.name};${path}`;
      const expired = (cookie.maxAge !== undefined && cookie.maxAge <= 0) || (cookie.expires !== undefined && Number(cookie.expires) <= Date.now());
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name: cookie.name, value: cookie.value, path });
    }
  }

  /** The Cookie header for a request path: cookies whose path is that path or a parent of it. */
  header(requestPath: string): string {
    const matches = (path: string): boolean =>
      requestPath === path || (requestPath.startsWith(path) && (path.endsWith('/') || requestPath[path.length] === '/'));
    return [...this.#cookies.values()]
      .filter((c) => matches(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
