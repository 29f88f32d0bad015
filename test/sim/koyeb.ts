// A local double of the Koyeb API (test/sim/KOYEB_API.md): apps with an assigned domain, WEB
// services whose deployments progress on timers (PENDING → PROVISIONING → STARTING → HEALTHY, or a
// failure with instance messages and events), secrets, listings that lag behind creates, bearer
// auth, and the fault injection and request log of http-double.ts.
import { randomUUID } from 'node:crypto';
import { BadRequest, HttpDouble, withRequestIds, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';
import { specCheck } from './spec-check.ts';

export interface KoyebSimOptions {
  tokens?: string[];
  /** The organization's name, part of every assigned domain. */
  org?: string;
  /** How long a deployment takes from creation to HEALTHY. */
  deployMs?: number;
  /** How long a new app, service or secret stays out of listings (the API is eventually consistent). */
  listLagMs?: number;
  /** When set, a scaled-to-zero service goes from HEALTHY to SLEEPING after this long without traffic. */
  idleSleepMs?: number;
}

export interface SimDefinition {
  name?: string;
  type?: string;
  docker?: { image?: string };
  env?: { key?: string; value?: string; secret?: string; scopes?: string[] }[];
  ports?: { port?: number; protocol?: string }[];
  routes?: { port?: number; path?: string }[];
  regions?: string[];
  instance_types?: { type?: string; scopes?: string[] }[];
  scalings?: { min?: number; max?: number; scopes?: string[]; targets?: unknown[] }[];
  health_checks?: unknown[];
  [key: string]: unknown;
}

interface SimDeployment {
  id: string;
  app_id: string;
  service_id: string;
  status: string;
  messages: string[];
  definition: SimDefinition;
  created_at: string;
  timers: NodeJS.Timeout[];
}

interface SimInstance {
  id: string;
  app_id: string;
  service_id: string;
  deployment_id: string;
  region: string;
  status: string;
  messages: string[];
  created_at: string;
}

interface SimEvent {
  id: string;
  when: string;
  instance_id: string;
  type: string;
  message: string;
}

interface SimService {
  id: string;
  name: string;
  app_id: string;
  created_at: string;
  visibleAt: number;
  latest_deployment_id: string;
  active_deployment_id: string;
  life_cycle?: unknown;
  /** Paused by its owner (`pauseService`), or on its way back from a resume until its deployment is healthy. */
  rest?: 'PAUSED' | 'RESUMING';
}

interface SimApp {
  id: string;
  name: string;
  created_at: string;
  visibleAt: number;
  life_cycle?: unknown;
}

interface SimSecret {
  id: string;
  name: string;
  value: string;
  created_at: string;
  visibleAt: number;
}

export interface Failure {
  status: 'ERROR' | 'UNHEALTHY' | 'DEGRADED' | 'STOPPED';
  message: string;
}

export interface KoyebSim extends DoubleControls {
  /** Deployments of this image end in `failure.status`, their instance carrying `failure.message`. */
  imageFails(image: string, failure: Failure): void;
  /** Deployments of this image start but fail their health checks: UNHEALTHY. */
  imageUnhealthy(image: string): void;
  /** Deployments of this image stay in STARTING. */
  imageNeverReady(image: string): void;
  /** Undoes the image controls above. */
  imageDeploysNormally(image: string): void;
  apps(): { id: string; name: string; domain: string; serviceCount: number }[];
  services(appName: string): { id: string; name: string; status: string; definition: SimDefinition; deployments: number; life_cycle?: unknown }[];
  /** Secret names with their values, for asserting what the API holds (the API never returns values). */
  secrets(): Record<string, string>;
  /** Seeds an app directly (no request logged, visible at once). */
  addApp(name: string): { id: string };
  /** Seeds a HEALTHY service directly, e.g. one this action did not create. */
  addService(appName: string, options: { name: string; image: string; env?: Record<string, string> }): { id: string };
  /** The app's service is paused, as by its owner in the console: status PAUSED, its deployment STOPPED. */
  pauseService(appName: string): void;
  /**
   * The app's scaled-to-zero service goes to sleep now: the deployment serving it (the active one,
   * which a failed push leaves in place) and its instance SLEEPING.
   */
  sleepService(appName: string): void;
  /**
   * A request reached the app's public domain: the SLEEPING deployment serving it wakes (STARTING,
   * then HEALTHY after half a rollout). Resolves once it serves, as Koyeb's edge holds the request until then.
   */
  receiveRequest(appName: string): Promise<void>;
  close(): Promise<void>;
}

const appNamePattern = /^[a-z0-9][a-z0-9-]{1,21}[a-z0-9]$/;
const secretNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const regions = new Set(['was', 'fra', 'sin', 'par', 'sfo', 'tyo']);
const instanceTypes = new Set(['free', 'nano', 'micro', 'small', 'medium', 'large', 'xlarge']);
const progressing = new Set(['PENDING', 'PROVISIONING', 'SCHEDULED', 'ALLOCATING', 'STARTING']);

const fail = (status: number, code: string, message: string, fields?: { field: string; description: string }[]): BadRequest =>
  new BadRequest({ status, body: { status, code, message, ...(fields === undefined ? {} : { fields }) } });
const invalid = (field: string, description: string): BadRequest =>
  fail(400, 'invalid_argument', 'validation error', [{ field, description }]);
const notFound = (what: string): BadRequest => fail(404, 'not_found', `${what} not found`);

export async function startKoyebSim(options: KoyebSimOptions = {}): Promise<KoyebSim> {
  const tokens = new Set(options.tokens ?? ['koyeb-test-token']);
  const org = options.org ?? 'acme';
  const organizationId = randomUUID();
  const deployMs = options.deployMs ?? 150;
  const listLagMs = options.listLagMs ?? 0;
  const apps = new Map<string, SimApp>();
  const services = new Map<string, SimService>();
  const deployments = new Map<string, SimDeployment>();
  const instances = new Map<string, SimInstance>();
  const events: SimEvent[] = [];
  const secrets = new Map<string, SimSecret>();
  const failures = new Map<string, Failure>();
  const neverReady = new Set<string>();

  const now = (): string => new Date().toISOString();
  const domainOf = (a: SimApp): string => `${a.name}-${org}.koyeb.app`;
  const visible = (item: { visibleAt: number }): boolean => item.visibleAt <= Date.now();

  function appJson(a: SimApp) {
    return {
      id: a.id,
      name: a.name,
      organization_id: organizationId,
      created_at: a.created_at,
      updated_at: a.created_at,
      status: 'HEALTHY',
      messages: [],
      domains: [{ id: `${a.id}-d`, organization_id: organizationId, name: domainOf(a), type: 'AUTOASSIGNED', status: 'ACTIVE', app_id: a.id }],
      ...(a.life_cycle === undefined ? {} : { life_cycle: a.life_cycle }),
    };
  }

  function serviceStatus(s: SimService): string {
    if (s.rest === 'PAUSED') return 'PAUSED';
    const d = deployments.get(s.latest_deployment_id);
    if (s.rest === 'RESUMING' && d !== undefined && progressing.has(d.status)) return 'RESUMING';
    if (d === undefined) return 'STARTING';
    if (d.status === 'HEALTHY' || d.status === 'SLEEPING') return 'HEALTHY';
    if (progressing.has(d.status)) return 'STARTING';
    return d.status === 'DEGRADED' ? 'DEGRADED' : 'UNHEALTHY';
  }

  function serviceJson(s: SimService) {
    return {
      id: s.id,
      name: s.name,
      type: 'WEB',
      organization_id: organizationId,
      app_id: s.app_id,
      created_at: s.created_at,
      updated_at: s.created_at,
      status: serviceStatus(s),
      messages: [],
      latest_deployment_id: s.latest_deployment_id,
      active_deployment_id: s.active_deployment_id,
      ...(s.life_cycle === undefined ? {} : { life_cycle: s.life_cycle }),
    };
  }

  function deploymentJson(d: SimDeployment) {
    const { timers: _timers, ...rest } = d;
    return { ...structuredClone(rest), organization_id: organizationId };
  }

  function page<T>(items: T[], query: URLSearchParams, key: string, extra: Record<string, unknown> = {}) {
    const limit = Number(query.get('limit') ?? '20') || 20;
    const offset = Number(query.get('offset') ?? '0') || 0;
    const slice = items.slice(offset, offset + limit);
    return { status: 200, body: { [key]: slice, limit, offset, count: items.length, has_next: offset + slice.length < items.length, ...extra } };
  }

  function event(instance: SimInstance, type: string, message: string): void {
    events.push({ id: randomUUID(), when: now(), instance_id: instance.id, type, message });
  }

  function later(d: SimDeployment, ms: number, step: () => void): void {
    d.timers.push(setTimeout(step, ms));
  }

  function stop(d: SimDeployment, status: string): void {
    for (const timer of d.timers) clearTimeout(timer);
    d.timers = [];
    if (progressing.has(d.status) || d.status === 'HEALTHY' || d.status === 'SLEEPING') d.status = status;
  }

  /** PENDING → PROVISIONING → STARTING (an instance) → HEALTHY, or the failure the image is set up for. */
  function rollOut(d: SimDeployment): void {
    const image = d.definition.docker?.image ?? '';
    const region = d.definition.regions?.[0] ?? 'was';
    later(d, Math.round(deployMs / 4), () => {
      d.status = 'PROVISIONING';
      later(d, Math.round(deployMs / 4), () => {
        d.status = 'STARTING';
        const instance: SimInstance = {
          id: randomUUID(),
          app_id: d.app_id,
          service_id: d.service_id,
          deployment_id: d.id,
          region,
          status: 'STARTING',
          messages: [],
          created_at: now(),
        };
        instances.set(instance.id, instance);
        event(instance, 'instance.allocated', `Instance allocated in ${region}`);
        event(instance, 'instance.starting', `Pulling image ${image}`);
        if (neverReady.has(image)) return;
        later(d, deployMs - 2 * Math.round(deployMs / 4), () => {
          const failure = failures.get(image);
          if (failure === undefined) {
            instance.status = 'HEALTHY';
            event(instance, 'instance.healthy', 'Instance is healthy. All health checks are passing.');
            d.status = 'HEALTHY';
            d.messages = ['Deployment is healthy'];
            const service = services.get(d.service_id);
            if (service !== undefined) {
              const previous = deployments.get(service.active_deployment_id);
              if (previous !== undefined && previous.id !== d.id) stop(previous, 'STOPPED');
              service.active_deployment_id = d.id;
            }
            const scaling = d.definition.scalings?.[0];
            if (options.idleSleepMs !== undefined && scaling?.min === 0) {
              later(d, options.idleSleepMs, () => {
                d.status = 'SLEEPING';
                instance.status = 'SLEEPING';
                event(instance, 'instance.sleeping', 'Instance went to sleep after being idle');
              });
            }
            return;
          }
          instance.status = failure.status === 'UNHEALTHY' ? 'UNHEALTHY' : failure.status === 'STOPPED' ? 'STOPPED' : 'ERROR';
          instance.messages = [failure.message];
          event(instance, failure.status === 'UNHEALTHY' ? 'instance.unhealthy' : 'instance.error', failure.message);
          d.status = failure.status;
          d.messages = [`Deployment failed: ${failure.message}`];
        });
      });
    });
  }

  function validateDefinition(raw: unknown): SimDefinition {
    if (typeof raw !== 'object' || raw === null) throw invalid('definition', 'is required');
    const d = structuredClone(raw) as SimDefinition;
    if (d.type !== 'WEB' && d.type !== 'WORKER') throw invalid('definition.type', 'must be WEB or WORKER');
    if (typeof d.docker?.image !== 'string' || d.docker.image === '') throw invalid('definition.docker.image', 'is required');
    for (const [i, e] of (d.env ?? []).entries()) {
      if (typeof e.key !== 'string' || e.key === '') throw invalid(`definition.env[${i}].key`, 'is required');
      if ((e.value === undefined) === (e.secret === undefined)) throw invalid(`definition.env[${i}]`, 'exactly one of value and secret');
      if (e.secret !== undefined && ![...secrets.values()].some((s) => s.name === e.secret)) {
        throw invalid(`definition.env[${i}].secret`, `secret ${e.secret} not found`);
      }
    }
    for (const region of d.regions ?? []) if (!regions.has(region)) throw invalid('definition.regions', `unknown region ${region}`);
    for (const t of d.instance_types ?? []) if (!instanceTypes.has(t.type ?? '')) throw invalid('definition.instance_types', `unknown instance type ${String(t.type)}`);
    const ports = new Set((d.ports ?? []).map((p) => p.port));
    for (const r of d.routes ?? []) if (!ports.has(r.port)) throw invalid('definition.routes', `port ${String(r.port)} is not declared in ports`);
    for (const s of d.scalings ?? []) {
      if ((s.min ?? 0) > (s.max ?? 0)) throw invalid('definition.scalings', 'min must not exceed max');
      if ((s.min ?? 0) > 0 && (s.targets ?? []).some((t) => typeof t === 'object' && t !== null && 'sleep_idle_delay' in t)) {
        throw invalid('definition.scalings', 'sleep_idle_delay needs min 0');
      }
    }
    // Koyeb echoes a definition with its defaults filled in.
    const scopes = (d.regions ?? ['was']).map((r) => `region:${r}`);
    return {
      strategy: { type: 'DEPLOYMENT_STRATEGY_TYPE_ROLLING' },
      skip_cache: false,
      ...d,
      env: (d.env ?? []).map((e) => ({ scopes, ...e })),
    };
  }

  function deploy(s: SimService, definition: SimDefinition): SimDeployment {
    const current = deployments.get(s.latest_deployment_id);
    // A new deployment cancels the one still rolling out (koyeb-cli services_update.go sees CANCELED).
    if (current !== undefined && progressing.has(current.status)) stop(current, 'CANCELED');
    const d: SimDeployment = {
      id: randomUUID(),
      app_id: s.app_id,
      service_id: s.id,
      status: 'PENDING',
      messages: [],
      definition,
      created_at: now(),
      timers: [],
    };
    deployments.set(d.id, d);
    s.latest_deployment_id = d.id;
    rollOut(d);
    return d;
  }

  /** The deployment serving a service's traffic: the active one, or the latest while none is. */
  function serving(s: SimService): string {
    return s.active_deployment_id === '' ? s.latest_deployment_id : s.active_deployment_id;
  }

  function removeService(s: SimService): void {
    for (const d of deployments.values()) if (d.service_id === s.id) stop(d, 'STOPPED');
    services.delete(s.id);
  }

  function findApp(id: string): SimApp {
    const a = apps.get(id);
    if (a === undefined) throw notFound('app');
    return a;
  }

  function findService(id: string): SimService {
    const s = services.get(id);
    if (s === undefined) throw notFound('service');
    return s;
  }

  function route(req: ParsedRequest): Reply {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (token === undefined || !tokens.has(token)) {
      return { status: 401, body: { status: 401, code: 'unauthenticated', message: 'Unauthorized' } };
    }
    const [v1, collection, id, action, ...rest] = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (v1 !== 'v1' || rest.length > 0) throw notFound('route');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const q = req.query;
    const key = `${req.method} ${collection ?? ''}${id === undefined ? '' : '/:id'}${action === undefined ? '' : `/${action}`}`;

    switch (key) {
      case 'GET apps': {
        const name = q.get('name') ?? '';
        // The name filter is not an exact match (koyeb-cli deploy.go compares names itself).
        // Listed as AppListItem: the app without its life cycle or version (openapi.json ListAppsReply).
        const list = [...apps.values()]
          .filter((a) => visible(a) && a.name.includes(name))
          .map((a) => {
            const { life_cycle: _lifeCycle, ...item } = appJson(a);
            return item;
          });
        return page(list, q, 'apps');
      }
      case 'POST apps': {
        const name = body['name'];
        if (typeof name !== 'string' || !appNamePattern.test(name)) {
          throw invalid('name', 'must be 3 to 23 characters of lowercase letters, digits and dashes');
        }
        if ([...apps.values()].some((a) => a.name === name)) throw invalid('name', 'already exists');
        const a: SimApp = { id: randomUUID(), name, created_at: now(), visibleAt: Date.now() + listLagMs, life_cycle: body['life_cycle'] };
        apps.set(a.id, a);
        return { status: 200, body: { app: appJson(a) } };
      }
      case 'GET apps/:id':
        return { status: 200, body: { app: appJson(findApp(id ?? '')) } };
      case 'DELETE apps/:id': {
        const a = findApp(id ?? '');
        for (const s of [...services.values()]) if (s.app_id === a.id) removeService(s);
        apps.delete(a.id);
        return { status: 200, body: {} };
      }
      case 'GET services': {
        const appId = q.get('app_id');
        const name = q.get('name');
        const list = [...services.values()]
          .filter((s) => visible(s) && (appId === null || s.app_id === appId) && (name === null || s.name.includes(name)))
          .map(serviceJson);
        return page(list, q, 'services');
      }
      case 'POST services': {
        const appId = body['app_id'];
        if (typeof appId !== 'string' || !apps.has(appId)) throw invalid('app_id', 'app not found');
        const definition = validateDefinition(body['definition']);
        const name = typeof body['name'] === 'string' && body['name'] !== '' ? body['name'] : definition.name;
        if (typeof name !== 'string' || !appNamePattern.test(name)) throw invalid('name', 'must be 3 to 23 characters of lowercase letters, digits and dashes');
        if ([...services.values()].some((s) => s.app_id === appId && s.name === name)) throw invalid('name', 'already exists');
        const s: SimService = {
          id: randomUUID(),
          name,
          app_id: appId,
          created_at: now(),
          visibleAt: Date.now() + listLagMs,
          latest_deployment_id: '',
          active_deployment_id: '',
          life_cycle: body['life_cycle'],
        };
        services.set(s.id, s);
        deploy(s, definition);
        return { status: 200, body: { service: serviceJson(s) } };
      }
      case 'GET services/:id':
        return { status: 200, body: { service: serviceJson(findService(id ?? '')) } };
      case 'PUT services/:id':
      case 'PATCH services/:id': {
        const s = findService(id ?? '');
        const definition = validateDefinition(body['definition']);
        if (body['life_cycle'] !== undefined) s.life_cycle = body['life_cycle'];
        // Assumption: a new deployment of a paused service runs it again.
        s.rest = undefined;
        deploy(s, definition);
        return { status: 200, body: { service: serviceJson(s) } };
      }
      case 'DELETE services/:id':
        removeService(findService(id ?? ''));
        return { status: 200, body: {} };
      case 'POST services/:id/resume': {
        const s = findService(id ?? '');
        // "Service resume action is allowed for the following status: paused" (openapi.json).
        if (s.rest !== 'PAUSED') throw invalid('status', `service is ${serviceStatus(s)}; resume is allowed for paused services only`);
        const previous = deployments.get(s.latest_deployment_id);
        // Assumption: a resume deploys the last definition again (its skip_build parameter reuses the last build).
        s.rest = 'RESUMING';
        deploy(s, structuredClone(previous?.definition ?? {}));
        return { status: 200, body: {} };
      }
      case 'GET deployments/:id': {
        const d = deployments.get(id ?? '');
        if (d === undefined) throw notFound('deployment');
        return { status: 200, body: { deployment: deploymentJson(d) } };
      }
      case 'GET instances': {
        const deploymentId = q.get('deployment_id');
        const list = [...instances.values()]
          .filter((i) => deploymentId === null || i.deployment_id === deploymentId)
          .map(({ deployment_id: _d, ...i }) => ({ ...i, organization_id: organizationId }));
        const { body: listed } = page(list, q, 'instances');
        const { has_next: _hasNext, ...reply } = listed as Record<string, unknown>;
        // ListInstancesReply has count but no has_next (openapi.json).
        return { status: 200, body: reply };
      }
      case 'GET instance_events': {
        const ids = new Set(q.getAll('instance_ids'));
        const list = events.filter((e) => ids.size === 0 || ids.has(e.instance_id)).map((e) => ({ ...e, organization_id: organizationId }));
        // Newest first; ListInstanceEventsReply has has_next but no count (openapi.json).
        const { body: listed } = page([...list].reverse(), q, 'events');
        const { count: _count, ...reply } = listed as Record<string, unknown>;
        return { status: 200, body: reply };
      }
      case 'GET secrets': {
        const name = q.get('name') ?? '';
        const list = [...secrets.values()]
          .filter((s) => visible(s) && s.name.includes(name))
          .map((s) => ({ id: s.id, name: s.name, type: 'SIMPLE', organization_id: organizationId, created_at: s.created_at }));
        const { body: listed } = page(list, q, 'secrets');
        const { has_next: _hasNext, ...reply } = listed as Record<string, unknown>;
        return { status: 200, body: reply };
      }
      case 'POST secrets': {
        const name = body['name'];
        const value = body['value'];
        if (typeof name !== 'string' || !secretNamePattern.test(name)) throw invalid('name', 'must be letters, digits, dashes and underscores');
        if (typeof value !== 'string') throw invalid('value', 'is required');
        if ([...secrets.values()].some((s) => s.name === name)) throw invalid('name', 'already exists');
        const s: SimSecret = { id: randomUUID(), name, value, created_at: now(), visibleAt: Date.now() + listLagMs };
        secrets.set(s.id, s);
        return { status: 200, body: { secret: { id: s.id, name, type: 'SIMPLE', organization_id: organizationId, created_at: s.created_at } } };
      }
      case 'PUT secrets/:id':
      case 'PATCH secrets/:id': {
        const s = secrets.get(id ?? '');
        if (s === undefined) throw notFound('secret');
        if (typeof body['value'] !== 'string') throw invalid('value', 'is required');
        s.value = body['value'];
        return { status: 200, body: { secret: { id: s.id, name: s.name, type: 'SIMPLE', organization_id: organizationId } } };
      }
      case 'POST secrets/:id/reveal': {
        const s = secrets.get(id ?? '');
        if (s === undefined) throw notFound('secret');
        return { status: 200, body: { value: s.value } };
      }
      case 'DELETE secrets/:id': {
        if (!secrets.delete(id ?? '')) throw notFound('secret');
        return { status: 200, body: {} };
      }
      default:
        throw notFound('route');
    }
  }

  const server = new HttpDouble(withRequestIds(route, 'x-request-id'), {
    spec: specCheck('koyeb'),
    // The description declares `Error` for 401, 403, 404, 500 and 503, `ErrorWithFields` for 400, and
    // google.rpc.Status for every other status (`default`).
    faultBody: (status) =>
      [400, 401, 403, 404, 500, 503].includes(status) ? { status, code: 'injected', message: `injected ${status}` } : { code: 2, message: `injected ${status}`, details: [] },
  });
  await server.listen();

  const appByName = (name: string): SimApp | undefined => [...apps.values()].find((a) => a.name === name);
  const serviceOf = (appName: string): SimService => {
    const a = appByName(appName);
    const s = [...services.values()].find((x) => x.app_id === a?.id);
    if (s === undefined) throw new Error(`no service in app ${appName}`);
    return s;
  };

  return {
    ...server.controls(),
    imageFails: (image, failure) => void failures.set(image, failure),
    imageUnhealthy: (image) => void failures.set(image, { status: 'UNHEALTHY', message: 'TCP health check failed on port 8080: connection refused' }),
    imageNeverReady: (image) => void neverReady.add(image),
    imageDeploysNormally(image) {
      failures.delete(image);
      neverReady.delete(image);
    },
    apps: () =>
      [...apps.values()].map((a) => ({ id: a.id, name: a.name, domain: domainOf(a), serviceCount: [...services.values()].filter((s) => s.app_id === a.id).length })),
    services(appName) {
      const a = appByName(appName);
      return [...services.values()]
        .filter((s) => s.app_id === a?.id)
        .map((s) => ({
          id: s.id,
          name: s.name,
          status: serviceStatus(s),
          definition: structuredClone(deployments.get(s.latest_deployment_id)?.definition ?? {}),
          deployments: [...deployments.values()].filter((d) => d.service_id === s.id).length,
          life_cycle: s.life_cycle,
        }));
    },
    secrets: () => Object.fromEntries([...secrets.values()].map((s) => [s.name, s.value])),
    addApp(name) {
      const a: SimApp = { id: randomUUID(), name, created_at: now(), visibleAt: 0 };
      apps.set(a.id, a);
      return { id: a.id };
    },
    addService(appName, opts) {
      const a = appByName(appName);
      if (a === undefined) throw new Error(`no app ${appName}`);
      const s: SimService = { id: randomUUID(), name: opts.name, app_id: a.id, created_at: now(), visibleAt: 0, latest_deployment_id: '', active_deployment_id: '' };
      services.set(s.id, s);
      const d: SimDeployment = {
        id: randomUUID(),
        app_id: a.id,
        service_id: s.id,
        status: 'HEALTHY',
        messages: [],
        definition: { type: 'WEB', docker: { image: opts.image }, env: Object.entries(opts.env ?? {}).map(([key, value]) => ({ key, value })) },
        created_at: now(),
        timers: [],
      };
      deployments.set(d.id, d);
      s.latest_deployment_id = d.id;
      s.active_deployment_id = d.id;
      return { id: s.id };
    },
    pauseService(appName) {
      const s = serviceOf(appName);
      s.rest = 'PAUSED';
      const d = deployments.get(s.latest_deployment_id);
      if (d !== undefined) stop(d, 'STOPPED');
      for (const instance of instances.values()) if (instance.deployment_id === d?.id) instance.status = 'STOPPED';
    },
    sleepService(appName) {
      const d = deployments.get(serving(serviceOf(appName)));
      if (d === undefined || d.status !== 'HEALTHY') throw new Error(`${appName}'s deployment is ${d?.status ?? 'missing'}, not HEALTHY`);
      d.status = 'SLEEPING';
      for (const instance of instances.values()) if (instance.deployment_id === d.id) instance.status = 'SLEEPING';
    },
    receiveRequest(appName) {
      const d = deployments.get(serving(serviceOf(appName)));
      if (d === undefined || d.status !== 'SLEEPING') return Promise.resolve();
      d.status = 'STARTING';
      return new Promise<void>((resolve) =>
        later(d, Math.round(deployMs / 2), () => {
          d.status = 'HEALTHY';
          for (const instance of instances.values()) if (instance.deployment_id === d.id) instance.status = 'HEALTHY';
          resolve();
        }),
      );
    },
    async close() {
      for (const d of deployments.values()) for (const timer of d.timers) clearTimeout(timer);
      await server.close();
    },
  };
}
