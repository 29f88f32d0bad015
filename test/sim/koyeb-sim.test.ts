// The Koyeb simulator's own behaviour that the provider tests rely on: if these drift from the real
// API (test/sim/KOYEB_API.md), every test built on the simulator would prove less.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKoyebSim, type KoyebSim } from './koyeb.ts';

let sim: KoyebSim;
const token = 'sim-token';

beforeEach(async () => {
  sim = await startKoyebSim({ tokens: [token], deployMs: 80, idleSleepMs: 60 });
});
afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary answer fields; a wrong one fails the assertion that reads it
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, any>, headers: response.headers };
}

const definition = (image: string, min = 1) => ({
  type: 'WEB',
  docker: { image },
  ports: [{ port: 8080, protocol: 'http' }],
  routes: [{ port: 8080, path: '/' }],
  regions: ['was'],
  instance_types: [{ type: 'nano' }],
  scalings: [{ min, max: 1 }],
});

async function service(image = 'nginx', min = 1) {
  const app = await call('POST', '/v1/apps', { name: 'demo' });
  const created = await call('POST', '/v1/services', { app_id: app.body.app.id, name: 'web', definition: definition(image, min) });
  return created.body.service as { id: string; latest_deployment_id: string };
}

const until = async (check: () => Promise<boolean>, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Koyeb simulator', () => {
  it('refuses a bad token with 401 and the Error body, with a request id', async () => {
    const response = await fetch(`${sim.url}/v1/apps`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status: 401, code: 'unauthenticated', message: 'Unauthorized' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('creates an app with an AUTOASSIGNED domain; a second create is a 400 naming the field', async () => {
    const first = await call('POST', '/v1/apps', { name: 'demo' });
    expect(first.body.app.domains).toEqual([expect.objectContaining({ name: 'demo-acme.koyeb.app', type: 'AUTOASSIGNED' })]);
    const again = await call('POST', '/v1/apps', { name: 'demo' });
    expect(again).toMatchObject({ status: 400, body: { code: 'invalid_argument', fields: [{ field: 'name', description: 'already exists' }] } });
    expect((await call('POST', '/v1/apps', { name: 'x'.repeat(24) })).status).toBe(400);
  });

  it('lists with limit/offset/count/has_next, and the name filter is not exact', async () => {
    for (const name of ['demo', 'demo-two', 'other']) await call('POST', '/v1/apps', { name });
    const page = await call('GET', '/v1/apps?name=demo&limit=1&offset=0');
    expect(page.body).toMatchObject({ count: 2, has_next: true, limit: 1, offset: 0 });
    expect(page.body.apps).toHaveLength(1);
  });

  it('a deployment goes PENDING → PROVISIONING → STARTING → HEALTHY, then SLEEPING when scaled to zero', async () => {
    // Each state must last long enough to be read by polling even on a busy machine.
    await sim.close();
    sim = await startKoyebSim({ tokens: [token], deployMs: 1_200, idleSleepMs: 300 });
    const s = await service('nginx', 0);
    const seen = new Set<string>();
    await until(async () => {
      const { body } = await call('GET', `/v1/deployments/${s.latest_deployment_id}`);
      seen.add(body.deployment.status);
      return body.deployment.status === 'SLEEPING';
    }, 10_000);
    expect([...seen]).toEqual(expect.arrayContaining(['PENDING', 'STARTING', 'HEALTHY', 'SLEEPING']));
  });

  it('a failing image ends ERROR with the message on the instance and in its events', async () => {
    sim.imageFails('broken', { status: 'ERROR', message: 'exit code 1' });
    const s = await service('broken');
    await until(async () => (await call('GET', `/v1/deployments/${s.latest_deployment_id}`)).body.deployment.status === 'ERROR');
    const instances = await call('GET', `/v1/instances?deployment_id=${s.latest_deployment_id}`);
    expect(instances.body.instances).toEqual([expect.objectContaining({ status: 'ERROR', messages: ['exit code 1'] })]);
    expect(instances.body).not.toHaveProperty('has_next');
    const id = instances.body.instances[0].id as string;
    const events = await call('GET', `/v1/instance_events?instance_ids=${id}&limit=2`);
    expect(events.body.events[0]).toMatchObject({ type: 'instance.error', message: 'exit code 1' });
    expect(events.body).toMatchObject({ has_next: true });
  });

  it('an update starts a new deployment and cancels the one still rolling out', async () => {
    const s = await service('slow');
    const updated = await call('PUT', `/v1/services/${s.id}`, { definition: definition('fast') });
    expect(updated.body.service.latest_deployment_id).not.toBe(s.latest_deployment_id);
    expect((await call('GET', `/v1/deployments/${s.latest_deployment_id}`)).body.deployment.status).toBe('CANCELED');
  });

  it('refuses an env entry referring to a missing secret, and never returns secret values', async () => {
    const app = await call('POST', '/v1/apps', { name: 'demo' });
    const bad = await call('POST', '/v1/services', {
      app_id: app.body.app.id,
      name: 'web',
      definition: { ...definition('nginx'), env: [{ key: 'K', secret: 'missing' }] },
    });
    expect(bad.status).toBe(400);
    const secret = await call('POST', '/v1/secrets', { name: 'demo-k', type: 'SIMPLE', value: 'hidden' });
    expect(JSON.stringify(secret.body)).not.toContain('hidden');
    expect(JSON.stringify((await call('GET', '/v1/secrets?name=demo-k')).body)).not.toContain('hidden');
    expect(sim.secrets()).toEqual({ 'demo-k': 'hidden' });
  });

  it('deleting an app deletes its services; a second delete is 404', async () => {
    const s = await service();
    const [app] = sim.apps();
    expect((await call('DELETE', `/v1/apps/${app?.id}`)).status).toBe(200);
    expect((await call('GET', `/v1/services/${s.id}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/apps/${app?.id}`)).status).toBe(404);
  });

  it('new items stay out of listings for listLagMs (eventual consistency)', async () => {
    const lagging = await startKoyebSim({ tokens: [token], listLagMs: 150 });
    try {
      const post = await fetch(`${lagging.url}/v1/apps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'late' }),
      });
      expect(post.status).toBe(200);
      const list = async () => (await (await fetch(`${lagging.url}/v1/apps?name=late`, { headers: { authorization: `Bearer ${token}` } })).json()) as { count: number };
      expect((await list()).count).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect((await list()).count).toBe(1);
    } finally {
      await lagging.close();
    }
  });

  it('injects a 429 with Retry-After through the shared fault controls', async () => {
    // No 429 is declared, so its body is the `default` google.rpc.Status (8: RESOURCE_EXHAUSTED).
    sim.failNext({ path: '/v1/apps' }, { status: 429, retryAfter: '2', body: { code: 8, message: 'Too Many Requests', details: [] } });
    const limited = await call('GET', '/v1/apps');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await call('GET', '/v1/apps')).status).toBe(200);
  });
});

describe('Koyeb simulator, pausing and waking', () => {
  it('resumes only a paused service (400 otherwise), through RESUMING to HEALTHY with the same definition', async () => {
    const created = await service('nginx');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await call('POST', `/v1/services/${created.id}/resume`);
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'status', description: expect.stringContaining('paused services only') }]);
    sim.pauseService('demo');
    expect((await call('GET', `/v1/services/${created.id}`)).body.service.status).toBe('PAUSED');
    expect((await call('POST', `/v1/services/${created.id}/resume`)).status).toBe(200);
    expect((await call('GET', `/v1/services/${created.id}`)).body.service.status).toBe('RESUMING');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const resumed = (await call('GET', `/v1/services/${created.id}`)).body.service;
    expect(resumed.status).toBe('HEALTHY');
    const deployment = (await call('GET', `/v1/deployments/${resumed.latest_deployment_id}`)).body.deployment;
    expect(deployment).toMatchObject({ status: 'HEALTHY', definition: { docker: { image: 'nginx' } } });
  });

  it('a sleeping deployment wakes on a request to the app, not on resume', async () => {
    const created = await service('nginx', 0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await call('GET', `/v1/deployments/${created.latest_deployment_id}`)).body.deployment.status).toBe('SLEEPING');
    expect((await call('POST', `/v1/services/${created.id}/resume`)).status).toBe(400);
    await sim.receiveRequest('demo');
    expect((await call('GET', `/v1/deployments/${created.latest_deployment_id}`)).body.deployment.status).toBe('HEALTHY');
  });
});
