import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The e2e suite spawns the bundled action; unit tests stay in-process.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    globalSetup: ['test/support/postgres-global.ts'],
  },
});
