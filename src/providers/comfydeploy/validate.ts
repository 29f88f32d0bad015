// Checks of the ComfyDeploy inputs, for src/inputs.ts to call before any network call. Each returns
// the typed value or a message naming the input and the accepted form.
import { machineGpus, type MachineGpu } from './types.js';

/**
 * What wait-timeout should default to on this platform: a build installs torch, ComfyUI and every
 * node into a fresh image, which takes minutes where a Fly machine takes seconds.
 */
export const comfyDeployDefaultWaitTimeoutSeconds = 1_200;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** machines.py GitCommitHash: the API answers 422 to anything but 40 hex digits. */
const commitPattern = /^[0-9a-fA-F]{40}$/;

export function checkComfyUiVersion(raw: string): Checked<string> {
  const value = raw.trim();
  if (commitPattern.test(value)) return { ok: true, value: value.toLowerCase() };
  return {
    ok: false,
    error: `comfyui-version must be a full 40-hex ComfyUI commit (e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa), not "${value}": ComfyDeploy refuses tags and branch names.`,
  };
}

export function checkGpu(raw: string): Checked<MachineGpu> {
  const value = raw.trim() === '' ? 'CPU' : raw.trim();
  const found = machineGpus.find((gpu) => gpu.toLowerCase() === value.toLowerCase());
  if (found !== undefined) return { ok: true, value: found };
  return { ok: false, error: `gpu must be one of ${machineGpus.join(', ')} (default CPU), not "${value}".` };
}

export interface ExtraNode {
  url: string;
  commit: string;
}

function isCloneUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && url.pathname.split('/').filter(Boolean).length >= 2;
  } catch {
    return false;
  }
}

/**
 * `custom-nodes`: one `<https git url>@<40-hex commit>` per line; blank lines and `#` comments are
 * skipped. Pinned commits keep every preview reproducible. Credentials in the URL are refused: the
 * API stores the steps as given and shows them in the dashboard.
 */
export function checkCustomNodes(raw: string): Checked<ExtraNode[]> {
  const nodes: ExtraNode[] = [];
  const lines = raw.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const at = text.lastIndexOf('@');
    const url = at < 0 ? text : text.slice(0, at);
    const commit = at < 0 ? '' : text.slice(at + 1);
    if (!isCloneUrl(url) || !commitPattern.test(commit)) {
      return {
        ok: false,
        // The line itself is not quoted: a URL with credentials in it would reach the log.
        error: `custom-nodes line ${index + 1} must be <https git url without credentials>@<40-hex commit>, e.g. https://github.com/cubiq/ComfyUI_essentials@33ff89fd354d8ec3ab6affb605a79a931b445d99.`,
      };
    }
    nodes.push({ url, commit: commit.toLowerCase() });
  }
  return { ok: true, value: nodes };
}

/**
 * `node-path`: where the custom node lives in the repository, relative, default the root. Only
 * plain path characters: it is written into a build step's shell commands.
 */
export function checkNodePath(raw: string): Checked<string> {
  const value = raw.trim().replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (value === '' || value === '.') return { ok: true, value: '' };
  const parts = value.split('/');
  if (value.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._-]+$/.test(p))) {
    return { ok: false, error: `node-path must be a relative folder of the repository (letters, digits, . _ - and /; no ..), e.g. nodes/my_node, not "${raw}".` };
  }
  return { ok: true, value };
}
