import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common-inputs.js';
import { readSettings, type Settings } from '../../src/inputs.js';
import { inWords, parseCommand, planResolved, planRun, previewName, sweepVerdict, type PullRequestState, type SweptPull } from '../../src/plan.js';
import { evictionOrder, fullVerdict, hasRoom, lastActive, madeRoom, type CountedPreview } from '../../src/plan/budget.js';
import { appNameRule } from '../../src/providers/fly/names.js';
import { pullRequestPayload, webhookExample } from '../sim/action-runner.ts';

/** Fly's default app name, as plan.ts builds it by Fly's name rule. */
const defaultAppName = (owner: string, repo: string, number: number): string => previewName(appNameRule, owner, repo, number);

const settings = (values: Record<string, string> = {}): Settings =>
  readSettings((name) => ({ 'fly-api-token': 'fly-token', image: 'registry.fly.io/app:pr-2', ...values })[name] ?? '');

const pullRequest = (action: string, payload: unknown = pullRequestPayload(action), eventName = 'pull_request') => ({
  eventName,
  action,
  payload,
});

describe('planRun in auto mode, with GitHub example payloads', () => {
  it.each(['opened', 'reopened', 'synchronize', 'labeled', 'assigned'])(
    '%s deploys the PR preview',
    (action) => {
      const plan = planRun(settings(), pullRequest(action));
      expect(plan).toMatchObject({
        action: 'deploy',
        appName: 'pr-2-codertocat-hello-world',
        image: 'registry.fly.io/app:pr-2',
        apiToken: 'fly-token',
        pr: {
          number: 2,
          owner: 'Codertocat',
          repo: 'Hello-World',
          headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
          isFork: false,
          headRepoFullName: 'Codertocat/Hello-World',
        },
      });
    },
  );

  it('closed destroys, merged or not', () => {
    expect(planRun(settings(), pullRequest('closed')).action).toBe('destroy');
    const merged = pullRequestPayload('closed');
    (merged['pull_request'] as Record<string, unknown>)['merged'] = true;
    expect(planRun(settings(), pullRequest('closed', merged)).action).toBe('destroy');
  });

  it('orders runs by pull_request.updated_at', () => {
    const plan = planRun(settings(), pullRequest('opened', pullRequestPayload('opened', { updatedAt: '2019-05-15T15:20:33Z' })));
    expect(plan.action === 'deploy' && plan.pr.updatedAtMs).toBe(Date.parse('2019-05-15T15:20:33Z'));
  });

  it('works the same under pull_request_target', () => {
    expect(planRun(settings(), pullRequest('opened', pullRequestPayload('opened'), 'pull_request_target')).action).toBe('deploy');
  });

  it('skips other events, naming them', () => {
    const plan = planRun(settings(), { eventName: 'push', action: undefined, payload: webhookExample('push') });
    expect(plan).toEqual({ action: 'skip', reason: expect.stringContaining("this run is for 'push'") });
  });

  it('skips activity on a PR that is already closed instead of bringing its preview back', () => {
    const payload = pullRequestPayload('labeled');
    (payload['pull_request'] as Record<string, unknown>)['state'] = 'closed';
    expect(planRun(settings(), pullRequest('labeled', payload))).toMatchObject({ action: 'skip', reason: expect.stringContaining('is closed') });
  });

  it('uses app-name when given', () => {
    expect(planRun(settings({ 'app-name': 'custom-preview' }), pullRequest('opened'))).toMatchObject({ appName: 'custom-preview' });
  });
});

