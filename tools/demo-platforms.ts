// `npm run demo -- --provider koyeb` and `-- --provider comfydeploy`: the built action
// (dist/index.js) through one pull request's life on the other platforms, against their local
// doubles and the GitHub one. No account, no network. The Fly demo is tools/demo.ts itself.
import { pullRequestPayload, runAction, type ActionRun, type PullRequestChanges } from '../test/sim/action-runner.ts';
import { startComfyDeploySim } from '../test/sim/comfydeploy.ts';
import { startGitHubSim, type GitHubSim } from '../test/sim/github.ts';
import type { DoubleControls } from '../test/sim/http-double.ts';
import { startKoyebSim } from '../test/sim/koyeb.ts';
import { bold, dim, green, red, requestLine, logLines } from './demo-print.ts';


const githubToken = 'demo-github-token';

interface Platform {
  /** How the request list is headed, e.g. "Koyeb API". */
  api: string;
  sim: DoubleControls;
  inputs: Record<string, string>;
}

class Demo {
  readonly failures: string[] = [];
  readonly platform: Platform;
  readonly github: GitHubSim;
  constructor(platform: Platform, github: GitHubSim) {
    this.platform = platform;
    this.github = github;
  }

  async step(title: string, what: string, action: string, inputs: Record<string, string>, changes: PullRequestChanges, expected: { status: string; exitCode?: number }): Promise<ActionRun> {
    const { sim } = this.platform;
    sim.clearRequests();
    this.github.clearRequests();
    console.log(`\n${bold(`▶ ${title}`)}\n  ${dim(what)}`);
    const started = Date.now();
    const run = await runAction({
      eventName: 'pull_request',
      payload: pullRequestPayload(action, changes),
      repository: 'Codertocat/Hello-World',
      githubApiUrl: this.github.url,
      inputs: { 'github-token': githubToken, ...this.platform.inputs, ...inputs },
    });
    const ms = Date.now() - started;
    console.log(`  ${bold('Action log')}`);
    for (const line of logLines(run)) console.log(line);
    console.log(`  ${bold(`${this.platform.api} (${sim.requests.length} requests)`)}`);
    for (const r of sim.requests) console.log(requestLine(r));
    console.log(`  ${bold(`GitHub API (${this.github.requests.length} requests)`)}`);
    for (const r of this.github.requests) console.log(requestLine(r));
    const outputs = Object.entries(run.outputs)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join('  ');
    console.log(`  ${bold('Outputs')} ${outputs}  ${run.exitCode === 0 ? green('exit 0') : red(`exit ${run.exitCode}`)} ${dim(`in ${ms} ms`)}`);
    const exitCode = expected.exitCode ?? 0;
    if (run.exitCode !== exitCode || run.outputs['status'] !== expected.status) {
      this.failures.push(`${title}: expected status=${expected.status} exit ${exitCode}, got status=${run.outputs['status']} exit ${run.exitCode}`);
    }
    return run;
  }

  comment(): void {
    const comments = this.github.comments('Codertocat', 'Hello-World', 2);
    console.log(`  ${bold(`The PR has ${comments.length} comment${comments.length === 1 ? '' : 's'}; it reads:`)}`);
    for (const line of (comments[0]?.body ?? '(none)').split('\n')) console.log(`    ${dim('│')} ${line}`);
  }
}

const sha = (c: string) => c.repeat(40);
const at = (minute: number) => `2019-05-15T15:${String(minute).padStart(2, '0')}:00Z`;

async function koyebDemo(github: GitHubSim): Promise<string[]> {
  const token = 'demo-koyeb-token';
  const koyeb = await startKoyebSim({ tokens: [token], deployMs: 600 });
  const demo = new Demo({ api: 'Koyeb API', sim: koyeb, inputs: { provider: 'koyeb', 'koyeb-api-token': token, 'koyeb-api-url': koyeb.url } }, github);
  try {
    console.log(bold('fly-preview demo on Koyeb (provider: koyeb)'));
    console.log(
      dim(`Local Koyeb API at ${koyeb.url}, local GitHub API at ${github.url}. Each step runs \`node dist/index.js\`\n`) +
        dim('as a runner would, with GitHub\'s example pull_request payloads. Deployments take 600 ms to become HEALTHY;\n') +
        dim('Koyeb has no blocking wait, so the action polls the deployment a second or more apart.'),
    );
    const secrets = { secrets: 'API_KEY=demo-secret-value' };
    await demo.step('1. PR opened', 'A Koyeb app and one WEB service; the secret becomes a Koyeb secret; the URL is the domain Koyeb reports.', 'opened',
      { image: 'ghcr.io/acme/hello:one', ...secrets }, { headSha: sha('a'), updatedAt: at(20) }, { status: 'deployed' });
    demo.comment();
    await demo.step('2. New push', 'The same service gets a new deployment.', 'synchronize', { image: 'ghcr.io/acme/hello:two', ...secrets },
      { headSha: sha('b'), updatedAt: at(25) }, { status: 'deployed' });
    await demo.step('3. The same run again', 'Nothing to change: reads only.', 'synchronize', { image: 'ghcr.io/acme/hello:two', ...secrets },
      { headSha: sha('b'), updatedAt: at(25) }, { status: 'deployed' });
    koyeb.imageFails('ghcr.io/acme/hello:crash', { status: 'ERROR', message: 'Application exited with code 1' });
    await demo.step('4. A push whose app crashes', 'The deployment ends ERROR: the instance message and events go to the log and the comment.', 'synchronize',
      { image: 'ghcr.io/acme/hello:crash', ...secrets }, { headSha: sha('c'), updatedAt: at(30) }, { status: 'failed', exitCode: 1 });
    demo.comment();
    await demo.step('5. The fix', 'The same service recovers.', 'synchronize', { image: 'ghcr.io/acme/hello:fixed', ...secrets },
      { headSha: sha('d'), updatedAt: at(35) }, { status: 'deployed' });
    await demo.step('6. PR closed', 'The app (with its service) and the secret are deleted.', 'closed', {}, { headSha: sha('d'), updatedAt: at(40) }, { status: 'destroyed' });
    demo.comment();
    await demo.step('7. Closed again', 'Already gone: a no-op.', 'closed', {}, { headSha: sha('d'), updatedAt: at(41) }, { status: 'destroyed' });
    console.log(`\n${bold('End state')}: ${koyeb.apps().length === 0 ? green('no Koyeb app left') : red(koyeb.apps().map((a) => a.name).join(', '))}, secrets: ${JSON.stringify(Object.keys(koyeb.secrets()))}.`);
  } finally {
    await koyeb.close();
  }
  return demo.failures;
}

