// Fly's deploy and destroy phases against scripted exchanges, where the real API answers in ways the
// simulator does not produce on demand (a destroyed machine still listed, a machine that stays 404).
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { DeployRequest, ProgressLog } from '../../src/provider.js';
import { parseAppConfig } from '../../src/providers/fly/appconfig/index.js';
import { createFlyProvider } from '../../src/providers/fly/index.js';
import { connectionReset, scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.machines.dev';
scriptedHttp();
const options = { apiUrl: api, token: 'FlyV1 fm2_unit_test_secret', random: () => 0.5 };
const ownerLabels = { fly_preview_repo: 'o/r', fly_preview_pr: '2' };

function progress(): ProgressLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    debug: () => {},
    changing: () => {},
  };
}

const listed = (id: string, state: string, metadata: Record<string, string>, mounts: { volume: string; path: string }[] = []) => ({
  id,
  name: `name-${id}`,
  state,
  region: 'iad',
  instance_id: `I-${id}`,
  created_at: '2026-01-01T00:00:00Z',
  config: { image: 'registry.fly.io/demo:pr-2', metadata, mounts },
});

const request: DeployRequest = {
  appName: 'demo',
  org: 'personal',
  ownerLabels,
  region: 'iad',
  image: 'registry.fly.io/demo:pr-2',
  guest: { cpuKind: 'shared', cpus: 1, memoryMb: 256 },
  env: {},
  internalPort: 8080,
  revision: { id: 'abc', order: 1 },
  waitTimeoutMs: 60_000,
  smokeWindowMs: 0,
  secrets: {},
  autostop: 'stop',
};

/** A provider on a clock that only the pauses it asks for move, as a real minute of backoff would. */
function onClock(flyToml?: string) {
  const clock = { now: 0 };
  const provider = createFlyProvider({
    ...options,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms;
    },
    ...(flyToml === undefined ? {} : { appConfig: parseAppConfig(flyToml) }),
  });
  return { clock, provider };
}

/** An existing app with its IPs and no machine yet. */
function existingEmptyApp(): void {
  nock(api).get('/v1/apps/demo').reply(200, { id: 'a', name: 'demo', organization: { slug: 'personal' } });
  nock(api).get('/v1/apps/demo/ip_assignments').reply(200, { ips: [{ ip: '2a09::1' }, { ip: '66.241.1.1' }] });
  nock(api).get('/v1/apps/demo/machines').reply(200, []);
}

describe('destroy (fly-go flaps_machines.go ListActive: the list holds destroyed and destroying machines)', () => {
  it('deletes and names only the machines of ours that are still there, and still deletes the volume a destroyed one left', async () => {
    nock(api)
      .get('/v1/apps/demo/machines')
      .reply(200, [
        listed('live1', 'started', ownerLabels, [{ volume: 'vol_live', path: '/data' }]),
        listed('dead1', 'destroyed', ownerLabels, [{ volume: 'vol_dead', path: '/data' }]),
        listed('dying1', 'destroying', ownerLabels),
        listed('theirs', 'started', { team: 'x' }),
      ]);
    nock(api).delete('/v1/apps/demo/machines/live1').query({ force: 'true' }).reply(200, { ok: true });
    nock(api)
      .get('/v1/apps/demo/volumes')
      .reply(200, [
        { id: 'vol_live', name: 'data', state: 'created', attached_machine_id: null },
        { id: 'vol_dead', name: 'data', state: 'created', attached_machine_id: null },
      ]);
    nock(api).delete('/v1/apps/demo/volumes/vol_live').reply(200, {});
    nock(api).delete('/v1/apps/demo/volumes/vol_dead').reply(200, {});
    const { provider } = onClock();
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toEqual({ kind: 'machines-destroyed', appName: 'demo', machineIds: ['live1'], foreignMachines: [{ id: 'theirs', name: 'name-theirs' }] });
  });

  it('a machine that vanished between the list and its delete (404) is not counted as deleted', async () => {
    nock(api).get('/v1/apps/demo/machines').reply(200, [listed('m1', 'started', ownerLabels), listed('m2', 'stopped', ownerLabels), listed('theirs', 'started', {})]);
    nock(api).delete('/v1/apps/demo/machines/m1').query(true).reply(200, { ok: true });
    nock(api).delete('/v1/apps/demo/machines/m2').query(true).reply(404, { error: 'machine not found' });
    const { provider } = onClock();
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'machines-destroyed', machineIds: ['m1'] });
  });

  it('with no foreign machine left the app goes, and a destroyed machine of ours is not named among its machines', async () => {
    nock(api).get('/v1/apps/demo/machines').reply(200, [listed('m1', 'started', ownerLabels), listed('dead', 'destroyed', ownerLabels), listed('gone', 'destroyed', {})]);
    nock(api).delete('/v1/apps/demo').reply(202);
    const { provider } = onClock();
    const outcome = await provider.destroy({ appName: 'demo', org: 'personal', ownerLabels }, progress());
    await provider.close();
    expect(outcome).toEqual({ kind: 'app-destroyed', appName: 'demo', machineIds: ['m1'] });
  });
});

