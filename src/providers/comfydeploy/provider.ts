// The ComfyDeploy implementation of the preview contract: one serverless machine per preview, built
// from a pinned ComfyUI commit plus the pull request's custom node at its head commit. ComfyDeploy
// has no tags, no unique names and no idempotency keys, and builds run in the background for
// minutes, so: the machine is marked as ours inside its docker_command_steps (which the API stores
// as sent) and must also carry our node's step; every create looks first, and racing creates
// converge on the oldest machine; a build is followed by polling its own version with growing pauses.
// This file only sequences the phases: machine.ts, build.ts, import-failure.ts, destroy.ts,
// inventory.ts and wake.ts do the work, each given the one ComfyDeployContext.
import type { DestroyOutcome, PreviewInventory, PreviewScope, PreviewTarget, ProgressLog, ProviderTexts, WakeOutcome } from '../../provider.js';
import { supersedes } from '../revision.js';
import { buildFailed, ended, followBuild } from './build.js';
import {
  comfyDeployContext,
  place,
  type ComfyDeployContext,
  type ComfyDeployDeployRequest,
  type ComfyDeployOutcome,
  type ComfyDeployProviderOptions,
} from './context.js';
import { destroyPreview } from './destroy.js';
import { readyOrImportFailed } from './import-failure.js';
import { anyBusy, listPreviews } from './inventory.js';
import { createMachine, ourMachine, updateMachine } from './machine.js';
import { checkSource, markedRevision, markerOf, sameBuild } from './steps.js';
import type { Machine } from './types.js';
import { wake } from './wake.js';

const maxRounds = 6;

type Change = 'created' | 'updated' | 'unchanged';

/** The build a round follows: on which machine, its version, and whether this run just started it. */
interface Build {
  machine: Machine;
  versionId: string | null | undefined;
  justStarted: boolean;
  change: Change;
}

export class ComfyDeployProvider {
  // The dashboard page is the preview's URL, and it is ComfyDeploy's own login that guards it.
  readonly texts: ProviderTexts = {
    urlAccess: 'The machine page needs a ComfyDeploy login to the organisation that owns the machine.',
    busy: 'its machine is still being built',
  };
  readonly #ctx: ComfyDeployContext;

  constructor(options: ComfyDeployProviderOptions) {
    this.#ctx = comfyDeployContext(options);
  }

  close(): Promise<void> {
    return this.#ctx.client.close();
  }

  /** A machine has no hostname; its page (dashboardUrl) is known only once it exists. */
  hostnameFor(_appName: string): string | undefined {
    return undefined;
  }

  async deploy(request: ComfyDeployDeployRequest, log: ProgressLog): Promise<ComfyDeployOutcome> {
    checkSource(request.source);
    const ctx = this.#ctx;
    const deadline = ctx.now() + request.waitTimeoutMs;
    let machine = await ourMachine(ctx, request.appName, request.ownerLabels, log);
    let change: Change = 'unchanged';
    for (let round = 1; round <= maxRounds; round++) {
      const build = await startBuild(ctx, request, machine, change, log);
      if ('kind' in build) return build;
      ({ machine, change } = build);
      const { versionId } = build;
      if (versionId === undefined || versionId === null) throw new Error(`ComfyDeploy answered without a machine_version_id for machine ${machine.id}; cannot follow its build.`);

      const result = await followBuild(ctx, machine.id, versionId, deadline, build.justStarted, request.waitTimeoutMs);
      const now = await ctx.client.getMachine(machine.id);
      if (now === undefined) {
        // Deleted under us: by a racing run converging on an older machine, or by the PR's close.
        const older = await ourMachine(ctx, request.appName, request.ownerLabels, log);
        if (older === undefined) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while it was building (was the preview destroyed meanwhile?).`);
        log.info(`Machine ${machine.id} was deleted by another run; continuing with machine ${older.id}`);
        machine = older;
        continue;
      }
      machine = now;
      if (now.machine_version_id !== versionId) {
        const marker = markerOf(now);
        if (marker !== undefined && supersedes(markedRevision(marker), request.revision)) {
          log.info(`Machine ${now.id} was updated to ${marker.revision.slice(0, 7)} by a newer run while this build ran`);
          return { kind: 'superseded', ...place(request, now.id), deployedRevisionId: marker.revision };
        }
        log.info(`Machine ${now.id} was rebuilt by another run (version ${now.machine_version_id ?? 'none'}); looking again`);
        continue;
      }
      if (result.kind === 'ended' && result.value.status === 'ready') return readyOrImportFailed(request, now, result.value, change);
      return buildFailed(request, now, result);
    }
    throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing ComfyDeploy machine ${request.appName}. Re-run the job.`);
  }

  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    return destroyPreview(this.#ctx, target, log);
  }

  wake(target: PreviewTarget): Promise<WakeOutcome> {
    return Promise.resolve(wake(target));
  }

  listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    return listPreviews(this.#ctx, scope, log);
  }

  busy(_appName: string, machineIds: readonly string[]): Promise<boolean> {
    return anyBusy(this.#ctx, machineIds);
  }
}

/**
 * What a round follows: a new machine's first build, a build under way, or a rebuild this run asks
 * for; or the outcome, when the machine is superseded or already runs this revision.
 */
async function startBuild(
  ctx: ComfyDeployContext,
  request: ComfyDeployDeployRequest,
  found: Machine | undefined,
  change: Change,
  log: ProgressLog,
): Promise<ComfyDeployOutcome | Build> {
  let machine = found;
  if (machine === undefined) {
    const created = await createMachine(ctx, request, log);
    machine = created.machine;
    if (created.kind === 'created' || created.lostOurs) change = 'created';
    if (created.kind === 'created' && machine.machine_version_id !== undefined) {
      return { machine, versionId: machine.machine_version_id, justStarted: true, change };
    }
  }
  const marker = markerOf(machine);
  if (marker !== undefined && supersedes(markedRevision(marker), request.revision)) {
    log.info(`Machine ${machine.id} already builds ${marker.revision.slice(0, 7)}, newer than this run's revision; leaving it`);
    return { kind: 'superseded', ...place(request, machine.id), deployedRevisionId: marker.revision };
  }
  const same = sameBuild(machine, request);
  const current = same && machine.machine_version_id ? await ctx.client.getVersion(machine.id, machine.machine_version_id) : undefined;
  if (current?.status === 'ready') {
    log.info(`Machine ${machine.id} already runs this revision (version ${current.version}); nothing to change`);
    return readyOrImportFailed(request, machine, current, change);
  }
  if (current !== undefined && !ended.has(current.status)) {
    // Another run of this revision (or our own lost create or update) started this build: follow it.
    return { machine, versionId: current.id, justStarted: false, change };
  }
  // Also when the same build failed: a re-run asks for a rebuild of it.
  const updated = await updateMachine(ctx, request, machine, same, log);
  return { machine: updated, versionId: updated.machine_version_id, justStarted: true, change: 'updated' };
}
