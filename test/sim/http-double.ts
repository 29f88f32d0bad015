// What both API doubles share: a loopback HTTP server with a request log and fault injection
// (a status for the next N matching requests, a dropped connection, an answer lost after the
// change was made, a delay). Each double supplies only its routes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Finding, SpecCheck } from './spec-check.ts';
import { forgive, record as tally, takeFindings } from './spec-tally.ts';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Every value of each parameter, for repeated ones (`state=a&state=b`). */
  queryAll: Record<string, string[]>;
  status: number;
  /** ms since the double started. */
  startedAt: number;
  durationMs: number;
  headers: Record<string, string>;
  /** The Authorization scheme only (`FlyV1`, `Bearer`, `token`), never the credential. */
  authScheme: string;
  /** The JSON body the client sent, parsed; undefined for none. */
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Match {
  method?: string;
  path: string | RegExp;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; retryAfter?: string }
  | { kind: 'drop' }
  | { kind: 'lose' }
  | { kind: 'delay'; ms: number };

interface PendingFault {
  match: Match;
  fault: Fault;
  remaining: number;
}

export interface ParsedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** undefined for no body; throws a 400 reply for a body that is not JSON. */
  body: unknown;
  /** Aborted when the client goes away, so a blocking handler can stop waiting. */
  signal: AbortSignal;
}

export type Handler = (request: ParsedRequest) => Reply | Promise<Reply>;

export class BadRequest extends Error {
  readonly reply: Reply;
  constructor(reply: Reply) {
    super('bad request');
    this.reply = reply;
  }
}

