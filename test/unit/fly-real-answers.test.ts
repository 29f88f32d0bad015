// The Fly client fed answers recorded from the real Machines API (test/fixtures/fly-real/, each with
// where it came from): if our parsers only ever met the simulator's answers, a field the real API
// adds, a null where we expect a string, or an error text we never saw would go unnoticed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlyClient, orgMachinesPageLimit } from '../../src/providers/fly/client.js';
import { FlyApiError, FlyAuthError } from '../../src/providers/fly/index.js';
import type { Machine, MachineEvent, Volume } from '../../src/providers/fly/types.js';
import { repoRoot } from '../sim/action-runner.ts';
import { startFlySim } from '../sim/fly.ts';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.machines.dev';
const { sleep } = scriptedHttp();
// The simulator tests below talk to a loopback server; nothing else leaves the process.
beforeAll(() => nock.enableNetConnect('127.0.0.1'));
const client = () => new FlyClient({ apiUrl: api, token: 'FlyV1 fm2_recorded', sleep, random: () => 0.5 });
const recorded = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'fly-real', file), 'utf8')) as Record<string, unknown>;
/** As the recordings show every answer: a ULID and the edge region (test/fixtures/fly-real/README.md). */
const realHeaders = { 'content-type': 'application/json; charset=utf-8', 'fly-request-id': '01JNRQ9VVKJ7HZFMJWJB3M3RYN-yyz' };

const machineCreate = recorded('machine-create-2024-09-04.json');
const machineGet = recorded('machine-get-2025-09-10.json');
const volumeCreate = recorded('volume-create-2025-09-13.json');

