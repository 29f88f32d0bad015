// The ComfyDeploy API client, the machine name, the input checks and the build-log reading against
// scripted exchanges (nock intercepts undici).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ApiAmbiguousError, ApiAuthError, ApiError } from '../../src/providers/http.js';
import { ComfyDeployClient, ComfyDeployPlanError, comfyDeployErrorMessage } from '../../src/providers/comfydeploy/client.js';
import { cloneFolder, machineNameRule } from '../../src/providers/comfydeploy/names.js';
import { previewName } from '../../src/plan.js';
import { logLines } from '../../src/providers/comfydeploy/build.js';
import { failedNode } from '../../src/providers/comfydeploy/import-failure.js';
import { checkComfyUiVersion, checkCustomNodes, checkGpu, checkNodePath } from '../../src/providers/comfydeploy/validate.js';
import { scriptedHttp } from '../support/scripted-http.ts';

/** ComfyDeploy's default machine name, as plan.ts builds it by ComfyDeploy's name rule. */
const comfyDeployMachineName = (owner: string, repo: string, pr: number): string => previewName(machineNameRule, owner, repo, pr);
const machineNameMaxLength = machineNameRule.maxLength;

const api = 'https://api.comfydeploy.com';
const token = 'cd-unit-test-secret';
const machineId = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const { waits, sleep } = scriptedHttp();
const client = () =>
  new ComfyDeployClient({ apiUrl: `${api}/api`, token, sleep, random: () => 0.5 });

const machine = (id: string, name: string) => ({ id, name, status: 'ready', docker_command_steps: { steps: [] } });