describe('forks', () => {
  const fork = (action: string) => pullRequestPayload(action, { headRepo: 'mallory/Hello-World' });

  it('are skipped unless allow-forks, with the opt-in named', () => {
    const plan = planRun(settings(), pullRequest('opened', fork('opened')));
    expect(plan).toMatchObject({ action: 'skip', reason: expect.stringMatching(/fork mallory\/Hello-World.*allow-forks: true/) });
    expect(planRun(settings({ 'allow-forks': 'true' }), pullRequest('opened', fork('opened'))).action).toBe('deploy');
  });

  it('without the secret under pull_request are a skip that explains why, for deploy and for cleanup', () => {
    const deploy = planRun(settings({ 'fly-api-token': '', 'allow-forks': 'true' }), pullRequest('opened', fork('opened')));
    expect(deploy).toMatchObject({ action: 'skip', reason: expect.stringContaining('no secrets') });
    const destroy = planRun(settings({ 'fly-api-token': '' }), pullRequest('closed', fork('closed')));
    expect(destroy).toMatchObject({ action: 'skip', reason: expect.stringContaining('pull_request_target') });
  });

  it('are still cleaned up on close when the token is there', () => {
    expect(planRun(settings(), pullRequest('closed', fork('closed'))).action).toBe('destroy');
  });

  it('include a head repository that was deleted', () => {
    const plan = planRun(settings(), pullRequest('opened', pullRequestPayload('opened', { headRepo: null })));
    expect(plan).toMatchObject({ action: 'skip', reason: expect.stringContaining('(deleted)') });
  });
});

describe('missing values', () => {
  it('a missing Fly token on a same-repo PR fails naming fly-api-token and how to pass it', () => {
    expect(() => planRun(settings({ 'fly-api-token': '' }), pullRequest('opened'))).toThrow(
      new InputError('fly-api-token', 'is required to deploy a preview; pass it from a secret: `fly-api-token: ${{ secrets.FLY_API_TOKEN }}`'),
    );
  });

  it('Dependabot PRs without the token are a skip that points at Dependabot secrets', () => {
    const payload = pullRequestPayload('opened');
    payload['sender'] = { login: 'dependabot[bot]' };
    expect(planRun(settings({ 'fly-api-token': '' }), pullRequest('opened', payload))).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining('Dependabot secrets'),
    });
  });

  it('a deploy without image fails naming image', () => {
    expect(() => planRun(settings({ image: '' }), pullRequest('opened'))).toThrow(/Input 'image' is required to deploy/);
  });

  it('destroy needs no image', () => {
    expect(planRun(settings({ image: '' }), pullRequest('closed')).action).toBe('destroy');
  });

  it('mode deploy on a non-PR event fails naming mode and the event', () => {
    expect(() =>
      planRun(settings({ mode: 'deploy' }), { eventName: 'push', action: undefined, payload: webhookExample('push') }),
    ).toThrow(/Input 'mode' deploy needs a pull_request or pull_request_target event; this run is for 'push'/);
  });

  it('mode destroy forces a destroy on any PR activity, as asked (so the comment does not say the PR closed)', () => {
    expect(planRun(settings({ mode: 'destroy' }), pullRequest('synchronize'))).toMatchObject({ action: 'destroy', cause: 'asked' });
    expect(planRun(settings(), pullRequest('closed'))).not.toHaveProperty('cause');
    // Of a closed PR it is its close: the comment must not promise that a push brings the preview back.
    expect(planRun(settings({ mode: 'destroy' }), pullRequest('closed'))).not.toHaveProperty('cause');
  });

  it('a malformed payload is a clear error, not a TypeError', () => {
    expect(() => planRun(settings(), pullRequest('opened', { pull_request: { number: 'x' } }))).toThrow(
      /The event payload has no valid/,
    );
  });
});

describe('defaultAppName', () => {
  it('lowercases and turns every run of other characters into one dash', () => {
    expect(defaultAppName('Codertocat', 'Hello.World__v2', 12)).toBe('pr-12-codertocat-hello-world-v2');
  });

  it('stays within 63 characters and never ends with a dash', () => {
    const name = defaultAppName('an-organisation-with-a-long-name', 'and-a-repository-with-an-even-longer-name', 12345);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(defaultAppName('o', `${'r'.repeat(55)}-x`, 1)).not.toMatch(/-$/);
  });
});

