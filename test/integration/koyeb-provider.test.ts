// The Koyeb provider against the local Koyeb simulator, in-process: the preview lifecycle and the
// safety rules a user relies on (racing runs, lost answers, bad token, rate limits, ownership, secrets).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployOutcome, ProgressLog } from '../../src/provider.js';
import { createKoyebProvider, KoyebAuthError, type KoyebDeployRequest, type KoyebPreviewProvider } from '../../src/providers/koyeb/index.js';
import { startKoyebSim, type KoyebSim } from '../sim/koyeb.ts';

const token = 'koyeb-test-token';
const secretValue = 's3cr3t-value-that-must-never-show';
let sim: KoyebSim;
let provider: KoyebPreviewProvider;
let lines: string[];

const log: ProgressLog = {
  info: (m) => void lines.push(`info ${m}`),
  warning: (m) => void lines.push(`warning ${m}`),
  debug: () => {},
  changing: () => void lines.push('changing'),
};

function make(options: { token?: string } = {}): KoyebPreviewProvider {
  return createKoyebProvider({
    apiUrl: sim.url,
    token: options.token ?? token,
    pollIntervalsMs: [20, 40, 80],
    lookAgainDelaysMs: [30, 60, 120, 240],
    retryPolicy: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 5_000 },
  });
}

function request(overrides: Partial<KoyebDeployRequest> = {}): KoyebDeployRequest {
  return {
    appName: 'pr-7-shop',
    org: 'ignored-on-koyeb',
    ownerLabels: { fly_preview_repo: 'acme/shop', fly_preview_pr: '7' },
    region: 'was',
    image: 'ghcr.io/acme/shop:one',
    guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
    env: { GREETING: 'hello' },
    internalPort: 8080,
    smokeWindowMs: 0,
    revision: { id: 'a'.repeat(40), order: 1_000 },
    waitTimeoutMs: 10_000,
    secrets: { API_KEY: secretValue },
    autostop: 'stop',
    ...overrides,
  };
}

const target = () => ({ appName: 'pr-7-shop', org: 'ignored-on-koyeb', ownerLabels: request().ownerLabels });
const calls = (method: string, path: RegExp | string) =>
  sim.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;

beforeEach(async () => {
  sim = await startKoyebSim({ deployMs: 120 });
  provider = make();
  lines = [];
});

afterEach(async () => {
  await provider.close();
  await sim.close();
});

function expectReady(outcome: DeployOutcome, change: string): void {
  expect(outcome).toMatchObject({ kind: 'ready', change, appName: 'pr-7-shop', hostname: 'pr-7-shop-acme.koyeb.app', region: 'was' });
}