describe('the release command (flyctl internal/command/deploy/machines_releasecommand.go)', () => {
  const releaseToml = 'app = "demo"\n[deploy]\n  release_command = "bin/migrate"\n  release_command_timeout = "5m"\n[http_service]\n  internal_port = 8080\n';
  const releaseMachine = { id: 'r1', name: 'release', state: 'created', region: 'iad', instance_id: 'IR1', created_at: '2026-01-01T00:00:00Z', config: { image: request.image } };

  it('a machine Fly answers 404 for during the whole visibility minute is reported as not found, not as a command timeout', async () => {
    existingEmptyApp();
    nock(api).post('/v1/apps/demo/machines').reply(200, releaseMachine);
    const { clock, provider } = onClock(releaseToml);
    let waits = 0;
    nock(api)
      .persist()
      .get('/v1/apps/demo/machines/r1/wait')
      .query(true)
      .reply(() => {
        waits++;
        return [404, { error: 'machine not found' }];
      });
    nock(api).get('/v1/apps/demo/machines/r1').reply(404, { error: 'machine not found' });
    nock(api).get('/v1/apps/demo/machines/r1/events').reply(404, { error: 'machine not found' });
    nock(api).delete('/v1/apps/demo/machines/r1').query(true).reply(404, { error: 'machine not found' });
    const outcome = await provider.deploy(request, progress());
    await provider.close();
    expect(outcome.kind).toBe('failed');
    const reason = outcome.kind === 'failed' ? outcome.reason : '';
    expect(reason).not.toContain('release_command_timeout');
    expect(reason).toMatch(/^Fly answered 404 for the release command's machine r1 for \d+ s after creating it/);
    expect(reason).toContain('no app machine was changed');
    // Given up after the minute a new machine may stay invisible, long before the 5 min timeout.
    expect(clock.now).toBeLessThanOrEqual(62_000);
    expect(waits).toBeGreaterThan(1);
  });

  it('a machine that 404s but whose exit can still be read ran to its end: its exit code decides, as flyctl reads a quick self-destroy', async () => {
    existingEmptyApp();
    nock(api).post('/v1/apps/demo/machines').reply(200, releaseMachine);
    const { provider } = onClock(releaseToml);
    nock(api).persist().get('/v1/apps/demo/machines/r1/wait').query(true).reply(404, { error: 'machine not found' });
    const exit = { type: 'exit', status: 'stopped', source: 'flyd', timestamp: 5, request: { exit_event: { exit_code: 7, requested_stop: false } } };
    nock(api).get('/v1/apps/demo/machines/r1').reply(200, { ...releaseMachine, state: 'destroyed', events: [{ type: 'destroy', status: 'destroyed', timestamp: 6 }, exit] });
    const outcome = await provider.deploy(request, progress());
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'failed', exitCode: 7, reason: 'The release command `bin/migrate` exited with code 7; no app machine was changed.' });
  });

  it('a machine that was found, then answers 404 with no exit left to read, is said to have disappeared, not to have timed out', async () => {
    existingEmptyApp();
    nock(api).post('/v1/apps/demo/machines').reply(200, releaseMachine);
    const { clock, provider } = onClock(releaseToml);
    // The first wait is held its full minute (408: still running); the machine is gone after it.
    nock(api)
      .get('/v1/apps/demo/machines/r1/wait')
      .query(true)
      .reply(() => {
        clock.now += 60_000;
        return [408, { error: 'deadline_exceeded' }];
      });
    nock(api).get('/v1/apps/demo/machines/r1/wait').query(true).reply(404, { error: 'machine not found' });
    nock(api).get('/v1/apps/demo/machines/r1').reply(404, { error: 'machine not found' });
    nock(api).get('/v1/apps/demo/machines/r1/events').reply(404, { error: 'machine not found' });
    nock(api).delete('/v1/apps/demo/machines/r1').query(true).reply(404, { error: 'machine not found' });
    const outcome = await provider.deploy(request, progress());
    await provider.close();
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: "The release command's machine r1 disappeared (404) before its exit could be read, so how `bin/migrate` ended is unknown; no app machine was changed. Re-run the job.",
    });
  });
});

