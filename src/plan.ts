// What this event means for the preview: deploy, destroy, or skip (and why). Pure: no I/O.
import { InputError, type Settings } from './inputs.js';

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

export interface EventContext {
  eventName: string;
  action: string | undefined;
  payload: unknown;
}

export type Plan =
  | { action: 'deploy'; pr: PullRequest; appName: string; image: string; flyApiToken: string }
  | { action: 'destroy'; pr: PullRequest; appName: string; flyApiToken: string }
  | { action: 'skip'; reason: string };

const pullRequestEvents = new Set(['pull_request', 'pull_request_target']);

/** `pr-<number>-<owner>-<repo>`, made into a valid Fly app name. */
export function defaultAppName(owner: string, repo: string, number: number): string {
  return `pr-${number}-${owner}-${repo}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
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

function readPullRequest(payload: Json): PullRequest & { state: string; sender: string | undefined } {
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
  };
}

const tokenHint = 'pass it from a secret: `fly-api-token: ${{ secrets.FLY_API_TOKEN }}`';

/** Why a run without a Fly token is a skip rather than a mistake, when GitHub withheld the secret. */
function withheldSecret(pr: ReturnType<typeof readPullRequest>, eventName: string, action: 'deploy' | 'destroy'): string | undefined {
  if (pr.sender === 'dependabot[bot]') {
    return (
      `PR #${pr.number} was opened by Dependabot, whose runs only receive Dependabot secrets; ` +
      'add FLY_API_TOKEN to the repository\'s Dependabot secrets to preview its PRs.'
    );
  }
  if (pr.isFork && eventName === 'pull_request') {
    const from = pr.headRepoFullName ?? 'a deleted fork';
    return action === 'deploy'
      ? `PR #${pr.number} comes from the fork ${from}, and GitHub gives pull_request runs from forks no secrets, so there is no fly-api-token. See the README's Safety section for deploying fork PRs safely.`
      : `PR #${pr.number} comes from the fork ${from}, and GitHub gives pull_request runs from forks no secrets, so its preview cannot be cleaned up here. Run the closed event under pull_request_target to clean up fork previews (see the README's Safety section).`;
  }
  return undefined;
}

export function planRun(settings: Settings, event: EventContext): Plan {
  const isPullRequestEvent = pullRequestEvents.has(event.eventName);
  const payload = isObject(event.payload) ? event.payload : {};
  const hasPullRequest = isObject(payload['pull_request']);
  if (settings.mode === 'auto' && !isPullRequestEvent) {
    return { action: 'skip', reason: `fly-preview acts on pull_request events; this run is for '${event.eventName}'. Nothing to do.` };
  }
  if (!hasPullRequest) {
    throw new InputError('mode', `${settings.mode} needs a pull_request or pull_request_target event; this run is for '${event.eventName}'`);
  }
  const pr = readPullRequest(payload);
  const action: 'deploy' | 'destroy' =
    settings.mode === 'auto' ? (event.action === 'closed' ? 'destroy' : 'deploy') : settings.mode;
  const { state, sender: _sender, ...pullRequest } = pr;

  if (action === 'deploy' && settings.mode === 'auto' && state === 'closed') {
    return { action: 'skip', reason: `PR #${pr.number} is closed; '${event.action ?? event.eventName}' does not bring its preview back.` };
  }
  if (action === 'deploy' && pr.isFork && !settings.allowForks) {
    return {
      action: 'skip',
      reason:
        `PR #${pr.number} comes from the fork ${pr.headRepoFullName ?? '(deleted)'}; fork PRs are not deployed unless you set ` +
        '`allow-forks: true` (read the README\'s Safety section first).',
    };
  }
  if (settings.flyApiToken === undefined) {
    const withheld = withheldSecret(pr, event.eventName, action);
    if (withheld !== undefined) return { action: 'skip', reason: withheld };
    throw new InputError('fly-api-token', `is required to ${action} a preview; ${tokenHint}`);
  }
  const appName = settings.appName ?? defaultAppName(pr.owner, pr.repo, pr.number);
  if (action === 'destroy') return { action, pr: pullRequest, appName, flyApiToken: settings.flyApiToken };
  if (settings.image === undefined) {
    throw new InputError('image', 'is required to deploy: the image reference your workflow built and pushed, e.g. registry.fly.io/myapp:pr-12-<sha>');
  }
  return { action, pr: pullRequest, appName, image: settings.image, flyApiToken: settings.flyApiToken };
}
