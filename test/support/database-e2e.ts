// What the database e2e tests share: GitHub's example pull_request payload moved to a repository and
// PR number of the test's own (so that tests sharing the one PostgreSQL server never meet), and the
// check that no password, in any form, reached anything a user or a platform can read.
import { expect } from 'vitest';
import { pullRequestPayload, type ActionRun, type PullRequestChanges } from '../sim/action-runner.ts';

export interface PullRequestAt extends PullRequestChanges {
  /** owner/repo of the base repository (and of the head: not a fork). */
  repository: string;
  number: number;
}

/** GitHub's example payload for `action`, for PR `number` of `repository`. */
export function payloadFor(action: string, at: PullRequestAt): Record<string, unknown> {
  const { repository, number, ...changes } = at;
  const payload = pullRequestPayload(action, changes);
  const [owner = '', name = ''] = repository.split('/');
  const pr = payload['pull_request'] as Record<string, unknown> & { head: { repo: Record<string, unknown> }; base: { repo: Record<string, unknown> } };
  pr['number'] = number;
  for (const repo of [pr.base.repo, pr.head.repo, payload['repository'] as Record<string, unknown>]) {
    repo['full_name'] = repository;
    repo['name'] = name;
    (repo['owner'] as Record<string, unknown>)['login'] = owner;
  }
  return payload;
}

/** Every form of a password a log, a URL or a config could hold it in. */
export function passwordForms(password: string): string[] {
  return [...new Set([password, encodeURIComponent(password), encodeURIComponent(password).replace(/%3A/g, ':')])];
}

/**
 * None of `secrets` is in the run's visible log, stderr, job summary or outputs, nor in `elsewhere`
 * (comments, machine and service configs). The runner hides what `::add-mask::` names, so those
 * lines are left out, and each secret must have been masked before it could show.
 */
export function expectNoSecretsIn(result: ActionRun, secrets: string[], elsewhere: string[] = []): void {
  const lines = result.stdout.split('\n');
  const visible = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  for (const text of [visible, result.stderr, result.summary, JSON.stringify(result.outputs), ...elsewhere]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}
