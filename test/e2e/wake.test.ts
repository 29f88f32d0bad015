// Warm on review, run as a runner runs it with GitHub's own `review_requested` and
// `ready_for_review` payloads: a Fly machine fly-proxy suspended or stopped is started (never
// redeployed) in three requests, a paused Koyeb service is resumed, and the comment keeps all it
// said and shows when the preview was last woken. No preview, or ComfyDeploy, is a skip that says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, webhookExample, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';
import { startKoyebSim, type KoyebSim } from '../sim/koyeb.ts';

const flyToken = 'fly_wake_secret_token_0b7e';
const koyebToken = 'koyeb_wake_secret_token_4d21';
const githubToken = 'ghs_wake_secret_token_5a90';
const repository = 'Codertocat/Hello-World';
const flyApp = 'pr-2-codertocat-hello-world';

let fly: FlySim;
let koyeb: KoyebSim;
let github: GitHubSim;

beforeAll(async () => {
  [fly, koyeb, github] = await Promise.all([
    startFlySim({ tokens: [flyToken], bootMs: 150, resumeMs: 40 }),
    startKoyebSim({ tokens: [koyebToken], deployMs: 150 }),
    startGitHubSim({ token: githubToken }),
  ]);
});
afterAll(async () => {
  await Promise.all([fly?.close(), koyeb?.close(), github?.close()]);
});

/** A run of GitHub's own example payload for `action` (Codertocat/Hello-World#2). */
function run(action: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: action === 'opened' ? pullRequestPayload('opened') : webhookExample('pull_request', action),
    repository,
    githubApiUrl: github.url,
    inputs: { 'github-token': githubToken, 'smoke-window': '0', ...inputs },
  });
}

const onFly = (action: string, inputs: Record<string, string> = {}) =>
  run(action, { 'fly-api-token': flyToken, 'fly-api-url': fly.url, image: 'registry.fly.io/hello:pr-2', ...inputs });
const comment = () => github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body ?? '';

