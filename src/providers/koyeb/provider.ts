// The Koyeb implementation of the preview contract: one app and one WEB service per preview. Koyeb
// has no tags, no idempotency keys and no blocking wait, so: the service is marked as ours by env
// vars naming the owner labels; every create looks first and, when the name turns out taken, looks
// again; and a deployment is polled with backoff until it is HEALTHY (or SLEEPING) or fails.
import type {
  DeployOutcome,
  DeployRequest,
  DestroyOutcome,
  PreviewInventory,
  PreviewListing,
  PreviewProvider,
  PreviewScope,
  PreviewTarget,
  ProgressLog,
} from '../../provider.js';
import { pollPause, sleep } from '../../retry.js';
import { ApiAmbiguousError } from '../http.js';
import { supersedes } from '../revision.js';
import { settled } from '../settled.js';
import { KoyebClient, type KoyebClientOptions } from './client.js';
import type {
  App,
  Deployment,
  DeploymentDefinition,
  DeploymentEnv,
  DeploymentStatus,
  InstanceEvent,
  Secret,
  Service,
  ServiceLifeCycle,
} from './types.js';

/** What a Koyeb deploy takes beyond the shared DeployRequest (whose `guest` and `org` are Fly's). */
export interface KoyebDeployExtras {
  /** Koyeb's own safety net: it deletes the service once it has slept this long (life_cycle.delete_after_sleep). */
  ttlSeconds?: number;
  /** Koyeb instance type (nano, micro, small, …). */
  instanceType?: string;
  /** An HTTP health check on the internal port at this path; undefined keeps Koyeb's default TCP check. */
  healthCheckPath?: string;
}

export type KoyebDeployRequest = DeployRequest & KoyebDeployExtras;

/** The extras given at construction apply to every deploy; a request's own extras win. */
export interface KoyebProviderOptions extends KoyebClientOptions, KoyebDeployExtras {
  now?: () => number;
  /** Pauses between deployment polls; the last one repeats. Koyeb deploys take seconds, not milliseconds. */
  pollIntervalsMs?: readonly number[];
  /** Pauses before looking again for something a create said exists but a listing does not show yet. */
  lookAgainDelaysMs?: readonly number[];
}

/** Every preview's service has this name, so racing creates in one app collide on it and converge. */
export const serviceName = 'preview';
/** Env keys for what is deployed; the owner labels become env keys too (see markerKey). */
const revisionKey = 'FLY_PREVIEW_SHA';
const orderKey = 'FLY_PREVIEW_ORDER';
/** Seconds without a request before an idle preview sleeps. */
const idleSeconds = 300;
const maxRounds = 6;
const recentEventCount = 5;
const defaultPollIntervalsMs = [1_000, 2_000, 3_000, 5_000];
const defaultLookAgainDelaysMs = [500, 1_000, 2_000, 4_000];

/** Ready states: a scaled-to-zero service may already be asleep when it is looked at. */
const ready = new Set<DeploymentStatus>(['HEALTHY', 'SLEEPING']);
/** States on the way to ready (koyeb-cli pkg/koyeb/services_update.go waits through the same ones). */
const progressing = new Set<DeploymentStatus>(['PENDING', 'PROVISIONING', 'SCHEDULED', 'ALLOCATING', 'STARTING', 'CANCELING', 'STOPPING']);

