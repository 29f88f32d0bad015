// The database inputs (database-url, database-template, database-app-host, database-env) → the
// database room's settings, read with the platform's inputs once a run acts and before any call.
// The room reads the values itself (src/database/settings.ts, free of the PostgreSQL client); here
// its errors become the run's input errors, and the one check that needs the other inputs is made:
// the app's variable must not be one the `secrets` or `env` input already sets.
import { InputError, type CommonSettings } from './common-inputs.js';
import type { DatabaseSettings } from './database/contract.js';
import { DatabaseInputError } from './database/errors.js';
import { readDatabaseSettings } from './database/settings.js';

/** undefined when `database-url` is empty: the preview has no database. */
export function readDatabaseInputs(read: (name: string) => string, common: Pick<CommonSettings, 'secrets' | 'env'>): DatabaseSettings | undefined {
  let settings: DatabaseSettings | undefined;
  try {
    settings = readDatabaseSettings({ url: read('database-url'), template: read('database-template'), appHost: read('database-app-host'), env: read('database-env') });
  } catch (error) {
    if (error instanceof DatabaseInputError) throw new InputError(error.input, error.problem);
    throw error;
  }
  if (settings === undefined) return undefined;
  const clash = Object.hasOwn(common.secrets, settings.env) ? 'secrets' : Object.hasOwn(common.env, settings.env) ? 'env' : undefined;
  if (clash !== undefined) {
    throw new InputError(
      'database-env',
      `names ${settings.env}, which the ${clash} input sets too; the preview's database URL goes there, so remove ${settings.env} from ${clash} or set database-env to another variable name such as PREVIEW_DATABASE_URL`,
    );
  }
  return settings;
}
