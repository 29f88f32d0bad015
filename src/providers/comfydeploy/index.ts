// The ComfyDeploy side of the house, as main.ts sees it: createComfyDeployPreviewProvider.
import type { DestroyOutcome, PreviewProvider, PreviewTarget, ProgressLog } from '../../provider.js';
import type { ComfyDeployDeployRequest, ComfyDeployOutcome, ComfyDeployProviderOptions } from './context.js';
import { ComfyDeployProvider } from './provider.js';
import type { ExtraNode } from './validate.js';
import type { MachineGpu } from './types.js';

// The provider's own deploy, its errors and createComfyDeployProvider are what
// test/integration/comfydeploy-provider.test.ts drives (a deploy there carries the build itself).
export { ApiAuthError as ComfyDeployAuthError } from '../http.js';
export { ComfyDeployPlanError } from './client.js';
export type { ComfyDeployDeployRequest, ComfyDeployOutcome } from './context.js';

/**
 * The ComfyDeploy provider as its integration tests drive it: a deploy takes the source and the
 * ComfyUI build itself, and its outcome carries the dashboard URL (a machine has no hostname).
 */
export interface ComfyDeployPreviewProvider extends Omit<PreviewProvider, 'deploy'> {
  deploy(request: ComfyDeployDeployRequest, log: ProgressLog): Promise<ComfyDeployOutcome>;
  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome>;
  close(): Promise<void>;
}

export function createComfyDeployProvider(options: ComfyDeployProviderOptions): ComfyDeployPreviewProvider {
  return new ComfyDeployProvider(options);
}

/** What every deploy of this action run builds on: the ComfyUI commit, the GPU and the nodes the PR's node needs. */
export interface ComfyDeployBuild {
  comfyuiVersion: string;
  gpu: MachineGpu;
  extraNodes: readonly ExtraNode[];
}

/**
 * The preview contract on ComfyDeploy: the build settings come at construction, the code under
 * review from the request's `source` (a deploy without one is refused); image, region, size, env and
 * secrets mean nothing to a machine built from source and are not read.
 */
export function createComfyDeployPreviewProvider(options: ComfyDeployProviderOptions & ComfyDeployBuild): PreviewProvider & { close(): Promise<void> } {
  const provider = new ComfyDeployProvider(options);
  return {
    texts: provider.texts,
    listPreviews: (scope, log) => provider.listPreviews(scope, log),
    busy: (appName, machineIds) => provider.busy(appName, machineIds),
    hostnameFor: (appName) => provider.hostnameFor(appName),
    destroy: (target, log) => provider.destroy(target, log),
    wake: (target) => provider.wake(target),
    close: () => provider.close(),
    deploy: (request, log) => {
      const source = request.source;
      if (source === undefined) return Promise.reject(new Error('A ComfyDeploy machine is built from source, and this deploy request names none.'));
      return provider.deploy(
        {
          appName: request.appName,
          org: request.org,
          ownerLabels: request.ownerLabels,
          revision: request.revision,
          waitTimeoutMs: request.waitTimeoutMs,
          source,
          comfyuiVersion: options.comfyuiVersion,
          gpu: options.gpu,
          extraNodes: options.extraNodes,
        },
        log,
      );
    },
  };
}
