// The preview's Koyeb app, found or created, and where the preview answers: the domain Koyeb assigned it.
import type { ProgressLog } from '../../provider.js';
import { ApiAmbiguousError } from '../http.js';
import { lookAgain } from '../polling.js';
import type { KoyebContext, KoyebDeployRequest } from './context.js';
import type { App, Service } from './types.js';

/** The app, created when missing; `fresh` when this run created it (so it holds no service yet). */
export async function ensureApp(ctx: KoyebContext, request: KoyebDeployRequest, log: ProgressLog): Promise<{ app: App; fresh: boolean }> {
  const client = ctx.client;
  const name = request.appName;
  const existing = await client.findApp(name);
  if (existing !== undefined) return { app: existing, fresh: false };
  log.changing();
  const lifecycle = request.ttlSeconds === undefined ? {} : { life_cycle: { delete_when_empty: true } };
  let created: App | 'exists';
  try {
    created = await client.createApp({ name, ...lifecycle });
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    log.info(`The answer to creating Koyeb app ${name} was lost (${error.detail}); looking before creating again`);
    const made = await lookAgain(ctx, () => client.findApp(name));
    if (made !== undefined) return { app: made, fresh: false };
    created = await client.createApp({ name, ...lifecycle });
  }
  if (created !== 'exists') {
    log.info(`Created Koyeb app ${name}`);
    return { app: created, fresh: true };
  }
  const again = await lookAgain(ctx, () => client.findApp(name));
  if (again === undefined) {
    throw new Error(`The Koyeb app name "${name}" is taken, but the app is not in this token's organization. Choose another name with the app-name input.`);
  }
  log.info(`Koyeb app ${name} was just created by another run; using it`);
  return { app: again, fresh: false };
}

/** The public hostname as the API reports it; never built from the name, since its form has changed over time. */
export function reportedHostname(app: App | undefined): string | undefined {
  return app?.domains?.find((d) => d.type === 'AUTOASSIGNED')?.name;
}

/** Where an outcome points: the app's reported hostname (remembered for hostnameFor) and the service. */
export async function place(ctx: KoyebContext, request: KoyebDeployRequest, app: App, service: Service) {
  let hostname = reportedHostname(app);
  // The create answer may predate the domain's assignment; the app read again carries it.
  if (hostname === undefined) hostname = reportedHostname(await ctx.client.getApp(app.id));
  if (hostname !== undefined) ctx.hostnames.set(request.appName, hostname);
  return { appName: request.appName, hostname: hostname ?? '', machineId: service.id, region: request.region };
}
