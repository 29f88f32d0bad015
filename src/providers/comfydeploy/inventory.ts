// What a sweep asks of ComfyDeploy: the organisation's previews in a scope, and whether one is busy.
import type { PreviewInventory, PreviewListing, PreviewScope, ProgressLog } from '../../provider.js';
import { scopeLabels } from '../listing.js';
import { settled } from '../settled.js';
import type { ComfyDeployContext } from './context.js';
import { carries, markerOf } from './steps.js';
import type { Machine, PreviewMarker } from './types.js';

/**
 * Machines whose marker carries every scope label, with the values of the scope's keys; one listing
 * per machine name. Requests: one paged listing, nothing else. Machines have no organisation
 * parameter: the token decides.
 */
export async function listPreviews(ctx: ComfyDeployContext, scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
  const machines = await ctx.client.listMachines();
  const byName = new Map<string, PreviewListing>();
  for (const m of machines.filter((machine) => carries(machine, scope.labels))) {
    const marker = markerOf(m) as PreviewMarker;
    const listing = byName.get(m.name) ?? { appName: m.name, machines: [] };
    listing.machines.push({
      id: m.id,
      labels: scopeLabels(scope, (key) => marker.labels[key]),
      createdAt: m.created_at ?? '',
      updatedAt: m.updated_at,
    });
    byName.set(m.name, listing);
  }
  log.debug(`Looked at ${machines.length} ComfyDeploy machines; ${byName.size} are previews in scope`);
  return { previews: [...byName.values()], appsExamined: machines.length, appsLeftAlone: machines.length - [...byName.values()].reduce((n, l) => n + l.machines.length, 0) };
}

/** ComfyDeploy has no leases: a machine whose build is still under way is the nearest thing, since a run follows it. */
export async function anyBusy(ctx: ComfyDeployContext, machineIds: readonly string[]): Promise<boolean> {
  const machines = await settled<(Machine | undefined)[]>(machineIds.map((id) => ctx.client.getMachine(id)));
  return machines.some((m) => m !== undefined && (m.status === 'building' || m.status === 'not-started' || m.status === 'starting'));
}
