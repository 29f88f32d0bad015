// `database-url` and `database-app-host`, read with the WHATWG URL parser before any connection, and
// the app's URL built the same way. Pure: no client is loaded here, so the inputs stage can call it on
// every run. No message ever repeats the URL or its password; the URL parser's own error is never
// passed on either, since it carries the whole input.
import type { AppHost, DatabaseServer } from './contract.js';
import { DatabaseInputError } from './errors.js';

const urlForm = 'postgres://user:password@host:5432/database?sslmode=require';

/**
 * Query keys libpq reads as the user, password, host, port or database. They would override what
 * the URL's authority says, in the admin's connection and in the app's, so each must be said once,
 * in the URL itself.
 */
const identityKeys = ['user', 'password', 'host', 'hostaddr', 'port', 'dbname', 'service', 'passfile'];

function urlProblem(problem: string): DatabaseInputError {
  return new DatabaseInputError('database-url', `${problem}; the accepted form is ${urlForm}`);
}

function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw urlProblem(`has a malformed %-escape in its ${what}`);
  }
}

/** `host:port` as messages write it, IPv6 in brackets. */
function where(urlHost: string, port: number): string {
  return `${urlHost}:${port}`;
}

/** The admin URL, checked; throws DatabaseInputError naming `database-url`, never its value. */
export function parseDatabaseUrl(raw: string): DatabaseServer {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw urlProblem('is not a URL (in a password, write @ : / # % as %40 %3A %2F %23 %25; a list of hosts is not supported)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw urlProblem('must start with postgres:// or postgresql://');
  if (url.hostname === '') throw urlProblem('has no host');
  if (url.hostname.includes(',')) throw urlProblem('names more than one host; give the primary alone');
  if (url.hash !== '') throw urlProblem('has a fragment (#…); a # in the password is written %23');
  if (url.username === '') throw urlProblem('has no user');
  if (url.password === '') throw urlProblem("has no password; each preview's role password is derived from it");
  const key = identityKeys.find((k) => url.searchParams.has(k));
  if (key !== undefined) throw urlProblem(`sets ${key} in its query; write the user, password, host, port and database in the URL itself`);
  // node-postgres reads `ssl` too, but libpq and most app drivers do not: the app's URL would lose TLS.
  if (url.searchParams.has('ssl')) throw urlProblem('sets ssl in its query; write sslmode=require (or verify-full), which every PostgreSQL driver reads');
  const path = decoded(url.pathname.replace(/^\//, ''), 'database name');
  if (path.includes('/')) throw urlProblem('has a path of more than one segment; the path is the database name');
  const port = url.port === '' ? 5432 : Number(url.port);
  if (port === 0) throw urlProblem('has port 0');
  const user = decoded(url.username, 'user');
  return {
    protocol: url.protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user,
    password: decoded(url.password, 'password'),
    database: path === '' ? user : path,
    search: url.search,
    href: url.href,
    where: where(url.hostname, port),
  };
}

/** `host[:port]`: how the app reaches the same server; throws DatabaseInputError naming `database-app-host`. */
export function parseAppHost(raw: string): AppHost {
  const problem = new DatabaseInputError(
    'database-app-host',
    'must be host or host:port, such as my-pg.flycast:5432 or [fdaa::3]:5432, without user, path or query',
  );
  let url: URL;
  try {
    url = new URL(`postgres://${raw.trim()}`);
  } catch {
    throw problem;
  }
  if (url.hostname === '' || url.hostname.includes(',') || url.username !== '' || url.password !== '' || url.pathname !== '' || url.search !== '' || url.hash !== '') {
    throw problem;
  }
  return { host: url.hostname, port: url.port === '' ? undefined : Number(url.port) };
}

/**
 * Every form in which the admin's credentials could reach a log: the URL as written and as the URL
 * parser writes it, and the password encoded, decoded and re-encoded. Never throws, so a run can
 * mask an input parseDatabaseUrl will then reject.
 */
export function databaseUrlSecrets(raw: string): string[] {
  const forms = new Set([raw, raw.trim()]);
  try {
    const url = new URL(raw.trim());
    forms.add(url.href);
    forms.add(url.password);
    try {
      const password = decodeURIComponent(url.password);
      forms.add(password);
      forms.add(encodeURIComponent(password));
    } catch {
      // A malformed escape: the encoded form above is all there is.
    }
  } catch {
    // Not a URL: the raw value, masked whole, is all there is.
  }
  // The runner masks line by line, so a form that spans lines (a password with %0A in it) is
  // masked one line at a time too.
  for (const form of [...forms]) if (form.includes('\n')) for (const line of form.split('\n')) if (line.trim() !== '') forms.add(line);
  forms.delete('');
  return [...forms];
}

/**
 * The admin URL's query keys the app's URL keeps: how to reach and trust the server, and the
 * session options. Never the TLS key, certificate and CA paths, which name files on the runner, nor
 * sslpassword (the runner's key's passphrase), nor anything else the admin URL may carry.
 */
const appQueryKeys = new Set(['sslmode', 'sslnegotiation', 'channel_binding', 'target_session_attrs', 'connect_timeout', 'options']);

/** The app's URL: the admin's, with the preview's role, password and database, at the app's host when set. */
export function appDatabaseUrl(server: DatabaseServer, appHost: AppHost | undefined, name: string, role: string, password: string): string {
  const url = new URL(server.href);
  // Pair by pair as written: URLSearchParams would re-encode a space as +, which libpq keeps as +.
  const pairs = url.search.replace(/^\?/, '').split('&');
  url.search = pairs.filter((pair) => appQueryKeys.has(new URLSearchParams(pair).keys().next().value ?? '')).join('&');
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(name)}`;
  if (appHost !== undefined) {
    url.hostname = appHost.host;
    if (appHost.port !== undefined) url.port = String(appHost.port);
  }
  return url.href;
}