describe('label opt-in, with GitHub example payloads', () => {
  const labelled = (action: string, label: string) => {
    const payload = webhookExample('pull_request', action);
    (payload['label'] as Record<string, unknown>)['name'] = label;
    return payload;
  };

  it('a PR without the label gets no preview, and the notice says how to opt in', () => {
    const plan = planRun(settings({ label: 'preview' }), pullRequest('opened'));
    expect(plan).toEqual({ action: 'skip', reason: expect.stringContaining("Add the label 'preview' to the PR") });
  });

  it('labeled with the label deploys; unlabeled of it destroys', () => {
    expect(planRun(settings({ label: 'bug' }), pullRequest('labeled', webhookExample('pull_request', 'labeled'))).action).toBe('deploy');
    expect(planRun(settings({ label: 'bug' }), pullRequest('unlabeled', webhookExample('pull_request', 'unlabeled')))).toMatchObject({ action: 'destroy', cause: 'unlabeled' });
  });

  it('another label on a labelled PR behaves as any activity; on an unlabelled PR it is a skip', () => {
    const other = labelled('labeled', 'documentation');
    expect(planRun(settings({ label: 'bug' }), pullRequest('labeled', other)).action).toBe('deploy');
    expect(planRun(settings({ label: 'preview' }), pullRequest('labeled', other)).action).toBe('skip');
    expect(planRun(settings({ label: 'preview' }), pullRequest('unlabeled', labelled('unlabeled', 'documentation'))).action).toBe('skip');
  });

  it('close destroys with or without the label', () => {
    expect(planRun(settings({ label: 'preview' }), pullRequest('closed')).action).toBe('destroy');
  });

  it('a synchronize of a labelled PR deploys as today', () => {
    const payload = pullRequestPayload('synchronize');
    (payload['pull_request'] as Record<string, unknown>)['labels'] = [{ name: 'preview' }];
    expect(planRun(settings({ label: 'preview' }), pullRequest('synchronize', payload)).action).toBe('deploy');
  });
});

describe('sweep', () => {
  const withGitHub = (values: Record<string, string> = {}) => settings({ 'github-token': 'ghs', ...values });
  const event = (eventName: string) => ({ eventName, action: undefined, payload: {}, repository: 'Codertocat/Hello-World' });

  it.each(['schedule', 'workflow_dispatch'])('auto mode on %s without pr-number sweeps', (eventName) => {
    expect(planRun(withGitHub(), event(eventName))).toEqual({
      action: 'sweep',
      owner: 'Codertocat',
      repo: 'Hello-World',
      apiToken: 'fly-token',
      githubToken: 'ghs',
    });
  });

  it('mode sweep sweeps on any event, even a PR event', () => {
    expect(planRun(withGitHub({ mode: 'sweep' }), pullRequest('opened')).action).toBe('sweep');
  });

  it('needs the Fly token and a GitHub token, naming them', () => {
    expect(() => planRun(withGitHub({ 'fly-api-token': '' }), event('schedule'))).toThrow(/Input 'fly-api-token' is required to sweep/);
    expect(() => planRun(settings(), event('schedule'))).toThrow(/Input 'github-token' is required to sweep/);
  });

  const day = 86_400_000;
  const now = Date.parse('2026-01-31T00:00:00Z');
  it.each<[string, SweptPull | undefined, number | undefined, boolean, RegExp]>([
    ['a closed PR', { state: 'closed', merged: false, updatedAtMs: now - day }, undefined, true, /PR closed/],
    ['a merged PR', { state: 'closed', merged: true, updatedAtMs: now }, 7 * day, true, /PR merged/],
    ['an open PR without ttl', { state: 'open', merged: false, updatedAtMs: now - 400 * day }, undefined, false, /PR open/],
    ['an open PR idle past ttl', { state: 'open', merged: false, updatedAtMs: now - 8 * day }, 7 * day, true, /no activity for 8 days, longer than ttl 7 days/],
    ['an open PR within ttl', { state: 'open', merged: false, updatedAtMs: now - 6 * day }, 7 * day, false, /within ttl 7 days/],
    ['a PR that does not exist', undefined, day, false, /no such PR/],
  ])('%s', (_, pull, ttl, destroy, why) => {
    const verdict = sweepVerdict(pull, 0, ttl, now);
    expect(verdict.destroy).toBe(destroy);
    expect(verdict.why).toMatch(why);
  });

  it('a recent deploy (a re-run after expiry) counts as activity', () => {
    const idle = { state: 'open' as const, merged: false, updatedAtMs: now - 30 * day };
    expect(sweepVerdict(idle, now - day, 7 * day, now).destroy).toBe(false);
  });

  it('says durations as people do', () => {
    expect([inWords(90_000), inWords(3 * 3_600_000), inWords(36 * 3_600_000), inWords(day), inWords(7 * day)]).toEqual([
      '1 minute',
      '3 hours',
      '36 hours',
      '1 day',
      '7 days',
    ]);
  });
});

