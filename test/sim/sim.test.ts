// The simulator's own behaviour that the client and the e2e tests rely on: if these drift from the
// real API (test/sim/FLY_API.md), every test built on the simulator would prove less.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFlySim, type FlySim } from './fly.ts';
import { startGitHubSim } from './github.ts';

let sim: FlySim;
const token = 'sim-token';

beforeEach(async () => {
  sim = await startFlySim({ tokens: [token], bootMs: 60, maxWaitMs: 400 });
});
afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

async function machine(app = 'demo', image = 'nginx') {
  await call('POST', '/v1/apps?wait=true', { name: app, org_slug: 'personal' });
  const created = await call('POST', `/v1/apps/${app}/machines`, { region: 'iad', config: { image } });
  return created.body as { id: string; instance_id: string; state: string };
}

describe('Fly simulator', () => {
  it('refuses a missing or unknown token with 401 and Fly’s error body', async () => {
    const response = await fetch(`${sim.url}/v1/apps/demo`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    // The real API's answer (test/fixtures/fly-real/README.md).
    expect(await response.json()).toEqual({ error: 'Authenticate: token validation error' });
  });

  it('creates an app once: a second create is 422 name_taken, a bad name 400', async () => {
    const [a, b] = await Promise.all([
      call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' }),
      call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    expect([a.body, b.body]).toContainEqual({ error: 'Name has already been taken', status: 'name_taken' });
    expect((await call('POST', '/v1/apps', { name: 'Bad_Name', org_slug: 'personal' })).status).toBe(400);
    expect((await call('GET', '/v1/apps?org_slug=personal')).body).toMatchObject({ total_apps: 1 });
  });

  it('boots a machine created → starting → started, and wait blocks until then', async () => {
    const m = await machine();
    expect(m.state).toBe('created');
    const wait = await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&version=${m.instance_id}&timeout=10`);
    expect(wait).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: 'started' });
    const events = (await call('GET', `/v1/apps/demo/machines/${m.id}/events`)).body as unknown as { status: string }[];
    expect(events.map((e) => e.status)).toEqual(['started', 'starting', 'created']);
  });

  it('ends a wait with 408 when it runs out, and refuses a timeout over 60 s with 400', async () => {
    sim.imageNeverStarts('stuck');
    const m = await machine('demo', 'stuck');
    const wait = await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&timeout=60`);
    expect(wait.status).toBe(408);
    expect(sim.requests.at(-1)?.durationMs).toBeLessThan(2_000);
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&timeout=61`)).status).toBe(400);
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&timeout=0`)).status).toBe(400);
  });

  it('answers a wait on several states as soon as any is reached, with {"ok":true} only', async () => {
    sim.imageExitsAtBoot('crash', 1);
    const m = await machine('demo', 'crash');
    const wait = await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&state=stopped&state=failed&version=${m.instance_id}&timeout=10`);
    expect(wait).toMatchObject({ status: 200, body: { ok: true } });
    expect(Object.keys(wait.body ?? {})).toEqual(['ok']);
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: 'stopped' });
  });

  it('accepts FlyV1 with the macaroons and Bearer for a plain token; never a scheme inside the token', async () => {
    await sim.close();
    sim = await startFlySim({ tokens: ['FlyV1 fm2_one,fm2_two', 'plain-token'], bootMs: 60, maxWaitMs: 400 });
    const status = async (authorization: string) => (await fetch(`${sim.url}/v1/apps/x`, { headers: { authorization } })).status;
    expect(await status('FlyV1 fm2_one,fm2_two')).toBe(404);
    expect(await status('Bearer plain-token')).toBe(404);
    expect(await status('Bearer FlyV1 fm2_one,fm2_two')).toBe(401);
    expect(await status('FlyV1 fm2_one')).toBe(401);
  });

  it('puts a fly-request-id on every answer, errors and injected faults included', async () => {
    expect((await call('GET', '/v1/apps/none')).headers.get('fly-request-id')).toMatch(/\S+/);
    sim.failNext({ path: '/v1/apps/none' }, { status: 503 });
    expect((await call('GET', '/v1/apps/none')).headers.get('fly-request-id')).toMatch(/\S+/);
  });

  it('hides a new app for a while (404 on it, 401 under it) unless created with ?wait=true or read with its cookie', async () => {
    await call('POST', '/v1/apps', { name: 'late', org_slug: 'personal' });
    expect((await call('GET', '/v1/apps/late')).status).toBe(404);
    expect((await call('GET', '/v1/apps/late/machines')).status).toBe(401);
    const created = await call('POST', '/v1/apps?wait=true', { name: 'ready', org_slug: 'personal' });
    expect(created.headers.get('set-cookie')).toMatch(/^fly_flaps_affinity=\w+; Path=\/v1\/apps\/ready/);
    expect((await call('GET', '/v1/apps/ready')).status).toBe(200);
    sim.delayAppVisibility(300);
    const lagging = await call('POST', '/v1/apps?wait=true', { name: 'lagging', org_slug: 'personal' });
    expect(lagging.status).toBe(201);
    expect((await call('GET', '/v1/apps/lagging/machines')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 350));
    expect((await call('GET', '/v1/apps/lagging/machines')).status).toBe(200);
  });

  it('answers 404 for a machine just created when told to (flyctl #4618), then shows it', async () => {
    await call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' });
    sim.delayMachineVisibility(200);
    const m = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: { image: 'nginx' } })).body as { id: string };
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).status).toBe(404);
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 250));
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).status).toBe(200);
  });

  it('ends a machine whose image cannot start in failed, with the reason in its last event', async () => {
    sim.imageFails('nope', 'failed to pull image registry.fly.io/nope: not found');
    const m = await machine('demo', 'nope');
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&state=failed&timeout=10`)).status).toBe(200);
    const got = (await call('GET', `/v1/apps/demo/machines/${m.id}`)).body as { state: string; events: { status: string; request?: { error?: string } }[] };
    expect(got.state).toBe('failed');
    expect(got.events[0]).toMatchObject({ status: 'failed', request: { error: 'failed to pull image registry.fly.io/nope: not found' } });
  });

  it('crashes a started machine and restarts it by its restart policy, counting restarts, until the policy gives up', async () => {
    sim.imageCrashesAfterStart('flaky', { afterMs: 40, exitCode: 3 });
    await call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' });
    const m = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: { image: 'flaky', restart: { policy: 'on-failure', max_retries: 2 } } })).body as { id: string; instance_id: string };
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=stopped&version=${m.instance_id}&timeout=10`)).status).toBe(200);
    const got = (await call('GET', `/v1/apps/demo/machines/${m.id}`)).body as { instance_id: string; events: { type: string; request?: { restart_count?: number; exit_event?: { restarting: boolean; exit_code: number } } }[] };
    const exits = got.events.filter((e) => e.type === 'exit');
    expect(exits.map((e) => [e.request?.exit_event?.restarting, e.request?.restart_count])).toEqual([[false, 2], [true, 2], [true, 1]]);
    expect(exits[0]?.request?.exit_event?.exit_code).toBe(3);
    // Restarts keep the instance: a wait on the version still applies.
    expect(got.instance_id).toBe(m.instance_id);
  });

  it('answers a machine create in a full region with 5xx insufficient_capacity', async () => {
    sim.noCapacityIn('syd');
    await call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' });
    const created = await call('POST', '/v1/apps/demo/machines', { region: 'syd', config: { image: 'nginx' } });
    expect(created.status).toBeGreaterThanOrEqual(500);
    expect(created.body).toMatchObject({ status: 'insufficient_capacity' });
  });

  it('refuses an update that changes the region', async () => {
    const m = await machine();
    const moved = await call('POST', `/v1/apps/demo/machines/${m.id}`, { region: 'lhr', config: { image: 'nginx' } });
    expect(moved.status).toBe(400);
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}`, { region: 'iad', config: { image: 'nginx' } })).status).toBe(200);
  });

  it('fails a wait on a replaced instance at once, also when it is replaced during the wait', async () => {
    const m = await machine();
    const waiting = call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=stopped&version=${m.instance_id}&timeout=10`);
    const updated = await call('POST', `/v1/apps/demo/machines/${m.id}`, { config: { image: 'nginx:2' } });
    expect(updated.body).toMatchObject({ state: 'replacing' });
    expect((updated.body as { instance_id: string }).instance_id).not.toBe(m.instance_id);
    expect((await waiting).status).toBe(400);
    const stale = await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started&version=${m.instance_id}`);
    expect(stale.status).toBe(400);
    expect(String(stale.body?.['error'])).toContain('was replaced');
  });

  it('stops an image marked to exit at boot, with the exit code in an event', async () => {
    sim.imageExitsAtBoot('crash', 2);
    const m = await machine('demo', 'crash');
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=stopped&instance_id=${m.instance_id}`)).status).toBe(200); // the older name
    const events = (await call('GET', `/v1/apps/demo/machines/${m.id}/events`)).body as unknown as Record<string, unknown>[];
    expect(events[0]).toMatchObject({ type: 'exit', status: 'stopped', request: { exit_event: { exit_code: 2 } } });
  });

  it('grants a lease with 201 {status:"success", data:{nonce, version}}; releasing an expired one is 404', async () => {
    const m = await machine();
    const lease = await call('POST', `/v1/apps/demo/machines/${m.id}/lease?ttl=1`);
    expect(lease.status).toBe(201);
    expect(lease.body).toMatchObject({ status: 'success', data: { version: m.instance_id } });
    const nonce = (lease.body?.['data'] as { nonce: string } | undefined)?.nonce ?? '';
    await new Promise((r) => setTimeout(r, 1_050));
    expect((await call('DELETE', `/v1/apps/demo/machines/${m.id}/lease`, undefined, { 'fly-machine-lease-nonce': nonce })).status).toBe(404);
  });

  it('guards a leased machine: 409 for another holder, the nonce unlocks it', async () => {
    const m = await machine();
    const lease = await call('POST', `/v1/apps/demo/machines/${m.id}/lease?ttl=30`);
    const nonce = (lease.body?.['data'] as { nonce: string } | undefined)?.nonce ?? '';
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}/lease?ttl=30`)).status).toBe(409);
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}`, { config: { image: 'x' } })).status).toBe(409);
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}`, { config: { image: 'x' } }, { 'fly-machine-lease-nonce': nonce })).status).toBe(200);
    expect((await call('DELETE', `/v1/apps/demo/machines/${m.id}/lease`, undefined, { 'fly-machine-lease-nonce': nonce })).status).toBe(200);
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}/lease?ttl=30`)).status).toBe(201);
  });

  it('deletes an app with its running machines: 202, no body, no force parameter (Apps_delete, fly-go DeleteApp)', async () => {
    const m = await machine();
    await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=started`);
    const deleted = await call('DELETE', '/v1/apps/demo');
    expect(deleted).toMatchObject({ status: 202, body: undefined });
    expect((await call('GET', '/v1/apps/demo')).status).toBe(404);
    expect(sim.machines('demo')).toEqual([]);
  });

  it('injects faults: a status with Retry-After, a dropped connection, an answer lost after the change', async () => {
    sim.failNext({ path: '/v1/apps/demo' }, { status: 429, retryAfter: '7' });
    const limited = await call('GET', '/v1/apps/demo');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    sim.dropNext({ path: '/v1/apps/demo' });
    await expect(call('GET', '/v1/apps/demo')).rejects.toThrow();
    sim.loseAnswerNext({ method: 'POST', path: '/v1/apps' });
    await expect(call('POST', '/v1/apps?wait=true', { name: 'lost', org_slug: 'personal' })).rejects.toThrow();
    expect(sim.apps().map((a) => a.name)).toContain('lost');
  });

  it('rejects what the real API rejects: no image, bad JSON, an unknown wait state', async () => {
    await call('POST', '/v1/apps?wait=true', { name: 'demo', org_slug: 'personal' });
    expect(await call('POST', '/v1/apps/demo/machines', { config: {} })).toMatchObject({ status: 400, body: { error: 'config.image is required' } });
    const raw = await fetch(`${sim.url}/v1/apps/demo/machines`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{' });
    expect(raw.status).toBe(400);
    const m = await machine();
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=running`)).status).toBe(400);
    // The API's refusal of a wait for `stopped` without the instance (test/fixtures/fly-real/README.md).
    expect(await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=stopped`)).toMatchObject({
      status: 400,
      body: { error: 'instance_id required when waiting for stopped machine' },
    });
    // The description check saw the same faults: each names the operation and the field.
    expect(sim.takeFindings().map((f) => `${f.operation} ${f.in} ${f.field}: ${f.message}`)).toEqual([
      'POST /v1/apps/{app_name}/machines (Machines_create) body $: must be object',
      'GET /v1/apps/{app_name}/machines/{machine_id}/wait (Machines_wait) query state: must be equal to one of the allowed values',
    ]);
  });
});

