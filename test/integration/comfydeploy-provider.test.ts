// The ComfyDeploy provider against the local ComfyDeploy simulator, in-process: the preview
// lifecycle of a custom-node pull request and the safety rules a user relies on (racing runs, lost
// answers, bad token, rate limits, ownership, soft deletion, secrets).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressLog } from '../../src/provider.js';
import {
  ComfyDeployAuthError,
  ComfyDeployPlanError,
  createComfyDeployProvider,
  type ComfyDeployDeployRequest,
  type ComfyDeployOutcome,
  type ComfyDeployPreviewProvider,
} from '../../src/providers/comfydeploy/index.js';
import { startComfyDeploySim, type ComfyDeploySim } from '../sim/comfydeploy.ts';

const token = 'comfydeploy-test-token';
const comfy = '094306b626e9cf505690c5d8b445032b3b8a36fa';
const nodeUrl = 'https://github.com/acme/ComfyUI-Acme.git';
const extraUrl = 'https://github.com/cubiq/ComfyUI_essentials';
const sha = (c: string) => c.repeat(40);
let sim: ComfyDeploySim;
let provider: ComfyDeployPreviewProvider;
let lines: string[];

const log: ProgressLog = {
  info: (m) => void lines.push(`info ${m}`),
  warning: (m) => void lines.push(`warning ${m}`),
  debug: (m) => void lines.push(`debug ${m}`),
  changing: () => void lines.push('changing'),
};

function make(options: { token?: string; url?: string } = {}): ComfyDeployPreviewProvider {
  return createComfyDeployProvider({
    apiUrl: options.url ?? `${sim.url}/api`,
    token: options.token ?? token,
    pollIntervalsMs: [20, 40, 80],
    lookAgainDelaysMs: [30, 60, 120],
    retryPolicy: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 5_000 },
  });
}

function request(overrides: Partial<ComfyDeployDeployRequest> = {}): ComfyDeployDeployRequest {
  return {
    appName: 'pr-7-comfyui-acme',
    org: 'ignored-on-comfydeploy',
    ownerLabels: { fly_preview_repo: 'acme/ComfyUI-Acme', fly_preview_pr: '7' },
    revision: { id: sha('a'), order: 1_000 },
    waitTimeoutMs: 10_000,
    source: { repositoryUrl: nodeUrl, commit: sha('a'), subPath: '' },
    comfyuiVersion: comfy,
    gpu: 'CPU',
    ...overrides,
  };
}

const push = (c: string, order: number, overrides: Partial<ComfyDeployDeployRequest> = {}) =>
  request({ revision: { id: sha(c), order }, source: { repositoryUrl: nodeUrl, commit: sha(c), subPath: '' }, ...overrides });
const target = () => ({ appName: 'pr-7-comfyui-acme', org: 'ignored-on-comfydeploy', ownerLabels: request().ownerLabels });
const calls = (method: string, path: RegExp | string) =>
  sim.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
const live = () => sim.machines().filter((m) => !m.deleted);

beforeEach(async () => {
  sim = await startComfyDeploySim({ buildMs: 100 });
  provider = make();
  lines = [];
});

afterEach(async () => {
  await provider.close();
  await sim.close();
  // /api/gpu_event is the platform's own callback; the action never calls it.
  expect(calls('POST', '/api/gpu_event')).toBe(0);
});

function expectReady(outcome: ComfyDeployOutcome, change: string): void {
  expect(outcome).toMatchObject({ kind: 'ready', change, appName: 'pr-7-comfyui-acme' });
  expect(outcome.url).toBe(`https://app.comfydeploy.com/machines/${outcome.machineId}`);
}