/** An owner label as an env key: uppercase letters, digits and underscores. */
export function markerKey(label: string): string {
  return label.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function envValue(definition: DeploymentDefinition | undefined, key: string): string | undefined {
  return definition?.env?.find((e) => e.key === key)?.value;
}

/** A service is ours when its definition carries every owner label as a marker env var. */
function carries(definition: DeploymentDefinition | undefined, labels: Readonly<Record<string, string>>): boolean {
  return definition !== undefined && Object.entries(labels).every(([label, value]) => envValue(definition, markerKey(label)) === value);
}

/**
 * Secret names are per organization: the app name keeps previews apart, the key keeps values apart.
 * App names hold no underscore, so the first one ends the app name and no two previews share a name.
 */
export function secretName(appName: string, key: string): string {
  return `${appName}_${key}`;
}

/**
 * The secrets a definition refers to that this action named for the app: a secret someone else added
 * to the service by hand is theirs, and stays.
 */
function ownSecrets(definition: DeploymentDefinition | undefined, appName: string): string[] {
  return (definition?.env ?? []).flatMap((e) => (e.secret?.startsWith(`${appName}_`) ? [e.secret] : []));
}

function desiredDefinition(request: KoyebDeployRequest): DeploymentDefinition {
  const scopes = [`region:${request.region}`];
  const markers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.ownerLabels).map(([label, value]) => [markerKey(label), value])),
    [revisionKey]: request.revision.id,
    [orderKey]: String(request.revision.order),
  };
  const secrets = request.secrets;
  const env: DeploymentEnv[] = [
    ...Object.entries(request.env)
      .filter(([key]) => !(key in markers) && !(key in secrets))
      .map(([key, value]) => ({ key, value })),
    ...Object.keys(secrets).map((key) => ({ key, secret: secretName(request.appName, key) })),
    ...Object.entries(markers).map(([key, value]) => ({ key, value })),
  ];
  // `stop`: deep sleep when idle; `suspend`: light sleep (faster wake); `off`: always one instance.
  const autostop = request.autostop;
  const sleepDelay = autostop === 'suspend' ? { light_sleep_value: idleSeconds } : { deep_sleep_value: idleSeconds };
  const port = request.internalPort;
  return {
    name: serviceName,
    type: 'WEB',
    docker: { image: request.image },
    env,
    ports: [{ port, protocol: 'http' }],
    routes: [{ port, path: '/' }],
    regions: [request.region],
    instance_types: [{ scopes, type: request.instanceType ?? 'nano' }],
    scalings: [
      autostop === 'off'
        ? { scopes, min: 1, max: 1 }
        : { scopes, min: 0, max: 1, targets: [{ sleep_idle_delay: sleepDelay }] },
    ],
    ...(request.healthCheckPath === undefined ? {} : { health_checks: [{ http: { port, path: request.healthCheckPath } }] }),
  };
}

function lifeCycle(request: KoyebDeployRequest): ServiceLifeCycle | undefined {
  // delete_after_sleep counts from sleep, so it only means something for a service that can sleep.
  if (request.ttlSeconds === undefined || request.autostop === 'off') return undefined;
  return { delete_after_sleep: request.ttlSeconds };
}

/** JSON with sorted keys, so definitions compare by content whatever order Koyeb echoes them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Whether the deployed definition is what we would send. Koyeb echoes definitions with defaults
 * filled in, so only what this action sets is compared; the order marker is left out, since a later
 * event for the same commit needs no new deployment.
 */
function sameDefinition(current: DeploymentDefinition | undefined, desired: DeploymentDefinition): boolean {
  if (current === undefined) return false;
  const fingerprint = (d: DeploymentDefinition) =>
    canonical({
      type: d.type,
      image: d.docker?.image,
      env: (d.env ?? [])
        .filter((e) => e.key !== orderKey)
        .map((e) => ({ key: e.key, value: e.value ?? null, secret: e.secret ?? null }))
        .sort((a, b) => (a.key < b.key ? -1 : 1)),
      ports: (d.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol })),
      routes: (d.routes ?? []).map((r) => ({ port: r.port, path: r.path })),
      regions: [...(d.regions ?? [])].sort(),
      instanceTypes: (d.instance_types ?? []).map((t) => t.type),
      scalings: (d.scalings ?? []).map((s) => ({
        min: s.min,
        max: s.max,
        sleep: s.targets?.find((t) => t.sleep_idle_delay !== undefined)?.sleep_idle_delay ?? null,
      })),
      checks: (d.health_checks ?? []).map((c) => ({ http: c.http === undefined ? null : { port: c.http.port, path: c.http.path } })),
    });
  return fingerprint(current) === fingerprint(desired);
}

function deployedRevision(definition: DeploymentDefinition | undefined): { id: string; order: number } {
  return { id: envValue(definition, revisionKey) ?? '', order: Number(envValue(definition, orderKey) ?? 0) || 0 };
}

function describeEvent(e: InstanceEvent): string {
  return [e.when, e.type, e.message].filter((part) => part !== undefined && part !== '').join(' ');
}

/** The public hostname as the API reports it; never built from the name, since its form has changed over time. */
function reportedHostname(app: App | undefined): string | undefined {
  return app?.domains?.find((d) => d.type === 'AUTOASSIGNED')?.name;
}

