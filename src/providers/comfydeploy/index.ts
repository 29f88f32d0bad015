// The ComfyDeploy side of the house, as main.ts will see it.
import type { DestroyOutcome, PreviewTarget, ProgressLog } from '../../provider.js';
import {
  ComfyDeployProvider,
  type ComfyDeployDeployRequest,
  type ComfyDeployOutcome,
  type ComfyDeployProviderOptions,
  type FoundPreview,
} from './provider.js';

export { ApiAmbiguousError as ComfyDeployAmbiguousError, ApiAuthError as ComfyDeployAuthError, ApiError as ComfyDeployApiError } from '../http.js';
export { ComfyDeployPlanError } from './client.js';
export { comfyDeployMachineName, dashboardUrl } from './names.js';
export { checkComfyUiVersion, checkCustomNodes, checkGpu, checkNodePath, type Checked, type ExtraNode } from './validate.js';
export { comfyDeployDefaultWaitTimeoutSeconds } from './provider.js';
export type { ComfyDeployDeployRequest, ComfyDeployOutcome, ComfyDeployProviderOptions, FoundPreview, SourceRef } from './provider.js';
export type { MachineGpu } from './types.js';

/**
 * PreviewProvider as ComfyDeploy can honour it: a deploy takes the source to build instead of an
 * image, and its outcome carries the dashboard URL, since a machine has no hostname (hostnameFor
 * is always undefined). The contract changes this needs are in the report for the lead.
 */
export interface ComfyDeployPreviewProvider {
  hostnameFor(appName: string): string | undefined;
  deploy(request: ComfyDeployDeployRequest, log: ProgressLog): Promise<ComfyDeployOutcome>;
  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome>;
  /** For `mode: sweep`: previews whose markers match `match`, with the values of `labelKeys`. */
  findPreviews(match: Readonly<Record<string, string>>, labelKeys: readonly string[]): Promise<FoundPreview[]>;
  close(): Promise<void>;
}

export function createComfyDeployProvider(options: ComfyDeployProviderOptions): ComfyDeployPreviewProvider {
  return new ComfyDeployProvider(options);
}