describe('a machine create on an app this run just created (flyctl #3112; test/sim/FLY_API.md "Apps")', () => {
  it('after a lost create answer, the second create too takes a 404 as the app not visible yet and tries again', async () => {
    const made = { id: 'm1', name: 'preview', state: 'created', region: 'iad', instance_id: 'I1', created_at: '2026-01-01T00:00:00Z', config: { image: request.image, metadata: ownerLabels } };
    nock(api).get('/v1/apps/demo').reply(404, { error: 'Could not find App "demo"' });
    nock(api).post('/v1/apps').query({ wait: 'true' }).reply(201, { id: 'a', name: 'demo' });
    nock(api).post('/v1/apps/demo/ip_assignments').twice().reply(200, { ip: '2a09::1' });
    nock(api).post('/v1/apps/demo/machines').replyWithError(connectionReset());
    // The lost create did not go through, and the app is not yet visible to the create that follows.
    nock(api).get('/v1/apps/demo/machines').reply(200, []);
    nock(api).post('/v1/apps/demo/machines').reply(404, { error: 'app not found' });
    nock(api).post('/v1/apps/demo/machines').reply(200, made);
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [{ ...made, state: 'started' }]);
    const { provider } = onClock();
    const log = progress();
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', machineId: 'm1', change: 'created' });
    expect(log.lines).toContain('Created machine m1 in iad (instance I1)');
  });

  it('after a lost create answer, the look for it takes a 401 as permissions still spreading, and finds the machine instead of making a second', async () => {
    const made = { id: 'm1', name: 'preview', state: 'created', region: 'iad', instance_id: 'I1', created_at: '2026-01-01T00:00:00Z', config: { image: request.image, metadata: ownerLabels } };
    nock(api).get('/v1/apps/demo').reply(404, { error: 'Could not find App "demo"' });
    nock(api).post('/v1/apps').query({ wait: 'true' }).reply(201, { id: 'a', name: 'demo' });
    nock(api).post('/v1/apps/demo/ip_assignments').twice().reply(200, { ip: '2a09::1' });
    nock(api).post('/v1/apps/demo/machines').replyWithError(connectionReset());
    // The create went through, but the token's rights on the new app are not everywhere yet.
    nock(api).get('/v1/apps/demo/machines').reply(401, { error: 'Authenticate: token validation error' });
    nock(api).get('/v1/apps/demo/machines').reply(200, [{ ...made, config: { ...made.config, metadata: { ...ownerLabels, fly_preview_sha: request.revision.id } } }]);
    nock(api).get('/v1/apps/demo/machines/m1/wait').query(true).reply(200, { ok: true });
    nock(api).get('/v1/apps/demo/machines').reply(200, [{ ...made, state: 'started' }]);
    const { provider } = onClock();
    const log = progress();
    const outcome = await provider.deploy(request, log);
    await provider.close();
    expect(outcome).toMatchObject({ kind: 'ready', machineId: 'm1' });
    expect(log.lines).toContain('Found machine m1: the lost create did go through');
  });
});
