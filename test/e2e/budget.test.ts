// max-previews, run as a runner runs it: a fourth PR opening under a cap of 3 evicts the least
// recently active preview (its PR told why and how to get it back, its GitHub deployment inactive),
// or is refused with the PRs holding the places named; a sweep evicts down to the cap. Another
// repository's previews in the same org are never counted or touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun } from '../sim/action-runner.ts';
import { payloadFor } from '../support/database-e2e.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly_budget_secret_token_31f0';
const githubToken = 'ghs_budget_secret_token_77c1';
const owner = 'Codertocat';
const repo = 'Hello-World';
const hour = 3_600_000;
const day = 24 * hour;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');
const app = (n: number): string => `pr-${n}-codertocat-hello-world`;
const ours = (n: number) => ({ fly_preview_repo: `${owner}/${repo}`, fly_preview_pr: String(n), fly_preview_sha: 'c'.repeat(40) });
/** Another repository of the same org: older than every preview here, and never this run's to count. */
const otherRepo = ['pr-1-codertocat-other', 'pr-2-codertocat-other'];

/**
 * Three live previews: #10 idle for 3 days; #11 active an hour ago; #12's PR untouched for 5 days
 * but deployed half an hour ago, so the latest of the two makes it the most recent.
 */
async function seed(): Promise<{ fly: FlySim; github: GitHubSim }> {
  const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken })]);
  github.seedPulls(owner, repo, [
    { number: 2, state: 'open', updatedAt: iso(60_000) },
    { number: 10, state: 'open', updatedAt: iso(3 * day) },
    { number: 11, state: 'open', updatedAt: iso(hour) },
    { number: 12, state: 'open', updatedAt: iso(5 * day) },
  ]);
  fly.seedPreview(app(10), { metadata: ours(10), createdAt: iso(3 * day) });
  fly.seedPreview(app(11), { metadata: ours(11), createdAt: iso(2 * day) });
  fly.seedPreview(app(12), { metadata: ours(12), createdAt: iso(30 * 60_000) });
  for (const [i, name] of otherRepo.entries()) fly.seedPreview(name, { metadata: { fly_preview_repo: `${owner}/other`, fly_preview_pr: String(i + 1) }, createdAt: iso(10 * day) });
  return { fly, github };
}

function opened(fly: FlySim, github: GitHubSim, inputs: Record<string, string>, action = 'opened', number = 2): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: number === 2 ? pullRequestPayload(action, { updatedAt: iso(60_000) }) : payloadFor(action, { repository: `${owner}/${repo}`, number, updatedAt: iso(60_000) }),
    repository: `${owner}/${repo}`,
    githubApiUrl: github.url,
    inputs: {
      'fly-api-token': flyToken,
      'github-token': githubToken,
      'fly-api-url': fly.url,
      image: 'registry.fly.io/hello:pr-2',
      'smoke-window': '0',
      'max-previews': '3',
      ...inputs,
    },
  });
}

const appNames = (fly: FlySim): string[] => fly.apps().map((a) => a.name).sort();
const touching = (fly: FlySim, name: string) => fly.requests.filter((r) => r.path.startsWith(`/v1/apps/${name}`) && r.method !== 'GET');

