// The preview role's password is derived, not stored, so every run for a PR computes the same one,
// the app's URL does not churn, and nothing but the admin URL need be kept. Every preview's app holds
// its own password and knows how it was made, so the derivation must not let it test guesses at the
// admin's password cheaply: the admin's password is first stretched with scrypt, once per run (about
// 0.15 s and 64 MiB here), salted with the server and the admin's name, and each role's password is
// an HMAC of the database's name keyed by that. A guess then costs an attacker as much as it costs a
// run, instead of one HMAC at GPU speed.
//
// The server is sent a SCRAM-SHA-256 verifier rather than the password itself, as psql's \password
// does (RFC 5802, RFC 7677; PostgreSQL's libpq/scram-common.c): a CREATE ROLE that a server logs
// (log_statement = 'ddl' is common on managed services) then shows no password either. Its salt is
// derived too, so a re-run writes the very same verifier.
import { createHash, createHmac, pbkdf2Sync, scrypt } from 'node:crypto';
import type { DatabaseServer } from './contract.js';

/**
 * scrypt's cost: N = 2^16, r = 8, p = 1 takes 128·N·r = 64 MiB and about 0.15 s on a 2-core
 * runner-sized machine; maxmem leaves room above it (Node's default, 32 MiB, refuses it).
 */
export const stretch = { N: 2 ** 16, r: 8, p: 1, maxmem: 128 * 1024 * 1024 } as const;

/** PostgreSQL's default scram_iterations. */
const iterations = 4096;

/** The stretched admin password, as the key of every preview's password on that server. */
export type RoleKey = Buffer & { readonly roleKey: unique symbol };

type KeySource = Pick<DatabaseServer, 'host' | 'port' | 'user' | 'password'>;

const keys = new Map<string, Promise<RoleKey>>();

/** The salt names the server and the admin, so one admin password on two servers gives two keys. */
export function roleKeySalt(server: Omit<KeySource, 'password'>): string {
  return `fly-preview role key\0${server.host}:${server.port}:${server.user}`;
}

/** Computed once per server and admin in a run, however many previews it serves. */
export function roleKey(server: KeySource): Promise<RoleKey> {
  const id = JSON.stringify([server.host, server.port, server.user, server.password]);
  let key = keys.get(id);
  if (key === undefined) {
    key = new Promise<RoleKey>((resolve, reject) =>
      scrypt(server.password, roleKeySalt(server), 32, stretch, (error, derived) => (error === null ? resolve(derived as RoleKey) : reject(error))),
    );
    keys.set(id, key);
  }
  return key;
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** 43 URL-safe characters: no escaping in a URL, and ASCII, so SASLprep leaves it as it is. */
export function derivePassword(key: RoleKey, name: string): string {
  return hmac(key, `fly-preview role password\0${name}`).toString('base64url');
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, the form PostgreSQL stores. */
export function scramVerifier(key: RoleKey, name: string): string {
  const password = derivePassword(key, name);
  const salt = hmac(key, `fly-preview role salt\0${name}`).subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
