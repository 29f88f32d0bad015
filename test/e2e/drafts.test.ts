// `drafts: skip`, run as a runner runs it with GitHub's own payloads: a draft gets no preview (a
// notice says so), `ready_for_review` deploys it, `converted_to_draft` destroys it as a close would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, webhookExample, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly_drafts_secret_token_2c8d';
const githubToken = 'ghs_drafts_secret_token_6e13';
const app = 'pr-2-codertocat-hello-world';

let fly: FlySim;
let github: GitHubSim;

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken] }), startGitHubSim({ token: githubToken })]);
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

function run(payload: Record<string, unknown>): Promise<ActionRun> {
  return runAction({
    eventName: 'pull_request',
    payload,
    repository: 'Codertocat/Hello-World',
    githubApiUrl: github.url,
    inputs: {
      'fly-api-token': flyToken,
      'github-token': githubToken,
      'fly-api-url': fly.url,
      image: 'registry.fly.io/hello:pr-2',
      'smoke-window': '0',
      drafts: 'skip',
    },
  });
}

const comments = () => github.comments('Codertocat', 'Hello-World', 2);

describe('a draft PR with drafts: skip', () => {
  it('opened as a draft: no preview, and the notice says how to get one', async () => {
    // Every `opened` example has draft: false; GitHub sends this same payload with draft: true for a
    // PR opened as a draft.
    const payload = webhookExample('pull_request', 'opened');
    (payload['pull_request'] as Record<string, unknown>)['draft'] = true;
    const result = await run(payload);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain('::notice::PR #2 is a draft, and drafts get no preview here (drafts: skip). Marking it ready for review deploys one');
    expect(fly.requests).toEqual([]);
    expect(comments()).toEqual([]);
  });

  it('ready_for_review deploys it', async () => {
    const result = await run(webhookExample('pull_request', 'ready_for_review'));
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(fly.machines(app)).toHaveLength(1);
    expect(comments()[0]?.body).toContain(`Preview ready: https://${app}.fly.dev`);
  });

  it('converted_to_draft destroys it, as a close does', async () => {
    const result = await run(webhookExample('pull_request', 'converted_to_draft'));
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain('Preview removed: this PR is a draft again');
    expect(comments()[0]?.body).toContain('Marking the PR ready for review deploys it again');
  });
});
