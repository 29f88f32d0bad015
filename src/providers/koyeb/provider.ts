// The Koyeb implementation of the preview contract: one app and one WEB service per preview. Koyeb
// has no tags, no idempotency keys and no blocking wait, so: the service is marked as ours by env
// vars naming the owner labels; every create looks first and, when the name turns out taken, looks
// again; and a deployment is polled with backoff until it is HEALTHY (or SLEEPING) or fails.
// This file only sequences the phases: app.ts, secrets.ts, service.ts, readiness.ts, destroy.ts,
// inventory.ts and wake.ts do the work, each given the one KoyebContext.
import type { DeployOutcome, DestroyOutcome, PreviewInventory, PreviewProvider, PreviewScope, PreviewTarget, ProgressLog, ProviderTexts, WakeOutcome } from '../../provider.js';
import { supersedes } from '../revision.js';
import { ensureApp, place } from './app.js';
import { koyebContext, type KoyebContext, type KoyebDeployExtras, type KoyebDeployRequest, type KoyebProviderOptions } from './context.js';
import { deployedRevision, desiredDefinition, sameDefinition, secretsDigestOf } from './definition.js';
import { destroyPreview } from './destroy.js';
import { anyBusy, listPreviews } from './inventory.js';
import { failed, progressing, ready, waitForDeployment } from './readiness.js';
import { dropUnusedSecrets, ensureSecrets, secretsDigest } from './secrets.js';
import { createService, type FoundService, latestDeploymentId, ourService, updateService } from './service.js';
import type { App, DeploymentDefinition, Service } from './types.js';
import { wake } from './wake.js';

const maxRounds = 6;

export class KoyebProvider implements PreviewProvider {
  readonly texts: ProviderTexts = { urlAccess: undefined, busy: 'a deployment is still rolling out on it' };
  readonly #ctx: KoyebContext;
  readonly #extras: KoyebDeployExtras;

  constructor(options: KoyebProviderOptions) {
    this.#extras = { ttlSeconds: options.ttlSeconds, instanceType: options.instanceType, healthCheckPath: options.healthCheckPath };
    this.#ctx = koyebContext(options);
  }

  close(): Promise<void> {
    return this.#ctx.client.close();
  }

  /**
   * Koyeb assigns the public domain when the app is created and the API is the only source of it,
   * so before this provider has seen the app there is nothing to say: undefined, never a guess.
   */
  hostnameFor(appName: string): string | undefined {
    return this.#ctx.hostnames.get(appName);
  }

