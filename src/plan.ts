// What this event means for the preview: deploy, destroy, wake it for a review, or skip (and why),
// and the name the preview goes by. Pure: no I/O.
import { createHash } from 'node:crypto';
import { InputError, type CommonSettings, type ProviderName } from './common-inputs.js';
import { eventVerdict, type EventVerdict } from './plan/events.js';
import type { NameRule } from './provider.js';

export interface PullRequest {
  number: number;
  /** owner/repo of the base repository (where the workflow runs). */
  owner: string;
  repo: string;
  headSha: string;
  /** owner/repo of the head; null when the fork was deleted. */
  headRepoFullName: string | null;
  isFork: boolean;
  /** pull_request.updated_at in ms: orders runs so an older run never overwrites a newer deploy. */
  updatedAtMs: number;
}

/** A PR as read through the API (pr-number, a `/preview` comment): what the payload would have said. */
export interface PullRequestState extends PullRequest {
  state: 'open' | 'closed';
}

export interface EventContext {
  eventName: string;
  action: string | undefined;
  payload: unknown;
  /** owner/repo the workflow runs in (GITHUB_REPOSITORY); events like `schedule` carry no PR to name it. */
  repository?: string;
}

/** A `/preview` comment, to be acted on only once its author is known to have write access. */
export interface PreviewCommand {
  commentId: number;
  author: string;
  intent: 'deploy' | 'destroy';
}

/** auto: an open PR is deployed and a closed one destroyed, as its pull_request events would. */
export type Intent = 'auto' | 'deploy' | 'destroy';

export type Plan =
  /** image: undefined where the platform builds from the PR's source (ComfyDeploy). */
  | { action: 'deploy'; pr: PullRequest; appName: string; image: string | undefined; apiToken: string }
  /**
   * cause: why, when not the PR's close (the comment says so): it became a draft, its opt-in label
   * was removed, or someone asked (`/preview destroy`, `mode: destroy`).
   */
  | { action: 'destroy'; pr: PullRequest; appName: string; apiToken: string; cause?: 'draft' | 'unlabeled' | 'asked' }
  /** A review started: start the preview's stopped machines, if it has one. Never a deploy. */
  | { action: 'wake'; pr: PullRequest; appName: string; apiToken: string }
  | { action: 'skip'; reason: string }
  | { action: 'sweep'; owner: string; repo: string; apiToken: string; githubToken: string }
  /** The PR is not in the payload: run/command.ts reads it (and the commenter's permission), then calls planResolved. */
  | { action: 'resolve'; owner: string; repo: string; number: number; intent: Intent; command: PreviewCommand | undefined };

const pullRequestEvents = new Set(['pull_request', 'pull_request_target']);
/** Events with no PR that, in auto mode, mean "sweep": a nightly schedule or a manual run. */
const sweepEvents = new Set(['schedule', 'workflow_dispatch']);

/** The default preview name, built by the platform's name rule. */
export function previewName(rule: NameRule, owner: string, repo: string, number: number): string {
  return rule.hashWhenLong ? hashedName(owner, repo, number, rule.maxLength) : cutName(owner, repo, number, rule.maxLength);
}

