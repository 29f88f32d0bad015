// One PR's run, whether its event named it or the API read it (pr-number, `/preview`): what the PR
// will show, which preview it is, then a deploy or a destroy, with the database server open for the
// run when the preview has a database.
import type { GitHubClient } from '../github/index.js';
import type { Settings } from '../inputs.js';
import type { Plan } from '../plan.js';
import type { PreviewProvider, PreviewTarget } from '../provider.js';
import { Report } from '../report.js';
import type { GitHubModule } from './context.js';
import { withDatabases } from './database.js';
import { deploy } from './deploy.js';
import { destroy } from './destroy.js';
import { ownerLabels } from './owner-labels.js';

/** Deploys or destroys one PR's preview; false when the preview failed (the step is already marked failed). */
export async function actOnPullRequest(
  settings: Settings,
  plan: Extract<Plan, { action: 'deploy' | 'destroy' }>,
  provider: PreviewProvider,
  github: GitHubModule,
  gh: GitHubClient | undefined,
): Promise<boolean> {
  const report = new Report(
    github,
    gh,
    { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: true },
    plan.pr,
    plan.appName,
  );
  const target: PreviewTarget = { appName: plan.appName, org: settings.org, ownerLabels: ownerLabels(plan.pr) };
  return await withDatabases(settings.database, async (databases) => {
    if (plan.action === 'deploy') return deploy(settings, provider, databases, report, target, plan.pr, plan.image);
    await destroy(provider, databases, report, target, plan.pr);
    return true;
  });
}
