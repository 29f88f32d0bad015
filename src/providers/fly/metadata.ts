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

export const gone = (m: Pick<Machine, 'state'>): boolean => m.state === 'destroyed' || m.state === 'destroying';

/** What carries() reads: a machine as any listing answers it (the org listing's config is an overview). */
type Labelled = { config?: { metadata?: Record<string, string> } };

export function carries(m: Labelled, labels: Readonly<Record<string, string>>): boolean {
  const metadata = m.config?.metadata ?? {};
  return Object.entries(labels).every(([key, value]) => metadata[key] === value);
}

/** What byAge() reads: the org listing answers machines without events, an app's listing with them. */
type Aged = Pick<Machine, 'id' | 'events'> & { created_at?: string };

/**
 * When Fly launched the machine, to the millisecond: its `launch` event (the recorded create answer
 * carries it; events are newest first and at most 20, so a long-lived machine may have lost it).
 */
function launchedAt(m: Aged): number | undefined {
  const launches = (m.events ?? []).filter((e) => e.type === 'launch').map((e) => e.timestamp);
  return launches.length === 0 ? undefined : Math.min(...launches);
}

/**
 * Oldest first, so every run picks the same survivor. created_at is to the second, so two racing
 * creates often tie on it; the launch events then tell which came first (when both still carry
 * one), and the id settles the rest. Without the launch time, a run whose create landed after the
 * other run had finished could keep its own machine as the "oldest" and leave two.
 */
export function byAge(a: Aged, b: Aged): number {
  const [createdA, createdB] = [a.created_at ?? '', b.created_at ?? ''];
  if (createdA !== createdB) return createdA < createdB ? -1 : 1;
  const [launchedA, launchedB] = [launchedAt(a), launchedAt(b)];
  if (launchedA !== undefined && launchedB !== undefined && launchedA !== launchedB) return launchedA - launchedB;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function deployedRevision(m: Machine): { id: string; order: number } {
  const metadata = m.config.metadata ?? {};
  return { id: metadata[revisionKey] ?? '', order: Number(metadata[orderKey] ?? 0) || 0 };
}

export function groupOf(m: Machine, defaultGroup: string): string {
  return m.config.metadata?.[groupKey] ?? defaultGroup;
}