describe('ComfyDeploy provider lifecycle', () => {
  it('open → push (a rebuild) → re-run → failing import (named node) → fix → destroy → destroy again', async () => {
    expect(provider.hostnameFor('pr-7-comfyui-acme')).toBeUndefined();
    const opened = await provider.deploy(request({ extraNodes: [{ url: extraUrl, commit: sha('e') }] }), log);
    expectReady(opened, 'created');
    const [machine] = live();
    expect(machine).toMatchObject({ name: 'pr-7-comfyui-acme', gpu: 'CPU', comfyui_version: comfy, keep_warm: 0 });
    expect(machine?.docker_command_steps).toMatchObject({
      steps: [
        { id: 'fly-preview-extra-1', type: 'custom-node', data: { url: extraUrl, hash: sha('e'), install_type: 'git-clone' } },
        { id: 'fly-preview-node', type: 'custom-node', data: { url: nodeUrl, hash: sha('a'), install_type: 'git-clone' } },
      ],
      fly_preview: { labels: request().ownerLabels, source: nodeUrl, revision: sha('a') },
    });

    const pushed = await provider.deploy(push('b', 2_000, { extraNodes: [{ url: extraUrl, commit: sha('e') }] }), log);
    expectReady(pushed, 'updated');
    expect(pushed.machineId).toBe(opened.machineId);
    expect(live()).toHaveLength(1);
    expect(live()[0]?.versions.map((v) => v.status)).toEqual(['ready', 'ready']);

    sim.clearRequests();
    lines = [];
    const rerun = await provider.deploy(push('b', 2_500, { extraNodes: [{ url: extraUrl, commit: sha('e') }] }), log);
    expectReady(rerun, 'unchanged');
    expect(lines).not.toContain('changing');
    expect(calls('PATCH', /^\/api\/machine\/serverless\//)).toBe(0);
    expect(calls('POST', '/api/machine/serverless')).toBe(0);

    sim.nodeFailsToImport(nodeUrl);
    const broken = await provider.deploy(push('c', 3_000), log);
    expect(broken).toMatchObject({ kind: 'failed', state: 'import-failed', machineId: opened.machineId });
    if (broken.kind !== 'failed') throw new Error('expected a failure');
    expect(broken.reason).toContain("ComfyUI could not import custom node ComfyUI-Acme (this pull request's node)");
    expect(broken.recentEvents.some((e) => e.includes('(IMPORT FAILED): /comfyui/custom_nodes/ComfyUI-Acme'))).toBe(true);
    expect(broken.recentEvents.some((e) => e.startsWith('Cannot import /comfyui/custom_nodes/ComfyUI-Acme'))).toBe(true);

    sim.nodeBuildsNormally(nodeUrl);
    const fixed = await provider.deploy(push('d', 4_000), log);
    expectReady(fixed, 'updated');
    expect(live()[0]?.versions).toHaveLength(4);

    const destroyed = await provider.destroy(target(), log);
    expect(destroyed).toEqual({ kind: 'app-destroyed', appName: 'pr-7-comfyui-acme', machineIds: [opened.machineId] });
    expect(live()).toEqual([]);
    expect(sim.requests.some((r) => r.method === 'DELETE' && r.query['force'] === 'true')).toBe(true);

    sim.clearRequests();
    expect(await provider.destroy(target(), log)).toEqual({ kind: 'absent', appName: 'pr-7-comfyui-acme' });
    expect(sim.requests.every((r) => r.method === 'GET')).toBe(true);
    // The lookup excludes deleted machines (the listing shows them otherwise).
    expect(sim.requests[0]?.query).toMatchObject({ search: 'pr-7-comfyui-acme', is_deleted: 'false', include_docker_command_steps: 'true' });
  });

  it('a build error fails with the tail of the build log; a re-run of the same commit asks for a rebuild', async () => {
    sim.nodeFailsToBuild(nodeUrl, ['Collecting torch==0.0.1', 'ERROR: No matching distribution found for torch==0.0.1']);
    const failed = await provider.deploy(request(), log);
    expect(failed).toMatchObject({ kind: 'failed', state: 'error' });
    if (failed.kind !== 'failed') throw new Error('expected a failure');
    expect(failed.reason).toContain('The build failed (version 1 ended in error)');
    expect(failed.recentEvents.slice(-2)).toEqual(['ERROR: No matching distribution found for torch==0.0.1', 'Unable to build the app image.']);

    sim.nodeBuildsNormally(nodeUrl);
    const retried = await provider.deploy(request({ revision: { id: sha('a'), order: 1_500 } }), log);
    expectReady(retried, 'updated');
    expect(live()[0]?.versions.map((v) => v.status)).toEqual(['error', 'ready']);
  });

  it('names an extra node whose import failed, from the machine import_failed_logs when the API writes them', async () => {
    await sim.close();
    sim = await startComfyDeploySim({ buildMs: 60, writeImportFailedLogs: true });
    await provider.close();
    provider = make();
    sim.nodeFailsToImport(extraUrl);
    const outcome = await provider.deploy(request({ extraNodes: [{ url: extraUrl, commit: sha('e') }] }), log);
    expect(outcome).toMatchObject({ kind: 'failed', state: 'import-failed' });
    if (outcome.kind === 'failed') expect(outcome.reason).toContain('ComfyUI_essentials (from custom-nodes)');
  });

  it('a node in a sub-folder is installed by a commands step that copies that folder', async () => {
    sim.nodeFailsToImport(nodeUrl, 'acme_nodes');
    const outcome = await provider.deploy(request({ source: { repositoryUrl: nodeUrl, commit: sha('a'), subPath: 'nodes/acme_nodes' } }), log);
    const step = (live()[0]?.docker_command_steps as { steps: { type: string; data: string }[] } | undefined)?.steps[0];
    expect(step?.type).toBe('commands');
    expect(step?.data).toContain(`git clone --recursive ${nodeUrl} /tmp/fly-preview-source`);
    expect(step?.data).toContain('cp -r /tmp/fly-preview-source/nodes/acme_nodes /comfyui/custom_nodes/acme_nodes');
    expect(outcome).toMatchObject({ kind: 'failed', state: 'import-failed' });
    if (outcome.kind === 'failed') expect(outcome.reason).toContain("acme_nodes (this pull request's node)");
  });

  it('a build that never ends fails at wait-timeout, polling its version with pauses, not in a storm', async () => {
    sim.nodeNeverFinishes(nodeUrl);
    const outcome = await provider.deploy(request({ waitTimeoutMs: 600 }), log);
    expect(outcome).toMatchObject({ kind: 'failed', state: 'building' });
    if (outcome.kind === 'failed') expect(outcome.reason).toContain('did not finish within 1 s (wait-timeout)');
    expect(calls('GET', /\/versions\//)).toBeLessThan(15);
    expect(calls('GET', /^\/api\/machine\/[^/]+$/)).toBeLessThan(3);
  });

  it('an older revision never replaces a newer one: superseded', async () => {
    await provider.deploy(push('9', 5_000), log);
    const old = await provider.deploy(push('8', 4_000), log);
    expect(old).toMatchObject({ kind: 'superseded', deployedRevisionId: sha('9') });
    expect(live()[0]?.versions).toHaveLength(1);
  });

  it('another revision of the same order leaves the one already deployed in place: superseded', async () => {
    await provider.deploy(push('9', 5_000), log);
    const tie = await provider.deploy(push('8', 5_000), log);
    expect(tie).toMatchObject({ kind: 'superseded', deployedRevisionId: sha('9') });
    expect(live()[0]?.versions).toHaveLength(1);
  });
});

describe('ComfyDeploy provider safety', () => {
  it('racing first runs converge on the oldest machine; the newer one is deleted', async () => {
    const other = make();
    try {
      const [a, b] = await Promise.all([provider.deploy(request(), log), other.deploy(request(), log)]);
      expect(a.kind).toBe('ready');
      expect(b.kind).toBe('ready');
      expect(a.machineId).toBe(b.machineId);
      // Both looked before either created, so the API holds two machines of one name; the newer is deleted.
      expect(sim.machines()).toHaveLength(2);
      expect(live()).toHaveLength(1);
      expect(live()[0]?.id).toBe(sim.machines()[0]?.id);
    } finally {
      await other.close();
    }
  });

  it('racing runs of two pushes leave the newer revision in place', async () => {
    await provider.deploy(request(), log);
    const other = make();
    try {
      const [older, newer] = await Promise.all([provider.deploy(push('b', 2_000), log), other.deploy(push('c', 3_000), log)]);
      expect(newer.kind).toBe('ready');
      expect(['ready', 'superseded']).toContain(older.kind);
      expect((live()[0]?.docker_command_steps as { fly_preview: { revision: string } } | undefined)?.fly_preview.revision).toBe(sha('c'));
    } finally {
      await other.close();
    }
  });

  it('a create whose answer was lost is looked up, not made twice', async () => {
    sim.loseAnswerNext({ method: 'POST', path: '/api/machine/serverless' });
    const outcome = await provider.deploy(request(), log);
    expectReady(outcome, 'created');
    expect(sim.machines()).toHaveLength(1);
    expect(calls('POST', '/api/machine/serverless')).toBe(1);
    expect(lines.some((l) => l.includes('was lost'))).toBe(true);
  });

  it('a create answered 503 is looked up before it is sent again', async () => {
    sim.failNext({ method: 'POST', path: '/api/machine/serverless' }, { status: 503, body: { detail: 'upstream unavailable' } });
    const outcome = await provider.deploy(request(), log);
    expectReady(outcome, 'created');
    expect(sim.machines()).toHaveLength(1);
  });

  it('an update whose answer was lost is not sent again', async () => {
    await provider.deploy(request(), log);
    sim.loseAnswerNext({ method: 'PATCH', path: /^\/api\/machine\/serverless\// });
    expectReady(await provider.deploy(push('b', 2_000), log), 'updated');
    expect(calls('PATCH', /^\/api\/machine\/serverless\//)).toBe(1);
    expect(live()[0]?.versions).toHaveLength(2);
  });

  it('retries reads through 429 (honouring Retry-After) and 5xx', async () => {
    sim.failNext({ method: 'GET', path: '/api/machines' }, { status: 429, body: { detail: 'Too Many Requests' }, retryAfter: '0' });
    sim.failNext({ method: 'GET', path: /\/versions\// }, { status: 502 }, 2);
    expectReady(await provider.deploy(request(), log), 'created');
  });

  it('a bad token fails at the first call, naming the input, never printing the token', async () => {
    const secret = 'cd-bad-token-that-must-never-show';
    const bad = make({ token: secret });
    try {
      const error = (await bad.deploy(request(), log).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ComfyDeployAuthError);
      expect(error.message).toContain('ComfyDeploy API refused the token (401');
      expect(error.message).toContain('Invalid or expired token');
      expect(error.message).toContain('comfydeploy-api-token');
      expect(error.message).not.toContain(secret);
      expect(sim.requests).toHaveLength(1);
    } finally {
      await bad.close();
    }
  });

  it('a plan limit (403) says so, and is not reported as a bad token', async () => {
    sim.machineLimitReached();
    const error = (await provider.deploy(request(), log).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ComfyDeployPlanError);
    expect(error.message).toContain("refused by the organisation's ComfyDeploy plan (403): You have reached your machine limit of 3 machines.");
    expect(error.message).toMatch(/request id [0-9a-f-]{36}/);
  });

  it('a deleted machine is never patched: a reopened pull request gets a new machine', async () => {
    const first = await provider.deploy(request(), log);
    await provider.destroy(target(), log);
    sim.clearRequests();
    const reopened = await provider.deploy(push('b', 2_000), log);
    expectReady(reopened, 'created');
    expect(reopened.machineId).not.toBe(first.machineId);
    expect(calls('PATCH', `/api/machine/serverless/${first.machineId}`)).toBe(0);
    expect(sim.machines().find((m) => m.id === first.machineId)?.versions).toHaveLength(1);
  });

  it('a machine of our name that fly-preview did not create is never touched', async () => {
    const foreign = sim.addMachine('pr-7-comfyui-acme', { steps: [{ type: 'custom-node', data: { url: nodeUrl, hash: sha('f'), install_type: 'git-clone' } }] });
    const error = (await provider.deploy(request(), log).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('already has a machine named "pr-7-comfyui-acme" that fly-preview did not create');
    expect(error.message).toContain('app-name');
    expect(calls('PATCH', /./) + calls('DELETE', /./) + calls('POST', /./)).toBe(0);

    const destroyed = await provider.destroy(target(), log);
    expect(destroyed).toEqual({ kind: 'machines-destroyed', appName: 'pr-7-comfyui-acme', machineIds: [], foreignMachines: [{ id: foreign.id, name: 'pr-7-comfyui-acme' }] });
    expect(lines.some((l) => l.startsWith('warning') && l.includes(foreign.id))).toBe(true);
    expect(live()).toHaveLength(1);
  });

  it('a machine with our marker but without our node step (edited by hand) is not ours either', async () => {
    sim.addMachine('pr-7-comfyui-acme', { steps: [], marker: { labels: request().ownerLabels, source: nodeUrl, revision: sha('a'), order: 1 } });
    await expect(provider.deploy(request(), log)).rejects.toThrow('did not create');
  });

  it('destroy deletes with force even with a reviewer workflow attached, and sets keep_warm to 0 first when needed', async () => {
    const { machineId } = await provider.deploy(request(), log);
    sim.attachWorkflow(machineId, 'reviewer-flow');
    sim.setKeepWarm(machineId, 1);
    expect(await provider.destroy(target(), log)).toMatchObject({ kind: 'app-destroyed', machineIds: [machineId] });
    expect(sim.machines()[0]).toMatchObject({ deleted: true, keep_warm: 0 });
  });

  it('never prints the token or a machine auth_token', async () => {
    sim.nodeFailsToImport(nodeUrl);
    await provider.deploy(request(), log);
    sim.nodeBuildsNormally(nodeUrl);
    await provider.deploy(push('b', 2_000), log);
    await provider.destroy(target(), log);
    const printed = lines.join('\n');
    expect(printed).not.toContain(token);
    for (const secret of sim.authTokens()) expect(printed).not.toContain(secret);
  });

  it('finds this repository previews by their marker for a sweep', async () => {
    await provider.deploy(request(), log);
    sim.addMachine('pr-9-comfyui-acme', { steps: [] });
    const found = await provider.listPreviews({ org: 'ignored-on-comfydeploy', labels: { fly_preview_repo: 'acme/ComfyUI-Acme' }, keys: ['fly_preview_pr'] }, log);
    expect(found.previews).toEqual([
      { appName: 'pr-7-comfyui-acme', machines: [expect.objectContaining({ labels: { fly_preview_repo: 'acme/ComfyUI-Acme', fly_preview_pr: '7' } })] },
    ]);
    expect(found).toMatchObject({ appsExamined: 2, appsLeftAlone: 1 });
  });
});
