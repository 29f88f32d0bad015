// The preview's one WEB service: found (and refused when someone else's), created and updated. A
// lost answer is resolved by looking, never by sending the same change again blindly.
import type { ProgressLog } from '../../provider.js';
import { ApiAmbiguousError } from '../http.js';
import { lookAgain } from '../polling.js';
import type { KoyebContext, KoyebDeployRequest } from './context.js';
import { carries, lifeCycle, sameDefinition, serviceName } from './definition.js';
import type { App, Deployment, DeploymentDefinition, Service } from './types.js';

/** Our service and its latest deployment, as a round of the deploy found them. */
export interface FoundService {
  service: Service;
  deployment: Deployment | undefined;
}

/**
 * The deployment the service runs or is rolling out, if it has one. The field is a proto3 string
 * (koyeb-openapi.json definitions.Service): a service without one may carry "" as well as leave it
 * out, and koyeb-cli tests it against "" (pkg/koyeb/sandbox.go).
 */
export function latestDeploymentId(service: Service | undefined): string | undefined {
  const deploymentId = service?.latest_deployment_id;
  return deploymentId === undefined || deploymentId === '' ? undefined : deploymentId;
}

/**
 * The deployment serving the service's traffic: after a push whose deployment failed, the one before
 * it, not the latest. The same proto3 string (koyeb-openapi.json definitions.Service); koyeb-cli reads
 * it first and falls back to the latest when it is "" (pkg/koyeb/sandbox.go).
 */
export function activeDeploymentId(service: Service | undefined): string | undefined {
  const deploymentId = service?.active_deployment_id;
  return deploymentId === undefined || deploymentId === '' ? latestDeploymentId(service) : deploymentId;
}

/** The app's WEB service of this action's name, unless it is being deleted; whose it is, its deployment says. */
export async function findService(ctx: KoyebContext, appId: string): Promise<Service | undefined> {
  return (await ctx.client.listServices(appId)).find((s) => s.name === serviceName && s.status !== 'DELETING' && s.status !== 'DELETED');
}

export async function ourService(ctx: KoyebContext, request: KoyebDeployRequest, appId: string): Promise<FoundService | undefined> {
  const service = await findService(ctx, appId);
  if (service === undefined) return undefined;
  const deploymentId = latestDeploymentId(service);
  const deployment = deploymentId === undefined ? undefined : await ctx.client.getDeployment(deploymentId);
  if (deployment?.definition !== undefined && !carries(deployment.definition, request.ownerLabels)) {
    throw new Error(
      `Koyeb app ${request.appName} already holds a service "${serviceName}" that fly-preview did not create for this pull request ` +
        `(${service.id}). Choose another name with the app-name input.`,
    );
  }
  return { service, deployment };
}

/** The definition a service runs (or is rolling out): its latest deployment's. */
export async function definitionOf(ctx: KoyebContext, service: Service): Promise<DeploymentDefinition | undefined> {
  const deploymentId = latestDeploymentId(service);
  return deploymentId === undefined ? undefined : (await ctx.client.getDeployment(deploymentId))?.definition;
}

export type CreatedService =
  | { kind: 'created'; service: Service }
  /** `lostOurs` when our own create went through though its answer was lost. */
  | { kind: 'found'; found: FoundService; lostOurs: boolean };

export async function createService(
  ctx: KoyebContext,
  request: KoyebDeployRequest,
  app: App,
  definition: DeploymentDefinition,
  log: ProgressLog,
): Promise<CreatedService> {
  const life = lifeCycle(request);
  const body = { app_id: app.id, name: serviceName, definition, ...(life === undefined ? {} : { life_cycle: life }) };
  log.changing();
  let created: Service | 'exists';
  let lost = false;
  try {
    created = await ctx.client.createService(body);
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    log.info(`The answer to creating the service was lost (${error.detail}); looking before creating again`);
    created = 'exists';
    lost = true;
  }
  if (created !== 'exists') {
    log.info(`Created Koyeb service ${created.id} (deployment ${latestDeploymentId(created) ?? 'pending'})`);
    return { kind: 'created', service: created };
  }
  const found = await lookAgain(ctx, () => ourService(ctx, request, app.id));
  if (found !== undefined) {
    log.info(`Service ${found.service.id} was already created (by a racing run or the lost request); using it`);
    return { kind: 'found', found, lostOurs: lost };
  }
  const retried = await ctx.client.createService(body);
  if (retried === 'exists') throw new Error(`Koyeb says service "${serviceName}" exists in app ${request.appName}, but it cannot be listed.`);
  log.info(`Created Koyeb service ${retried.id}`);
  return { kind: 'created', service: retried };
}

export async function updateService(
  ctx: KoyebContext,
  request: KoyebDeployRequest,
  service: Service,
  definition: DeploymentDefinition,
  log: ProgressLog,
): Promise<Service> {
  const life = lifeCycle(request);
  const body = { definition, ...(life === undefined ? {} : { life_cycle: life }) };
  log.changing();
  try {
    const updated = await ctx.client.updateService(service.id, body);
    log.info(`Updated Koyeb service ${updated.id}: new deployment ${latestDeploymentId(updated) ?? 'pending'}`);
    return updated;
  } catch (error) {
    if (!(error instanceof ApiAmbiguousError)) throw error;
    const after = await ctx.client.getService(service.id);
    if (after !== undefined && latestDeploymentId(after) !== latestDeploymentId(service) && sameDefinition(await definitionOf(ctx, after), definition)) {
      log.info(`The answer to updating service ${service.id} was lost, but the update went through`);
      return after;
    }
    const updated = await ctx.client.updateService(service.id, body);
    log.info(`Updated Koyeb service ${updated.id}: new deployment ${latestDeploymentId(updated) ?? 'pending'}`);
    return updated;
  }
}