describe('Koyeb provider lifecycle', () => {
  it('open → push → re-run → crash → fix → destroy → destroy again', async () => {
    expect(provider.hostnameFor('pr-7-shop')).toBeUndefined();

    const opened = await provider.deploy(request(), log);
    expectReady(opened, 'created');
    // The hostname is the one the API reported, and is remembered once seen.
    expect(provider.hostnameFor('pr-7-shop')).toBe('pr-7-shop-acme.koyeb.app');
    const [service] = sim.services('pr-7-shop');
    expect(service?.definition).toMatchObject({
      type: 'WEB',
      docker: { image: 'ghcr.io/acme/shop:one' },
      ports: [{ port: 8080, protocol: 'http' }],
      routes: [{ port: 8080, path: '/' }],
      regions: ['was'],
      instance_types: [{ type: 'nano' }],
      scalings: [{ min: 0, max: 1, targets: [{ sleep_idle_delay: { deep_sleep_value: 300 } }] }],
    });
    expect(service?.definition.env).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'GREETING', value: 'hello' }),
        expect.objectContaining({ key: 'API_KEY', secret: 'pr-7-shop_API_KEY' }),
        expect.objectContaining({ key: 'FLY_PREVIEW_REPO', value: 'acme/shop' }),
        expect.objectContaining({ key: 'FLY_PREVIEW_PR', value: '7' }),
      ]),
    );
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': secretValue });

    const pushed = await provider.deploy(request({ image: 'ghcr.io/acme/shop:two', revision: { id: 'b'.repeat(40), order: 2_000 } }), log);
    expectReady(pushed, 'updated');
    expect(sim.services('pr-7-shop')).toHaveLength(1);
    expect(sim.services('pr-7-shop')[0]?.deployments).toBe(2);

    sim.clearRequests();
    lines = [];
    const rerun = await provider.deploy(request({ image: 'ghcr.io/acme/shop:two', revision: { id: 'b'.repeat(40), order: 2_500 } }), log);
    expectReady(rerun, 'unchanged');
    expect(lines).not.toContain('changing');
    expect(calls('PUT', /^\/v1\/services\//)).toBe(0);
    expect(calls('POST', '/v1/services')).toBe(0);
    expect(calls('PATCH', /^\/v1\/secrets\//)).toBe(0);

    sim.imageFails('ghcr.io/acme/shop:crash', { status: 'ERROR', message: 'Application exited with code 1' });
    const crashed = await provider.deploy(request({ image: 'ghcr.io/acme/shop:crash', revision: { id: 'c'.repeat(40), order: 3_000 } }), log);
    expect(crashed).toMatchObject({ kind: 'failed', state: 'ERROR', hostname: 'pr-7-shop-acme.koyeb.app' });
    if (crashed.kind !== 'failed') throw new Error('expected a failure');
    expect(crashed.reason).toContain('ERROR');
    expect(crashed.reason).toContain('Application exited with code 1');
    expect(crashed.recentEvents.some((e) => e.includes('instance.error') && e.includes('Application exited with code 1'))).toBe(true);
    expect(crashed.recentEvents[0]).toContain('instance.allocated');

    const fixed = await provider.deploy(request({ image: 'ghcr.io/acme/shop:fixed', revision: { id: 'd'.repeat(40), order: 4_000 } }), log);
    expectReady(fixed, 'updated');

    const destroyed = await provider.destroy(target(), log);
    expect(destroyed).toMatchObject({ kind: 'app-destroyed', appName: 'pr-7-shop' });
    expect(sim.apps()).toEqual([]);
    expect(sim.secrets()).toEqual({});

    sim.clearRequests();
    expect(await provider.destroy(target(), log)).toEqual({ kind: 'absent', appName: 'pr-7-shop' });
    expect(sim.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('reports an UNHEALTHY deployment with the health check message', async () => {
    sim.imageUnhealthy('ghcr.io/acme/shop:one');
    const outcome = await provider.deploy(request(), log);
    expect(outcome).toMatchObject({ kind: 'failed', state: 'UNHEALTHY' });
    if (outcome.kind === 'failed') expect(outcome.reason).toContain('health check failed');
  });

  it('a deployment that never gets ready fails at wait-timeout, polling with pauses, not in a storm', async () => {
    sim.imageNeverReady('ghcr.io/acme/shop:one');
    const outcome = await provider.deploy(request({ waitTimeoutMs: 600 }), log);
    expect(outcome).toMatchObject({ kind: 'failed', state: 'STARTING' });
    if (outcome.kind === 'failed') expect(outcome.reason).toContain('within 1 s (wait-timeout)');
    expect(calls('GET', /^\/v1\/deployments\//)).toBeLessThan(15);
  });

  it('an older revision never replaces a newer one: superseded', async () => {
    await provider.deploy(request({ image: 'ghcr.io/acme/shop:new', revision: { id: 'n'.repeat(40), order: 5_000 } }), log);
    const old = await provider.deploy(request({ image: 'ghcr.io/acme/shop:old', revision: { id: 'o'.repeat(40), order: 4_000 } }), log);
    expect(old).toMatchObject({ kind: 'superseded', deployedRevisionId: 'n'.repeat(40) });
    expect(sim.services('pr-7-shop')[0]?.definition.docker).toEqual({ image: 'ghcr.io/acme/shop:new' });
  });

  it('another revision of the same order leaves the one already deployed in place: superseded', async () => {
    await provider.deploy(request({ image: 'ghcr.io/acme/shop:first', revision: { id: 'n'.repeat(40), order: 5_000 } }), log);
    const tie = await provider.deploy(request({ image: 'ghcr.io/acme/shop:second', revision: { id: 'o'.repeat(40), order: 5_000 } }), log);
    expect(tie).toMatchObject({ kind: 'superseded', deployedRevisionId: 'n'.repeat(40) });
    expect(sim.services('pr-7-shop')[0]?.definition.docker).toEqual({ image: 'ghcr.io/acme/shop:first' });
    expect(sim.services('pr-7-shop')[0]?.deployments).toBe(1);
  });

  it('a deployment that disappears while it rolls out is reported as gone, not as a wait-timeout', async () => {
    sim.imageNeverReady('ghcr.io/acme/shop:one');
    sim.failNext({ method: 'GET', path: /^\/v1\/deployments\// }, { status: 404, body: { status: 404, code: 'not_found', message: 'Deployment not found' } }, 20);
    const outcome = await provider.deploy(request({ waitTimeoutMs: 10_000 }), log);
    expect(outcome).toMatchObject({ kind: 'failed', state: 'DELETED' });
    if (outcome.kind !== 'failed') throw new Error('expected a failure');
    expect(outcome.reason).toMatch(/^Deployment \S+ of service \S+ disappeared before it became healthy/);
    expect(outcome.reason).not.toContain('wait-timeout');
  });

  it('scale to zero follows autostop; ttl sets Koyeb’s own lifecycle safety net', async () => {
    await provider.deploy(request({ autostop: 'off', instanceType: 'micro', healthCheckPath: '/healthz' }), log);
    expect(sim.services('pr-7-shop')[0]?.definition).toMatchObject({
      scalings: [{ min: 1, max: 1 }],
      instance_types: [{ type: 'micro' }],
      health_checks: [{ http: { port: 8080, path: '/healthz' } }],
    });
    await provider.deploy(request({ autostop: 'suspend', ttlSeconds: 7 * 86_400, revision: { id: 'e'.repeat(40), order: 2_000 } }), log);
    const [service] = sim.services('pr-7-shop');
    expect(service?.definition.scalings).toEqual([{ scopes: ['region:was'], min: 0, max: 1, targets: [{ sleep_idle_delay: { light_sleep_value: 300 } }] }]);
    expect(service?.life_cycle).toEqual({ delete_after_sleep: 604_800 });
  });
});

describe('Koyeb sweep', () => {
  it("finds this repository's previews by their markers, never a look-alike", async () => {
    await provider.deploy(request({ secrets: {} }), log);
    await provider.deploy(
      request({ appName: 'pr-8-shop', ownerLabels: { fly_preview_repo: 'acme/shop', fly_preview_pr: '8' }, secrets: {} }),
      log,
    );
    await provider.deploy(
      request({ appName: 'pr-7-other', ownerLabels: { fly_preview_repo: 'acme/other', fly_preview_pr: '7' }, secrets: {} }),
      log,
    );
    sim.addApp('pr-9-shop');
    sim.addService('pr-9-shop', { name: 'preview', image: 'lookalike' });
    sim.clearRequests();
    const found = await provider.listPreviews({ org: 'ignored-on-koyeb', labels: { fly_preview_repo: 'acme/shop' }, keys: ['fly_preview_pr'] }, log);
    expect(found.previews.map((p) => [p.appName, p.machines.map((m) => m.labels['fly_preview_pr'])]).sort()).toEqual([
      ['pr-7-shop', ['7']],
      ['pr-8-shop', ['8']],
    ]);
    expect(found).toMatchObject({ appsExamined: 4, appsLeftAlone: 2 });
    // Two listings and one deployment read per service named like ours (four of them).
    expect(sim.requests).toHaveLength(6);
  });
});

describe('Koyeb secrets', () => {
  it("an older run never overwrites the secret values of the newer revision it finds deployed", async () => {
    await provider.deploy(request({ secrets: { API_KEY: 'newer-value' }, revision: { id: 'n'.repeat(40), order: 5_000 } }), log);
    sim.clearRequests();
    const old = await provider.deploy(request({ secrets: { API_KEY: 'older-value' }, revision: { id: 'o'.repeat(40), order: 4_000 } }), log);
    expect(old).toMatchObject({ kind: 'superseded', deployedRevisionId: 'n'.repeat(40) });
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': 'newer-value' });
    expect(sim.requests.filter((r) => r.path.startsWith('/v1/secrets'))).toEqual([]);
  });

  it('a first deploy creates the secret once the app exists, in no more requests than before', async () => {
    await provider.deploy(request(), log);
    const writes = sim.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/\/[0-9a-f-]{36}/, '/:id')}`);
    expect(writes).toEqual(['POST /v1/apps', 'POST /v1/secrets', 'POST /v1/services']);
    expect(calls('GET', /^\/v1\/secrets/)).toBe(1);
  });

  it('a run whose app name is taken elsewhere leaves no secret behind', async () => {
    sim.failNext({ method: 'POST', path: '/v1/apps' }, { status: 400, body: { status: 400, code: 'invalid_argument', message: 'validation error', fields: [{ field: 'name', description: 'already exists' }] } }, 10);
    await expect(provider.deploy(request(), log)).rejects.toThrow(/taken/);
    expect(sim.secrets()).toEqual({});
  });

  it('destroy removes the secrets of a run that failed before any service referred to them', async () => {
    const failed = await provider.deploy(request({ region: 'zzz' }), log).catch((e: unknown) => e);
    expect((failed as Error).message).toContain('POST /v1/services failed with 400');
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': secretValue });
    expect(await provider.destroy(target(), log)).toMatchObject({ kind: 'app-destroyed', appName: 'pr-7-shop' });
    expect(sim.secrets()).toEqual({});
  });

  it("destroy removes this preview's secrets when its app is gone, and only names it made", async () => {
    await provider.deploy(request({ appName: 'pr-7-shop-two' }), log);
    await provider.deploy(request({ appName: 'pr-7-other', ownerLabels: { fly_preview_repo: 'acme/other', fly_preview_pr: '7' } }), log);
    await provider.deploy(request(), log);
    const app = sim.apps().find((a) => a.name === 'pr-7-shop');
    await fetch(`${sim.url}/v1/apps/${app?.id ?? ''}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    await fetch(`${sim.url}/v1/secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x-pr-7-shop_API_KEY', type: 'SIMPLE', value: 'someone-else' }),
    });
    expect(await provider.destroy(target(), log)).toEqual({ kind: 'absent', appName: 'pr-7-shop' });
    expect(Object.keys(sim.secrets()).sort()).toEqual(['pr-7-other_API_KEY', 'pr-7-shop-two_API_KEY', 'x-pr-7-shop_API_KEY']);
  });

  it('a rotated value reaches the preview through a new deployment; a removed key is deleted', async () => {
    await provider.deploy(request({ secrets: { API_KEY: 'v1', OLD_TOKEN: 'gone-soon' } }), log);
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': 'v1', 'pr-7-shop_OLD_TOKEN': 'gone-soon' });

    const rotated = await provider.deploy(request({ secrets: { API_KEY: 'v2' }, revision: { id: 'a'.repeat(40), order: 1_500 } }), log);
    expectReady(rotated, 'updated');
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': 'v2' });
    expect(sim.services('pr-7-shop')[0]?.deployments).toBe(2);
    expect(sim.services('pr-7-shop')[0]?.definition.env?.some((e) => e.key === 'OLD_TOKEN')).toBe(false);
    expect(lines.join('\n')).not.toMatch(/v2|gone-soon/);

    // The same value again: nothing to write, nothing to redeploy.
    const again = await provider.deploy(request({ secrets: { API_KEY: 'v2' }, revision: { id: 'a'.repeat(40), order: 1_600 } }), log);
    expectReady(again, 'unchanged');
  });
});

describe('Koyeb secret values are never read back (no POST /v1/secrets/{id}/reveal)', () => {
  const reveals = () => calls('POST', /\/reveal$/);
  const digestOf = () => sim.services('pr-7-shop')[0]?.definition.env?.find((e) => e.key === 'FLY_PREVIEW_SECRETS_DIGEST')?.value;

  it('the definition carries a digest of the values, which tells a re-run that nothing changed', async () => {
    await provider.deploy(request(), log);
    const digest = digestOf();
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(sim.services('pr-7-shop'))).not.toContain(secretValue);
    sim.clearRequests();
    const rerun = await provider.deploy(request({ revision: { id: 'a'.repeat(40), order: 1_500 } }), log);
    expectReady(rerun, 'unchanged');
    expect(calls('PATCH', /^\/v1\/secrets\//)).toBe(0);
    expect(reveals()).toBe(0);
  });

  it('a changed value changes the digest: the secret is written and a new deployment carries it, with nothing revealed', async () => {
    await provider.deploy(request({ secrets: { API_KEY: 'v1' } }), log);
    const before = digestOf();
    sim.clearRequests();
    const rotated = await provider.deploy(request({ secrets: { API_KEY: 'v2' }, revision: { id: 'a'.repeat(40), order: 1_500 } }), log);
    expectReady(rotated, 'updated');
    expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': 'v2' });
    expect(digestOf()).not.toBe(before);
    expect(sim.services('pr-7-shop')[0]?.deployments).toBe(2);
    expect(calls('PATCH', /^\/v1\/secrets\//)).toBe(1);
    expect(reveals()).toBe(0);
  });
});

describe('Koyeb provider safety', () => {
  it('racing deploys of one PR converge to one service', async () => {
    const other = make();
    try {
      const [a, b] = await Promise.all([provider.deploy(request(), log), other.deploy(request(), log)]);
      expect(a.kind).toBe('ready');
      expect(b.kind).toBe('ready');
      expect(sim.apps()).toHaveLength(1);
      expect(sim.services('pr-7-shop')).toHaveLength(1);
      expect(sim.secrets()).toEqual({ 'pr-7-shop_API_KEY': secretValue });
    } finally {
      await other.close();
    }
  });

  it('racing deploys of two revisions end with the newer one deployed; the older run says superseded', async () => {
    await provider.deploy(request({ secrets: {} }), log);
    const other = make();
    try {
      const [older, newer] = await Promise.all([
        provider.deploy(request({ image: 'ghcr.io/acme/shop:old', revision: { id: 'o'.repeat(40), order: 2_000 }, secrets: {} }), log),
        other.deploy(request({ image: 'ghcr.io/acme/shop:new', revision: { id: 'n'.repeat(40), order: 3_000 }, secrets: {} }), log),
      ]);
      expect(newer.kind).toBe('ready');
      expect(older).toMatchObject({ kind: 'superseded', deployedRevisionId: 'n'.repeat(40) });
      expect(sim.services('pr-7-shop')).toHaveLength(1);
      expect(sim.services('pr-7-shop')[0]?.definition.docker).toEqual({ image: 'ghcr.io/acme/shop:new' });
    } finally {
      await other.close();
    }
  });

  it('racing deploys converge even while listings lag behind creates', async () => {
    await sim.close();
    sim = await startKoyebSim({ deployMs: 120, listLagMs: 100 });
    await provider.close();
    provider = make();
    const other = make();
    try {
      const outcomes = await Promise.all([provider.deploy(request(), log), other.deploy(request(), log)]);
      expect(outcomes.map((o) => o.kind)).toEqual(['ready', 'ready']);
      expect(sim.apps()).toHaveLength(1);
      expect(sim.services('pr-7-shop')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('a service create whose answer was lost is looked up, not repeated', async () => {
    sim.loseAnswerNext({ method: 'POST', path: '/v1/services' });
    const outcome = await provider.deploy(request(), log);
    expectReady(outcome, 'created');
    expect(calls('POST', '/v1/services')).toBe(1);
    expect(sim.services('pr-7-shop')).toHaveLength(1);
    expect(lines.some((l) => l.includes('was lost'))).toBe(true);
  });

  it('an app create whose answer was lost is looked up, not repeated', async () => {
    sim.loseAnswerNext({ method: 'POST', path: '/v1/apps' });
    expect((await provider.deploy(request(), log)).kind).toBe('ready');
    expect(calls('POST', '/v1/apps')).toBe(1);
  });

  it('a bad token fails with one request and a message naming the input', async () => {
    const bad = make({ token: 'wrong-token' });
    try {
      const error = await bad.deploy(request(), log).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KoyebAuthError);
      expect((error as Error).message).toContain('koyeb-api-token');
      expect((error as Error).message).toContain('401');
      expect((error as Error).message).not.toContain('wrong-token');
      // Secrets wait for the app, so the app lookup is the only request; it is not retried.
      expect(sim.requests.map((r) => r.status)).toEqual([401]);
      sim.clearRequests();
      await expect(bad.deploy(request({ secrets: {} }), log)).rejects.toThrow(KoyebAuthError);
      expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/apps 401']);
    } finally {
      await bad.close();
    }
  });

  it('waits out a 429 for as long as Retry-After asks', async () => {
    // No body given: the simulator answers the description's `default` for an undeclared 429 (google.rpc.Status).
    sim.failNext({ method: 'GET', path: '/v1/apps' }, { status: 429, retryAfter: '1' });
    const started = Date.now();
    expect((await provider.deploy(request({ secrets: {} }), log)).kind).toBe('ready');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('a foreign service keeps the app: destroy removes only ours and names the rest', async () => {
    await provider.deploy(request(), log);
    const foreign = sim.addService('pr-7-shop', { name: 'database', image: 'postgres:16' });
    const outcome = await provider.destroy(target(), log);
    expect(outcome).toMatchObject({ kind: 'machines-destroyed', foreignMachines: [{ id: foreign.id, name: 'database' }] });
    expect(sim.apps()).toHaveLength(1);
    expect(sim.services('pr-7-shop').map((s) => s.name)).toEqual(['database']);
    expect(lines.some((l) => l.startsWith('warning') && l.includes('database'))).toBe(true);
    expect(sim.secrets()).toEqual({});
    // Again: nothing of ours is left, the foreign service still stands.
    expect(await provider.destroy(target(), log)).toMatchObject({ kind: 'machines-destroyed', machineIds: [] });
    expect(sim.services('pr-7-shop')).toHaveLength(1);
  });

  it('with a foreign service in the app, a service of ours already gone when deleted (404) is not named as destroyed', async () => {
    await provider.deploy(request(), log);
    const [ours] = sim.services('pr-7-shop');
    sim.addService('pr-7-shop', { name: 'database', image: 'postgres:16' });
    // Gone between the listing and the delete (Koyeb's delete_after_sleep, a racing close).
    sim.failNext({ method: 'DELETE', path: `/v1/services/${ours?.id}` }, { status: 404, body: { status: 404, code: 'not_found', message: 'Service not found' } });
    const outcome = await provider.destroy(target(), log);
    expect(outcome).toMatchObject({ kind: 'machines-destroyed', machineIds: [] });
  });

  it('refuses to deploy into a service of the same name that is not ours', async () => {
    sim.addApp('pr-7-shop');
    sim.addService('pr-7-shop', { name: 'preview', image: 'someone/else', env: { FLY_PREVIEW_REPO: 'other/repo', FLY_PREVIEW_PR: '7' } });
    await expect(provider.deploy(request(), log)).rejects.toThrow(/did not create for this pull request/);
    expect(calls('PUT', /^\/v1\/services\//)).toBe(0);
  });

  it('secret values never appear in a service definition, a request log line or an error', async () => {
    await provider.deploy(request(), log);
    expect(JSON.stringify(sim.services('pr-7-shop'))).not.toContain(secretValue);
    expect(lines.join('\n')).not.toContain(secretValue);
    sim.failNext({ method: 'PATCH', path: /^\/v1\/secrets\// }, { status: 400, body: { status: 400, code: 'invalid_argument', message: 'validation error', fields: [{ field: 'value', description: 'too long' }] } });
    const rotatedValue = `${secretValue}-rotated`;
    const error = await provider
      .deploy(request({ secrets: { API_KEY: rotatedValue }, revision: { id: 'f'.repeat(40), order: 9_000 } }), log)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('PATCH /v1/secrets/');
    expect((error as Error).message).toContain('value: too long');
    expect((error as Error).message).not.toContain(secretValue);
    expect(lines.join('\n')).not.toContain(secretValue);
  });

  it("an API error names the call, the status, Koyeb's message and the request id", async () => {
    const error = await provider.deploy(request({ region: 'zzz', secrets: {} }), log).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Koyeb API: POST \/v1\/services failed with 400: validation error \(definition\.regions: unknown region zzz\) \(request id [0-9a-f-]{36}\)$/,
    );
  });
});
