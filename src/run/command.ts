// A run for a PR its event does not carry: a `/preview` comment or the pr-number input. It reads the
// PR (and, for a comment, whether its author may ask), then acts as the PR's own event would.
import * as core from '@actions/core';
import { InputError } from '../common-inputs.js';
import type { GitHubClient, GitHubModule, IssueRef } from '../github/index.js';
import type { Settings } from '../inputs.js';
import { planResolved, type Plan, type PreviewCommand, type PullRequestState } from '../plan.js';
import { reportsToPr } from '../report.js';
import type { OpenProvider, Provider } from './context.js';
import { errorMessage } from './log.js';
import type { Refusal } from './budget.js';
import { pullRequestOf } from './previews.js';
import { actOnPullRequest } from './pull-request.js';

type ResolvePlan = Extract<Plan, { action: 'resolve' }>;

/** What a run for a PR named by number needs besides its settings. */
export interface Resolving {
  open: OpenProvider;
  github: GitHubModule;
  /** The settings read again for a deploy, the fly.toml with them: only once the PR is known to deploy. */
  forDeploy: () => Settings;
}

/** A PR named by pr-number or a `/preview` comment: read it (and who asked), then act as its PR event would. */
export async function runCommand(settings: Settings, plan: ResolvePlan, eventName: string, { open, github, forDeploy }: Resolving): Promise<void> {
  if (settings.githubToken === undefined) {
    throw new InputError('github-token', `is required to read PR #${plan.number} outside pull_request events (the default \`\${{ github.token }}\` will do)`);
  }
  const gh = github.createGitHubClient(settings.githubToken);
  const repo = { owner: plan.owner, repo: plan.repo };
  const issue = { ...repo, number: plan.number };
  const command = plan.command;
  if (command !== undefined && !(await mayAsk(github, gh, plan, command))) return;
  let reaction: 'rocket' | 'confused' = 'confused';
  let provider: Provider | undefined;
  try {
    const pr = await readPullRequest(github, gh, plan);
    const resolved = planResolved(settings, pr, plan.intent, eventName);
    if (resolved.action === 'skip') {
      const reason = resolved.reason;
      core.notice(reason);
      core.setOutput('status', 'skipped');
      if (command !== undefined) await replyTo(github, gh, issue, `\`/preview${command.intent === 'destroy' ? ' destroy' : ''}\` did nothing: ${reason}`);
      return;
    }
    // Known now: only a deploy reads the fly.toml, so cleaning up a closed PR needs no checkout.
    const runSettings = resolved.action === 'deploy' ? forDeploy() : settings;
    provider = open(runSettings, resolved.apiToken);
    const result = await actOnPullRequest(runSettings, resolved, provider, github, reportsToPr(settings) ? gh : undefined);
    if (result.kind === 'done') reaction = 'rocket';
    if (result.kind === 'refused' && command !== undefined) await replyTo(github, gh, issue, refusedReply(result.refusal));
  } finally {
    await provider?.close();
    if (command !== undefined) await reactTo(github, gh, repo, command, reaction);
  }
}

/** The reply to a `/preview` that found no place: who holds them, and how to free one. */
function refusedReply(refusal: Refusal): string {
  const named = refusal.holders.map((h) => `#${h.number} (\`${h.appName}\`, last active ${h.idle} ago)`);
  const holders = named.length === 0 ? 'previews without a PR here hold the places' : `${named.join(', ')} ${named.length === 1 ? 'holds' : 'hold'} the places`;
  return (
    `\`/preview\` did nothing: this repository keeps at most ${refusal.cap} live preview${refusal.cap === 1 ? '' : 's'} (\`max-previews\`), ` +
    `and ${holders}; ${refusal.why}. Free one (close or merge its PR, or comment \`/preview destroy\` on it), then comment \`/preview\` here again.`
  );
}

/** Whether the commenter has write access; one without it gets a reply, and the run is a skip. */
async function mayAsk(github: GitHubModule, gh: GitHubClient, plan: ResolvePlan, command: PreviewCommand): Promise<boolean> {
  const repo = { owner: plan.owner, repo: plan.repo };
  const [allowed] = await Promise.all([github.canWrite(gh, repo, command.author), reactTo(github, gh, repo, command, 'eyes')]);
  if (allowed) return true;
  await replyTo(
    github,
    gh,
    { ...repo, number: plan.number },
    `Thanks for asking, @${command.author}! Only people with write access to this repository can start or remove a preview with \`/preview\`, ` +
      'so nothing was done. A maintainer can comment `/preview` on this PR to deploy one.',
  );
  core.notice(`@${command.author} has no write access to ${plan.owner}/${plan.repo}; /preview ignored and a reply posted.`);
  core.setOutput('status', 'skipped');
  return false;
}

/** The PR as its pull_request event would have described it. */
async function readPullRequest(github: GitHubModule, gh: GitHubClient, plan: ResolvePlan): Promise<PullRequestState> {
  const pull = await github.readPull(gh, { owner: plan.owner, repo: plan.repo }, plan.number);
  if (pull === undefined) throw new Error(`${plan.owner}/${plan.repo} has no pull request #${plan.number} (from pr-number or the commented issue).`);
  return { ...pullRequestOf(plan, pull.number, pull), state: pull.state };
}

/** A reaction is a courtesy: one that cannot be added is a warning. */
async function reactTo(github: GitHubModule, gh: GitHubClient, repo: { owner: string; repo: string }, command: PreviewCommand, content: 'eyes' | 'rocket' | 'confused'): Promise<void> {
  try {
    await github.react(gh, repo, command.commentId, content);
  } catch (error) {
    core.warning(`Could not react to the /preview comment: ${errorMessage(error)}. The job needs \`permissions: pull-requests: write\`.`);
  }
}

/** A reply to a `/preview` comment is a courtesy too. */
async function replyTo(github: GitHubModule, gh: GitHubClient, issue: IssueRef, body: string): Promise<void> {
  try {
    await github.reply(gh, issue, body);
  } catch (error) {
    core.warning(`Could not reply to the /preview comment: ${errorMessage(error)}. The job needs \`permissions: pull-requests: write\`.`);
  }
}
