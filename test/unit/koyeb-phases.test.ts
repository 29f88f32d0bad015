// Koyeb's deploy, sweep and destroy phases against scripted exchanges, where the real API answers in
// ways the simulator does not produce on demand (a service with no deployment id yet).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ProgressLog } from '../../src/provider.js';
import { createKoyebProvider, type KoyebDeployRequest } from '../../src/providers/koyeb/index.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://app.koyeb.com';
const { sleep } = scriptedHttp();
const provider = () => createKoyebProvider({ apiUrl: api, token: 'koyeb-unit-test-secret', sleep, random: () => 0.5 });
const ownerLabels = { fly_preview_repo: 'acme/shop', fly_preview_pr: '7' };
const app = { id: 'a1', name: 'pr-7-shop', status: 'HEALTHY', domains: [{ name: 'pr-7-shop-acme.koyeb.app', type: 'AUTOASSIGNED' }] };
const page = (key: string, items: unknown[]) => ({ [key]: items, count: items.length, has_next: false });

function progress(): ProgressLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), warning: (m) => void lines.push(`warning: ${m}`), debug: () => {}, changing: () => {} };
}

const request: KoyebDeployRequest = {
  appName: 'pr-7-shop',
  org: 'ignored-on-koyeb',
  ownerLabels,
  region: 'was',
  image: 'ghcr.io/acme/shop:one',
  guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
  env: {},
  internalPort: 8080,
  smokeWindowMs: 0,
  revision: { id: 'a'.repeat(40), order: 1_000 },
  waitTimeoutMs: 10_000,
  secrets: {},
  autostop: 'stop',
};

describe('a service with no deployment yet: latest_deployment_id "" (a proto3 string, koyeb-openapi.json Service; koyeb-cli tests == "")', () => {
  const undeployed = { id: 's1', name: 'preview', app_id: 'a1', status: 'STARTING', created_at: '2026-01-01T00:00:00Z', latest_deployment_id: '' };

  it('the sweep reads no deployment for it (no GET /v1/deployments/) and lists no preview', async () => {
    nock(api).get('/v1/apps').query(true).reply(200, page('apps', [app]));
    nock(api).get('/v1/services').query(true).reply(200, page('services', [undeployed]));
    const p = provider();
    const inventory = await p.listPreviews({ org: 'ignored', labels: ownerLabels, keys: [] }, progress());
    await p.close();
    expect(inventory).toMatchObject({ previews: [], appsExamined: 1 });
  });

  it('a deploy finds the service without reading a deployment, and gives it one', async () => {
    nock(api).get('/v1/apps').query((q) => q['name'] === 'pr-7-shop').reply(200, page('apps', [app]));
    nock(api).get('/v1/services').query((q) => q['app_id'] === 'a1').reply(200, page('services', [undeployed]));
    nock(api).put('/v1/services/s1').reply(200, { service: { ...undeployed, latest_deployment_id: 'd1' } });
    nock(api).get('/v1/deployments/d1').reply(200, { deployment: { id: 'd1', service_id: 's1', status: 'HEALTHY', created_at: '2026-01-01T00:00:01Z' } });
    const p = provider();
    const outcome = await p.deploy(request, progress());
    await p.close();
    expect(outcome).toMatchObject({ kind: 'ready', change: 'updated', machineId: 's1', hostname: 'pr-7-shop-acme.koyeb.app' });
  });
});
