// A connection to the server through node-postgres, counting the round trips a step costs (a
// connection counts one) and redacting every secret from whatever the server or the network says.
// The URL's TLS and other options are read by the client's own parser (pg-connection-string) with
// libpq's meaning of sslmode, the meaning the URL has in psql and in the app's own driver.
//
// The admin works inside databases a preview's role owns, and on PostgreSQL 14 and older in
// databases where any role may create objects: a function or operator that role planted where the
// admin's session looks (its database's search_path, ALTER DATABASE … SET search_path, public)
// would run with the admin's privileges. Three layers keep the admin's session to PostgreSQL's own:
// every session starts with search_path = pg_catalog, pg_temp (a startup option, which outranks
// ALTER DATABASE and ALTER ROLE … SET), every transaction sets it again first (a pooler may drop the
// startup option), and every SQL text the room sends names its operators, functions and types with
// their schema.
import pg from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import type { DatabaseServer, DatabaseSettings } from './contract.js';
import { DatabaseError, DatabaseInputError, serverWords } from './errors.js';

/** The only schemas an admin's session looks in: PostgreSQL's catalog, and its own temporary schema last. */
export const pinnedSearchPath = 'pg_catalog, pg_temp';
const pinOption = '-c search_path=pg_catalog,pg_temp';
const pinStatement = `SET LOCAL search_path = ${pinnedSearchPath}`;

/** The bound: a server that does not answer fails the step within seconds. */
export const connectTimeoutMs = 15_000;

export interface Meter {
  roundTrips: number;
}

export interface SessionOptions {
  meter: Meter;
  secrets: readonly string[];
  timeoutMs: number;
}

/** What each phase is handed: the settings and the sessions it may open. */
export interface Room {
  settings: DatabaseSettings;
  /** The admin's session on its own database: opened on first use, kept until the handle closes. */
  admin(): Promise<Session>;
  /** A session as the admin on another database, for one step; the caller ends it. */
  open(database: string): Promise<Session>;
  /** Every secret known so far; a phase adds those it derives, so that no message can show them. */
  secrets: string[];
}

export class Session {
  readonly #client: pg.Client;
  readonly #options: SessionOptions;

  private constructor(client: pg.Client, options: SessionOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Connects as the admin to `database`; a failure throws what the server or the network said, redacted. */
  static async open(server: DatabaseServer, database: string, options: SessionOptions): Promise<Session> {
    try {
      return await Session.#connect(server, database, options, true);
    } catch (error) {
      // PgBouncer refuses a startup option it does not track (08P01, "unsupported startup
      // parameter"); the SET LOCAL of every transaction and the qualified SQL still hold there.
      if (!(error instanceof DatabaseError) || error.code !== '08P01' || !/startup parameter/i.test(error.message)) throw error;
      return await Session.#connect(server, database, options, false);
    }
  }

  static async #connect(server: DatabaseServer, database: string, options: SessionOptions, pin: boolean): Promise<Session> {
    options.meter.roundTrips++;
    let client: pg.Client | undefined;
    const started = performance.now();
    try {
      // The parser reads sslrootcert and friends from disk and refuses contradictory TLS options.
      const parsed = parse(server.href, { useLibpqCompat: !new URL(server.href).searchParams.has('uselibpqcompat') });
      const config = toClientConfig(parsed);
      client = new pg.Client({
        application_name: 'fly-preview',
        ...config,
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        database,
        // After the URL's own options, so that a search_path there cannot undo it.
        options: [config.options, pin ? pinOption : undefined].filter((o) => o !== undefined && o !== '').join(' ') || undefined,
        connectionTimeoutMillis: options.timeoutMs,
      });
      // A backend ended by the server (DROP DATABASE … WITH (FORCE), a restart) is reported as an
      // 'error' event; unheard, Node would end the process. The query in flight fails on its own.
      client.on('error', () => undefined);
      await client.connect();
      return new Session(client, options);
    } catch (error) {
      await client?.end().catch(() => undefined);
      const words = serverWords(error, options.secrets);
      // node-postgres ends a connection past connectionTimeoutMillis with no code of its own.
      const timedOut = words.code === undefined && performance.now() - started >= options.timeoutMs;
      throw new DatabaseError(words.text, timedOut ? 'ETIMEDOUT' : words.code);
    }
  }

  /** One statement with bind parameters, one round trip. */
  async rows<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
    this.#options.meter.roundTrips++;
    try {
      return (await this.#client.query<Row>(text, values)).rows;
    } catch (error) {
      throw this.#failed(error);
    }
  }

  /**
   * Transactions sent in one simple-query message, one round trip: each takes effect whole or not at
   * all, in order, and a failure stops the rest. Each begins by pinning search_path. Values reach the
   * statements only through the client's escapeIdentifier and escapeLiteral.
   */
  async batch(...transactions: (readonly string[])[]): Promise<void> {
    try {
      await this.#simple(transactions.map((statements) => ['BEGIN', pinStatement, ...statements, 'COMMIT'].join(';\n')).join(';\n'));
    } catch (error) {
      // A failure inside BEGIN … COMMIT leaves the session in the aborted transaction; the next
      // step on this session (a retry after a lost race) needs it ended.
      this.#options.meter.roundTrips++;
      await this.#client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * One statement that cannot run inside a transaction block (CREATE DATABASE, DROP DATABASE), so
   * SET LOCAL cannot precede it; it names only a database, a role and a template, no operator or
   * function, so nothing in any search_path can change what it does.
   */
  async alone(statement: string): Promise<void> {
    await this.#simple(statement);
  }

  async #simple(text: string): Promise<void> {
    this.#options.meter.roundTrips++;
    try {
      await this.#client.query(text);
    } catch (error) {
      throw this.#failed(error);
    }
  }

  async end(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }

  #failed(error: unknown): DatabaseError {
    const words = serverWords(error, this.#options.secrets);
    return new DatabaseError(words.text, words.code);
  }
}

/** A failed admin connection as the input error it is: the URL names a server that cannot be used. */
export function connectProblem(server: DatabaseServer, error: DatabaseError, timeoutMs: number): DatabaseInputError {
  const problem = (text: string): DatabaseInputError => new DatabaseInputError('database-url', text);
  if (error.code === 'ECONNREFUSED') return problem(`could not connect to ${server.where}: connection refused; is the server running, and on that port?`);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return problem(`names a host the runner cannot resolve: ${server.where}`);
  if (error.code === 'ETIMEDOUT') return problem(`got no answer from ${server.where} within ${timeoutMs / 1000} s; is the host reachable from the runner?`);
  if (error.code === '28P01') return problem(`was refused by ${server.where}: the password of user "${server.user}" is wrong (${error.message})`);
  return problem(`could not connect to ${server.where} as "${server.user}": ${error.message}`);
}

export const quoteName = pg.escapeIdentifier;
export const quoteText = pg.escapeLiteral;
