// The bundled action with `provider: koyeb`, run as a runner runs it against the local Koyeb and
// GitHub doubles: the lifecycle and safety guarantees the Fly suites prove (lifecycle.test.ts,
// safety.test.ts), on the second platform.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun, type PullRequestChanges } from '../sim/action-runner.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { startKoyebSim, type KoyebSim } from '../sim/koyeb.ts';

const koyebToken = 'koyeb_e2e_secret_token_7f3a';
const githubToken = 'ghs_e2e_secret_token_9c2e';
const secretValue = 'koyeb-app-secret-value-5e1d';
const repository = 'Codertocat/Hello-World';
/** koyebAppName('Codertocat', 'Hello-World', 2): the repository fits, so no hash. */
const app = 'pr-2-hello-world';

let koyeb: KoyebSim;
let github: GitHubSim;

beforeAll(async () => {
  [koyeb, github] = await Promise.all([startKoyebSim({ tokens: [koyebToken], deployMs: 150 }), startGitHubSim({ token: githubToken })]);
});
afterAll(async () => {
  await Promise.all([koyeb?.close(), github?.close()]);
});

function run(action: string, inputs: Record<string, string>, changes: PullRequestChanges = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload(action, changes),
    repository,
    githubApiUrl: github.url,
    inputs: {
      provider: 'koyeb',
      'koyeb-api-token': koyebToken,
      'github-token': githubToken,
      'koyeb-api-url': koyeb.url,
      'wait-timeout': '10',
      ...inputs,
    },
  });
}

const log = (result: ActionRun) => result.stdout + result.stderr;

/** The masks come first, and no other line, summary, output or comment holds a token or a secret value. */
function expectNoSecrets(result: ActionRun): void {
  const lines = result.stdout.split('\n');
  const masks = lines.filter((l) => l.startsWith('::add-mask::'));
  expect(masks).toEqual(expect.arrayContaining([`::add-mask::${koyebToken}`, `::add-mask::${githubToken}`]));
  expect(lines.slice(0, masks.length)).toEqual(masks);
  const visible = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const bodies = github.comments('Codertocat', 'Hello-World', 2).map((c) => c.body).join('\n');
  for (const text of [visible, result.stderr, result.summary, JSON.stringify(result.outputs), bodies]) {
    expect(text).not.toContain(koyebToken);
    expect(text).not.toContain(githubToken);
    expect(text).not.toContain(secretValue);
  }
}

const comments = () => github.comments('Codertocat', 'Hello-World', 2);
/** Requests that change something (or, as a secret's reveal would, are sent as POST). */
const mutations = () => koyeb.requests.filter((r) => r.method !== 'GET');
const domain = () => koyeb.apps().find((a) => a.name === app)?.domain ?? '';

const at = (minute: number) => `2019-05-15T15:${String(minute).padStart(2, '0')}:00Z`;
const sha = (c: string) => c.repeat(40);

