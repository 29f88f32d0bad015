// `npm run demo`: the built action (dist/index.js) through one pull request's life, against the
// local Fly and GitHub doubles. No account, no network. `npm run demo -- --provider koyeb` (or
// `comfydeploy`) runs tools/demo-platforms.ts instead.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullRequestPayload, runAction, type ActionRun } from '../test/sim/action-runner.ts';
import { startFlySim, type FlySim } from '../test/sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../test/sim/github.ts';
import { startPostgres } from '../test/support/postgres-server.ts';
import { databaseDemo } from './demo-database.ts';
import { bold, dim, green, red, requestLine, logLines } from './demo-print.ts';


/** As `fly tokens create deploy` prints it: two macaroons behind the FlyV1 scheme. */
const flyToken = 'FlyV1 fm2_lJPECAAAAAAAAdemomacaroon,fm2_lJPEdemodischarge';
const githubToken = 'demo-github-token';

async function step(
  fly: FlySim,
  github: GitHubSim,
  title: string,
  what: string,
  action: string,
  inputs: Record<string, string>,
  changes: Parameters<typeof pullRequestPayload>[1],
  number = 2,
): Promise<ActionRun> {
  const payload = pullRequestPayload(action, changes);
  (payload['pull_request'] as Record<string, unknown>)['number'] = number;
  return show(fly, github, title, what, 'pull_request', payload, inputs);
}

async function show(
  fly: FlySim,
  github: GitHubSim,
  title: string,
  what: string,
  eventName: string,
  payload: unknown,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  fly.clearRequests();
  github.clearRequests();
  console.log(`\n${bold(`▶ ${title}`)}\n  ${dim(what)}`);
  const started = Date.now();
  const run = await runAction({
    eventName,
    payload,
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: {
      'fly-api-token': flyToken,
      'github-token': githubToken,
      'fly-api-url': fly.url,
      'deployment-environment': 'preview',
      // Shorter than the 10 s default so the demo moves along; a crash within it still counts.
      'smoke-window': '2',
      ...inputs,
    },
    env,
  });
  const ms = Date.now() - started;
  console.log(`  ${bold('Action log')}`);
  for (const line of logLines(run)) console.log(line);
  const schemes = [...new Set(fly.requests.map((r) => r.authScheme))].join(', ');
  console.log(`  ${bold(`Fly API (${fly.requests.length} requests)`)} ${dim(`Authorization: ${schemes || '-'} <masked>`)}`);
  for (const r of fly.requests) console.log(requestLine(r));
  console.log(`  ${bold(`GitHub API (${github.requests.length} requests)`)}`);
  for (const r of github.requests) console.log(requestLine(r));
  const outputs = Object.entries(run.outputs)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('  ');
  const verdict = run.exitCode === 0 ? green('exit 0') : red(`exit ${run.exitCode}`);
  console.log(`  ${bold('Outputs')} ${outputs}  ${verdict} ${dim(`in ${ms} ms`)}`);
  const latest = github.deployments('Codertocat', 'Hello-World').at(-1);
  if (latest !== undefined) {
    const status = latest.statuses.at(-1);
    const url = status?.environment_url ? ` → ${status.environment_url}` : '';
    console.log(`  ${bold('GitHub deployment')} ${latest.environment} ${latest.ref.slice(0, 7)}: ${latest.statuses.map((s) => s.state).join(' → ')}${url}`);
  }
  return run;
}

function showComment(github: GitHubSim, number = 2): void {
  const comments = github.comments('Codertocat', 'Hello-World', number);
  console.log(`  ${bold(`The PR has ${comments.length} comment${comments.length === 1 ? '' : 's'}; it reads:`)}`);
  const body = comments[0]?.body ?? '(none)';
  // GitHub does not show HTML comments: the marker and the view the comment keeps.
  for (const line of body.split('\n').filter((l) => !/^<!--.*-->$/.test(l))) console.log(`    ${dim('│')} ${line}`);
}

