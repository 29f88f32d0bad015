// Whether a machine already runs the config a deploy would send. Fly echoes configs with its
// defaults filled in, so "the same" is decided on what this action sets, not on equal JSON.
import { canonical } from '../canonical.js';
import type { AppMachineConfig, MachineConfig } from './types.js';

/** The order label: a later event for the same commit changes it without needing a restart. */
export const orderKey = 'fly_preview_order';

/**
 * The config a process group's machine should run: the planned one (src/providers/fly/appconfig)
 * with the image, the `env` input, what is deployed and which secrets it boots with.
 */
export type DesiredConfig = AppMachineConfig & { image: string; metadata: Record<string, string> };

/** Top-level config fields this action sets from the plan: one it no longer sets must be gone from the machine too. */
const plannedFields = ['init', 'guest', 'mounts', 'services', 'metrics', 'checks', 'statics', 'files', 'restart', 'stop_config', 'auto_destroy'];

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Whether `current` holds everything `desired` says: Fly echoes a config with its defaults filled in. */
function covers(current: unknown, desired: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) return Array.isArray(current) && current.length === desired.length && desired.every((d, i) => covers(current[i], d));
  if (typeof desired === 'object' && desired !== null) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return false;
    return Object.entries(desired).every(([key, value]) => covers((current as Record<string, unknown>)[key], value));
  }
  return current === desired;
}

/**
 * Whether the machine already runs what we would send: the whole planned config. Metadata and env
 * must match exactly (a removed secret or variable is a change); the rest must hold every field we
 * set, and no planned field we no longer set. The order label is left out, since a later event for
 * the same commit (a label added, say) needs no restart.
 */
export function sameConfig(current: MachineConfig, desired: DesiredConfig): boolean {
  const have = current as unknown as Record<string, unknown>;
  const metadata = (m: Record<string, string> | undefined) => {
    const { [orderKey]: _order, ...rest } = m ?? {};
    return canonical(rest);
  };
  if (current.image !== desired.image || metadata(current.metadata) !== metadata(desired.metadata)) return false;
  if (canonical(current.env ?? {}) !== canonical(desired.env ?? {})) return false;
  for (const field of new Set([...plannedFields, ...Object.keys(desired)])) {
    if (field === 'image' || field === 'metadata' || field === 'env') continue;
    const want = desired[field];
    if (isEmpty(want) ? !isEmpty(have[field]) : !covers(have[field], want)) return false;
  }
  return true;
}

