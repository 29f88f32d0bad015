// Removing one PR's preview, the one way every run does it: its close, `/preview destroy` or
// `mode: destroy`, its opt-in label removed, its PR turned draft (`drafts: skip`), an eviction under
// `max-previews`, and a sweep. Only machines carrying its owner labels are deleted, then the PR's
// database and its role (only when they carry our marker), and the PR is told what went and what was kept.
import * as core from '@actions/core';
import type { DroppedDatabaseView, PreviewView } from '../github/index.js';
import type { PullRequest } from '../plan.js';
import type { DestroyOutcome, PreviewProvider, PreviewTarget } from '../provider.js';
import type { Report } from '../report.js';
import { failedDrop, type RunDatabases } from './database.js';
import { log } from './log.js';
import { setOutputs } from './outputs.js';

/** Why a preview went, when not its own close run. */
export type DestroyCause = NonNullable<Extract<PreviewView, { state: 'destroyed' }>['cause']>;

/** What removePreview did: the platform's outcome, and the database's when the preview has one. */
export type RemovedPreview = DestroyOutcome & { database?: DroppedDatabaseView };

/** A database removePreview could not drop: its name, and the drop's error. */
export interface Undropped {
  name: string;
  reason: string;
}

export function undropped(removed: RemovedPreview): Undropped | undefined {
  const database = removed.database;
  return database?.state === 'failed' ? { name: database.name, reason: database.reason ?? 'see the run log' } : undefined;
}

/**
 * Deletes the preview, then its database, and says so on its PR; `absent` when there was no app
 * left to delete. A drop that fails does not throw: the platform side is done (its place is free,
 * nothing runs or bills), so the outcome's database says `failed` and why, and the caller fails the
 * step at its end, once its own work is done.
 */
export async function removePreview(
  provider: PreviewProvider,
  databases: RunDatabases | undefined,
  report: Report,
  target: PreviewTarget,
  pr: PullRequest,
  cause?: DestroyCause,
): Promise<RemovedPreview> {
  const outcome = await provider.destroy(target, log);
  let database: DroppedDatabaseView | undefined;
  // After the app: its machines stop holding connections, and a platform that refuses keeps the data.
  if (databases !== undefined) {
    try {
      database = await databases.drop(pr);
    } catch (error) {
      database = failedDrop(databases.nameOf(pr), error);
    }
  }
  const keptMachines = outcome.kind === 'machines-destroyed' ? outcome.foreignMachines.map((m) => `${m.id} (${m.name})`) : [];
  const view: PreviewView = { state: 'destroyed', appName: target.appName, sha: pr.headSha, keptMachines, ...(cause === undefined ? {} : { cause }), ...(database === undefined ? {} : { database }) };
  await report.closed(view, outcome.kind !== 'absent');
  return database === undefined ? outcome : { ...outcome, database };
}

/**
 * A run that destroys one PR's preview: the outputs and the notice say what happened. false when its
 * database could not be dropped: the step is then failed with the drop's error, the app being gone.
 */
export async function destroy(
  provider: PreviewProvider,
  databases: RunDatabases | undefined,
  report: Report,
  target: PreviewTarget,
  pr: PullRequest,
  cause?: DestroyCause,
): Promise<boolean> {
  const outcome = await removePreview(provider, databases, report, target, pr, cause);
  const failed = undropped(outcome);
  setOutputs({ status: failed === undefined ? 'destroyed' : 'failed', appName: target.appName, databaseName: outcome.database?.name });
  const database = outcome.database?.state === 'removed' ? ` Database ${outcome.database.name} dropped (or already gone).` : '';
  core.notice(destroyNotice(outcome, target.appName) + database);
  if (failed !== undefined) core.setFailed(failed.reason);
  return failed === undefined;
}

function destroyNotice(outcome: DestroyOutcome, appName: string): string {
  switch (outcome.kind) {
    case 'absent':
      return `Preview app ${appName} was already gone; nothing to destroy.`;
    case 'app-destroyed':
      return `Preview destroyed: app ${appName}.`;
    case 'machines-destroyed':
      return outcome.machineIds.length === 0
        ? `App ${appName} holds no machine of this preview any more; nothing to destroy, and its other machines were left alone.`
        : `Preview destroyed: machines ${outcome.machineIds.join(', ')}.`;
  }
}