describe('Fly simulator, waking idle machines', () => {
  const wait = (app: string, id: string, instance: string) => call('GET', `/v1/apps/${app}/machines/${id}/wait?state=started&version=${instance}&timeout=5`);

  it('starts a stopped machine (a boot) and resumes a suspended one (faster), keeping its instance, answering previous_state', async () => {
    const m = await machine();
    expect((await wait('demo', m.id, m.instance_id)).status).toBe(200);
    for (const how of ['stop', 'suspend'] as const) {
      sim.idle('demo', m.id, how);
      const state = how === 'stop' ? 'stopped' : 'suspended';
      expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state, instance_id: m.instance_id });
      const started = await call('POST', `/v1/apps/demo/machines/${m.id}/start`);
      expect(started).toMatchObject({ status: 200, body: { previous_state: state } });
      expect((await wait('demo', m.id, m.instance_id)).status).toBe(200);
      expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: 'started', instance_id: m.instance_id });
    }
  });

  it('a machine caught stopping or suspending stays so for settleMs; a wait for stopped/suspended blocks until it is down', async () => {
    const m = await machine();
    await wait('demo', m.id, m.instance_id);
    for (const [how, between, after] of [['stop', 'stopping', 'stopped'], ['suspend', 'suspending', 'suspended']] as const) {
      sim.idle('demo', m.id, how, { settleMs: 150 });
      expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: between });
      const down = await call('GET', `/v1/apps/demo/machines/${m.id}/wait?state=stopped&state=suspended&version=${m.instance_id}&timeout=5`);
      expect(down.status).toBe(200);
      expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: after, instance_id: m.instance_id });
      await call('POST', `/v1/apps/demo/machines/${m.id}/start`);
      await wait('demo', m.id, m.instance_id);
    }
    sim.machineFails('demo', m.id, 'host lost');
    expect((await call('GET', `/v1/apps/demo/machines/${m.id}`)).body).toMatchObject({ state: 'failed' });
  });

  it('refuses a start on a machine another client leases with 409', async () => {
    const m = await machine();
    await wait('demo', m.id, m.instance_id);
    sim.idle('demo', m.id, 'stop');
    sim.holdLease('demo', m.id, 30);
    expect((await call('POST', `/v1/apps/demo/machines/${m.id}/start`)).status).toBe(409);
  });
});

