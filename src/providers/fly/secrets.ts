// The `secrets` input as Fly app secrets, sent only when they change.
import { createHmac } from 'node:crypto';
import type { DeployRequest, ProgressLog } from '../../provider.js';
import { canonical } from '../canonical.js';
import type { FlyContext } from './context.js';
import { groupOf } from './metadata.js';
import type { Machine } from './types.js';

/** The secret names this action set (sorted, comma-separated), so a name dropped from the input is unset. */
const secretsKeysKey = 'fly_preview_secrets';
/** Which values those secrets have, as a digest keyed by the API token: nothing about the values can be read from it. */
const secretsDigestKey = 'fly_preview_secrets_digest';

/** The app secrets version machines must boot with (undefined: this run set none) and the metadata that records them. */
export interface SyncedSecrets {
  version: number | undefined;
  metadata: Record<string, string>;
}

/**
 * Sets the `secrets` input as app secrets and unsets the keys this action set before and the
 * input no longer has. The machines carry the key names and a digest keyed by the API token, so
 * a re-run with the same values sends nothing and a changed value changes their config.
 */
export async function syncSecrets(
  ctx: FlyContext,
  request: DeployRequest,
  ours: Machine[],
  groupNames: string[],
  defaultGroup: string,
  log: ProgressLog,
): Promise<SyncedSecrets> {
  const keys = Object.keys(request.secrets).sort();
  const digest = keys.length === 0 ? undefined : createHmac('sha256', ctx.token).update(canonical(request.secrets)).digest('hex').slice(0, 32);
  const metadata: Record<string, string> = digest === undefined ? {} : { [secretsKeysKey]: keys.join(','), [secretsDigestKey]: digest };
  const before = new Set(ours.flatMap((m) => (m.config.metadata?.[secretsKeysKey] ?? '').split(',').filter((k) => k !== '')));
  const removed = [...before].filter((k) => !keys.includes(k)).sort();
  const current = groupNames.every((g) => ours.some((m) => groupOf(m, defaultGroup) === g && m.config.metadata?.[secretsDigestKey] === digest));
  if (removed.length === 0 && (digest === undefined || current)) return { version: undefined, metadata };
  log.changing();
  const values: Record<string, string | null> = { ...request.secrets, ...Object.fromEntries(removed.map((k) => [k, null])) };
  const { version } = await ctx.client.updateSecrets(request.appName, values);
  log.info(
    `App secrets now at version ${version}` +
      `${keys.length === 0 ? '' : `; set ${keys.join(', ')}`}${removed.length === 0 ? '' : `; unset ${removed.join(', ')} (no longer in the secrets input)`}`,
  );
  return { version, metadata };
}
