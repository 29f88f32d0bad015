// The Koyeb API client and the app name helper against scripted exchanges (nock intercepts undici).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ApiAuthError, ApiError } from '../../src/providers/http.js';
import { KoyebClient, koyebErrorMessage } from '../../src/providers/koyeb/client.js';
import { previewName } from '../../src/plan.js';
import { appNameRule } from '../../src/providers/koyeb/names.js';
import { scriptedHttp } from '../support/scripted-http.ts';

/** Koyeb's default app name, as plan.ts builds it by Koyeb's name rule. */
const koyebAppName = (owner: string, repo: string, pr: number): string => previewName(appNameRule, owner, repo, pr);
const koyebAppNamePattern = appNameRule.pattern;

const api = 'https://app.koyeb.com';
const token = 'koyeb-unit-test-secret';
const { waits, sleep } = scriptedHttp();
const client = () => new KoyebClient({ apiUrl: api, token, sleep, random: () => 0.5 });

const exists = { status: 400, code: 'invalid_argument', message: 'validation error', fields: [{ field: 'name', description: 'already exists' }] };

describe('KoyebClient', () => {
  it('finds an app by exact name through pages, since the name filter also matches longer names', async () => {
    nock(api, { reqheaders: { authorization: `Bearer ${token}` } })
      .get('/v1/apps')
      .query({ name: 'pr-1-shop', limit: '100', offset: '0' })
      .reply(200, { apps: [{ id: 'a1', name: 'pr-1-shop-old' }], count: 2, has_next: true });
    nock(api)
      .get('/v1/apps')
      .query({ name: 'pr-1-shop', limit: '100', offset: '1' })
      .reply(200, { apps: [{ id: 'a2', name: 'pr-1-shop', domains: [{ name: 'pr-1-shop-acme.koyeb.app', type: 'AUTOASSIGNED' }] }], count: 2, has_next: false });
    expect(await client().findApp('pr-1-shop')).toMatchObject({ id: 'a2' });
  });

  it('pages by count where a listing has no has_next (ListSecretsReply)', async () => {
    nock(api).get('/v1/secrets').query({ name: 'pr-1-shop-key', limit: '100', offset: '0' }).reply(200, { secrets: [], count: 0 });
    expect(await client().findSecret('pr-1-shop-key')).toBeUndefined();
  });

  it("reads a 400 with name 'already exists' as a lost race, and any other 400 as an error", async () => {
    nock(api).post('/v1/apps', { name: 'pr-1-shop' }).reply(400, exists);
    expect(await client().createApp({ name: 'pr-1-shop' })).toBe('exists');
    nock(api)
      .post('/v1/apps')
      .reply(400, { status: 400, code: 'invalid_argument', message: 'validation error', fields: [{ field: 'name', description: 'too long' }] }, { 'x-request-id': 'r-77' });
    const error = (await client().createApp({ name: 'x'.repeat(30) }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Koyeb API: POST /v1/apps failed with 400: validation error (name: too long) (request id r-77)');
  });

  it('creates a service with its definition and returns the deployment it started', async () => {
    const definition = { type: 'WEB' as const, docker: { image: 'ghcr.io/acme/shop:1' } };
    nock(api)
      .post('/v1/services', { app_id: 'a1', name: 'preview', definition })
      .reply(200, { service: { id: 's1', name: 'preview', app_id: 'a1', latest_deployment_id: 'd1' } });
    expect(await client().createService({ app_id: 'a1', name: 'preview', definition })).toMatchObject({ latest_deployment_id: 'd1' });
  });

  it('updates a service with PUT and never repeats it after a lost answer', async () => {
    nock(api).put('/v1/services/s1').reply(503, { status: 503, code: 'unavailable', message: 'Service Unavailable' });
    const error = await client()
      .updateService('s1', { definition: { type: 'WEB', docker: { image: 'i' } } })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('ApiAmbiguousError');
    expect(waits).toEqual([]);
  });

  it('asks instance events for several instances as repeated instance_ids', async () => {
    nock(api)
      .get('/v1/instance_events')
      .query({ instance_ids: ['i1', 'i2'], limit: '5' })
      .reply(200, { events: [{ id: 'e1', instance_id: 'i1', type: 'instance.error', message: 'exit 1' }], has_next: false });
    expect(await client().listInstanceEvents(['i1', 'i2'], 5)).toHaveLength(1);
  });

  it('treats 404 on delete as already gone', async () => {
    nock(api).delete('/v1/apps/a1').reply(404, { status: 404, code: 'not_found', message: 'app not found' });
    expect(await client().deleteApp('a1')).toBe('absent');
  });

  it('a refused token fails after one request, naming the input and not the token', async () => {
    nock(api).get('/v1/apps').query(true).reply(401, { status: 401, code: 'unauthenticated', message: 'Unauthorized' });
    const error = (await client().findApp('x').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ApiAuthError);
    expect(error.message).toContain('koyeb-api-token');
    expect(error.message).not.toContain(token);
  });

  it('error messages join the field errors after the message', () => {
    expect(koyebErrorMessage({ message: 'validation error', fields: [{ field: 'a', description: 'b' }, { field: 'c', description: 'd' }] })).toBe(
      'validation error (a: b; c: d)',
    );
    expect(koyebErrorMessage({ code: 'x' })).toBeUndefined();
  });
});

describe('koyebAppName', () => {
  it('is pr-<n>-<repo> when that fits', () => {
    expect(koyebAppName('acme', 'shop', 12)).toBe('pr-12-shop');
    expect(koyebAppName('acme', 'My_Shop.web', 3)).toBe('pr-3-my-shop-web');
  });

  it('cuts a long name and tells repositories apart with a hash of the full name', () => {
    const a = koyebAppName('acme', 'a-really-long-repository-name', 123);
    const b = koyebAppName('other', 'a-really-long-repository-name', 123);
    const c = koyebAppName('acme', 'a-really-long-repository-name-2', 123);
    expect(a).toMatch(/^pr-123-a-really-[0-9a-f]{6}$/);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(koyebAppName('acme', 'a-really-long-repository-name', 123)).toBe(a);
  });

  it('always fits Koyeb’s rule, and never gives two PRs one name', () => {
    const names = new Set<string>();
    for (const repo of ['x', 'shop', '---', 'a'.repeat(100), 'Ünïcode-Repo', 'repo-with-trailing-dash-']) {
      for (const pr of [1, 9, 10, 12345, 999999999]) {
        const name = koyebAppName('acme', repo, pr);
        expect(name).toMatch(koyebAppNamePattern);
        expect(names.has(name)).toBe(false);
        names.add(name);
      }
    }
  });
});
