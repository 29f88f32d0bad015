// What a sweep shows people, and how it reads PR states and permissions from GitHub (scripted HTTP).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { canWrite } from '../../src/github/commands.js';
import { renderPreview } from '../../src/github/render.js';
import { createGitHubClient } from '../../src/github/octokit.js';
import { readPulls } from '../../src/github/pulls.js';
import { renderSweep } from '../../src/github/sweep.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.github.com';
const repo = { owner: 'octo', repo: 'shop' };
const gh = () => createGitHubClient('ghs_test_token', { msPerSecond: 1 });

scriptedHttp();

const pull = (number: number, state = 'open', merged = false) => ({
  number,
  state,
  merged_at: merged ? '2026-01-02T00:00:00Z' : null,
  updated_at: '2026-01-01T00:00:00Z',
  head: { sha: 'a'.repeat(40), repo: { full_name: 'octo/shop' } },
  base: { repo: { full_name: 'octo/shop' } },
});

describe('readPulls', () => {
  it('pages through the list and stops as soon as every PR needed is known', async () => {
    const page = (n: number) => Array.from({ length: 100 }, (_, i) => pull(n * 100 + i + 1, 'closed', i % 2 === 0));
    const link = (next: number) => `<${api}/repositories/1/pulls?state=all&page=${next}>; rel="next", <${api}/repositories/1/pulls?state=all&page=3>; rel="last"`;
    nock(api)
      .get('/repos/octo/shop/pulls')
      .query({ state: 'all', sort: 'updated', direction: 'desc', per_page: '100' })
      .reply(200, page(0), { link: link(2) })
      .get('/repositories/1/pulls')
      .query({ state: 'all', page: '2' })
      .reply(200, page(1), { link: link(3) });
    const found = await readPulls(gh(), repo, [5, 150, 101, 7]);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([5, 7, 101, 150]);
    expect(found.get(101)).toMatchObject({ state: 'closed', merged: true });
  });

  it('reads the last few unknown PRs one by one when fewer reads than pages are left', async () => {
    const page = Array.from({ length: 100 }, (_, i) => pull(i + 1));
    nock(api)
      .get('/repos/octo/shop/pulls')
      .query(true)
      .reply(200, page, { link: `<${api}/repositories/1/pulls?page=2>; rel="next", <${api}/repositories/1/pulls?page=9>; rel="last"` })
      .get('/repos/octo/shop/pulls/4242')
      .reply(404, { message: 'Not Found' });
    const found = await readPulls(gh(), repo, [1, 2, 3, 4, 4242]);
    expect([...found.keys()]).toEqual([1, 2, 3, 4]);
  });

  it('reads up to three PRs one by one; a PR that does not exist is left out', async () => {
    nock(api).get('/repos/octo/shop/pulls/1').reply(200, pull(1)).get('/repos/octo/shop/pulls/2').reply(404, { message: 'Not Found' });
    const found = await readPulls(gh(), repo, [1, 2]);
    expect([...found.keys()]).toEqual([1]);
  });
});

describe('canWrite', () => {
  it.each([
    ['admin', 'admin', true],
    ['maintain', 'write', true],
    ['write', 'write', true],
    ['triage', 'read', false],
    ['read', 'read', false],
  ])('role %s (permission %s): %s', async (role, permission, expected) => {
    nock(api).get('/repos/octo/shop/collaborators/someone/permission').reply(200, { permission, role_name: role, user: { login: 'someone' } });
    expect(await canWrite(gh(), repo, 'someone')).toBe(expected);
  });

  it('someone GitHub does not know has no write access', async () => {
    nock(api).get('/repos/octo/shop/collaborators/ghost/permission').reply(404, { message: 'Not Found' });
    expect(await canWrite(gh(), repo, 'ghost')).toBe(false);
  });
});

describe('what people read', () => {
  it('an expired preview says after how long, and how to bring it back', () => {
    const text = renderPreview(
      { state: 'destroyed', appName: 'pr-7-octo-shop', sha: 'a'.repeat(40), keptMachines: [], cause: { kind: 'expired', idleFor: '7 days' } },
      { runUrl: undefined },
    );
    expect(text).toContain('### 💤 Preview expired');
    expect(text).toContain('expired after 7 days without activity on this PR');
    expect(text).toContain('A push, a re-run of the preview workflow or reopening the PR brings it back.');
  });

  it('the sweep table has a row for every preview, and text from outside cannot break it', () => {
    const text = renderSweep({
      rows: [
        { appName: 'pr-1-octo-shop', pr: 1, prState: 'merged', idle: '2 days', age: '9 days', action: 'destroyed', why: 'PR merged' },
        { appName: 'pr-2-octo-shop', pr: 2, prState: 'open', idle: '1 hour', age: '3 days', action: 'failed', why: 'PR closed; Fly said a|b\nc' },
      ],
      appsExamined: 10,
      appsLeftAlone: 8,
      dryRun: false,
    });
    expect(text).toContain('Looked at 10 apps: 2 are previews of this repository; 8 are not and were left alone. Destroyed: 1.');
    expect(text).toContain('| #1 | merged | 2 days | 9 days | `pr-1-octo-shop` | destroyed | PR merged |');
    expect(text).toContain('| #2 | open | 1 hour | 3 days | `pr-2-octo-shop` | failed | PR closed; Fly said a\\|b c |');
  });
});
