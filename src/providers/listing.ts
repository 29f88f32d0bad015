import type { PreviewScope } from '../provider.js';

/**
 * The labels a listed preview reports: the scope's own and the keys it asks for, each read from
 * wherever the platform keeps them (Koyeb env vars, ComfyDeploy's marker); absent ones left out.
 */
export function scopeLabels(scope: PreviewScope, read: (key: string) => string | undefined): Record<string, string> {
  return Object.fromEntries(
    [...new Set([...Object.keys(scope.labels), ...scope.keys])].flatMap((key) => {
      const value = read(key);
      return value === undefined ? [] : [[key, value]];
    }),
  );
}
