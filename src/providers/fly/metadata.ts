// What a machine's metadata says about it (whose it is, which revision and process group it runs)
// and the order in which every run looks at machines, so racing runs pick the same one.
import { orderKey } from './desired.js';
import type { Machine } from './types.js';

/** Metadata keys for what is deployed; owner labels come from the caller. */
export const revisionKey = 'fly_preview_sha';
/** The process group a machine runs, as flyctl labels it (internal/appconfig/machines.go). */
const groupKey = 'fly_process_group';
/** flyctl's group name for the release command's machine. */
export const releaseGroup = 'fly_app_release_command';

export const gone = (m: Machine): boolean => m.state === 'destroyed' || m.state === 'destroying';

export function carries(m: Machine, labels: Readonly<Record<string, string>>): boolean {
  const metadata = m.config.metadata ?? {};
  return Object.entries(labels).every(([key, value]) => metadata[key] === value);
}

/** Oldest first (creation time, then id), so every run picks the same survivor. */
export function byAge(a: Machine, b: Machine): number {
  return a.created_at === b.created_at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.created_at < b.created_at ? -1 : 1;
}

export function deployedRevision(m: Machine): { id: string; order: number } {
  const metadata = m.config.metadata ?? {};
  return { id: metadata[revisionKey] ?? '', order: Number(metadata[orderKey] ?? 0) || 0 };
}

export function groupOf(m: Machine, defaultGroup: string): string {
  return m.config.metadata?.[groupKey] ?? defaultGroup;
}
