// The Fly Machines API as its official client speaks it (issue 8 §2; test/sim/FLY_API.md cites the
// source of each rule), proven with the bundled action run as a runner runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun, type PullRequestChanges } from '../sim/action-runner.ts';
import { bodiesWithUnknownFields, typedBodies } from '../sim/fly-fields.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const macaroons = 'fm2_lJPECAAAAAAAAmacaroonone,fm2_lJPETWOmacaroontwo';
const githubToken = 'ghs_flyapi_secret_token_51cc';
const app = 'pr-2-codertocat-hello-world';
const machinesPath = `/v1/apps/${app}/machines`;

let fly: FlySim;
let github: GitHubSim;

beforeEach(async () => {
  [fly, github] = await Promise.all([
    startFlySim({ tokens: [`FlyV1 ${macaroons}`], bootMs: 120, maxWaitMs: 2_000 }),
    startGitHubSim({ token: githubToken }),
  ]);
});
afterEach(async () => {
  await Promise.all([fly.close(), github.close()]);
});

const v1 = { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:20:00Z' };
const v2 = { headSha: '2222222222222222222222222222222222222222', updatedAt: '2019-05-15T15:21:00Z' };

function run(inputs: Record<string, string> = {}, changes: PullRequestChanges = v1, action = 'opened'): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload(action, changes),
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: {
      'fly-api-token': `FlyV1 ${macaroons}`,
      'github-token': githubToken,
      'fly-api-url': fly.url,
      image: 'registry.fly.io/hello:one',
      // Only the tests about the smoke window spend one.
      'smoke-window': '0',
      ...inputs,
    },
  });
}

const log = (r: ActionRun) => r.stdout + r.stderr;
const comments = () => github.comments('Codertocat', 'Hello-World', 2);
const calls = () => fly.requests.map((r) => `${r.method} ${r.path}${r.path === '/v1/apps' && r.method === 'POST' ? `?wait=${r.query['wait']}` : ''}`);

describe('tokens (fly-go tokens/tokens.go)', () => {
  it.each([
    ['as `fly tokens create` prints it', `FlyV1 ${macaroons}`],
    ['without its scheme', macaroons],
    ['with a Bearer scheme pasted in front', `Bearer ${macaroons}`],
  ])('a macaroon token %s is sent as FlyV1 and deploys; every piece is masked', async (_, pasted) => {
    const result = await run({ 'fly-api-token': pasted });
    expect(result.exitCode, log(result)).toBe(0);
    expect(new Set(fly.requests.map((r) => r.authScheme))).toEqual(new Set(['FlyV1']));
    const masks = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(expect.arrayContaining([`::add-mask::${pasted}`, ...macaroons.split(',').map((p) => `::add-mask::${p}`)]));
    const visible = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    for (const piece of macaroons.split(',')) expect(visible + result.summary + JSON.stringify(comments())).not.toContain(piece);
  });
});

