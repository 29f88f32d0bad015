// Following a deployment until it is HEALTHY (or SLEEPING) or has failed, and, when it failed, what
// Koyeb said about it: the instance's and deployment's messages and the instance's recent events.
import type { DeployOutcome } from '../../provider.js';
import { pollUntilEnded } from '../polling.js';
import { place } from './app.js';
import type { KoyebContext, KoyebDeployRequest } from './context.js';
import type { App, Deployment, DeploymentStatus, InstanceEvent, Service } from './types.js';

const recentEventCount = 5;

/** Ready states: a scaled-to-zero service may already be asleep when it is looked at. */
export const ready = new Set<DeploymentStatus>(['HEALTHY', 'SLEEPING']);
/** States on the way to ready (koyeb-cli pkg/koyeb/services_update.go waits through the same ones). */
export const progressing = new Set<DeploymentStatus>(['PENDING', 'PROVISIONING', 'SCHEDULED', 'ALLOCATING', 'STARTING', 'CANCELING', 'STOPPING']);

export type WaitResult =
  | { kind: 'ready'; deployment: Deployment }
  | { kind: 'ended'; deployment: Deployment }
  | { kind: 'timeout'; deployment: Deployment }
  /** The deployment no longer exists: deleted with its service or app while this run waited. */
  | { kind: 'gone'; deployment: undefined; deploymentId: string };

/**
 * Polls the deployment with growing pauses until it is ready, has ended, or the deadline passes.
 * A deployment this run just started is known to be PENDING, so the first look waits a pause.
 */
export async function waitForDeployment(
  ctx: KoyebContext,
  deploymentId: string,
  deadline: number,
  justStarted: boolean,
  budgetMs: number,
): Promise<WaitResult> {
  const result = await pollUntilEnded(ctx, () => ctx.client.getDeployment(deploymentId), (d) => !progressing.has(d.status), {
    deadline,
    justStarted,
    budgetMs,
  });
  if (result.kind === 'gone') return { kind: 'gone', deployment: undefined, deploymentId };
  if (result.kind === 'ended' && ready.has(result.value.status)) return { kind: 'ready', deployment: result.value };
  return { kind: result.kind, deployment: result.value };
}

function describeEvent(e: InstanceEvent): string {
  return [e.when, e.type, e.message].filter((part) => part !== undefined && part !== '').join(' ');
}

export async function failed(ctx: KoyebContext, request: KoyebDeployRequest, app: App, service: Service, result: WaitResult): Promise<DeployOutcome> {
  const deployment = result.deployment;
  const instances = deployment === undefined ? [] : await ctx.client.listInstances(deployment.id);
  const failing =
    instances.find((i) => i.status === 'ERROR' || i.status === 'UNHEALTHY' || i.status === 'STOPPED') ?? instances[instances.length - 1];
  const events = failing === undefined ? [] : await ctx.client.listInstanceEvents([failing.id], recentEventCount);
  const messages = [...(failing?.messages ?? []), ...(deployment?.messages ?? [])].filter((m, i, all) => m !== '' && all.indexOf(m) === i);
  const said = messages.length === 0 ? '' : `: ${messages.join(' ')}`;
  const state = result.kind === 'gone' ? 'DELETED' : result.deployment.status;
  const reason =
    result.kind === 'gone'
      ? `Deployment ${result.deploymentId} of service ${service.id} disappeared before it became healthy: the service or app ` +
        `${request.appName} was deleted while this run waited (was the preview destroyed meanwhile?).`
      : result.kind === 'timeout'
        ? `The deployment did not become healthy within ${Math.round(request.waitTimeoutMs / 1000)} s (wait-timeout); it is ${state}${said}.`
        : `The deployment ended ${state}${failing === undefined ? '' : ` (instance ${failing.id} ${failing.status ?? ''})`}${said}.`;
  // Koyeb lists events newest first; events of the same instant keep that order, reversed.
  const recentEvents = [...events]
    .reverse()
    .sort((a, b) => ((a.when ?? '') < (b.when ?? '') ? -1 : (a.when ?? '') > (b.when ?? '') ? 1 : 0))
    .slice(-recentEventCount)
    .map(describeEvent);
  return { kind: 'failed', ...(await place(ctx, request, app, service)), reason, state, exitCode: undefined, recentEvents };
}
