// Removing a preview: the whole app when only our machines live in it, else our machines and the
// volumes they mounted, leaving what others made.
import type { DestroyOutcome, PreviewTarget, ProgressLog } from '../../provider.js';
import type { FlyContext } from './context.js';
import { carries, gone } from './metadata.js';
import type { AppMachineConfig } from './types.js';
import { deleteVolumes } from './volumes.js';

export async function destroy(ctx: FlyContext, target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
  const machines = await ctx.client.listMachines(target.appName);
  if (machines === undefined) return { kind: 'absent', appName: target.appName };
  const ours = machines.filter((m) => carries(m, target.ownerLabels));
  // The list still holds machines being or already destroyed (fly-go flaps_machines.go ListActive
  // drops them): they get no DELETE and are not reported as destroyed by this run.
  const live = ours.filter((m) => !gone(m));
  const foreign = machines.filter((m) => !carries(m, target.ownerLabels) && !gone(m));
  if (foreign.length === 0) {
    await Promise.all([ctx.appDeletes.take(), ctx.appChanges.take(target.appName)]);
    const result = await ctx.client.deleteApp(target.appName);
    if (result === 'absent') return { kind: 'absent', appName: target.appName };
    log.info(`Deleted app ${target.appName} with its machines and IPs`);
    return { kind: 'app-destroyed', appName: target.appName, machineIds: live.map((m) => m.id) };
  }
  const deleted: string[] = [];
  for (const m of live) {
    await ctx.appChanges.take(target.appName);
    if ((await ctx.client.deleteMachine(target.appName, m.id)) === 'deleted') deleted.push(m.id);
  }
  // The app stays, so the volumes our machines mounted would outlive the preview: they go too,
  // those of a machine already destroyed included (a volume outlives its machine).
  const mounted = new Set(ours.flatMap((m) => ((m.config as AppMachineConfig).mounts ?? []).flatMap((mount) => (mount.volume === undefined ? [] : [mount.volume]))));
  if (mounted.size > 0) {
    const volumes = await ctx.client.listVolumes(target.appName);
    await deleteVolumes(ctx, target.appName, volumes.filter((v) => mounted.has(v.id)), log);
  }
  const named = foreign.map((m) => `${m.id} (${m.name})`).join(', ');
  log.warning(
    `App ${target.appName} also holds machines fly-preview did not create: ${named}. ` +
      `Deleted only this preview's machines${deleted.length === 0 ? ' (there were none)' : ''} and kept the app.`,
  );
  return {
    kind: 'machines-destroyed',
    appName: target.appName,
    machineIds: deleted,
    foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })),
  };
}
