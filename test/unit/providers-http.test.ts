// The platform-neutral JSON HTTP core against scripted exchanges (nock intercepts undici on Node 24).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ApiAmbiguousError, ApiAuthError, ApiError, JsonHttp } from '../../src/providers/http.js';
import { connectionReset, scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.example.test';
const token = 'secret-token-never-printed';
const { waits, sleep } = scriptedHttp();
const http = () =>
  new JsonHttp({
    api: 'Example API',
    apiUrl: `${api}/base/`,
    authorization: `Bearer ${token}`,
    errorMessage: (body) => (body as { message?: string }).message,
    requestIdHeader: 'X-Request-Id',
    authHint: 'Check the example-token input.',
    sleep,
    random: () => 0.5,
  });

describe('JsonHttp', () => {
  it('sends the authorization header, JSON and repeated query values under the base path', async () => {
    nock(api, { reqheaders: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
      .post('/base/v1/things', { name: 'a' })
      .query({ ids: ['x', 'y'], limit: '5' })
      .reply(200, { ok: true }, { 'x-request-id': 'req-1' });
    const answer = await http().call('POST', '/v1/things', { body: { name: 'a' }, query: { ids: ['x', 'y'], limit: 5, skip: undefined } });
    expect(answer).toEqual({ status: 200, data: { ok: true }, requestId: 'req-1' });
  });

  it("errors name the call, the status, the platform's message and the request id", async () => {
    nock(api).get('/base/v1/things/1').reply(400, { status: 400, code: 'invalid_argument', message: 'validation error' }, { 'x-request-id': 'req-9' });
    const error = (await http().call('GET', '/v1/things/1').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Example API: GET /v1/things/1 failed with 400: validation error (request id req-9)');
    expect(error.body).toMatchObject({ code: 'invalid_argument' });
  });

  it('returns expected statuses instead of throwing', async () => {
    nock(api).get('/base/v1/things/1').reply(404, { message: 'not found' });
    expect(await http().call('GET', '/v1/things/1', { expect: [404] })).toMatchObject({ status: 404 });
  });

  it('fails at once on 401 with one request, naming the input and not printing the token', async () => {
    nock(api).get('/base/v1/things').reply(401, { status: 401, code: 'unauthenticated', message: 'Unauthorized' });
    const error = (await http().call('GET', '/v1/things').catch((e: unknown) => e)) as ApiAuthError;
    expect(error).toBeInstanceOf(ApiAuthError);
    expect(error.message).toContain('Check the example-token input.');
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain(token);
    expect(waits).toEqual([]);
  });

  it('waits out a 429 for the seconds Retry-After asks, for changes too', async () => {
    nock(api).post('/base/v1/things').reply(429, { message: 'too many requests' }, { 'retry-after': '2' });
    nock(api).post('/base/v1/things').reply(200, { id: 't1' });
    expect((await http().call('POST', '/v1/things', { body: {} })).data).toEqual({ id: 't1' });
    expect(waits).toEqual([2_000]);
  });

  it('gives up on a 429 whose Retry-After is beyond the budget, saying so', async () => {
    nock(api).get('/base/v1/things').reply(429, { message: 'slow down' }, { 'retry-after': '600' });
    const error = (await http().call('GET', '/v1/things').catch((e: unknown) => e)) as ApiError;
    expect(error.message).toContain('429: slow down (rate limited; asked to wait 600 s, beyond the retry budget)');
    expect(waits).toEqual([]);
  });

  it('retries a 503 and a connection reset on reads, with backoff', async () => {
    nock(api).get('/base/v1/things').reply(503, { message: 'unavailable' });
    nock(api).get('/base/v1/things').replyWithError(connectionReset());
    nock(api).get('/base/v1/things').reply(200, []);
    expect((await http().call('GET', '/v1/things')).data).toEqual([]);
    expect(waits).toEqual([150, 300]);
  });

  it('never repeats a change whose answer was a 5xx or was lost: it is ambiguous', async () => {
    nock(api).post('/base/v1/things').reply(502, { message: 'bad gateway' });
    const first = await http().call('POST', '/v1/things', { body: {} }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApiAmbiguousError);
    nock(api).put('/base/v1/things/1').replyWithError(connectionReset());
    const second = (await http().call('PUT', '/v1/things/1', { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(second).toBeInstanceOf(ApiAmbiguousError);
    expect(second.message).toContain('the request was sent; its answer was lost');
    expect(waits).toEqual([]);
  });

  it('retries a change the server never received (connection refused)', async () => {
    nock(api).post('/base/v1/things').replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    nock(api).post('/base/v1/things').reply(200, { id: 't2' });
    expect((await http().call('POST', '/v1/things', { body: {} })).data).toEqual({ id: 't2' });
  });

  it('keeps a short plain-text error body as the detail', async () => {
    nock(api).get('/base/v1/things').reply(404, 'no such route', { 'content-type': 'text/plain' });
    await expect(http().call('GET', '/v1/things')).rejects.toThrow('failed with 404: no such route');
  });
});
