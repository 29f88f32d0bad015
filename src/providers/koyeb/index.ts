// The Koyeb side of the house, as main.ts sees it: the preview contract, with Koyeb's extras given at construction.
import type { DeployOutcome, PreviewProvider, ProgressLog } from '../../provider.js';
import type { KoyebDeployRequest, KoyebProviderOptions } from './context.js';
import { KoyebProvider } from './provider.js';

export { ApiAuthError as KoyebAuthError } from '../http.js';
export type { KoyebDeployRequest } from './context.js';

/**
 * PreviewProvider on Koyeb. hostnameFor is undefined until the API has reported the app's assigned
 * domain; a deploy may also carry the Koyeb extras itself (they win over the options').
 */
export interface KoyebPreviewProvider extends PreviewProvider {
  deploy(request: KoyebDeployRequest, log: ProgressLog): Promise<DeployOutcome>;
  close(): Promise<void>;
}

export function createKoyebProvider(options: KoyebProviderOptions): KoyebPreviewProvider {
  return new KoyebProvider(options);
}
