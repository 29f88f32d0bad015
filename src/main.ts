// The only module that knows both sides: it turns the plan into calls to the chosen platform (Fly,
// Koyeb or ComfyDeploy, picked in openProvider) and reports them to the pull request (GitHub).
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import type { GitHubClient, IssueRef, PreviewView, SweepRow } from './github/index.js';
import { InputError, readCommonSettings, secretValuesToMask, type ProviderName } from './common-inputs.js';
import type { Settings } from './inputs.js';
import {
  inWords,
  planResolved,
  planRun,
  sweepVerdict,
  type EventContext,
  type Plan,
  type PreviewCommand,
  type PullRequest,
  type PullRequestState,
} from './plan.js';
import type { DeployOutcome, PreviewListing, PreviewProvider, PreviewTarget, ProgressLog, SourceRef } from './provider.js';
import { tokenPieces } from './providers/fly/token.js';

/**
 * src/github/ as a value, passed to what reports: it is imported only once a run acts (see load()),
 * so a skipped run (a push, a fork PR) never pays for it.
 */
type GitHubModule = typeof import('./github/index.js');

const secretInputs = ['fly-api-token', 'koyeb-api-token', 'comfydeploy-api-token', 'github-token'] as const;

/**
 * Masks tokens before anything else can print them. A Fly token may hold several macaroons
 * ("FlyV1 fm2_…,fm2_…"); each piece, and the scheme-less whole as it is sent, is masked too, since
 * an error could quote one alone.
 */
function maskSecrets(): void {
  for (const name of secretInputs) {
    const value = core.getInput(name).trim();
    if (value === '') continue;
    core.setSecret(value);
    const pieces = tokenPieces(value);
    for (const piece of [pieces.join(','), ...pieces]) if (piece !== value && piece.length >= 8) core.setSecret(piece);
  }
  // The runner masks line by line, so each line of a multi-line value is masked too.
  for (const value of secretValuesToMask(core.getInput('secrets'))) {
    for (const part of [value, ...value.split('\n')]) if (part.trim() !== '') core.setSecret(part);
  }
}

/** Lines from APIs must not be read by the runner as workflow commands (`::set-output` and the like). */
const neutralise = (text: string): string => text.replace(/^(\s*)::/gm, '$1: :');

const log: ProgressLog = {
  info: (message) => core.info(neutralise(message)),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  changing: () => {},
};

/** The event as the runner describes it; read directly, as @actions/github's context would. */
function eventContext(): EventContext {
  const path = process.env['GITHUB_EVENT_PATH'];
  const payload: unknown = path === undefined || path === '' ? {} : JSON.parse(readFileSync(path, 'utf8'));
  const rawAction = typeof payload === 'object' && payload !== null ? (payload as { action?: unknown }).action : undefined;
  const action = typeof rawAction === 'string' ? rawAction : undefined;
  return { eventName: process.env['GITHUB_EVENT_NAME'] ?? '', action, payload, repository: process.env['GITHUB_REPOSITORY'] };
}

function runUrl(): string | undefined {
  const repository = process.env['GITHUB_REPOSITORY'];
  const runId = process.env['GITHUB_RUN_ID'];
  if (repository === undefined || runId === undefined || runId === '') return undefined;
  return `${process.env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${repository}/actions/runs/${runId}`;
}

interface ReportOptions {
  comment: boolean;
  /** Prefix of the per-PR GitHub environment; undefined leaves deployments alone. */
  deploymentEnvironment: string | undefined;
  /** false in a sweep, whose summary is one table of all previews. */
  summary: boolean;
}

/**
 * What the PR shows: the sticky comment, the job summary and, when enabled, a GitHub deployment.
 * None of them can fail a deploy: a GitHub error is a warning saying which permission is missing.
 */
class Report {
  readonly #github: GitHubModule;
  readonly #gh: GitHubClient | undefined;
  readonly #options: ReportOptions;
  readonly #issue: IssueRef;
  readonly #appName: string;
  readonly #sha: string;
  readonly #revisionOrder: number;
  readonly #footer = { runUrl: runUrl() };
  #deployment: Promise<number | undefined> = Promise.resolve(undefined);

