// Default ComfyDeploy machine names. The API puts no limit on a machine name (models.py Machine.name
// is an unbounded String, ServerlessMachineModel.name a plain str), but the dashboard lists
// machines by name, so a long one is cut and made unique again with a short hash of the full
// repository name, as for Koyeb.
import { shortPreviewName } from '../names.js';

export const machineNameMaxLength = 40;

/**
 * `pr-<n>-<repo>`, cut and hashed past 40 characters (see shortPreviewName). Only [a-z0-9-]:
 * GET /machines?search= is an ILIKE pattern, where `_` and `%` would match other names.
 */
export function comfyDeployMachineName(owner: string, repo: string, pr: number): string {
  return shortPreviewName(owner, repo, pr, machineNameMaxLength);
}

/** The dashboard page of a machine: what a reviewer opens (it needs a login to the same organisation). */
export function dashboardUrl(machineId: string): string {
  return `https://app.comfydeploy.com/machines/${encodeURIComponent(machineId)}`;
}

/**
 * The folder a `git-clone` step clones into: the URL's last segment without `.git`
 * (utils/docker.py generate_docker_commands_for_custom_node). ComfyUI names an import failure by it.
 */
export function cloneFolder(url: string): string {
  return (url.replace(/\/+$/, '').split('/').pop() ?? '').replace('.git', '');
}