/** `pr-<number>-<owner>-<repo>`, each run of characters other than [a-z0-9-] one dash, cut at maxLength. */
function cutName(owner: string, repo: string, number: number, maxLength: number): string {
  return `pr-${number}-${owner}-${repo}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** Lowercase, every run of other characters one dash, no dash at either end. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `pr-<n>-<repo>` when it fits in maxLength; otherwise `pr-<n>-<repo cut>-<hash>` with 6 hex of
 * sha256("owner/repo"), so two repositories whose names share a long prefix still get different
 * names. The PR number is never cut, so two PRs never share a name. Only [a-z0-9-].
 */
function hashedName(owner: string, repo: string, number: number, maxLength: number): string {
  const head = `pr-${number}`;
  const repoSlug = slug(repo);
  const whole = repoSlug === '' ? head : `${head}-${repoSlug}`;
  if (whole.length <= maxLength) return whole;
  const hash = createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest('hex').slice(0, 6);
  const cut = repoSlug.slice(0, Math.max(0, maxLength - head.length - hash.length - 2)).replace(/-+$/, '');
  return cut === '' ? `${head}-${hash}`.slice(0, maxLength) : `${head}-${cut}-${hash}`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function field<T>(from: Json, path: string, check: (v: unknown) => v is T): T {
  let current: unknown = from;
  for (const key of path.split('.')) current = isObject(current) ? current[key] : undefined;
  if (!check(current)) throw new Error(`The event payload has no valid ${path}; is this a pull_request event?`);
  return current;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The payload's PR, with what only the plan reads: its state, who sent the event, whether it is a draft. */
type PayloadPull = PullRequest & { state: string; sender: string | undefined; draft: boolean };

function readPullRequest(payload: Json): PayloadPull {
  const pr = field(payload, 'pull_request', isObject);
  const fullName = field(pr, 'base.repo.full_name', isString);
  const [owner = '', repo = ''] = fullName.split('/');
  const headRepo = isObject(pr['head']) ? (pr['head'] as Json)['repo'] : undefined;
  const headRepoFullName = isObject(headRepo) && isString(headRepo['full_name']) ? headRepo['full_name'] : null;
  const updatedAt = Date.parse(field(pr, 'updated_at', isString));
  const sender = isObject(payload['sender']) && isString(payload['sender']['login']) ? payload['sender']['login'] : undefined;
  return {
    number: field(pr, 'number', isNumber),
    owner,
    repo,
    headSha: field(pr, 'head.sha', isString),
    headRepoFullName,
    isFork: headRepoFullName === null || headRepoFullName.toLowerCase() !== fullName.toLowerCase(),
    updatedAtMs: Number.isNaN(updatedAt) ? 0 : updatedAt,
    state: isString(pr['state']) ? pr['state'] : 'open',
    sender,
    draft: pr['draft'] === true,
  };
}

/** The token input of each platform, and the secret the README names for it. */
const tokenInputs: Record<ProviderName, { input: string; secret: string }> = {
  fly: { input: 'fly-api-token', secret: 'FLY_API_TOKEN' },
  koyeb: { input: 'koyeb-api-token', secret: 'KOYEB_API_TOKEN' },
  comfydeploy: { input: 'comfydeploy-api-token', secret: 'COMFYDEPLOY_API_TOKEN' },
};

const tokenHint = (provider: ProviderName): string => {
  const { input, secret } = tokenInputs[provider];
  return `pass it from a secret: \`${input}: \${{ secrets.${secret} }}\``;
};

const imageHint = 'the image reference your workflow built and pushed, e.g. registry.fly.io/myapp:pr-12-<sha>';

/** Why a run without the platform's token is a skip rather than a mistake, when GitHub withheld the secret. */
function withheldSecret(provider: ProviderName, pr: PullRequest & { sender: string | undefined }, eventName: string, action: 'deploy' | 'destroy' | 'wake'): string | undefined {
  const { input, secret } = tokenInputs[provider];
  if (pr.sender === 'dependabot[bot]') {
    return (
      `PR #${pr.number} was opened by Dependabot, whose runs only receive Dependabot secrets; ` +
      `add ${secret} to the repository's Dependabot secrets to preview its PRs.`
    );
  }
  if (pr.isFork && eventName === 'pull_request') {
    const from = pr.headRepoFullName ?? 'a deleted fork';
    return action !== 'destroy'
      ? `PR #${pr.number} comes from the fork ${from}, and GitHub gives pull_request runs from forks no secrets, so there is no ${input}. See the README's Safety section for deploying fork PRs safely.`
      : `PR #${pr.number} comes from the fork ${from}, and GitHub gives pull_request runs from forks no secrets, so its preview cannot be cleaned up here. Run the closed event under pull_request_target to clean up fork previews (see the README's Safety section).`;
  }
  return undefined;
}

function readLabels(pr: Json): string[] {
  const labels = Array.isArray(pr['labels']) ? pr['labels'] : [];
  return labels.flatMap((l: unknown) => (isObject(l) && isString(l['name']) ? [l['name']] : []));
}

