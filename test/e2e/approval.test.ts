// Previews on the team's terms, through GitHub's own example payloads: label opt-in
// (`labeled`, `unlabeled`), a maintainer's `/preview` comment (`issue_comment.created`), and
// `pr-number` on workflow_dispatch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestPayload, runAction, webhookExample, type ActionRun } from '../sim/action-runner.ts';
import { startFlySim, type FlySim } from '../sim/fly.ts';
import { startGitHubSim, type GitHubSim } from '../sim/github.ts';

const flyToken = 'fly_approval_secret_token_31cd';
const githubToken = 'ghs_approval_secret_token_42de';
const repository = 'Codertocat/Hello-World';
const app = 'pr-2-codertocat-hello-world';
const image = `registry.fly.io/hello-previews@sha256:${'d'.repeat(64)}`;

let fly: FlySim;
let github: GitHubSim;

beforeAll(async () => {
  [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs: 90 }), startGitHubSim({ token: githubToken })]);
});
afterAll(async () => {
  await Promise.all([fly?.close(), github?.close()]);
});

const inputs = (extra: Record<string, string> = {}) => ({ 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, 'smoke-window': '0', ...extra });

function run(eventName: string, payload: unknown, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ eventName, payload, repository, githubApiUrl: github.url, inputs: inputs(extra) });
}

