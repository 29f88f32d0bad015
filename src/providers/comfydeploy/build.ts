// Following a machine's build by its own version until it has ended, and what a build that failed,
// timed out or vanished says: the end of its build log.
import { pollUntilEnded, type PollResult } from '../polling.js';
import { place, type ComfyDeployContext, type ComfyDeployDeployRequest, type ComfyDeployOutcome } from './context.js';
import type { BuildLogEntry, Machine, MachineStatus, MachineVersion } from './types.js';

/** Build log lines shown for a failed build. */
export const logTailLines = 30;

/** A build that has ended; anything else (building, not-started, starting) is still under way. */
export const ended = new Set<MachineStatus>(['ready', 'error']);

export type BuildResult = PollResult<MachineVersion>;

/** build_log and import_failed_logs are JSON text of `[{logs, timestamp}]`; plain text is read line by line. */
export function logLines(text: string | null | undefined): string[] {
  if (text === null || text === undefined || text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.split(/\r?\n/).filter((line) => line.trim() !== '');
  }
  if (!Array.isArray(parsed)) return typeof parsed === 'string' ? [parsed] : [];
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const logs = (entry as Partial<BuildLogEntry> | null)?.logs;
    return typeof logs === 'string' ? logs.split(/\r?\n/) : [];
  });
}

/**
 * Polls the build's own version (not the machine, whose status overlapping builds overwrite) with
 * growing pauses until it has ended or the deadline passes. A build this run just started is
 * known to be building, so the first look waits a pause.
 */
export function followBuild(
  ctx: ComfyDeployContext,
  machineId: string,
  versionId: string,
  deadline: number,
  justStarted: boolean,
  budgetMs: number,
): Promise<BuildResult> {
  return pollUntilEnded(ctx, () => ctx.client.getVersion(machineId, versionId), (version) => ended.has(version.status), {
    deadline,
    justStarted,
    budgetMs,
  });
}

export function buildFailed(request: ComfyDeployDeployRequest, machine: Machine, result: BuildResult): ComfyDeployOutcome {
  const at = place(request, machine.id);
  if (result.kind === 'gone') {
    return { kind: 'failed', ...at, reason: 'The build this run followed is gone from ComfyDeploy.', state: 'unknown', exitCode: undefined, recentEvents: [] };
  }
  const version = result.value;
  if (result.kind === 'timeout') {
    return {
      kind: 'failed',
      ...at,
      reason:
        `The build did not finish within ${Math.round(request.waitTimeoutMs / 1000)} s (wait-timeout); it is ${version.status ?? 'unknown'}. ` +
        'ComfyDeploy builds take minutes: raise wait-timeout, or re-run the job to follow the same build.',
      state: version.status ?? 'unknown',
      exitCode: undefined,
      recentEvents: [],
    };
  }
  const tail = logLines(version.build_log).slice(-logTailLines);
  return {
    kind: 'failed',
    ...at,
    reason: `The build failed (version ${version.version} ended in ${version.status}); the end of its build log follows.`,
    state: version.status,
    exitCode: undefined,
    recentEvents: tail,
  };
}
