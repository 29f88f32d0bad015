// The room's inputs, validated before any connection: the inputs stage calls readDatabaseSettings
// with the raw values and gets one settings object, or an error naming the input. Pure and free of
// the PostgreSQL client, so runs without a database never load it.
import type { DatabaseSettings } from './contract.js';
import { DatabaseInputError } from './errors.js';
import { maxIdentifierBytes } from './names.js';
import { databaseUrlSecrets, parseAppHost, parseDatabaseUrl } from './url.js';

export interface RawDatabaseInputs {
  /** `database-url`; empty: no database. */
  url: string;
  /** `database-template`; empty: an empty database. */
  template: string;
  /** `database-app-host`; empty: the app reaches the server where the runner does. */
  appHost: string;
  /** `database-env`; empty: DATABASE_URL. */
  env: string;
}

function templateName(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return undefined;
  const control = [...name].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
  if (Buffer.byteLength(name) > maxIdentifierBytes || control) {
    throw new DatabaseInputError('database-template', `must be the name of a database on the server (at most ${maxIdentifierBytes} bytes, one line), such as seed`);
  }
  return name;
}

function envName(raw: string): string {
  const name = raw.trim() === '' ? 'DATABASE_URL' : raw.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DatabaseInputError('database-env', 'must be an environment variable name of letters, digits and _, not starting with a digit, such as DATABASE_URL');
  }
  return name;
}

/** undefined when `database-url` is empty: the preview has no database, as before this input existed. */
export function readDatabaseSettings(raw: RawDatabaseInputs): DatabaseSettings | undefined {
  if (raw.url.trim() === '') {
    const orphan = raw.template.trim() !== '' ? 'database-template' : raw.appHost.trim() !== '' ? 'database-app-host' : undefined;
    if (orphan !== undefined) throw new DatabaseInputError(orphan, 'is set but database-url is empty; set database-url to give each preview a database');
    return undefined;
  }
  const server = parseDatabaseUrl(raw.url);
  const template = templateName(raw.template);
  if (template !== undefined && template === server.database) {
    throw new DatabaseInputError(
      'database-url',
      `connects to the template "${template}" itself, and PostgreSQL cannot copy a database while anyone is connected to it; point database-url at another database, such as postgres`,
    );
  }
  return {
    server,
    template,
    appHost: raw.appHost.trim() === '' ? undefined : parseAppHost(raw.appHost),
    env: envName(raw.env),
    secrets: databaseUrlSecrets(raw.url),
  };
}
