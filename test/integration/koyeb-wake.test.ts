// Waking a Koyeb preview whose scaled-to-zero service sleeps: no API call wakes it (resume is for
// paused services only), a request to its own URL does. The provider runs in-process against the
// Koyeb simulator; the request to the preview's public domain is answered by an undici MockAgent
// that tells the simulator a request arrived, as Koyeb's edge would.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressLog } from '../../src/provider.js';
import { createKoyebProvider, type KoyebPreviewProvider } from '../../src/providers/koyeb/index.js';
import { startKoyebSim, type KoyebSim } from '../sim/koyeb.ts';

const token = 'koyeb-test-token';
const target = { appName: 'pr-7-shop', org: 'ignored-on-koyeb', ownerLabels: { fly_preview_repo: 'acme/shop', fly_preview_pr: '7' } };
const log: ProgressLog = { info: () => {}, warning: () => {}, debug: () => {}, changing: () => {} };

let sim: KoyebSim;
let agent: MockAgent;
let provider: KoyebPreviewProvider;
let visits: { path: string; headers: unknown }[];

beforeEach(async () => {
  sim = await startKoyebSim({ deployMs: 120 });
  agent = new MockAgent();
  agent.enableNetConnect(new URL(sim.url).host);
  visits = [];
  agent
    .get('https://pr-7-shop-acme.koyeb.app')
    .intercept({ path: '/', method: 'GET' })
    .reply((request) => {
      visits.push({ path: request.path, headers: request.headers });
      void sim.receiveRequest('pr-7-shop');
      return { statusCode: 200, data: 'hello' };
    })
    .persist();
  provider = createKoyebProvider({ apiUrl: sim.url, token, dispatcher: agent, pollIntervalsMs: [20, 40, 80], lookAgainDelaysMs: [30, 60] });
  expect((await deploy('ghcr.io/acme/shop:one', 1_000)).kind).toBe('ready');
});

function deploy(image: string, order: number, to: typeof target = target) {
  return provider.deploy(
    {
      ...to,
      region: 'was',
      image,
      guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
      env: {},
      internalPort: 8080,
      smokeWindowMs: 0,
      revision: { id: String(order % 10).repeat(40), order },
      waitTimeoutMs: 10_000,
      secrets: {},
      autostop: 'stop',
    },
    log,
  );
}

afterEach(async () => {
  await provider.close();
  await agent.close();
  await sim.close();
});

describe('Koyeb wake', () => {
  it('a sleeping service gets one request to its own URL, without the token, and is waited on until HEALTHY', async () => {
    sim.sleepService('pr-7-shop');
    sim.clearRequests();
    const outcome = await provider.wake(target, 10_000, log);
    expect(outcome).toMatchObject({ kind: 'awake', started: [{ from: 'SLEEPING' }] });
    expect(visits).toHaveLength(1);
    expect(JSON.stringify(visits[0]?.headers ?? {})).not.toContain(token);
    expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(sim.requests.some((r) => r.path.endsWith('/resume'))).toBe(false);
  });

  it('a paused service is resumed, never requested', async () => {
    sim.pauseService('pr-7-shop');
    const outcome = await provider.wake(target, 10_000, log);
    expect(outcome).toMatchObject({ kind: 'awake', started: [{ from: 'PAUSED' }] });
    expect(visits).toEqual([]);
    expect(sim.services('pr-7-shop')[0]?.status).toBe('HEALTHY');
  });

  it('after a push whose deployment failed, the deployment still serving is the one woken', async () => {
    sim.imageFails('ghcr.io/acme/shop:broken', { status: 'ERROR', message: 'exec format error' });
    expect((await deploy('ghcr.io/acme/shop:broken', 2_000)).kind).toBe('failed');
    sim.sleepService('pr-7-shop');
    const outcome = await provider.wake(target, 10_000, log);
    expect(outcome).toMatchObject({ kind: 'awake', started: [{ from: 'SLEEPING' }] });
    expect(visits).toHaveLength(1);
  });

  it('a deployment neither HEALTHY nor SLEEPING is a failed wake that names its state', async () => {
    const broken = { ...target, appName: 'pr-8-shop', ownerLabels: { fly_preview_repo: 'acme/shop', fly_preview_pr: '8' } };
    sim.imageFails('ghcr.io/acme/shop:broken', { status: 'ERROR', message: 'exec format error' });
    expect((await deploy('ghcr.io/acme/shop:broken', 2_000, broken)).kind).toBe('failed');
    const outcome = await provider.wake(broken, 10_000, log);
    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^deployment [0-9a-f-]+, the one serving service [0-9a-f-]+, is ERROR, not HEALTHY, SLEEPING or PAUSED/) });
    expect(visits).toEqual([]);
  });

  it('another repository’s service of the same name is not woken', async () => {
    sim.sleepService('pr-7-shop');
    const outcome = await provider.wake({ ...target, ownerLabels: { fly_preview_repo: 'acme/other', fly_preview_pr: '7' } }, 10_000, log);
    expect(outcome).toEqual({ kind: 'absent', appName: 'pr-7-shop' });
    expect(visits).toEqual([]);
  });
});
