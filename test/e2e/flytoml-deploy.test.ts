// A fly.toml deployed through the bundled action as a runner runs it: process groups, the release
// command, volumes, health checks, secrets and scale to zero, against the Fly simulator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly-toml-deploy-e2e-token';
const githubToken = 'ghs_fly_toml_deploy_e2e';
const app = 'pr-2-codertocat-hello-world';
const image = 'registry.fly.io/hello:one';
const first = { headSha: '1111111111111111111111111111111111111111', updatedAt: '2019-05-15T15:20:00Z' };
const second = { headSha: '2222222222222222222222222222222222222222', updatedAt: '2019-05-15T15:25:00Z' };

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

function run(
  workspace: string,
  inputs: Record<string, string> = {},
  options: { action?: string; pr?: { headSha: string; updatedAt: string } } = {},
): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload(options.action ?? 'opened', options.pr ?? first),
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: { 'github-token': githubToken, 'fly-api-url': fly.url, 'smoke-window': '0', 'fly-api-token': flyToken, image, ...inputs },
    env: { GITHUB_WORKSPACE: workspace },
  });
}

const comment = (): string => github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body ?? '';
const log = (r: ActionRun): string => r.stdout + r.stderr;
const groupMachine = (group: string) => fly.machines(app).find((m) => m.config.metadata?.['fly_process_group'] === group);

const webAndWorker = `
app = "hello"
primary_region = "iad"

[deploy]
  release_command = "bin/rails db:migrate"

[processes]
  web = "bin/rails server"
  worker = "bundle exec sidekiq"

[http_service]
  internal_port = 3000
  processes = ["web"]

[checks.alive]
  type = "http"
  port = 3000
  path = "/up"
  interval = "5s"
  timeout = "2s"
  processes = ["web"]
`;

