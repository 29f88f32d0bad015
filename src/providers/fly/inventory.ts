// What the sweep sees: the previews in an org (apps holding machines with the owner labels), and
// whether a run is working on one right now.
import type { PreviewInventory, PreviewListing, PreviewScope, ProgressLog } from '../../provider.js';
import type { FlyContext } from './context.js';
import { mapLimit } from './limits.js';
import { byAge, carries, gone } from './metadata.js';
import type { OrgMachine } from './org-types.js';
import type { Machine } from './types.js';

/** Apps whose machines a sweep lists at once, where the org listing is not served: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;

/**
 * One listing of every machine in the org (`GET /v1/orgs/{org}/machines`, 1,000 a page, with each
 * machine's app and metadata) instead of the app list plus one request per app. Where that
 * endpoint is not served (404/405), the per-app listing does the same work.
 */
export async function listPreviews(ctx: FlyContext, scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
  const org = await ctx.client.listOrgMachines(scope.org);
  if (org === undefined) {
    log.debug(`GET /v1/orgs/${scope.org}/machines is not served (404/405): listing the org's apps, then each app's machines`);
    return listPerApp(ctx, scope, log);
  }
  if (org.errorRegions.length > 0) {
    log.warning(`Fly could not list the machines in ${org.errorRegions.join(', ')} this time; previews there are left for the next sweep.`);
  }
  const apps = new Set<string>();
  const byApp = new Map<string, OrgMachine[]>();
  for (const m of org.machines) {
    apps.add(m.app_name);
    // The listing has no filter: only the metadata says whose a machine is.
    if (gone(m) || !carries(m, scope.labels)) continue;
    byApp.set(m.app_name, [...(byApp.get(m.app_name) ?? []), m]);
  }
  const previews = [...byApp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([appName, machines]) => listing(appName, machines));
  log.debug(`Looked at ${org.machines.length} machines in ${apps.size} apps of ${scope.org} in one listing; ${previews.length} apps hold previews in scope`);
  return { previews, appsExamined: apps.size, appsLeftAlone: apps.size - previews.length };
}

async function listPerApp(ctx: FlyContext, scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
  const apps = await ctx.client.listApps(scope.org);
  const found = await mapLimit(apps, listConcurrency, async (a): Promise<PreviewListing | undefined> => {
    const listed = (await ctx.client.listMachinesWithMetadata(a.name, scope.labels)) ?? [];
    // The API filters already; checking again keeps a filter it ignored from making foreign machines ours.
    const machines = listed.filter((m) => !gone(m) && carries(m, scope.labels));
    return machines.length === 0 ? undefined : listing(a.name, machines);
  });
  const previews = found.filter((p): p is PreviewListing => p !== undefined);
  log.debug(`Looked at ${apps.length} apps in ${scope.org}; ${previews.length} hold previews in scope`);
  return { previews, appsExamined: apps.length, appsLeftAlone: apps.length - previews.length };
}

function listing(appName: string, machines: (Machine | OrgMachine)[]): PreviewListing {
  return {
    appName,
    machines: machines.sort(byAge).map((m) => ({
      id: m.id,
      labels: { ...m.config?.metadata },
      createdAt: m.created_at ?? '',
      updatedAt: m.updated_at,
    })),
  };
}

/** Whether any of these machines is under a lease that has not expired: a run is changing the preview. */
export async function busy(ctx: FlyContext, appName: string, machineIds: readonly string[]): Promise<boolean> {
  const leases = await Promise.all(machineIds.map((id) => ctx.client.getLease(appName, id)));
  return leases.some((lease) => lease !== undefined && lease.expires_at * 1000 > ctx.now());
}
