// Waking a preview when a review starts. Koyeb has two kinds of rest: a service someone paused
// (service status PAUSED), which only `POST /v1/services/{id}/resume` brings back (the API allows
// resume from PAUSED alone: openapi.json `.paths["/v1/services/{id}/resume"].post.description`);
// and a scaled-to-zero service whose deployment is SLEEPING, which no API call wakes: "as soon as a
// new request is received, the Service wakes up" (koyeb.com/docs/run-and-scale/scale-to-zero). So
// a sleeping preview gets one request to its own URL. Either way the run then polls until it is
// HEALTHY; nothing is redeployed. What is read is the deployment serving traffic (the active one:
// after a failed push, the one before it); one that is neither HEALTHY nor SLEEPING fails the wake
// with its state.
import { request } from 'undici';
import type { PreviewTarget, ProgressLog, WakeOutcome } from '../../provider.js';
import { ApiAmbiguousError } from '../http.js';
import { pollUntilEnded } from '../polling.js';
import { reportedHostname } from './app.js';
import type { KoyebContext } from './context.js';
import { carries } from './definition.js';
import { progressing } from './readiness.js';
import { activeDeploymentId, findService, latestDeploymentId } from './service.js';
import type { App, Deployment, Service, ServiceStatus } from './types.js';

/** Service states on the way back from a resume (definitions.Service.Status). */
const resuming = new Set<ServiceStatus | undefined>(['PAUSED', 'RESUMING', 'STARTING']);

interface Ours {
  app: App;
  service: Service;
  /** The service's newest deployment: what a push rolls out, and whose definition says whose it is. */
  latest: Deployment;
  /** The deployment serving traffic; the latest when the service reports none. */
  active: Deployment;
}

/** This preview's service and its deployments, when its definition carries the owner labels. */
async function ourService(ctx: KoyebContext, target: PreviewTarget): Promise<Ours | undefined> {
  const app = await ctx.client.findApp(target.appName);
  if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED') return undefined;
  const service = await findService(ctx, app.id);
  const latestId = latestDeploymentId(service);
  if (service === undefined || latestId === undefined) return undefined;
  const latest = await ctx.client.getDeployment(latestId);
  if (latest === undefined || !carries(latest.definition, target.ownerLabels)) return undefined;
  const activeId = activeDeploymentId(service);
  const active = activeId === undefined || activeId === latestId ? latest : await ctx.client.getDeployment(activeId);
  return { app, service, latest, active: active ?? latest };
}

export async function wake(ctx: KoyebContext, target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome> {
  const appName = target.appName;
  const ours = await ourService(ctx, target);
  if (ours === undefined) return { kind: 'absent', appName };
  const { app, service, latest, active } = ours;
  const reported = reportedHostname(app);
  if (reported !== undefined) ctx.hostnames.set(appName, reported);
  const deadline = ctx.now() + waitTimeoutMs;
  const machineIds = [service.id];
  if (service.status === 'PAUSED') {
    const status = await resume(ctx, service, deadline, waitTimeoutMs, log);
    if (status !== 'HEALTHY') return { kind: 'failed', appName, reason: `service ${service.id} was resumed but is ${status ?? 'gone'}, not HEALTHY` };
    return { kind: 'awake', appName, machineIds, started: [{ id: service.id, from: 'PAUSED' }] };
  }
  if (service.status === 'PAUSING') return { kind: 'failed', appName, reason: `service ${service.id} is being paused; resume it in Koyeb, or push to deploy it again` };
  if (progressing.has(latest.status)) return { kind: 'busy', appName, reason: `deployment ${latest.id} is still rolling out` };
  if (active.status === 'HEALTHY') return { kind: 'awake', appName, machineIds, started: [] };
  if (active.status !== 'SLEEPING') {
    return { kind: 'failed', appName, reason: `deployment ${active.id}, the one serving service ${service.id}, is ${active.status ?? 'of no status'}, not HEALTHY, SLEEPING or PAUSED; a push or a re-run deploys it again` };
  }
  const hostname = reported ?? reportedHostname(await ctx.client.getApp(app.id));
  if (hostname === undefined) return { kind: 'failed', appName, reason: `Koyeb reports no domain for app ${appName}, so no request can wake it` };
  await visit(ctx, `https://${hostname}/`, deadline, log);
  const result = await pollUntilEnded(ctx, () => ctx.client.getDeployment(active.id), (d) => d.status !== 'SLEEPING' && !progressing.has(d.status), {
    deadline,
    justStarted: false,
    budgetMs: waitTimeoutMs,
  });
  if (result.kind === 'ended' && result.value.status === 'HEALTHY') return { kind: 'awake', appName, machineIds, started: [{ id: service.id, from: 'SLEEPING' }] };
  const state = result.kind === 'gone' ? 'gone' : result.value.status;
  return { kind: 'failed', appName, reason: `deployment ${active.id} is ${state} after a request to https://${hostname}/, not HEALTHY` };
}

/** Resumes the service, then polls it until it is no longer on its way back; its last status. */
async function resume(ctx: KoyebContext, service: Service, deadline: number, budgetMs: number, log: ProgressLog): Promise<ServiceStatus | undefined> {
  try {
    await ctx.client.resumeService(service.id);
    log.info(`Resumed Koyeb service ${service.id}`);
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    log.info(`The answer to resuming service ${service.id} was lost (${error.detail}); reading the service`);
  }
  const result = await pollUntilEnded(ctx, () => ctx.client.getService(service.id), (s) => !resuming.has(s.status), { deadline, justStarted: true, budgetMs });
  return result.kind === 'gone' ? undefined : result.value.status;
}

/**
 * One request to the preview's own URL, which wakes a sleeping service: Koyeb's edge holds it until
 * an instance answers. No token goes with it. What the app answers does not matter, and a request
 * that fails is no failure yet: the deployment's status, polled next, says whether it woke.
 */
async function visit(ctx: KoyebContext, url: string, deadline: number, log: ProgressLog): Promise<void> {
  const timeoutMs = Math.max(1_000, Math.min(60_000, deadline - ctx.now()));
  try {
    const answer = await request(url, { method: 'GET', reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(ctx.dispatcher === undefined ? {} : { dispatcher: ctx.dispatcher }) });
    await answer.body.dump();
    log.info(`Requested ${url} to wake the sleeping service (it answered ${answer.statusCode})`);
  } catch (error) {
    log.info(`A request to ${url} to wake the sleeping service failed (${error instanceof Error ? error.message : String(error)}); waiting for it all the same`);
  }
}