describe('a fly.toml with process groups and a release command', () => {
  it('runs the release command once, then one machine per group; only web gets services and the check', async () => {
    const result = await run(workspaceWith(webAndWorker), { secrets: 'RAILS_MASTER_KEY=rmk_0123456789abcdef' });
    expect(result.exitCode, log(result)).toBe(0);
    const web = groupMachine('web');
    const worker = groupMachine('worker');
    expect(fly.machines(app)).toHaveLength(2);
    expect(web?.config['init']).toEqual({ cmd: ['bin/rails', 'server'] });
    expect(worker?.config['init']).toEqual({ cmd: ['bundle', 'exec', 'sidekiq'] });
    expect(web?.config.services).toHaveLength(1);
    expect(worker?.config.services).toBeUndefined();
    expect(Object.keys((web?.config['checks'] as object | undefined) ?? {})).toEqual(['alive']);
    // The release machine came first, ran the command with RELEASE_COMMAND=1 and destroyed itself.
    const creates = fly.requests.filter((r) => r.method === 'POST' && r.path === `/v1/apps/${app}/machines`);
    const release = creates[0]?.body as { config: { env: Record<string, string>; init: { cmd: string[] }; auto_destroy: boolean; restart: { policy: string } } };
    expect(release.config.env['RELEASE_COMMAND']).toBe('1');
    expect(release.config.init.cmd).toEqual(['bin/rails', 'db:migrate']);
    expect(release.config.auto_destroy).toBe(true);
    expect(release.config.restart).toEqual({ policy: 'no' });
    expect(creates).toHaveLength(3);
    expect(creates.every((c) => (c.body as { min_secrets_version?: number }).min_secrets_version === 1)).toBe(true);
    const releaseId = /Running the release command in machine ([0-9a-f]+)/.exec(result.stdout)?.[1] ?? '';
    expect(fly.machineSecrets(app, releaseId)).toEqual({ RAILS_MASTER_KEY: 'rmk_0123456789abcdef' });
    expect(comment()).toContain('Release command ran and exited with code `0`');
    expect(comment()).toContain('bin/rails db:migrate');
    expect(comment()).toMatch(/\| web \| `[0-9a-f]+` \| `iad` \| started \|/);
    expect(comment()).toMatch(/\| worker \| `[0-9a-f]+` \| `iad` \| started \|/);
    expect(comment()).toContain('web/alive: passing');
    expect(comment()).toMatch(/Took app [\d.]+ s · IPs [\d.]+ s · release [\d.]+ s · machines [\d.]+ s · boot [\d.]+ s · checks [\d.]+ s/);
    expect(result.summary).toContain('Release command ran');
    expect(result.outputs['url']).toBe(`https://${app}.fly.dev`);
  });

  it('a re-run of the same commit changes nothing and does not run the release command again', async () => {
    const dir = workspaceWith(webAndWorker);
    expect((await run(dir)).exitCode).toBe(0);
    const before = fly.machines(app).map((m) => m.instance_id).sort();
    fly.requests.length = 0;
    const again = await run(dir, {}, { action: 'synchronize' });
    expect(again.exitCode, log(again)).toBe(0);
    expect(fly.machines(app).map((m) => m.instance_id).sort()).toEqual(before);
    expect(fly.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(comment()).toContain('Release command not run again');
  });

  it('a run older than what is deployed changes nothing: no release command, secrets or machines', async () => {
    const dir = workspaceWith(webAndWorker);
    const newer = await run(dir, { image: 'registry.fly.io/hello:two', secrets: 'API_KEY=newer_value_1' }, { action: 'synchronize', pr: second });
    expect(newer.exitCode, log(newer)).toBe(0);
    fly.requests.length = 0;
    const older = await run(dir, { secrets: 'API_KEY=older_value_0' });
    expect(older.exitCode, log(older)).toBe(0);
    expect(older.outputs['status']).toBe('skipped');
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(fly.secrets(app)).toEqual({ API_KEY: 'newer_value_1' });
    expect(fly.machines(app).map((m) => m.config.image)).toEqual(['registry.fly.io/hello:two', 'registry.fly.io/hello:two']);
  });

  it('a release command that fails leaves every app machine as it was and fails the step with its exit code and events', async () => {
    const dir = workspaceWith(webAndWorker);
    expect((await run(dir)).exitCode).toBe(0);
    const before = fly.machines(app).map((m) => `${m.id}:${m.instance_id}:${m.config.image}`).sort();
    fly.commandExits('db:migrate', 3);
    const result = await run(dir, { image: 'registry.fly.io/hello:two' }, { action: 'synchronize', pr: second });
    expect(result.exitCode).toBe(1);
    expect(fly.machines(app).map((m) => `${m.id}:${m.instance_id}:${m.config.image}`).sort()).toEqual(before);
    expect(result.stdout).toContain('::error::Preview failed: The release command `bin/rails db:migrate` exited with code 3; no app machine was changed.');
    expect(result.stdout).toMatch(/event: .* exit stopped \(flyd\) exit_code=3/);
    expect(comment()).toContain('Release command ran and exited with code `3`');
    expect(comment()).toContain('| **Exit code** | `3` |');
    expect(comment()).toMatch(/exit stopped \(flyd\) exit_code=3/);
  });

  it('an API error while the release command runs stops it: its machine is deleted and no app machine changes', async () => {
    const dir = workspaceWith(webAndWorker);
    expect((await run(dir)).exitCode).toBe(0);
    const before = fly.machines(app).map((m) => `${m.id}:${m.instance_id}:${m.config.image}`).sort();
    fly.clearRequests();
    fly.failNext({ method: 'GET', path: /\/wait$/ }, { status: 403, body: { error: 'forbidden' } });
    const result = await run(dir, { image: 'registry.fly.io/hello:two' }, { action: 'synchronize', pr: second });
    expect(result.exitCode).toBe(1);
    const creates = fly.requests.filter((r) => r.method === 'POST' && r.path === `/v1/apps/${app}/machines`);
    expect(creates).toHaveLength(1);
    expect(fly.requests.some((r) => r.method === 'DELETE' && /\/machines\/[^/]+$/.test(r.path))).toBe(true);
    expect(fly.machines(app).map((m) => `${m.id}:${m.instance_id}:${m.config.image}`).sort()).toEqual(before);
  });
});

describe('volumes', () => {
  const withMount = 'app = "hello"\n[http_service]\n  internal_port = 8080\n[mounts]\n  source = "data"\n  destination = "/data"\n  initial_size = "3gb"\n';

  it('a mount gets a per-preview volume, reused on re-run and gone with the preview', async () => {
    const dir = workspaceWith(withMount);
    const result = await run(dir);
    expect(result.exitCode, log(result)).toBe(0);
    const [volume] = fly.volumes(app);
    expect(volume).toMatchObject({ name: 'data', size_gb: 3, region: 'iad', attached_machine_id: fly.machines(app)[0]?.id });
    expect(fly.machines(app)[0]?.config['mounts']).toEqual([{ path: '/data', name: 'data', volume: volume?.id }]);

    const again = await run(dir, { image: 'registry.fly.io/hello:two' }, { action: 'synchronize', pr: second });
    expect(again.exitCode, log(again)).toBe(0);
    expect(fly.volumes(app).map((v) => v.id)).toEqual([volume?.id]);
    expect(fly.machines(app)[0]?.config.image).toBe('registry.fly.io/hello:two');

    const closed = await run(dir, {}, { action: 'closed', pr: { ...second, updatedAt: '2019-05-15T15:30:00Z' } });
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(fly.apps()).toEqual([]);
    expect(fly.volumes(app)).toEqual([]);
  });

  it('a lost answer to the volume create does not make a second volume', async () => {
    fly.loseAnswerNext({ method: 'POST', path: `/v1/apps/${app}/volumes` });
    const result = await run(workspaceWith(withMount));
    expect(result.exitCode, log(result)).toBe(0);
    expect(fly.volumes(app)).toHaveLength(1);
    expect(fly.volumes(app)[0]?.attached_machine_id).toBe(fly.machines(app)[0]?.id);
    // The create went through but its answer was lost: the list found it, and nothing was created twice.
    expect(fly.requests.filter((r) => r.path.endsWith('/volumes')).map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('when foreign machines keep the app, closing deletes this preview’s volume with its machine', async () => {
    const dir = workspaceWith(withMount);
    expect((await run(dir)).exitCode).toBe(0);
    fly.addMachine(app, { name: 'someone-elses', image: 'registry.fly.io/other:1' });
    const closed = await run(dir, {}, { action: 'closed', pr: { ...second, updatedAt: '2019-05-15T15:30:00Z' } });
    expect(closed.exitCode, log(closed)).toBe(0);
    expect(fly.machines(app).map((m) => m.name)).toEqual(['someone-elses']);
    expect(fly.volumes(app).filter((v) => v.state === 'created')).toEqual([]);
  });
});

describe('volumes and the region', () => {
  it('a region change gives the preview a volume in the new region and removes the old machine and volume', async () => {
    const dir = workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n[mounts]\n  source = "data"\n  destination = "/data"\n');
    expect((await run(dir)).exitCode).toBe(0);
    const moved = await run(dir, { region: 'ams' }, { action: 'synchronize', pr: second });
    expect(moved.exitCode, log(moved)).toBe(0);
    expect(fly.machines(app).map((m) => m.region)).toEqual(['ams']);
    const live = fly.volumes(app).filter((v) => v.state === 'created');
    expect(live.map((v) => [v.region, v.attached_machine_id])).toEqual([['ams', fly.machines(app)[0]?.id]]);
  });
});

describe('what a preview does not use', () => {
  it('a fly.toml section the action does not support is named in one warning, once', async () => {
    const result = await run(workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n[[consul]]\n  name = "x"\n'));
    expect(result.exitCode, log(result)).toBe(0);
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('consul');
  });
});

describe('health checks', () => {
  it('a check that stays critical fails the deploy with its name and output in the log and the comment', async () => {
    fly.imageCheckFails(image, 'alive', 'HTTP GET http://10.0.0.2:3000/up: 503 Service Unavailable');
    const toml = 'app = "hello"\n[http_service]\n  internal_port = 3000\n[checks.alive]\n  type = "http"\n  port = 3000\n  path = "/up"\n';
    const result = await run(workspaceWith(toml), { 'wait-timeout': '3' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::Preview failed: The app machine started, but "alive" (critical) did not pass within 3 s (wait-timeout).');
    expect(result.stdout).toContain('Health check alive of machine');
    expect(result.stdout).toContain('503 Service Unavailable');
    expect(comment()).toContain('app/alive: critical — HTTP GET http://10.0.0.2:3000/up: 503 Service Unavailable');
    // A modest pace: the machine is read about once a second, then less often.
    const reads = fly.requests.filter((r) => r.method === 'GET' && /\/machines\/[^/]+$/.test(r.path));
    expect(reads.length).toBeLessThanOrEqual(6);
  });

  it('with a smoke window the checks get it on top of wait-timeout, and the failure says so', async () => {
    fly.imageCheckFails(image, 'alive', 'HTTP GET http://10.0.0.2:3000/up: 503 Service Unavailable');
    const toml = 'app = "hello"\n[http_service]\n  internal_port = 3000\n[checks.alive]\n  type = "http"\n  port = 3000\n  path = "/up"\n';
    const result = await run(workspaceWith(toml), { 'wait-timeout': '3', 'smoke-window': '1' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      '::error::Preview failed: The app machine started, but "alive" (critical) did not pass within 4 s (wait-timeout 3 s plus smoke-window 1 s).',
    );
  });

  it('passing checks are waited for and shown', async () => {
    const toml = 'app = "hello"\n[http_service]\n  internal_port = 3000\n  [[http_service.checks]]\n    path = "/up"\n    interval = "5s"\n';
    const result = await run(workspaceWith(toml));
    expect(result.exitCode, log(result)).toBe(0);
    expect(comment()).toMatch(/app\/servicecheck-00-http-3000: passing/);
  });
});

describe('secrets', () => {
  const values = {
    first: 'DATABASE_URL=postgres://preview:s3cr3t-p4ss@db.internal:5432/app?sslmode=require\nAPI_KEY=ak_live_5f2b9c1e7d\nPEM<<EOF\n-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\nEOF',
    rotated: 'DATABASE_URL=postgres://preview:s3cr3t-p4ss@db.internal:5432/app?sslmode=require\nAPI_KEY=ak_live_rotated_77aa01\nPEM<<EOF\n-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\nEOF',
    removed: 'DATABASE_URL=postgres://preview:s3cr3t-p4ss@db.internal:5432/app?sslmode=require',
  };
  // `::add-mask::` lines are the runner's masking commands, which it never shows; everything else is shown.
  const unmasked = (text: string): string => text.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
  const shown = (r: ActionRun): string => [unmasked(r.stdout), r.stderr, r.summary, JSON.stringify(r.outputs), ...github.comments('Codertocat', 'Hello-World', 2).map((c) => c.body)].join('\n');
  const neverShown = (r: ActionRun): void => {
    const text = shown(r);
    for (const secret of ['s3cr3t-p4ss', 'ak_live_5f2b9c1e7d', 'ak_live_rotated_77aa01', 'MIIBOgIBAAJBAKj34GkxFhD9']) expect(text).not.toContain(secret);
    expect(JSON.stringify(fly.machines(app).map((m) => m.config))).not.toMatch(/s3cr3t|ak_live|MIIBOg/);
  };

  it('are set as app secrets the machine boots with; a rotated value updates it; a removed key is unset; no value is ever shown', async () => {
    const dir = workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n');
    const result = await run(dir, { secrets: values.first });
    expect(result.exitCode, log(result)).toBe(0);
    neverShown(result);
    // Every value, and each line of the multi-line one, is masked before anything else is printed.
    const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masks).toContain('::add-mask::ak_live_5f2b9c1e7d');
    expect(masks).toContain('::add-mask::MIIBOgIBAAJBAKj34GkxFhD9');
    const lines = result.stdout.split('\n');
    expect(lines.findLastIndex((line) => line.startsWith('::add-mask::'))).toBeLessThan(lines.findIndex((line) => !line.startsWith('::add-mask::')));
    const machine = fly.machines(app)[0];
    expect(fly.machineSecrets(app, machine?.id ?? '')).toEqual({
      DATABASE_URL: 'postgres://preview:s3cr3t-p4ss@db.internal:5432/app?sslmode=require',
      API_KEY: 'ak_live_5f2b9c1e7d',
      PEM: '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----',
    });
    const create = fly.requests.find((r) => r.method === 'POST' && r.path === `/v1/apps/${app}/machines`);
    expect(create?.body).toMatchObject({ min_secrets_version: 1 });

    // The same values again: nothing to set, nothing to restart.
    fly.requests.length = 0;
    const same = await run(dir, { secrets: values.first }, { action: 'synchronize' });
    expect(same.exitCode, log(same)).toBe(0);
    expect(fly.requests.filter((r) => r.method === 'POST')).toEqual([]);

    const rotated = await run(dir, { secrets: values.rotated }, { action: 'synchronize' });
    expect(rotated.exitCode, log(rotated)).toBe(0);
    neverShown(rotated);
    const after = fly.machines(app)[0];
    expect(after?.id).toBe(machine?.id);
    expect(after?.instance_id).not.toBe(machine?.instance_id);
    expect(fly.machineSecrets(app, after?.id ?? '')?.['API_KEY']).toBe('ak_live_rotated_77aa01');

    const removed = await run(dir, { secrets: values.removed }, { action: 'synchronize' });
    expect(removed.exitCode, log(removed)).toBe(0);
    neverShown(removed);
    expect(Object.keys(fly.secrets(app))).toEqual(['DATABASE_URL']);
    expect(Object.keys(fly.machineSecrets(app, fly.machines(app)[0]?.id ?? '') ?? {})).toEqual(['DATABASE_URL']);
    expect(removed.stdout).toContain('unset API_KEY, PEM (no longer in the secrets input)');
  });
});

describe('scale to zero', () => {
  const services = (): Record<string, unknown>[] => {
    const create = fly.requests.find((r) => r.method === 'POST' && r.path === `/v1/apps/${app}/machines`);
    return (create?.body as { config: { services: Record<string, unknown>[] } } | undefined)?.config.services ?? [];
  };

  it('by default an idle preview stops: autostop true on the wire, autostart, no machine kept running', async () => {
    const result = await run(workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n'));
    expect(result.exitCode, log(result)).toBe(0);
    expect(services()[0]).toMatchObject({ autostop: true, autostart: true, min_machines_running: 0 });
  });

  it('autostop: suspend goes as the string "suspend"; off as false; what the file says wins', async () => {
    const suspended = await run(workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n'), { autostop: 'suspend' });
    expect(suspended.exitCode, log(suspended)).toBe(0);
    expect(services()[0]).toMatchObject({ autostop: 'suspend', autostart: true, min_machines_running: 0 });

    fly.requests.length = 0;
    const off = await run(workspaceWith('app = "hello"\n[http_service]\n  internal_port = 8080\n'), { autostop: 'off' }, { action: 'synchronize', pr: second });
    expect(off.exitCode, log(off)).toBe(0);
    const update = fly.requests.find((r) => r.method === 'POST' && /\/machines\/[^/]+$/.test(r.path));
    expect(update?.body).toMatchObject({ config: { services: [{ autostop: false }] } });
  });

  it('a fly.toml that keeps one machine running is obeyed', async () => {
    const toml = 'app = "hello"\n[http_service]\n  internal_port = 8080\n  auto_stop_machines = "off"\n  min_machines_running = 1\n';
    const result = await run(workspaceWith(toml), { autostop: 'suspend' });
    expect(result.exitCode, log(result)).toBe(0);
    expect(services()[0]).toMatchObject({ autostop: false, min_machines_running: 1 });
  });
});