describe('label opt-in (label: bug, as in the example payloads)', () => {
  beforeEach(() => fly.clearRequests());

  it('opened without the label: no preview, a notice says how to opt in', async () => {
    const result = await run('pull_request', pullRequestPayload('opened'), { label: 'bug', image });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(result.stdout).toContain("::notice::PR #2 has no 'bug' label, and only labelled PRs get a preview here. Add the label 'bug' to the PR to deploy one.");
    expect(fly.requests).toEqual([]);
  });

  it('labeled with it: deploys', async () => {
    const result = await run('pull_request', webhookExample('pull_request', 'labeled'), { label: 'bug', image });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(fly.machines(app)).toHaveLength(1);
  });

  it('a push to the labelled PR behaves as today', async () => {
    const result = await run('pull_request', webhookExample('pull_request', 'synchronize'), { label: 'bug', image });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
  });

  it('unlabeled: destroys the preview', async () => {
    const result = await run('pull_request', webhookExample('pull_request', 'unlabeled'), { label: 'bug' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
    expect(github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body).toContain("This PR's opt-in label was removed, so the app");
  });
});

/** GitHub's example `issue_comment.created`, made a comment on PR #2 with this body by this user. */
function commentPayload(body: string, login: string): { payload: Record<string, unknown>; commentId: number } {
  const payload = webhookExample('issue_comment', 'created');
  const commentId = github.seedComment('Codertocat', 'Hello-World', 2, body, login);
  const issue = payload['issue'] as Record<string, unknown>;
  issue['number'] = 2;
  issue['pull_request'] = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/2', html_url: 'https://github.com/Codertocat/Hello-World/pull/2' };
  const comment = payload['comment'] as Record<string, unknown> & { user: Record<string, unknown> };
  comment['id'] = commentId;
  comment['body'] = body;
  comment.user['login'] = login;
  return { payload, commentId };
}

describe('a /preview comment', () => {
  const head = 'f00dfeed'.repeat(5);
  beforeAll(() => {
    github.seedPulls('Codertocat', 'Hello-World', [{ number: 2, state: 'open', updatedAt: '2026-01-10T10:00:00Z', headSha: head }]);
    github.setPermission('Codertocat', 'Hello-World', 'maintainer', 'maintain');
    github.setPermission('Codertocat', 'Hello-World', 'triager', 'triage');
  });
  beforeEach(() => fly.clearRequests());

  it('from someone without write access: a polite reply, 👀 only, nothing deployed', async () => {
    const { payload, commentId } = commentPayload('/preview', 'triager');
    const result = await run('issue_comment', payload, { image });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(fly.requests).toEqual([]);
    expect(github.reactions(commentId).map((r) => r.content)).toEqual(['eyes']);
    const reply = github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body ?? '';
    expect(reply).toContain('Thanks for asking, @triager! Only people with write access');
  });

  it('with the token or image missing from the workflow: fails naming the input, before any request to GitHub or Fly', async () => {
    github.clearRequests();
    const noImage = commentPayload('/preview', 'maintainer');
    const withoutImage = await run('issue_comment', noImage.payload);
    expect(withoutImage.exitCode).toBe(1);
    expect(withoutImage.stdout).toContain("::error::Input 'image' is required to deploy PR #2");
    const noToken = commentPayload('/preview', 'maintainer');
    const withoutToken = await run('issue_comment', noToken.payload, { image, 'fly-api-token': '' });
    expect(withoutToken.exitCode).toBe(1);
    expect(withoutToken.stdout).toContain("::error::Input 'fly-api-token' is required to act on PR #2");
    expect(github.requests).toEqual([]);
    expect(fly.requests).toEqual([]);
    expect(github.reactions(noImage.commentId)).toEqual([]);
  });

  it('from a maintainer: reads the PR through the API, deploys its head, 👀 then 🚀', async () => {
    const { payload, commentId } = commentPayload('/preview', 'maintainer');
    const result = await run('issue_comment', payload, { image });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('deployed');
    expect(fly.machines(app)[0]?.config.metadata?.['fly_preview_sha']).toBe(head);
    expect(fly.machines(app)[0]?.config.image).toBe(image);
    expect(github.reactions(commentId).map((r) => r.content)).toEqual(['eyes', 'rocket']);
    expect(github.requests.some((r) => r.path === '/repos/Codertocat/Hello-World/pulls/2')).toBe(true);
    const visible = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    for (const text of [visible, result.stderr, result.summary]) {
      expect(text).not.toContain(flyToken);
      expect(text).not.toContain(githubToken);
    }
  });

  it('a failed deploy gets 😕', async () => {
    const broken = `registry.fly.io/hello-previews@sha256:${'e'.repeat(64)}`;
    fly.imageExitsAtBoot(broken, 3);
    const { payload, commentId } = commentPayload('/preview', 'maintainer');
    const result = await run('issue_comment', payload, { image: broken });
    expect(result.exitCode).toBe(1);
    expect(github.reactions(commentId).map((r) => r.content)).toEqual(['eyes', 'confused']);
  });

  it('/preview destroy from a maintainer destroys', async () => {
    const { payload, commentId } = commentPayload('/preview destroy', 'maintainer');
    const result = await run('issue_comment', payload);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
    expect(github.reactions(commentId).map((r) => r.content)).toEqual(['eyes', 'rocket']);
    const sticky = github.comments('Codertocat', 'Hello-World', 2).find((c) => c.body.startsWith('<!-- fly-preview '))?.body ?? '';
    expect(sticky).toContain('On request (`/preview destroy` or a run with `mode: destroy`), the app');
  });

  it('refused a place under max-previews: 😕, and a reply naming the PRs that hold the places', async () => {
    github.seedPulls('Codertocat', 'Hello-World', [{ number: 7, state: 'open', updatedAt: '2026-01-09T10:00:00Z' }]);
    fly.seedPreview('pr-7-codertocat-hello-world', { metadata: { fly_preview_repo: repository, fly_preview_pr: '7' }, createdAt: '2026-01-09T10:00:00Z' });
    const { payload, commentId } = commentPayload('/preview', 'maintainer');
    const result = await run('issue_comment', payload, { image, 'max-previews': '1', 'max-previews-policy': 'refuse' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('skipped');
    expect(fly.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(github.reactions(commentId).map((r) => r.content)).toEqual(['eyes', 'confused']);
    const reply = github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body ?? '';
    expect(reply).toMatch(
      /^`\/preview` did nothing: this repository keeps at most 1 live preview \(`max-previews`\), and #7 \(`pr-7-codertocat-hello-world`, last active \d+ days ago\) holds the places; the policy is `refuse`/,
    );
    expect(reply).toContain('comment `/preview destroy` on it), then comment `/preview` here again.');
  });

  it('on a fork PR: allow-forks still governs', async () => {
    github.seedPulls('Codertocat', 'Hello-World', [{ number: 2, state: 'open', updatedAt: '2026-01-10T11:00:00Z', headSha: head, headRepo: 'mallory/Hello-World' }]);
    const refused = commentPayload('/preview', 'maintainer');
    const skipped = await run('issue_comment', refused.payload, { image });
    expect(skipped.exitCode, skipped.stdout + skipped.stderr).toBe(0);
    expect(skipped.outputs['status']).toBe('skipped');
    expect(fly.requests).toEqual([]);
    expect(github.comments('Codertocat', 'Hello-World', 2).at(-1)?.body).toContain('`/preview` did nothing: PR #2 comes from the fork mallory/Hello-World');
    expect(github.reactions(refused.commentId).map((r) => r.content)).toEqual(['eyes', 'confused']);

    const approved = commentPayload('/preview', 'maintainer');
    const deployed = await run('issue_comment', approved.payload, { image, 'allow-forks': 'true' });
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.outputs['status']).toBe('deployed');
    expect(github.reactions(approved.commentId).map((r) => r.content)).toEqual(['eyes', 'rocket']);
  });
});

describe('pr-number on workflow_dispatch', () => {
  it('acts on that PR as its PR event would: a closed PR is destroyed, with no checkout of the fly.toml the workflow names', async () => {
    github.seedPulls('Codertocat', 'Hello-World', [{ number: 2, state: 'closed', updatedAt: '2026-01-11T10:00:00Z' }]);
    expect(fly.apps().map((a) => a.name)).toContain(app);
    // A cleanup job skips the checkout: the fly.toml is read only once the PR turns out to deploy.
    const result = await run('workflow_dispatch', webhookExample('workflow_dispatch'), { 'pr-number': '2', config: 'deploy/fly.preview.toml' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['status']).toBe('destroyed');
    expect(fly.apps().map((a) => a.name)).not.toContain(app);
  });
});
