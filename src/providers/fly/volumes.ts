// The volumes a preview's process groups mount: found again or made on deploy, deleted with the
// machines that mounted them.
import type { DeployRequest, ProgressLog } from '../../provider.js';
import { backoffDelay, defaultRetryPolicy } from '../../retry.js';
import { settled } from '../settled.js';
import type { PreviewPlan } from './appconfig/index.js';
import type { FlyContext } from './context.js';
import { FlyAmbiguousError, FlyApiError } from './http.js';
import { groupOf } from './metadata.js';
import type { Machine, Volume } from './types.js';

/**
 * A volume per mounting group, in the preview's region: the one its machine already has, else a
 * free one of the same name (a re-run after a failed deploy), else a new one as flyctl's first
 * deploy makes it (internal/command/deploy/deploy_first.go).
 */
export async function volumesFor(
  ctx: FlyContext,
  request: DeployRequest,
  plan: PreviewPlan,
  ours: Machine[],
  volumes: Volume[],
  defaultGroup: string,
  log: ProgressLog,
): Promise<Map<string, string>> {
  const chosen = new Map<string, string>();
  const taken = new Set<string>();
  for (const g of plan.groups) {
    const want = g.volumes[0];
    if (want === undefined) continue;
    const mine = new Set(ours.filter((m) => groupOf(m, defaultGroup) === g.name && m.region === plan.region).map((m) => m.id));
    const fits = volumes.filter((v) => v.name === want.name && v.region === plan.region && !taken.has(v.id));
    const found = fits.find((v) => v.attached_machine_id !== null && mine.has(v.attached_machine_id)) ?? fits.find((v) => v.attached_machine_id === null || v.attached_machine_id === '');
    if (found !== undefined) {
      taken.add(found.id);
      chosen.set(g.name, found.id);
      continue;
    }
    log.changing();
    const body = {
      name: want.name,
      region: plan.region,
      size_gb: want.sizeGb,
      encrypted: true,
      require_unique_zone: false,
      ...(g.config.guest === undefined ? {} : { compute: g.config.guest }),
      ...(want.snapshotRetention === undefined ? {} : { snapshot_retention: want.snapshotRetention }),
      ...(want.autoBackupEnabled === undefined ? {} : { auto_backup_enabled: want.autoBackupEnabled }),
    };
    const made = await ctx.client.createVolume(request.appName, body).catch(async (error: unknown) => {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      // Whether the lost create went through shows in the list: a new free volume of that name is it.
      const free = (await ctx.client.listVolumes(request.appName)).find(
        (v) => v.name === want.name && v.region === plan.region && !taken.has(v.id) && !volumes.some((x) => x.id === v.id) && !v.attached_machine_id,
      );
      return free ?? ctx.client.createVolume(request.appName, body);
    });
    log.info(`Created volume ${made.id} (${made.name}, ${made.size_gb} GB) in ${made.region} for ${want.destination} of the ${g.name} group`);
    taken.add(made.id);
    chosen.set(g.name, made.id);
  }
  return chosen;
}

/**
 * Deletes volumes whose machines were just deleted. Fly refuses (412) while a volume is still
 * attached, which can last a moment after its machine is gone, so that answer is retried briefly.
 */
export async function deleteVolumes(ctx: FlyContext, appName: string, volumes: Volume[], log: ProgressLog): Promise<void> {
  await settled(
    volumes.map(async (v) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await ctx.client.deleteVolume(appName, v.id);
          log.info(`Deleted volume ${v.id} (${v.name})`);
          return;
        } catch (error) {
          if (!(error instanceof FlyApiError && error.status === 412) || attempt >= 8) throw error;
          await ctx.sleep(Math.max(200, backoffDelay({ ...defaultRetryPolicy, maxDelayMs: 2_000 }, attempt)));
        }
      }
    }),
  );
}
