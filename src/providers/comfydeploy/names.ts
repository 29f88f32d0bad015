// Default ComfyDeploy machine names. The API puts no limit on a machine name (models.py Machine.name
// is an unbounded String, ServerlessMachineModel.name a plain str), but the dashboard lists
// machines by name, so a long one is cut and made unique again with a short hash of the full
// repository name, as for Koyeb.
import { createHash } from 'node:crypto';

export const machineNameMaxLength = 40;

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `pr-<n>-<repo>` when it fits; otherwise `pr-<n>-<repo cut>-<hash>` with 6 hex of sha256("owner/repo").
 * Only [a-z0-9-]: GET /machines?search= is an ILIKE pattern, where `_` and `%` would match other names.
 */
export function comfyDeployMachineName(owner: string, repo: string, pr: number): string {
  const head = `pr-${pr}`;
  const repoSlug = slug(repo);
  const whole = repoSlug === '' ? head : `${head}-${repoSlug}`;
  if (whole.length <= machineNameMaxLength) return whole;
  const hash = createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest('hex').slice(0, 6);
  const cut = repoSlug.slice(0, Math.max(0, machineNameMaxLength - head.length - hash.length - 2)).replace(/-+$/, '');
  return cut === '' ? `${head}-${hash}` : `${head}-${cut}-${hash}`;
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
