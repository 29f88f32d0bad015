// One PR's run, whether its event named it or the API read it (pr-number, `/preview`): what the PR
// will show, which preview it is, then a deploy (after making room under `max-previews`), a destroy,
// or waking it for a review; the database server is open for the run when the preview has a database.
import * as core from '@actions/core';
import type { GitHubClient, GitHubModule } from '../github/index.js';
import type { Settings } from '../inputs.js';
import type { Plan } from '../plan.js';
import type { PreviewProvider, PreviewTarget } from '../provider.js';
import { Report } from '../report.js';
import { type EvictedDatabase, makeRoom, type Refusal } from './budget.js';
import { withDatabases } from './database.js';
import { deploy } from './deploy.js';
import { destroy } from './destroy.js';
import { ownerLabels } from './owner-labels.js';
import { wakePreview } from './wake.js';

/** What one PR's run came to: done, failed (the step is already marked failed), or refused a place under the cap. */
export type PullRequestResult = { kind: 'done' | 'failed' } | { kind: 'refused'; refusal: Refusal };

const result = (succeeded: boolean): PullRequestResult => ({ kind: succeeded ? 'done' : 'failed' });

/** Deploys, destroys or wakes one PR's preview. */
export async function actOnPullRequest(
  settings: Settings,
  plan: Extract<Plan, { action: 'deploy' | 'destroy' | 'wake' }>,
  provider: PreviewProvider,
  github: GitHubModule,
  gh: GitHubClient | undefined,
): Promise<PullRequestResult> {
  const report = new Report(
    github,
    gh,
    { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: true },
    plan.pr,
    plan.appName,
  );
  const target: PreviewTarget = { appName: plan.appName, org: settings.org, ownerLabels: ownerLabels(plan.pr) };
  if (plan.action === 'wake') return result(await wakePreview(provider, report, target, plan.pr, settings.waitTimeoutSeconds * 1000));
  return await withDatabases(settings.database, async (databases): Promise<PullRequestResult> => {
    if (plan.action === 'destroy') return result(await destroy(provider, databases, report, target, plan.pr, plan.cause === undefined ? undefined : { kind: plan.cause }));
    const cap = settings.maxPreviews;
    let evictedDatabases: EvictedDatabase[] = [];
    // The plan requires github-token whenever there is a cap: the PRs' activity is read with it.
    if (cap !== undefined && settings.githubToken !== undefined) {
      // Evicting is a platform write: the database server is checked first, as before any other.
      await databases?.check(plan.pr);
      const reader = gh ?? github.createGitHubClient(settings.githubToken);
      const room = await makeRoom({ settings, cap, provider, databases, github, reader, reporting: gh }, report, plan.pr, plan.appName);
      if (room.kind === 'refused') return room;
      evictedDatabases = room.undropped;
    }
    try {
      return result((await deploy(settings, provider, databases, report, target, plan.pr, plan.image)) && evictedDatabases.length === 0);
    } finally {
      // The evicted previews' places were freed and this PR's deployed; what they left on the server fails the step.
      for (const d of evictedDatabases) {
        core.setFailed(`Evicted the preview of PR #${d.pr} (${d.appName}), but its database ${d.name} could not be dropped: ${d.reason}. The next close run or sweep tries again.`);
      }
    }
  });
}
