// The ComfyDeploy simulator's own behaviour that the provider tests rely on: if these drift from
// the real API (test/sim/COMFYDEPLOY_API.md), every test built on the simulator would prove less.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startComfyDeploySim, type ComfyDeploySim } from './comfydeploy.ts';

let sim: ComfyDeploySim;
const token = 'sim-token';
const comfy = '094306b626e9cf505690c5d8b445032b3b8a36fa';
const nodeUrl = 'https://github.com/acme/ComfyUI-Acme.git';

beforeEach(async () => {
  sim = await startComfyDeploySim({ tokens: [token], buildMs: 60 });
});
afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown, auth = `Bearer ${token}`) {
  const response = await fetch(`${sim.url}/api${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary answer fields; a wrong one fails the assertion that reads it
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as any };
}

const steps = (url = nodeUrl, hash = 'a'.repeat(40)) => ({ steps: [{ id: 's1', type: 'custom-node', data: { url, hash, install_type: 'git-clone' } }] });
const create = (name = 'pr-1-acme', extra: Record<string, unknown> = {}) =>
  call('POST', '/machine/serverless', { name, gpu: 'CPU', comfyui_version: comfy, docker_command_steps: steps(), keep_warm: 0, ...extra });

const until = async (check: () => Promise<boolean>, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function versionOf(machineId: string, versionId: string) {
  return (await call('GET', `/machine/serverless/${machineId}/versions/${versionId}`)).body;
}

describe('ComfyDeploy simulator', () => {
  it("refuses a missing or wrong token with FastAPI's detail", async () => {
    expect(await call('GET', '/machines', undefined, '')).toMatchObject({ status: 401, body: { detail: 'Invalid or missing token' } });
    expect(await call('GET', '/machines', undefined, 'Bearer nope')).toMatchObject({ status: 401, body: { detail: 'Invalid or expired token' } });
  });

  it('answers 422 with pydantic issues for a comfyui_version that is not 40 hex, and for a bad gpu', async () => {
    const answer = await call('POST', '/machine/serverless', { name: 'x', gpu: 'RTX', comfyui_version: 'v0.3.10' });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toEqual([
      expect.objectContaining({ type: 'enum', loc: ['body', 'gpu'] }),
      expect.objectContaining({ type: 'string_pattern_mismatch', loc: ['body', 'comfyui_version'], msg: "String should match pattern '^[a-fA-F0-9]{40}$'" }),
    ]);
  });

  it('creates a machine whose first version builds on a timer to ready, with a JSON build log and the machine token in the answer', async () => {
    // The build must still be running when it is read, even on a busy machine.
    await sim.close();
    sim = await startComfyDeploySim({ tokens: [token], buildMs: 1_000 });
    const created = await create();
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'pr-1-acme', status: 'building', type: 'comfy-deploy-serverless', deleted: false });
    expect(created.body.auth_token).toMatch(/^cd-machine-token-/);
    const { id, machine_version_id: versionId } = created.body;
    expect(await versionOf(id, versionId)).toMatchObject({ status: 'building', version: 1, build_log: null });
    await until(async () => (await versionOf(id, versionId)).status === 'ready', 10_000);
    const log = JSON.parse((await versionOf(id, versionId)).build_log) as { logs: string }[];
    expect(log.map((l) => l.logs)).toContain('   0.0 seconds: /comfyui/custom_nodes/ComfyUI-Acme');
    expect((await call('GET', `/machine/${id}`)).body).toMatchObject({ status: 'ready', import_failed_logs: null });
  });

  it('a build that fails ends in error with the failure in its log; an import failure ends ready with an (IMPORT FAILED) line', async () => {
    sim.nodeFailsToBuild(nodeUrl, 'ERROR: No matching distribution found for torch==0.0.1');
    const failed = (await create()).body;
    await until(async () => (await versionOf(failed.id, failed.machine_version_id)).status === 'error');
    expect((await versionOf(failed.id, failed.machine_version_id)).build_log).toContain('No matching distribution found');

    sim.nodeBuildsNormally(nodeUrl);
    sim.nodeFailsToImport(nodeUrl);
    const patched = (await call('PATCH', `/machine/serverless/${failed.id}`, { docker_command_steps: steps(nodeUrl, 'b'.repeat(40)) })).body;
    expect(patched.machine_version_id).not.toBe(failed.machine_version_id);
    // A new version starts from a copy of the machine's columns: the previous build's log, until it ends.
    expect((await versionOf(failed.id, patched.machine_version_id)).build_log).toContain('No matching distribution found');
    await until(async () => (await versionOf(failed.id, patched.machine_version_id)).status === 'ready');
    expect((await versionOf(failed.id, patched.machine_version_id)).build_log).toContain('(IMPORT FAILED): /comfyui/custom_nodes/ComfyUI-Acme');
  });

  it('rebuilds on PATCH only when a build field changed or is_trigger_rebuild is set', async () => {
    const machine = (await create()).body;
    const same = (await call('PATCH', `/machine/serverless/${machine.id}`, { docker_command_steps: steps() })).body;
    expect(same.machine_version_id).toBe(machine.machine_version_id);
    const gpuOnly = (await call('PATCH', `/machine/serverless/${machine.id}`, { gpu: 'T4' })).body;
    expect(gpuOnly.machine_version_id).toBe(machine.machine_version_id);
    const forced = (await call('PATCH', `/machine/serverless/${machine.id}`, { is_trigger_rebuild: true })).body;
    expect(forced.machine_version_id).not.toBe(machine.machine_version_id);
    expect(sim.machines()[0]?.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('searches names case-insensitively as substrings (ILIKE), lists deleted machines unless is_deleted=false, and hides steps unless asked', async () => {
    await create('pr-1-acme');
    await create('PR-11-acme');
    const gone = (await create('pr-1-acme-old')).body;
    await call('DELETE', `/machine/${gone.id}?force=true`);
    const all = (await call('GET', '/machines?search=pr-1-acme')).body as { name: string; docker_command_steps?: unknown }[];
    expect(all.map((m) => m.name).sort()).toEqual(['pr-1-acme', 'pr-1-acme-old']);
    expect(all[0]?.docker_command_steps).toBeUndefined();
    const live = (await call('GET', '/machines?search=pr-1&is_deleted=false&include_docker_command_steps=true')).body as { name: string; docker_command_steps?: unknown }[];
    expect(live.map((m) => m.name).sort()).toEqual(['PR-11-acme', 'pr-1-acme']);
    expect(live[0]?.docker_command_steps).toEqual(steps());
  });

  it('does not refuse a second machine of the same name', async () => {
    expect((await create()).status).toBe(200);
    expect((await create()).status).toBe(200);
    expect(sim.machines().filter((m) => m.name === 'pr-1-acme')).toHaveLength(2);
  });

  it('soft-deletes: 402 without force when a workflow is attached, 400 while kept warm, a second delete still 200, GET 404, PATCH still rebuilds it', async () => {
    const machine = (await create()).body;
    sim.attachWorkflow(machine.id, 'reviewer-flow');
    expect(await call('DELETE', `/machine/${machine.id}`)).toMatchObject({ status: 402, body: { detail: 'You still have these workflows related to this machine: reviewer-flow' } });
    sim.setKeepWarm(machine.id, 1);
    expect(await call('DELETE', `/machine/${machine.id}?force=true`)).toMatchObject({ status: 400 });
    sim.setKeepWarm(machine.id, 0);
    expect(await call('DELETE', `/machine/${machine.id}?force=true`)).toMatchObject({ status: 200, body: { message: 'Machine deleted' } });
    expect((await call('DELETE', `/machine/${machine.id}?force=true`)).status).toBe(200);
    expect((await call('GET', `/machine/${machine.id}`)).status).toBe(404);
    const rebuilt = await call('PATCH', `/machine/serverless/${machine.id}`, { is_trigger_rebuild: true });
    expect(rebuilt).toMatchObject({ status: 200, body: { deleted: true, status: 'building' } });
    expect((await call('DELETE', '/machine/00000000-0000-4000-8000-000000000000?force=true')).status).toBe(404);
  });

  it('answers 403 with the plan detail for keep_warm beyond the plan and for the machine-limit control', async () => {
    expect(await create('a', { keep_warm: 1 })).toMatchObject({ status: 403, body: { detail: expect.stringContaining('always on machine limit') } });
    sim.machineLimitReached();
    expect(await create('b')).toMatchObject({ status: 403, body: { detail: { error: 'Machine limit reached' } } });
    expect((await create('c')).status).toBe(200);
  });

  it('answers 422 for a machine id that is not a UUID', async () => {
    expect(await call('GET', '/machine/not-a-uuid')).toMatchObject({ status: 422, body: { detail: [expect.objectContaining({ type: 'uuid_parsing' })] } });
  });
});