  async deploy(given: KoyebDeployRequest, log: ProgressLog): Promise<DeployOutcome> {
    const request: KoyebDeployRequest = {
      ...given,
      ttlSeconds: given.ttlSeconds ?? this.#extras.ttlSeconds,
      instanceType: given.instanceType ?? this.#extras.instanceType,
      healthCheckPath: given.healthCheckPath ?? this.#extras.healthCheckPath,
    };
    const deadline = this.#ctx.now() + request.waitTimeoutMs;
    // Secrets wait for the app: a run that cannot have the app (its name taken) leaves none behind.
    const { app, fresh } = await ensureApp(this.#ctx, request, log);
    return converge(this.#ctx, request, app, fresh, desiredDefinition(request, secretsDigest(this.#ctx, request.secrets)), deadline, log);
  }

  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    return destroyPreview(this.#ctx, target, log);
  }

  wake(target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome> {
    return wake(this.#ctx, target, waitTimeoutMs, log);
  }

  listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    return listPreviews(this.#ctx, scope, log);
  }

  busy(_appName: string, machineIds: readonly string[]): Promise<boolean> {
    return anyBusy(this.#ctx, machineIds);
  }
}

/** What one converge has learnt so far, carried from round to round. */
interface Converging {
  found: FoundService | undefined;
  /**
   * Secrets are written once this run knows it is not superseded, so an older run never overwrites
   * the values a newer one deployed.
   */
  secretsSet: boolean;
  /** Set when our own create went through though its answer was lost: what we wait on, we created. */
  createdUnseen: boolean;
}

/** A round's service, whose latest deployment is the one to wait on, and what this run did to it. */
interface Round {
  service: Service;
  change: 'created' | 'updated' | 'unchanged';
}

/** The secrets, once per converge; values the deployed definition's digest shows are set are left alone. */
async function secretsOnce(
  ctx: KoyebContext,
  request: KoyebDeployRequest,
  run: Converging,
  deployed: DeploymentDefinition | undefined,
  definition: DeploymentDefinition,
  log: ProgressLog,
): Promise<void> {
  if (run.secretsSet) return;
  const current = deployed !== undefined && secretsDigestOf(deployed) === secretsDigestOf(definition);
  await ensureSecrets(ctx, request, current, log);
  run.secretsSet = true;
}

/** Look, act, wait; again when a racing run changed the service under us. */
async function converge(
  ctx: KoyebContext,
  request: KoyebDeployRequest,
  app: App,
  fresh: boolean,
  definition: DeploymentDefinition,
  deadline: number,
  log: ProgressLog,
): Promise<DeployOutcome> {
  const run: Converging = { found: fresh ? undefined : await ourService(ctx, request, app.id), secretsSet: false, createdUnseen: false };
  /** The definition the service ran before this run, whose secrets may now be unused. */
  const before = run.found?.deployment?.definition;
  for (let round = 1; round <= maxRounds; round++) {
    let step: Round;
    if (run.found === undefined) {
      await secretsOnce(ctx, request, run, undefined, definition, log);
      const created = await createService(ctx, request, app, definition, log);
      if (created.kind === 'found') {
        run.found = created.found;
        run.createdUnseen = created.lostOurs;
        continue;
      }
      step = { service: created.service, change: 'created' };
    } else {
      const next = await existingRound(ctx, request, app, definition, run, run.found, log);
      if ('kind' in next) return next;
      step = next;
    }

    const { service, change } = step;
    const deploymentId = latestDeploymentId(service);
    if (deploymentId === undefined) {
      run.found = await ourService(ctx, request, app.id);
      continue;
    }
    const result = await waitForDeployment(ctx, deploymentId, deadline, change !== 'unchanged', request.waitTimeoutMs);
    if (result.kind === 'ready') {
      log.info(`Deployment ${deploymentId} of service ${service.id} is ${result.deployment.status}`);
      // Only now: until the new deployment is ready, the previous one may still run with them.
      await dropUnusedSecrets(ctx, request.appName, before, definition, log);
      return { kind: 'ready', change, ...(await place(ctx, request, app, service)) };
    }
    // A newer deployment replacing ours shows first as ours ending (CANCELED, say): look before reporting.
    const now = await ourService(ctx, request, app.id);
    if (now !== undefined && latestDeploymentId(now.service) !== deploymentId) {
      log.info(`Service ${service.id} was updated by another run (deployment ${latestDeploymentId(now.service) ?? 'pending'}); looking again`);
      run.found = now;
      continue;
    }
    return failed(ctx, request, app, service, result);
  }
  throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing the Koyeb service of app ${request.appName}. Re-run the job.`);
}

/** A round on the service found: left alone (superseded or already ready), waited on, or updated. */
async function existingRound(
  ctx: KoyebContext,
  request: KoyebDeployRequest,
  app: App,
  definition: DeploymentDefinition,
  run: Converging,
  found: FoundService,
  log: ProgressLog,
): Promise<DeployOutcome | Round> {
  const { service, deployment } = found;
  const deployed = deployedRevision(deployment?.definition);
  if (supersedes(deployed, request.revision)) {
    log.info(`Service ${service.id} already runs ${deployed.id.slice(0, 7)}, newer than this run's revision; leaving it`);
    return { kind: 'superseded', ...(await place(ctx, request, app, service)), deployedRevisionId: deployed.id };
  }
  await secretsOnce(ctx, request, run, deployment?.definition, definition, log);
  const same = sameDefinition(deployment?.definition, definition);
  if (same && deployment !== undefined && ready.has(deployment.status)) {
    log.info(`Service ${service.id} already runs this revision; nothing to change`);
    return { kind: 'ready', change: 'unchanged', ...(await place(ctx, request, app, service)) };
  }
  if (same && deployment !== undefined && progressing.has(deployment.status)) {
    // Another run of this revision (or our own lost create) started this deployment: wait for it.
    return { service, change: run.createdUnseen ? 'created' : 'unchanged' };
  }
  // Also when the same definition failed: a new deployment is how a re-run retries.
  const updated = await updateService(ctx, request, service, definition, log);
  return { service: updated, change: 'updated' };
}
