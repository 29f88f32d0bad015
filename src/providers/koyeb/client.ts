// Typed Koyeb API calls (openapi.json `paths`). Each method is one request, or one paged listing;
// what to do with the answers is the phase modules' (app.ts, secrets.ts, service.ts, …).
import { ApiError, JsonHttp, type PlatformClientOptions, type JsonResponse } from '../http.js';
import type {
  App,
  CreateApp,
  CreateService,
  Deployment,
  Instance,
  InstanceEvent,
  KoyebErrorBody,
  Page,
  Secret,
  Service,
  UpdateService,
} from './types.js';

export type KoyebClientOptions = PlatformClientOptions;

/** Page size for listings; the API's limit parameter is a string of a number (openapi.json ListApps). */
const pageSize = 100;

const id = (value: string): string => encodeURIComponent(value);

/** The message of definitions.Error / ErrorWithFields, with its field errors, which say what was wrong. */
export function koyebErrorMessage(body: unknown): string | undefined {
  const { message, fields } = body as KoyebErrorBody;
  const described = (fields ?? [])
    .filter((f) => typeof f.field === 'string')
    .map((f) => `${f.field}: ${f.description ?? ''}`.trim());
  const text = typeof message === 'string' && message !== '' ? message : undefined;
  if (described.length === 0) return text;
  return `${text ?? 'validation error'} (${described.join('; ')})`;
}

/**
 * A 400 ErrorWithFields saying the name is taken: the only sign the API gives that a create lost
 * a race (koyeb-cli pkg/koyeb/databases_create.go reads it the same way).
 */
export function alreadyExists(body: unknown): boolean {
  const fields = (body as KoyebErrorBody | undefined)?.fields ?? [];
  return fields.some((f) => f.field === 'name' && /already exists/i.test(f.description ?? ''));
}

export class KoyebClient {
  readonly #http: JsonHttp;

