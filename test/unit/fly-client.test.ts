// The Machines API client against scripted HTTP exchanges (nock intercepts undici on Node 24).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { FlyAmbiguousError, FlyApiError, FlyAuthError, createFlyProvider } from '../../src/providers/fly/index.js';
import { FlyClient } from '../../src/providers/fly/client.js';
import { authorizationHeader, tokenPieces } from '../../src/providers/fly/token.js';
import type { DeployRequest, ProgressLog } from '../../src/provider.js';
import { bodyType, unknownFields } from '../sim/fly-fields.ts';
import { connectionReset, scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.machines.dev';
const token = 'FlyV1 fm2_unit_test_secret';
const { waits, sleep } = scriptedHttp();
const options = {
  apiUrl: api,
  token,
  sleep,
  random: () => 0.5,
};
const client = () => new FlyClient(options);

describe('the Authorization header (fly-go tokens/tokens.go Parse, FlapsHeader)', () => {
  it.each([
    ['FlyV1 fm2_a,fm2_b', 'FlyV1 fm2_a,fm2_b'],
    ['fm2_a,fm2_b', 'FlyV1 fm2_a,fm2_b'],
    ['  Bearer FlyV1 fm2_a , fm2_b ', 'FlyV1 fm2_a,fm2_b'],
    ['flyv1 fm1r_x', 'FlyV1 fm1r_x'],
    ['fm1a_x,fo1_oauth', 'FlyV1 fm1a_x'],
    ['fo1_personal', 'Bearer fo1_personal'],
    ['Bearer plain-token', 'Bearer plain-token'],
    ['fm2notamacaroon', 'Bearer fm2notamacaroon'],
  ])('%j → %j', (pasted, header) => {
    expect(authorizationHeader(pasted)).toBe(header);
  });

  it('splits a token into the pieces that are each masked', () => {
    expect(tokenPieces('FlyV1 fm2_a, fm2_b')).toEqual(['fm2_a', 'fm2_b']);
  });
});

describe('FlyClient', () => {
  it('sends a macaroon token as FlyV1 and reads JSON', async () => {
    nock(api, { reqheaders: { authorization: 'FlyV1 fm2_unit_test_secret' } })
      .get('/v1/apps/demo')
      .reply(200, { id: 'a1', name: 'demo', organization: { slug: 'personal' } });
    expect(await client().getApp('demo')).toMatchObject({ name: 'demo' });
  });

  it('sends a plain token as a bearer', async () => {
    nock(api, { reqheaders: { authorization: 'Bearer plain-token' } }).get('/v1/apps/demo').reply(200, { id: 'a1', name: 'demo' });
    expect(await new FlyClient({ ...options, token: 'plain-token' }).getApp('demo')).toMatchObject({ name: 'demo' });
  });

  it('creates an app with ?wait=true and keeps the affinity cookie for the calls on that app', async () => {
    nock(api)
      .post('/v1/apps', { name: 'demo', org_slug: 'personal' })
      .query({ wait: 'true' })
      .reply(201, { id: 'a', name: 'demo' }, { 'set-cookie': 'fly_flaps_affinity=node-a; Path=/v1/apps/demo; HttpOnly' });
    nock(api, { reqheaders: { cookie: 'fly_flaps_affinity=node-a' } })
      .post('/v1/apps/demo/ip_assignments', { type: 'v6', org_slug: 'acme' })
      .reply(200, { ip: '2a09::1' });
    const c = client();
    expect(await c.createApp('demo', 'personal')).toBe('created');
    expect(await c.allocateIp('demo', 'v6', 'acme')).toMatchObject({ ip: '2a09::1' });
  });

  it("reads Fly's `message` before `error` and names the fly-request-id", async () => {
    nock(api)
      .post('/v1/apps/demo/machines')
      .reply(422, { message: 'invalid guest: memory_mb too small', error: 'unprocessable' }, { 'fly-request-id': '01REQ-iad' });
    await expect(client().createMachine('demo', { region: 'iad', config: { image: 'x' } })).rejects.toThrow(
      'Fly API: POST /v1/apps/demo/machines failed with 422: invalid guest: memory_mb too small (fly-request-id 01REQ-iad)',
    );
  });

  it('a 5xx that names insufficient_capacity is a definite failure, not a lost create, and is not retried', async () => {
    nock(api)
      .post('/v1/apps/demo/machines')
      .reply(503, { error: 'no capacity in syd', status: 'insufficient_capacity' }, { 'fly-request-id': '01CAP' });
    const error = await client()
      .createMachine('demo', { region: 'syd', config: { image: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect(error).not.toBeInstanceOf(FlyAmbiguousError);
    expect(error).toMatchObject({ flyStatus: 'insufficient_capacity', requestId: '01CAP' });
    expect((error as Error).message).toContain('no capacity in syd (insufficient_capacity) (fly-request-id 01CAP)');
  });

  it('takes a lease with ?ttl= and no body, reading the 201 {status, data}', async () => {
    nock(api)
      .post('/v1/apps/demo/machines/m1/lease', (body: unknown) => body === '' || body === undefined)
      .query({ ttl: '30' })
      .reply(201, { status: 'success', data: { nonce: 'n1', expires_at: 1, owner: 'me', version: 'I1' } });
    expect(await client().acquireLease('demo', 'm1', 30)).toMatchObject({ nonce: 'n1', version: 'I1' });
  });

  it('refuses a lease answer whose status is not success', async () => {
    nock(api).post('/v1/apps/demo/machines/m1/lease').query(true).reply(201, { status: 'error', message: 'machine is being migrated' });
    await expect(client().acquireLease('demo', 'm1', 30)).rejects.toThrow('the lease was not granted: machine is being migrated');
  });

  it('releasing a lease that already expired (404) is not an error', async () => {
    nock(api, { reqheaders: { 'fly-machine-lease-nonce': 'n1' } }).delete('/v1/apps/demo/machines/m1/lease').reply(404, { error: 'lease not found' });
    await expect(client().releaseLease('demo', 'm1', 'n1')).resolves.toBeUndefined();
  });

  it('waits on several states with repeated parameters, the version, and a timeout of at most 60 s', async () => {
    nock(api)
      .get('/v1/apps/demo/machines/m1/wait')
      .query((q) => JSON.stringify(q) === JSON.stringify({ state: ['started', 'stopped', 'failed'], version: 'I1', timeout: '60' }))
      .reply(200, { ok: true });
    expect(await client().wait('demo', 'm1', ['started', 'stopped', 'failed'], 'I1', 300)).toBe('reached');
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
    nock(api).get('/v1/apps/demo/machines').replyWithError(connectionReset());
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
    nock(api).post('/v1/apps').query(true).reply(403, { error: 'token has no access to org acme' });
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
    nock(api).post('/v1/apps/demo/machines').replyWithError(connectionReset());
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
    nock(api).post('/v1/apps', { name: 'demo', org_slug: 'personal' }).query(true).reply(422, { error: 'Name has already been taken', status: 'name_taken' });
    expect(await client().createApp('demo', 'personal')).toBe('taken');
  });

  it('maps wait answers: 200 reached, 408 timeout, 400 replaced, 404 gone', async () => {
    const path = '/v1/apps/demo/machines/m1/wait';
    const query = { state: 'started', version: 'I1', timeout: '60' };
    nock(api).get(path).query(query).reply(200, { ok: true });
    nock(api).get(path).query(query).reply(408, { error: 'deadline_exceeded' });
    nock(api).get(path).query(query).reply(400, { error: 'instance I1 was replaced' });
    nock(api).get(path).query(query).reply(404, { error: 'machine not found' });
    const c = client();
    expect(await c.wait('demo', 'm1', ['started'], 'I1', 60)).toBe('reached');
    expect(await c.wait('demo', 'm1', ['started'], 'I1', 60)).toBe('timeout');
    expect(await c.wait('demo', 'm1', ['started'], 'I1', 60)).toBe('replaced');
    expect(await c.wait('demo', 'm1', ['started'], 'I1', 60)).toBe('gone');
  });

  it('sends the lease nonce with an update', async () => {
    nock(api, { reqheaders: { 'fly-machine-lease-nonce': 'n0nce' } })
      .post('/v1/apps/demo/machines/m1')
      .reply(200, { id: 'm1', instance_id: 'I2', state: 'replacing', region: 'iad', config: { image: 'x' }, created_at: '' });
    expect(await client().updateMachine('demo', 'm1', { region: 'iad', config: { image: 'x' } }, 'n0nce')).toMatchObject({ instance_id: 'I2' });
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
    smokeWindowMs: 0,
    secrets: {},
    autostop: 'stop',
  };
  const machine = { id: 'm1', name: 'preview', state: 'created', region: 'iad', instance_id: 'I1', created_at: '2026-01-01T00:00:00Z' };

  /** Every body the client sends, checked against fly-go's field names (test/sim/fly-fields.json). */
  const sent: { call: string; body: unknown }[] = [];
  const capture = (method: string, path: string) => (body: unknown) => {
    sent.push({ call: `${method} ${path}`, body });
    const type = bodyType(method, path);
    return type === undefined || unknownFields(type, body).length === 0;
  };

  it('a fresh deploy makes exactly 7 calls: no IP or machine listing for an app it just created; the list read after the wait tells the state', async () => {
    sent.length = 0;
    const started = { ...machine, state: 'started', config: { image: request.image, metadata: request.ownerLabels } };
    nock(api).get('/v1/apps/demo').reply(404, { error: 'Could not find App "demo"' });
    nock(api).post('/v1/apps', capture('POST', '/v1/apps')).query({ wait: 'true' }).reply(201, { id: 'a', name: 'demo' });
    nock(api).post('/v1/apps/demo/ip_assignments', capture('POST', '/v1/apps/demo/ip_assignments')).twice().reply(200, { ip: '2a09::1' });
    nock(api)
      .post('/v1/apps/demo/machines', (body: { config: { image: string; metadata: Record<string, string> } }) =>
        capture('POST', '/v1/apps/demo/machines')(body) &&
        body.config.image === request.image && body.config.metadata['fly_preview_pr'] === '2' && body.config.metadata['fly_preview_sha'] === 'abc',
      )
      .reply(200, { ...machine, config: { image: request.image, metadata: { fly_preview_repo: 'o/r', fly_preview_pr: '2' } } });
    nock(api)
      .get('/v1/apps/demo/machines/m1/wait')
      .query((q) => JSON.stringify(q) === JSON.stringify({ state: ['started', 'stopped', 'failed'], version: 'I1', timeout: '60' }))
      .reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [started]);
    const provider = createFlyProvider(options);
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', machineId: 'm1', change: 'created', hostname: 'demo.fly.dev' });
    expect(sent.map((s) => s.call).sort()).toEqual(['POST /v1/apps', 'POST /v1/apps/demo/ip_assignments', 'POST /v1/apps/demo/ip_assignments', 'POST /v1/apps/demo/machines']);
    for (const { call, body } of sent) {
      const [method = '', path = ''] = call.split(' ');
      expect(unknownFields(bodyType(method, path) ?? '', body), call).toEqual([]);
    }
  });

  it('a machine in `failed` after the wait fails at once with its last event', async () => {
    const failed = {
      ...machine,
      state: 'failed',
      config: { image: request.image, metadata: request.ownerLabels },
      events: [{ type: 'launch', status: 'failed', source: 'flyd', timestamp: 0, request: { error: 'no capacity' } }],
    };
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo' });
    nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    nock(api).post('/v1/apps/demo/machines').reply(200, { ...machine, config: failed.config });
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [failed]);
    const provider = createFlyProvider(options);
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'failed', state: 'failed' });
    expect(outcome.kind === 'failed' ? outcome.reason : '').toContain('Last event: 1970-01-01T00:00:00.000Z launch failed (flyd): no capacity');
  });

  it('a crash in the smoke window, recovered by a restart, still fails with the exit code', async () => {
    const exit = { type: 'exit', status: 'restarting', source: 'flyd', timestamp: 2, request: { exit_event: { exit_code: 2, restarting: true }, restart_count: 1 } };
    const base = { ...machine, state: 'started', config: { image: request.image, metadata: request.ownerLabels } };
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo' });
    nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    nock(api).post('/v1/apps/demo/machines').reply(200, { ...machine, config: base.config });
    nock(api).get('/v1/apps/demo/machines/m1/wait').query((q) => q['timeout'] === '60').reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [base]);
    nock(api)
      .get('/v1/apps/demo/machines/m1/wait')
      .query((q) => JSON.stringify(q) === JSON.stringify({ state: ['stopped', 'failed'], version: 'I1', timeout: '5' }))
      .reply(() => {
        clock += 5_000;
        return [408, { error: 'deadline_exceeded' }];
      });
    nock(api)
      .get('/v1/apps/demo/machines/m1')
      .reply(200, { ...base, events: [{ type: 'start', status: 'started', timestamp: 3 }, exit, { type: 'start', status: 'started', timestamp: 1 }, { type: 'launch', status: 'created', timestamp: 0 }] });
    // The API holds a wait until its timeout; the scripted 408 comes at once, so the clock moves instead.
    let clock = 0;
    const provider = createFlyProvider({ ...options, now: () => clock });
    const outcome = await provider.deploy({ ...request, smokeWindowMs: 5_000 }, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'failed', exitCode: 2 });
    expect(outcome.kind === 'failed' ? outcome.reason : '').toBe(
      'The machine crashed within 5 s of starting with exit code 2; its restart policy restarted it 1 time; it is "started".',
    );
  });

  it('an update sends the machine’s own region', async () => {
    const old = { ...machine, state: 'started', region: 'ams', config: { image: 'old', metadata: { ...request.ownerLabels, fly_preview_sha: 'old', fly_preview_order: '0' } } };
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo' });
    nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
    nock(api).get('/v1/apps/demo/machines').reply(200, [old]);
    nock(api).post('/v1/apps/demo/machines/m1/lease').query({ ttl: '30' }).reply(201, { status: 'success', data: { nonce: 'n', version: 'I1' } });
    nock(api)
      .post('/v1/apps/demo/machines/m1', (body: { region: string }) => body.region === 'ams')
      .reply(200, { ...old, state: 'replacing', instance_id: 'I2' });
    nock(api).delete('/v1/apps/demo/machines/m1/lease').reply(404, { error: 'lease expired' });
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [{ ...old, instance_id: 'I2', config: { image: request.image, metadata: request.ownerLabels } }]);
    const provider = createFlyProvider(options);
    const outcome = await provider.deploy({ ...request, region: 'ams' }, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', change: 'updated', region: 'ams' });
  });

  it('after a lost create, finds the machine it made instead of making a second', async () => {
    const made = { ...machine, state: 'started', config: { image: request.image, metadata: { ...request.ownerLabels, fly_preview_sha: 'abc', fly_preview_order: '1' } } };
    nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo' });
    nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    nock(api).post('/v1/apps/demo/machines').replyWithError(connectionReset());
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
