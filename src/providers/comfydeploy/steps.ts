// The build a machine is asked for, as docker_command_steps (which the API stores as sent), and the
// marker inside it that makes a machine ours and records the revision it builds.
import type { SourceRef } from '../../provider.js';
import { canonical } from '../canonical.js';
import type { RevisionMark } from '../revision.js';
import type { ComfyDeployDeployRequest } from './context.js';
import { cloneFolder } from './names.js';
import type { DockerCommandSteps, DockerStep, Machine, PreviewMarker } from './types.js';

/** The step id of the pull request's own node; extra nodes get `fly-preview-extra-<n>`. */
export const nodeStepId = 'fly-preview-node';
/** Where a `commands` step clones a repository whose node lives in a sub-folder. */
const scratch = '/tmp/fly-preview-source';
const cloneUrlPattern = /^https:\/\/[A-Za-z0-9._~:/-]+$/;
const commitPattern = /^[0-9a-fA-F]{40}$/;

/**
 * The request's source is written into Dockerfile lines, so anything but a plain https URL, a full
 * commit and a plain path is refused before any call (src/inputs.ts checks the inputs earlier).
 */
export function checkSource(source: SourceRef): void {
  if (!cloneUrlPattern.test(source.repositoryUrl)) throw new Error(`The repository URL "${source.repositoryUrl}" is not a plain https clone URL.`);
  if (!commitPattern.test(source.commit)) throw new Error(`The commit "${source.commit}" is not a 40-hex commit.`);
  if (source.subPath !== '' && !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(source.subPath)) {
    throw new Error(`The node path "${source.subPath}" is not a plain relative folder.`);
  }
}

/** The folder under custom_nodes the PR's node is installed in: ComfyUI names import failures by it. */
export function nodeFolder(source: SourceRef): string {
  return source.subPath === '' ? cloneFolder(source.repositoryUrl) : (source.subPath.split('/').pop() ?? source.subPath);
}

/**
 * A node at the repository root is an ordinary `git-clone` step (utils/docker.py clones, resets to
 * `hash`, installs requirements.txt and runs install.py). A node in a sub-folder has no such step,
 * so the same is written as a `commands` step that copies only that folder.
 */
function nodeStep(source: SourceRef): DockerStep {
  if (source.subPath === '') {
    return { id: nodeStepId, type: 'custom-node', data: { url: source.repositoryUrl, hash: source.commit, install_type: 'git-clone' } };
  }
  const folder = nodeFolder(source);
  return {
    id: nodeStepId,
    type: 'commands',
    data: [
      'WORKDIR /comfyui/custom_nodes',
      `RUN git clone --recursive ${source.repositoryUrl} ${scratch} && git -C ${scratch} reset --hard ${source.commit} && ` +
        `git -C ${scratch} submodule update --init --recursive && cp -r ${scratch}/${source.subPath} /comfyui/custom_nodes/${folder} && rm -rf ${scratch}`,
      `WORKDIR /comfyui/custom_nodes/${folder}`,
      'RUN if [ -f requirements.txt ]; then python -m pip install -r requirements.txt; fi',
      "RUN if [ -f install.py ]; then python install.py || echo 'install script failed'; fi",
    ].join('\n'),
  };
}

function desiredSteps(request: ComfyDeployDeployRequest): DockerStep[] {
  const extras: DockerStep[] = (request.extraNodes ?? []).map((node, i) => ({
    id: `fly-preview-extra-${i + 1}`,
    type: 'custom-node',
    data: { url: node.url, hash: node.commit, install_type: 'git-clone' },
  }));
  return [...extras, nodeStep(request.source)];
}

export function desiredCommandSteps(request: ComfyDeployDeployRequest): DockerCommandSteps {
  return {
    steps: desiredSteps(request),
    fly_preview: {
      labels: { ...request.ownerLabels },
      source: request.source.repositoryUrl,
      revision: request.revision.id,
      order: request.revision.order,
    },
  };
}

/** The URL a step installs from: a custom-node step's `url`, or the clone in our own commands step. */
function stepUrl(step: DockerStep): string | undefined {
  if (step.type === 'custom-node') return step.data.url;
  if (step.type === 'commands' && typeof step.data === 'string') return /git clone --recursive (\S+)/.exec(step.data)?.[1];
  return undefined;
}

function stepsOf(machine: Pick<Machine, 'docker_command_steps'>): DockerStep[] {
  const steps = machine.docker_command_steps?.steps;
  return Array.isArray(steps) ? steps : [];
}

export function markerOf(machine: Pick<Machine, 'docker_command_steps'>): PreviewMarker | undefined {
  const marker = machine.docker_command_steps?.fly_preview;
  return typeof marker === 'object' && marker !== null && typeof marker.labels === 'object' && marker.labels !== null ? marker : undefined;
}

/** The revision a marker records, as supersedes() compares it. */
export function markedRevision(marker: PreviewMarker): RevisionMark {
  return { id: marker.revision, order: marker.order };
}

/**
 * Ours: the marker carries every owner label, and the machine still installs the node the marker
 * names (the step a reviewer sees in the dashboard). A machine of our name without both is someone
 * else's, and is never changed or deleted.
 */
export function carries(machine: Machine, labels: Readonly<Record<string, string>>): boolean {
  const marker = markerOf(machine);
  if (marker === undefined || !Object.entries(labels).every(([key, value]) => marker.labels[key] === value)) return false;
  return stepsOf(machine).some((step) => step.id === nodeStepId && stepUrl(step) === marker.source);
}

/** Oldest first, so every run that sees the same machines keeps the same one. */
export function oldestFirst(a: Machine, b: Machine): number {
  const at = a.created_at ?? '';
  const bt = b.created_at ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Whether the machine already builds what this request asks for (the revision order aside). */
export function sameBuild(machine: Machine, request: ComfyDeployDeployRequest): boolean {
  const marker = markerOf(machine);
  return (
    marker?.revision === request.revision.id &&
    marker.source === request.source.repositoryUrl &&
    (machine.comfyui_version ?? '').toLowerCase() === request.comfyuiVersion.toLowerCase() &&
    machine.gpu === request.gpu &&
    canonical(stepsOf(machine)) === canonical(desiredSteps(request))
  );
}
