// A build that ended `ready` is not yet a working preview: ComfyUI may have failed to import a node.
import { logLines, logTailLines } from './build.js';
import { place, type ComfyDeployDeployRequest, type ComfyDeployOutcome } from './context.js';
import { nodeFolder } from './steps.js';
import type { Machine, MachineVersion } from './types.js';

/** The custom-node folder of a ComfyUI line like `0.3 seconds (IMPORT FAILED): /comfyui/custom_nodes/Foo`. */
export function failedNode(line: string): string | undefined {
  const path = /\(IMPORT FAILED\)\s*:?\s*(\S.*)$/.exec(line)?.[1]?.trim();
  if (path === undefined) return undefined;
  return path.replace(/\/+$/, '').split('/').pop();
}

/**
 * A build can end `ready` while ComfyUI failed to import a node: its log says `(IMPORT FAILED)`.
 * The machine's import_failed_logs is read too, but only when the machine still points at this
 * build (it describes the machine's latest build) and it may be null.
 */
export function readyOrImportFailed(
  request: ComfyDeployDeployRequest,
  machine: Machine,
  version: MachineVersion,
  change: 'created' | 'updated' | 'unchanged',
): ComfyDeployOutcome {
  const lines = logLines(version.build_log);
  const fromMachine = machine.machine_version_id === version.id ? logLines(machine.import_failed_logs) : [];
  const failedLines = [...new Set([...lines, ...fromMachine].filter((line) => line.includes('(IMPORT FAILED)')))];
  if (failedLines.length === 0) {
    return { kind: 'ready', change, ...place(request, machine.id) };
  }
  const nodes = [...new Set(failedLines.map(failedNode).filter((n): n is string => n !== undefined && n !== ''))];
  const ownFolder = nodeFolder(request.source);
  const named = nodes.map((n) => (n === ownFolder ? `${n} (this pull request's node)` : `${n} (from custom-nodes)`));
  const reason =
    `The build is ready, but ComfyUI could not import custom node${nodes.length === 1 ? '' : 's'} ${named.join(', ') || 'unknown'} (IMPORT FAILED); ` +
    'the lines about it from the build log follow.';
  // ComfyUI names the folder in the traceback lines too ("Cannot import /comfyui/custom_nodes/<node> module ...").
  const related = lines.filter((line) => line.includes('(IMPORT FAILED)') || nodes.some((n) => line.includes(`custom_nodes/${n}`)));
  const recentEvents = [...new Set([...related, ...failedLines])].slice(-logTailLines);
  return { kind: 'failed', ...place(request, machine.id), reason, state: 'import-failed', exitCode: undefined, recentEvents };
}