/** What a label event means when `label` is set: undefined for "as any other PR activity". */
function labelVerdict(settings: CommonSettings, event: EventContext, payload: Json, pr: Json): 'deploy' | 'destroy' | 'skip' | undefined {
  const wanted = settings.label;
  if (wanted === undefined || event.action === 'closed') return undefined;
  const changed = isObject(payload['label']) && isString(payload['label']['name']) ? payload['label']['name'] : undefined;
  if (changed === wanted && event.action === 'labeled') return 'deploy';
  if (changed === wanted && event.action === 'unlabeled') return 'destroy';
  return readLabels(pr).includes(wanted) ? undefined : 'skip';
}

/** `/preview` or `/preview deploy` deploys, `/preview destroy` destroys; anything else is not a command. */
export function parseCommand(body: string): 'deploy' | 'destroy' | undefined {
  const first = body.trim().split(/\r?\n/)[0]?.trim() ?? '';
  const match = /^\/preview(?:\s+(deploy|destroy))?$/.exec(first);
  if (match === null) return undefined;
  return match[1] === 'destroy' ? 'destroy' : 'deploy';
}

function repositoryOf(event: EventContext, payload: Json): { owner: string; repo: string } {
  const fromPayload = isObject(payload['repository']) && isString(payload['repository']['full_name']) ? payload['repository']['full_name'] : undefined;
  const [owner = '', repo = ''] = (event.repository ?? fromPayload ?? '').split('/');
  if (owner === '' || repo === '') throw new Error('Cannot tell which repository this run is for: GITHUB_REPOSITORY is not set.');
  return { owner, repo };
}

function sweepPlan(settings: CommonSettings, event: EventContext, payload: Json): Plan {
  if (settings.apiToken === undefined) {
    throw new InputError(tokenInputs[settings.provider].input, `is required to sweep previews; ${tokenHint(settings.provider)}`);
  }
  if (settings.githubToken === undefined) {
    throw new InputError('github-token', 'is required to sweep previews: it reads the state of their PRs (the default `${{ github.token }}` will do)');
  }
  return { action: 'sweep', ...repositoryOf(event, payload), apiToken: settings.apiToken, githubToken: settings.githubToken };
}

/** A run outside pull_request events: a `/preview` comment, or a PR named by pr-number. */
function resolvePlan(settings: CommonSettings, event: EventContext, payload: Json): Plan | undefined {
  if (event.eventName === 'issue_comment') {
    const issue = isObject(payload['issue']) ? payload['issue'] : {};
    const comment = isObject(payload['comment']) ? payload['comment'] : {};
    if (!isObject(issue['pull_request'])) return { action: 'skip', reason: 'This comment is on an issue, not a pull request; /preview acts on PRs only.' };
    if (event.action !== 'created') return { action: 'skip', reason: `Comment ${event.action ?? 'event'}: only new comments are read as /preview commands.` };
    const intent = parseCommand(isString(comment['body']) ? comment['body'] : '');
    if (intent === undefined) return { action: 'skip', reason: 'This comment is not a /preview command (`/preview` or `/preview destroy`).' };
    if (settings.mode !== 'auto') {
      throw new InputError('mode', `must be auto for issue_comment runs: the /preview comment says whether to deploy or destroy; got ${settings.mode}`);
    }
    const number = settings.prNumber ?? field(issue, 'number', isNumber);
    const command: PreviewCommand = {
      commentId: field(comment, 'id', isNumber),
      author: field(comment, 'user.login', isString),
      intent,
    };
    requireResolveInputs(settings, number, intent);
    return { action: 'resolve', ...repositoryOf(event, payload), number, intent, command };
  }
  if (settings.prNumber === undefined) return undefined;
  const intent: Intent = settings.mode === 'deploy' || settings.mode === 'destroy' ? settings.mode : 'auto';
  requireResolveInputs(settings, settings.prNumber, intent);
  return { action: 'resolve', ...repositoryOf(event, payload), number: settings.prNumber, intent, command: undefined };
}

