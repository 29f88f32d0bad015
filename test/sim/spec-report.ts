// vitest globalSetup: a fresh directory for the workers' counts of the API description check, and,
// once every test has run, their sum printed per platform (test/sim/SPEC_CHECK.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatCounts, readCounts } from './spec-tally.ts';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'fly-preview-spec-'));
  project.provide('specCountsDir', dir);
  return () => {
    const total = readCounts(dir);
    console.log(`\n${formatCounts(total)}\n`);
    // SPEC_CHECK_FINDINGS=<file> keeps the whole tally: every distinct finding outside the allow-list,
    // and how often each allow-list entry was used, for working through them.
    const out = process.env['SPEC_CHECK_FINDINGS'];
    if (out !== undefined) writeFileSync(out, JSON.stringify(total, null, 2));
    rmSync(dir, { recursive: true, force: true });
  };
}