describe('Fly simulator, for sweeps', () => {
  it('filters the machine list by metadata, every metadata.* parameter at once', async () => {
    sim.seedPreview('pr-1-o-r', { metadata: { fly_preview_repo: 'o/r', fly_preview_pr: '1' } });
    sim.addMachine('pr-1-o-r', { name: 'extra', image: 'nginx', metadata: { fly_preview_repo: 'o/other' } });
    const only = await call('GET', '/v1/apps/pr-1-o-r/machines?metadata.fly_preview_repo=o%2Fr');
    expect((only.body as unknown as { config: { metadata: Record<string, string> } }[]).map((m) => m.config.metadata['fly_preview_repo'])).toEqual(['o/r']);
    const none = await call('GET', '/v1/apps/pr-1-o-r/machines?metadata.fly_preview_repo=o%2Fr&metadata.fly_preview_pr=2');
    expect(none.body).toEqual([]);
    expect(((await call('GET', '/v1/apps/pr-1-o-r/machines')).body as unknown as unknown[]).length).toBe(2);
  });

  it('answers a lease read with the holder, or 404 "lease not found"', async () => {
    const m = sim.seedPreview('leased', { metadata: {} });
    expect(await call('GET', `/v1/apps/leased/machines/${m.id}/lease`)).toMatchObject({ status: 404, body: { error: 'lease not found' } });
    sim.holdLease('leased', m.id, 60);
    const held = await call('GET', `/v1/apps/leased/machines/${m.id}/lease`);
    expect(held).toMatchObject({ status: 200, body: { status: 'success', data: { owner: 'another-deploy@example.com' } } });
  });
});

