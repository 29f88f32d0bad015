// What the sweep sees: the previews in an org (apps holding machines with the owner labels), and
// whether a run is working on one right now.
import type { PreviewInventory, PreviewListing, PreviewScope, ProgressLog } from '../../provider.js';
import type { FlyContext } from './context.js';
import { mapLimit } from './limits.js';
import { byAge, carries, gone } from './metadata.js';

/** Apps whose machines a sweep lists at once: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;

export async function listPreviews(ctx: FlyContext, scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
  const apps = await ctx.client.listApps(scope.org);
  const found = await mapLimit(apps, listConcurrency, async (a): Promise<PreviewListing | undefined> => {
    const listed = (await ctx.client.listMachinesWithMetadata(a.name, scope.labels)) ?? [];
    // The API filters already; checking again keeps a filter it ignored from making foreign machines ours.
    const machines = listed.filter((m) => !gone(m) && carries(m, scope.labels));
    if (machines.length === 0) return undefined;
    return {
      appName: a.name,
      machines: machines.sort(byAge).map((m) => ({
        id: m.id,
        labels: { ...m.config.metadata },
        createdAt: m.created_at,
        updatedAt: m.updated_at,
      })),
    };
  });
  const previews = found.filter((p): p is PreviewListing => p !== undefined);
  log.debug(`Looked at ${apps.length} apps in ${scope.org}; ${previews.length} hold previews in scope`);
  return { previews, appsExamined: apps.length, appsLeftAlone: apps.length - previews.length };
}

/** Whether any of these machines is under a lease that has not expired: a run is changing the preview. */
export async function busy(ctx: FlyContext, appName: string, machineIds: readonly string[]): Promise<boolean> {
  const leases = await Promise.all(machineIds.map((id) => ctx.client.getLease(appName, id)));
  return leases.some((lease) => lease !== undefined && lease.expires_at * 1000 > ctx.now());
}
