// What every kind of run is handed: the event as the runner describes it, the GitHub side (loaded
// only once a run acts) and the chosen platform, opened with a token.
import { readFileSync } from 'node:fs';
import type { GitHubModule } from '../github/index.js';
import type { Settings } from '../inputs.js';
import type { EventContext } from '../plan.js';
import type { PreviewProvider } from '../provider.js';

/** The event as the runner describes it; read directly, as @actions/github's context would. */
export function eventContext(): EventContext {
  const path = process.env['GITHUB_EVENT_PATH'];
  const payload: unknown = path === undefined || path === '' ? {} : JSON.parse(readFileSync(path, 'utf8'));
  const rawAction = typeof payload === 'object' && payload !== null ? (payload as { action?: unknown }).action : undefined;
  const action = typeof rawAction === 'string' ? rawAction : undefined;
  return { eventName: process.env['GITHUB_EVENT_NAME'] ?? '', action, payload, repository: process.env['GITHUB_REPOSITORY'] };
}

/** Loads src/github/ once a run acts, so a skipped run (a push, a fork PR) never pays for it. */
export function loadGitHub(): Promise<GitHubModule> {
  return import('../github/index.js');
}

/** A platform opened for this run; closed when the run ends. */
export type Provider = PreviewProvider & { close(): Promise<void> };

/** Opens the chosen platform for a run's settings with a token, once the plan has said which token to use. */
export type OpenProvider = (settings: Settings, token: string) => Provider;
