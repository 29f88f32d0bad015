import { describe, expect, it } from 'vitest';
import { byAge } from '../../src/providers/fly/metadata.js';
import type { Machine } from '../../src/providers/fly/types.js';

const machine = (id: string, createdAt: string, launchedAtMs?: number): Machine =>
  ({
    id,
    name: id,
    state: 'started',
    region: 'iad',
    instance_id: `instance-${id}`,
    config: { image: 'registry.fly.io/hello:one' },
    created_at: createdAt,
    events: launchedAtMs === undefined ? [] : [{ type: 'start', status: 'started', timestamp: launchedAtMs + 900 }, { type: 'launch', status: 'created', timestamp: launchedAtMs }],
  }) as Machine;

describe('which of two racing machines every run keeps', () => {
  it('the one created in an earlier second, whatever the ids', () => {
    const [first] = [machine('ff', '2026-12-01T10:00:00Z', 1_000), machine('00', '2026-12-01T10:00:01Z', 900)].sort(byAge);
    expect(first?.id).toBe('ff');
  });

  it('within the same second, the one Fly launched first, even when its id sorts later', () => {
    // The create that landed second has the lower id: ordering by id alone would keep it, and the
    // run that created the other one (already finished) would never remove its machine.
    const earlier = machine('ff', '2026-12-01T10:00:00Z', 200);
    const later = machine('00', '2026-12-01T10:00:00Z', 800);
    expect([later, earlier].sort(byAge).map((m) => m.id)).toEqual(['ff', '00']);
    expect([earlier, later].sort(byAge).map((m) => m.id)).toEqual(['ff', '00']);
  });

  it('by id when a machine no longer carries its launch event', () => {
    expect([machine('bb', '2026-12-01T10:00:00Z', 200), machine('aa', '2026-12-01T10:00:00Z')].sort(byAge).map((m) => m.id)).toEqual(['aa', 'bb']);
  });
});
