// The bundled action with `provider: comfydeploy`, run as a runner runs it against the local
// ComfyDeploy and GitHub doubles: a custom-node PR from open to close, through a node that fails to
// import and its fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun, type PullRequestChanges } from '../sim/action-runner.ts';
import { startComfyDeploySim, type ComfyDeploySim } from '../sim/comfydeploy.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const comfyToken = 'comfydeploy_e2e_secret_token_3c9b';
const githubToken = 'ghs_e2e_secret_token_9c2e';
const comfyui = '094306b626e9cf505690c5d8b445032b3b8a36fa';
const repository = 'Codertocat/Hello-World';
/** The head repository's clone URL: what ComfyDeploy clones the PR's node from. */
const nodeUrl = 'https://github.com/Codertocat/Hello-World.git';
const forkUrl = 'https://github.com/octocat/Hello-World.git';
/** comfyDeployMachineName('Codertocat', 'Hello-World', 2). */
const machine = 'pr-2-hello-world';

let comfy: ComfyDeploySim;
let github: GitHubSim;

beforeAll(async () => {
  [comfy, github] = await Promise.all([startComfyDeploySim({ tokens: [comfyToken], buildMs: 200 }), startGitHubSim({ token: githubToken })]);
});
afterAll(async () => {
  await Promise.all([comfy?.close(), github?.close()]);
});

function run(action: string, changes: PullRequestChanges, inputs: Record<string, string> = {}, eventName = 'pull_request'): Promise<ActionRun> {
  return runAction({
    eventName,
    payload: pullRequestPayload(action, changes),
    repository,
    githubApiUrl: github.url,
    inputs: {
      provider: 'comfydeploy',
      'comfydeploy-api-token': comfyToken,
      'comfydeploy-api-url': `${comfy.url}/api`,
      'comfyui-version': comfyui,
      'github-token': githubToken,
      'wait-timeout': '20',
      ...inputs,
    },
  });
}

const log = (result: ActionRun) => result.stdout + result.stderr;
const comments = () => github.comments('Codertocat', 'Hello-World', 2);
const live = () => comfy.machines().filter((m) => !m.deleted);
const at = (minute: number) => `2019-05-15T16:${String(minute).padStart(2, '0')}:00Z`;
const sha = (c: string) => c.repeat(40);

function expectNoSecrets(result: ActionRun): void {
  const lines = result.stdout.split('\n');
  const masks = lines.filter((l) => l.startsWith('::add-mask::'));
  expect(masks).toEqual(expect.arrayContaining([`::add-mask::${comfyToken}`, `::add-mask::${githubToken}`]));
  expect(lines.slice(0, masks.length)).toEqual(masks);
  const visible = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const bodies = comments().map((c) => c.body).join('\n');
  for (const text of [visible, result.stderr, result.summary, JSON.stringify(result.outputs), bodies]) {
    expect(text).not.toContain(comfyToken);
    expect(text).not.toContain(githubToken);
    for (const machineToken of comfy.authTokens()) expect(text).not.toContain(machineToken);
  }
}

/** The custom-node step that installs the PR's node, as the machine holds it. */
function nodeStep(): Record<string, unknown> | undefined {
  const steps = (live()[0]?.docker_command_steps['steps'] ?? []) as { type?: string; data?: Record<string, unknown> }[];
  return steps.find((s) => s.type === 'custom-node' && s.data?.['url'] !== undefined && String(s.data['url']).includes('Hello-World'))?.data;
}

