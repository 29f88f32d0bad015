// The preview's one machine: found (racing creates converge on the oldest), created, patched and
// deleted. Names are not unique and there are no idempotency keys, so a lost answer is resolved by
// looking, never by sending the same change again blindly.
import type { ProgressLog } from '../../provider.js';
import { canonical } from '../canonical.js';
import { ApiAmbiguousError } from '../http.js';
import { lookAgain } from '../polling.js';
import { settled } from '../settled.js';
import type { ComfyDeployContext, ComfyDeployDeployRequest } from './context.js';
import { carries, desiredCommandSteps, oldestFirst } from './steps.js';
import type { CreateServerlessMachine, Machine } from './types.js';

const defaultIdleTimeoutSeconds = 60;

/**
 * Our machine of this name, or undefined. Several of ours (racing creates: names are not unique)
 * converge on the oldest and the rest are deleted; a machine of our name that is not ours stops
 * the run, since a second machine of the same name would confuse every reviewer.
 */
export async function ourMachine(ctx: ComfyDeployContext, name: string, labels: Readonly<Record<string, string>>, log: ProgressLog): Promise<Machine | undefined> {
  const named = await ctx.client.findMachines(name);
  const ours = named.filter((m) => carries(m, labels)).sort(oldestFirst);
  if (ours.length === 0 && named.length > 0) {
    throw new Error(
      `ComfyDeploy already has a machine named "${name}" that fly-preview did not create for this pull request ` +
        `(${named.map((m) => m.id).join(', ')}); it was left untouched. Choose another name with the app-name input.`,
    );
  }
  const [oldest, ...newer] = ours;
  if (newer.length > 0) {
    log.changing();
    await settled(newer.map((m) => deleteMachine(ctx, m, log)));
    log.info(`Racing runs created ${ours.length} machines named ${name}; kept the oldest (${oldest?.id ?? ''}) and deleted ${newer.map((m) => m.id).join(', ')}`);
  }
  return oldest;
}

export type CreatedMachine =
  | { kind: 'created'; machine: Machine }
  /** `lostOurs` when our own create went through though its answer was lost. */
  | { kind: 'found'; machine: Machine; lostOurs: boolean };

export async function createMachine(ctx: ComfyDeployContext, request: ComfyDeployDeployRequest, log: ProgressLog): Promise<CreatedMachine> {
  const body: CreateServerlessMachine = {
    name: request.appName,
    gpu: request.gpu,
    comfyui_version: request.comfyuiVersion,
    docker_command_steps: desiredCommandSteps(request),
    keep_warm: 0,
    idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
  };
  log.changing();
  let created: Machine;
  try {
    created = await ctx.client.createMachine(body);
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    log.info(`The answer to creating ComfyDeploy machine ${request.appName} was lost (${error.detail}); looking before creating again`);
    const made = await lookAgain(ctx, () => ourMachine(ctx, request.appName, request.ownerLabels, log));
    if (made !== undefined) return { kind: 'found', machine: made, lostOurs: true };
    created = await ctx.client.createMachine(body);
  }
  log.info(`Created ComfyDeploy machine ${created.id} (${request.appName}), build ${created.machine_version_id ?? 'pending'}`);
  // The API does not refuse a second machine of the same name, so a racing run may have made one
  // too: every run keeps the oldest, and a run whose machine is newer deletes its own.
  const oldest = await ourMachine(ctx, request.appName, request.ownerLabels, log);
  if (oldest === undefined || oldest.id === created.id) return { kind: 'created', machine: created };
  log.info(`Machine ${oldest.id} of another run is older; continuing with it`);
  return { kind: 'found', machine: oldest, lostOurs: false };
}

export async function updateMachine(
  ctx: ComfyDeployContext,
  request: ComfyDeployDeployRequest,
  machine: Machine,
  rebuildSame: boolean,
  log: ProgressLog,
): Promise<Machine> {
  const body = {
    gpu: request.gpu,
    comfyui_version: request.comfyuiVersion,
    docker_command_steps: desiredCommandSteps(request),
    idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
    ...(rebuildSame ? { is_trigger_rebuild: true } : {}),
  };
  log.changing();
  let updated: Machine;
  try {
    updated = await ctx.client.updateMachine(machine.id, body);
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    // Looking first also keeps a machine deleted meanwhile from being rebuilt (PATCH does not check `deleted`).
    const after = await ctx.client.getMachine(machine.id);
    if (after === undefined) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
    if (after.machine_version_id !== machine.machine_version_id && canonical(after.docker_command_steps) === canonical(body.docker_command_steps)) {
      log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
      return after;
    }
    updated = await ctx.client.updateMachine(machine.id, body);
  }
  if (updated.deleted === true) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
  log.info(`Updated ComfyDeploy machine ${machine.id}: build ${updated.machine_version_id ?? 'pending'}`);
  return updated;
}

/** Deletes a machine, first setting keep_warm to 0 when the API asks for it (a reviewer may have raised it). */
export async function deleteMachine(ctx: ComfyDeployContext, machine: Machine, log: ProgressLog): Promise<'deleted' | 'absent'> {
  log.changing();
  const first = await ctx.client.deleteMachine(machine.id);
  if (first !== 'keep-warm') return first;
  log.info(`Machine ${machine.id} is kept warm; setting keep_warm to 0 before deleting it`);
  await ctx.client.updateMachine(machine.id, { keep_warm: 0 });
  const second = await ctx.client.deleteMachine(machine.id);
  if (second === 'keep-warm') throw new Error(`ComfyDeploy refused to delete machine ${machine.id} while it is kept warm.`);
  return second;
}
