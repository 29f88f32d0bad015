// What a preview's database is called and how the app reaches it, known before any connection: a run
// can mask the app's URL before the first byte reaches the server, and report the name even when the
// server is down. Deterministic; asynchronous only because the role key is stretched (password.ts).
import type { DatabaseSettings, PreviewRef, PreviewTarget } from './contract.js';
import { previewDatabaseName } from './names.js';
import { derivePassword, roleKey } from './password.js';
import { appDatabaseUrl } from './url.js';

export async function previewDatabaseFor(settings: Pick<DatabaseSettings, 'server' | 'appHost'>, ref: PreviewRef): Promise<PreviewTarget> {
  const name = previewDatabaseName(ref);
  const password = derivePassword(await roleKey(settings.server), name);
  const url = appDatabaseUrl(settings.server, settings.appHost, name, name, password);
  return { name, role: name, url, secrets: [url, password] };
}
