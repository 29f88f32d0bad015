// vitest global setup: one embedded PostgreSQL for the whole run, its URLs handed to the tests with
// provide()/inject() (test/support/postgres.ts), stopped and its directory removed at the end.
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { adminUrl: string; adminPassword: string; superUrl: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgres', { adminUrl: server.adminUrl, adminPassword: server.adminPassword, superUrl: server.superUrl });
  return () => server.stop();
}
