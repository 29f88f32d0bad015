// The inputs that decide what the team spends: how many previews may live at once, what happens to
// the one over the cap, and whether drafts get a preview. Read with the other inputs every run
// reads (common-inputs.ts), before any call, since the plan needs `drafts` to decide at all.
import { InputError, oneOf, quote } from './common-inputs.js';

export type CapPolicy = 'evict' | 'refuse';
export type DraftsMode = 'deploy' | 'skip';

export interface BudgetSettings {
  /** The most live previews this repository may have at once; undefined: no cap. */
  maxPreviews: number | undefined;
  /** A deploy that would create one over the cap: evict the least recently active, or refuse. */
  maxPreviewsPolicy: CapPolicy;
  /** `skip`: a draft PR gets no preview until it is ready for review. */
  drafts: DraftsMode;
}

/** A cap this high is no cap a team means; the bound only keeps a typo from reading as one. */
const highestCap = 10_000;

function maxPreviews(raw: string): number | undefined {
  if (raw === '') return undefined;
  if (!/^[1-9][0-9]{0,4}$/.test(raw) || Number(raw) > highestCap) {
    throw new InputError('max-previews', `must be a whole number from 1 to ${highestCap} (the most live previews at once), or empty for no cap; got ${quote(raw)}`);
  }
  return Number(raw);
}

/** `value` returns the trimmed input, or the fallback when it is empty. */
export function readBudgetSettings(value: (name: string, fallback: string) => string): BudgetSettings {
  return {
    maxPreviews: maxPreviews(value('max-previews', '')),
    maxPreviewsPolicy: oneOf('max-previews-policy', value('max-previews-policy', 'evict'), ['evict', 'refuse'] as const),
    drafts: oneOf('drafts', value('drafts', 'deploy'), ['deploy', 'skip'] as const),
  };
}
