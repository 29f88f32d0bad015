import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The e2e suite spawns the bundled action; unit tests stay in-process.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Every simulator request and answer is held against the platform's API description.
    setupFiles: ['test/sim/spec-setup.ts'],
    globalSetup: ['test/sim/spec-report.ts'],
  },
});
