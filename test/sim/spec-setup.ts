// Runs in every test file (vitest setupFiles): a finding of the API description check that the
// allow-list does not cover fails the test whose requests made it, naming the operation and the
// field; the file's counts go to the directory test/sim/spec-report.ts adds up.
import { afterAll, afterEach, inject } from 'vitest';
import { describeFinding } from './spec-check.ts';
import { takeFindings, writeCounts } from './spec-tally.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    specCountsDir: string;
  }
}

function failOnFindings(): void {
  const findings = takeFindings();
  if (findings.length === 0) return;
  const lines = [...new Set(findings.map((f) => describeFinding(f, true)))];
  throw new Error(
    `${lines.length} request(s) or answer(s) do not fit the platform's API description, and no entry of test/sim/spec-allowlist.ts covers them:\n  ${lines.join('\n  ')}`,
  );
}

afterEach(failOnFindings);
afterAll(() => {
  writeCounts(inject('specCountsDir'));
  // Requests made in beforeAll/afterAll hooks belong to no single test: they fail the file.
  failOnFindings();
});
