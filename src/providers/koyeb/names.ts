// Koyeb's app names: 3 to 23 characters of [a-z0-9-] (test/sim/KOYEB_API.md), far fewer than a PR
// number and a repository name often need (`pr-<n>` alone is already 4), so a long default name is
// cut and hashed. Free of any runtime import: the skip path loads it (see src/providers/names.ts).
import type { NameRule } from '../../provider.js';

export const appNameRule: NameRule = {
  maxLength: 23,
  hashWhenLong: true,
  pattern: /^[a-z0-9](?:[a-z0-9-]{1,21}[a-z0-9])$/,
  accepted: '3 to 23 lowercase letters, digits and dashes, not starting or ending with a dash (a Koyeb app name)',
};
