// The only module that knows both sides: it turns the plan into provider calls (Fly) and reports
// them to the pull request (GitHub).
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import type { GitHubClient, IssueRef, PreviewView } from './github/index.js';
import { readSettings, type Settings } from './inputs.js';
import { planRun, type EventContext, type PullRequest } from './plan.js';
import type { DeployOutcome, PreviewProvider, PreviewTarget, ProgressLog } from './provider.js';
import { tokenPieces } from './fly/token.js';

// The Fly and GitHub clients are loaded only when a run deploys or destroys: a skipped run (a push,
// a fork PR) then starts in a fraction of the time.
type GitHubModule = typeof import('./github/index.js');

const secretInputs = ['fly-api-token', 'github-token'] as const;

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
  return { eventName: process.env['GITHUB_EVENT_NAME'] ?? '', action, payload };
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

function setOutputs(outputs: { status: string; appName: string; hostname?: string; machineId?: string }): void {
  core.setOutput('status', outputs.status);
  core.setOutput('app-name', outputs.appName);
  core.setOutput('hostname', outputs.hostname ?? '');
  core.setOutput('url', outputs.hostname === undefined ? '' : `https://${outputs.hostname}`);
  core.setOutput('machine-id', outputs.machineId ?? '');
}

/** Labels that mark a machine as this action's, for this PR; destroy deletes nothing without them. */
function ownerLabels(pr: PullRequest): Record<string, string> {
  return { fly_preview_repo: `${pr.owner}/${pr.repo}`, fly_preview_pr: String(pr.number) };
}

function outcomeView(outcome: DeployOutcome, sha: string): PreviewView {
  const place = {
    appName: outcome.appName,
    url: `https://${outcome.hostname}`,
    region: outcome.region,
    sha,
    machineId: outcome.machineId,
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
  image: string,
): Promise<void> {
  const hostname = provider.hostnameFor(target.appName);
  const place = { appName: target.appName, url: `https://${hostname}`, region: settings.region, sha: pr.headSha };
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
        image,
        guest: settings.guest,
        env: settings.env,
        internalPort: settings.internalPort,
        revision: { id: pr.headSha, order: pr.updatedAtMs },
        waitTimeoutMs: settings.waitTimeoutSeconds * 1000,
        smokeWindowMs: settings.smokeWindowSeconds * 1000,
      },
      deployLog,
    );
  } catch (error) {
    await announced;
    await report.publish({ state: 'failed', ...place, machineId: undefined, reason: message(error), exitCode: undefined, recentEvents: [] });
    throw error;
  }
  await announced;
  await report.publish(outcomeView(outcome, pr.headSha));
  setOutputs({
    status: outcome.kind === 'ready' ? 'deployed' : outcome.kind === 'superseded' ? 'skipped' : 'failed',
    appName: outcome.appName,
    hostname: outcome.hostname,
    machineId: outcome.machineId,
  });
  switch (outcome.kind) {
    case 'ready':
      core.notice(
        `Preview ready: https://${outcome.hostname} (${pr.headSha.slice(0, 7)}, machine ${outcome.machineId} ${outcome.change === 'unchanged' ? 'already ran it' : outcome.change})`,
      );
      return;
    case 'superseded':
      core.notice(
        `Superseded: ${outcome.deployedRevisionId.slice(0, 7)} is newer than ${pr.headSha.slice(0, 7)} and is already deployed at https://${outcome.hostname}; left it in place.`,
      );
      return;
    case 'failed':
      for (const line of outcome.recentEvents) core.info(neutralise(`  event: ${line}`));
      core.setFailed(`Preview failed: ${outcome.reason} (app ${outcome.appName}, machine ${outcome.machineId}).`);
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

export async function run(): Promise<void> {
  let provider: (PreviewProvider & { close(): Promise<void> }) | undefined;
  try {
    maskSecrets();
    const settings = readSettings((name) => core.getInput(name));
    const plan = planRun(settings, eventContext());
    if (plan.action === 'skip') {
      core.notice(plan.reason);
      core.setOutput('status', 'skipped');
      return;
    }
    const [{ createFlyProvider }, github] = await Promise.all([import('./fly/index.js'), import('./github/index.js')]);
    provider = createFlyProvider({ apiUrl: settings.flyApiUrl, token: plan.flyApiToken });
    const reporting = settings.comment || settings.deploymentEnvironment !== undefined;
    const gh = reporting && settings.githubToken !== undefined ? github.createGitHubClient(settings.githubToken) : undefined;
    const report = new Report(github, gh, { comment: settings.comment, deploymentEnvironment: settings.deploymentEnvironment }, plan.pr, plan.appName);
    const target: PreviewTarget = { appName: plan.appName, org: settings.org, ownerLabels: ownerLabels(plan.pr) };
    if (plan.action === 'deploy') await deploy(settings, provider, report, target, plan.pr, plan.image);
    else await destroy(provider, report, target, plan.pr);
  } catch (error) {
    core.setFailed(message(error));
  } finally {
    await provider?.close();
  }
}