/**
 * A resolve plan reads the PR (and reacts to the comment) before deciding, so what the decision
 * will need is checked now, before any call. These runs always get the repository's secrets, so a
 * missing token is a mistake, never a withheld secret. An `auto` intent (pr-number, mode auto) needs
 * the image only if the PR turns out open: a workflow may dispatch it without one to clean up a closed PR.
 */
function requireResolveInputs(settings: CommonSettings, number: number, intent: Intent): void {
  if (settings.apiToken === undefined) {
    throw new InputError(tokenInputs[settings.provider].input, `is required to act on PR #${number}; ${tokenHint(settings.provider)}`);
  }
  if (intent === 'deploy' && settings.provider !== 'comfydeploy' && settings.image === undefined) {
    throw new InputError('image', `is required to deploy PR #${number}: ${imageHint}`);
  }
}

export function planRun(settings: CommonSettings, event: EventContext): Plan {
  const isPullRequestEvent = pullRequestEvents.has(event.eventName);
  const payload = isObject(event.payload) ? event.payload : {};
  const hasPullRequest = isObject(payload['pull_request']);
  if (settings.mode === 'sweep') return sweepPlan(settings, event, payload);
  if (!isPullRequestEvent) {
    const resolve = resolvePlan(settings, event, payload);
    if (resolve !== undefined) return resolve;
    if (settings.mode === 'auto' && sweepEvents.has(event.eventName)) return sweepPlan(settings, event, payload);
  }
  if (settings.mode === 'auto' && !isPullRequestEvent) {
    return { action: 'skip', reason: `fly-preview acts on pull_request events; this run is for '${event.eventName}'. Nothing to do.` };
  }
  if (!hasPullRequest) {
    throw new InputError(
      'mode',
      `${settings.mode} needs a pull_request or pull_request_target event; this run is for '${event.eventName}' (set pr-number to name the PR)`,
    );
  }
  const pr = readPullRequest(payload);
  if (settings.mode !== 'auto') return asked(decide(settings, pr, settings.mode, event.eventName, event.action), pr.state);
  const verdict = labelVerdict(settings, event, payload, field(payload, 'pull_request', isObject));
  if (verdict === 'skip') {
    return {
      action: 'skip',
      reason:
        `PR #${pr.number} has no '${settings.label ?? ''}' label, and only labelled PRs get a preview here. ` +
        `Add the label '${settings.label ?? ''}' to the PR to deploy one.`,
    };
  }
  // Removing the label destroys a draft's preview too; adding it is one more PR activity.
  const next: EventVerdict = verdict === 'destroy' ? { action: 'destroy' } : eventVerdict(settings.drafts, event.action, pr.draft, pr.number);
  if (next.action === 'skip') return next;
  const plan = decide(settings, pr, next.action, event.eventName, event.action);
  if (plan.action !== 'destroy') return plan;
  if (verdict === 'destroy') return { ...plan, cause: 'unlabeled' };
  return next.action === 'destroy' && next.draft === true ? { ...plan, cause: 'draft' } : plan;
}

/**
 * A destroy someone asked for by name, not an event of the PR's own. Of a closed PR it is its close,
 * as the comment says: "a push or `/preview` deploys it again" would not be true of it.
 */
function asked(plan: PullRequestPlan, state: string): PullRequestPlan {
  return plan.action === 'destroy' && state !== 'closed' ? { ...plan, cause: 'asked' } : plan;
}

/** What one PR's event comes down to, once the PR is known. */
export type PullRequestPlan = Extract<Plan, { action: 'deploy' | 'destroy' | 'wake' | 'skip' }>;

/** The PR run/command.ts read through the API for a `resolve` plan, planned as its pull_request event would be. */
export function planResolved(settings: CommonSettings, pr: PullRequestState, intent: Intent, eventName: string): PullRequestPlan {
  const action = intent === 'auto' ? (pr.state === 'closed' ? 'destroy' : 'deploy') : intent;
  if (action === 'deploy' && pr.state === 'closed') {
    return { action: 'skip', reason: `PR #${pr.number} is closed; reopen it to get a preview again.` };
  }
  // Asked for by name (a `/preview`, a dispatch): drafts and the label do not stand in the way.
  const plan = decide(settings, { ...pr, sender: undefined, draft: false }, action, eventName, undefined);
  // A closed PR cleaned up by `auto` is its close, late; `destroy` is someone's request.
  return intent === 'destroy' ? asked(plan, pr.state) : plan;
}