describe('PRs named outside pull_request events', () => {
  const comment = (body: string, onPr = true) => {
    const payload = webhookExample('issue_comment', 'created');
    (payload['comment'] as Record<string, unknown>)['body'] = body;
    if (onPr) (payload['issue'] as Record<string, unknown>)['pull_request'] = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
    return { eventName: 'issue_comment', action: 'created', payload };
  };

  it.each<[string, 'deploy' | 'destroy' | undefined]>([
    ['/preview', 'deploy'],
    ['/preview deploy', 'deploy'],
    ['  /preview destroy  \nplease', 'destroy'],
    ['/previewing', undefined],
    ['please /preview', undefined],
    ['/preview now', undefined],
  ])('%j is %s', (body, intent) => {
    expect(parseCommand(body)).toBe(intent);
  });

  it('a /preview comment on a PR asks main to resolve the PR and check the commenter', () => {
    expect(planRun(settings(), comment('/preview destroy'))).toEqual({
      action: 'resolve',
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 1,
      intent: 'destroy',
      command: { commentId: 492700400, author: 'Codertocat', intent: 'destroy' },
    });
  });

  it('comments that are not commands, or on issues, are skips', () => {
    expect(planRun(settings(), comment("You are totally right! I'll get this fixed right away.")).action).toBe('skip');
    expect(planRun(settings(), comment('/preview', false))).toMatchObject({ action: 'skip', reason: expect.stringContaining('not a pull request') });
  });

  it('workflow_dispatch with pr-number resolves that PR; mode decides the intent', () => {
    const dispatch = { eventName: 'workflow_dispatch', action: undefined, payload: webhookExample('workflow_dispatch'), repository: 'Codertocat/Hello-World' };
    expect(planRun(settings({ 'pr-number': '7' }), dispatch)).toMatchObject({ action: 'resolve', number: 7, intent: 'auto', command: undefined });
    expect(planRun(settings({ 'pr-number': '7', mode: 'destroy' }), dispatch)).toMatchObject({ action: 'resolve', intent: 'destroy' });
  });

  it('a /preview or pr-number run missing the token or the image fails at planning, before main reads the PR', () => {
    const dispatch = { eventName: 'workflow_dispatch', action: undefined, payload: webhookExample('workflow_dispatch'), repository: 'Codertocat/Hello-World' };
    expect(() => planRun(settings({ 'fly-api-token': '' }), comment('/preview'))).toThrow(
      new InputError('fly-api-token', 'is required to act on PR #1; pass it from a secret: `fly-api-token: ${{ secrets.FLY_API_TOKEN }}`'),
    );
    expect(() => planRun(settings({ 'fly-api-token': '' }), comment('/preview destroy'))).toThrow(/Input 'fly-api-token' is required/);
    expect(() => planRun(settings({ image: '' }), comment('/preview'))).toThrow(/Input 'image' is required to deploy PR #1/);
    expect(() => planRun(settings({ image: '', 'pr-number': '7', mode: 'deploy' }), dispatch)).toThrow(/Input 'image' is required to deploy PR #7/);
    expect(() => planRun(settings({ 'fly-api-token': '', 'pr-number': '7' }), dispatch)).toThrow(/Input 'fly-api-token' is required to act on PR #7/);
    // Destroying needs no image; in auto mode the PR's state decides (a closed one is only destroyed).
    expect(planRun(settings({ image: '' }), comment('/preview destroy')).action).toBe('resolve');
    expect(planRun(settings({ image: '', 'pr-number': '7', mode: 'destroy' }), dispatch).action).toBe('resolve');
    expect(planRun(settings({ image: '', 'pr-number': '7' }), dispatch).action).toBe('resolve');
    // ComfyDeploy builds from the PR's source.
    expect(planRun(settings({ provider: 'comfydeploy', 'fly-api-token': '', 'comfydeploy-api-token': 'cd-token', 'comfyui-version': '094306b626e9cf505690c5d8b445032b3b8a36fa', image: '' }), comment('/preview')).action).toBe('resolve');
  });

  const resolved: PullRequestState = {
    number: 7,
    owner: 'Codertocat',
    repo: 'Hello-World',
    headSha: 'a'.repeat(40),
    headRepoFullName: 'Codertocat/Hello-World',
    isFork: false,
    updatedAtMs: 1,
    state: 'open',
  };

  it('a resolved PR plans as its PR event would: open deploys, closed destroys', () => {
    expect(planResolved(settings(), resolved, 'auto', 'workflow_dispatch')).toMatchObject({ action: 'deploy', appName: 'pr-7-codertocat-hello-world' });
    // A closed PR cleaned up by `auto` is its close, late; `/preview destroy` is a request.
    expect(planResolved(settings(), { ...resolved, state: 'closed' }, 'auto', 'workflow_dispatch')).not.toHaveProperty('cause');
    expect(planResolved(settings(), resolved, 'destroy', 'issue_comment')).toMatchObject({ action: 'destroy', cause: 'asked' });
    expect(planResolved(settings(), { ...resolved, state: 'closed' }, 'destroy', 'workflow_dispatch')).not.toHaveProperty('cause');
    expect(planResolved(settings(), { ...resolved, state: 'closed' }, 'deploy', 'issue_comment')).toMatchObject({ action: 'skip', reason: expect.stringContaining('closed') });
  });

  it('allow-forks still governs a resolved fork PR', () => {
    const fork = { ...resolved, headRepoFullName: 'mallory/Hello-World', isFork: true };
    expect(planResolved(settings(), fork, 'deploy', 'issue_comment')).toMatchObject({ action: 'skip', reason: expect.stringContaining('allow-forks: true') });
    expect(planResolved(settings({ 'allow-forks': 'true' }), fork, 'deploy', 'issue_comment').action).toBe('deploy');
  });
});

/**
 * A draft PR's `opened`: every `opened` example in @octokit/webhooks-examples has `draft: false`,
 * so this is that payload with `draft: true`, as GitHub sends it for a PR opened as a draft.
 */
function draftPayload(action: string): Record<string, unknown> {
  const payload = webhookExample('pull_request', action);
  (payload['pull_request'] as Record<string, unknown>)['draft'] = true;
  return payload;
}

describe('a review starting, and drafts', () => {
  const example = (action: string) => pullRequest(action, webhookExample('pull_request', action));

  it('review_requested and ready_for_review wake the preview, and need no image (nothing is deployed)', () => {
    const noImage = settings({ image: '' });
    expect(planRun(noImage, example('review_requested'))).toMatchObject({ action: 'wake', appName: 'pr-2-codertocat-hello-world', apiToken: 'fly-token', pr: { number: 2 } });
    expect(planRun(noImage, example('ready_for_review'))).toMatchObject({ action: 'wake' });
  });

  it('drafts: deploy (the default) previews a draft like any PR, and converted_to_draft leaves the preview alone with a notice', () => {
    expect(planRun(settings(), pullRequest('opened', draftPayload('opened'))).action).toBe('deploy');
    expect(example('converted_to_draft').payload).toMatchObject({ pull_request: { draft: true } });
    expect(planRun(settings(), example('converted_to_draft'))).toEqual({ action: 'skip', reason: expect.stringMatching(/PR #2 is a draft again; its preview stays .*drafts: skip/) });
  });

  it('drafts: skip gives a draft no preview, saying how to get one; ready_for_review deploys it; converted_to_draft destroys it', () => {
    const skip = settings({ drafts: 'skip' });
    for (const action of ['opened', 'synchronize', 'reopened', 'assigned']) {
      expect(planRun(skip, pullRequest(action, draftPayload(action)))).toEqual({
        action: 'skip',
        reason: expect.stringMatching(/PR #2 is a draft.*drafts: skip.*ready for review deploys one.*\/preview/),
      });
    }
    expect(planRun(skip, example('ready_for_review'))).toMatchObject({ action: 'deploy', image: 'registry.fly.io/app:pr-2' });
    expect(planRun(skip, example('converted_to_draft'))).toMatchObject({ action: 'destroy', appName: 'pr-2-codertocat-hello-world', cause: 'draft' });
    expect(planRun(skip, pullRequest('closed', draftPayload('closed'))).action).toBe('destroy');
    // A ready PR is not held back by drafts: skip.
    expect(planRun(skip, example('opened')).action).toBe('deploy');
  });

  it('drafts: skip still wakes a draft a review is requested on: only a maintainer’s /preview can have deployed it', () => {
    expect(planRun(settings({ drafts: 'skip' }), pullRequest('review_requested', draftPayload('review_requested'))).action).toBe('wake');
  });

  it('a maintainer’s /preview deploys a draft under drafts: skip, as it overrides label', () => {
    const pr: PullRequestState = {
      number: 2,
      owner: 'Codertocat',
      repo: 'Hello-World',
      headSha: 'a'.repeat(40),
      headRepoFullName: 'Codertocat/Hello-World',
      isFork: false,
      updatedAtMs: 0,
      state: 'open',
    };
    expect(planResolved(settings({ drafts: 'skip', label: 'preview' }), pr, 'deploy', 'issue_comment').action).toBe('deploy');
  });

  it('with label: a draft under drafts: skip is not deployed by adding the label, but removing it destroys; converted_to_draft destroys only labelled PRs', () => {
    const both = settings({ drafts: 'skip', label: 'bug' });
    expect(planRun(both, pullRequest('labeled', draftPayload('labeled')))).toMatchObject({ action: 'skip', reason: expect.stringContaining('is a draft') });
    expect(planRun(both, pullRequest('unlabeled', draftPayload('unlabeled'))).action).toBe('destroy');
    // The example converted_to_draft PR carries the label `bug`.
    expect(planRun(both, example('converted_to_draft')).action).toBe('destroy');
    expect(planRun(settings({ drafts: 'skip', label: 'preview' }), example('converted_to_draft'))).toMatchObject({ action: 'skip', reason: expect.stringContaining("no 'preview' label") });
  });

  it('with label: a review on an unlabelled PR has nothing to wake', () => {
    expect(planRun(settings({ label: 'preview' }), example('review_requested'))).toMatchObject({ action: 'skip', reason: expect.stringContaining("no 'preview' label") });
    expect(planRun(settings({ label: 'bug' }), example('review_requested')).action).toBe('wake');
  });

  it('a review on a fork PR wakes its preview when the token is there (nothing of the fork is deployed by it)', () => {
    const fork = pullRequestPayload('review_requested', { headRepo: 'mallory/Hello-World' });
    expect(planRun(settings(), pullRequest('review_requested', fork, 'pull_request_target')).action).toBe('wake');
    // Under pull_request a fork's run has no secrets: a skip that says why.
    expect(planRun(settings({ 'fly-api-token': '' }), pullRequest('review_requested', fork))).toMatchObject({ action: 'skip', reason: expect.stringContaining('fork mallory/Hello-World') });
  });

  it('a closed PR is not woken', () => {
    const payload = webhookExample('pull_request', 'review_requested');
    (payload['pull_request'] as Record<string, unknown>)['state'] = 'closed';
    expect(planRun(settings(), pullRequest('review_requested', payload))).toMatchObject({ action: 'skip', reason: expect.stringContaining('is closed') });
  });

  it('mode deploy and mode destroy are not changed by drafts or reviews', () => {
    expect(planRun(settings({ mode: 'deploy', drafts: 'skip' }), pullRequest('opened', draftPayload('opened'))).action).toBe('deploy');
    expect(planRun(settings({ mode: 'deploy' }), example('review_requested')).action).toBe('deploy');
    expect(planRun(settings({ mode: 'destroy' }), example('ready_for_review')).action).toBe('destroy');
  });

  it('max-previews needs github-token on a deploy, naming it before any call', () => {
    expect(() => planRun(settings({ 'max-previews': '3', 'github-token': '' }), example('opened'))).toThrow(/Input 'github-token' is required with max-previews/);
    expect(planRun(settings({ 'max-previews': '3', 'github-token': 'ghs_x' }), example('opened')).action).toBe('deploy');
    // A destroy or a wake creates nothing, so it needs no count.
    expect(planRun(settings({ 'max-previews': '3', 'github-token': '' }), example('closed')).action).toBe('destroy');
  });
});

describe('the cap on live previews', () => {
  const preview = (pr: number | undefined, lastActiveMs: number, closed = false): CountedPreview => ({ appName: `pr-${pr ?? 'x'}-acme-shop`, pr, lastActiveMs, closed });

  it('has room below the cap, none at it', () => {
    expect(hasRoom(2, 3)).toBe(true);
    expect(hasRoom(3, 3)).toBe(false);
  });

  it('evicts the least recently active first, as many as it takes to fit one more', () => {
    const others = [preview(1, 30), preview(2, 10), preview(3, 20)];
    expect(fullVerdict(others, 3, 'evict')).toEqual({ kind: 'evict', excess: 1, candidates: [preview(2, 10), preview(3, 20), preview(1, 30)] });
    // Over the cap already (two new previews raced): two go.
    expect(fullVerdict([...others, preview(4, 40)], 3, 'evict')).toMatchObject({ kind: 'evict', excess: 2 });
  });

  it('least recently active is the latest of the PR update and the last deploy', () => {
    expect(lastActive(1_000, 5_000)).toBe(5_000);
    expect(lastActive(9_000, 5_000)).toBe(9_000);
    expect(lastActive(undefined, 5_000)).toBe(5_000);
  });

  it("a closed PR's preview goes first, however recent closing made its PR look", () => {
    expect(evictionOrder([preview(1, 10), preview(2, 90, true), preview(3, 20)])).toEqual([preview(2, 90, true), preview(1, 10), preview(3, 20)]);
  });

  it('ties go by PR number, so racing runs evict the same preview', () => {
    expect(fullVerdict([preview(7, 10), preview(3, 10)], 2, 'evict')).toMatchObject({ candidates: [preview(3, 10), preview(7, 10)] });
  });

  it('never evicts a preview whose PR this repository does not have; refuses, saying so, when nothing else can go', () => {
    expect(fullVerdict([preview(undefined, 1), preview(2, 50)], 2, 'evict')).toMatchObject({ kind: 'evict', candidates: [preview(2, 50)] });
    expect(fullVerdict([preview(undefined, 1)], 1, 'evict')).toEqual({ kind: 'refuse', why: 'unowned', holders: [preview(undefined, 1)] });
    // Over the cap by one with a single candidate: it is still evicted, which keeps the count as it was.
    expect(fullVerdict([preview(undefined, 1), preview(undefined, 2), preview(3, 50)], 2, 'evict')).toEqual({ kind: 'evict', excess: 2, candidates: [preview(3, 50)] });
  });

  it('refuse lists the holders, least recently active first, and says the policy is why', () => {
    expect(fullVerdict([preview(1, 30), preview(2, 10)], 2, 'refuse')).toEqual({ kind: 'refuse', why: 'policy', holders: [preview(2, 10), preview(1, 30)] });
  });

  it("refuse still removes a closed PR's leftover, which holds no one's place, and never an open PR's preview", () => {
    expect(fullVerdict([preview(1, 30), preview(2, 90, true)], 2, 'refuse')).toEqual({ kind: 'evict', excess: 1, candidates: [preview(2, 90, true)] });
  });

  it('deploys once one preview went, even when the rest a race needs are held: the count never grows', () => {
    expect(madeRoom(0)).toBe(false);
    expect(madeRoom(1)).toBe(true);
  });
});

describe('a platform that builds from the PR\'s source', () => {
  it('refuses a deleted fork\'s deploy at the plan, before any call (and before a place is made for it)', () => {
    const comfy = settings({ provider: 'comfydeploy', 'fly-api-token': '', 'comfydeploy-api-token': 'cd-token', 'comfyui-version': '094306b626e9cf505690c5d8b445032b3b8a36fa', image: '', 'allow-forks': 'true' });
    const payload = pullRequestPayload('opened', { headRepo: null });
    expect(() => planRun(comfy, pullRequest('opened', payload))).toThrow('PR #2 comes from a deleted fork: there is no repository to build its head commit from.');
    // An image platform deploys the image the workflow built: the fork's repository is not needed.
    expect(planRun(settings({ 'allow-forks': 'true' }), pullRequest('opened', payload)).action).toBe('deploy');
  });
});