describe('a review starting on Fly', () => {
  let machineId = '';

  beforeAll(async () => {
    const deployed = await onFly('opened');
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    machineId = deployed.outputs['machine-id'] ?? '';
  });

  it('review_requested resumes a suspended machine in 3 requests, redeploys nothing, and the comment says when', async () => {
    fly.idle(flyApp, machineId, 'suspend');
    const before = comment();
    const instance = fly.machines(flyApp)[0]?.instance_id;
    fly.clearRequests();
    // No image input: a wake builds and deploys nothing.
    const result = await onFly('review_requested', { image: '' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'woken', 'app-name': flyApp, 'machine-id': machineId, url: `https://${flyApp}.fly.dev` });
    expect(fly.machines(flyApp)[0]).toMatchObject({ state: 'started', instance_id: instance });
    expect(fly.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/apps/${flyApp}/machines`,
      `POST /v1/apps/${flyApp}/machines/${machineId}/start`,
      `GET /v1/apps/${flyApp}/machines/${machineId}/wait`,
    ]);
    expect(fly.requests[2]?.query).toMatchObject({ state: 'started', version: instance });
    expect(result.stdout).toMatch(new RegExp(`::notice::Woke the preview of PR #2 for its review in [0-9.]+ s: started ${machineId} \\(was suspended\\); https://${flyApp}.fly.dev`));

    // Everything the deploy's comment said is still there, with the wake added.
    const after = comment();
    expect(github.comments('Codertocat', 'Hello-World', 2)).toHaveLength(1);
    expect(after).toMatch(/\| \*\*Last woken\*\* \| \d{4}-\d\d-\d\d \d\d:\d\d UTC, when a review started \(1 machine started\) \|/);
    const visible = (body: string) => body.split('\n').filter((l) => !l.startsWith('<!--') && !l.includes('Last woken'));
    expect(visible(after)).toEqual(visible(before));
    expect(result.summary).toContain('Last woken');
  });

  it('ready_for_review starts a stopped machine the same way', async () => {
    fly.idle(flyApp, machineId, 'stop');
    fly.clearRequests();
    const result = await onFly('ready_for_review');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('woken');
    expect(fly.machines(flyApp)[0]?.state).toBe('started');
    expect(fly.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/v1/apps/${flyApp}/machines/${machineId}/start`]);
  });

  it('a machine already running is left alone', async () => {
    fly.clearRequests();
    const result = await onFly('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(result.stdout).toContain('::notice::The preview of PR #2 is already running');
    expect(comment()).toContain('already running');
  });

  it('a machine caught on its way down is waited out with the blocking wait, then started', async () => {
    // Long enough that the action, however late a busy machine starts it, meets the machine still stopping.
    fly.idle(flyApp, machineId, 'stop', { settleMs: 2_000 });
    const instance = fly.machines(flyApp)[0]?.instance_id;
    fly.clearRequests();
    const result = await onFly('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('woken');
    expect(fly.machines(flyApp)[0]?.state).toBe('started');
    expect(fly.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/apps/${flyApp}/machines`,
      `GET /v1/apps/${flyApp}/machines/${machineId}/wait`,
      `POST /v1/apps/${flyApp}/machines/${machineId}/start`,
      `GET /v1/apps/${flyApp}/machines/${machineId}/wait`,
    ]);
    expect(fly.requests[1]?.queryAll).toMatchObject({ state: ['stopped', 'suspended'], version: [instance] });
    expect(result.stdout).toContain(`started ${machineId} (was stopping)`);
  });

  it('a failed machine is reported as failed, not woken', async () => {
    fly.machineFails(flyApp, machineId, 'host lost');
    fly.clearRequests();
    const result = await onFly('review_requested');
    expect(result.exitCode).toBe(1);
    expect(result.outputs['status']).toBe('failed');
    expect(result.stdout).toContain(`::error::Could not wake the preview of PR #2 (app ${flyApp}): machine ${machineId} is failed, which a wake does not start`);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a machine a deploy holds the lease of is left to that deploy, which starts it', async () => {
    fly.idle(flyApp, machineId, 'stop');
    fly.holdLease(flyApp, machineId, 30);
    fly.clearRequests();
    const result = await onFly('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain(`::notice::Nothing to wake for PR #2: a deploy is changing machine ${machineId} and starts it itself.`);
    expect(fly.requests.find((r) => r.path.endsWith('/start'))?.status).toBe(409);
    expect(fly.machines(flyApp)[0]?.state).toBe('stopped');
  });

  it('without a preview there is nothing to wake: a skip with a notice', async () => {
    const closed = await onFly('closed');
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0);
    fly.clearRequests();
    const result = await onFly('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain(`::notice::PR #2 has no preview to wake (app ${flyApp}); nothing to do.`);
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('a review starting on Koyeb', () => {
  const onKoyeb = (action: string) =>
    run(action, { provider: 'koyeb', 'koyeb-api-token': koyebToken, 'koyeb-api-url': koyeb.url, image: 'ghcr.io/acme/hello:pr-2', 'wait-timeout': '20', 'smoke-window': '' });

  it('a paused service is resumed and waited on until HEALTHY; no new definition is deployed', async () => {
    const deployed = await onKoyeb('opened');
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    const [service] = koyeb.services('pr-2-hello-world');
    koyeb.pauseService('pr-2-hello-world');
    expect(koyeb.services('pr-2-hello-world')[0]?.status).toBe('PAUSED');
    koyeb.clearRequests();
    const result = await onKoyeb('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'woken', 'machine-id': service?.id });
    expect(koyeb.services('pr-2-hello-world')[0]).toMatchObject({ status: 'HEALTHY', definition: service?.definition });
    const changes = koyeb.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(changes).toEqual([`POST /v1/services/${service?.id}/resume`]);
    expect(result.stdout).toContain(`started ${service?.id} (was PAUSED)`);
    expect(comment()).toContain('Last woken');
  });

  it('a service that is running is left alone', async () => {
    koyeb.clearRequests();
    const result = await onKoyeb('review_requested');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(koyeb.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(result.stdout).toContain('is already running');
  });
});

describe('a review starting on ComfyDeploy', () => {
  it('is a skip that says its machines are serverless, with no call made', async () => {
    const result = await run('review_requested', {
      provider: 'comfydeploy',
      'comfydeploy-api-token': 'cd_wake_token',
      'comfydeploy-api-url': 'http://127.0.0.1:9',
      'comfyui-version': '094306b626e9cf505690c5d8b445032b3b8a36fa',
      'smoke-window': '',
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain('::notice::Nothing to wake for PR #2: ComfyDeploy machines are serverless');
  });
});
