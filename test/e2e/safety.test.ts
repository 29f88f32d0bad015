// The guarantees of docs/how-it-works.md (the README's Safety section sums them up), each proven
// against the local doubles with the bundled action run as a runner runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun, type PullRequestChanges } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'FlyV1 fm2_lJPECAAAAAAAAsecretmacaroon,fm2_lJPETWOsecondpart';
const githubToken = 'ghs_safety_secret_token_77aa';
const app = 'pr-2-codertocat-hello-world';
const machinesPath = `/v1/apps/${app}/machines`;

let fly: FlySim;
let github: GitHubSim;

beforeEach(async () => {
  [fly, github] = await Promise.all([
    startFlySim({ tokens: [flyToken], bootMs: 120, maxWaitMs: 1_000 }),
    startGitHubSim({ token: githubToken }),
  ]);
});
afterEach(async () => {
  await Promise.all([fly.close(), github.close()]);
});

const v1 = { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:20:00Z' };
const v2 = { headSha: '2222222222222222222222222222222222222222', updatedAt: '2019-05-15T15:21:00Z' };

interface RunSpec {
  action?: string;
  changes?: PullRequestChanges;
  inputs?: Record<string, string>;
  eventName?: string;
  withoutFlyToken?: boolean;
}

function run(spec: RunSpec = {}): Promise<ActionRun> {
  const inputs: Record<string, string> = {
    'github-token': githubToken,
    'fly-api-url': fly.url,
    image: 'registry.fly.io/hello:one',
    // The smoke window is proven in fly-api.test.ts; here it would only add a second to each run.
    'smoke-window': '0',
    ...(spec.withoutFlyToken === true ? {} : { 'fly-api-token': flyToken }),
    ...spec.inputs,
  };
  return runAction({
    eventName: spec.eventName ?? 'pull_request',
    payload: pullRequestPayload(spec.action ?? 'opened', spec.changes ?? v1),
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs,
  });
}

const comments = () => github.comments('Codertocat', 'Hello-World', 2);
const log = (r: ActionRun) => r.stdout + r.stderr;

/** Every secret, and each piece of the multi-part Fly token, is absent from all a user can see. */
function expectNoSecrets(result: ActionRun): void {
  const visible = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const pieces = [flyToken, githubToken, ...flyToken.split(/[\s,]+/).filter((p) => p.length >= 8)];
  for (const text of [visible, result.stderr, result.summary, JSON.stringify(result.outputs), JSON.stringify(comments())]) {
    for (const secret of pieces) expect(text).not.toContain(secret);
  }
}

describe('racing runs converge', () => {
  it('two pushes at once end with one app, one machine (the newer image) and one comment; both exit 0', async () => {
    // Hold both creates so the two runs really overlap at the point where they could duplicate.
    fly.delayNext({ method: 'POST', path: machinesPath }, 150, 2);
    const [older, newer] = await Promise.all([
      run({ changes: v1, inputs: { image: 'registry.fly.io/hello:one' } }),
      run({ action: 'synchronize', changes: v2, inputs: { image: 'registry.fly.io/hello:two' } }),
    ]);
    expect(older.exitCode, log(older)).toBe(0);
    expect(newer.exitCode, log(newer)).toBe(0);
    expect(fly.apps().filter((a) => a.name === app)).toHaveLength(1);
    const machines = fly.machines(app);
    expect(machines).toHaveLength(1);
    expect(machines[0]?.config.image).toBe('registry.fly.io/hello:two');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('`2222222`');
  });

  it('a re-run beside a new push: the older commit never overwrites the newer one', async () => {
    const first = await run({ changes: v2, inputs: { image: 'registry.fly.io/hello:two' } });
    expect(first.exitCode, log(first)).toBe(0);
    const [rerun, again] = await Promise.all([
      run({ changes: v1, inputs: { image: 'registry.fly.io/hello:one' } }),
      run({ action: 'synchronize', changes: v2, inputs: { image: 'registry.fly.io/hello:two' } }),
    ]);
    expect(rerun.exitCode, log(rerun)).toBe(0);
    expect(again.exitCode, log(again)).toBe(0);
    expect(rerun.outputs['status']).toBe('skipped');
    expect(log(rerun)).toContain('Superseded');
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:two');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('`2222222`');
  });

  it('updates take a Fly lease and send its nonce', async () => {
    await run();
    fly.clearRequests();
    const update = await run({ action: 'synchronize', changes: v2, inputs: { image: 'registry.fly.io/hello:two' } });
    expect(update.exitCode, log(update)).toBe(0);
    const id = fly.machines(app)[0]?.id;
    const post = fly.requests.find((r) => r.method === 'POST' && r.path === `${machinesPath}/${id}`);
    expect(post?.headers['fly-machine-lease-nonce']).toMatch(/^[0-9a-f]+$/);
    expect(fly.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/lease'))).toBe(true);
  });
});

describe('lost answers are resolved by looking', () => {
  it('a machine create whose answer is lost leaves exactly one machine', async () => {
    fly.loseAnswerNext({ method: 'POST', path: machinesPath });
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(log(result)).toContain('the lost create did go through');
    expect(fly.requests.filter((r) => r.method === 'POST' && r.path === machinesPath)).toHaveLength(1);
  });

  it('an app create whose answer is lost is found, not duplicated or failed', async () => {
    fly.loseAnswerNext({ method: 'POST', path: '/v1/apps' });
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.ips(app).map((ip) => ip.type).sort()).toEqual(['shared_v4', 'v6']);
  });

  it('an update whose answer is lost is recognised as done', async () => {
    await run();
    const id = fly.machines(app)[0]?.id ?? '';
    fly.loseAnswerNext({ method: 'POST', path: `${machinesPath}/${id}` });
    const result = await run({ action: 'synchronize', changes: v2, inputs: { image: 'registry.fly.io/hello:two' } });
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:two');
    // Looked, found the change made, and did not send it again.
    expect(fly.requests.filter((r) => r.method === 'POST' && r.path === `${machinesPath}/${id}`)).toHaveLength(1);
    expect(log(result)).toContain('but the update went through');
  });

  it('an IP allocation whose answer is lost is not repeated', async () => {
    fly.loseAnswerNext({ method: 'POST', path: `/v1/apps/${app}/ip_assignments` });
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.ips(app).map((ip) => ip.type).sort()).toEqual(['shared_v4', 'v6']);
  });

  it('a run that died half-way is repaired by the next: missing IPs are allocated', async () => {
    fly.addApp(app);
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.ips(app).map((ip) => ip.type).sort()).toEqual(['shared_v4', 'v6']);
    expect(fly.machines(app)).toHaveLength(1);
  });
});

