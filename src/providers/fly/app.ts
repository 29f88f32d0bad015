// The app a preview lives in: made when missing, checked to be in the right org, waited on while
// a new app becomes visible, and given the public IPs `<app>.fly.dev` needs.
import type { DeployRequest, ProgressLog } from '../../provider.js';
import { backoffDelay, type RetryPolicy } from '../../retry.js';
import { settled } from '../settled.js';
import { AppNotVisible } from './client.js';
import type { FlyContext } from './context.js';
import { FlyAmbiguousError, FlyAuthError } from './http.js';
import type { IpAssignment } from './types.js';

/**
 * How long a just-created app may stay invisible (404, or 401 while its permissions propagate) and
 * how calls on it back off meanwhile: fly-go flaps/retry.go Retry, used by WaitForApp
 * (flaps/flaps_apps.go), which flyctl calls after every app create (flyctl #3112).
 */
const appVisibility: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 60_000 };

/** What a deploy knows about the app it works in. */
export interface AppState {
  /** This run created the app: it is empty, and may not be visible to every call yet. */
  fresh: boolean;
  createdAt: number;
  /** The org's real slug (`personal` is an alias), for IP allocation. */
  orgSlug: string;
}

/** Makes sure the app exists. */
export async function ensureApp(ctx: FlyContext, request: DeployRequest, log: ProgressLog): Promise<AppState> {
  const existing = await ctx.client.getApp(request.appName).catch((error: unknown) => {
    // A valid token is refused one app when that app belongs to an organization it cannot reach
    // (fly-go flaps/flaps_apps.go AppNameAvailable: 403 means the name is taken elsewhere).
    if (error instanceof FlyAuthError && error.status === 403) {
      throw new Error(
        `The Fly API refused access to the app "${request.appName}" (403: ${error.detail}): the name is probably ` +
          `taken by an app in another organization. Choose another name with the app-name input, or check that fly-api-token can reach org "${request.org}".`,
      );
    }
    throw error;
  });
  const known = (slug: string | undefined): AppState => ({ fresh: false, createdAt: 0, orgSlug: slug ?? request.org });
  if (existing !== undefined) {
    checkOrg(request, existing.organization?.slug);
    return known(existing.organization?.slug);
  }
  let result: 'created' | 'taken';
  log.changing();
  try {
    result = await ctx.client.createApp(request.appName, request.org);
  } catch (error) {
    if (!(error instanceof FlyAmbiguousError)) throw error;
    // Whether or not the lost create went through, the app's contents are unknown: look at them.
    const found = await appOnceVisible(ctx, request.appName, ctx.now());
    if (found !== undefined) return known(found.organization?.slug);
    throw error;
  }
  if (result === 'created') {
    log.info(`Created app ${request.appName} in ${request.org}`);
    return { fresh: true, createdAt: ctx.now(), orgSlug: request.org };
  }
  // The name is taken. A racing run may have created it a moment ago, in which case it may not
  // be visible to us yet: look again for as long as a new app can take to appear.
  const again = await appOnceVisible(ctx, request.appName, ctx.now());
  if (again === undefined) {
    throw new Error(
      `The Fly app name "${request.appName}" is taken by an app this token cannot see (app names are global across Fly.io). ` +
        'Choose another name with the app-name input.',
    );
  }
  checkOrg(request, again.organization?.slug);
  log.info(`App ${request.appName} was just created by another run; using it`);
  return known(again.organization?.slug);
}

/** The app, read again until it is visible or a new app's visibility delay is over. */
async function appOnceVisible(ctx: FlyContext, appName: string, since: number) {
  for (let attempt = 1; ; attempt++) {
    const app = await ctx.client.getApp(appName).catch((error: unknown) => {
      if (error instanceof FlyAuthError && error.status === 401) return undefined;
      throw error;
    });
    if (app !== undefined) return app;
    const wait = backoffDelay(appVisibility, attempt, ctx.random);
    if (ctx.now() - since + wait > appVisibility.budgetMs) return undefined;
    await ctx.sleep(Math.max(50, wait));
  }
}

/**
 * Runs a call on the app's contents; for an app this run just created, a 404 or 401 means the
 * app is not visible to that endpoint yet, so the call is made again with short backoff.
 */
export async function inApp<T>(ctx: FlyContext, app: AppState, call: (justCreated: boolean) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(app.fresh);
    } catch (error) {
      if (!(error instanceof AppNotVisible)) throw error;
      const wait = Math.max(50, backoffDelay(appVisibility, attempt, ctx.random));
      if (ctx.now() - app.createdAt + wait > appVisibility.budgetMs) {
        throw new Error(`${error.message}, still a minute after this run created it. Re-run the job.`);
      }
      await ctx.sleep(wait);
    }
  }
}

function checkOrg(request: DeployRequest, slug: string | undefined): void {
  // "personal" is an alias Fly resolves to the user's own org slug, so it cannot be compared.
  if (slug === undefined || request.org === 'personal' || slug === request.org) return;
  throw new Error(
    `The Fly app "${request.appName}" exists in organization "${slug}", not "${request.org}". ` +
      'Set org to match, or choose another name with the app-name input.',
  );
}

/** Which public addresses an app lacks: IPv6 (not the private fdaa: range) and IPv4. */
function lacking(ips: IpAssignment[]): ('v6' | 'shared_v4')[] {
  const hasV6 = ips.some((ip) => ip.ip.includes(':') && !ip.ip.toLowerCase().startsWith('fdaa:'));
  const hasV4 = ips.some((ip) => ip.ip.includes('.'));
  return [...(hasV6 ? [] : (['v6'] as const)), ...(hasV4 ? [] : (['shared_v4'] as const))];
}

/** Without a public IP `<app>.fly.dev` does not answer; allocate what is missing, as flyctl's first deploy does. */
export async function ensureIps(ctx: FlyContext, appName: string, app: AppState, log: ProgressLog): Promise<void> {
  const publicTypes = ['v6', 'shared_v4'] as const;
  const missing = app.fresh ? publicTypes : lacking(await ctx.client.listIps(appName));
  await settled(
    missing.map(async (type) => {
      try {
        const ip = await inApp(ctx, app, (justCreated) => ctx.client.allocateIp(appName, type, app.orgSlug, justCreated));
        log.info(`Allocated ${type === 'v6' ? 'IPv6' : 'shared IPv4'} ${ip.ip} for ${appName}`);
      } catch (error) {
        // Whether a lost allocation went through is seen in the list.
        if (!(error instanceof FlyAmbiguousError) || lacking(await ctx.client.listIps(appName)).includes(type)) throw error;
      }
    }),
  );
}
