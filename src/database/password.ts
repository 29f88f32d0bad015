// The preview role's password is derived, not stored: an HMAC keyed by the admin's password over the
// database's name, so every run for a PR computes the same one, the app's URL does not churn, and
// nothing but the admin URL need be kept. The app learns its own password and nothing of the admin's.
//
// The server is sent a SCRAM-SHA-256 verifier rather than the password itself, as psql's \password
// does (RFC 5802, RFC 7677; PostgreSQL's libpq/scram-common.c): a CREATE ROLE that a server logs
// (log_statement = 'ddl' is common on managed services) then shows no password either. Its salt is
// derived too, so a re-run writes the very same verifier.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/** PostgreSQL's default scram_iterations. */
const iterations = 4096;

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** 43 URL-safe characters: no escaping in a URL, and ASCII, so SASLprep leaves it as it is. */
export function derivePassword(adminPassword: string, name: string): string {
  return hmac(adminPassword, `fly-preview role password\0${name}`).toString('base64url');
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, the form PostgreSQL stores. */
export function scramVerifier(adminPassword: string, name: string): string {
  const password = derivePassword(adminPassword, name);
  const salt = hmac(adminPassword, `fly-preview role salt\0${name}`).subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