describe('the Fly client reads what the real API answers', () => {
  it('a machine create: 200, with the fields the server adds (incomplete_config, image_ref, host_status, force_instance_key: null)', async () => {
    nock(api).post('/v1/apps/vim-arcade/machines').reply(200, machineCreate, realHeaders);
    const m: Machine = await client().createMachine('vim-arcade', { region: 'den', config: { image: 'registry.fly.io/vim-arcade:deployment-01J6XBCR5F95VZAH6REWNP2XBC' } });
    expect(m).toMatchObject({ id: '1852414f4125d8', state: 'created', region: 'den', instance_id: '01J6ZE56EA12S649SSKRK71PF6', incomplete_config: null, host_status: 'ok' });
    expect(m.image_ref).toMatchObject({ registry: 'registry.fly.io', repository: 'vim-arcade', labels: null });
    expect(m.config.services?.[0]).toMatchObject({ protocol: 'tcp', internal_port: 8080, ports: [{ port: 80, handlers: ['http'] }] });
    expect(m.events?.map((e) => `${e.type}/${e.status} ${e.source}`)).toEqual(['launch/created user']);
  });

  it('a started machine, its events newest first', async () => {
    nock(api).get('/v1/apps/obelisk/machines/080155df097248').reply(200, machineGet, realHeaders);
    const m = await client().getMachine('obelisk', '080155df097248');
    expect(m).toMatchObject({ state: 'started', instance_id: '01K4SR42ZPDHHCN70QNZKVPK48', config: { restart: { policy: 'on-failure' } } });
    expect(m?.image_ref?.registry).toBe('docker-hub-mirror.fly.io');
    const events = m?.events ?? [];
    expect(events.map((e) => `${e.type}/${e.status} ${e.source}`)).toEqual(['start/started flyd', 'launch/created user']);
    expect(events[0]?.timestamp).toBeGreaterThan(events[1]?.timestamp ?? Number.POSITIVE_INFINITY);
  });

  it('a volume attached to nothing: attached_machine_id null, and listed as usable', async () => {
    nock(api).post('/v1/apps/obelisk/volumes').reply(200, volumeCreate, realHeaders);
    nock(api).get('/v1/apps/obelisk/volumes').reply(200, [volumeCreate], realHeaders);
    const c = client();
    const v: Volume = await c.createVolume('obelisk', { name: 'my_app_vol', region: 'ams', size_gb: 1 });
    expect(v).toMatchObject({ id: 'vol_vjeylkgg6gll7j94', state: 'created', attached_machine_id: null, attached_alloc_id: null, encrypted: true, fstype: 'ext4' });
    expect((await c.listVolumes('obelisk')).map((x) => x.id)).toEqual(['vol_vjeylkgg6gll7j94']);
  });

  it('a wait: 200 {"ok":true} is "reached"', async () => {
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true }, realHeaders);
    expect(await client().wait('demo', 'm1', ['started'], '01K4SR42ZPDHHCN70QNZKVPK48', 60)).toBe('reached');
  });

  it('events newest first, at most 20, in the pairs the real API writes', async () => {
    // The pairs the recordings show (test/fixtures/fly-real/README.md), oldest first: launch/pending
    // by flyd then launch/created by the user; start/starting then start/started by flyd;
    // stop/stopping by the user then exit/stopped by flyd. The endpoint answers newest first.
    const pairs: [string, string, string][] = [
      ['launch', 'pending', 'flyd'],
      ['launch', 'created', 'user'],
      ['start', 'starting', 'user'],
      ['start', 'started', 'flyd'],
      ['stop', 'stopping', 'user'],
      ['exit', 'stopped', 'flyd'],
    ];
    const oldestFirst: MachineEvent[] = Array.from({ length: 20 }, (_, i) => {
      const [type, status, source] = pairs[i % pairs.length] as [string, string, string];
      const exit = type === 'exit' ? { request: { exit_event: { exit_code: 0, oom_killed: false, requested_stop: true, exited_at: '2025-09-10T12:03:07.751Z' } } } : {};
      return { id: `01K4SR45V7PBDQ7HBHEAJ6C9${String(i).padStart(2, '0')}`, type, status, source, timestamp: 1757505784914 + i * 1000, ...exit };
    });
    nock(api).get('/v1/apps/demo/machines/m1/events').reply(200, [...oldestFirst].reverse(), realHeaders);
    const events = await client().events('demo', 'm1');
    expect(events).toHaveLength(20);
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort((a, b) => b - a));
    expect(events.find((e) => e.type === 'exit')?.request?.exit_event).toMatchObject({ exit_code: 0, requested_stop: true });
  });

  it('401 with the real text: one request, the token input named, Fly’s words and the request id', async () => {
    nock(api).get('/v1/apps/demo').reply(401, { error: 'Authenticate: token validation error' }, realHeaders);
    const error = await client().getApp('demo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyAuthError);
    expect((error as Error).message).toBe(
      'Fly API refused the token (401) for GET /v1/apps/demo: Authenticate: token validation error. Check the fly-api-token input: it must be a valid token with access to the organization (e.g. `fly tokens create org <org>`). (fly-request-id 01JNRQ9VVKJ7HZFMJWJB3M3RYN-yyz)',
    );
  });

  it('403 {"error":"unauthorized"} on an app create is a refused token too', async () => {
    nock(api).post('/v1/apps').query({ wait: 'true' }).reply(403, { error: 'unauthorized' }, realHeaders);
    const error = await client().createApp('demo', 'acme').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyAuthError);
    expect((error as Error).message).toContain('Fly API refused the token (403) for POST /v1/apps: unauthorized.');
  });

  it('409 already_exists names the call, the status and the whole text', async () => {
    const text = 'already_exists: unique machine name violation, machine ID 32876249a30918 already exists with name "foo"';
    nock(api).post('/v1/apps/demo/machines').reply(409, { error: text }, realHeaders);
    const error = await client().createMachine('demo', { name: 'foo', region: 'iad', config: { image: 'nginx' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as FlyApiError).message).toBe(`Fly API: POST /v1/apps/demo/machines failed with 409: ${text} (fly-request-id 01JNRQ9VVKJ7HZFMJWJB3M3RYN-yyz)`);
  });
});

