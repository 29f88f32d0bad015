// Destroying a preview: the app with its services when nothing else runs in it, otherwise only our
// service; and the secrets named for the app that no one else's service refers to.
import type { DestroyOutcome, PreviewTarget, ProgressLog } from '../../provider.js';
import { settled } from '../settled.js';
import type { KoyebContext } from './context.js';
import { carries } from './definition.js';
import { deleteSecrets, ownSecrets, secretName } from './secrets.js';
import { definitionOf } from './service.js';
import type { App, DeploymentDefinition, Secret } from './types.js';

export async function destroyPreview(ctx: KoyebContext, target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
  const client = ctx.client;
  // Secrets are named per organization: a run that failed before any service referred to them
  // (or before the app existed) left them behind, so they are found by name, not through services.
  const [app, named] = await settled<[App | undefined, Secret[]]>([
    client.findApp(target.appName),
    client.listSecretsStartingWith(secretName(target.appName, '')),
  ]);
  if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED') {
    await deleteSecrets(ctx, named, log);
    return { kind: 'absent', appName: target.appName };
  }
  const services = (await client.listServices(app.id)).filter((s) => s.status !== 'DELETING' && s.status !== 'DELETED');
  const definitions = await settled<(DeploymentDefinition | undefined)[]>(services.map((s) => definitionOf(ctx, s)));
  const ours = services.filter((_, i) => carries(definitions[i], target.ownerLabels));
  const foreign = services.filter((_, i) => !carries(definitions[i], target.ownerLabels));
  // A service someone else runs in the app keeps the secrets it refers to.
  const kept = new Set(definitions.filter((d) => !carries(d, target.ownerLabels)).flatMap((d) => ownSecrets(d, target.appName)));
  const secrets = named.filter((s) => !kept.has(s.name));

  let outcome: DestroyOutcome;
  if (foreign.length === 0) {
    if ((await client.deleteApp(app.id)) === 'absent') {
      await deleteSecrets(ctx, secrets, log);
      return { kind: 'absent', appName: target.appName };
    }
    log.info(`Deleted Koyeb app ${target.appName} with its services`);
    outcome = { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((s) => s.id) };
  } else {
    const results = await settled(ours.map((s) => client.deleteService(s.id)));
    // One already gone when its delete arrived (404) was not destroyed by this run.
    const deleted = ours.filter((_, i) => results[i] === 'deleted');
    const listed = foreign.map((s) => `${s.id} (${s.name})`).join(', ');
    log.warning(
      `Koyeb app ${target.appName} also holds services fly-preview did not create: ${listed}. ` +
        `Deleted only this preview's service${deleted.length === 0 ? ' (there was none)' : ''} and kept the app.`,
    );
    outcome = {
      kind: 'machines-destroyed',
      appName: target.appName,
      machineIds: deleted.map((s) => s.id),
      foreignMachines: foreign.map((s) => ({ id: s.id, name: s.name })),
    };
  }
  await deleteSecrets(ctx, secrets, log);
  return outcome;
}
