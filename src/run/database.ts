// The runs' side of the database room: a PR's database is ensured before its own preview is written
// to the platform (only an eviction under max-previews, itself checked first, comes before), dropped
// right after the platform's destroy, and listed by the sweep. The room and the PostgreSQL
// client are loaded only when database-url is set, so any other run never loads them; every URL and
// password a step derives is masked before it can reach a platform or the log.
import * as core from '@actions/core';
import type { DatabaseSettings, DropOutcome, InventoryEntry, PreparedDatabase } from '../database/contract.js';
import type { DatabaseView, DroppedDatabaseView } from '../github/index.js';
import type { PullRequest } from '../plan.js';
import { mask } from '../masked.js';
import { errorMessage } from './log.js';

/** Which PR a database is for. */
export type PullRef = Pick<PullRequest, 'owner' | 'repo' | 'number'>;

/** One run's connection to the database server, opened once and closed when the run ends. */
export interface RunDatabases {
  /** The variable the app reads its URL from (`database-env`). */
  readonly env: string;
  /**
   * That the server answers, the admin role may create databases and roles, the template exists, and
   * nothing that is not ours holds the PR's database or role name: a deploy bound to fail is stopped
   * before it costs anyone's preview (an eviction) or any platform write.
   */
  check(pr: PullRef): Promise<void>;
  /** The PR's database and role: made from the template, finished when half-made, or kept with its data. */
  ensure(pr: PullRef): Promise<PreparedDatabase>;
  /** Drops the PR's database, then its role; what is not ours is left and warned about. Throws when a drop fails. */
  drop(pr: PullRef): Promise<DroppedDatabaseView>;
  /** This repository's databases on the server, by their markers, whatever became of their apps. */
  list(repository: string): Promise<InventoryEntry[]>;
  /** The PR's database name, known without asking the server. */
  nameOf(pr: PullRef): string;
}

const refOf = (pr: PullRef) => ({ repository: `${pr.owner}/${pr.repo}`, pr: pr.number });

/** What the PR is shown of a database a deploy made or kept. */
export const databaseView = (made: PreparedDatabase): DatabaseView => ({ name: made.name, template: made.template });

/** Runs `work` with the server open when the settings have a database, and closes it however `work` ends. */
export async function withDatabases<T>(settings: DatabaseSettings | undefined, work: (databases: RunDatabases | undefined) => Promise<T>): Promise<T> {
  if (settings === undefined) return await work(undefined);
  const [room, { previewDatabaseFor }, { previewDatabaseName }] = await Promise.all([
    import('../database/index.js'),
    import('../database/target.js'),
    import('../database/names.js'),
  ]);
  const handle = room.openPreviewDatabases(settings);
  const where = settings.server.where;
  const databases: RunDatabases = {
    env: settings.env,
    nameOf: (pr) => previewDatabaseName(refOf(pr)),
    async check(pr) {
      await handle.check(refOf(pr));
    },
    async ensure(pr) {
      // Known before the first byte goes to the server: the app's URL and its role's password.
      for (const secret of (await previewDatabaseFor(settings, refOf(pr))).secrets) mask(secret);
      const made = await handle.ensure(refOf(pr));
      const from = made.template === undefined ? 'empty' : `a copy of "${made.template}"`;
      core.info(
        made.created
          ? `Database ${made.name} on ${where} ${made.repaired ? 'finished (a previous run had left it half-made)' : 'created'}, ${from}, owned by its own role`
          : `Database ${made.name} on ${where} kept with its data`,
      );
      return made;
    },
    async drop(pr) {
      const dropped = await handle.drop(refOf(pr));
      warnNotOurs(dropped, where, pr);
      if (dropped.database === 'dropped') core.info(`Database ${dropped.name} on ${where} dropped${dropped.role === 'dropped' ? ', and its role' : ''}`);
      return { name: dropped.name, state: dropped.database === 'not-ours' ? 'not-ours' : 'removed' };
    },
    list: (repository) => handle.list(repository),
  };
  try {
    return await work(databases);
  } finally {
    await handle.close();
  }
}

function warnNotOurs(dropped: DropOutcome, where: string, pr: PullRef): void {
  for (const part of ['database', 'role'] as const) {
    if (dropped[part] !== 'not-ours') continue;
    const because = part === 'role' ? "does not carry fly-preview's marker" : "is not owned by fly-preview's role";
    core.warning(
      `A ${part} named "${dropped.name}" on ${where} ${because} for ${pr.owner}/${pr.repo}#${pr.number}, so it was left alone. ` +
        'fly-preview drops only what it created; drop it yourself if it is a leftover.',
    );
  }
}

/**
 * The same server, known not to answer (a sweep could not list it): every step fails at once with
 * that reason, instead of each waiting out the connect timeout again.
 */
export function unreachable(databases: RunDatabases, why: string): RunDatabases {
  const fail = async (): Promise<never> => {
    throw new Error(`the database server could not be reached: ${why}`);
  };
  return { env: databases.env, nameOf: databases.nameOf, check: fail, ensure: fail, drop: fail, list: fail };
}

/** A drop that failed, as the PR is told of it; the step fails with the same words. */
export function failedDrop(name: string, error: unknown): DroppedDatabaseView {
  return { name, state: 'failed', reason: errorMessage(error) };
}