describe('ComfyDeployClient', () => {
  it('finds machines by exact name among the substring matches, excluding deleted ones, through pages', async () => {
    const first = Array.from({ length: 100 }, (_, i) => machine(`m${i}`, `pr-1-nodes-${i}`));
    nock(api, { reqheaders: { authorization: `Bearer ${token}` } })
      .get('/api/machines')
      .query({ search: 'pr-1-nodes', is_deleted: 'false', include_docker_command_steps: 'true', limit: '100', offset: '0' })
      .reply(200, first);
    nock(api)
      .get('/api/machines')
      .query({ search: 'pr-1-nodes', is_deleted: 'false', include_docker_command_steps: 'true', limit: '100', offset: '100' })
      .reply(200, [machine('mx', 'PR-1-NODES'), machine('my', 'pr-1-nodes')]);
    expect((await client().findMachines('pr-1-nodes')).map((m) => m.id)).toEqual(['my']);
  });

  it('formats a 422 list of pydantic issues readably, with the call and the request id', async () => {
    nock(api)
      .post('/api/machine/serverless')
      .reply(
        422,
        {
          detail: [
            { type: 'string_pattern_mismatch', loc: ['body', 'comfyui_version'], msg: "String should match pattern '^[a-fA-F0-9]{40}$'", input: 'v0.3' },
            { type: 'enum', loc: ['body', 'gpu'], msg: "Input should be 'CPU', 'T4'" },
          ],
        },
        { 'x-request-id': 'r-42' },
      );
    const error = (await client()
      .createMachine({ name: 'x', gpu: 'CPU', comfyui_version: 'v0.3', docker_command_steps: { steps: [] }, keep_warm: 0, idle_timeout: 60 })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      "ComfyDeploy API: POST /machine/serverless failed with 422: comfyui_version: String should match pattern '^[a-fA-F0-9]{40}$'; gpu: Input should be 'CPU', 'T4' (request id r-42)",
    );
  });

  it('reads a 403 to a create as a plan limit (not a bad token), once, without retrying', async () => {
    nock(api)
      .post('/api/machine/serverless')
      .reply(403, { detail: 'You have reached your always on machine limit. Please upgrade to use this feature.' });
    const error = (await client()
      .createMachine({ name: 'x', gpu: 'CPU', comfyui_version: 'a'.repeat(40), docker_command_steps: { steps: [] }, keep_warm: 1, idle_timeout: 60 })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ComfyDeployPlanError);
    expect(error.message).toBe(
      "ComfyDeploy API: POST /machine/serverless was refused by the organisation's ComfyDeploy plan (403): You have reached your always on machine limit. Please upgrade to use this feature.",
    );
  });

  it('reads a 401 or a 403 to a read as a refused token, naming the input and never the token', async () => {
    nock(api).get('/api/machines').query(true).reply(401, { detail: 'Invalid or expired token' });
    const error = (await client().findMachines('x').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ApiAuthError);
    expect(error.message).toContain('comfydeploy-api-token');
    expect(error.message).not.toContain(token);
    nock(api).get(`/api/machine/${machineId}`).reply(403, { detail: 'Token does not have permission to access this endpoint' });
    await expect(client().getMachine(machineId)).rejects.toBeInstanceOf(ApiAuthError);
  });

  it('never repeats an update whose answer was lost', async () => {
    nock(api).patch(`/api/machine/serverless/${machineId}`).reply(502, { detail: 'bad gateway' });
    await expect(client().updateMachine(machineId, { is_trigger_rebuild: true })).rejects.toBeInstanceOf(ApiAmbiguousError);
  });

  it('retries a version read through 5xx and reads a 404 as gone', async () => {
    nock(api).get(`/api/machine/serverless/${machineId}/versions/v1`).reply(500, { detail: 'Machine version lookup failed' });
    nock(api).get(`/api/machine/serverless/${machineId}/versions/v1`).reply(200, { id: 'v1', machine_id: machineId, version: 1, status: 'building' });
    expect(await client().getVersion(machineId, 'v1')).toMatchObject({ status: 'building' });
    expect(waits).toHaveLength(1);
    nock(api).get(`/api/machine/serverless/${machineId}/versions/v2`).reply(404, { detail: 'Machine version not found' });
    expect(await client().getVersion(machineId, 'v2')).toBeUndefined();
  });

  it('deletes with force; 404 is absent, the keep-warm 400 is told apart, any other 400 is thrown', async () => {
    nock(api).delete(`/api/machine/${machineId}`).query({ force: 'true' }).reply(200, { message: 'Machine deleted' });
    expect(await client().deleteMachine(machineId)).toBe('deleted');
    nock(api).delete(`/api/machine/${machineId}`).query({ force: 'true' }).reply(404, { detail: 'Machine not found' });
    expect(await client().deleteMachine(machineId)).toBe('absent');
    nock(api).delete(`/api/machine/${machineId}`).query({ force: 'true' }).reply(400, { detail: 'Please set keep warm to 0 before deleting the machine.' });
    expect(await client().deleteMachine(machineId)).toBe('keep-warm');
    nock(api).delete(`/api/machine/${machineId}`).query({ force: 'true' }).reply(400, { detail: 'Something else' });
    await expect(client().deleteMachine(machineId)).rejects.toThrow('DELETE /machine/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f failed with 400: Something else');
  });

  it("reads FastAPI's detail in its three forms", () => {
    expect(comfyDeployErrorMessage({ detail: 'Machine not found' })).toBe('Machine not found');
    expect(comfyDeployErrorMessage({ detail: [{ loc: ['path', 'machine_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' }] })).toBe(
      'path.machine_id: Input should be a valid UUID',
    );
    expect(comfyDeployErrorMessage({ detail: { error: 'Machine limit reached', message: 'You have reached your machine limit of 3 machines.' } })).toBe(
      'You have reached your machine limit of 3 machines.',
    );
    expect(comfyDeployErrorMessage({})).toBeUndefined();
  });
});

describe('ComfyDeploy machine names', () => {
  it('is pr-<n>-<repo> when it fits, cut with a stable hash of the full repository name when not', () => {
    expect(comfyDeployMachineName('acme', 'ComfyUI_Acme', 12)).toBe('pr-12-comfyui-acme');
    const long = comfyDeployMachineName('acme', 'ComfyUI-Some-Very-Long-Custom-Node-Pack-Name', 4821);
    expect(long.length).toBeLessThanOrEqual(machineNameMaxLength);
    expect(long).toMatch(/^pr-4821-comfyui-some-very-long-[a-z-]*[0-9a-f]{6}$/);
    expect(comfyDeployMachineName('acme', 'ComfyUI-Some-Very-Long-Custom-Node-Pack-Name', 4821)).toBe(long);
    expect(comfyDeployMachineName('other', 'ComfyUI-Some-Very-Long-Custom-Node-Pack-Name', 4821)).not.toBe(long);
  });

  it('names the clone folder as the API does (last URL segment without .git)', () => {
    expect(cloneFolder('https://github.com/acme/ComfyUI-Acme.git')).toBe('ComfyUI-Acme');
    expect(cloneFolder('https://github.com/acme/ComfyUI-Acme/')).toBe('ComfyUI-Acme');
  });
});

describe('ComfyDeploy input checks', () => {
  it('comfyui-version: exactly 40 hex, as the API demands', () => {
    expect(checkComfyUiVersion(' 094306B626E9CF505690C5D8B445032B3B8A36FA ')).toEqual({ ok: true, value: '094306b626e9cf505690c5d8b445032b3b8a36fa' });
    const refused = checkComfyUiVersion('v0.3.10');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toContain('comfyui-version must be a full 40-hex ComfyUI commit');
  });

  it('gpu: the API enum, any case, default CPU', () => {
    expect(checkGpu('')).toEqual({ ok: true, value: 'CPU' });
    expect(checkGpu('a100-80gb')).toEqual({ ok: true, value: 'A100-80GB' });
    expect(checkGpu('RTX4090').ok).toBe(false);
  });

  it('custom-nodes: <https url>@<40-hex commit> per line, comments and blank lines skipped, credentials refused', () => {
    const text = `# needed by our nodes\nhttps://github.com/cubiq/ComfyUI_essentials@${'a'.repeat(40)}\n\nhttps://github.com/kijai/ComfyUI-KJNodes.git@${'B'.repeat(40)}\n`;
    expect(checkCustomNodes(text)).toEqual({
      ok: true,
      value: [
        { url: 'https://github.com/cubiq/ComfyUI_essentials', commit: 'a'.repeat(40) },
        { url: 'https://github.com/kijai/ComfyUI-KJNodes.git', commit: 'b'.repeat(40) },
      ],
    });
    const unpinned = checkCustomNodes('https://github.com/cubiq/ComfyUI_essentials@main');
    expect(unpinned.ok).toBe(false);
    if (!unpinned.ok) expect(unpinned.error).toContain('custom-nodes line 1');
    const withToken = checkCustomNodes(`https://x-access-token:ghp_notForTheLog@github.com/a/b@${'a'.repeat(40)}`);
    expect(withToken.ok).toBe(false);
    // The refusal names the line, never its text: the token would reach the step log.
    if (!withToken.ok) expect(withToken.error).not.toContain('ghp_notForTheLog');
    expect(checkCustomNodes(`git@github.com:a/b@${'a'.repeat(40)}`).ok).toBe(false);
  });

  it('node-path: a plain relative folder, default the root', () => {
    expect(checkNodePath('')).toEqual({ ok: true, value: '' });
    expect(checkNodePath('./nodes/acme/')).toEqual({ ok: true, value: 'nodes/acme' });
    expect(checkNodePath('../x').ok).toBe(false);
    expect(checkNodePath('/abs').ok).toBe(false);
    expect(checkNodePath('a;rm -rf /').ok).toBe(false);
  });
});

describe('ComfyDeploy build logs', () => {
  it('reads the JSON list the builder writes, or plain text, or nothing', () => {
    expect(logLines(JSON.stringify([{ logs: 'one', timestamp: 1 }, { logs: 'two\nthree', timestamp: 2 }]))).toEqual(['one', 'two', 'three']);
    expect(logLines('plain\nlines\n')).toEqual(['plain', 'lines']);
    expect(logLines(null)).toEqual([]);
    expect(logLines('[]')).toEqual([]);
  });

  it("names the node of ComfyUI's (IMPORT FAILED) line by its folder", () => {
    expect(failedNode('   0.1 seconds (IMPORT FAILED): /comfyui/custom_nodes/ComfyUI-Acme')).toBe('ComfyUI-Acme');
    expect(failedNode('   0.0 seconds: /comfyui/custom_nodes/ComfyUI-Acme')).toBeUndefined();
  });
});