describe('fork pull requests', () => {
  const fork = { ...v1, headRepo: 'mallory/Hello-World' };

  it('are skipped with the reason and the opt-in, without touching Fly', async () => {
    const result = await run({ changes: fork });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toMatch(/::notice::PR #2 comes from the fork mallory\/Hello-World.*allow-forks: true/);
    expect(fly.requests).toEqual([]);
    expect(comments()).toEqual([]);
  });

  it('without secrets (pull_request from a fork) are a skip, not an "input required" failure', async () => {
    const result = await run({ changes: fork, withoutFlyToken: true, inputs: { 'allow-forks': 'true' } });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain('gives pull_request runs from forks no secrets');
    expect(result.stdout).not.toContain('::error::');
  });

  it('are deployed with allow-forks: true, and cleaned up on close under pull_request_target', async () => {
    const deployed = await run({ changes: fork, eventName: 'pull_request_target', inputs: { 'allow-forks': 'true' } });
    expect(deployed.exitCode, log(deployed)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    const closed = await run({ action: 'closed', changes: { ...fork, updatedAt: '2019-05-15T15:40:00Z' }, eventName: 'pull_request_target' });
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
  });

  it('from a deleted fork are treated as forks', async () => {
    const result = await run({ changes: { ...v1, headRepo: null } });
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain('comes from the fork (deleted)');
  });
});

describe('ownership', () => {
  it('never deletes an app that holds a machine the action did not create', async () => {
    await run();
    const foreign = fly.addMachine(app, { name: 'postgres', image: 'flyio/postgres:16' });
    const result = await run({ action: 'closed', changes: { ...v1, updatedAt: '2019-05-15T15:45:00Z' } });
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.apps().map((a) => a.name)).toContain(app);
    expect(fly.machines(app).map((m) => m.id)).toEqual([foreign.id]);
    expect(result.stdout).toContain(`::warning::App ${app} also holds machines fly-preview did not create: ${foreign.id} (postgres)`);
    expect(comments()[0]?.body).toContain(`kept because it also holds machines fly-preview did not create: \`${foreign.id} (postgres)\``);
    // A second close finds none of ours left, and says so rather than naming an empty list.
    const again = await run({ action: 'closed', changes: { ...v1, updatedAt: '2019-05-15T15:46:00Z' } });
    expect(again.exitCode, log(again)).toBe(0);
    expect(again.stdout).toContain(`::notice::App ${app} holds no machine of this preview any more; nothing to destroy`);
    expect(fly.machines(app).map((m) => m.id)).toEqual([foreign.id]);
  });

  it('does not adopt a machine of another PR in a shared app', async () => {
    fly.addApp('shared-previews');
    const other = fly.addMachine('shared-previews', {
      name: 'other-pr',
      image: 'registry.fly.io/hello:other',
      metadata: { fly_preview_repo: 'Codertocat/Hello-World', fly_preview_pr: '99' },
    });
    const result = await run({ inputs: { 'app-name': 'shared-previews' } });
    expect(result.exitCode, log(result)).toBe(0);
    const machines = fly.machines('shared-previews');
    expect(machines).toHaveLength(2);
    expect(machines.find((m) => m.id === other.id)?.config.image).toBe('registry.fly.io/hello:other');
  });

  it('fails clearly when the app name belongs to someone else', async () => {
    // fly-go flaps/flaps_apps.go AppNameAvailable: the API answers 403 for a name held in another org.
    fly.addApp(app, { foreign: true });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::The Fly API refused access to the app "${app}" (403: Not authorized to access app "${app}"): the name is probably taken by an app in another organization`);
  });
});

describe('boot failures', () => {
  it('a machine that exits at boot fails the step with its exit code, in the log and the comment; the app stays', async () => {
    fly.imageExitsAtBoot('registry.fly.io/hello:broken', 137);
    const result = await run({ inputs: { image: 'registry.fly.io/hello:broken', 'wait-timeout': '60' } });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toContain('::error::Preview failed: The machine stopped during boot with exit code 137.');
    expect(result.stdout).toMatch(/event: .* exit stopped \(flyd\) exit_code=137/);
    expect(comments()[0]?.body).toContain('❌ Preview failed');
    expect(comments()[0]?.body).toContain('| **Exit code** | `137` |');
    expect(fly.apps().map((a) => a.name)).toContain(app);
    // Reported because the one wait on started/stopped/failed answered, not because wait-timeout ran out.
    const waits = fly.requests.filter((r) => r.path.endsWith('/wait'));
    expect(waits).toHaveLength(1);
    expect(waits[0]?.queryAll['state']).toEqual(['started', 'stopped', 'failed']);
    expect(waits[0]?.status).toBe(200);
  });

  it('a machine that never starts fails within wait-timeout with its state, after repeated bounded waits', async () => {
    fly.imageNeverStarts('registry.fly.io/hello:stuck');
    const result = await run({ inputs: { image: 'registry.fly.io/hello:stuck', 'wait-timeout': '3' } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('did not reach \\"started\\" within 3 s'.replace(/\\/g, ''));
    expect(result.stdout).toContain('it is "starting"');
    const waits = fly.requests.filter((r) => r.path.endsWith('/wait') && r.queryAll['state']?.includes('started') === true);
    // The simulator cuts every wait at 1 s, as the real API caps them at 60 s: the action asked again.
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.every((w) => Number(w.query['timeout']) <= 60)).toBe(true);
  });
});

describe('hostile and bad input', () => {
  it('an image that tries to inject a workflow command fails before any call', async () => {
    const result = await run({ inputs: { image: 'nginx\n::set-output name=url::https://evil.example' } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Input 'image' must be a single line/);
    expect(result.stdout).not.toMatch(/^::set-output/m);
    expect(fly.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('a bad number names the input and the accepted form, and nothing is called', async () => {
    const result = await run({ inputs: { memory: '300' } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::Input 'memory' must be a multiple of 256 MB; got \"300\"");
    expect(fly.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('env values reach the machine verbatim but never the log', async () => {
    const result = await run({ inputs: { env: 'GREETING=::warning::hi\nDATABASE_URL=postgres://u:p@db/x?a=b' } });
    expect(result.exitCode, log(result)).toBe(0);
    // Beside them, what flyctl gives every machine: its process group and the primary region.
    expect(fly.machines(app)[0]?.config.env).toEqual({ GREETING: '::warning::hi', DATABASE_URL: 'postgres://u:p@db/x?a=b', FLY_PROCESS_GROUP: 'app', PRIMARY_REGION: 'iad' });
    expect(result.stdout).not.toContain('::warning::hi');
    expect(result.stdout).not.toContain('postgres://');
  });
});

describe('credentials and limits', () => {
  it('a refused Fly token fails after one request, says which token, and prints no secret', async () => {
    await fly.close();
    fly = await startFlySim({ tokens: ['some-other-token'] });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(fly.requests).toHaveLength(1);
    // Fly's own words for a token it cannot validate (test/fixtures/fly-real/README.md).
    expect(result.stdout).toContain(
      `::error::Fly API refused the token (401) for GET /v1/apps/${app}: Authenticate: token validation error. Check the fly-api-token input`,
    );
    expectNoSecrets(result);
  });

  it('tokens are masked first and appear in no log line, summary, output or comment', async () => {
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    const masks = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(expect.arrayContaining([`::add-mask::${flyToken}`, `::add-mask::${githubToken}`, '::add-mask::fm2_lJPETWOsecondpart']));
    expectNoSecrets(result);
  });

  it('a platform error that quotes a secret back reaches the PR comment redacted, in its text and in the view it keeps', async () => {
    const secret = 'sk_live_canary_9c1d77e2';
    fly.failNext({ method: 'GET', path: `/v1/apps/${app}` }, { status: 422, body: { error: `cannot use API_KEY=${secret} with token ${flyToken.split(',')[1]}` } });
    const result = await run({ inputs: { secrets: `API_KEY=${secret}` } });
    expect(result.exitCode).toBe(1);
    const body = comments()[0]?.body ?? '';
    expect(body).toContain('Preview failed');
    expect(body).toContain('cannot use API_KEY=*** with token ***');
    const hidden = /^<!-- fly-preview-view ([A-Za-z0-9_-]+) -->$/.exec(body.split('\n')[1] ?? '')?.[1] ?? '';
    const stored = Buffer.from(hidden, 'base64url').toString('utf8');
    expect(JSON.parse(stored)).toMatchObject({ state: 'failed', reason: expect.stringContaining('API_KEY=***') });
    for (const text of [body, stored, result.summary]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('fm2_lJPETWOsecondpart');
    }
  });

  it('survives 429 with Retry-After, 503 and a dropped connection', async () => {
    fly.failNext({ method: 'GET', path: `/v1/apps/${app}` }, { status: 429, retryAfter: '1', body: { error: 'rate limited' } });
    fly.failNext({ method: 'GET', path: `/v1/apps/${app}` }, { status: 503, body: { error: 'upstream unavailable' } });
    fly.dropNext({ method: 'GET', path: `/v1/apps/${app}` });
    github.failNext({ method: 'GET', path: /\/comments$/ }, { status: 503, body: { message: 'unavailable' } });
    // GitHub's secondary limit names itself in the message; Octokit's throttling plugin reads a
    // retry-after of 0 as absent and then waits GitHub's documented fallback of a minute.
    github.failNext(
      { method: 'GET', path: /\/comments$/ },
      { status: 429, retryAfter: '1', body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } },
    );
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    const appReads = fly.requests.filter((r) => r.method === 'GET' && r.path === `/v1/apps/${app}`);
    expect(appReads.map((r) => r.status)).toEqual([429, 503, 0, 404]);
    // Retry-After: 1 was honoured before the second attempt.
    expect((appReads[1]?.startedAt ?? 0) - (appReads[0]?.startedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(comments()).toHaveLength(1);
  });

  it('a dead API fails the step in bounded time with the call, status and Fly message', async () => {
    fly.failNext({ method: 'GET', path: `/v1/apps/${app}` }, { status: 503, retryAfter: '0', body: { error: 'no healthy upstream' } }, 50);
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::Fly API: GET /v1/apps/${app} failed with 503: no healthy upstream (gave up after 6 attempts)`);
    expect(fly.requests).toHaveLength(6);
  });

  it('a Retry-After beyond the retry budget fails at once, saying so', async () => {
    fly.failNext({ method: 'GET', path: `/v1/apps/${app}` }, { status: 429, retryAfter: '3600', body: { error: 'rate limited' } });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('failed with 429: rate limited (rate limited; Fly asked to wait 3600 s, beyond the retry budget)');
    expect(fly.requests).toHaveLength(1);
  });
});

