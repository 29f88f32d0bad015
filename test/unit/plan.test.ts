import { describe, expect, it } from 'vitest';
import { InputError, readSettings, type Settings } from '../../src/inputs.js';
import { defaultAppName, planRun } from '../../src/plan.js';
import { pullRequestPayload, webhookExample } from '../sim/action-runner.ts';

const settings = (values: Record<string, string> = {}): Settings =>
  readSettings((name) => ({ 'fly-api-token': 'fly-token', image: 'registry.fly.io/app:pr-2', ...values })[name] ?? '');

const pullRequest = (action: string, payload: unknown = pullRequestPayload(action), eventName = 'pull_request') => ({
  eventName,
  action,
  payload,
});

describe('planRun in auto mode, with GitHub example payloads', () => {
  it.each(['opened', 'reopened', 'synchronize', 'ready_for_review', 'labeled', 'converted_to_draft'])(
    '%s deploys the PR preview',
    (action) => {
      const plan = planRun(settings(), pullRequest(action));
      expect(plan).toMatchObject({
        action: 'deploy',
        appName: 'pr-2-codertocat-hello-world',
        image: 'registry.fly.io/app:pr-2',
        flyApiToken: 'fly-token',
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

  it('mode destroy forces a destroy on any PR activity', () => {
    expect(planRun(settings({ mode: 'destroy' }), pullRequest('synchronize')).action).toBe('destroy');
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