describe('a fourth PR opening under max-previews: 3', () => {
  let fly: FlySim;
  let github: GitHubSim;
  beforeAll(async () => {
    ({ fly, github } = await seed());
    // PR #10's preview has a GitHub deployment, as deployment-environment records it.
    const headers = { authorization: `token ${githubToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${github.url}/repos/${owner}/${repo}/deployments`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ref: 'c'.repeat(40), environment: 'preview-pr-10', transient_environment: true }),
    });
    const { id } = (await created.json()) as { id: number };
    await fetch(`${github.url}/repos/${owner}/${repo}/deployments/${id}/statuses`, { method: 'POST', headers, body: JSON.stringify({ state: 'success' }) });
  });
  afterAll(async () => {
    await Promise.all([fly?.close(), github?.close()]);
  });

  it('destroys the least recently active preview first, then deploys, and says why on the evicted PR', async () => {
    fly.clearRequests();
    const result = await opened(fly, github, { 'deployment-environment': 'preview' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(appNames(fly)).toEqual([...otherRepo, app(11), app(12), app(2)].sort());
    // Evicted before the new preview's app was created.
    const deleteAt = fly.requests.findIndex((r) => r.method === 'DELETE' && r.path === `/v1/apps/${app(10)}`);
    const createAt = fly.requests.findIndex((r) => r.method === 'POST' && r.path === '/v1/apps');
    expect(deleteAt).toBeGreaterThan(-1);
    expect(deleteAt).toBeLessThan(createAt);
    expect(result.stdout).toContain("::notice::Evicted the preview of PR #10 (pr-10-codertocat-hello-world), the least recently active, to keep max-previews 3 with PR #2's.");

    const evicted = github.comments(owner, repo, 10);
    expect(evicted).toHaveLength(1);
    expect(evicted[0]?.body).toContain('Preview evicted');
    expect(evicted[0]?.body).toContain('This repository keeps at most 3 live previews (`max-previews`), and [#2](https://github.com/Codertocat/Hello-World/pull/2) needed a place');
    expect(evicted[0]?.body).toContain('A push, a re-run of the preview workflow or a `/preview` comment brings it back');
    // Its GitHub deployment goes inactive, as on close.
    const [deployment] = github.deployments(owner, repo).filter((d) => d.environment === 'preview-pr-10');
    expect(deployment?.statuses.at(-1)?.state).toBe('inactive');
    expect(github.comments(owner, repo, 11)).toEqual([]);
    expect(github.comments(owner, repo, 12)).toEqual([]);
    expect(github.comments(owner, repo, 2)[0]?.body).toContain('Preview ready');

    // The job summary lists the previews counted.
    expect(result.summary).toContain('Live previews: 3 counted against `max-previews: 3` (policy `evict`)');
    expect(result.summary).toMatch(/\| \[#10\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/pull\/10\) \| `pr-10-codertocat-hello-world` \| 3 days ago \| evicted for #2 \|/);
    expect(result.summary).toMatch(/\| \[#11\].* \| kept \|/);
    expect(result.summary).toMatch(/\| \[#12\].* \| 30 minutes ago \| kept \|/);
    expect(result.summary).toMatch(/\| \[#2\].* \| new preview \|/);
  });

  it('another repository of the org is neither counted nor touched', () => {
    for (const name of otherRepo) {
      expect(touching(fly, name)).toEqual([]);
      expect(fly.machines(name)).toHaveLength(1);
    }
  });

  it('a push to a PR that has its preview is an update: nothing is evicted', async () => {
    fly.clearRequests();
    const before = appNames(fly);
    const result = await opened(fly, github, {}, 'synchronize');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(appNames(fly)).toEqual(before);
    expect(fly.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});

describe('max-previews-policy: refuse', () => {
  let fly: FlySim;
  let github: GitHubSim;
  beforeAll(async () => {
    ({ fly, github } = await seed());
  });
  afterAll(async () => {
    await Promise.all([fly?.close(), github?.close()]);
  });

  it('creates nothing, does not fail the step, and names the PRs holding the places and how to free one', async () => {
    fly.clearRequests();
    const result = await opened(fly, github, { 'max-previews-policy': 'refuse' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(appNames(fly)).toEqual([...otherRepo, app(10), app(11), app(12)].sort());
    expect(result.stdout).toContain('::notice::No preview for PR #2: 3 live previews already hold the max-previews 3 places (#10, #11, #12)');
    const [comment] = github.comments(owner, repo, 2);
    expect(comment?.body).toContain('No preview for `ec26c3e`: the cap of 3 live previews is reached');
    expect(comment?.body).toContain('This repository keeps at most 3 live previews (`max-previews`), and none could be made free: the policy is `refuse` (`max-previews-policy`), so none is evicted.');
    expect(comment?.body).toContain('- [#10](https://github.com/Codertocat/Hello-World/pull/10): `pr-10-codertocat-hello-world`, last active 3 days ago');
    expect(comment?.body).toContain('- [#12](https://github.com/Codertocat/Hello-World/pull/12)');
    expect(comment?.body).toContain('To free one, close or merge one of those PRs, remove its opt-in label, or comment `/preview destroy` on it');
    expect(github.comments(owner, repo, 10)).toEqual([]);
    expect(result.summary).toMatch(/\| \[#2\].* \| refused \|/);
  });
});

describe('evictions a deploy holds are passed over', () => {
  let fly: FlySim;
  let github: GitHubSim;
  const lease = (n: number) => fly.holdLease(app(n), fly.machines(app(n))[0]?.id ?? '', 600);
  /** The run of #2 opening, which the first two tests read. */
  let run: ActionRun;
  beforeAll(async () => {
    ({ fly, github } = await seed());
    // A race left five live previews under a cap of 3: #9's PR was closed ten minutes ago (its close
    // run failed), #13 is the least recently active, and deploys hold the other three.
    github.seedPulls(owner, repo, [
      { number: 3, state: 'open', updatedAt: iso(60_000) },
      { number: 9, state: 'closed', updatedAt: iso(10 * 60_000) },
      { number: 13, state: 'open', updatedAt: iso(4 * day) },
    ]);
    fly.seedPreview(app(9), { metadata: ours(9), createdAt: iso(5 * day) });
    fly.seedPreview(app(13), { metadata: ours(13), createdAt: iso(4 * day) });
    for (const n of [10, 11, 12]) lease(n);
  });
  afterAll(async () => {
    await Promise.all([fly?.close(), github?.close()]);
  });

  it("a closed PR's leftover goes first, as the sweep would have removed it; then the least recently active", async () => {
    fly.clearRequests();
    const result = await opened(fly, github, {});
    const deletes = fly.requests.filter((r) => r.method === 'DELETE' && /^\/v1\/apps\/[^/]+$/.test(r.path)).map((r) => r.path);
    expect(deletes).toEqual([`/v1/apps/${app(9)}`, `/v1/apps/${app(13)}`]);
    expect(github.comments(owner, repo, 9)[0]?.body).toContain(`This PR is closed, so the app \`${app(9)}\` and everything in it were removed`);
    expect(result.stdout).toContain(`::notice::Removed the preview of PR #9 (${app(9)}), whose PR is closed, to keep max-previews 3 with PR #2's.`);
    expect(result.summary).toMatch(/\| \[#9\].* \| evicted for #2 \|/);
    run = result;
  });

  it('one preview evicted is room enough: the new one deploys and the count stays where the race left it', async () => {
    const result = run;
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(appNames(fly)).toEqual([...otherRepo, app(10), app(11), app(12), app(2)].sort());
    expect(github.comments(owner, repo, 13)[0]?.body).toContain('[#2](https://github.com/Codertocat/Hello-World/pull/2) needed a place');
    expect(github.comments(owner, repo, 2)[0]?.body).toContain('Preview ready');
    expect(result.summary).toContain(
      "Evicted `pr-9-codertocat-hello-world`, `pr-13-codertocat-hello-world` (closed PRs' first, then the least recently active) to make room for this PR's preview. " +
        "4 previews are live with it, no more than before but still over the cap of 3 (a race passed it): #10, #11, #12 are being deployed right now (a deploy holds its machine's lease).",
    );
    expect(result.summary).toMatch(/\| \[#10\].* \| kept: passed over \|/);
  });

  it('with every candidate held, the new PR is refused saying so, not blaming the policy', async () => {
    lease(2);
    const result = await opened(fly, github, {}, 'opened', 3);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    const body = github.comments(owner, repo, 3)[0]?.body ?? '';
    expect(body).toContain(
      "none could be made free: #10, #11, #12, #2 are being deployed right now (a deploy holds its machine's lease).",
    );
    expect(body).not.toContain('policy');
    expect(body).not.toContain(app(13));
    expect(result.stdout).toContain('::notice::No preview for PR #3: 4 live previews already hold the max-previews 3 places (#10, #11, #12, #2)');
  });
});

describe('a sweep over max-previews', () => {
  let fly: FlySim;
  let github: GitHubSim;
  beforeAll(async () => {
    ({ fly, github } = await seed());
    // Two more open PRs with previews: five live, two over the cap.
    github.seedPulls(owner, repo, [
      { number: 13, state: 'open', updatedAt: iso(4 * day) },
      { number: 14, state: 'open', updatedAt: iso(2 * hour) },
    ]);
    fly.seedPreview(app(13), { metadata: ours(13), createdAt: iso(4 * day) });
    fly.seedPreview(app(14), { metadata: ours(14), createdAt: iso(2 * hour) });
  });
  afterAll(async () => {
    await Promise.all([fly?.close(), github?.close()]);
  });

  const sweep = (inputs: Record<string, string> = {}) =>
    runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository: `${owner}/${repo}`,
      githubApiUrl: github.url,
      inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'max-previews': '3', ...inputs },
    });

  it('dry-run lists the least recently active beyond the cap and changes nothing', async () => {
    fly.clearRequests();
    const result = await sweep({ 'dry-run': 'true' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([app(10), app(13)]);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(result.summary).toMatch(/\| #13 \| open \|.*\| would destroy \| over max-previews 3: among the least recently active \|/);
    expect(result.summary).toContain('Live previews counted against `max-previews: 3`: 3 after this sweep would run.');
  });

  it('evicts them, tells their PRs, and leaves the rest and the other repository alone', async () => {
    fly.clearRequests();
    const result = await sweep();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([app(10), app(13)]);
    expect(appNames(fly)).toEqual([...otherRepo, app(11), app(12), app(14)].sort());
    for (const n of [10, 13]) {
      expect(github.comments(owner, repo, n)[0]?.body).toContain('a sweep brought the count back down to it');
    }
    for (const name of otherRepo) expect(touching(fly, name)).toEqual([]);
    expect(result.summary).toMatch(/\| #12 \| open \|.*\| kept \| PR open \|/);
    const again = await sweep();
    expect(again.outputs['destroyed']).toBe('[]');
  });

  it('counts only previews whose app still exists: one a close run removed first is not evicted for', async () => {
    // #15's PR closed; its close run deletes the app between the sweep's listing and its delete.
    github.seedPulls(owner, repo, [{ number: 15, state: 'closed', updatedAt: iso(hour) }]);
    fly.seedPreview(app(15), { metadata: ours(15), createdAt: iso(day) });
    fly.failNext({ method: 'DELETE', path: `/v1/apps/${app(15)}` }, { status: 404, body: { error: 'Could not find App' } });
    fly.clearRequests();
    const result = await sweep({ 'max-previews': '2' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.summary).toMatch(/\| #15 \| closed \|.*\| skipped \| PR closed; already gone \(a close run got there first\) \|/);
    // Live: #11, #12 and #14, one over the cap of 2: only #14, the least recently active, goes.
    expect(JSON.parse(result.outputs['destroyed'] ?? 'null')).toEqual([app(14)]);
    expect(fly.requests.some((r) => r.method === 'DELETE' && r.path === `/v1/apps/${app(11)}`)).toBe(false);
    expect(result.summary).toContain('Live previews counted against `max-previews: 2`: 2 after this sweep.');
  });
});