describe('comment: false', () => {
  it('deploys without a single GitHub request, still writing the job summary', async () => {
    const result = await run({ inputs: { comment: 'false' } });
    expect(result.exitCode, log(result)).toBe(0);
    expect(github.requests).toEqual([]);
    expect(result.summary).toContain(`Preview ready: https://${app}.fly.dev`);
  });
});

describe('re-running a failed deploy', () => {
  it('boots the same config again instead of re-reporting the old crash', async () => {
    fly.imageExitsAtBoot('registry.fly.io/hello:flaky', 1);
    const failed = await run({ inputs: { image: 'registry.fly.io/hello:flaky' } });
    expect(failed.exitCode).toBe(1);
    expect(fly.machines(app)[0]?.state).toBe('stopped');
    // The crash was transient (a dependency was down, say); the same event is re-run.
    fly.imageBootsNormally('registry.fly.io/hello:flaky');
    const rerun = await run({ inputs: { image: 'registry.fly.io/hello:flaky' } });
    expect(rerun.exitCode, log(rerun)).toBe(0);
    expect(fly.machines(app)).toHaveLength(1);
    expect(fly.machines(app)[0]?.state).toBe('started');
    expect(comments()[0]?.body).toContain('✅ Preview ready');
  });
});

describe('a read-only GitHub token', () => {
  it('costs the comment, not the deploy: a warning says which permission is missing', async () => {
    github.failNext({ method: 'POST', path: /\/comments$/ }, { status: 403, body: { message: 'Resource not accessible by integration' } }, 5);
    const result = await run();
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(result.stdout).toContain('::warning::Could not write the PR comment: GitHub API: POST /repos/Codertocat/Hello-World/issues/2/comments failed with 403: Resource not accessible by integration');
    expect(result.stdout).toContain('pull-requests: write');
  });
});
