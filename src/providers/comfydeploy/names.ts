// ComfyDeploy's machine names, and the other names a deploy reads off its answers. Free of any
// runtime import: the skip path loads it (see src/providers/names.ts).
import type { NameRule } from '../../provider.js';

/**
 * The API puts no limit on a machine name (models.py Machine.name is an unbounded String,
 * ServerlessMachineModel.name a plain str), but the dashboard lists machines by name, so a default
 * name past 40 characters is cut and made unique again with a short hash, as for Koyeb. Only
 * [a-z0-9-]: GET /machines?search= is an ILIKE pattern, where `_` and `%` would match other names.
 * A name given as `app-name` is held to the form of a Fly app name.
 */
export const machineNameRule: NameRule = {
  maxLength: 40,
  hashWhenLong: true,
  pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  accepted: '1 to 63 lowercase letters, digits and dashes, starting with a letter and not ending with a dash',
};

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
