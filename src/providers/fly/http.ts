// The Machines API on the shared JSON core (../http.ts), with what is Fly's own: the Authorization
// header fly-go sends, Fly's error body and `fly-request-id`, the path-scoped affinity cookie, and
// errors whose messages name the request id as Fly's support asks for it (superfly/fly-go
// flaps/flaps.go, flaps_error.go).
import { getSetCookies, Headers } from 'undici';
import { ApiAmbiguousError, ApiAuthError, ApiError, JsonHttp, type CallOptions as JsonCallOptions, type JsonResponse, type PlatformClientOptions } from '../http.js';
import { authorizationHeader } from './token.js';
import type { FlyErrorBody } from './types.js';

/** A call that Fly answered with an error, or that could not be completed within the retry budget. */
export class FlyApiError extends ApiError {
  /** Fly's machine-readable `status` from the error body (e.g. `insufficient_capacity`). */
  readonly flyStatus: string | undefined;
  constructor(
    call: string,
    status: number | undefined,
    detail: string,
    options: { message?: string; requestId?: string; flyStatus?: string; body?: unknown } = {},
  ) {
    const id = options.requestId === undefined ? '' : ` (fly-request-id ${options.requestId})`;
    super(
      { api: 'Fly API', call, status, detail, requestId: options.requestId, body: options.body },
      (options.message ??
        (status === undefined
          ? `Fly API: ${call} failed: ${detail}`
          : `Fly API: ${call} failed with ${status}: ${detail}`)) + id,
    );
    this.name = 'FlyApiError';
    this.flyStatus = options.flyStatus;
  }
}

const authHint =
  'Check the fly-api-token input: it must be a valid token with access to the organization (e.g. `fly tokens create org <org>`).';

/** 401/403: retrying cannot help, so this is thrown after one request. */
export class FlyAuthError extends FlyApiError {
  constructor(call: string, status: number, detail: string, requestId?: string) {
    super(call, status, detail, {
      requestId,
      message: `Fly API refused the token (${status}) for ${call}: ${detail}. ${authHint}`,
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

export type FlyHttpOptions = PlatformClientOptions;

export interface CallOptions extends JsonCallOptions {
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "absent", 408 for a wait timeout). */
  expect?: readonly number[];
  /** 401 is returned (not thrown as a bad token): just after an app's create it means "not visible yet". */
  expectUnauthorized?: boolean;
}

export type FlyResponse<T> = JsonResponse<T>;

/**
 * Error `status` codes that say what happened (superfly/fly-go flaps/flaps_error.go): a 5xx that
 * carries one was refused, not lost, so it is neither retried nor treated as "may have happened".
 */
const definiteStatuses = new Set(['insufficient_capacity']);

const flyStatusOf = (body: unknown): string | undefined => {
  const status = typeof body === 'object' && body !== null ? (body as FlyErrorBody).status : undefined;
  return typeof status === 'string' ? status : undefined;
};

/** Fly's own text from an error body: `message` first, then `error`, as fly-go reads it. */
function flyMessage(body: unknown): string | undefined {
  const { message, error } = body as FlyErrorBody;
  if (typeof message === 'string' && message !== '') return message;
  return typeof error === 'string' && error !== '' ? error : undefined;
}

/** Fly's own text from an error answer, else the body or the status. */
export function errorText(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null) return flyMessage(body) ?? fallback;
  return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
}

/** The shared core's error as the Fly error a caller tells apart (and a user reads). */
function asFlyError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const { call, status, detail, requestId, body } = error;
  if (error instanceof ApiAuthError && status !== undefined) return new FlyAuthError(call, status, detail, requestId);
  if (error instanceof ApiAmbiguousError) return new FlyAmbiguousError(call, status, detail, requestId);
  return new FlyApiError(call, status, detail, { requestId, flyStatus: flyStatusOf(body), body });
}

export class FlyHttp {
  readonly #http: JsonHttp;

  constructor(options: FlyHttpOptions) {
    const jar = new PathCookies();
    this.#http = new JsonHttp({
      ...options,
      api: 'Fly API',
      authorization: authorizationHeader(options.token),
      errorMessage: flyMessage,
      requestIdHeader: 'fly-request-id',
      authHint,
      platform: 'Fly',
      definiteFailure: (body) => {
        const status = flyStatusOf(body);
        return status !== undefined && definiteStatuses.has(status) ? status : undefined;
      },
      attemptHeaders: (path): Record<string, string> => {
        const cookie = jar.header(path);
        return cookie === '' ? {} : { cookie };
      },
      onResponse: (path, headers) => jar.store(headers['set-cookie'], path),
    });
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async call<T>(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, options: CallOptions = {}): Promise<FlyResponse<T>> {
    const { expectUnauthorized, ...rest } = options;
    const expect = expectUnauthorized === true ? [...(options.expect ?? []), 401] : options.expect;
    try {
      return await this.#http.call<T>(method, path, { ...rest, expect });
    } catch (error) {
      throw asFlyError(error);
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