async function main(): Promise<void> {
  const [fly, github] = await Promise.all([
    startFlySim({ tokens: [flyToken], bootMs: 400 }),
    startGitHubSim({ token: githubToken }),
  ]);
  // A real PostgreSQL for the database steps, starting while the first steps run.
  const postgres = startPostgres();
  const failures: string[] = [];
  const expect = (run: ActionRun, status: string, exitCode = 0): void => {
    if (run.exitCode !== exitCode || run.outputs['status'] !== status) {
      failures.push(`expected status=${status} exit ${exitCode}, got status=${run.outputs['status']} exit ${run.exitCode}`);
    }
  };
  try {
    console.log(bold('fly-preview demo'));
    console.log(
      dim(`Local Fly Machines API at ${fly.url}, local GitHub API at ${github.url}.\n`) +
        dim('Each step runs `node dist/index.js` as a GitHub runner would, with GitHub\'s own example\n') +
        dim('pull_request payloads (Codertocat/Hello-World#2), with `deployment-environment: preview`.\n') +
        dim('Machines take 400 ms to boot; `smoke-window: 2` watches each for 2 s after it starts.\n') +
        dim(`The Fly token is pasted as \`fly tokens create\` prints it (FlyV1 fm2_…,fm2_…); the simulator, like Fly,\n`) +
        dim('accepts it only as `Authorization: FlyV1 <macaroons>`, and every piece is masked in the log.'),
    );
    const first = { headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', updatedAt: '2019-05-15T15:20:33Z' };
    const second = { headSha: '9f4a1c0d2b3e4f5a6b7c8d9e0f1a2b3c4d5e6f70', updatedAt: '2019-05-15T15:25:00Z' };

    let run = await step(fly, github, '1. PR opened', 'A new app, its public IPs and one machine; the comment appears.', 'opened',
      { image: 'registry.fly.io/hello:pr-2-ec26c3e' }, first);
    expect(run, 'deployed');
    showComment(github);

    run = await step(fly, github, '2. New push (synchronize)', 'The same machine is updated in place; the wait is on its new instance.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-9f4a1c0' }, second);
    expect(run, 'deployed');
    showComment(github);

    run = await step(fly, github, '3. The same run again (re-run)', 'Nothing to change: reads only, no duplicate machine or comment.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-9f4a1c0' }, second);
    expect(run, 'deployed');

    fly.imageExitsAtBoot('registry.fly.io/hello:pr-2-broken', 3);
    run = await step(fly, github, '4. A push whose image crashes at boot', 'Reported within seconds with the exit code; the step fails; the app stays for inspection.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-broken' }, { headSha: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', updatedAt: '2019-05-15T15:27:00Z' });
    expect(run, 'failed', 1);
    showComment(github);

    fly.imageCrashesAfterStart('registry.fly.io/hello:pr-2-crashy', { afterMs: 300, exitCode: 1 });
    run = await step(fly, github, '5. A push whose app crashes a moment after it starts',
      '`started`, then exit code 1; its restart policy restarts it until it gives up. The smoke window catches it: failed, with the events.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-crashy' }, { headSha: 'c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4c4', updatedAt: '2019-05-15T15:27:30Z' });
    expect(run, 'failed', 1);
    showComment(github);

    fly.imageFails('registry.fly.io/hello:pr-2-typo', 'failed to pull image registry.fly.io/hello:pr-2-typo: manifest unknown');
    run = await step(fly, github, '6. A push whose image cannot be pulled', 'Fly marks the machine `failed`: reported at once with its last event, not after wait-timeout.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-typo' }, { headSha: 'd5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5', updatedAt: '2019-05-15T15:28:00Z' });
    expect(run, 'failed', 1);

    run = await step(fly, github, '7. The fix is pushed', 'The same machine recovers.', 'synchronize',
      { image: 'registry.fly.io/hello:pr-2-fixed' }, { headSha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', updatedAt: '2019-05-15T15:29:00Z' });
    expect(run, 'deployed');

    const [idle] = fly.machines('pr-2-codertocat-hello-world');
    fly.idle('pr-2-codertocat-hello-world', idle?.id ?? '', 'suspend');
    run = await step(fly, github, '7b. A review is requested', 'fly-proxy had suspended the idle machine: it is resumed (no redeploy), and the comment shows when.', 'review_requested',
      {}, { headSha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', updatedAt: '2019-05-15T15:30:00Z' });
    expect(run, 'woken');
    showComment(github);

    run = await step(fly, github, '8. PR closed', 'The app and everything in it are deleted; the comment says so.', 'closed', {},
      { headSha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', updatedAt: '2019-05-15T15:31:00Z' });
    expect(run, 'destroyed');
    showComment(github);

    run = await step(fly, github, '9. Closed again', 'Already gone: a no-op that succeeds.', 'closed', {},
      { headSha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', updatedAt: '2019-05-15T15:32:00Z' });
    expect(run, 'destroyed');

    run = await step(fly, github, '10. Another PR (#3) is opened', 'A second preview. Its close run will never happen: the workflow was cancelled.', 'opened',
      { image: 'registry.fly.io/hello:pr-3-c3c3c3c' }, { headSha: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', updatedAt: '2019-05-16T09:00:00Z' }, 3);
    expect(run, 'deployed');
    // GitHub knows both PRs are closed now; PR #3 was merged without a close run.
    github.seedPulls('Codertocat', 'Hello-World', [
      { number: 2, state: 'closed', updatedAt: '2019-05-15T15:32:00Z', headSha: 'f'.repeat(40) },
      { number: 3, state: 'closed', merged: true, updatedAt: '2019-05-16T10:00:00Z', headSha: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3' },
    ]);
    fly.addApp('staging-hello');
    fly.addMachine('staging-hello', { name: 'staging', image: 'registry.fly.io/hello:main' });

    run = await show(fly, github, '11. The nightly sweep (schedule)', 'Finds the preview whose close run never ran, and leaves apps that are not previews alone.',
      'schedule', { schedule: '17 3 * * *' }, { ttl: '7d' });
    expect(run, 'swept');
    if (run.outputs['destroyed'] !== JSON.stringify(['pr-3-codertocat-hello-world'])) failures.push(`the sweep destroyed ${run.outputs['destroyed']}`);
    console.log(`  ${bold('Job summary')}`);
    for (const line of run.summary.trim().split('\n')) console.log(`    ${dim('│')} ${line}`);

    run = await show(fly, github, '12. The sweep again', 'Idempotent: nothing left to destroy.', 'schedule', { schedule: '17 3 * * *' }, { ttl: '7d' });
    expect(run, 'swept');
    if (run.outputs['destroyed'] !== '[]') failures.push(`the second sweep destroyed ${run.outputs['destroyed']}`);

    // The team's own fly.toml: a web and a worker group, a migration before each release, a health check.
    const workspace = mkdtempSync(join(tmpdir(), 'fly-preview-demo-'));
    writeFileSync(
      join(workspace, 'fly.toml'),
      [
        'app = "hello"',
        'primary_region = "ams"',
        '[deploy]',
        '  release_command = "bin/rails db:migrate"',
        '[processes]',
        '  web = "bin/rails server -b 0.0.0.0"',
        '  worker = "bundle exec sidekiq"',
        '[http_service]',
        '  internal_port = 3000',
        '  processes = ["web"]',
        '[checks.alive]',
        '  type = "http"',
        '  port = 3000',
        '  path = "/up"',
        '  processes = ["web"]',
        '',
      ].join('\n'),
    );
    const pr4 = (action: string, changes: Parameters<typeof pullRequestPayload>[1]): unknown => {
      const payload = pullRequestPayload(action, changes);
      (payload['pull_request'] as Record<string, unknown>)['number'] = 4;
      return payload;
    };
    const secrets = 'DATABASE_URL=postgres://preview:demo-s3cret@db.internal/app\nSECRET_KEY_BASE=demo-key-base-0123456789';
    run = await show(fly, github, '13. PR #4 brings its fly.toml',
      'Secrets set as Fly app secrets (masked), the release command in a one-off machine, then web and worker in parallel; the web check must pass.',
      'pull_request', pr4('opened', { headSha: 'e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4', updatedAt: '2019-05-17T09:00:00Z' }),
      { image: 'registry.fly.io/hello:pr-4-e4e4e4e', secrets }, { GITHUB_WORKSPACE: workspace });
    expect(run, 'deployed');
    showComment(github, 4);

    fly.commandExits('db:migrate', 1);
    run = await show(fly, github, '14. A push whose migration fails',
      'The release command exits 1: no app machine is touched, the step fails, and the comment shows the command, its exit code and events.',
      'pull_request', pr4('synchronize', { headSha: 'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5', updatedAt: '2019-05-17T09:05:00Z' }),
      { image: 'registry.fly.io/hello:pr-4-e5e5e5e', secrets }, { GITHUB_WORKSPACE: workspace });
    expect(run, 'failed', 1);
    showComment(github, 4);
    // The release machine itself may still be on its way out; the app's machines must be untouched.
    const images = fly
      .machines('pr-4-codertocat-hello-world')
      .filter((m) => m.config.metadata?.['fly_process_group'] !== 'fly_app_release_command')
      .map((m) => m.config.image);
    if (images.some((image) => image !== 'registry.fly.io/hello:pr-4-e4e4e4e')) failures.push(`a failed release changed machines: ${images.join(', ')}`);

    await databaseDemo({
      fly,
      show: (title, what, eventName, payload, inputs, env) => show(fly, github, title, what, eventName, payload, inputs, env),
      showComment: (number) => showComment(github, number),
      expect,
      failures,
    }, await postgres);

    const left = fly.apps().filter((a) => a.name.startsWith('pr-') && a.name !== 'pr-4-codertocat-hello-world');
    console.log(`\n${bold('End state')}: ${left.length === 0 ? green('no preview app left on Fly') : red(`apps still there: ${left.map((a) => a.name).join(', ')}`)} ` +
      `for closed PRs (${fly.apps().filter((a) => !a.name.startsWith('pr-')).map((a) => a.name).join(', ')} untouched; open PR #4 keeps its preview), ` +
      `${github.comments('Codertocat', 'Hello-World', 2).length} comment on PR #2, ${github.comments('Codertocat', 'Hello-World', 3).length} on PR #3, ${github.comments('Codertocat', 'Hello-World', 4).length} on PR #4.`);
  } finally {
    await Promise.all([fly.close(), github.close(), postgres.then((server) => server.stop(), () => undefined)]);
  }
  if (failures.length > 0) {
    console.error(red(`\nThe demo did not go as expected:\n- ${failures.join('\n- ')}`));
    process.exit(1);
  }
}

const providerFlag = process.argv.indexOf('--provider');
const provider = providerFlag === -1 ? 'fly' : (process.argv[providerFlag + 1] ?? '');
if (provider === 'fly') await main();
else await (await import('./demo-platforms.ts')).platformDemo(provider);