async function comfyDeployDemo(github: GitHubSim): Promise<string[]> {
  const token = 'demo-comfydeploy-token';
  const comfy = await startComfyDeploySim({ tokens: [token], buildMs: 1500 });
  const inputs = {
    provider: 'comfydeploy',
    'comfydeploy-api-token': token,
    'comfydeploy-api-url': `${comfy.url}/api`,
    'comfyui-version': '094306b626e9cf505690c5d8b445032b3b8a36fa',
    // A real build takes minutes; the simulated one 1.5 s, so the demo need not wait 20 minutes to fail.
    'wait-timeout': '30',
  };
  const demo = new Demo({ api: 'ComfyDeploy API', sim: comfy, inputs }, github);
  try {
    console.log(bold('fly-preview demo on ComfyDeploy (provider: comfydeploy)'));
    console.log(
      dim(`Local ComfyDeploy API at ${comfy.url}/api, local GitHub API at ${github.url}. The repository is a ComfyUI\n`) +
        dim('custom node; each preview is a serverless machine built from a pinned ComfyUI plus the PR\'s head commit.\n') +
        dim('Builds take 1.5 s here (minutes for real); the action follows the build\'s own version.'),
    );
    await demo.step('1. PR opened', 'A machine is created and built; the comment links its dashboard page.', 'opened', {}, { headSha: sha('a'), updatedAt: at(20) }, { status: 'deployed' });
    demo.comment();
    await demo.step('2. New push', 'The same machine is rebuilt at the new commit.', 'synchronize', {}, { headSha: sha('b'), updatedAt: at(25) }, { status: 'deployed' });
    comfy.nodeFailsToImport('https://github.com/Codertocat/Hello-World.git');
    await demo.step('3. A push whose node fails to import', 'The build ends `ready`, but ComfyUI logged (IMPORT FAILED): the step fails naming the node.', 'synchronize', {},
      { headSha: sha('c'), updatedAt: at(30) }, { status: 'failed', exitCode: 1 });
    demo.comment();
    comfy.nodeBuildsNormally('https://github.com/Codertocat/Hello-World.git');
    await demo.step('4. The fix', 'Rebuilt and ready again.', 'synchronize', {}, { headSha: sha('d'), updatedAt: at(35) }, { status: 'deployed' });
    await demo.step('5. PR closed', 'The machine is deleted (force: a reviewer\'s workflow may be attached).', 'closed', {}, { headSha: sha('d'), updatedAt: at(40) }, { status: 'destroyed' });
    demo.comment();
    const live = comfy.machines().filter((m) => !m.deleted);
    console.log(`\n${bold('End state')}: ${live.length === 0 ? green('no live machine left') : red(live.map((m) => m.name).join(', '))}; ${comfy.buildsStarted()} builds.`);
  } finally {
    await comfy.close();
  }
  return demo.failures;
}

export async function platformDemo(provider: string): Promise<void> {
  if (provider !== 'koyeb' && provider !== 'comfydeploy') {
    console.error(red(`--provider must be fly, koyeb or comfydeploy; got "${provider}"`));
    process.exit(2);
  }
  const github = await startGitHubSim({ token: githubToken });
  let failures: string[];
  try {
    failures = provider === 'koyeb' ? await koyebDemo(github) : await comfyDeployDemo(github);
  } finally {
    await github.close();
  }
  if (failures.length > 0) {
    console.error(red(`\nThe demo did not go as expected:\n- ${failures.join('\n- ')}`));
    process.exit(1);
  }
}