describe('comfydeploy: a custom-node pull request from open to close', () => {
  let machineId = '';

  it('opened: builds one machine from the PR head commit on the pinned ComfyUI, and links its dashboard page', async () => {
    const result = await run('opened', { headSha: sha('a'), updatedAt: at(0) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(live()).toHaveLength(1);
    machineId = live()[0]?.id ?? '';
    const page = `https://app.comfydeploy.com/machines/${machineId}`;
    expect(result.outputs).toMatchObject({ status: 'deployed', 'app-name': machine, 'machine-id': machineId, url: page, hostname: '' });
    expect(live()[0]).toMatchObject({ name: machine, gpu: 'CPU', comfyui_version: comfyui });
    expect(nodeStep()).toMatchObject({ url: nodeUrl, hash: sha('a'), install_type: 'git-clone' });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain(`Preview ready: ${page}`);
    expect(comments()[0]?.body).toContain('needs a ComfyDeploy login to the organisation that owns the machine');
    expect(comfy.requests.some((r) => r.path.endsWith('/gpu_event'))).toBe(false);
    expectNoSecrets(result);
  });

  it('synchronize: rebuilds the same machine at the new head commit and edits the same comment', async () => {
    const builds = comfy.buildsStarted();
    const result = await run('synchronize', { headSha: sha('b'), updatedAt: at(5) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['machine-id']).toBe(machineId);
    expect(live()).toHaveLength(1);
    expect(comfy.buildsStarted()).toBe(builds + 1);
    expect(comfy.requests.some((r) => r.method === 'PATCH' && r.path === `/api/machine/serverless/${machineId}`)).toBe(true);
    expect(nodeStep()).toMatchObject({ url: nodeUrl, hash: sha('b') });
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('`bbbbbbb`');
  });

  it('a push whose node fails to import fails the step naming the node, with the build log lines about it', async () => {
    comfy.nodeFailsToImport(nodeUrl);
    const result = await run('synchronize', { headSha: sha('c'), updatedAt: at(10) });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ status: 'failed', 'machine-id': machineId });
    expect(result.stdout).toMatch(/::error::Preview failed: The build is ready, but ComfyUI could not import custom node Hello-World \(this pull request's node\)/);
    expect(result.stdout).toMatch(/ {2}event: .*\(IMPORT FAILED\)/);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('❌ Preview failed');
    expect(comments()[0]?.body).toContain('(IMPORT FAILED)');
    expect(live()).toHaveLength(1);
    expectNoSecrets(result);
  });

  it('the fix rebuilds the same machine and is ready again', async () => {
    comfy.nodeBuildsNormally(nodeUrl);
    const result = await run('synchronize', { headSha: sha('d'), updatedAt: at(15) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'deployed', 'machine-id': machineId });
    expect(comments()[0]?.body).toContain('✅ Preview ready');
  });

  it('closed: deletes the machine (force) and says so in the same comment; a second close is a no-op', async () => {
    const result = await run('closed', { headSha: sha('d'), updatedAt: at(20) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(live()).toEqual([]);
    expect(comfy.requests.some((r) => r.method === 'DELETE' && r.path === `/api/machine/${machineId}` && r.query['force'] === 'true')).toBe(true);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('Preview destroyed');
    const again = await run('closed', { headSha: sha('d'), updatedAt: at(21) });
    expect(again.exitCode, log(again)).toBe(0);
    expect(again.stdout).toContain('already gone');
    expectNoSecrets(again);
  });

  it('reopened: a new machine, never the soft-deleted one', async () => {
    const result = await run('reopened', { headSha: sha('d'), updatedAt: at(25) });
    expect(result.exitCode, log(result)).toBe(0);
    expect(live()).toHaveLength(1);
    expect(live()[0]?.id).not.toBe(machineId);
    await run('closed', { headSha: sha('d'), updatedAt: at(26) });
  });
});

describe('comfydeploy: racing runs, forks and inputs', () => {
  it('two pushes at once end with one machine building the newer commit, and one comment; both exit 0', async () => {
    const [older, newer] = await Promise.all([
      run('synchronize', { headSha: sha('1'), updatedAt: at(40) }),
      run('synchronize', { headSha: sha('2'), updatedAt: at(41) }),
    ]);
    expect(older.exitCode, log(older)).toBe(0);
    expect(newer.exitCode, log(newer)).toBe(0);
    expect(live()).toHaveLength(1);
    expect(nodeStep()).toMatchObject({ hash: sha('2') });
    expect(comments().filter((c) => c.body.includes(`app="${machine}"`))).toHaveLength(1);
    await run('closed', { headSha: sha('2'), updatedAt: at(42) });
  });

  it("a fork PR (allowed) is built from the fork's clone URL, which can fetch the PR's commit", async () => {
    const result = await run('opened', { headSha: sha('e'), updatedAt: at(30), headRepo: 'octocat/Hello-World' }, { 'allow-forks': 'true' }, 'pull_request_target');
    expect(result.exitCode, log(result)).toBe(0);
    expect(nodeStep()).toMatchObject({ url: forkUrl, hash: sha('e') });
    const closed = await run('closed', { headSha: sha('e'), updatedAt: at(31), headRepo: 'octocat/Hello-World' }, {}, 'pull_request_target');
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(live()).toEqual([]);
  });

  it('an image input (meaningless here) fails before any call, naming the input and the provider', async () => {
    comfy.clearRequests();
    const result = await run('opened', { headSha: sha('f'), updatedAt: at(35) }, { image: 'ghcr.io/acme/app:1' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Input 'image' means nothing with provider: comfydeploy/);
    expect(comfy.requests).toEqual([]);
  });
});

describe('comfydeploy: build failures and the sweep', () => {
  it('a build that fails shows the tail of its build log in the log and the comment', async () => {
    comfy.nodeFailsToBuild(nodeUrl, ['Collecting torch==9.9', 'ERROR: No matching distribution found for torch==9.9']);
    const result = await run('synchronize', { headSha: sha('5'), updatedAt: at(45) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Preview failed: The build failed \(version \d+ ended in error\)/);
    expect(result.stdout).toContain('  event: ERROR: No matching distribution found for torch==9.9');
    expect(comments()[0]?.body).toContain('No matching distribution found for torch==9.9');
    comfy.nodeBuildsNormally(nodeUrl);
  });

  it("a sweep deletes this repository's machine of a closed PR and never a machine without our marker", async () => {
    comfy.addMachine('pr-3-hello-world', { steps: [] });
    github.seedPulls('Codertocat', 'Hello-World', [
      { number: 2, state: 'closed', updatedAt: at(50) },
      { number: 3, state: 'closed', updatedAt: at(50) },
    ]);
    const result = await runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository,
      githubApiUrl: github.url,
      inputs: {
        provider: 'comfydeploy',
        'comfydeploy-api-token': comfyToken,
        'comfydeploy-api-url': `${comfy.url}/api`,
        'comfyui-version': comfyui,
        'github-token': githubToken,
      },
    });
    expect(result.exitCode, log(result)).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'swept', destroyed: JSON.stringify([machine]) });
    expect(live().map((m) => m.name)).toEqual(['pr-3-hello-world']);
  });
});