  constructor(github: GitHubModule, gh: GitHubClient | undefined, options: ReportOptions, pr: PullRequest, appName: string) {
    this.#github = github;
    this.#gh = gh;
    this.#options = options;
    this.#issue = { owner: pr.owner, repo: pr.repo, number: pr.number };
    this.#appName = appName;
    this.#sha = pr.headSha;
    this.#revisionOrder = pr.updatedAtMs;
  }

  get #environment(): string | undefined {
    const prefix = this.#options.deploymentEnvironment;
    return prefix === undefined ? undefined : this.#github.previewEnvironment(prefix, this.#issue.number);
  }

  async #comment(view: PreviewView, final: boolean): Promise<void> {
    if (this.#gh === undefined || !this.#options.comment) return;
    try {
      const result = await this.#github.upsertComment(this.#gh, this.#issue, {
        appName: this.#appName,
        revisionOrder: this.#revisionOrder,
        body: this.#github.renderPreview(view, this.#footer),
        final,
      });
      core.info(`PR comment ${result.action}: ${result.url}`);
    } catch (error) {
      core.warning(
        `Could not write the PR comment: ${message(error)}. ` +
          'The job needs `permissions: pull-requests: write` (fork PRs get a read-only token).',
      );
    }
  }

  /** Runs a deployment call; a failure is a warning, never a failed preview. */
  async #deploymentCall<T>(call: (gh: GitHubClient, environment: string) => Promise<T>): Promise<T | undefined> {
    const environment = this.#environment;
    if (this.#gh === undefined || environment === undefined) return undefined;
    try {
      return await call(this.#gh, environment);
    } catch (error) {
      core.warning(`Could not update the GitHub deployment: ${message(error)}. The job needs \`permissions: deployments: write\`.`);
      return undefined;
    }
  }

  /** The first change is under way: say so on the PR, and open the deployment. */
  async announce(view: PreviewView): Promise<void> {
    this.#deployment = this.#deploymentCall(async (gh, environment) => {
      const id = await this.#github.startDeployment(gh, this.#issue, {
        environment,
        sha: this.#sha,
        description: `fly-preview: ${this.#appName}`,
        logUrl: this.#footer.runUrl,
      });
      core.info(`GitHub deployment ${id} in environment ${environment}`);
      return id;
    });
    await Promise.all([this.#comment(view, false), this.#deployment]);
  }

  /** The final word on a deploy: comment, job summary, and the deployment's state. */
  async publish(view: PreviewView): Promise<void> {
    await Promise.all([this.#comment(view, false), this.#summary(view), this.#settleDeployment(view)]);
  }

  /**
   * The preview is gone, whatever revision wrote last. `removed`: this run deleted something, so
   * the deployment becomes inactive now; a repeated close has nothing new to say to it.
   */
  async closed(view: PreviewView, removed: boolean): Promise<void> {
    const deactivate = removed
      ? this.#deploymentCall((gh, environment) => this.#github.deactivateEnvironment(gh, this.#issue, environment, this.#footer.runUrl))
      : undefined;
    await Promise.all([this.#comment(view, true), this.#summary(view), deactivate]);
  }

  #summary(view: PreviewView): Promise<void> {
    if (!this.#options.summary) return Promise.resolve();
    return this.#github.writeSummary(this.#github.renderPreview(view, this.#footer));
  }

  async #settleDeployment(view: PreviewView): Promise<void> {
    const id = await this.#deployment;
    if (id === undefined || view.state === 'deploying' || view.state === 'destroyed') return;
    const outcome = view.state === 'ready' ? 'success' : view.state === 'failed' ? 'failure' : 'inactive';
    await this.#deploymentCall((gh) =>
      this.#github.finishDeployment(gh, this.#issue, id, outcome, {
        environmentUrl: view.state === 'ready' ? view.url : undefined,
        logUrl: this.#footer.runUrl,
      }),
    );
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function setOutputs(outputs: { status: string; appName: string; hostname?: string; url?: string; machineId?: string }): void {
  core.setOutput('status', outputs.status);
  core.setOutput('app-name', outputs.appName);
  core.setOutput('hostname', outputs.hostname ?? '');
  core.setOutput('url', outputs.url ?? '');
  core.setOutput('machine-id', outputs.machineId ?? '');
}

/** What a reviewer opens: the platform's own URL, else the reported hostname; undefined when neither is known yet. */
function previewUrl(place: { hostname: string | undefined; url?: string }): string | undefined {
  if (place.url !== undefined && place.url !== '') return place.url;
  return place.hostname === undefined || place.hostname === '' ? undefined : `https://${place.hostname}`;
}

/** Who can open the URL, when not everyone with the link can. */
function urlAccess(provider: ProviderName): string | undefined {
  return provider === 'comfydeploy' ? 'The machine page needs a ComfyDeploy login to the organisation that owns the machine.' : undefined;
}

/** The request's `source`, only where the platform builds from source. */
function sourceField(settings: Settings, pr: PullRequest): { source?: SourceRef } {
  const source = sourceOf(settings, pr);
  return source === undefined ? {} : { source };
}

/**
 * The PR's code, for platforms that build from source: the head repository's clone URL (a fork's for
 * a fork PR, since the base repository's clone does not fetch PR commits) at the head commit.
 */
function sourceOf(settings: Settings, pr: PullRequest): SourceRef | undefined {
  if (settings.comfyDeploy === undefined) return undefined;
  if (pr.headRepoFullName === null) throw new Error(`PR #${pr.number} comes from a deleted fork: there is no repository to build its head commit from.`);
  const server = (process.env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  return { repositoryUrl: `${server}/${pr.headRepoFullName}.git`, commit: pr.headSha, subPath: settings.comfyDeploy.nodePath };
}

/** The labels that mark a machine as this action's: a sweep lists a repository's previews by the first. */
const repoLabel = 'fly_preview_repo';
const prLabel = 'fly_preview_pr';

/** Labels that mark a machine as this action's, for this PR; destroy deletes nothing without them. */
function ownerLabels(pr: PullRequest): Record<string, string> {
  return { [repoLabel]: `${pr.owner}/${pr.repo}`, [prLabel]: String(pr.number) };
}

function outcomeView(outcome: DeployOutcome, sha: string, access: string | undefined): PreviewView {
  const place = {
    appName: outcome.appName,
    url: previewUrl(outcome),
    access,
    region: outcome.region,
    sha,
    machineId: outcome.machineId,
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
  };
  switch (outcome.kind) {
    case 'ready':
      return { state: 'ready', ...place };
    case 'superseded':
      return { state: 'superseded', ...place, deployedSha: outcome.deployedRevisionId };
    case 'failed':
      return {
        state: 'failed',
        ...place,
        reason: outcome.reason,
        exitCode: outcome.exitCode,
        recentEvents: outcome.recentEvents,
      };
  }
}

async function deploy(
  settings: Settings,
  provider: PreviewProvider,
  report: Report,
  target: PreviewTarget,
  pr: PullRequest,
  image: string | undefined,
): Promise<boolean> {
  const access = urlAccess(settings.provider);
  const place = { appName: target.appName, url: previewUrl({ hostname: provider.hostnameFor(target.appName) }), access, region: settings.region, sha: pr.headSha };
  // The "deploying" note goes out alongside the first change, so it costs the deploy no time, and a
  // run that changes nothing (a re-run) does not flicker the comment.
  let announced: Promise<void> = Promise.resolve();
  let announcing = false;
  const deployLog: ProgressLog = {
    ...log,
    changing: () => {
      if (announcing) return;
      announcing = true;
      announced = report.announce({ state: 'deploying', ...place });
    },
    // The smoke window is spent waiting on Fly: the PR's "deploying" note goes out meanwhile, also
    // on a run that only joined another run's boot.
    started: () => deployLog.changing(),
  };
  let outcome: DeployOutcome;
  try {
    outcome = await provider.deploy(
      {
        ...target,
        region: settings.region,
        // A platform that builds from `source` (ComfyDeploy) has no image.
        image: image ?? '',
        guest: settings.guest,
        env: settings.env,
        internalPort: settings.internalPort,
        revision: { id: pr.headSha, order: pr.updatedAtMs },
        waitTimeoutMs: settings.waitTimeoutSeconds * 1000,
        smokeWindowMs: settings.smokeWindowSeconds * 1000,
        secrets: settings.secrets,
        autostop: settings.overrides.autostop,
        ...sourceField(settings, pr),
      },
      deployLog,
    );
  } catch (error) {
    await announced;
    await report.publish({ state: 'failed', ...place, machineId: undefined, reason: message(error), exitCode: undefined, recentEvents: [] });
    throw error;
  }
  await announced;
  await report.publish(outcomeView(outcome, pr.headSha, access));
  const url = previewUrl(outcome);
  setOutputs({
    status: outcome.kind === 'ready' ? 'deployed' : outcome.kind === 'superseded' ? 'skipped' : 'failed',
    appName: outcome.appName,
    hostname: outcome.hostname,
    url,
    machineId: outcome.machineId,
  });
  const at = url ?? `app ${outcome.appName}`;
  switch (outcome.kind) {
    case 'ready':
      core.notice(
        `Preview ready: ${at} (${pr.headSha.slice(0, 7)}, machine ${outcome.machineId} ${outcome.change === 'unchanged' ? 'already ran it' : outcome.change})`,
      );
      return true;
    case 'superseded':
      core.notice(
        `Superseded: ${outcome.deployedRevisionId.slice(0, 7)} is newer than ${pr.headSha.slice(0, 7)} and is already deployed at ${at}; left it in place.`,
      );
      return true;
    case 'failed':
      for (const line of outcome.recentEvents) core.info(neutralise(`  event: ${line}`));
      core.setFailed(`Preview failed: ${outcome.reason} (app ${outcome.appName}, machine ${outcome.machineId}).`);
      return false;
  }
}

async function destroy(provider: PreviewProvider, report: Report, target: PreviewTarget, pr: PullRequest): Promise<void> {
  const outcome = await provider.destroy(target, log);
  const keptMachines = outcome.kind === 'machines-destroyed' ? outcome.foreignMachines.map((m) => `${m.id} (${m.name})`) : [];
  await report.closed({ state: 'destroyed', appName: target.appName, sha: pr.headSha, keptMachines }, outcome.kind !== 'absent');
  setOutputs({ status: 'destroyed', appName: target.appName });
  core.notice(
    outcome.kind === 'absent'
      ? `Preview app ${target.appName} was already gone; nothing to destroy.`
      : `Preview destroyed: ${outcome.kind === 'app-destroyed' ? `app ${target.appName}` : `machines ${outcome.machineIds.join(', ')}`}.`,
  );
}

/** Loads the GitHub module only now: a skipped run never pays for it. */
async function load(): Promise<{ github: GitHubModule }> {
  return { github: await import('./github/index.js') };
}

type Provider = PreviewProvider & { close(): Promise<void> };

/**
 * The one place a platform is chosen: only its folder is loaded. The returned function opens the
 * provider with a token, once the plan has said which token to use.
 */
async function openProvider(settings: Settings): Promise<(token: string) => Provider> {
  switch (settings.provider) {
    case 'fly': {
      const { createFlyProvider } = await import('./providers/fly/index.js');
      return (token) => createFlyProvider({ apiUrl: settings.apiUrl, token, appConfig: settings.appConfig, overrides: settings.overrides });
    }
    case 'koyeb': {
      const { createKoyebProvider } = await import('./providers/koyeb/index.js');
      const ttlSeconds = settings.ttlMs === undefined ? undefined : Math.round(settings.ttlMs / 1000);
      return (token) =>
        createKoyebProvider({ apiUrl: settings.apiUrl, token, ...(settings.instanceType === undefined ? {} : { instanceType: settings.instanceType }), ...(ttlSeconds === undefined ? {} : { ttlSeconds }) });
    }
    case 'comfydeploy': {
      const build = settings.comfyDeploy;
      if (build === undefined) throw new Error('provider: comfydeploy was read without its build settings.');
      const { createComfyDeployPreviewProvider } = await import('./providers/comfydeploy/index.js');
      return (token) => createComfyDeployPreviewProvider({ apiUrl: settings.apiUrl, token, ...build });
    }
  }
}

/** Deploys or destroys one PR's preview; false when the preview failed (the step is already marked failed). */
async function act(
  settings: Settings,
  plan: Extract<Plan, { action: 'deploy' | 'destroy' }>,
  provider: Provider,
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
  if (plan.action === 'deploy') return deploy(settings, provider, report, target, plan.pr, plan.image);
  await destroy(provider, report, target, plan.pr);
  return true;
}

/** Whether the run writes to the PR beyond the job summary: its comment, or a GitHub deployment. */
const reportsToPr = (settings: Settings): boolean => settings.comment || settings.deploymentEnvironment !== undefined;

/** A reaction is a courtesy: one that cannot be added is a warning. */
async function reactTo(github: GitHubModule, gh: GitHubClient, repo: { owner: string; repo: string }, command: PreviewCommand, content: 'eyes' | 'rocket' | 'confused'): Promise<void> {
  try {
    await github.react(gh, repo, command.commentId, content);
  } catch (error) {
    core.warning(`Could not react to the /preview comment: ${message(error)}. The job needs \`permissions: pull-requests: write\`.`);
  }
}

/** A reply to a `/preview` comment is a courtesy too. */
async function replyTo(github: GitHubModule, gh: GitHubClient, issue: IssueRef, body: string): Promise<void> {
  try {
    await github.reply(gh, issue, body);
  } catch (error) {
    core.warning(`Could not reply to the /preview comment: ${message(error)}. The job needs \`permissions: pull-requests: write\`.`);
  }
}

/** A PR named by pr-number or a `/preview` comment: read it (and who asked), then act as its PR event would. */
async function resolveAndAct(settings: Settings, plan: Extract<Plan, { action: 'resolve' }>, eventName: string, open: (token: string) => Provider): Promise<void> {
  if (settings.githubToken === undefined) {
    throw new InputError('github-token', `is required to read PR #${plan.number} outside pull_request events (the default \`\${{ github.token }}\` will do)`);
  }
  const { github } = await load();
  const gh = github.createGitHubClient(settings.githubToken);
  const repo = { owner: plan.owner, repo: plan.repo };
  const issue = { ...repo, number: plan.number };
  const command = plan.command;
  if (command !== undefined) {
    const [allowed] = await Promise.all([github.canWrite(gh, repo, command.author), reactTo(github, gh, repo, command, 'eyes')]);
    if (!allowed) {
      await replyTo(
        github,
        gh,
        issue,
        `Thanks for asking, @${command.author}! Only people with write access to this repository can start or remove a preview with \`/preview\`, ` +
          'so nothing was done. A maintainer can comment `/preview` on this PR to deploy one.',
      );
      core.notice(`@${command.author} has no write access to ${plan.owner}/${plan.repo}; /preview ignored and a reply posted.`);
      core.setOutput('status', 'skipped');
      return;
    }
  }
  let succeeded = false;
  let provider: Provider | undefined;
  try {
    const pull = await github.readPull(gh, repo, plan.number);
    if (pull === undefined) throw new Error(`${plan.owner}/${plan.repo} has no pull request #${plan.number} (from pr-number or the commented issue).`);
    const headRepo = pull.headRepoFullName;
    const pr: PullRequestState = {
      number: pull.number,
      owner: plan.owner,
      repo: plan.repo,
      headSha: pull.headSha,
      headRepoFullName: headRepo,
      isFork: headRepo === null || headRepo.toLowerCase() !== pull.baseRepoFullName.toLowerCase(),
      updatedAtMs: Date.parse(pull.updatedAt) || 0,
      state: pull.state,
    };
    const resolved = planResolved(settings, pr, plan.intent, eventName);
    if (resolved.action === 'skip') {
      const reason = resolved.reason;
      core.notice(reason);
      core.setOutput('status', 'skipped');
      if (command !== undefined) await replyTo(github, gh, issue, `\`/preview${command.intent === 'destroy' ? ' destroy' : ''}\` did nothing: ${reason}`);
      return;
    }
    provider = open(resolved.apiToken);
    succeeded = await act(settings, resolved, provider, github, reportsToPr(settings) ? gh : undefined);
  } finally {
    await provider?.close();
    if (command !== undefined) await reactTo(github, gh, repo, command, succeeded ? 'rocket' : 'confused');
  }
}

interface SweptPreview {
  appName: string;
  pr: number | undefined;
  machineIds: string[];
  createdAtMs: number;
  lastDeployMs: number;
}

/** One preview per (app, PR): an app named by app-name can hold several PRs' machines. */
function previewsOf(listing: PreviewListing): SweptPreview[] {
  const byPr = new Map<string, PreviewListing['machines']>();
  for (const m of listing.machines) {
    const key = m.labels[prLabel] ?? '';
    byPr.set(key, [...(byPr.get(key) ?? []), m]);
  }
  return [...byPr].map(([key, machines]) => {
    const times = machines.flatMap((m) => [Date.parse(m.createdAt), Date.parse(m.updatedAt ?? '')]).filter((t) => !Number.isNaN(t));
    return {
      appName: listing.appName,
      pr: /^[1-9][0-9]*$/.test(key) ? Number(key) : undefined,
      machineIds: machines.map((m) => m.id),
      createdAtMs: Math.min(...machines.map((m) => Date.parse(m.createdAt) || Date.now())),
      lastDeployMs: times.length === 0 ? 0 : Math.max(...times),
    };
  });
}

async function sweep(settings: Settings, plan: Extract<Plan, { action: 'sweep' }>, provider: Provider): Promise<void> {
  const { github } = await load();
  const gh = github.createGitHubClient(plan.githubToken);
  const repo = { owner: plan.owner, repo: plan.repo };
  const inventory = await provider.listPreviews({ org: settings.org, labels: { [repoLabel]: `${plan.owner}/${plan.repo}` }, keys: [prLabel] }, log);
  const previews = inventory.previews.flatMap(previewsOf).sort((a, b) => (a.pr ?? 0) - (b.pr ?? 0) || (a.appName < b.appName ? -1 : 1));
  const numbers = [...new Set(previews.flatMap((p) => (p.pr === undefined ? [] : [p.pr])))];
  const pulls = await github.readPulls(gh, repo, numbers);
  const now = Date.now();
  const rows: SweepRow[] = [];
  const destroyed: string[] = [];
  let failures = 0;
  const reporting = reportsToPr(settings) ? gh : undefined;
  for (const preview of previews) {
    const pull = preview.pr === undefined ? undefined : pulls.get(preview.pr);
    const row = {
      appName: preview.appName,
      pr: preview.pr,
      prState: pull === undefined ? 'unknown' : pull.merged ? 'merged' : pull.state,
      idle: pull === undefined ? '' : inWords(now - (Date.parse(pull.updatedAt) || now)),
      age: inWords(now - preview.createdAtMs),
    };
    const verdict =
      preview.pr === undefined
        ? ({ destroy: false, why: 'its machines name no PR' } as const)
        : sweepVerdict(
            pull === undefined ? undefined : { state: pull.state, merged: pull.merged, updatedAtMs: Date.parse(pull.updatedAt) || 0 },
            preview.lastDeployMs,
            settings.ttlMs,
            now,
          );
    if (!verdict.destroy || pull === undefined || preview.pr === undefined) {
      rows.push({ ...row, action: 'kept', why: verdict.why });
      continue;
    }
    try {
      if (await provider.busy(preview.appName, preview.machineIds)) {
        const holds = settings.provider === 'fly' ? "a deploy holds its machine's lease" : 'a deploy is still under way on it';
        rows.push({ ...row, action: 'skipped', why: `${verdict.why}, but ${holds}; the next sweep looks again` });
        continue;
      }
      if (settings.dryRun) {
        destroyed.push(preview.appName);
        rows.push({ ...row, action: 'would destroy', why: verdict.why });
        continue;
      }
      const pr: PullRequest = {
        number: preview.pr,
        owner: plan.owner,
        repo: plan.repo,
        headSha: pull.headSha,
        headRepoFullName: pull.headRepoFullName,
        isFork: pull.headRepoFullName?.toLowerCase() !== pull.baseRepoFullName.toLowerCase(),
        updatedAtMs: Date.parse(pull.updatedAt) || 0,
      };
      const target: PreviewTarget = { appName: preview.appName, org: settings.org, ownerLabels: ownerLabels(pr) };
      const outcome = await provider.destroy(target, log);
      const report = new Report(github, reporting, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment, summary: false }, pr, preview.appName);
      const cause = verdict.cause === 'expired' ? { kind: 'expired' as const, idleFor: inWords(settings.ttlMs ?? 0) } : { kind: 'sweep' as const };
      const keptMachines = outcome.kind === 'machines-destroyed' ? outcome.foreignMachines.map((m) => `${m.id} (${m.name})`) : [];
      await report.closed({ state: 'destroyed', appName: preview.appName, sha: pr.headSha, keptMachines, cause }, outcome.kind !== 'absent');
      if (outcome.kind === 'absent') {
        rows.push({ ...row, action: 'skipped', why: `${verdict.why}; already gone (a close run got there first)` });
        continue;
      }
      destroyed.push(preview.appName);
      rows.push({ ...row, action: 'destroyed', why: verdict.why });
      core.info(`Destroyed ${preview.appName} (PR #${preview.pr}: ${verdict.why})`);
    } catch (error) {
      // One preview that cannot be removed must not keep the others running: report it and go on.
      failures++;
      core.error(`Could not destroy ${preview.appName} (PR #${preview.pr}): ${message(error)}`);
      rows.push({ ...row, action: 'failed', why: `${verdict.why}; ${message(error)}` });
    }
  }
  core.setOutput('destroyed', JSON.stringify(destroyed));
  core.setOutput('status', failures > 0 ? 'failed' : 'swept');
  await github.writeSweepSummary({ rows, appsExamined: inventory.appsExamined, appsLeftAlone: inventory.appsLeftAlone, dryRun: settings.dryRun });
  const kept = rows.length - destroyed.length;
  core.notice(
    `Sweep of ${plan.owner}/${plan.repo}: ${settings.dryRun ? 'would destroy' : 'destroyed'} ${destroyed.length} preview${destroyed.length === 1 ? '' : 's'}` +
      `${destroyed.length === 0 ? '' : ` (${destroyed.join(', ')})`}; kept ${kept}; ${inventory.appsLeftAlone} of ${inventory.appsExamined} apps are not this repository's previews and were left alone.`,
  );
  if (failures > 0) core.setFailed(`The sweep could not destroy ${failures} preview${failures === 1 ? '' : 's'}; see the errors above. The next sweep tries again.`);
}

export async function run(): Promise<void> {
  let provider: Provider | undefined;
  try {
    maskSecrets();
    const read = (name: string): string => core.getInput(name);
    const common = readCommonSettings(read);
    const event = eventContext();
    const plan = planRun(common, event);
    if (plan.action === 'skip') {
      core.notice(plan.reason);
      core.setOutput('status', 'skipped');
      return;
    }
    // A run that acts reads its platform's inputs (the fly.toml among them) before any call.
    const { readPlatformSettings } = await import('./inputs.js');
    const settings: Settings = { ...common, ...readPlatformSettings(common.provider, read, process.env['GITHUB_WORKSPACE']) };
    const [open, { github }] = await Promise.all([openProvider(settings), load()]);
    if (plan.action !== 'sweep') for (const warning of settings.configWarnings) core.warning(warning);
    if (plan.action === 'resolve') {
      await resolveAndAct(settings, plan, event.eventName, open);
      return;
    }
    provider = open(plan.apiToken);
    if (plan.action === 'sweep') await sweep(settings, plan, provider);
    else {
      const gh = reportsToPr(settings) && settings.githubToken !== undefined ? github.createGitHubClient(settings.githubToken) : undefined;
      await act(settings, plan, provider, github, gh);
    }
  } catch (error) {
    core.setFailed(message(error));
  } finally {
    await provider?.close();
  }
}
