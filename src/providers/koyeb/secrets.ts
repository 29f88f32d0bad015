// The preview's secrets: named per app in the organization's one namespace, created or updated
// before a deployment refers to them, and deleted once nothing of ours refers to them any more.
// Their values are never read back: the definition carries a digest of them instead.
import { createHmac } from 'node:crypto';
import type { ProgressLog } from '../../provider.js';
import { canonical } from '../canonical.js';
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
 * What the service definition carries of the secrets' values: an HMAC keyed by the API token, which
 * tells a changed value without showing one (as Fly's machine metadata does, fly/secrets.ts). Koyeb
 * secrets have no field of their own to keep it in (koyeb-openapi.json definitions.Secret).
 */
export function secretsDigest(ctx: KoyebContext, secrets: Readonly<Record<string, string>>): string | undefined {
  if (Object.keys(secrets).length === 0) return undefined;
  return createHmac('sha256', ctx.token).update(canonical(secrets)).digest('hex').slice(0, 32);
}

/**
 * Every secret exists with the input's value; a lost or racing create is looked up, not repeated.
 * `current` when the deployed definition carries the digest of these values: they are the ones set,
 * and an existing secret is left alone. Otherwise each existing one is written, since its value is
 * never read back (no `POST /v1/secrets/{id}/reveal`); the changed digest makes a new deployment.
 */
export async function ensureSecrets(ctx: KoyebContext, request: KoyebDeployRequest, current: boolean, log: ProgressLog): Promise<void> {
  await settled(Object.entries(request.secrets).map(([key, value]) => ensureSecret(ctx, secretName(request.appName, key), key, value, current, log)));
}

/** One secret of ensureSecrets; `current` when its value is known to be the input's already. */
async function ensureSecret(ctx: KoyebContext, name: string, key: string, value: string, current: boolean, log: ProgressLog): Promise<void> {
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
      return;
    }
    secret = await lookAgain(ctx, () => client.findSecret(name));
    if (secret === undefined) created = await client.createSecret(name, value);
    if (secret === undefined && created === 'exists') throw new Error(`The Koyeb secret ${name} exists but cannot be read with this token.`);
    if (secret === undefined) return;
  }
  if (current) return;
  log.changing();
  await client.updateSecret(secret.id, value);
  log.info(`Set the value of Koyeb secret ${name} for ${key}`);
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
