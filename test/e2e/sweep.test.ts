// Sweeps, run as a runner runs them, over an org with many apps: this repository's previews of
// open, closed, merged and idle PRs, another repository's, look-alikes without our marker, an empty
// app, hundreds of PRs in pages, and a preview a running deploy holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim, type SeedPull } from '../sim/github.ts';

const flyToken = 'fly_sweep_secret_token_77aa';
const githubToken = 'ghs_sweep_secret_token_88bb';
const owner = 'acme';
const repo = 'shop';
const hour = 3_600_000;
const day = 24 * hour;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');
const app = (n: number): string => `pr-${n}-acme-shop`;
const ours = (n: number) => ({ fly_preview_repo: `${owner}/${repo}`, fly_preview_pr: String(n), fly_preview_sha: 'c'.repeat(40) });

let fly: FlySim;
let github: GitHubSim;

/** Open PRs with live previews that no sweep may touch. */
const activeOpen = Array.from({ length: 40 }, (_, i) => 100 + i);
const closed = [4, 5];
const merged = [6];
const idle = 7;
const leasedClosed = 8;
const expected = [...closed, ...merged, idle].map(app).sort();

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken })]);
  const pulls: SeedPull[] = [
    ...activeOpen.map((n) => ({ number: n, state: 'open' as const, updatedAt: iso(hour) })),
    { number: 4, state: 'closed', updatedAt: iso(2 * hour) },
    { number: 5, state: 'closed', updatedAt: iso(3 * day) },
    { number: 6, state: 'closed', merged: true, updatedAt: iso(5 * hour) },
    { number: idle, state: 'open', updatedAt: iso(10 * day) },
    { number: leasedClosed, state: 'closed', updatedAt: iso(hour) },
    { number: 10, state: 'closed', updatedAt: iso(hour) },
    // Hundreds of PRs without previews, so the states take pages to find.
    ...Array.from({ length: 300 }, (_, i) => ({ number: 1000 + i, state: 'closed' as const, updatedAt: iso(30 * 60_000) })),
    // Older than every PR with a preview: the sweep should stop before reaching them.
    ...Array.from({ length: 250 }, (_, i) => ({ number: 2000 + i, state: 'closed' as const, updatedAt: iso(400 * day) })),
  ];
  github.seedPulls(owner, repo, pulls);

  for (const n of [...activeOpen, ...closed, ...merged, idle]) fly.seedPreview(app(n), { metadata: ours(n), createdAt: iso(20 * day) });
  const leased = fly.seedPreview(app(leasedClosed), { metadata: ours(leasedClosed), createdAt: iso(day) });
  fly.holdLease(app(leasedClosed), leased.id, 600);
  // A preview of PR 9999, which this repository does not have.
  fly.seedPreview(app(9999), { metadata: ours(9999) });
  // Another repository's previews, one for a PR number that is closed here.
  fly.seedPreview('pr-4-acme-other', { metadata: { fly_preview_repo: 'acme/other', fly_preview_pr: '4' } });
  // Look-alikes: our naming, no marker (PR 10 is closed here).
  fly.addApp(app(10));
  fly.addMachine(app(10), { name: 'hand-made', image: 'nginx:1', metadata: {} });
  fly.addApp('pr-11-acme-shop-staging');
  fly.addMachine('pr-11-acme-shop-staging', { name: 'staging', image: 'nginx:1', metadata: { fly_preview_pr: '5' } });
  // An app with no machines at all.
  fly.addApp('pr-12-acme-shop');
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

function sweep(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'schedule',
    payload: { schedule: '17 3 * * *' },
    repository: `${owner}/${repo}`,
    githubApiUrl: github.url,
    inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, ttl: '7d', ...inputs },
  });
}

const appNames = (): string[] => fly.apps().map((a) => a.name).sort();
const flyMutations = () => fly.requests.filter((r) => r.method !== 'GET');
const everyApp = (): string[] => appNames();