describe('a plain (non-macaroon) token', () => {
  it('is sent as Bearer', async () => {
    await fly.close();
    fly = await startFlySim({ tokens: ['fo1_plain_personal_token'], bootMs: 120, maxWaitMs: 2_000 });
    const result = await run({ 'fly-api-token': 'fo1_plain_personal_token' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(new Set(fly.requests.map((r) => r.authScheme))).toEqual(new Set(['Bearer']));
  });
});

describe('one fresh deploy, as few requests as the API allows', () => {
  it('creates the app with ?wait=true and takes 7 Fly requests to `started`, then 2 for the smoke window', async () => {
    const result = await run({ 'smoke-window': '1' });
    expect(result.exitCode, log(result)).toBe(0);
    const id = fly.machines(app)[0]?.id ?? '';
    expect(calls().slice(0, 7).sort()).toEqual(
      [
        `GET /v1/apps/${app}`,
        'POST /v1/apps?wait=true',
        `POST /v1/apps/${app}/ip_assignments`,
        `POST /v1/apps/${app}/ip_assignments`,
        `POST ${machinesPath}`,
        `GET ${machinesPath}/${id}/wait`,
        `GET ${machinesPath}`,
      ].sort(),
    );
    expect(calls().slice(7)).toEqual([`GET ${machinesPath}/${id}/wait`, `GET ${machinesPath}/${id}`]);
    const [boot, smoke] = fly.requests.filter((r) => r.path.endsWith('/wait'));
    expect(boot?.queryAll).toMatchObject({ state: ['started', 'stopped', 'failed'], version: [fly.machines(app)[0]?.instance_id] });
    expect(Number(boot?.query['timeout'])).toBeLessThanOrEqual(60);
    // The smoke window is one blocking wait for a crash, bounded by the window: no polling.
    expect(smoke?.queryAll).toMatchObject({ state: ['stopped', 'failed'], timeout: ['1'] });
    expect(smoke?.status).toBe(408);
  });

  it('with smoke-window: 0 a fresh deploy is exactly those 7 requests', async () => {
    const result = await run({ 'smoke-window': '0' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.requests).toHaveLength(7);
  });

  it('IP allocation sends org_slug as flyctl does, and every body uses only names fly-go knows', async () => {
    expect((await run()).exitCode).toBe(0);
    const update = await run({ image: 'registry.fly.io/hello:two', env: 'A=1' }, v2, 'synchronize');
    expect(update.exitCode, log(update)).toBe(0);
    const ipBodies = fly.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/ip_assignments')).map((r) => r.body);
    expect(ipBodies).toEqual(expect.arrayContaining([{ type: 'v6', org_slug: 'personal' }, { type: 'shared_v4', org_slug: 'personal' }]));
    expect(typedBodies(fly.requests)).toBeGreaterThanOrEqual(5);
    expect(bodiesWithUnknownFields(fly.requests)).toEqual([]);
  });
});

describe('eventual consistency (flyctl #3112, #4618)', () => {
  it('an app not yet visible after its create (401 on the calls under it) is waited for: no "bad token", one app, one machine', async () => {
    fly.delayAppVisibility(800);
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(log(result)).not.toContain('refused the token');
    const early = fly.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/v1/apps/${app}/`) && r.status === 401);
    expect(early.length).toBeGreaterThan(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.ips(app).map((ip) => ip.type).sort()).toEqual(['shared_v4', 'v6']);
  });

  it('an app a racing run created a moment ago (taken, not visible yet) is used, not called "taken by someone else"', async () => {
    await fly.close();
    // The lag must outlast the action's start-up, which a loaded machine (the suite runs files in
    // parallel) stretches past a second; otherwise the app is already visible and nothing races.
    fly = await startFlySim({ tokens: [`FlyV1 ${macaroons}`], bootMs: 120, maxWaitMs: 2_000, appLagMs: 3_000 });
    // The other run's create, made without ?wait=true and without our affinity cookie.
    await fetch(`${fly.url}/v1/apps`, {
      method: 'POST',
      headers: { authorization: `FlyV1 ${macaroons}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: app, org_slug: 'personal' }),
    });
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(log(result)).toContain('was just created by another run; using it');
    expect(fly.machines(app)).toHaveLength(1);
  });

  it('a machine that answers 404 just after its create is waited for, never replaced by a second one', async () => {
    fly.delayMachineVisibility(700);
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.requests.some((r) => r.path.endsWith('/wait') && r.status === 404)).toBe(true);
    expect(fly.requests.filter((r) => r.method === 'POST' && r.path === machinesPath)).toHaveLength(1);
    expect(fly.machines(app)).toHaveLength(1);
  });

  it('a machine that answers 404 just after its update is not "gone"', async () => {
    expect((await run()).exitCode).toBe(0);
    fly.delayMachineVisibility(700);
    const result = await run({ image: 'registry.fly.io/hello:two' }, v2, 'synchronize');
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:two');
  });
});

