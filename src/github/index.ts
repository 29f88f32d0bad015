// The GitHub side of the house, as src/run/ and src/report.ts see it (loaded only when there is something to report).
export { renderPreview, upsertComment, type DatabaseView, type DroppedDatabaseView, type IssueRef, type PreviewView } from './comment.js';
export { createGitHubClient, type GitHubClient } from './octokit.js';
export { writeSummary } from './summary.js';
export { deactivateEnvironment, finishDeployment, previewEnvironment, startDeployment } from './deployment.js';
export { readPull, readPulls, type PullSummary } from './pulls.js';
export { canWrite, react, reply, type Reaction } from './commands.js';
export { renderSweep, writeSweepSummary, type SweepRow } from './sweep.js';
