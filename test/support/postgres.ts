// What database tests use of the run's embedded PostgreSQL (started by postgres-global.ts): its URLs,
// clients that connect as anyone, a seed template such as a user would make, and repository names
// no other test shares, so test files can share the server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type RoleKey, roleKey } from '../../src/database/password.js';
import { parseDatabaseUrl } from '../../src/database/url.js';

export const adminUrl = (): string => inject('postgres').adminUrl;
export const adminPassword = (): string => inject('postgres').adminPassword;
export const superUrl = (): string => inject('postgres').superUrl;

/** `url` with another database, user or password. */
export function withUrl(url: string, change: { database?: string; user?: string; password?: string; port?: number }): string {
  const next = new URL(url);
  if (change.database !== undefined) next.pathname = `/${encodeURIComponent(change.database)}`;
  if (change.user !== undefined) next.username = encodeURIComponent(change.user);
  if (change.password !== undefined) next.password = encodeURIComponent(change.password);
  if (change.port !== undefined) next.port = String(change.port);
  return next.href;
}

/** The key every preview's password on that server is derived from, for the admin of `url`. */
export const roleKeyOf = (url: string): Promise<RoleKey> => roleKey(parseDatabaseUrl(url));

/** A connected client; a server that ends its session (DROP DATABASE … WITH (FORCE)) is no crash. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Runs SQL on a fresh connection and returns the rows of its last statement. */
export async function sql<Row extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = await connect(url);
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A repository name of this test's own, so that previews of different tests never meet. */
export function uniqueRepository(owner = 'acme'): string {
  return `${owner}/shop-${randomBytes(4).toString('hex')}`;
}

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

/**
 * A seed template as a user makes one with the admin role: tables (one with a serial and one with an
 * identity column, in public and in a schema of its own), a sequence, a view, a materialized view, a
 * function, an enum, a composite type and a domain, and rows. `extraRows` more rows of padding make
 * it about `extraRows * 1 KB` bigger.
 */
export async function createSeedTemplate(name: string, extraRows = 0): Promise<void> {
  await sql(adminUrl(), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const client = await connect(withUrl(adminUrl(), { database: name }));
  try {
    await client.query(`
      CREATE TYPE mood AS ENUM ('happy', 'sad');
      CREATE TYPE money_pair AS (amount numeric, currency text);
      CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
      CREATE TABLE users (id serial PRIMARY KEY, address email NOT NULL, feeling mood NOT NULL DEFAULT 'happy');
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int REFERENCES users, total money_pair);
      CREATE SEQUENCE order_numbers START 1000;
      CREATE VIEW happy_users AS SELECT id, address FROM users WHERE feeling = 'happy';
      CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;
      CREATE FUNCTION next_order() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('order_numbers') $$;
      CREATE TABLE padding (id int PRIMARY KEY, filler text);
      INSERT INTO users (address) VALUES ('ada@example.com'), ('grace@example.com');
      INSERT INTO billing.invoices (user_id, total) VALUES (1, ROW(12.5, 'EUR'));`);
    await client.query('INSERT INTO padding SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, $1::int) AS g', [extraRows]);
  } finally {
    await client.end();
  }
}
