// The GitHub client's retry rules, against scripted GitHub answers: rate limits are waited out as
// their headers ask (within a budget), a failed GET is retried, a POST whose answer was lost is not.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createGitHubClient, GitHubApiError } from '../../src/github/octokit.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.github.com';
const commentsPath = '/repos/octo/shop/issues/7/comments';
const secondaryLimit = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

scriptedHttp();

/** A client whose waits last a millisecond per second GitHub asks for, and whose log lines are kept. */
function client() {
  const log: string[] = [];
  const gh = createGitHubClient('ghs_test_token', { msPerSecond: 1, log: (line) => log.push(line) });
  const post = () => gh.rest.issues.createComment({ owner: 'octo', repo: 'shop', issue_number: 7, body: 'hi' });
  const list = () => gh.rest.issues.listComments({ owner: 'octo', repo: 'shop', issue_number: 7 });
  return { log, post, list };
}

describe('GitHub rate limits', () => {
  it('waits out a 403 secondary rate limit for its retry-after, then sends the POST again', async () => {
    const { log, post } = client();
    nock(api).post(commentsPath).reply(403, { message: secondaryLimit }, { 'retry-after': '7' });
    nock(api).post(commentsPath).reply(201, { id: 5 });
    expect((await post()).data.id).toBe(5);
    expect(log).toEqual([`GitHub secondary rate limit on POST ${commentsPath}; retrying in 7 s`]);
  });

  it('waits out a 429 primary rate limit until x-ratelimit-reset', async () => {
    const { log, list } = client();
    const reset = Math.floor(Date.now() / 1000) + 20;
    nock(api)
      .get(commentsPath)
      .reply(429, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    nock(api).get(commentsPath).reply(200, []);
    expect((await list()).data).toEqual([]);
    // The plugin waits until one second past the reset.
    expect(log).toEqual([expect.stringMatching(new RegExp(`^GitHub rate limit on GET ${commentsPath}; retrying in 2[01] s$`))]);
  });

  it('fails at once, naming the call and the limit, when the reset is further away than the budget', async () => {
    const { log, list } = client();
    const reset = Math.floor(Date.now() / 1000) + 3600;
    nock(api)
      .get(commentsPath)
      .reply(403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    await expect(list()).rejects.toThrow(`GitHub API: GET ${commentsPath} failed with 403: API rate limit exceeded for installation ID 1.`);
    expect(log).toEqual([]);
  });

  it('stops waiting once a call has spent its budget on rate limits', async () => {
    const { log, post } = client();
    nock(api).post(commentsPath).times(2).reply(403, { message: secondaryLimit }, { 'retry-after': '40' });
    await expect(post()).rejects.toMatchObject({ status: 403, call: `POST ${commentsPath}` });
    expect(log).toHaveLength(1);
  });
});

describe('GitHub errors', () => {
  it("name the call, the status, GitHub's message and its request id, after one request", async () => {
    const { post } = client();
    nock(api)
      .post(commentsPath)
      .reply(403, { message: 'Resource not accessible by integration' }, { 'x-github-request-id': 'C0DE:1A2B:3C4D' });
    await expect(post()).rejects.toThrow(
      `GitHub API: POST ${commentsPath} failed with 403: Resource not accessible by integration (x-github-request-id C0DE:1A2B:3C4D)`,
    );
  });
});

describe('GitHub server errors and lost answers', () => {
  it('retries a GET that met 5xx answers and returns what the next attempt got', async () => {
    const { list } = client();
    nock(api).get(commentsPath).reply(502, 'Bad Gateway');
    nock(api).get(commentsPath).reply(500, { message: 'Server Error' });
    nock(api).get(commentsPath).reply(200, [{ id: 1 }]);
    expect((await list()).data).toEqual([{ id: 1 }]);
  });

  it('retries a GET whose connection broke (reading twice changes nothing)', async () => {
    const { list } = client();
    nock(api).get(commentsPath).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    nock(api).get(commentsPath).reply(200, [{ id: 2 }]);
    expect((await list()).data).toEqual([{ id: 2 }]);
  });

  it('gives up on a GET after three retries, with the last status', async () => {
    const { list } = client();
    nock(api).get(commentsPath).times(4).reply(503, { message: 'unavailable' });
    await expect(list()).rejects.toThrow(`GitHub API: GET ${commentsPath} failed with 503: unavailable`);
  });

  it('does not repeat a POST answered with a 5xx (it may have been carried out)', async () => {
    const { post } = client();
    nock(api).post(commentsPath).reply(502, 'Bad Gateway');
    const error: unknown = await post().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 502, call: `POST ${commentsPath}` });
  });

  it('does not repeat a POST whose connection broke after sending', async () => {
    const { post } = client();
    nock(api).post(commentsPath).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(post()).rejects.toThrow(`GitHub API: POST ${commentsPath} failed: ECONNRESET`);
  });

  it('sends a POST again when the connection was refused (nothing reached GitHub)', async () => {
    const { post } = client();
    nock(api).post(commentsPath).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    nock(api).post(commentsPath).reply(201, { id: 6 });
    expect((await post()).data.id).toBe(6);
  });
});
