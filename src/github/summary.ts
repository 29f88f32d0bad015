import * as core from '@actions/core';
import { redact } from '../masked.js';

/**
 * The job summary repeats the comment, so the result is on the run page even with `comment: false`.
 * It quotes platform errors too, so no masked value is written to it.
 */
export async function writeSummary(markdown: string): Promise<void> {
  // Outside a runner (or an old one) there is no summary file to write to.
  if (process.env['GITHUB_STEP_SUMMARY'] === undefined) return;
  await core.summary.addRaw(redact(markdown), true).write();
}
