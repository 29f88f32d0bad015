// The database room's entry point: a run opens a handle with the settings readDatabaseSettings built,
// calls the steps it needs, and closes it. This module loads the PostgreSQL client, so runs import it
// dynamically and only when `database-url` is set.
import type { DatabaseSettings, PreviewDatabases, PreviewRef } from './contract.js';
import { ensurePreviewDatabase, standingOrRefuse } from './create.js';
import { dropPreviewDatabase } from './drop.js';
import { DatabaseError, step } from './errors.js';
import { listPreviewDatabases } from './inventory.js';
import { previewDatabaseName } from './names.js';
import { inspect, preflight } from './preflight.js';
import { connectProblem, connectTimeoutMs, type Room, Session } from './session.js';

export type * from './contract.js';
export { DatabaseError, DatabaseInputError } from './errors.js';

/**
 * Another run for the same PR created the role or database between our look and our CREATE: the
 * catalog's unique index (23505) or the duplicate check (42710 role, 42P04 database) says so.
 */
const lostRace = new Set(['23505', '42710', '42P04']);
/** A race lost at CREATE ROLE can be lost again at CREATE DATABASE. */
const ensureAttempts = 3;

export interface OpenOptions {
  /** At most 15 s, the default: a server that does not answer fails the step within seconds. */
  connectTimeoutMs?: number;
}

export function openPreviewDatabases(settings: DatabaseSettings, options: OpenOptions = {}): PreviewDatabases {
  const { server } = settings;
  const timeoutMs = Math.min(options.connectTimeoutMs ?? connectTimeoutMs, connectTimeoutMs);
  const meter = { roundTrips: 0 };
  const secrets = [...settings.secrets];
  const sessionOptions = { meter, secrets, timeoutMs };
  let admin: Promise<Session> | undefined;
  const room: Room = {
    settings,
    secrets,
    admin() {
      admin ??= Session.open(server, server.database, sessionOptions).catch((error: unknown) => {
        admin = undefined;
        throw error instanceof DatabaseError ? connectProblem(server, error, timeoutMs) : error;
      });
      return admin;
    },
    open: (database) => Session.open(server, database, sessionOptions),
  };
  return {
    async check(ref?: PreviewRef) {
      const session = await room.admin();
      const name = ref === undefined ? undefined : previewDatabaseName(ref);
      const state = await step('Reading the server', server.where, () => inspect(session, settings.template, name));
      const facts = preflight(state, server, settings.template);
      if (ref !== undefined && name !== undefined) standingOrRefuse(state, name, server.where, ref);
      return facts;
    },
    async ensure(ref: PreviewRef) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await ensurePreviewDatabase(room, ref);
        } catch (error) {
          // The other run made it first: look again, and find it ours (or half-made by it).
          const raced = error instanceof DatabaseError && error.code !== undefined && lostRace.has(error.code);
          if (!raced || attempt === ensureAttempts) throw error;
        }
      }
    },
    drop: (ref: PreviewRef) => dropPreviewDatabase(room, ref),
    async list(repository: string) {
      const session = await room.admin();
      return await step('Listing the previews', server.where, () => listPreviewDatabases(session, repository));
    },
    get roundTrips() {
      return meter.roundTrips;
    },
    async close() {
      const open = admin;
      admin = undefined;
      if (open !== undefined) await (await open.catch(() => undefined))?.end();
    },
  };
}
