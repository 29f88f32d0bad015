// A GitHub deployment per preview, so the PR shows "View deployment" with the preview URL and the
// repository's Environments page lists live previews. Opt-in (`deployment-environment`): it needs
// `deployments: write` and costs three more requests per deploy.
import type { GitHubClient } from './octokit.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export type DeploymentOutcome = 'success' | 'failure' | 'inactive';

/**
 * The repository as Octokit's path parameters, and nothing else: callers pass an issue reference
 * ({owner, repo, number}), and any other field would go out as a body field or query parameter
 * that the REST description does not have.
 */
const at = (repo: RepoRef): RepoRef => ({ owner: repo.owner, repo: repo.repo });

/** One environment per PR: GitHub marks older deployments of an environment inactive by itself. */
export function previewEnvironment(prefix: string, pullNumber: number): string {
  return `${prefix}-pr-${pullNumber}`;
}

/** Creates the deployment for this commit and marks it in progress; returns its id. */
export async function startDeployment(
  gh: GitHubClient,
  repo: RepoRef,
  deployment: { environment: string; sha: string; description: string; logUrl: string | undefined },
): Promise<number> {
  const created = await gh.rest.repos.createDeployment({
    ...at(repo),
    ref: deployment.sha,
    environment: deployment.environment,
    description: deployment.description,
    transient_environment: true,
    production_environment: false,
    // The workflow already decided to deploy this commit: no merge of the base, no status checks.
    auto_merge: false,
    required_contexts: [],
  });
  if (!('id' in created.data)) throw new Error(`GitHub did not create a deployment: ${created.data.message ?? 'no id returned'}`);
  const id = created.data.id;
  await gh.rest.repos.createDeploymentStatus({ ...at(repo), deployment_id: id, state: 'in_progress', log_url: deployment.logUrl });
  return id;
}

export async function finishDeployment(
  gh: GitHubClient,
  repo: RepoRef,
  id: number,
  outcome: DeploymentOutcome,
  urls: { environmentUrl: string | undefined; logUrl: string | undefined },
): Promise<void> {
  await gh.rest.repos.createDeploymentStatus({
    ...at(repo),
    deployment_id: id,
    state: outcome,
    environment_url: urls.environmentUrl,
    log_url: urls.logUrl,
  });
}

/** The preview is gone: its latest deployment becomes inactive (older ones already are). */
export async function deactivateEnvironment(gh: GitHubClient, repo: RepoRef, environment: string, logUrl: string | undefined): Promise<void> {
  const latest = await gh.rest.repos.listDeployments({ ...at(repo), environment, per_page: 1 });
  const deployment = latest.data[0];
  if (deployment === undefined) return;
  await finishDeployment(gh, repo, deployment.id, 'inactive', { environmentUrl: undefined, logUrl });
}
