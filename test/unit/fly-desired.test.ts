// When a machine already runs the planned config (nothing to do) and when it does not (update it):
// the whole plan counts, Fly's filled-in defaults do not.
import { describe, expect, it } from 'vitest';
import { sameConfig, type DesiredConfig } from '../../src/providers/fly/desired.ts';
import type { MachineConfig } from '../../src/providers/fly/types.ts';

const desired = (): DesiredConfig => ({
  image: 'registry.fly.io/hello:one',
  init: { cmd: ['bin/rails', 'server'] },
  guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
  env: { FLY_PROCESS_GROUP: 'web', PRIMARY_REGION: 'iad' },
  metadata: { fly_process_group: 'web', fly_preview_pr: '2', fly_preview_sha: 'abc', fly_preview_order: '1', fly_preview_secrets: 'API_KEY', fly_preview_secrets_digest: 'd1' },
  services: [{ protocol: 'tcp', internal_port: 3000, autostop: true, autostart: true, min_machines_running: 0, ports: [{ port: 80, handlers: ['http'], force_https: true }] }],
  checks: { alive: { type: 'http', port: 3000, path: '/up' } },
  mounts: [{ path: '/data', name: 'data', volume: 'vol_1' }],
  restart: { policy: 'on-failure', max_retries: 3 },
});

/** As Fly echoes it back: the same, with defaults and fields of its own filled in. */
const echoed = (d: DesiredConfig): MachineConfig => {
  const c = structuredClone(d) as unknown as Record<string, unknown>;
  c['dns'] = {};
  (c['init'] as Record<string, unknown>)['tty'] = false;
  (c['mounts'] as Record<string, unknown>[])[0] = { ...(c['mounts'] as Record<string, unknown>[])[0], encrypted: true, size_gb: 1 };
  ((c['checks'] as Record<string, Record<string, unknown>>)['alive'] as Record<string, unknown>)['interval'] = '15s';
  return c as unknown as MachineConfig;
};

describe('sameConfig', () => {
  it("a machine echoing the planned config with Fly's defaults filled in is the same", () => {
    expect(sameConfig(echoed(desired()), desired())).toBe(true);
  });

  it('a new order for the same commit is no change', () => {
    const d = desired();
    d.metadata['fly_preview_order'] = '2';
    expect(sameConfig(echoed(desired()), d)).toBe(true);
  });

  it.each<[string, (d: DesiredConfig) => void]>([
    ['a check removed from the fly.toml', (d) => {
      delete d.checks;
    }],
    ['another autostop', (d) => {
      Object.assign(d.services?.[0] ?? {}, { autostop: 'suspend' });
    }],
    ['a changed secret value (its digest)', (d) => {
      d.metadata['fly_preview_secrets_digest'] = 'd2';
    }],
    ['a secret removed from the input', (d) => {
      delete d.metadata['fly_preview_secrets'];
      delete d.metadata['fly_preview_secrets_digest'];
    }],
    ['an env variable removed', (d) => {
      delete d.env?.['PRIMARY_REGION'];
    }],
    ['another command', (d) => {
      d.init = { cmd: ['bin/rails', 's'] };
    }],
    ['another volume', (d) => {
      d.mounts = [{ path: '/data', name: 'data', volume: 'vol_2' }];
    }],
    ['another image', (d) => {
      d.image = 'registry.fly.io/hello:two';
    }],
    ['another size', (d) => {
      d.guest = { cpu_kind: 'shared', cpus: 2, memory_mb: 512 };
    }],
  ])('%s is a change', (_, change) => {
    const d = desired();
    change(d);
    expect(sameConfig(echoed(desired()), d)).toBe(false);
  });
});