function decide(settings: CommonSettings, pr: PayloadPull, action: 'deploy' | 'destroy' | 'wake', eventName: string, eventAction: string | undefined): PullRequestPlan {
  const { state, sender: _sender, draft: _draft, ...pullRequest } = pr;
  if (action !== 'destroy' && settings.mode === 'auto' && state === 'closed') {
    return { action: 'skip', reason: `PR #${pr.number} is closed; '${eventAction ?? eventName}' does not bring its preview back.` };
  }
  if (action === 'deploy' && pr.isFork && !settings.allowForks) {
    return {
      action: 'skip',
      reason:
        `PR #${pr.number} comes from the fork ${pr.headRepoFullName ?? '(deleted)'}; fork PRs are not deployed unless you set ` +
        '`allow-forks: true` (read the README\'s Safety section first).',
    };
  }
  if (settings.apiToken === undefined) {
    const withheld = withheldSecret(settings.provider, pr, eventName, action);
    if (withheld !== undefined) return { action: 'skip', reason: withheld };
    throw new InputError(tokenInputs[settings.provider].input, `is required to ${action} a preview; ${tokenHint(settings.provider)}`);
  }
  const appName = settings.appName ?? previewName(settings.nameRule, pr.owner, pr.repo, pr.number);
  if (action !== 'deploy') return { action, pr: pullRequest, appName, apiToken: settings.apiToken };
  if (settings.image === undefined && settings.provider !== 'comfydeploy') {
    throw new InputError('image', `is required to deploy: ${imageHint}`);
  }
  // Decided here, before any call: found only in the deploy, it came after a place was made for it.
  if (settings.provider === 'comfydeploy' && pr.headRepoFullName === null) {
    throw new Error(`PR #${pr.number} comes from a deleted fork: there is no repository to build its head commit from.`);
  }
  if (settings.maxPreviews !== undefined && settings.githubToken === undefined) {
    throw new InputError('github-token', "is required with max-previews: it reads when each preview's PR was last active (the default `${{ github.token }}` will do)");
  }
  return { action, pr: pullRequest, appName, image: settings.image, apiToken: settings.apiToken };
}

/** What a sweep knows of a preview's PR; undefined when the repository has no such PR. */
export interface SweptPull {
  state: 'open' | 'closed';
  merged: boolean;
  updatedAtMs: number;
}

export type SweepVerdict =
  | { destroy: false; why: string }
  | { destroy: true; cause: 'closed' | 'expired'; why: string };

/**
 * Whether a sweep removes a preview. Activity is the PR's last update or the preview's last deploy,
 * whichever is later, so a re-run that brought an expired preview back is not expired again at once.
 */
export function sweepVerdict(pull: SweptPull | undefined, lastDeployMs: number, ttlMs: number | undefined, nowMs: number): SweepVerdict {
  if (pull === undefined) return { destroy: false, why: 'no such PR in this repository; left for a person to look at' };
  if (pull.state === 'closed') return { destroy: true, cause: 'closed', why: pull.merged ? 'PR merged' : 'PR closed' };
  const idleMs = nowMs - Math.max(pull.updatedAtMs, lastDeployMs);
  if (ttlMs !== undefined && idleMs > ttlMs) {
    return { destroy: true, cause: 'expired', why: `no activity for ${inWords(idleMs)}, longer than ttl ${inWords(ttlMs)}` };
  }
  return { destroy: false, why: ttlMs === undefined ? 'PR open' : `PR open, active within ttl ${inWords(ttlMs)}` };
}

/** A duration as people say it: "7 days", "36 hours", "5 minutes". */
export function inWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days >= 2 || (days >= 1 && hours % 24 === 0)) return plural(days, 'day');
  if (hours >= 1) return plural(hours, 'hour');
  return plural(minutes, 'minute');
}
