// Volume and app-secret calls of the Machines API client against scripted HTTP (nock), in the
// shapes of superfly/fly-go flaps/flaps_volumes.go and flaps/flaps_secrets.go.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { FlyClient } from '../../src/providers/fly/client.js';
import { FlyApiError } from '../../src/providers/fly/http.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.machines.dev';
const token = 'FlyV1 fm2_unit_test_secret';
const client = () => new FlyClient({ apiUrl: api, token, sleep: async () => {}, random: () => 0.5 });

scriptedHttp();

const volume = (id: string, state = 'created', attached: string | null = null) => ({
  id,
  name: 'data',
  state,
  size_gb: 1,
  region: 'iad',
  zone: 'b4a2',
  encrypted: true,
  attached_machine_id: attached,
  attached_alloc_id: null,
  created_at: '2026-11-25T02:00:00Z',
  snapshot_retention: 5,
  auto_backup_enabled: true,
});

describe('FlyClient volumes', () => {
  it('creates a volume with fly-go field names and reads back the Volume', async () => {
    nock(api, { reqheaders: { authorization: token } })
      .post('/v1/apps/demo/volumes', { name: 'data', region: 'iad', size_gb: 3, encrypted: true })
      .reply(200, volume('vol_1'));
    expect(await client().createVolume('demo', { name: 'data', region: 'iad', size_gb: 3, encrypted: true })).toMatchObject({
      id: 'vol_1',
      attached_machine_id: null,
    });
  });

  it('lists volumes without those on their way out, as fly-go GetVolumes does', async () => {
    nock(api)
      .get('/v1/apps/demo/volumes')
      .reply(200, [volume('vol_1', 'created', 'm1'), volume('vol_2', 'pending_destroy'), volume('vol_3', 'destroying')]);
    expect((await client().listVolumes('demo')).map((v) => v.id)).toEqual(['vol_1']);
  });

  it('deletes a volume; an absent one is not an error; an attached one is', async () => {
    nock(api).delete('/v1/apps/demo/volumes/vol_1').reply(200, volume('vol_1', 'destroyed'));
    nock(api).delete('/v1/apps/demo/volumes/vol_2').reply(404, { error: 'volume not found' });
    nock(api).delete('/v1/apps/demo/volumes/vol_3').reply(412, { error: 'volume is attached to machine m1' });
    expect(await client().deleteVolume('demo', 'vol_1')).toBe('deleted');
    expect(await client().deleteVolume('demo', 'vol_2')).toBe('absent');
    const error = await client().deleteVolume('demo', 'vol_3').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as Error).message).toBe('Fly API: DELETE /v1/apps/demo/volumes/vol_3 failed with 412: volume is attached to machine m1');
  });
});

describe('FlyClient secrets', () => {
  it('sets and unsets in one POST /secrets {values}, null unsetting, and returns the new version', async () => {
    nock(api)
      .post('/v1/apps/demo/secrets', { values: { DATABASE_URL: 'postgres://u:p@h/db', OLD: null } })
      .reply(200, { secrets: [{ name: 'DATABASE_URL', digest: 'd1', created_at: '2026-11-25T02:00:00Z' }], version: 7 });
    expect(await client().updateSecrets('demo', { DATABASE_URL: 'postgres://u:p@h/db', OLD: null })).toEqual({
      secrets: [{ name: 'DATABASE_URL', digest: 'd1', created_at: '2026-11-25T02:00:00Z' }],
      version: 7,
    });
  });

  it('repeats a secrets update whose answer was lost (setting the same values twice is harmless)', async () => {
    nock(api).post('/v1/apps/demo/secrets').reply(503, { error: 'unavailable' });
    nock(api).post('/v1/apps/demo/secrets').reply(200, { secrets: [], version: 2 });
    expect((await client().updateSecrets('demo', { A: '1' })).version).toBe(2);
  });

  it('lists secret names without values', async () => {
    nock(api).get('/v1/apps/demo/secrets').reply(200, { secrets: [{ name: 'A', digest: 'x' }] });
    expect(await client().listSecrets('demo')).toEqual([{ name: 'A', digest: 'x' }]);
  });

  it('an error names the call and Fly’s message, never a value', async () => {
    nock(api).post('/v1/apps/demo/secrets').reply(422, { error: 'invalid secret name' });
    const error = await client().updateSecrets('demo', { A: 'hunter2' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Fly API: POST /v1/apps/demo/secrets failed with 422: invalid secret name');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