describe('how a boot ends', () => {
  it('`failed` (image not pullable) fails at once with the last event, after one wait', async () => {
    fly.imageFails('registry.fly.io/hello:missing', 'failed to pull image registry.fly.io/hello:missing: manifest unknown');
    const result = await run({ image: 'registry.fly.io/hello:missing', 'wait-timeout': '600' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::Preview failed: Fly could not start the machine: it is "failed"');
    expect(result.stdout).toContain('manifest unknown');
    expect(comments()[0]?.body).toContain('manifest unknown');
    expect(fly.requests.filter((r) => r.path.endsWith('/wait'))).toHaveLength(1);
  });

  it('a crash after `started`, restarted by its policy until it gives up, fails the deploy with the exit code and events', async () => {
    fly.imageCrashesAfterStart('registry.fly.io/hello:crashy', { afterMs: 150, exitCode: 3 });
    const result = await run({ image: 'registry.fly.io/hello:crashy', 'smoke-window': '3' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toMatch(/::error::Preview failed: The machine crashed within 3 s of starting with exit code 3; its restart policy restarted it 3 times; it is "stopped"\./);
    expect(result.stdout).toMatch(/event: .* exit restarting \(flyd\) exit_code=3 restarting restart_count=\d/);
    expect(comments()[0]?.body).toContain('❌ Preview failed');
    expect(comments()[0]?.body).toContain('| **Exit code** | `3` |');
  });

  it('a crash the restart policy recovered from is still a crash in the window', async () => {
    fly.imageCrashesAfterStart('registry.fly.io/hello:once', { afterMs: 100, exitCode: 1, times: 1 });
    const result = await run({ image: 'registry.fly.io/hello:once', 'smoke-window': '1' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('with exit code 1; its restart policy restarted it 1 time; it is "started"');
    // The window cost one wait and one read, however many restarts happened.
    const smokeWaits = fly.requests.filter((r) => r.path.endsWith('/wait') && r.queryAll['state']?.join() === 'stopped,failed');
    expect(smokeWaits.length).toBeLessThanOrEqual(1);
  });

  it('smoke-window: 0 trusts `started`, as before', async () => {
    fly.imageCrashesAfterStart('registry.fly.io/hello:late', { afterMs: 400, exitCode: 1 });
    const result = await run({ image: 'registry.fly.io/hello:late', 'smoke-window': '0' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
  });

  it('the default smoke window is 10 s, one wait that a crash ends early rather than a poll', async () => {
    // Crashes until the restart policy gives up, so the machine ends `stopped` and the wait returns.
    fly.imageCrashesAfterStart('registry.fly.io/hello:dies', { afterMs: 100, exitCode: 4 });
    const result = await runAction({
      eventName: 'pull_request',
      payload: pullRequestPayload('opened', v1),
      repository: 'Codertocat/Hello-World',
      githubApiUrl: github.url,
      inputs: { 'fly-api-token': macaroons, 'github-token': githubToken, 'fly-api-url': fly.url, image: 'registry.fly.io/hello:dies' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('checking it stays up for 10 s (smoke-window)');
    expect(result.stdout).toContain('The machine crashed within 10 s of starting with exit code 4');
    const smoke = fly.requests.filter((r) => r.path.endsWith('/wait') && r.queryAll['state']?.join() === 'stopped,failed');
    expect(smoke).toHaveLength(1);
    expect(smoke[0]).toMatchObject({ status: 200, query: { timeout: '10' } });
  });
});

describe('errors say what Fly said, with its request id', () => {
  it('reads `message` before `error` and names the fly-request-id', async () => {
    fly.failNext({ method: 'POST', path: machinesPath }, { status: 422, body: { message: 'invalid config: bad guest', error: 'unprocessable' } });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`::error::Fly API: POST ${machinesPath} failed with 422: invalid config: bad guest \\(fly-request-id \\S+\\)`));
  });

  it('a 5xx naming insufficient_capacity is a failure with that reason, not a lost create', async () => {
    fly.noCapacityIn('syd');
    const result = await run({ region: 'syd' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Fly API: POST \S+ failed with 503: insufficient resources to create new machine in region syd \(insufficient_capacity\) \(fly-request-id \S+\)/);
    expect(log(result)).not.toContain('answer to creating the machine was lost');
    expect(fly.requests.filter((r) => r.method === 'POST' && r.path === machinesPath)).toHaveLength(1);
  });
});

describe('updates and leases', () => {
  it('an update sends the machine’s own region and takes its lease (201, ?ttl=)', async () => {
    expect((await run()).exitCode).toBe(0);
    fly.clearRequests();
    const result = await run({ image: 'registry.fly.io/hello:two' }, v2, 'synchronize');
    expect(result.exitCode, log(result)).toBe(0);
    const id = fly.machines(app)[0]?.id;
    const lease = fly.requests.find((r) => r.method === 'POST' && r.path === `${machinesPath}/${id}/lease`);
    expect(lease).toMatchObject({ status: 201, query: { ttl: '30' } });
    expect(lease?.body).toBeUndefined();
    const update = fly.requests.find((r) => r.method === 'POST' && r.path === `${machinesPath}/${id}`);
    expect(update?.body).toMatchObject({ region: 'iad' });
  });

  it('a changed region input moves the preview: a new machine there, then the old one is deleted', async () => {
    expect((await run()).exitCode).toBe(0);
    const old = fly.machines(app)[0]?.id;
    const result = await run({ region: 'lhr', image: 'registry.fly.io/hello:two' }, v2, 'synchronize');
    expect(result.exitCode, log(result)).toBe(0);
    const machines = fly.machines(app);
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({ region: 'lhr', state: 'started' });
    expect(machines[0]?.id).not.toBe(old);
    expect(result.stdout).toContain('the preview now runs in lhr');
    expect(fly.requests.some((r) => r.method === 'POST' && r.path === `${machinesPath}/${old}`)).toBe(false);
  });
});

describe('two revisions with the same PR updated_at (as in GitHub’s example payloads)', () => {
  const a = { headSha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', updatedAt: '2019-05-15T15:20:00Z' };
  const b = { headSha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', updatedAt: '2019-05-15T15:20:00Z' };

  it('the one already deployed stays: the other is superseded instead of replacing it', async () => {
    expect((await run({ image: 'registry.fly.io/hello:a' }, a)).exitCode).toBe(0);
    const result = await run({ image: 'registry.fly.io/hello:b' }, b, 'synchronize');
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:a');
    // And back again: a re-run of the first leaves it too, so nothing flips.
    fly.clearRequests();
    const again = await run({ image: 'registry.fly.io/hello:a' }, a);
    expect(again.outputs['status']).toBe('deployed');
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('racing from nothing, they settle on one machine and both exit 0', async () => {
    const [first, second] = await Promise.all([
      run({ image: 'registry.fly.io/hello:a' }, a),
      run({ image: 'registry.fly.io/hello:b' }, b, 'synchronize'),
    ]);
    expect(first.exitCode, log(first)).toBe(0);
    expect(second.exitCode, log(second)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect([first.outputs['status'], second.outputs['status']].sort()).toEqual(['deployed', 'skipped']);
    const winner = first.outputs['status'] === 'deployed' ? 'registry.fly.io/hello:a' : 'registry.fly.io/hello:b';
    expect(fly.machines(app)[0]?.config.image).toBe(winner);
  });
});