describe('the simulator answers a machine create in the real shape', () => {
  /** Every key with its JSON type, recursively (array items by the first one): what a parser meets. */
  function shape(value: unknown, at = '$'): string[] {
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const here = [`${at}: ${type}`];
    if (Array.isArray(value)) return value.length === 0 ? here : [...here, ...shape(value[0], `${at}[]`)];
    if (type !== 'object') return here;
    return [...here, ...Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => shape(v, `${at}.${k}`))];
  }

  it('has every key of the recorded answer with its JSON type, and no other', async () => {
    const fly = await startFlySim({ tokens: ['t'], bootMs: 10_000 });
    try {
      const request = {
        region: 'den',
        config: {
          env: { APP_ENV: 'production' },
          guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
          services: [{ protocol: 'tcp', internal_port: 8080, ports: [{ port: 80, handlers: ['http'] }] }],
          image: 'registry.fly.io/vim-arcade:deployment-01J6XBCR5F95VZAH6REWNP2XBC',
        },
      };
      const post = (path: string, body: unknown) =>
        fetch(`${fly.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post('/v1/apps?wait=true', { name: 'vim-arcade', org_slug: 'personal' });
      const created = await post('/v1/apps/vim-arcade/machines', request);
      expect(created.status).toBe(200);
      const answer = await created.json();
      expect(shape(answer).sort()).toEqual(shape(machineCreate).sort());
      expect(answer).toMatchObject({ state: 'created', incomplete_config: null, host_status: 'ok', config: { init: {}, services: [{ force_instance_key: null }] } });
    } finally {
      await fly.close();
    }
  });
});

describe('the org-wide machine listing (Machines_org_list)', () => {
  /** An OrgMachine made of the recorded machine's own fields, as the description names them. */
  const orgMachine = (id: string, app: string, metadata: Record<string, string>) => ({
    id,
    name: 'machine',
    state: 'started',
    region: 'ams',
    instance_id: '01K4SR42ZPDHHCN70QNZKVPK48',
    version: '01K4SR42ZPDHHCN70QNZKVPK48',
    private_ip: 'fdaa:0:fcc8:a7b:32c:3a59:29d5:2',
    app_name: app,
    created_at: '2025-09-10T12:03:04Z',
    updated_at: '2025-09-10T12:03:07Z',
    config: { image: 'getobelisk/obelisk:0.24.1-ubuntu', guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 }, metadata },
  });

  it('asks for pages of 1,000 and reads each machine with its app and metadata', async () => {
    nock(api)
      .get('/v1/orgs/acme/machines')
      .query({ limit: String(orgMachinesPageLimit) })
      .reply(200, { machines: [orgMachine('m1', 'pr-1', { fly_preview_pr: '1' })], last_machine_id: 'm1', last_updated_at: '2025-09-10T12:03:07Z', next_cursor: 'c1' }, realHeaders);
    const page = await client().listOrgMachinesPage('acme');
    expect(page).toEqual({ machines: [orgMachine('m1', 'pr-1', { fly_preview_pr: '1' })], errorRegions: [], nextCursor: 'c1' });
  });

  it('follows next_cursor through short and empty pages until it is missing or empty', async () => {
    nock(api).get('/v1/orgs/acme/machines').query({ limit: '1000' }).reply(200, { machines: [orgMachine('m1', 'pr-1', {})], next_cursor: 'c1' });
    // "Responses may be shorter, or even empty, even when more machines remain" (Machines_org_list `limit`).
    nock(api).get('/v1/orgs/acme/machines').query({ limit: '1000', cursor: 'c1' }).reply(200, { machines: [], next_cursor: 'c2', error_regions: ['syd'] });
    nock(api).get('/v1/orgs/acme/machines').query({ limit: '1000', cursor: 'c2' }).reply(200, { machines: [orgMachine('m2', 'pr-2', {})], next_cursor: '' });
    const listed = await client().listOrgMachines('acme');
    expect(listed?.machines.map((m) => `${m.app_name}/${m.id}`)).toEqual(['pr-1/m1', 'pr-2/m2']);
    expect(listed?.errorRegions).toEqual(['syd']);
  });

  it('never answers a list cut short as whole: an endpoint gone after the first page throws', async () => {
    nock(api).get('/v1/orgs/acme/machines').query({ limit: '1000' }).reply(200, { machines: [orgMachine('m1', 'pr-1', {})], next_cursor: 'c1' });
    nock(api).get('/v1/orgs/acme/machines').query({ limit: '1000', cursor: 'c1' }).reply(404, { error: 'Not Found' });
    await expect(client().listOrgMachines('acme')).rejects.toThrow('GET /v1/orgs/acme/machines failed: the listing stopped answering after 1 page(s)');
  });

  it.each([404, 405])('answers undefined when the endpoint is missing (%i), so the caller can list app by app', async (status) => {
    nock(api).get('/v1/orgs/acme/machines').query(true).reply(status, { error: 'Not Found' });
    expect(await client().listOrgMachines('acme')).toBeUndefined();
  });

  it('reads the simulator’s pages, which the description check holds against OrgMachinesResponse', async () => {
    const fly = await startFlySim({ tokens: ['t'], orgs: ['acme'] });
    try {
      for (let pr = 1; pr <= 5; pr++) fly.seedPreview(`pr-${pr}`, { org: 'acme', metadata: { fly_preview_pr: String(pr) } });
      fly.orgMachines({ pageCap: 2 });
      const sim = new FlyClient({ apiUrl: fly.url, token: 't', sleep, random: () => 0.5 });
      const all = await sim.listOrgMachines('acme');
      expect(all?.machines.map((m) => m.config?.metadata?.['fly_preview_pr']).sort()).toEqual(['1', '2', '3', '4', '5']);
      expect(fly.requests.filter((r) => r.path === '/v1/orgs/acme/machines')).toHaveLength(3);
      fly.orgMachines({ status: 405 });
      expect(await sim.listOrgMachines('acme')).toBeUndefined();
      await sim.close();
    } finally {
      await fly.close();
    }
  });
});
