// The opt-in GitHub deployment: the PR's "View deployment" button, through a PR's life.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pullRequestPayload, runAction } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

let fly: FlySim;
let github: GitHubSim;
const app = 'pr-2-codertocat-hello-world';

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: ['fly'], bootMs: 100 }), startGitHubSim({ token: 'gh' })]);
});
afterAll(async () => {
  await Promise.all([fly.close(), github.close()]);
});

const run = (action: string, image: string, headSha: string, updatedAt: string, extra: Record<string, string> = {}) =>
  runAction({
    eventName: 'pull_request',
    payload: pullRequestPayload(action, { headSha, updatedAt }),
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: { 'fly-api-token': 'fly', 'github-token': 'gh', 'fly-api-url': fly.url, image, 'deployment-environment': 'preview', 'smoke-window': '0', ...extra },
  });

it('records a deployment per change in preview-pr-<n>: in progress, then success with the URL; failure on a crash; inactive on close', async () => {
  const opened = await run('opened', 'registry.fly.io/hello:one', 'a'.repeat(40), '2019-05-15T15:20:00Z');
  expect(opened.exitCode, opened.stdout).toBe(0);
  let deployments = github.deployments('Codertocat', 'Hello-World');
  expect(deployments).toHaveLength(1);
  expect(deployments[0]).toMatchObject({ ref: 'a'.repeat(40), environment: 'preview-pr-2', transient_environment: true, production_environment: false });
  expect(deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  expect(deployments[0]?.statuses[1]?.environment_url).toBe(`https://${app}.fly.dev`);
  expect(deployments[0]?.statuses[1]?.log_url).toBe('https://github.com/Codertocat/Hello-World/actions/runs/4242');

  // A re-run that changes nothing records nothing new.
  await run('opened', 'registry.fly.io/hello:one', 'a'.repeat(40), '2019-05-15T15:20:00Z');
  expect(github.deployments('Codertocat', 'Hello-World')).toHaveLength(1);

  fly.imageExitsAtBoot('registry.fly.io/hello:broken', 1);
  const broken = await run('synchronize', 'registry.fly.io/hello:broken', 'b'.repeat(40), '2019-05-15T15:21:00Z');
  expect(broken.exitCode).toBe(1);
  deployments = github.deployments('Codertocat', 'Hello-World');
  expect(deployments[1]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);

  const closed = await run('closed', '', 'b'.repeat(40), '2019-05-15T15:22:00Z');
  expect(closed.exitCode, closed.stdout).toBe(0);
  deployments = github.deployments('Codertocat', 'Hello-World');
  expect(deployments[1]?.statuses.at(-1)?.state).toBe('inactive');
});

it('a token without deployments: write costs the deployment, not the preview', async () => {
  github.failNext({ method: 'POST', path: '/repos/Codertocat/Hello-World/deployments' }, { status: 403, body: { message: 'Resource not accessible by integration' } });
  const result = await run('opened', 'registry.fly.io/hello:three', 'c'.repeat(40), '2019-05-15T15:30:00Z');
  expect(result.exitCode, result.stdout).toBe(0);
  expect(result.outputs['status']).toBe('deployed');
  expect(result.stdout).toContain('::warning::Could not update the GitHub deployment: GitHub API: POST /repos/Codertocat/Hello-World/deployments failed with 403');
  expect(result.stdout).toContain('deployments: write');
});
