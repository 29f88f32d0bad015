// The preview's secrets: named per app in the organization's one namespace, created or updated
// before a deployment refers to them, and deleted once nothing of ours refers to them any more.
import type { ProgressLog } from '../../provider.js';
import { ApiAmbiguousError } from '../http.js';
import { lookAgain } from '../polling.js';
import { settled } from '../settled.js';
import type { KoyebDeployRequest, KoyebContext } from './context.js';
import type { DeploymentDefinition, Secret } from './types.js';

/**
 * Secret names are per organization: the app name keeps previews apart, the key keeps values apart.
 * App names hold no underscore, so the first one ends the app name and no two previews share a name.
 */
export function secretName(appName: string, key: string): string {
  return `${appName}_${key}`;
}

/**
 * The secrets a definition refers to that this action named for the app: a secret someone else added
 * to the service by hand is theirs, and stays.
 */
export function ownSecrets(definition: DeploymentDefinition | undefined, appName: string): string[] {
  return (definition?.env ?? []).flatMap((e) => (e.secret?.startsWith(`${appName}_`) ? [e.secret] : []));
}

/**
 * Every secret exists with the input's value; a lost or racing create is looked up, not repeated.
 * True when an existing secret got a new value: the running deployment still has the old one.
 */
export async function ensureSecrets(ctx: KoyebContext, request: KoyebDeployRequest, log: ProgressLog): Promise<boolean> {
  const changed = await settled<boolean[]>(
    Object.entries(request.secrets).map(([key, value]) => ensureSecret(ctx, secretName(request.appName, key), key, value, log)),
  );
  return changed.includes(true);
}

/** One secret of ensureSecrets; true when it existed with another value. */
async function ensureSecret(ctx: KoyebContext, name: string, key: string, value: string, log: ProgressLog): Promise<boolean> {
  const client = ctx.client;
  let secret = await client.findSecret(name);
  if (secret === undefined) {
    log.changing();
    let created: Secret | 'exists';
    try {
      created = await client.createSecret(name, value);
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      created = 'exists' as const;
    }
    if (created !== 'exists') {
      log.info(`Created Koyeb secret ${name} for ${key}`);
      return false;
    }
    secret = await lookAgain(ctx, () => client.findSecret(name));
    if (secret === undefined) created = await client.createSecret(name, value);
    if (secret === undefined && created === 'exists') throw new Error(`The Koyeb secret ${name} exists but cannot be read with this token.`);
    if (secret === undefined) return false;
  }
  // Compared in memory only; the value is never logged.
  if ((await client.revealSecret(secret.id)) === value) return false;
  log.changing();
  await client.updateSecret(secret.id, value);
  log.info(`Updated the value of Koyeb secret ${name} for ${key}`);
  return true;
}

/** Secrets the previous definition referred to and the new one does not: keys removed from the input. */
export async function dropUnusedSecrets(
  ctx: KoyebContext,
  appName: string,
  previous: DeploymentDefinition | undefined,
  current: DeploymentDefinition,
  log: ProgressLog,
): Promise<void> {
  const used = new Set(ownSecrets(current, appName));
  const names = [...new Set(ownSecrets(previous, appName).filter((name) => !used.has(name)))];
  const found = await settled<(Secret | undefined)[]>(names.map((name) => ctx.client.findSecret(name)));
  await deleteSecrets(ctx, found.filter((s): s is Secret => s !== undefined), log);
}

export async function deleteSecrets(ctx: KoyebContext, secrets: readonly Secret[], log: ProgressLog): Promise<void> {
  await settled(
    secrets.map(async (secret) => {
      if ((await ctx.client.deleteSecret(secret.id)) === 'deleted') log.info(`Deleted Koyeb secret ${secret.name}`);
    }),
  );
}
