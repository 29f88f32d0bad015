// Fly's deploy and destroy phases against scripted exchanges, where the real API answers in ways the
// simulator does not produce on demand (a destroyed machine still listed, a machine that stays 404).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ProgressLog } from '../../src/provider.js';
import { createFlyProvider } from '../../src/providers/fly/index.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.machines.dev';
const { sleep } = scriptedHttp();
const options = { apiUrl: api, token: 'FlyV1 fm2_unit_test_secret', sleep, random: () => 0.5 };
const ownerLabels = { fly_preview_repo: 'o/r', fly_preview_pr: '2' };

function progress(): ProgressLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    debug: () => {},
    changing: () => {},
  };
}

const listed = (id: string, state: string, metadata: Record<string, string>, mounts: { volume: string; path: string }[] = []) => ({
  id,
  name: `name-${id}`,
  state,
  region: 'iad',
  instance_id: `I-${id}`,
  created_at: '2026-01-01T00:00:00Z',
  config: { image: 'registry.fly.io/demo:pr-2', metadata, mounts },
});

describe('destroy (fly-go flaps_machines.go ListActive: the list holds destroyed and destroying machines)', () => {
  it('deletes and names only the machines of ours that are still there, and still deletes the volume a destroyed one left', async () => {
    nock(api)
      .get('/v1/apps/demo/machines')
      .reply(200, [
        listed('live1', 'started', ownerLabels, [{ volume: 'vol_live', path: '/data' }]),
        listed('dead1', 'destroyed', ownerLabels, [{ volume: 'vol_dead', path: '/data' }]),
        listed('dying1', 'destroying', ownerLabels),
        listed('theirs', 'started', { team: 'x' }),
      ]);
    nock(api).delete('/v1/apps/demo/machines/live1').query({ force: 'true' }).reply(200, { ok: true });
    nock(api)
      .get('/v1/apps/demo/volumes')
      .reply(200, [
        { id: 'vol_live', name: 'data', state: 'created', attached_machine_id: null },
        { id: 'vol_dead', name: 'data', state: 'created', attached_machine_id: null },
      ]);
    nock(api).delete('/v1/apps/demo/volumes/vol_live').reply(200, {});
    nock(api).delete('/v1/apps/demo/volumes/vol_dead').reply(200, {});
    const provider = createFlyProvider(options);
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toEqual({ kind: 'machines-destroyed', appName: 'demo', machineIds: ['live1'], foreignMachines: [{ id: 'theirs', name: 'name-theirs' }] });
  });

  it('a machine that vanished between the list and its delete (404) is not counted as deleted', async () => {
    nock(api).get('/v1/apps/demo/machines').reply(200, [listed('m1', 'started', ownerLabels), listed('m2', 'stopped', ownerLabels), listed('theirs', 'started', {})]);
    nock(api).delete('/v1/apps/demo/machines/m1').query(true).reply(200, { ok: true });
    nock(api).delete('/v1/apps/demo/machines/m2').query(true).reply(404, { error: 'machine not found' });
    const provider = createFlyProvider(options);
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'machines-destroyed', machineIds: ['m1'] });
  });

  it('with no foreign machine left the app goes, and a destroyed machine of ours is not named among its machines', async () => {
    nock(api).get('/v1/apps/demo/machines').reply(200, [listed('m1', 'started', ownerLabels), listed('dead', 'destroyed', ownerLabels), listed('gone', 'destroyed', {})]);
    nock(api).delete('/v1/apps/demo').query({ force: 'true' }).reply(202, {});
    const provider = createFlyProvider(options);
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toEqual({ kind: 'app-destroyed', appName: 'demo', machineIds: ['m1'] });
  });
});
