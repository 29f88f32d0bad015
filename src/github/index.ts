// The GitHub side of the house, as src/run/ and src/report.ts see it (loaded only when there is something to report).
export { readPreviewComment, upsertComment, type IssueRef } from './comment.js';
export { renderPreview } from './render.js';
export type { DatabaseView, DroppedDatabaseView, PlaceHolder, PreviewView } from './view.js';
export { renderBudget, writeBudgetSummary, type BudgetReport, type CountedRow } from './budget.js';
export { createGitHubClient, type GitHubClient } from './octokit.js';
export { writeSummary } from './summary.js';
export { deactivateEnvironment, finishDeployment, previewEnvironment, startDeployment } from './deployment.js';
export { readPull, readPulls, type PullSummary } from './pulls.js';
export { canWrite, react, reply, type Reaction } from './commands.js';
export { renderSweep, writeSweepSummary, type SweepRow } from './sweep.js';

/** This module as a value, passed to what reports and to the runs that read PRs (it is loaded only once a run acts). */
export type GitHubModule = typeof import('./index.js');