describe('Fly simulator: volumes, secrets, checks, one-off machines', () => {
  async function app(name = 'demo') {
    await call('POST', '/v1/apps?wait=true', { name: name, org_slug: 'personal' });
  }

  it('creates a volume, attaches it to one machine at a time, and deletes it only when detached', async () => {
    await app();
    const created = await call('POST', '/v1/apps/demo/volumes', { name: 'data', region: 'iad', size_gb: 3 });
    expect(created).toMatchObject({ status: 200, body: { name: 'data', region: 'iad', size_gb: 3, state: 'created', attached_machine_id: null } });
    const vol = (created.body as { id: string }).id;
    const config = { image: 'nginx', mounts: [{ volume: vol, path: '/data' }] };
    const first = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config })).body as { id: string };
    expect(sim.volumes('demo')[0]?.attached_machine_id).toBe(first.id);
    expect(await call('POST', '/v1/apps/demo/machines', { region: 'iad', config })).toMatchObject({ status: 409 });
    expect(await call('POST', '/v1/apps/demo/machines', { region: 'lhr', config })).toMatchObject({ status: 400 });
    expect(await call('DELETE', `/v1/apps/demo/volumes/${vol}`)).toMatchObject({ status: 412 });
    await call('DELETE', `/v1/apps/demo/machines/${first.id}?force=true`);
    expect(sim.volumes('demo')[0]?.attached_machine_id).toBeNull();
    expect(await call('DELETE', `/v1/apps/demo/volumes/${vol}`)).toMatchObject({ status: 200, body: { state: 'pending_destroy' } });
    expect(((await call('GET', '/v1/apps/demo/volumes')).body as unknown as { state: string }[]).map((v) => v.state)).toEqual(['pending_destroy']);
  });

  it('sets and unsets app secrets with a version; a machine boots with the secrets of min_secrets_version', async () => {
    await app();
    const set = await call('POST', '/v1/apps/demo/secrets', { values: { A: 'one', B: 'two' } });
    expect(set).toMatchObject({ status: 200, body: { version: 1 } });
    expect(JSON.stringify(set.body)).not.toContain('one');
    const unset = await call('POST', '/v1/apps/demo/secrets', { values: { B: null, A: 'uno' } });
    expect(unset.body).toMatchObject({ version: 2, secrets: [{ name: 'A' }] });
    expect(await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: { image: 'nginx' }, min_secrets_version: 3 })).toMatchObject({ status: 422 });
    const m = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: { image: 'nginx' }, min_secrets_version: 2 })).body as { id: string; config: unknown };
    expect(sim.machineSecrets('demo', m.id)).toEqual({ A: 'uno' });
    expect(JSON.stringify(m)).not.toContain('uno');
  });

  it('reports checks critical at first, then passing; a check marked failing stays critical with its output', async () => {
    await app();
    sim.imageCheckFails('broken', 'health', 'HTTP GET http://[fdaa::2]:8080/up: 500 Internal Server Error');
    const config = (image: string) => ({
      image,
      checks: { health: { type: 'http', port: 8080, path: '/up' } },
      services: [{ protocol: 'tcp', internal_port: 8080, checks: [{ type: 'tcp' }] }],
    });
    const good = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: config('nginx') })).body as { id: string };
    const bad = (await call('POST', '/v1/apps/demo/machines', { region: 'iad', config: config('broken') })).body as { id: string };
    await call('GET', `/v1/apps/demo/machines/${good.id}/wait?state=started`);
    expect(((await call('GET', `/v1/apps/demo/machines/${good.id}`)).body as { checks: unknown[] }).checks).toEqual([
      expect.objectContaining({ name: 'health', status: 'critical' }),
      expect.objectContaining({ name: 'servicecheck-00-tcp-8080', status: 'critical' }),
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(((await call('GET', `/v1/apps/demo/machines/${good.id}`)).body as { checks: { status: string }[] }).checks.map((c) => c.status)).toEqual(['passing', 'passing']);
    expect(((await call('GET', `/v1/apps/demo/machines/${bad.id}`)).body as { checks: unknown[] }).checks).toEqual([
      expect.objectContaining({ name: 'health', status: 'critical', output: 'HTTP GET http://[fdaa::2]:8080/up: 500 Internal Server Error' }),
      expect.objectContaining({ name: 'servicecheck-00-tcp-8080', status: 'passing' }),
    ]);
  });

  it('runs a one-off machine to its exit code and destroys it; it stays readable with its events', async () => {
    await app();
    sim.commandExits('db:migrate', 3);
    const oneOff = (cmd: string[]) => ({ region: 'iad', config: { image: 'app', init: { cmd }, auto_destroy: true, restart: { policy: 'no' } } });
    const ok = (await call('POST', '/v1/apps/demo/machines', oneOff(['bin/rails', 'db:prepare']))).body as { id: string };
    const failing = (await call('POST', '/v1/apps/demo/machines', oneOff(['bin/rails', 'db:migrate']))).body as { id: string };
    for (const id of [ok.id, failing.id]) {
      expect((await call('GET', `/v1/apps/demo/machines/${id}/wait?state=destroyed&timeout=10`)).status).toBe(200);
    }
    const exit = async (id: string) =>
      ((await call('GET', `/v1/apps/demo/machines/${id}/events`)).body as unknown as { type: string; request?: { exit_event?: { exit_code: number } } }[]).find(
        (e) => e.type === 'exit',
      )?.request?.exit_event?.exit_code;
    expect(await exit(ok.id)).toBe(0);
    expect(await exit(failing.id)).toBe(3);
    expect((await call('GET', `/v1/apps/demo/machines/${failing.id}`)).body).toMatchObject({ state: 'destroyed' });
    expect(((await call('GET', '/v1/apps/demo/machines')).body as unknown as unknown[]).length).toBe(0);
  });
});

