// JSON over HTTP for any platform API: one keep-alive undici agent, retries within the bounded
// budget of src/retry.ts, and errors that name the call, the status, the platform's own message and
// the request id. A platform supplies its auth header, how to read its error body, the name of its
// request-id header and, where its API needs them, hooks (cookies, refusals named in a 5xx body);
// nothing here knows which platform it talks to.
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
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

export interface ApiErrorDetails {
  /** The API's display name, e.g. "Koyeb API". */
  api: string;
  /** `METHOD /path`, without the query (which may name things but never holds secrets anyway). */
  call: string;
  status: number | undefined;
  /** The platform's own message, or the connection error code when there was no answer. */
  detail: string;
  requestId: string | undefined;
  /** The decoded error body, for callers that tell errors apart by their fields. */
  body?: unknown;
}

/** A call the platform answered with an error, or that could not be completed within the retry budget. */
export class ApiError extends Error {
  readonly api: string;
  readonly call: string;
  readonly status: number | undefined;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly body: unknown;
  constructor(details: ApiErrorDetails, message?: string) {
    const where = details.requestId === undefined ? '' : ` (request id ${details.requestId})`;
    super(
      message ??
        (details.status === undefined
          ? `${details.api}: ${details.call} failed: ${details.detail}${where}`
          : `${details.api}: ${details.call} failed with ${details.status}: ${details.detail}${where}`),
    );
    this.name = 'ApiError';
    this.api = details.api;
    this.call = details.call;
    this.status = details.status;
    this.detail = details.detail;
    this.requestId = details.requestId;
    this.body = details.body;
  }
}

/** 401/403: retrying cannot help, so this is thrown after one request. */
export class ApiAuthError extends ApiError {
  constructor(details: ApiErrorDetails, hint: string) {
    const where = details.requestId === undefined ? '' : `, request id ${details.requestId}`;
    super(details, `${details.api} refused the token (${details.status}${where}) for ${details.call}: ${details.detail}. ${hint}`);
    this.name = 'ApiAuthError';
  }
}

/**
 * A request that changes something was sent but no usable answer came back: the platform may or may
 * not have done it. Callers resolve this by looking, never by sending the same change again blindly.
 */
export class ApiAmbiguousError extends ApiError {
  constructor(details: ApiErrorDetails) {
    super(details);
    this.name = 'ApiAmbiguousError';
  }
}

export interface JsonHttpOptions {
  /** Display name used in every error, e.g. "Koyeb API". */
  api: string;
  apiUrl: string;
  /** The whole Authorization header value, e.g. `Bearer <token>`. */
  authorization: string;
  /** The platform's own message from an error body; undefined when the body has none. */
  errorMessage: (body: unknown) => string | undefined;
  /** Response header carrying the platform's request id (lowercase); none when undefined. */
  requestIdHeader?: string;
  /** What to tell the user when the token is refused (which input, what kind of token). */
  authHint: string;
  /** The platform's short name for "<name> asked to wait" when a 429 asks for more than the budget. */
  platform?: string;
  /**
   * For a 5xx: the platform's own word for a refusal (e.g. no capacity), which makes the answer a
   * definite failure, neither retried nor treated as "may have happened"; undefined otherwise.
   */
  definiteFailure?: (body: unknown) => string | undefined;
  /** Extra headers for each attempt, by the request's full path (e.g. cookies scoped to a path). */
  attemptHeaders?: (path: string) => Record<string, string>;
  /** Sees every answer's headers, by the request's full path (e.g. to keep its cookies). */
  onResponse?: (path: string, headers: IncomingHttpHeaders) => void;
  userAgent?: string;
  retryPolicy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Replaces the keep-alive agent (tests may pass an undici MockAgent). */
  dispatcher?: Dispatcher;
  debug?: (message: string) => void;
}

/** What a platform's client takes from its caller; the rest of JsonHttpOptions is the platform's own. */
export interface PlatformClientOptions
  extends Pick<JsonHttpOptions, 'apiUrl' | 'userAgent' | 'retryPolicy' | 'sleep' | 'random' | 'dispatcher' | 'debug'> {
  token: string;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "absent"). */
  expect?: readonly number[];
  /** Whether sending the request twice is harmless. Defaults to true for GET and DELETE. */
  idempotent?: boolean;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
}

export interface JsonResponse<T> {
  status: number;
  data: T;
  requestId: string | undefined;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const retryableStatuses = new Set([500, 502, 503, 504]);

/** A request as every attempt of it sends it. */
interface Prepared {
  call: string;
  method: Method;
  fullPath: string;
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
  idempotent: boolean;
}

/** What one attempt got back. */
interface Answer {
  status: number;
  data: unknown;
  retryAfter: string | string[] | undefined;
  requestId: string | undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

export class JsonHttp {
  readonly #api: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #errorMessage: (body: unknown) => string | undefined;
  readonly #requestIdHeader: string | undefined;
  readonly #authHint: string;
  readonly #platform: string | undefined;
  readonly #definiteFailure: (body: unknown) => string | undefined;
  readonly #attemptHeaders: ((path: string) => Record<string, string>) | undefined;
  readonly #onResponse: ((path: string, headers: IncomingHttpHeaders) => void) | undefined;
  readonly #policy: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #debug: (message: string) => void;

