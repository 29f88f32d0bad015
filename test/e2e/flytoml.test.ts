// fly.toml through the bundled action, as a runner runs it: read from the workspace before any
// call, a bad file fails the step naming its line, and what today's deploy takes from it (region,
// port, size of the default group) reaches the machine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, webhookExample, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly-toml-e2e-token';
const githubToken = 'ghs_fly_toml_e2e';
const app = 'pr-2-codertocat-hello-world';

let fly: FlySim;
let github: GitHubSim;

beforeEach(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs: 90 }), startGitHubSim({ token: githubToken })]);
});
afterEach(async () => {
  await Promise.all([fly.close(), github.close()]);
});

function workspaceWith(flyToml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fly-preview-e2e-'));
  writeFileSync(join(dir, 'fly.toml'), flyToml);
  return dir;
}

function run(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload('opened', { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:20:00Z' }),
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: { 'github-token': githubToken, 'fly-api-url': fly.url, 'smoke-window': '0', 'fly-api-token': flyToken, image: 'registry.fly.io/hello:one', ...inputs },
    env: { GITHUB_WORKSPACE: workspace },
  });
}

describe('fly.toml', () => {
  it("the workspace's fly.toml sets the preview's region, port and machine size; an input still wins", async () => {
    const dir = workspaceWith('app = "hello"\nprimary_region = "ams"\n[http_service]\n  internal_port = 3000\n[[vm]]\n  size = "shared-cpu-2x"\n');
    const result = await run(dir, { memory: '1024' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const [machine] = fly.machines(app);
    expect(machine?.region).toBe('ams');
    expect(machine?.config.guest).toEqual({ cpu_kind: 'shared', cpus: 2, memory_mb: 1024 });
    expect(machine?.config.services).toEqual([expect.objectContaining({ internal_port: 3000 })]);
  });

  it('a malformed fly.toml fails the step with its line before any call', async () => {
    const dir = workspaceWith('app = "hello"\n\n[http_service\n  internal_port = 3000\n');
    const result = await run(dir);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Input 'config' is not a fly.toml the action can use: fly.toml line 3, column \d+: /);
    expect(fly.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('a config input naming a missing file fails before any call', async () => {
    const result = await run(workspaceWith(''), { config: 'deploy/fly.staging.toml' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::Input 'config' names "deploy/fly.staging.toml", which is not in the workspace`);
    expect(fly.requests).toEqual([]);
  });

  it('a close run without the checkout (as the quick start has it) destroys the preview although config names a file that is not there', async () => {
    const opened = await run(workspaceWith('app = "hello"\nprimary_region = "ams"\n'), { config: 'fly.toml' });
    expect(opened.exitCode, opened.stdout + opened.stderr).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), 'fly-preview-e2e-'));
    const closed = await runAction({
      eventName: 'pull_request',
      payload: pullRequestPayload('closed', { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:21:00Z' }),
      repository: 'Codertocat/Hello-World',
      githubApiUrl: github.url,
      inputs: { 'github-token': githubToken, 'fly-api-url': fly.url, 'fly-api-token': flyToken, config: 'fly.toml' },
      env: { GITHUB_WORKSPACE: empty },
    });
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0);
    expect(closed.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
  });

  it('a close run does not read the fly.toml: a half-edited one fails nothing', async () => {
    const opened = await run(workspaceWith('app = "hello"\n'));
    expect(opened.exitCode, opened.stdout + opened.stderr).toBe(0);
    const closed = await runAction({
      eventName: 'pull_request',
      payload: pullRequestPayload('closed', { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:21:00Z' }),
      repository: 'Codertocat/Hello-World',
      githubApiUrl: github.url,
      inputs: { 'github-token': githubToken, 'fly-api-url': fly.url, 'fly-api-token': flyToken },
      env: { GITHUB_WORKSPACE: workspaceWith('app = "hello"\n\n[http_service\n') },
    });
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0);
    expect(closed.stdout).not.toContain('::error::');
    expect(closed.outputs['status']).toBe('destroyed');
  });

  it('a push, which the action skips, does not read the fly.toml: a half-edited one on a branch fails nothing', async () => {
    const result = await runAction({
      eventName: 'push',
      payload: webhookExample('push'),
      repository: 'Codertocat/Hello-World',
      githubApiUrl: github.url,
      inputs: { 'fly-api-url': fly.url, 'fly-api-token': flyToken, image: 'registry.fly.io/hello:one' },
      env: { GITHUB_WORKSPACE: workspaceWith('app = "hello"\n\n[http_service\n') },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).not.toContain('::error::');
    expect(fly.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});