function matches(match: Match, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

/** Headers worth keeping in the log: the ones tests assert on, never the token. */
const loggedHeaders = ['fly-machine-lease-nonce', 'content-type', 'user-agent'];

/** The log and fault controls every double hands to its tests. */
export interface DoubleControls {
  readonly url: string;
  requests: RequestRecord[];
  clearRequests(): void;
  failNext(match: Match, fault: { status: number; body?: unknown; retryAfter?: string }, times?: number): void;
  dropNext(match: Match, times?: number): void;
  loseAnswerNext(match: Match, times?: number): void;
  delayNext(match: Match, ms: number, times?: number): void;
  /**
   * The findings of the API description check (test/sim/SPEC_CHECK.md) this double made and the
   * allow-list does not cover, claimed by a test that provoked them on purpose; unclaimed, they
   * fail the test.
   */
  takeFindings(): Finding[];
}

export interface DoubleOptions {
  /** Headers added to every answer, faults included (Fly's `fly-request-id`, say). */
  everyReply?: () => Record<string, string>;
  /** Holds every request and answer against the platform's API description. */
  spec?: SpecCheck;
  /** The body of an injected error when the test gives none, in the platform's error shape. */
  faultBody?: (status: number) => unknown;
}

export class HttpDouble {
  readonly requests: RequestRecord[] = [];
  readonly #faults: PendingFault[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #started = Date.now();
  readonly #server;
  readonly #handler: Handler;
  readonly #everyReply: () => Record<string, string>;
  readonly #spec: SpecCheck | undefined;
  readonly #faultBody: (status: number) => unknown;
  url = '';

  constructor(handler: Handler, options: DoubleOptions = {}) {
    this.#handler = handler;
    this.#everyReply = options.everyReply ?? (() => ({}));
    this.#spec = options.spec;
    this.#faultBody = options.faultBody ?? ((status) => ({ error: `injected ${status}` }));
    this.#server = createServer((req, res) => void this.#serve(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  controls(): DoubleControls {
    return {
      url: this.url,
      requests: this.requests,
      clearRequests: () => this.clearRequests(),
      failNext: (match, fault, times) => this.failNext(match, fault, times),
      dropNext: (match, times) => this.dropNext(match, times),
      loseAnswerNext: (match, times) => this.loseAnswerNext(match, times),
      delayNext: (match, ms, times) => this.delayNext(match, ms, times),
      takeFindings: () => {
        const taken = takeFindings(this);
        forgive(taken);
        return taken;
      },
    };
  }

  inject(match: Match, fault: Fault, times = 1): void {
    this.#faults.push({ match, fault, remaining: times });
  }

  failNext(match: Match, fault: { status: number; body?: unknown; retryAfter?: string }, times = 1): void {
    this.inject(match, { kind: 'status', ...fault }, times);
  }

  dropNext(match: Match, times = 1): void {
    this.inject(match, { kind: 'drop' }, times);
  }

  loseAnswerNext(match: Match, times = 1): void {
    this.inject(match, { kind: 'lose' }, times);
  }

  delayNext(match: Match, ms: number, times = 1): void {
    this.inject(match, { kind: 'delay', ms }, times);
  }

  /** The oldest pending fault for this request, so faults injected in turn hit requests in turn. */
  #takeFault(method: string, path: string): Fault | undefined {
    const pending = this.#faults.find((f) => f.remaining > 0 && matches(f.match, method, path));
    if (pending === undefined) return undefined;
    pending.remaining--;
    return pending.fault;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const name of loggedHeaders) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let sent: unknown;
    try {
      sent = text === '' ? undefined : JSON.parse(text);
    } catch {
      sent = text;
    }
    const record = (status: number): void => {
      this.requests.push({
        authScheme: String(req.headers.authorization ?? '').split(' ', 1)[0] ?? '',
        body: sent,
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        queryAll: Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key)])),
        status,
        startedAt: startedAt - this.#started,
        durationMs: Date.now() - startedAt,
        headers,
      });
    };

    const exchange = { method, path: url.pathname, query: url.searchParams, body: sent };
    const spec = this.#spec;
    const checked = async (direction: 'request' | 'answer', check: (s: SpecCheck) => Promise<Finding[]>): Promise<void> => {
      if (spec === undefined) return;
      const began = performance.now();
      let findings: Finding[];
      try {
        findings = await check(spec);
      } catch (error) {
        // A check that cannot run is a finding too, not a request left hanging.
        const operation = `${method} ${url.pathname}`;
        findings = [{ platform: spec.platform, direction, operation, operationKey: operation, in: 'operation', field: url.pathname, message: `could not be checked: ${String(error)}` }];
      }
      tally(this, spec.platform, direction, findings, performance.now() - began);
    };
    await checked('request', (s) => s.request(exchange));
    const answered = (status: number, body: unknown): Promise<void> => checked('answer', (s) => s.answer(exchange, status, body));

    const fault = this.#takeFault(method, url.pathname);
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'drop') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const extra: Record<string, string> = { ...this.#everyReply(), ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }) };
      record(fault.status);
      const body = fault.body ?? this.#faultBody(fault.status);
      await answered(fault.status, body);
      send(res, { status: fault.status, body, headers: extra });
      return;
    }

    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    let reply: Reply;
    try {
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          throw new BadRequest({ status: 400, body: { error: 'request body is not valid JSON' } });
        }
      }
      reply = await this.#handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, signal: aborted.signal });
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      reply = error.reply;
    }
    record(reply.status);
    // An answer the client went away from is never given; a lost one was (it just never arrives).
    if (!res.destroyed || fault?.kind === 'lose') await answered(reply.status, reply.body);
    if (fault?.kind === 'lose') {
      // The change is made; only the answer never arrives.
      req.socket.destroy();
      return;
    }
    if (!res.destroyed) send(res, { ...reply, headers: { ...this.#everyReply(), ...reply.headers } });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}

/**
 * The routes' answers, refusals included, each named by a fresh UUID in the request-id header, as
 * Koyeb's and ComfyDeploy's `x-request-id`. Faults the double injects itself and its refusal of a
 * body that is not JSON carry none.
 */
export function withRequestIds(route: (request: ParsedRequest) => Reply, header: string): Handler {
  return (request) => {
    const requestId = randomUUID();
    const named = (reply: Reply): Reply => ({ ...reply, headers: { ...reply.headers, [header]: requestId } });
    try {
      return named(route(request));
    } catch (error) {
      if (error instanceof BadRequest) throw new BadRequest(named(error.reply));
      throw error;
    }
  };
}

export const bad = (status: number, error: string): BadRequest => new BadRequest({ status, body: { error } });
