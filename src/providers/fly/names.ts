// Fly's app names. Free of any runtime import: the skip path loads it (see src/providers/names.ts).
import type { NameRule } from '../../provider.js';

/** Lowercase letters, digits and dashes, starting with a letter, at most 63. */
export const appNameRule: NameRule = {
  maxLength: 63,
  hashWhenLong: false,
  pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  accepted: '1 to 63 lowercase letters, digits and dashes, starting with a letter and not ending with a dash',
};
