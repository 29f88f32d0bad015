// What a sweep asks of Koyeb: the organization's previews in a scope, and whether one is busy.
import type { PreviewInventory, PreviewListing, PreviewScope, ProgressLog } from '../../provider.js';
import { scopeLabels } from '../listing.js';
import { settled } from '../settled.js';
import type { KoyebContext } from './context.js';
import { carries, envValue, markerKey, serviceName } from './definition.js';
import { progressing } from './readiness.js';
import { latestDeploymentId } from './service.js';
import type { App, Deployment, DeploymentStatus, Service } from './types.js';

/** How many deployments a sweep reads at once: parallel, but not a storm. */
const sweepConcurrency = 8;

/**
 * This organization's previews whose markers carry every scope label, with the values of the
 * scope's keys. Apps without such a service are not ours and are not listed, whatever their names
 * look like. Requests: the app and service listings, then one deployment read per service named
 * like ours. Koyeb has no organisation parameter: the token decides (`scope.org` is Fly's).
 */
export async function listPreviews(ctx: KoyebContext, scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
  const client = ctx.client;
  const [apps, services] = await settled<[App[], Service[]]>([client.listApps(), client.listServices()]);
  const live = apps.filter((a) => a.status !== 'DELETING' && a.status !== 'DELETED');
  const appNames = new Map(live.map((a) => [a.id, a.name]));
  const candidates = services.filter((s) => s.name === serviceName && appNames.has(s.app_id) && s.status !== 'DELETING' && s.status !== 'DELETED');
  const byApp = new Map<string, PreviewListing>();
  for (let i = 0; i < candidates.length; i += sweepConcurrency) {
    const batch = candidates.slice(i, i + sweepConcurrency);
    const deployments = await settled<(Deployment | undefined)[]>(
      batch.map((s) => {
        const deploymentId = latestDeploymentId(s);
        return deploymentId === undefined ? Promise.resolve(undefined) : client.getDeployment(deploymentId);
      }),
    );
    batch.forEach((service, j) => {
      const definition = deployments[j]?.definition;
      if (!carries(definition, scope.labels)) return;
      const appName = appNames.get(service.app_id) ?? '';
      const listing = byApp.get(appName) ?? { appName, machines: [] };
      listing.machines.push({
        id: service.id,
        labels: scopeLabels(scope, (key) => envValue(definition, markerKey(key))),
        createdAt: service.created_at ?? '',
        // The latest deployment is the last deploy: what a ttl counts idleness from.
        updatedAt: deployments[j]?.created_at,
      });
      byApp.set(appName, listing);
    });
  }
  log.debug(`Looked at ${live.length} Koyeb apps; ${byApp.size} hold previews in scope`);
  return { previews: [...byApp.values()], appsExamined: live.length, appsLeftAlone: live.length - byApp.size };
}

/**
 * Koyeb has no leases: a service whose latest deployment is still rolling out is the nearest thing
 * to one, since a run is waiting on it.
 */
export async function anyBusy(ctx: KoyebContext, machineIds: readonly string[]): Promise<boolean> {
  const statuses = await settled<(DeploymentStatus | undefined)[]>(
    machineIds.map(async (id) => {
      const deploymentId = latestDeploymentId(await ctx.client.getService(id));
      if (deploymentId === undefined) return undefined;
      return (await ctx.client.getDeployment(deploymentId))?.status;
    }),
  );
  return statuses.some((status) => status !== undefined && progressing.has(status));
}