describe('GitHub simulator', () => {
  it('lists pull requests in pages, most recently updated first, and reads one; unknown ones are 404', async () => {
    const github = await startGitHubSim({ token: 'gh' });
    try {
      github.seedPulls('o', 'r', [
        { number: 1, state: 'closed', merged: true, updatedAt: '2026-01-03T00:00:00Z' },
        { number: 2, state: 'open', updatedAt: '2026-01-01T00:00:00Z' },
        { number: 3, state: 'open', updatedAt: '2026-01-02T00:00:00Z', headRepo: 'fork/r' },
      ]);
      const get = (path: string) => fetch(`${github.url}${path}`, { headers: { authorization: 'token gh' } });
      const first = await get('/repos/o/r/pulls?state=all&sort=updated&direction=desc&per_page=2');
      expect(((await first.json()) as { number: number }[]).map((p) => p.number)).toEqual([1, 3]);
      expect(first.headers.get('link')).toContain('page=2>; rel="next"');
      const open = (await (await get('/repos/o/r/pulls')).json()) as { number: number }[];
      // Newest first by default, as GitHub lists them.
      expect(open.map((p) => p.number)).toEqual([3, 2]);
      const three = (await (await get('/repos/o/r/pulls/3')).json()) as { head: { repo: { full_name: string } }; merged_at: null };
      expect(three).toMatchObject({ head: { repo: { full_name: 'fork/r' } }, merged_at: null });
      expect((await get('/repos/o/r/pulls/9')).status).toBe(404);
    } finally {
      await github.close();
    }
  });

  it('reports roles with the older permission field beside them, and takes reactions only on comments that exist', async () => {
    const github = await startGitHubSim({ token: 'gh' });
    try {
      github.setPermission('o', 'r', 'm', 'maintain');
      const headers = { authorization: 'token gh', 'content-type': 'application/json' };
      const role = await (await fetch(`${github.url}/repos/o/r/collaborators/m/permission`, { headers })).json();
      expect(role).toMatchObject({ permission: 'write', role_name: 'maintain' });
      const id = github.seedComment('o', 'r', 1, '/preview', 'm');
      const react = (commentId: number, content: string) =>
        fetch(`${github.url}/repos/o/r/issues/comments/${commentId}/reactions`, { method: 'POST', headers, body: JSON.stringify({ content }) });
      expect((await react(id, 'eyes')).status).toBe(201);
      expect((await react(id, 'eyes')).status).toBe(200);
      expect((await react(id, 'thumbsup')).status).toBe(422);
      expect(github.takeFindings().map((f) => `${f.operation} ${f.field}`)).toEqual([
        'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions (reactions/create-for-issue-comment) $.content',
      ]);
      expect((await react(999_999, 'eyes')).status).toBe(404);
      expect(github.reactions(id)).toEqual([{ content: 'eyes', user: 'github-actions[bot]' }]);
    } finally {
      await github.close();
    }
  });

  it('pages comments with a Link header, as GitHub does', async () => {
    const github = await startGitHubSim({ token: 'gh' });
    try {
      github.seedComments('o', 'r', 1, Array.from({ length: 5 }, (_, i) => `c${i}`));
      const response = await fetch(`${github.url}/repos/o/r/issues/1/comments?per_page=2`, { headers: { authorization: 'token gh' } });
      expect(((await response.json()) as unknown[]).length).toBe(2);
      expect(response.headers.get('link')).toBe(
        `<${github.url}/repos/o/r/issues/1/comments?per_page=2&page=2>; rel="next", <${github.url}/repos/o/r/issues/1/comments?per_page=2&page=3>; rel="last"`,
      );
      expect((await fetch(`${github.url}/repos/o/r/issues/1/comments`)).status).toBe(401);
    } finally {
      await github.close();
    }
  });
});
