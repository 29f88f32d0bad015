// The sweep's side of the database server: a database of this repository's previews whose app is
// already gone (a close run that died between the platform's destroy and the drop, or a deploy that
// died before the platform) is dropped once its PR is closed, merged or idle past the ttl. A preview
// that still has its app is removed with it, by removePreview.
import * as core from '@actions/core';
import type { InventoryEntry } from '../database/contract.js';
import type { PullSummary, SweepRow } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { inWords, sweepVerdict, type Plan } from '../plan.js';
import type { RunDatabases } from './database.js';
import { errorMessage } from './log.js';
import { sweptPull } from './previews.js';

/** The verdict on one database without an app, and what came of it, as its summary row says. */
export async function sweepDatabase(
  settings: Settings,
  databases: RunDatabases,
  plan: Extract<Plan, { action: 'sweep' }>,
  entry: InventoryEntry,
  pull: PullSummary | undefined,
  now: number,
): Promise<SweepRow> {
  const createdMs = Date.parse(entry.createdAt ?? '') || 0;
  const { swept, ...seen } = sweptPull(pull, now);
  const row = { appName: undefined, database: entry.name, pr: entry.pr, ...seen, age: createdMs === 0 ? '' : inWords(now - createdMs) };
  const verdict = sweepVerdict(swept, createdMs, settings.ttlMs, now);
  const gone = entry.complete ? 'its app is already gone' : 'a run died before it was finished';
  if (!verdict.destroy) return { ...row, action: 'kept', why: `${verdict.why}; ${gone}` };
  if (settings.dryRun) return { ...row, action: 'would destroy', why: `${verdict.why}; ${gone}` };
  try {
    const dropped = await databases.drop({ owner: plan.owner, repo: plan.repo, number: entry.pr });
    if (dropped.state === 'not-ours') return { ...row, action: 'kept', why: `${verdict.why}; not owned by fly-preview's role for this PR, so left alone` };
    return { ...row, action: 'destroyed', why: `${verdict.why}; ${gone}` };
  } catch (error) {
    core.error(`Could not drop database ${entry.name} (PR #${entry.pr}): ${errorMessage(error)}`);
    return { ...row, action: 'failed', why: `${verdict.why}; ${errorMessage(error)}` };
  }
}