  constructor(options: JsonHttpOptions) {
    const url = new URL(options.apiUrl);
    this.#api = options.api;
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#headers = {
      authorization: options.authorization,
      'user-agent': options.userAgent ?? 'fly-preview',
      accept: 'application/json',
    };
    this.#errorMessage = options.errorMessage;
    this.#requestIdHeader = options.requestIdHeader?.toLowerCase();
    this.#authHint = options.authHint;
    this.#platform = options.platform;
    this.#definiteFailure = options.definiteFailure ?? (() => undefined);
    this.#attemptHeaders = options.attemptHeaders;
    this.#onResponse = options.onResponse;
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

  /** The platform's message from an error body, else a short plain-text body, else the fallback. */
  #text(body: unknown, fallback: string): string {
    if (typeof body === 'object' && body !== null) {
      const text = this.#errorMessage(body);
      return text === undefined || text === '' ? fallback : text;
    }
    return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
  }

  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<JsonResponse<T>> {
    const prepared = this.#prepare(method, path, options);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const answer = await this.#attempt(prepared, options, attempt, started);
      // undefined: the connection failed in a way that may be tried again, after the pause taken.
      if (answer === undefined) continue;
      const { status, data, requestId } = answer;
      this.#debug(`${prepared.call} → ${status}${requestId === undefined ? '' : ` (${requestId})`}`);
      if ((status >= 200 && status < 300) || options.expect?.includes(status) === true) return { status, data: data as T, requestId };
      const delay = this.#retryDelay(prepared, answer, attempt, started);
      await this.#sleep(delay);
    }
  }

  /** The request as every attempt sends it. */
  #prepare(method: Method, path: string, options: CallOptions): Prepared {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value as readonly string[]) search.append(key, item);
      else search.set(key, String(value));
    }
    const query = search.toString();
    const fullPath = `${this.#basePath}${path}`;
    const headers = { ...this.#headers, ...options.headers };
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    return {
      call: `${method} ${path}`,
      method,
      fullPath,
      target: `${this.#origin}${fullPath}${query === '' ? '' : `?${query}`}`,
      headers,
      body,
      idempotent: options.idempotent ?? (method === 'GET' || method === 'DELETE'),
    };
  }

  /**
   * One attempt: the answer, or undefined after pausing when the connection failed and a retry is
   * safe. A failure that may not be retried throws: ambiguous when a change may have been made.
   */
  async #attempt(prepared: Prepared, options: CallOptions, attempt: number, started: number): Promise<Answer | undefined> {
    const { call, method, fullPath, target, headers, body, idempotent } = prepared;
    const api = this.#api;
    try {
      const response = await request(target, {
        method,
        headers: this.#attemptHeaders === undefined ? headers : { ...headers, ...this.#attemptHeaders(fullPath) },
        body,
        dispatcher: this.#dispatcher,
        signal: options.signal,
        headersTimeout: options.headersTimeoutMs,
      });
      this.#onResponse?.(fullPath, response.headers);
      const requestId = this.#requestIdHeader === undefined ? undefined : headerValue(response.headers[this.#requestIdHeader]);
      const text = await response.body.text();
      const type = String(response.headers['content-type'] ?? '');
      const data = text === '' ? undefined : type.includes('json') ? safeJson(text) : text;
      return { status: response.statusCode, data, retryAfter: response.headers['retry-after'], requestId };
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
        return undefined;
      }
      if (!safe) {
        throw new ApiAmbiguousError({ api, call, status: undefined, detail: `${detail} (the request was sent; its answer was lost)`, requestId: undefined });
      }
      throw new ApiError({ api, call, status: undefined, detail: `${detail} after ${attempt} attempt${attempt === 1 ? '' : 's'}`, requestId: undefined });
    }
  }

  /** How long to wait before trying an unwanted answer again; throws the error it is when it may not be tried again. */
  #retryDelay(prepared: Prepared, answer: Answer, attempt: number, started: number): number {
    const { call, idempotent } = prepared;
    const { status, data, retryAfter, requestId } = answer;
    const details = { api: this.#api, call, status, detail: this.#text(data, `HTTP ${status}`), requestId, body: data };
    if (status === 401 || status === 403) throw new ApiAuthError(details, this.#authHint);
    if (status === 429) {
      const askedMs = parseRetryAfter(retryAfter);
      const delay = askedMs ?? backoffDelay(this.#policy, attempt, this.#random);
      if (!mayRetry(this.#policy, attempt, Date.now() - started, delay)) {
        const who = this.#platform === undefined ? '' : `${this.#platform} `;
        const asked = askedMs === undefined ? '' : `; ${who}asked to wait ${Math.ceil(askedMs / 1000)} s, beyond the retry budget`;
        throw new ApiError({ ...details, detail: `${details.detail} (rate limited${asked})` });
      }
      this.#debug(`${call}: rate limited, retrying in ${delay} ms`);
      return delay;
    }
    const definite = status >= 500 ? this.#definiteFailure(data) : undefined;
    if (definite !== undefined) throw new ApiError({ ...details, detail: `${details.detail} (${definite})` });
    if (!retryableStatuses.has(status)) throw new ApiError(details);
    // A change answered with 5xx may still have been made, so only reads are simply repeated.
    if (!idempotent) throw new ApiAmbiguousError(details);
    const delay = parseRetryAfter(retryAfter) ?? backoffDelay(this.#policy, attempt, this.#random);
    if (!mayRetry(this.#policy, attempt, Date.now() - started, delay)) {
      throw new ApiError({ ...details, detail: `${details.detail} (gave up after ${attempt} attempts)` });
    }
    this.#debug(`${call}: ${status}, retrying in ${delay} ms`);
    return delay;
  }
}
