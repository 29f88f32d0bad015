import * as core from '@actions/core';

/** The job summary repeats the comment, so the result is on the run page even with `comment: false`. */
export async function writeSummary(markdown: string): Promise<void> {
  // Outside a runner (or an old one) there is no summary file to write to.
  if (process.env['GITHUB_STEP_SUMMARY'] === undefined) return;
  await core.summary.addRaw(markdown, true).write();
}
