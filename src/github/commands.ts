// `/preview` comments: who may give them, and the reactions and replies that show they were heard.
import { GitHubApiError, type GitHubClient } from './octokit.js';
import type { RepoRef } from './deployment.js';
import type { IssueRef } from './comment.js';

export type Reaction = 'eyes' | 'rocket' | 'confused';

/**
 * Whether `user` may push to the repository. `role_name` tells maintain and triage apart, which
 * the older `permission` field folds into write and read.
 */
export async function canWrite(gh: GitHubClient, repo: RepoRef, user: string): Promise<boolean> {
  try {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: user });
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    return ['admin', 'maintain', 'write'].includes(role);
  } catch (error) {
    // Someone who is no collaborator at all.
    if (error instanceof GitHubApiError && error.status === 404) return false;
    throw error;
  }
}

export async function react(gh: GitHubClient, repo: RepoRef, commentId: number, content: Reaction): Promise<void> {
  await gh.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
}

export async function reply(gh: GitHubClient, issue: IssueRef, body: string): Promise<void> {
  await gh.rest.issues.createComment({ owner: issue.owner, repo: issue.repo, issue_number: issue.number, body });
}
