// What the PR shows of a run: the sticky comment, the job summary and, when enabled, a GitHub
// deployment, and how a platform's outcome reads there.
import * as core from '@actions/core';
import type { CommonSettings } from './common-inputs.js';
import { errorMessage } from './error-message.js';
import { redactAll } from './masked.js';
import type { DatabaseView, GitHubClient, GitHubModule, IssueRef, PreviewView } from './github/index.js';
import type { PullRequest } from './plan.js';
import type { DeployOutcome } from './provider.js';

/** The view's fields the run fills itself: names, ids, the commit, where the preview answers. */
const ownFields: ReadonlySet<string> = new Set(['state', 'appName', 'url', 'sha', 'deployedSha', 'machineId', 'region', 'name', 'number']);

function runUrl(): string | undefined {
  const repository = process.env['GITHUB_REPOSITORY'];
  const runId = process.env['GITHUB_RUN_ID'];
  if (repository === undefined || runId === undefined || runId === '') return undefined;
  return `${process.env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${repository}/actions/runs/${runId}`;
}

export interface ReportOptions {
  comment: boolean;
  /** Prefix of the per-PR GitHub environment; undefined leaves deployments alone. */
  deploymentEnvironment: string | undefined;
  /** false in a sweep, whose summary is one table of all previews. */
  summary: boolean;
}

/** Whether the run writes to the PR beyond the job summary: its comment, or a GitHub deployment. */
export const reportsToPr = (settings: Pick<CommonSettings, 'comment' | 'deploymentEnvironment'>): boolean =>
  settings.comment || settings.deploymentEnvironment !== undefined;

/**
 * What the PR shows: the sticky comment, the job summary and, when enabled, a GitHub deployment.
 * None of them can fail a deploy: a GitHub error is a warning saying which permission is missing.
 */
export class Report {
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

  async #comment(shown: PreviewView, final: boolean, order = this.#revisionOrder): Promise<void> {
    if (this.#gh === undefined || !this.#options.comment) return;
    // A platform's error can quote a secret back; the comment and the view it keeps get no masked
    // value in what platforms and servers wrote (reasons, events, check output).
    const view = redactAll(shown, ownFields);
    try {
      const result = await this.#github.upsertComment(this.#gh, this.#issue, {
        appName: this.#appName,
        revisionOrder: order,
        body: this.#github.renderPreview(view, this.#footer),
        final,
        view,
      });
      core.info(`PR comment ${result.action}: ${result.url}`);
    } catch (error) {
      core.warning(
        `Could not write the PR comment: ${errorMessage(error)}. ` +
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
      core.warning(`Could not update the GitHub deployment: ${errorMessage(error)}. The job needs \`permissions: deployments: write\`.`);
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

  /**
   * What the comment last showed, to be shown again with one fact added (a wake); undefined when
   * there is no comment to read, or it keeps no view (written before views were kept).
   */
  async lastShown(): Promise<{ view: PreviewView; order: number } | undefined> {
    if (this.#gh === undefined || !this.#options.comment) return undefined;
    try {
      return await this.#github.readPreviewComment(this.#gh, this.#issue, this.#appName);
    } catch (error) {
      core.warning(`Could not read the PR comment: ${errorMessage(error)}. The job needs \`permissions: pull-requests: write\`.`);
      return undefined;
    }
  }

  /**
   * The comment again, written as by the revision that wrote `order`, so a newer deploy's comment is
   * never overwritten and a re-run of the deploy that wrote it may still write it.
   */
  async refresh(view: PreviewView, order: number): Promise<void> {
    await Promise.all([this.#comment(view, false, order), this.#summary(view)]);
  }

  #summary(view: PreviewView): Promise<void> {
    if (!this.#options.summary) return Promise.resolve();
    return this.#github.writeSummary(this.#github.renderPreview(view, this.#footer));
  }

  async #settleDeployment(view: PreviewView): Promise<void> {
    const id = await this.#deployment;
    if (id === undefined || view.state === 'deploying' || view.state === 'destroyed' || view.state === 'refused') return;
    const outcome = view.state === 'ready' ? 'success' : view.state === 'failed' ? 'failure' : 'inactive';
    await this.#deploymentCall((gh) =>
      this.#github.finishDeployment(gh, this.#issue, id, outcome, {
        environmentUrl: view.state === 'ready' ? view.url : undefined,
        logUrl: this.#footer.runUrl,
      }),
    );
  }
}

/** What a reviewer opens: the platform's own URL, else the reported hostname; undefined when neither is known yet. */
export function previewUrl(place: { hostname: string | undefined; url?: string }): string | undefined {
  if (place.url !== undefined && place.url !== '') return place.url;
  return place.hostname === undefined || place.hostname === '' ? undefined : `https://${place.hostname}`;
}

/** A deploy's outcome as the PR shows it, with the preview's database when it has one. */
export function outcomeView(outcome: DeployOutcome, sha: string, access: string | undefined, database?: DatabaseView): PreviewView {
  const place = {
    appName: outcome.appName,
    url: previewUrl(outcome),
    access,
    region: outcome.region,
    sha,
    machineId: outcome.machineId,
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
    ...(database === undefined ? {} : { database }),
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
