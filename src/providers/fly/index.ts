// The Fly side of the house, as main.ts sees it.
import type { PreviewProvider } from '../../provider.js';
import { FlyProvider, type FlyProviderOptions } from './provider.js';

export { FlyAmbiguousError, FlyApiError, FlyAuthError } from './http.js';

export type FlyPreviewProvider = PreviewProvider & { close(): Promise<void> };

export function createFlyProvider(options: FlyProviderOptions): FlyPreviewProvider {
  return new FlyProvider(options);
}