describe('koyeb: a pull request from open to close', () => {
  let serviceId = '';

  it('opened: creates the app and one service, waits until it is healthy, and comments with the domain Koyeb reports', async () => {
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one', secrets: `API_KEY=${secretValue}`, env: 'GREETING=hi' }, { headSha: sha('a'), updatedAt: at(20) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(domain()).not.toBe('');
    expect(result.outputs).toMatchObject({ status: 'deployed', 'app-name': app, hostname: domain(), url: `https://${domain()}` });
    serviceId = result.outputs['machine-id'] ?? '';
    const services = koyeb.services(app);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ id: serviceId, status: 'HEALTHY' });
    expect(services[0]?.definition.docker?.image).toBe('ghcr.io/acme/hello:one');
    expect(services[0]?.definition.regions).toEqual(['was']);
    expect(services[0]?.definition.instance_types?.map((t) => t.type)).toEqual(['nano']);
    // The secret is a Koyeb secret the service refers to, never a plain value in its definition.
    expect(services[0]?.definition.env).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'API_KEY', secret: `${app}_API_KEY` }), expect.objectContaining({ key: 'GREETING', value: 'hi' })]),
    );
    expect(services[0]?.definition.env?.find((e) => e.key === 'API_KEY')?.value).toBeUndefined();
    expect(koyeb.secrets()).toEqual({ [`${app}_API_KEY`]: secretValue });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain(`Preview ready: https://${domain()}`);
    expect(comments()[0]?.body).toContain(`\`${serviceId}\` in \`was\``);
    expect(result.stdout).toContain(`::notice::Preview ready: https://${domain()}`);
    expectNoSecrets(result);
  });

  it('synchronize: updates the same service (a new deployment) and edits the same comment', async () => {
    koyeb.clearRequests();
    const result = await run('synchronize', { image: 'ghcr.io/acme/hello:two', secrets: `API_KEY=${secretValue}` }, { headSha: sha('b'), updatedAt: at(25) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['machine-id']).toBe(serviceId);
    const [service] = koyeb.services(app);
    expect(koyeb.services(app)).toHaveLength(1);
    expect(service?.definition.docker?.image).toBe('ghcr.io/acme/hello:two');
    expect(service?.deployments).toBe(2);
    expect(koyeb.requests.some((r) => r.method === 'PUT' && r.path === `/v1/services/${serviceId}`)).toBe(true);
    expect(koyeb.requests.some((r) => r.method === 'POST' && r.path === '/v1/apps')).toBe(false);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('`bbbbbbb`');
  });

  it('a re-run of the same event changes nothing and duplicates nothing', async () => {
    koyeb.clearRequests();
    const result = await run('synchronize', { image: 'ghcr.io/acme/hello:two', secrets: `API_KEY=${secretValue}` }, { headSha: sha('b'), updatedAt: at(25) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(mutations()).toEqual([]);
    expect(koyeb.services(app)[0]?.deployments).toBe(2);
    expect(comments()).toHaveLength(1);
  });

  it('a re-run of an older commit is superseded and leaves the newer deploy alone', async () => {
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one', secrets: `API_KEY=${secretValue}` }, { headSha: sha('a'), updatedAt: at(20) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toMatch(/Superseded/);
    expect(koyeb.services(app)[0]?.definition.docker?.image).toBe('ghcr.io/acme/hello:two');
  });

  it('a push whose image crashes fails the step with the instance messages and events, in the log and the comment', async () => {
    koyeb.imageFails('ghcr.io/acme/hello:crash', { status: 'ERROR', message: 'Application exited with code 1' });
    const result = await run('synchronize', { image: 'ghcr.io/acme/hello:crash', secrets: `API_KEY=${secretValue}` }, { headSha: sha('c'), updatedAt: at(30) });
    expect(result.exitCode).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toMatch(/::error::Preview failed: The deployment ended ERROR.*Application exited with code 1/);
    expect(result.stdout).toContain('  event: ');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('❌ Preview failed');
    expect(comments()[0]?.body).toContain('Application exited with code 1');
    expect(koyeb.apps().map((a) => a.name)).toContain(app);
    expectNoSecrets(result);
  });

  it('the fix deploys over the failure on the same service', async () => {
    const result = await run('synchronize', { image: 'ghcr.io/acme/hello:fixed', secrets: `API_KEY=${secretValue}` }, { headSha: sha('d'), updatedAt: at(35) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'deployed', 'machine-id': serviceId });
    expect(koyeb.services(app)).toHaveLength(1);
    expect(comments()[0]?.body).toContain('✅ Preview ready');
  });

  it('closed: deletes the app with its service and the secret, and says so in the same comment', async () => {
    const result = await run('closed', {}, { headSha: sha('d'), updatedAt: at(40) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(koyeb.apps().map((a) => a.name)).not.toContain(app);
    expect(koyeb.secrets()).toEqual({});
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('Preview destroyed');
    expectNoSecrets(result);
  });

  it('closed again: a no-op that succeeds', async () => {
    koyeb.clearRequests();
    const result = await run('closed', {}, { headSha: sha('d'), updatedAt: at(41) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(result.stdout).toContain('already gone');
    expect(mutations()).toEqual([]);
  });
});

describe('koyeb: safety', () => {
  beforeEach(async () => {
    await run('closed', {}, { headSha: sha('f'), updatedAt: at(59) });
    koyeb.clearRequests();
  });

  it('two pushes at once end with one app, one service (the newer image) and one comment; both exit 0', async () => {
    const [older, newer] = await Promise.all([
      run('synchronize', { image: 'ghcr.io/acme/hello:race-1' }, { headSha: sha('1'), updatedAt: at(45) }),
      run('synchronize', { image: 'ghcr.io/acme/hello:race-2' }, { headSha: sha('2'), updatedAt: at(46) }),
    ]);
    expect(older.exitCode, log(older)).toBe(0);
    expect(newer.exitCode, log(newer)).toBe(0);
    expect(koyeb.apps().filter((a) => a.name === app)).toHaveLength(1);
    const services = koyeb.services(app);
    expect(services).toHaveLength(1);
    // Whichever ran first, the newer commit is what stays deployed.
    expect(services[0]?.definition.docker?.image).toBe('ghcr.io/acme/hello:race-2');
    expect(comments().filter((c) => c.body.includes(`app="${app}"`))).toHaveLength(1);
  });

  it('a service create whose answer is lost leaves exactly one service', async () => {
    koyeb.loseAnswerNext({ method: 'POST', path: '/v1/services' });
    const result = await run('opened', { image: 'ghcr.io/acme/hello:lost' }, { headSha: sha('3'), updatedAt: at(47) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(koyeb.services(app)).toHaveLength(1);
  });

  it('an app create whose answer is lost is found, not duplicated', async () => {
    koyeb.loseAnswerNext({ method: 'POST', path: '/v1/apps' });
    const result = await run('opened', { image: 'ghcr.io/acme/hello:lost' }, { headSha: sha('4'), updatedAt: at(48) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(koyeb.apps().filter((a) => a.name === app)).toHaveLength(1);
  });

  it('a 429 is waited out as Retry-After asks, then the deploy goes on', async () => {
    // No body given: the simulator answers the description's `default` for an undeclared 429 (google.rpc.Status).
    koyeb.failNext({ method: 'POST', path: '/v1/apps' }, { status: 429, retryAfter: '1' });
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one' }, { headSha: sha('5'), updatedAt: at(49) });
    expect(result.exitCode, log(result)).toBe(0);
    const creates = koyeb.requests.filter((r) => r.method === 'POST' && r.path === '/v1/apps');
    expect(creates.map((r) => r.status)).toEqual([429, expect.any(Number)]);
    expect(creates[1]?.status).toBeLessThan(300);
    expect(creates[1]?.startedAt ?? 0).toBeGreaterThanOrEqual((creates[0]?.startedAt ?? 0) + 900);
  });

  it('a run that fails before its service exists leaves a secret that closing the pull request removes', async () => {
    koyeb.failNext({ method: 'POST', path: '/v1/services' }, { status: 400, body: { status: 400, code: 'invalid_argument', message: 'validation error' } });
    const failed = await run('opened', { image: 'ghcr.io/acme/hello:one', secrets: `API_KEY=${secretValue}` }, { headSha: sha('7'), updatedAt: at(51) });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('POST /v1/services failed with 400');
    expect(koyeb.services(app)).toEqual([]);
    const closed = await run('closed', {}, { headSha: sha('7'), updatedAt: at(52) });
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(koyeb.secrets()).toEqual({});
    expectNoSecrets(closed);
  });

  it('a refused token fails after one request, says which token, and prints no secret', async () => {
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one', 'koyeb-api-token': 'koyeb_wrong_token_0000' }, { headSha: sha('6'), updatedAt: at(50) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Koyeb API refused the token \(401, request id [^)]+\) for [A-Z]+ \/v1\//);
    expect(koyeb.requests.filter((r) => r.status === 401).length).toBeLessThanOrEqual(2);
    expect(result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('koyeb_wrong_token_0000');
    expect(mutations().filter((r) => r.status !== 401)).toEqual([]);
  });

  it('never deletes an app that holds a service the action did not create; deletes only its own and names the rest', async () => {
    const opened = await run('opened', { image: 'ghcr.io/acme/hello:one' }, { headSha: sha('7'), updatedAt: at(51) });
    expect(opened.exitCode, log(opened)).toBe(0);
    const theirs = koyeb.addService(app, { name: 'worker', image: 'ghcr.io/someone/else:1' });
    const closed = await run('closed', {}, { headSha: sha('7'), updatedAt: at(52) });
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(koyeb.apps().map((a) => a.name)).toContain(app);
    expect(koyeb.services(app).map((s) => s.id)).toEqual([theirs.id]);
    expect(closed.stdout).toContain(`::warning::Koyeb app ${app} also holds services fly-preview did not create: ${theirs.id} (worker)`);
    expect(comments()[0]?.body).toContain(`\`${theirs.id} (worker)\``);
  });

  it('refuses to take over a service of the same name that it did not create', async () => {
    koyeb.addApp('pr-2-taken');
    koyeb.addService('pr-2-taken', { name: 'preview', image: 'ghcr.io/someone/else:1' });
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one', 'app-name': 'pr-2-taken' }, { headSha: sha('8'), updatedAt: at(53) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Koyeb app pr-2-taken already holds a service "preview" that fly-preview did not create/);
    expect(koyeb.services('pr-2-taken')[0]?.definition.docker?.image).toBe('ghcr.io/someone/else:1');
  });

  it('inputs that mean nothing on Koyeb fail before any call, naming the input and the provider', async () => {
    const result = await run('opened', { image: 'ghcr.io/acme/hello:one', 'cpu-kind': 'performance' }, { headSha: sha('9'), updatedAt: at(54) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::Input 'cpu-kind' applies to provider: fly only and means nothing with provider: koyeb; remove it");
    expect(koyeb.requests).toEqual([]);
  });
});

describe('koyeb: a sweep', () => {
  it("destroys this repository's preview of a closed PR and never touches an app without our marker", async () => {
    const opened = await run('opened', { image: 'ghcr.io/acme/hello:one', ttl: '7d', 'app-name': 'pr-2-sweep' }, { headSha: sha('a'), updatedAt: at(55) });
    expect(opened.exitCode, log(opened)).toBe(0);
    // Koyeb's own safety net, should no sweep ever run: the service deletes itself after a ttl asleep.
    expect(koyeb.services('pr-2-sweep')[0]?.life_cycle).toEqual({ delete_after_sleep: 7 * 86_400 });
    koyeb.addApp('pr-3-hello-world');
    koyeb.addService('pr-3-hello-world', { name: 'preview', image: 'ghcr.io/look/alike:1' });
    const before = koyeb.apps().map((a) => a.name);
    github.seedPulls('Codertocat', 'Hello-World', [
      { number: 2, state: 'closed', updatedAt: at(56) },
      { number: 3, state: 'closed', updatedAt: at(56) },
    ]);
    koyeb.clearRequests();
    const result = await runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository,
      githubApiUrl: github.url,
      inputs: { provider: 'koyeb', 'koyeb-api-token': koyebToken, 'github-token': githubToken, 'koyeb-api-url': koyeb.url, ttl: '7d' },
    });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'swept', destroyed: JSON.stringify(['pr-2-sweep']) });
    expect(koyeb.apps().map((a) => a.name)).toEqual(before.filter((name) => name !== 'pr-2-sweep'));
    expect(koyeb.apps().map((a) => a.name)).toContain('pr-3-hello-world');
    expect(result.stdout).toMatch(new RegExp(`${before.length - 1} of ${before.length} apps are not this repository's previews and were left alone`));
  });
});
