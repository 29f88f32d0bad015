// Destroying a preview: every machine of its name that is ours; one that is not stays standing.
import type { DestroyOutcome, PreviewTarget, ProgressLog } from '../../provider.js';
import { settled } from '../settled.js';
import type { ComfyDeployContext } from './context.js';
import { deleteMachine } from './machine.js';
import { carries } from './steps.js';

export async function destroyPreview(ctx: ComfyDeployContext, target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
  const named = await ctx.client.findMachines(target.appName);
  const ours = named.filter((m) => carries(m, target.ownerLabels));
  const foreign = named.filter((m) => !carries(m, target.ownerLabels));
  if (named.length === 0) return { kind: 'absent', appName: target.appName };
  const results = await settled<('deleted' | 'absent')[]>(ours.map((m) => deleteMachine(ctx, m, log)));
  const deleted = ours.filter((_, i) => results[i] === 'deleted').map((m) => m.id);
  if (foreign.length > 0) {
    log.warning(
      `ComfyDeploy machines named ${target.appName} that fly-preview did not create were left standing: ${foreign.map((m) => m.id).join(', ')}.` +
        (ours.length === 0 ? ' This preview had no machine of its own.' : ''),
    );
    return { kind: 'machines-destroyed', appName: target.appName, machineIds: deleted, foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })) };
  }
  if (deleted.length === 0) return { kind: 'absent', appName: target.appName };
  log.info(`Deleted ComfyDeploy machine${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')} (${target.appName})`);
  return { kind: 'app-destroyed', appName: target.appName, machineIds: deleted };
}