describe('a nightly sweep', () => {
  let before: string[] = [];

  it('dry-run: lists exactly what it would destroy and changes nothing', async () => {
    before = everyApp();
    fly.clearRequests();
    github.clearRequests();
    const result = await sweep({ 'dry-run': 'true' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null').sort()).toEqual(expected);
    expect(result.outputs['status']).toBe('swept');
    expect(flyMutations()).toEqual([]);
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(everyApp()).toEqual(before);
    expect(result.summary).toContain('dry run: nothing was changed');
    expect(result.summary).toMatch(/\| #7 \| open \| 10 days \|.*would destroy \| no activity for 10 days, longer than ttl 7 days \|/);
  });

  it('destroys exactly the previews of closed, merged and idle PRs, and tells each PR', async () => {
    fly.clearRequests();
    github.clearRequests();
    const result = await sweep();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null').sort()).toEqual(expected);
    expect(everyApp()).toEqual(before.filter((name) => !expected.includes(name)));

    // Only the four app deletes changed anything at Fly.
    expect(flyMutations().map((r) => `${r.method} ${r.path}`).sort()).toEqual(expected.map((a) => `DELETE /v1/apps/${a}`));
    // The previews are found in one listing of the org's machines, not one request per app; each
    // destroy then looks at everything in its app before deleting it, as a close run does.
    expect(fly.requests.filter((r) => r.path === '/v1/orgs/personal/machines').length).toBe(1);
    expect(fly.requests.some((r) => r.path === '/v1/apps')).toBe(false);
    const lists = fly.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/machines') && r.path.startsWith('/v1/apps/'));
    expect(lists.map((r) => r.path.split('/')[3]).sort()).toEqual(expected);
    // Leases are looked at only for previews about to go.
    const leaseReads = fly.requests.filter((r) => r.path.endsWith('/lease')).map((r) => r.path.split('/')[3]);
    expect(leaseReads.sort()).toEqual([...expected, app(leasedClosed)].sort());

    // PR states in pages of 100 (of 6), never one call per preview: once only PR 9999 is
    // unknown, one read of it answers sooner than the two pages left.
    const pullReads = github.requests.filter((r) => r.path.startsWith('/repos/acme/shop/pulls'));
    expect(pullReads.map((r) => `${r.path} ${r.query['page'] ?? '1'} ${r.status}`)).toEqual([
      '/repos/acme/shop/pulls 1 200',
      '/repos/acme/shop/pulls 2 200',
      '/repos/acme/shop/pulls 3 200',
      '/repos/acme/shop/pulls 4 200',
      '/repos/acme/shop/pulls/9999 1 404',
    ]);
    expect(pullReads[0]?.query).toMatchObject({ state: 'all', per_page: '100', sort: 'updated', direction: 'desc' });

    const comment = (n: number) => github.comments(owner, repo, n)[0]?.body ?? '';
    expect(comment(4)).toContain('This PR is closed, so the app `pr-4-acme-shop` and everything in it were removed when a cleanup found the preview still running.');
    expect(comment(6)).toContain('Preview destroyed');
    expect(comment(idle)).toContain('expired after 7 days without activity');
    expect(comment(idle)).toContain('A push, a re-run of the preview workflow or reopening the PR brings it back');
    expect(github.comments(owner, repo, leasedClosed)).toEqual([]);
    expect(github.comments(owner, repo, 100)).toEqual([]);

    expect(result.summary).toMatch(/left alone/);
    expect(result.summary).toMatch(/\| #8 \| closed \|.*\| skipped \| PR closed, but a deploy holds its machine's lease/);
    expect(result.summary).toMatch(/\| #9999 \| unknown \|.*\| kept \| no such PR/);
    expect(result.summary).toMatch(/\| #6 \| merged \|.*\| destroyed \| PR merged \|/);
    expect(result.summary).toMatch(/\| #100 \| open \|.*\| kept \| PR open, active within ttl 7 days \|/);
    // 40 open + 4 gone + the leased one + PR 9999, out of every app; the rest left alone.
    // Apps are seen through their machines: the empty app is not among those looked at, and the
    // other repository's preview and the two look-alikes are the ones left alone.
    expect(result.stdout).toMatch(new RegExp(`::notice::Sweep of acme/shop: destroyed 4 previews .*; kept 42; 3 of ${before.length - 1} apps`));
    const visible = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    for (const text of [visible, result.stderr, result.summary]) {
      expect(text).not.toContain(flyToken);
      expect(text).not.toContain(githubToken);
    }
  });

  it('a second sweep changes nothing', async () => {
    const standing = everyApp();
    fly.clearRequests();
    github.clearRequests();
    const result = await sweep();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['destroyed']).toBe('[]');
    expect(flyMutations()).toEqual([]);
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(everyApp()).toEqual(standing);
  });

  it('finds the same previews in short pages of the org listing, and through each app where that listing is not served', async () => {
    const rows = (run: ActionRun): string[] => run.summary.split('\n').filter((line) => line.startsWith('| #'));
    const whole = await sweep({ 'dry-run': 'true' });
    try {
      fly.orgMachines({ pageCap: 7 });
      fly.clearRequests();
      const paged = await sweep({ 'dry-run': 'true' });
      expect(paged.exitCode, paged.stdout + paged.stderr).toBe(0);
      const machines = fly.apps().reduce((n, a) => n + fly.machines(a.name).length, 0);
      expect(fly.requests.filter((r) => r.path === '/v1/orgs/personal/machines').length).toBeGreaterThanOrEqual(Math.ceil(machines / 7));
      expect(rows(paged)).toEqual(rows(whole));

      fly.orgMachines({ status: 404 });
      fly.clearRequests();
      const perApp = await sweep({ 'dry-run': 'true' });
      expect(perApp.exitCode, perApp.stdout + perApp.stderr).toBe(0);
      expect(perApp.stdout).toContain('::debug::GET /v1/orgs/personal/machines is not served (404/405)');
      const filtered = fly.requests.filter((r) => r.path.endsWith('/machines') && r.query['metadata.fly_preview_repo'] === 'acme/shop');
      expect(filtered.length).toBe(fly.apps().length);
      expect(rows(perApp)).toEqual(rows(whole));
    } finally {
      fly.orgMachines({});
    }
  });

  it('the other repository, the look-alikes and the empty app are untouched', () => {
    expect(everyApp()).toEqual(expect.arrayContaining(['pr-4-acme-other', app(10), 'pr-11-acme-shop-staging', 'pr-12-acme-shop', app(leasedClosed), app(9999)]));
    expect(fly.machines(app(10))).toHaveLength(1);
  });
});

describe('a sweep on a quiet repository', () => {
  it('reads the few PRs it needs one by one', async () => {
    const [flySim, githubSim] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken })]);
    try {
      githubSim.seedPulls(owner, repo, [
        { number: 1, state: 'closed', updatedAt: iso(hour) },
        { number: 2, state: 'open', updatedAt: iso(hour) },
        ...Array.from({ length: 200 }, (_, i) => ({ number: 100 + i, state: 'open' as const, updatedAt: iso(hour) })),
      ]);
      flySim.seedPreview(app(1), { metadata: ours(1) });
      flySim.seedPreview(app(2), { metadata: ours(2) });
      const result = await runAction({
        eventName: 'workflow_dispatch',
        payload: { inputs: {} },
        repository: `${owner}/${repo}`,
        githubApiUrl: githubSim.url,
        inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': flySim.url },
      });
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.outputs['destroyed']).toBe(JSON.stringify([app(1)]));
      const reads = githubSim.requests.filter((r) => r.path.startsWith('/repos/acme/shop/pulls')).map((r) => r.path).sort();
      expect(reads).toEqual(['/repos/acme/shop/pulls/1', '/repos/acme/shop/pulls/2']);
    } finally {
      await Promise.all([flySim.close(), githubSim.close()]);
    }
  });
});

describe('a sweep that cannot finish', () => {
  it('a bad ttl fails before any call, naming the input and its form', async () => {
    fly.clearRequests();
    github.clearRequests();
    const result = await sweep({ ttl: '7' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::Input 'ttl' must be a whole number of hours or days such as 48h or 7d");
    expect(fly.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('a preview Fly refuses to delete is reported, the others still go, and the next sweep repairs it', async () => {
    const [flySim, githubSim] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken })]);
    try {
      githubSim.seedPulls(owner, repo, [1, 2, 3, 4].map((number) => ({ number, state: 'closed' as const, updatedAt: iso(hour) })));
      for (const n of [1, 2, 3, 4]) flySim.seedPreview(app(n), { metadata: ours(n) });
      flySim.failNext({ method: 'DELETE', path: `/v1/apps/${app(2)}` }, { status: 422, body: { error: 'app is locked by an ongoing operation' } });
      const run = () =>
        runAction({
          eventName: 'schedule',
          payload: { schedule: '17 3 * * *' },
          repository: `${owner}/${repo}`,
          githubApiUrl: githubSim.url,
          inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': flySim.url },
        });
      const first = await run();
      expect(first.exitCode).toBe(1);
      expect(first.outputs['status']).toBe('failed');
      expect(JSON.parse(first.outputs['destroyed'] ?? 'null')).toEqual([app(1), app(3), app(4)]);
      expect(first.stdout).toContain(`::error::Could not destroy ${app(2)} (PR #2): Fly API: DELETE /v1/apps/${app(2)} failed with 422: app is locked by an ongoing operation`);
      expect(first.summary).toMatch(/\| #2 \| closed \|.*\| failed \| PR closed; Fly API: DELETE/);
      expect(flySim.apps().map((a) => a.name)).toEqual([app(2)]);

      const second = await run();
      expect(second.exitCode, second.stdout + second.stderr).toBe(0);
      expect(second.outputs['destroyed']).toBe(JSON.stringify([app(2)]));
      expect(flySim.apps()).toEqual([]);
    } finally {
      await Promise.all([flySim.close(), githubSim.close()]);
    }
  });
});
