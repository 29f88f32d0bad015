// The bundled action, run as a runner runs it, through a whole PR life against the local doubles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly_e2e_secret_token_4b1d';
const githubToken = 'ghs_e2e_secret_token_9c2e';
const repository = 'Codertocat/Hello-World';
const app = 'pr-2-codertocat-hello-world';

let fly: FlySim;
let github: GitHubSim;

beforeAll(async () => {
  [fly, github] = await Promise.all([
    startFlySim({ tokens: [flyToken], bootMs: 150 }),
    startGitHubSim({ token: githubToken }),
  ]);
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

function run(action: string, inputs: Record<string, string>, changes = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload(action, changes),
    repository,
    githubApiUrl: github.url,
    inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'smoke-window': '0', ...inputs },
  });
}

/**
 * The runner swallows `::add-mask::` lines and masks what they name from then on; everything else
 * reaches the log, so no other line may hold a token, and the masks must come first.
 */
function expectNoSecrets(result: ActionRun): void {
  const lines = result.stdout.split('\n');
  const masks = lines.filter((l) => l.startsWith('::add-mask::'));
  expect(masks).toEqual(expect.arrayContaining([`::add-mask::${flyToken}`, `::add-mask::${githubToken}`]));
  expect(lines.slice(0, masks.length)).toEqual(masks);
  const visible = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  for (const text of [visible, result.stderr, result.summary, JSON.stringify(result.outputs)]) {
    expect(text).not.toContain(flyToken);
    expect(text).not.toContain(githubToken);
  }
}

const comments = () => github.comments('Codertocat', 'Hello-World', 2);
const mutations = () => fly.requests.filter((r) => r.method !== 'GET');

describe('a pull request from open to close', () => {
  const first = { headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', updatedAt: '2019-05-15T15:20:33Z' };
  const second = { headSha: '9f4a1c0d2b3e4f5a6b7c8d9e0f1a2b3c4d5e6f70', updatedAt: '2019-05-15T15:25:00Z' };
  let machineId = '';

  it('opened: creates the app, its IPs and one machine, waits for it, and comments once', async () => {
    const result = await run('opened', { image: 'registry.fly.io/hello:pr-2-one' }, first);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({
      status: 'deployed',
      'app-name': app,
      hostname: `${app}.fly.dev`,
      url: `https://${app}.fly.dev`,
    });
    machineId = result.outputs['machine-id'] ?? '';
    const machines = fly.machines(app);
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({ id: machineId, state: 'started' });
    expect(machines[0]?.config.image).toBe('registry.fly.io/hello:pr-2-one');
    expect(fly.ips(app).map((ip) => ip.type).sort()).toEqual(['shared_v4', 'v6']);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain(`Preview ready: https://${app}.fly.dev`);
    expect(comments()[0]?.body).toContain('`ec26c3e`');
    expect(result.stdout).toContain(`::notice::Preview ready: https://${app}.fly.dev`);
    expect(result.summary).toContain(`https://${app}.fly.dev`);
    expectNoSecrets(result);
  });

  it('synchronize: updates the same machine in place, waits on the new instance, edits the same comment', async () => {
    const before = fly.machines(app)[0]?.instance_id;
    fly.clearRequests();
    const result = await run('synchronize', { image: 'registry.fly.io/hello:pr-2-two' }, second);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['machine-id']).toBe(machineId);
    const [machine] = fly.machines(app);
    expect(fly.machines(app)).toHaveLength(1);
    expect(machine?.config.image).toBe('registry.fly.io/hello:pr-2-two');
    expect(machine?.instance_id).not.toBe(before);
    const waits = fly.requests.filter((r) => r.path.endsWith('/wait') && r.status === 200);
    expect(waits.some((w) => w.query['version'] === machine?.instance_id)).toBe(true);
    expect(fly.requests.some((r) => r.method === 'POST' && r.path === '/v1/apps')).toBe(false);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('`9f4a1c0`');
  });

  it('a re-run of the same event changes nothing and duplicates nothing', async () => {
    fly.clearRequests();
    const result = await run('synchronize', { image: 'registry.fly.io/hello:pr-2-two' }, second);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(mutations()).toEqual([]);
    expect(fly.machines(app)).toHaveLength(1);
    expect(comments()).toHaveLength(1);
  });

  it('a re-run of an older commit is superseded and leaves the newer deploy alone', async () => {
    fly.clearRequests();
    const result = await run('opened', { image: 'registry.fly.io/hello:pr-2-one' }, first);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toMatch(/Superseded/);
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:pr-2-two');
    expect(comments()[0]?.body).toContain('`9f4a1c0`');
  });

  it('closed: deletes the app and says so in the same comment', async () => {
    const result = await run('closed', {}, { ...second, updatedAt: '2019-05-15T15:30:00Z' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('Preview destroyed');
    expectNoSecrets(result);
  });

  it('closed again: a no-op that succeeds', async () => {
    const result = await run('closed', {}, { ...second, updatedAt: '2019-05-15T15:31:00Z' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(result.stdout).toContain('already gone');
    expect(comments()).toHaveLength(1);
  });
});