/** How many deployments a sweep reads at once: parallel, but not a storm. */
const sweepConcurrency = 8;

type WaitResult =
  | { kind: 'ready'; deployment: Deployment }
  | { kind: 'ended'; deployment: Deployment }
  | { kind: 'timeout'; deployment: Deployment }
  /** The deployment no longer exists: deleted with its service or app while this run waited. */
  | { kind: 'gone'; deployment: undefined; deploymentId: string };

export class KoyebProvider implements PreviewProvider {
  readonly #client: KoyebClient;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #pollIntervalsMs: readonly number[];
  readonly #lookAgainDelaysMs: readonly number[];
  /** Hostnames as the API reported them, by app name, for hostnameFor. */
  readonly #hostnames = new Map<string, string>();
  readonly #extras: KoyebDeployExtras;

  constructor(options: KoyebProviderOptions) {
    this.#extras = { ttlSeconds: options.ttlSeconds, instanceType: options.instanceType, healthCheckPath: options.healthCheckPath };
    this.#client = new KoyebClient(options);
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
    this.#pollIntervalsMs = options.pollIntervalsMs ?? defaultPollIntervalsMs;
    this.#lookAgainDelaysMs = options.lookAgainDelaysMs ?? defaultLookAgainDelaysMs;
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  /**
   * Koyeb assigns the public domain when the app is created and the API is the only source of it,
   * so before this provider has seen the app there is nothing to say: undefined, never a guess.
   */
  hostnameFor(appName: string): string | undefined {
    return this.#hostnames.get(appName);
  }

  async deploy(given: KoyebDeployRequest, log: ProgressLog): Promise<DeployOutcome> {
    const request: KoyebDeployRequest = {
      ...given,
      ttlSeconds: given.ttlSeconds ?? this.#extras.ttlSeconds,
      instanceType: given.instanceType ?? this.#extras.instanceType,
      healthCheckPath: given.healthCheckPath ?? this.#extras.healthCheckPath,
    };
    const deadline = this.#now() + request.waitTimeoutMs;
    // Secrets wait for the app: a run that cannot have the app (its name taken) leaves none behind.
    const { app, fresh } = await this.#ensureApp(request, log);
    return this.#converge(request, app, fresh, desiredDefinition(request), deadline, log);
  }

  async destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    // Secrets are named per organization: a run that failed before any service referred to them
    // (or before the app existed) left them behind, so they are found by name, not through services.
    const [app, named] = await settled<[App | undefined, Secret[]]>([
      this.#client.findApp(target.appName),
      this.#client.listSecretsStartingWith(secretName(target.appName, '')),
    ]);
    if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED') {
      await this.#deleteSecrets(named, log);
      return { kind: 'absent', appName: target.appName };
    }
    const services = (await this.#client.listServices(app.id)).filter((s) => s.status !== 'DELETING' && s.status !== 'DELETED');
    const definitions = await settled<(DeploymentDefinition | undefined)[]>(services.map((s) => this.#definitionOf(s)));
    const ours = services.filter((_, i) => carries(definitions[i], target.ownerLabels));
    const foreign = services.filter((_, i) => !carries(definitions[i], target.ownerLabels));
    // A service someone else runs in the app keeps the secrets it refers to.
    const kept = new Set(definitions.filter((d) => !carries(d, target.ownerLabels)).flatMap((d) => ownSecrets(d, target.appName)));
    const secrets = named.filter((s) => !kept.has(s.name));

    let outcome: DestroyOutcome;
    if (foreign.length === 0) {
      if ((await this.#client.deleteApp(app.id)) === 'absent') {
        await this.#deleteSecrets(secrets, log);
        return { kind: 'absent', appName: target.appName };
      }
      log.info(`Deleted Koyeb app ${target.appName} with its services`);
      outcome = { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((s) => s.id) };
    } else {
      await settled(ours.map((s) => this.#client.deleteService(s.id)));
      const named = foreign.map((s) => `${s.id} (${s.name})`).join(', ');
      log.warning(
        `Koyeb app ${target.appName} also holds services fly-preview did not create: ${named}. ` +
          `Deleted only this preview's service${ours.length === 0 ? ' (there was none)' : ''} and kept the app.`,
      );
      outcome = {
        kind: 'machines-destroyed',
        appName: target.appName,
        machineIds: ours.map((s) => s.id),
        foreignMachines: foreign.map((s) => ({ id: s.id, name: s.name })),
      };
    }
    await this.#deleteSecrets(secrets, log);
    return outcome;
  }

  /**
   * This organization's previews whose markers carry every scope label, with the values of the
   * scope's keys. Apps without such a service are not ours and are not listed, whatever their names
   * look like. Requests: the app and service listings, then one deployment read per service named
   * like ours. Koyeb has no organisation parameter: the token decides (`scope.org` is Fly's).
   */
  async listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    const [apps, services] = await settled<[App[], Service[]]>([this.#client.listApps(), this.#client.listServices()]);
    const live = apps.filter((a) => a.status !== 'DELETING' && a.status !== 'DELETED');
    const appNames = new Map(live.map((a) => [a.id, a.name]));
    const candidates = services.filter((s) => s.name === serviceName && appNames.has(s.app_id) && s.status !== 'DELETING' && s.status !== 'DELETED');
    const byApp = new Map<string, PreviewListing>();
    for (let i = 0; i < candidates.length; i += sweepConcurrency) {
      const batch = candidates.slice(i, i + sweepConcurrency);
      const deployments = await settled<(Deployment | undefined)[]>(
        batch.map((s) => (s.latest_deployment_id === undefined ? Promise.resolve(undefined) : this.#client.getDeployment(s.latest_deployment_id))),
      );
      batch.forEach((service, j) => {
        const definition = deployments[j]?.definition;
        if (!carries(definition, scope.labels)) return;
        const appName = appNames.get(service.app_id) ?? '';
        const listing = byApp.get(appName) ?? { appName, machines: [] };
        listing.machines.push({
          id: service.id,
          labels: Object.fromEntries(
            [...new Set([...Object.keys(scope.labels), ...scope.keys])].flatMap((k) => {
              const value = envValue(definition, markerKey(k));
              return value === undefined ? [] : [[k, value]];
            }),
          ),
          createdAt: service.created_at ?? '',
          // The latest deployment is the last deploy: what a ttl counts idleness from.
          updatedAt: deployments[j]?.created_at,
        });
        byApp.set(appName, listing);
      });
    }
    log.debug(`Looked at ${live.length} Koyeb apps; ${byApp.size} hold previews in scope`);
    return { previews: [...byApp.values()], appsExamined: live.length, appsLeftAlone: live.length - byApp.size };
  }

  /**
   * Koyeb has no leases: a service whose latest deployment is still rolling out is the nearest thing
   * to one, since a run is waiting on it.
   */
  async busy(_appName: string, machineIds: readonly string[]): Promise<boolean> {
    const statuses = await settled<(DeploymentStatus | undefined)[]>(
      machineIds.map(async (id) => {
        const service = await this.#client.getService(id);
        const deploymentId = service?.latest_deployment_id;
        if (deploymentId === undefined || deploymentId === '') return undefined;
        return (await this.#client.getDeployment(deploymentId))?.status;
      }),
    );
    return statuses.some((status) => status !== undefined && progressing.has(status));
  }

  /** The definition a service runs (or is rolling out): its latest deployment's. */
  async #definitionOf(service: Service): Promise<DeploymentDefinition | undefined> {
    if (service.latest_deployment_id === undefined || service.latest_deployment_id === '') return undefined;
    return (await this.#client.getDeployment(service.latest_deployment_id))?.definition;
  }

  async #deleteSecrets(secrets: readonly Secret[], log: ProgressLog): Promise<void> {
    await settled(
      secrets.map(async (secret) => {
        if ((await this.#client.deleteSecret(secret.id)) === 'deleted') log.info(`Deleted Koyeb secret ${secret.name}`);
      }),
    );
  }

  async #deleteSecretsNamed(names: readonly string[], log: ProgressLog): Promise<void> {
    const found = await settled<(Secret | undefined)[]>(names.map((name) => this.#client.findSecret(name)));
    await this.#deleteSecrets(found.filter((s): s is Secret => s !== undefined), log);
  }

  /** Looks for something a create said exists: Koyeb's listings may not show a new item at once. */
  async #lookAgain<T>(look: () => Promise<T | undefined>): Promise<T | undefined> {
    for (const delayMs of [0, ...this.#lookAgainDelaysMs]) {
      if (delayMs > 0) await this.#sleep(delayMs);
      const found = await look();
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The app, created when missing; `fresh` when this run created it (so it holds no service yet). */
  async #ensureApp(request: KoyebDeployRequest, log: ProgressLog): Promise<{ app: App; fresh: boolean }> {
    const name = request.appName;
    const existing = await this.#client.findApp(name);
    if (existing !== undefined) return { app: existing, fresh: false };
    log.changing();
    const lifecycle = request.ttlSeconds === undefined ? {} : { life_cycle: { delete_when_empty: true } };
    let created: App | 'exists';
    try {
      created = await this.#client.createApp({ name, ...lifecycle });
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      log.info(`The answer to creating Koyeb app ${name} was lost (${error.detail}); looking before creating again`);
      const made = await this.#lookAgain(() => this.#client.findApp(name));
      if (made !== undefined) return { app: made, fresh: false };
      created = await this.#client.createApp({ name, ...lifecycle });
    }
    if (created !== 'exists') {
      log.info(`Created Koyeb app ${name}`);
      return { app: created, fresh: true };
    }
    const again = await this.#lookAgain(() => this.#client.findApp(name));
    if (again === undefined) {
      throw new Error(`The Koyeb app name "${name}" is taken, but the app is not in this token's organization. Choose another name with the app-name input.`);
    }
    log.info(`Koyeb app ${name} was just created by another run; using it`);
    return { app: again, fresh: false };
  }

  /**
   * Every secret exists with the input's value; a lost or racing create is looked up, not repeated.
   * True when an existing secret got a new value: the running deployment still has the old one.
   */
  async #ensureSecrets(request: KoyebDeployRequest, log: ProgressLog): Promise<boolean> {
    const changed = await settled<boolean[]>(
      Object.entries(request.secrets).map(async ([key, value]) => {
        const name = secretName(request.appName, key);
        let secret = await this.#client.findSecret(name);
        if (secret === undefined) {
          log.changing();
          let created: Awaited<ReturnType<KoyebClient['createSecret']>>;
          try {
            created = await this.#client.createSecret(name, value);
          } catch (error) {
            if (!(error instanceof ApiAmbiguousError)) throw error;
            created = 'exists' as const;
          }
          if (created !== 'exists') {
            log.info(`Created Koyeb secret ${name} for ${key}`);
            return false;
          }
          secret = await this.#lookAgain(() => this.#client.findSecret(name));
          if (secret === undefined) created = await this.#client.createSecret(name, value);
          if (secret === undefined && created === 'exists') throw new Error(`The Koyeb secret ${name} exists but cannot be read with this token.`);
          if (secret === undefined) return false;
        }
        // Compared in memory only; the value is never logged.
        if ((await this.#client.revealSecret(secret.id)) === value) return false;
        log.changing();
        await this.#client.updateSecret(secret.id, value);
        log.info(`Updated the value of Koyeb secret ${name} for ${key}`);
        return true;
      }),
    );
    return changed.includes(true);
  }

  /** Secrets the previous definition referred to and the new one does not: keys removed from the input. */
  async #dropUnusedSecrets(appName: string, previous: DeploymentDefinition | undefined, current: DeploymentDefinition, log: ProgressLog): Promise<void> {
    const used = new Set(ownSecrets(current, appName));
    await this.#deleteSecretsNamed([...new Set(ownSecrets(previous, appName).filter((name) => !used.has(name)))], log);
  }

  async #ourService(request: KoyebDeployRequest, appId: string): Promise<{ service: Service; deployment: Deployment | undefined } | undefined> {
    const service = (await this.#client.listServices(appId)).find((s) => s.name === serviceName && s.status !== 'DELETING' && s.status !== 'DELETED');
    if (service === undefined) return undefined;
    const deployment = service.latest_deployment_id === undefined ? undefined : await this.#client.getDeployment(service.latest_deployment_id);
    if (deployment?.definition !== undefined && !carries(deployment.definition, request.ownerLabels)) {
      throw new Error(
        `Koyeb app ${request.appName} already holds a service "${serviceName}" that fly-preview did not create for this pull request ` +
          `(${service.id}). Choose another name with the app-name input.`,
      );
    }
    return { service, deployment };
  }

  /** Look, act, wait; again when a racing run changed the service under us. */
  async #converge(
    request: KoyebDeployRequest,
    app: App,
    fresh: boolean,
    definition: DeploymentDefinition,
    deadline: number,
    log: ProgressLog,
  ): Promise<DeployOutcome> {
    let found = fresh ? undefined : await this.#ourService(request, app.id);
    /** The definition the service ran before this run, whose secrets may now be unused. */
    const before = found?.deployment?.definition;
    /**
     * Written once this run knows it is not superseded, so an older run never overwrites the values a
     * newer one deployed; undefined until then. A new secret value reaches the service only through a
     * new deployment, which no other run starts for us.
     */
    let redeploy: boolean | undefined;
    const ensureSecrets = async (): Promise<void> => {
      redeploy ??= await this.#ensureSecrets(request, log);
    };
    /** Set when our own create went through though its answer was lost: what we wait on, we created. */
    let createdUnseen = false;
    for (let round = 1; round <= maxRounds; round++) {
      let service: Service;
      let change: 'created' | 'updated' | 'unchanged';
      if (found === undefined) {
        await ensureSecrets();
        const created = await this.#createService(request, app, definition, log);
        if (created.kind === 'found') {
          found = created.found;
          createdUnseen = created.lostOurs;
          continue;
        }
        service = created.service;
        change = 'created';
      } else {
        const { deployment } = found;
        service = found.service;
        const deployed = deployedRevision(deployment?.definition);
        if (supersedes(deployed, request.revision)) {
          log.info(`Service ${service.id} already runs ${deployed.id.slice(0, 7)}, newer than this run's revision; leaving it`);
          return { kind: 'superseded', ...(await this.#place(request, app, service)), deployedRevisionId: deployed.id };
        }
        await ensureSecrets();
        const same = sameDefinition(deployment?.definition, definition) && redeploy !== true;
        if (same && deployment !== undefined && ready.has(deployment.status)) {
          log.info(`Service ${service.id} already runs this revision; nothing to change`);
          return { kind: 'ready', change: 'unchanged', ...(await this.#place(request, app, service)) };
        }
        if (same && deployment !== undefined && progressing.has(deployment.status)) {
          // Another run of this revision (or our own lost create) started this deployment: wait for it.
          change = createdUnseen ? 'created' : 'unchanged';
        } else {
          // Also when the same definition failed: a new deployment is how a re-run retries.
          service = await this.#updateService(request, service, definition, log);
          change = 'updated';
          redeploy = false;
        }
      }

      const deploymentId = service.latest_deployment_id;
      if (deploymentId === undefined || deploymentId === '') {
        found = await this.#ourService(request, app.id);
        continue;
      }
      const result = await this.#wait(deploymentId, deadline, change !== 'unchanged', request.waitTimeoutMs);
      if (result.kind === 'ready') {
        log.info(`Deployment ${deploymentId} of service ${service.id} is ${result.deployment.status}`);
        // Only now: until the new deployment is ready, the previous one may still run with them.
        await this.#dropUnusedSecrets(request.appName, before, definition, log);
        return { kind: 'ready', change, ...(await this.#place(request, app, service)) };
      }
      // A newer deployment replacing ours shows first as ours ending (CANCELED, say): look before reporting.
      const now = await this.#ourService(request, app.id);
      if (now !== undefined && now.service.latest_deployment_id !== deploymentId) {
        log.info(`Service ${service.id} was updated by another run (deployment ${now.service.latest_deployment_id}); looking again`);
        found = now;
        continue;
      }
      return this.#failed(request, app, service, result);
    }
    throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing the Koyeb service of app ${request.appName}. Re-run the job.`);
  }

  async #createService(
    request: KoyebDeployRequest,
    app: App,
    definition: DeploymentDefinition,
    log: ProgressLog,
  ): Promise<
    | { kind: 'created'; service: Service }
    | { kind: 'found'; found: { service: Service; deployment: Deployment | undefined }; lostOurs: boolean }
  > {
    const life = lifeCycle(request);
    const body = { app_id: app.id, name: serviceName, definition, ...(life === undefined ? {} : { life_cycle: life }) };
    log.changing();
    let created: Service | 'exists';
    let lost = false;
    try {
      created = await this.#client.createService(body);
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      log.info(`The answer to creating the service was lost (${error.detail}); looking before creating again`);
      created = 'exists';
      lost = true;
    }
    if (created !== 'exists') {
      log.info(`Created Koyeb service ${created.id} (deployment ${created.latest_deployment_id ?? 'pending'})`);
      return { kind: 'created', service: created };
    }
    const found = await this.#lookAgain(() => this.#ourService(request, app.id));
    if (found !== undefined) {
      log.info(`Service ${found.service.id} was already created (by a racing run or the lost request); using it`);
      return { kind: 'found', found, lostOurs: lost };
    }
    const retried = await this.#client.createService(body);
    if (retried === 'exists') throw new Error(`Koyeb says service "${serviceName}" exists in app ${request.appName}, but it cannot be listed.`);
    log.info(`Created Koyeb service ${retried.id}`);
    return { kind: 'created', service: retried };
  }

  async #updateService(request: KoyebDeployRequest, service: Service, definition: DeploymentDefinition, log: ProgressLog): Promise<Service> {
    const life = lifeCycle(request);
    const body = { definition, ...(life === undefined ? {} : { life_cycle: life }) };
    log.changing();
    try {
      const updated = await this.#client.updateService(service.id, body);
      log.info(`Updated Koyeb service ${updated.id}: new deployment ${updated.latest_deployment_id ?? ''}`);
      return updated;
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      const after = await this.#client.getService(service.id);
      if (after !== undefined && after.latest_deployment_id !== service.latest_deployment_id && sameDefinition(await this.#definitionOf(after), definition)) {
        log.info(`The answer to updating service ${service.id} was lost, but the update went through`);
        return after;
      }
      const updated = await this.#client.updateService(service.id, body);
      log.info(`Updated Koyeb service ${updated.id}: new deployment ${updated.latest_deployment_id ?? ''}`);
      return updated;
    }
  }

  /**
   * Polls the deployment with growing pauses until it is ready, has ended, or the deadline passes.
   * A deployment this run just started is known to be PENDING, so the first look waits a pause.
   */
  async #wait(deploymentId: string, deadline: number, justStarted: boolean, budgetMs: number): Promise<WaitResult> {
    const pauseFor = (poll: number): number => pollPause(this.#pollIntervalsMs, poll, budgetMs);
    let last: Deployment | undefined;
    if (justStarted) await this.#sleep(Math.min(pauseFor(0), Math.max(0, deadline - this.#now())));
    for (let poll = justStarted ? 1 : 0; ; poll++) {
      last = await this.#client.getDeployment(deploymentId);
      if (last !== undefined && ready.has(last.status)) return { kind: 'ready', deployment: last };
      if (last === undefined) return { kind: 'gone', deployment: undefined, deploymentId };
      if (!progressing.has(last.status)) return { kind: 'ended', deployment: last };
      const remaining = deadline - this.#now();
      if (remaining <= 0) return { kind: 'timeout', deployment: last };
      await this.#sleep(Math.min(pauseFor(poll), remaining));
    }
  }

  async #place(request: KoyebDeployRequest, app: App, service: Service) {
    let hostname = reportedHostname(app);
    // The create answer may predate the domain's assignment; the app read again carries it.
    if (hostname === undefined) hostname = reportedHostname(await this.#client.getApp(app.id));
    if (hostname !== undefined) this.#hostnames.set(request.appName, hostname);
    return { appName: request.appName, hostname: hostname ?? '', machineId: service.id, region: request.region };
  }

  async #failed(request: KoyebDeployRequest, app: App, service: Service, result: WaitResult): Promise<DeployOutcome> {
    const deployment = result.deployment;
    const instances = deployment === undefined ? [] : await this.#client.listInstances(deployment.id);
    const failing =
      instances.find((i) => i.status === 'ERROR' || i.status === 'UNHEALTHY' || i.status === 'STOPPED') ?? instances[instances.length - 1];
    const events = failing === undefined ? [] : await this.#client.listInstanceEvents([failing.id], recentEventCount);
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
    return { kind: 'failed', ...(await this.#place(request, app, service)), reason, state, exitCode: undefined, recentEvents };
  }
}
