// The Machines API client against scripted HTTP exchanges (nock intercepts undici on Node 24).
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlyAmbiguousError, FlyAuthError, createFlyProvider } from '../../src/fly/index.js';
import { FlyClient } from '../../src/fly/client.js';
import type { DeployRequest, ProgressLog } from '../../src/provider.js';

const api = 'https://api.machines.dev';
const token = 'FlyV1 fm2_unit_test_secret';
const waits: number[] = [];
const options = {
  apiUrl: api,
  token,
  sleep: async (ms: number) => void waits.push(ms),
  random: () => 0.5,
};
const client = () => new FlyClient(options);

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  waits.length = 0;
  expect(pending).toEqual([]);
});

/** nock hangs on a plain-object error with undici; an Error instance carries the code through. */
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('FlyClient', () => {
  it('sends the token as a bearer and reads JSON', async () => {
    nock(api, { reqheaders: { authorization: `Bearer ${token}` } })
      .get('/v1/apps/demo')
      .reply(200, { id: 'a1', name: 'demo', organization: { slug: 'personal' } });
    expect(await client().getApp('demo')).toMatchObject({ name: 'demo' });
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', async () => {
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    nock(api).get('/v1/apps/demo').reply(429, { error: 'rate limited' }, { 'retry-after': '3' });
    nock(api).get('/v1/apps/demo').reply(429, { error: 'rate limited' }, { 'retry-after': inTwoSeconds });
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a1', name: 'demo' });
    expect(await client().getApp('demo')).toMatchObject({ name: 'demo' });
    expect(waits[0]).toBe(3_000);
    expect(waits[1]).toBeGreaterThan(0);
    expect(waits[1]).toBeLessThanOrEqual(2_000);
  });

  it('retries a 503 and a connection reset on reads, with backoff', async () => {
    nock(api).get('/v1/apps/demo/machines').reply(503, { error: 'unavailable' });
    nock(api).get('/v1/apps/demo/machines').replyWithError(reset());
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    expect(await client().listMachines('demo')).toEqual([]);
    expect(waits).toEqual([150, 300]);
  });

  it('fails at once on 401 with one request, naming the token input and not printing it', async () => {
    nock(api).get('/v1/apps/demo').reply(401, { error: 'unauthorized' });
    const error = await client().getApp('demo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyAuthError);
    expect((error as Error).message).toMatch(/^Fly API refused the token \(401\) for GET \/v1\/apps\/demo: unauthorized\. Check the fly-api-token input/);
    expect(JSON.stringify(error)).not.toContain('fm2_unit_test_secret');
    expect(String((error as Error).stack)).not.toContain('fm2_unit_test_secret');
    expect(waits).toEqual([]);
  });

  it('fails at once on 403 too', async () => {
    nock(api).post('/v1/apps').reply(403, { error: 'token has no access to org acme' });
    await expect(client().createApp('demo', 'acme')).rejects.toThrow(
      'Fly API refused the token (403) for POST /v1/apps: token has no access to org acme',
    );
  });

  it("names the call, the status and Fly's own message", async () => {
    nock(api).post('/v1/apps/demo/machines').reply(422, { error: 'invalid guest: memory_mb too small' });
    await expect(client().createMachine('demo', { region: 'iad', config: { image: 'x' } })).rejects.toThrow(
      'Fly API: POST /v1/apps/demo/machines failed with 422: invalid guest: memory_mb too small',
    );
  });

  it('never repeats a create whose answer was lost: it says the result is unknown', async () => {
    nock(api).post('/v1/apps/demo/machines').replyWithError(reset());
    const error = await client()
      .createMachine('demo', { region: 'iad', config: { image: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyAmbiguousError);
    expect((error as Error).message).toContain('ECONNRESET (the request was sent; its answer was lost)');
  });

  it('treats a 5xx answer to a create as unknown too, since the change may have been made', async () => {
    nock(api).post('/v1/apps/demo/machines').reply(502, { error: 'bad gateway' });
    await expect(client().createMachine('demo', { region: 'iad', config: { image: 'x' } })).rejects.toBeInstanceOf(FlyAmbiguousError);
  });

  it('gives up on a dead API after the attempt limit, saying so', async () => {
    nock(api).get('/v1/apps/demo').times(6).reply(503, { error: 'no healthy upstream' });
    await expect(client().getApp('demo')).rejects.toThrow(
      'Fly API: GET /v1/apps/demo failed with 503: no healthy upstream (gave up after 6 attempts)',
    );
    expect(waits).toHaveLength(5);
  });

  it('reads an app name taken (422 name_taken) as an answer, not an error', async () => {
    nock(api).post('/v1/apps', { app_name: 'demo', org_slug: 'personal' }).reply(422, { error: 'Name has already been taken', status: 'name_taken' });
    expect(await client().createApp('demo', 'personal')).toBe('taken');
  });

  it('maps wait answers: 200 reached, 408 timeout, 400 replaced, 404 gone', async () => {
    const path = '/v1/apps/demo/machines/m1/wait';
    const query = { state: 'started', instance_id: 'I1', timeout: '60' };
    nock(api).get(path).query(query).reply(200, { ok: true });
    nock(api).get(path).query(query).reply(408, { error: 'deadline_exceeded' });
    nock(api).get(path).query(query).reply(400, { error: 'instance I1 was replaced' });
    nock(api).get(path).query(query).reply(404, { error: 'machine not found' });
    const c = client();
    expect(await c.wait('demo', 'm1', 'started', 'I1', 60)).toBe('reached');
    expect(await c.wait('demo', 'm1', 'started', 'I1', 60)).toBe('timeout');
    expect(await c.wait('demo', 'm1', 'started', 'I1', 60)).toBe('replaced');
    expect(await c.wait('demo', 'm1', 'started', 'I1', 60)).toBe('gone');
  });

  it('sends the lease nonce with an update', async () => {
    nock(api, { reqheaders: { 'fly-machine-lease-nonce': 'n0nce' } })
      .post('/v1/apps/demo/machines/m1')
      .reply(200, { id: 'm1', instance_id: 'I2', state: 'replacing', region: 'iad', config: { image: 'x' }, created_at: '' });
    expect(await client().updateMachine('demo', 'm1', { config: { image: 'x' } }, 'n0nce')).toMatchObject({ instance_id: 'I2' });
  });
});

describe('FlyProvider with scripted exchanges', () => {
  const log: ProgressLog & { lines: string[] } = {
    lines: [],
    info(m) {
      this.lines.push(m);
    },
    warning(m) {
      this.lines.push(`warning: ${m}`);
    },
    debug() {},
    changing() {},
  };
  const request: DeployRequest = {
    appName: 'demo',
    org: 'personal',
    ownerLabels: { fly_preview_repo: 'o/r', fly_preview_pr: '2' },
    region: 'iad',
    image: 'registry.fly.io/demo:pr-2',
    guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
    env: {},
    internalPort: 8080,
    revision: { id: 'abc', order: 1 },
    waitTimeoutMs: 60_000,
  };
  const machine = { id: 'm1', name: 'preview', state: 'created', region: 'iad', instance_id: 'I1', created_at: '2026-01-01T00:00:00Z' };

  it('a fresh deploy makes exactly these calls: no IP or machine listing for an app it just created', async () => {
    nock(api).get('/v1/apps/demo').reply(404, { error: 'Could not find App "demo"' });
    nock(api).post('/v1/apps', { app_name: 'demo', org_slug: 'personal' }).reply(201, { id: 'a', name: 'demo' });
    nock(api).post('/v1/apps/demo/ip_assignments', { type: 'v6' }).reply(200, { ip: '2a09::1' });
    nock(api).post('/v1/apps/demo/ip_assignments', { type: 'shared_v4' }).reply(200, { ip: '66.241.1.1' });
    nock(api)
      .post('/v1/apps/demo/machines', (body: { config: { image: string; metadata: Record<string, string> } }) =>
        body.config.image === request.image && body.config.metadata['fly_preview_pr'] === '2' && body.config.metadata['fly_preview_sha'] === 'abc',
      )
      .reply(200, { ...machine, config: { image: request.image, metadata: { fly_preview_repo: 'o/r', fly_preview_pr: '2' } } });
    nock(api).get('/v1/apps/demo/machines').reply(200, [{ ...machine, config: { image: request.image, metadata: request.ownerLabels } }]);
    nock(api).get('/v1/apps/demo/machines/m1/wait').query({ state: 'started', instance_id: 'I1', timeout: '60' }).reply(200, { ok: true });
    const provider = createFlyProvider(options);
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', machineId: 'm1', change: 'created', hostname: 'demo.fly.dev' });
  });

  it('after a lost create, finds the machine it made instead of making a second', async () => {
    const made = { ...machine, config: { image: request.image, metadata: { ...request.ownerLabels, fly_preview_sha: 'abc', fly_preview_order: '1' } } };
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo' });
    nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    nock(api).post('/v1/apps/demo/machines').replyWithError(reset());
    nock(api).get('/v1/apps/demo/machines').twice().reply(200, [made]);
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true });
    const provider = createFlyProvider(options);
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', machineId: 'm1' });
    expect(log.lines).toContain('Found machine m1: the lost create did go through');
  });

  it('a 403 on the app itself says the name is probably taken in another organization', async () => {
    nock(api).get('/v1/apps/demo').reply(403, { error: 'Not authorized to access this app' });
    const provider = createFlyProvider(options);
    await expect(provider.deploy({ ...request, org: 'acme' }, log)).rejects.toThrow(
      /refused access to the app "demo" \(403: Not authorized to access this app\): the name is probably taken by an app in another organization/,
    );
    await provider.close();
  });
});