  constructor(options: KoyebClientOptions) {
    this.#http = new JsonHttp({
      ...options,
      api: 'Koyeb API',
      authorization: `Bearer ${options.token}`,
      errorMessage: koyebErrorMessage,
      requestIdHeader: 'x-request-id',
      authHint:
        'Check the koyeb-api-token input: it must be a valid Koyeb API token of the organization that should hold the previews (Organization settings → API).',
    });
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** Every item of a listing, page by page, until `has_next` (or `count`) says there are no more. */
  async #list<T>(path: string, key: string, query: Record<string, string | readonly string[] | undefined>): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const { data } = await this.#http.call<Page & Record<string, unknown>>('GET', path, {
        query: { ...query, limit: String(pageSize), offset: String(offset) },
      });
      const page = (data?.[key] as T[] | undefined) ?? [];
      items.push(...page);
      offset += page.length;
      const more = data?.has_next ?? (data?.count !== undefined && offset < data.count);
      if (!more || page.length === 0) return items;
    }
  }

  /** The app of exactly this name; the `name` filter alone is not trusted to be an exact match. */
  async findApp(name: string): Promise<App | undefined> {
    const apps = await this.#list<App>('/v1/apps', 'apps', { name });
    return apps.find((app) => app.name === name);
  }

  /** Every app of the organization the token belongs to (for a sweep). */
  listApps(): Promise<App[]> {
    return this.#list<App>('/v1/apps', 'apps', {});
  }

  /** undefined when it is gone. */
  async getApp(appId: string): Promise<App | undefined> {
    const { status, data } = await this.#http.call<{ app: App }>('GET', `/v1/apps/${id(appId)}`, { expect: [404] });
    return status === 404 ? undefined : data.app;
  }

  /** 'exists' when the name is already taken (by a racing run, or by somebody else). */
  async createApp(body: CreateApp): Promise<App | 'exists'> {
    const answer = await this.#http.call<{ app: App } | KoyebErrorBody>('POST', '/v1/apps', { body, expect: [400] });
    if (answer.status === 200) return (answer.data as { app: App }).app;
    return this.#exists('POST /v1/apps', answer);
  }

  /** A 400 to a create: 'exists' for a taken name, any other validation error is thrown as it came. */
  #exists(call: string, { status, data, requestId }: JsonResponse<unknown>): 'exists' {
    if (alreadyExists(data)) return 'exists';
    throw new ApiError({ api: 'Koyeb API', call, status, detail: koyebErrorMessage(data) ?? `HTTP ${status}`, requestId, body: data });
  }

  /** 'absent' when it was already gone. Deleting an app deletes its services. */
  async deleteApp(appId: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', `/v1/apps/${id(appId)}`, { expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }

  /** The services of one app, or of the whole organization when no app is named (for a sweep). */
  listServices(appId?: string): Promise<Service[]> {
    return this.#list<Service>('/v1/services', 'services', { app_id: appId });
  }

  async getService(serviceId: string): Promise<Service | undefined> {
    const { status, data } = await this.#http.call<{ service: Service }>('GET', `/v1/services/${id(serviceId)}`, { expect: [404] });
    return status === 404 ? undefined : data.service;
  }

  /** The created service carries `latest_deployment_id`, the deployment it started. */
  async createService(body: CreateService): Promise<Service | 'exists'> {
    const answer = await this.#http.call<{ service: Service } | KoyebErrorBody>('POST', '/v1/services', { body, expect: [400] });
    if (answer.status === 200) return (answer.data as { service: Service }).service;
    return this.#exists('POST /v1/services', answer);
  }

  /** Replaces the definition, which starts a new deployment (`latest_deployment_id`). */
  async updateService(serviceId: string, body: UpdateService): Promise<Service> {
    const { data } = await this.#http.call<{ service: Service }>('PUT', `/v1/services/${id(serviceId)}`, { body });
    return data.service;
  }

  /**
   * Resumes a paused service; Koyeb allows it only from `PAUSED` (openapi.json
   * `.paths["/v1/services/{id}/resume"].post.description`) and answers the 400 otherwise, so a
   * resume whose answer was lost is resolved by reading the service, never by sending it again.
   */
  async resumeService(serviceId: string): Promise<void> {
    await this.#http.call('POST', `/v1/services/${id(serviceId)}/resume`);
  }

  async deleteService(serviceId: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', `/v1/services/${id(serviceId)}`, { expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }

  async getDeployment(deploymentId: string): Promise<Deployment | undefined> {
    const { status, data } = await this.#http.call<{ deployment: Deployment }>('GET', `/v1/deployments/${id(deploymentId)}`, { expect: [404] });
    return status === 404 ? undefined : data.deployment;
  }

  async listInstances(deploymentId: string): Promise<Instance[]> {
    const { data } = await this.#http.call<{ instances?: Instance[] }>('GET', '/v1/instances', {
      query: { deployment_id: deploymentId, limit: '20' },
    });
    return data?.instances ?? [];
  }

  async listInstanceEvents(instanceIds: readonly string[], limit: number): Promise<InstanceEvent[]> {
    const { data } = await this.#http.call<{ events?: InstanceEvent[] }>('GET', '/v1/instance_events', {
      query: { instance_ids: instanceIds, limit: String(limit) },
    });
    return data?.events ?? [];
  }

  /** Secrets whose names start with this prefix (Koyeb's name filter matches anywhere in the name). */
  async listSecretsStartingWith(prefix: string): Promise<Secret[]> {
    const secrets = await this.#list<Secret>('/v1/secrets', 'secrets', { name: prefix });
    return secrets.filter((secret) => secret.name.startsWith(prefix));
  }

  /** The secret of exactly this name (secrets are named per organization). */
  async findSecret(name: string): Promise<Secret | undefined> {
    const secrets = await this.#list<Secret>('/v1/secrets', 'secrets', { name });
    return secrets.find((secret) => secret.name === name);
  }

  async createSecret(name: string, value: string): Promise<Secret | 'exists'> {
    const answer = await this.#http.call<{ secret: Secret } | KoyebErrorBody>('POST', '/v1/secrets', {
      body: { name, type: 'SIMPLE', value },
      expect: [400],
    });
    if (answer.status === 200) return (answer.data as { secret: Secret }).secret;
    return this.#exists('POST /v1/secrets', answer);
  }

  /** Sets the value (PATCH, as koyeb-cli's `secrets update` does); setting the same value twice is harmless. */
  async updateSecret(secretId: string, value: string): Promise<void> {
    await this.#http.call('PATCH', `/v1/secrets/${id(secretId)}`, { body: { value }, idempotent: true });
  }

  async deleteSecret(secretId: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', `/v1/secrets/${id(secretId)}`, { expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }
}
