// The Koyeb side of the house, as main.ts will see it.
import type { DeployOutcome, DestroyOutcome, PreviewTarget, ProgressLog } from '../../provider.js';
import { KoyebProvider, type FoundPreview, type KoyebDeployRequest, type KoyebProviderOptions } from './provider.js';

export { ApiAmbiguousError as KoyebAmbiguousError, ApiAuthError as KoyebAuthError, ApiError as KoyebApiError } from '../http.js';
export { koyebAppName } from './names.js';
export type { FoundPreview, KoyebDeployExtras, KoyebDeployRequest, KoyebProviderOptions } from './provider.js';

/**
 * PreviewProvider as Koyeb can honour it: the hostname is known only once the API has reported the
 * app's assigned domain, so hostnameFor may say undefined (the contract change this needs is in the
 * report for the lead: hostnameFor returning `string | undefined`).
 */
export interface KoyebPreviewProvider {
  hostnameFor(appName: string): string | undefined;
  deploy(request: KoyebDeployRequest, log: ProgressLog): Promise<DeployOutcome>;
  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome>;
  /** For `mode: sweep`: previews whose markers match `match`, with the values of `labelKeys`. */
  findPreviews(match: Readonly<Record<string, string>>, labelKeys: readonly string[]): Promise<FoundPreview[]>;
  close(): Promise<void>;
}

export function createKoyebProvider(options: KoyebProviderOptions): KoyebPreviewProvider {
  return new KoyebProvider(options);
}
