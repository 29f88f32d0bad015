// A connection to the server through node-postgres, counting the round trips a step costs (a
// connection counts one) and redacting every secret from whatever the server or the network says.
// The URL's TLS and other options are read by the client's own parser (pg-connection-string) with
// libpq's meaning of sslmode, the meaning the URL has in psql and in the app's own driver.
import pg from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import type { DatabaseServer, DatabaseSettings } from './contract.js';
import { DatabaseError, DatabaseInputError, serverWords } from './errors.js';

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
    options.meter.roundTrips++;
    let client: pg.Client | undefined;
    const started = performance.now();
    try {
      // The parser reads sslrootcert and friends from disk and refuses contradictory TLS options.
      const parsed = parse(server.href, { useLibpqCompat: !new URL(server.href).searchParams.has('uselibpqcompat') });
      client = new pg.Client({
        application_name: 'fly-preview',
        ...toClientConfig(parsed),
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        database,
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
   * Statements sent in one simple-query message, one round trip: the server runs them as one
   * implicit transaction, so they all take effect or none does. Values reach them only through the
   * client's escapeIdentifier and escapeLiteral.
   */
  async batch(statements: readonly string[]): Promise<void> {
    this.#options.meter.roundTrips++;
    try {
      await this.#client.query(statements.join(';\n'));
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
