// Every value the run masks, kept: the runner hides them in the log, but the PR comment (and the view
// it stores, base64-encoded, where no mask could find them) is written through the API, which the
// runner's masks never see. So masking goes through here alone, and what the PR is shown is
// redacted with the same values.
import * as core from '@actions/core';

const masked = new Set<string>();
/** Longest first, so a value that holds another is replaced whole; sorted again only after a mask. */
let longestFirst: string[] = [];

/** Masks a secret in the log (core.setSecret) and records it for redact(). */
export function mask(value: string): void {
  if (value === '' || masked.has(value)) return;
  core.setSecret(value);
  masked.add(value);
  longestFirst = [...masked].sort((a, b) => b.length - a.length);
}

/** `text` with every masked value replaced by `***`, as the runner shows it in the log. */
export function redact(text: string): string {
  let out = text;
  for (const value of longestFirst) if (out.includes(value)) out = out.split(value).join('***');
  return out;
}

/**
 * Every string in `value` (an object, an array, or a string) redacted, but those under the keys in
 * `kept`: fields the run itself fills (names, ids, a commit), which a short secret that happens to
 * stand in them must not turn into a broken link. Other values as they are.
 */
export function redactAll<T>(value: T, kept: ReadonlySet<string> = new Set()): T {
  return redactValue(value, kept) as T;
}

function redactValue(value: unknown, kept: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, kept));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, kept.has(key) ? v : redactValue(v, kept)]));
  }
  return value;
}
