// Typed Machines API calls. Each method is one request; what to do with the answers is the phase
// modules' (app.ts, machines.ts, readiness.ts, …), which provider.ts sequences.
import { errorText, FlyApiError, FlyHttp, type FlyHttpOptions } from './http.js';
import type {
  AppSecret,
  CreateAppRequest,
  CreateMachineRequest,
  CreateVolumeRequest,
  FlyApp,
  FlyErrorBody,
  IpAssignment,
  IpType,
  Lease,
  LeaseResponse,
  Machine,
  MachineEvent,
  MachineStartResponse,
  UpdateAppSecretsResponse,
  UpdateMachineRequest,
  Volume,
} from './types.js';
import type { OrgMachine, OrgMachinesPage, OrgMachinesResponse } from './org-types.js';

const app = (name: string): string => `/v1/apps/${encodeURIComponent(name)}`;
const machine = (appName: string, id: string): string => `${app(appName)}/machines/${encodeURIComponent(id)}`;
const volume = (appName: string, id: string): string => `${app(appName)}/volumes/${encodeURIComponent(id)}`;
/** States of a volume on its way out (superfly/fly-go flaps/flaps_volumes.go destroyedVolumeStates). */
const goingVolumeStates = new Set(['scheduling_destroy', 'fork_cleanup', 'waiting_for_detach', 'pending_destroy', 'destroying']);
const leaseHeader = (nonce: string | undefined): Record<string, string> =>
  nonce === undefined ? {} : { 'fly-machine-lease-nonce': nonce };

/** How a blocking wait ended: 'reached' says one of the states was reached, not which. */
export type WaitResult = 'reached' | 'timeout' | 'replaced' | 'gone';

export type WaitState = 'started' | 'stopped' | 'failed' | 'suspended' | 'destroyed';

/** The most machines one page of the org listing holds (description Machines_org_list `limit`). */
export const orgMachinesPageLimit = 1000;

/** The API refuses a wait longer than this (fly-go flaps/flaps_machines_wait.go proxyTimeoutThreshold). */
export const maxWaitSeconds = 60;

/** What a call on an app's contents saw when the app itself was not there (yet). */
export class AppNotVisible extends Error {
  readonly status: number;
  constructor(call: string, status: number) {
    super(`${call}: the app is not visible (${status})`);
    this.name = 'AppNotVisible';
    this.status = status;
  }
}

export class FlyClient {
  readonly #http: FlyHttp;

  constructor(options: FlyHttpOptions) {
    this.#http = new FlyHttp(options);
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  /** undefined when there is no such app (or none this token can see). */
  async getApp(name: string): Promise<FlyApp | undefined> {
    const { status, data } = await this.#http.call<FlyApp>('GET', app(name), { expect: [404] });
    return status === 404 ? undefined : data;
  }

  /**
   * 'taken' when the name already exists: created by a racing run, or by somebody else. `wait=true`
   * asks the API to answer only once the app is usable, and the name goes as `name`, as fly-go's
   * CreateApp sends them (flaps/flaps_apps.go; the description's CreateAppRequest names it so too).
   */
  async createApp(name: string, org: string): Promise<'created' | 'taken'> {
    const body: CreateAppRequest = { name, org_slug: org };
    const { status, data, requestId } = await this.#http.call<FlyApp | FlyErrorBody>('POST', '/v1/apps', {
      query: { wait: true },
      body,
      expect: [422],
    });
    if (status !== 422) return 'created';
    const answer = data as FlyErrorBody | undefined;
    // fly-go IsNameTakenError: a status code is taken at its word; the text only when there is none.
    if (answer?.status !== undefined && answer.status !== '') {
      if (answer.status === 'name_taken') return 'taken';
    } else if ((answer?.error ?? answer?.message ?? '').includes('Name has already been taken')) return 'taken';
    throw new FlyApiError('POST /v1/apps', status, errorText(answer, 'HTTP 422'), { requestId, flyStatus: answer?.status });
  }

  /** The org's apps, in one answer (superfly/fly-go flaps/flaps_apps.go ListApps: `{apps: [...]}`, no pages). */
  async listApps(org: string): Promise<FlyApp[]> {
    const { data } = await this.#http.call<{ apps?: FlyApp[] }>('GET', '/v1/apps', { query: { org_slug: org } });
    return data?.apps ?? [];
  }

  /**
   * The app's machines whose metadata has every one of these values, filtered by the API
   * (`metadata.<key>=<value>`); undefined when the app does not exist.
   */
  async listMachinesWithMetadata(appName: string, metadata: Readonly<Record<string, string>>): Promise<Machine[] | undefined> {
    const query = Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`metadata.${key}`, value]));
    const { status, data } = await this.#http.call<Machine[]>('GET', `${app(appName)}/machines`, { query, expect: [404] });
    return status === 404 ? undefined : data;
  }

  /** The lease someone holds on the machine; undefined when none (404, as flyctl's `machine leases` reads it). */
  async getLease(appName: string, id: string): Promise<Lease | undefined> {
    const { status, data } = await this.#http.call<LeaseResponse>('GET', `${machine(appName, id)}/lease`, { expect: [404] });
    return status === 404 ? undefined : data?.data;
  }

  /**
   * 'absent' when it was already gone. The app goes with its machines, volumes and IPs; no `force`
   * parameter exists (the description's Apps_delete and fly-go's DeleteApp send none).
   */
  async deleteApp(name: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', app(name), { expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }

  /**
   * One page of every machine in the org, with its app's name and its config's metadata
   * (`GET /v1/orgs/{org}/machines`, description Machines_org_list). undefined when the API has no
   * such endpoint (404 or 405), so the caller can list app by app instead. A page may be shorter
   * than `limit`, even empty, while more remain: only a missing or empty `next_cursor` ends the list.
   */
  async listOrgMachinesPage(org: string, options: { cursor?: string; limit?: number } = {}): Promise<OrgMachinesPage | undefined> {
    const query: Record<string, string | number> = { limit: Math.min(orgMachinesPageLimit, options.limit ?? orgMachinesPageLimit) };
    if (options.cursor !== undefined) query['cursor'] = options.cursor;
    const { status, data } = await this.#http.call<OrgMachinesResponse>('GET', `/v1/orgs/${encodeURIComponent(org)}/machines`, { query, expect: [404, 405] });
    if (status === 404 || status === 405) return undefined;
    const next = data?.next_cursor;
    return {
      machines: data?.machines ?? [],
      errorRegions: data?.error_regions ?? [],
      ...(next === undefined || next === '' ? {} : { nextCursor: next }),
    };
  }

  /**
   * Every machine in the org, page after page (one request per 1,000 machines), with the regions any
   * page named in `error_regions`; undefined when the endpoint is missing (see listOrgMachinesPage).
   * A list cut short is never answered as whole: the endpoint vanishing after the first page, or a
   * listing that has not ended after `maxPages`, throws.
   */
  async listOrgMachines(org: string, maxPages = 1000): Promise<{ machines: OrgMachine[]; errorRegions: string[] } | undefined> {
    const call = `GET /v1/orgs/${org}/machines`;
    const machines: OrgMachine[] = [];
    const errorRegions = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.listOrgMachinesPage(org, cursor === undefined ? {} : { cursor });
      if (answer === undefined) {
        if (page === 0) return undefined;
        throw new FlyApiError(call, undefined, `the listing stopped answering after ${page} page(s)`);
      }
      machines.push(...answer.machines);
      for (const region of answer.errorRegions) errorRegions.add(region);
      if (answer.nextCursor === undefined) return { machines, errorRegions: [...errorRegions] };
      cursor = answer.nextCursor;
    }
    throw new FlyApiError(call, undefined, `the listing did not end after ${maxPages} pages`);
  }

  async listIps(appName: string): Promise<IpAssignment[]> {
    const { data } = await this.#http.call<{ ips?: IpAssignment[] }>('GET', `${app(appName)}/ip_assignments`);
    return data?.ips ?? [];
  }

  /** As flyctl's first deploy (internal/command/deploy/deploy_first.go): the type and the org's slug. */
  async allocateIp(appName: string, type: IpType, orgSlug: string, appJustCreated = false): Promise<IpAssignment> {
    const call = `POST ${app(appName)}/ip_assignments`;
    const { status, data } = await this.#http.call<IpAssignment>('POST', `${app(appName)}/ip_assignments`, {
      body: { type, org_slug: orgSlug },
      ...(appJustCreated ? { expect: [404], expectUnauthorized: true } : {}),
    });
    if (status === 404 || status === 401) throw new AppNotVisible(call, status);
    return data;
  }

  /**
   * undefined when the app does not exist. On an app this run just created, a 404 or 401 is the
   * app not being visible yet (AppNotVisible), never "no app" or a bad token.
   */
  async listMachines(appName: string, appJustCreated = false): Promise<Machine[] | undefined> {
    const call = `GET ${app(appName)}/machines`;
    const { status, data } = await this.#http.call<Machine[]>('GET', `${app(appName)}/machines`, {
      expect: [404],
      ...(appJustCreated ? { expectUnauthorized: true } : {}),
    });
    if (appJustCreated && (status === 404 || status === 401)) throw new AppNotVisible(call, status);
    return status === 404 ? undefined : data;
  }

  /** undefined when the machine is gone. */
  async getMachine(appName: string, id: string): Promise<Machine | undefined> {
    const { status, data } = await this.#http.call<Machine>('GET', machine(appName, id), { expect: [404] });
    return status === 404 ? undefined : data;
  }

  async createMachine(appName: string, body: CreateMachineRequest, appJustCreated = false): Promise<Machine> {
    const call = `POST ${app(appName)}/machines`;
    const { status, data } = await this.#http.call<Machine>('POST', `${app(appName)}/machines`, {
      body,
      ...(appJustCreated ? { expect: [404], expectUnauthorized: true } : {}),
    });
    if (status === 404 || status === 401) throw new AppNotVisible(call, status);
    return data;
  }

  async updateMachine(appName: string, id: string, body: UpdateMachineRequest, leaseNonce?: string): Promise<Machine> {
    const { data } = await this.#http.call<Machine>('POST', machine(appName, id), { body, headers: leaseHeader(leaseNonce) });
    return data;
  }

  /** 'absent' when it was already gone. */
  async deleteMachine(appName: string, id: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', machine(appName, id), { query: { force: true }, expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }

  async events(appName: string, id: string): Promise<MachineEvent[]> {
    const { data } = await this.#http.call<MachineEvent[]>('GET', `${machine(appName, id)}/events`);
    return data ?? [];
  }

  /** The app's volumes, without those being destroyed (as fly-go's GetVolumes). */
  async listVolumes(appName: string): Promise<Volume[]> {
    const { data } = await this.#http.call<Volume[]>('GET', `${app(appName)}/volumes`);
    return (data ?? []).filter((v) => !goingVolumeStates.has(v.state));
  }

  async createVolume(appName: string, body: CreateVolumeRequest): Promise<Volume> {
    const { data } = await this.#http.call<Volume>('POST', `${app(appName)}/volumes`, { body });
    return data;
  }

  /** 'absent' when it was already gone. A volume attached to a machine cannot be deleted (Fly answers 412). */
  async deleteVolume(appName: string, id: string): Promise<'deleted' | 'absent'> {
    const { status } = await this.#http.call('DELETE', volume(appName, id), { expect: [404] });
    return status === 404 ? 'absent' : 'deleted';
  }

  /**
   * Sets and unsets app secrets in one call: a null value unsets the key. Answers the new secrets
   * version, which machines take with `min_secrets_version` (superfly/fly-go flaps/flaps_secrets.go
   * UpdateAppSecrets). Setting the same values again is harmless, so a lost answer is retried.
   */
  async updateSecrets(appName: string, values: Record<string, string | null>): Promise<UpdateAppSecretsResponse> {
    const { data } = await this.#http.call<UpdateAppSecretsResponse>('POST', `${app(appName)}/secrets`, { body: { values }, idempotent: true });
    return data;
  }

  /** Names and digests only: the API shows no values unless asked, and this client never asks. */
  async listSecrets(appName: string): Promise<AppSecret[]> {
    const { data } = await this.#http.call<{ secrets?: AppSecret[] }>('GET', `${app(appName)}/secrets`);
    return data?.secrets ?? [];
  }

  /**
   * undefined while another client holds the lease (409). The TTL goes in the query and the answer
   * (201) is `{status: "success", data: {nonce, version, …}}` (fly-go flaps/flaps_machines.go
   * AcquireLease, machine_types.go MachineLease); anything but "success" is not a lease.
   */
  async acquireLease(appName: string, id: string, ttlSeconds: number): Promise<Lease | undefined> {
    const path = `${machine(appName, id)}/lease`;
    const { status, data, requestId } = await this.#http.call<LeaseResponse>('POST', path, {
      query: { ttl: ttlSeconds },
      expect: [409],
      // A lease whose answer was lost only blocks until its short TTL ends; taking it again is safe.
      idempotent: true,
    });
    if (status === 409) return undefined;
    if (data?.status !== 'success' || data.data?.nonce === undefined) {
      const said = data?.message ?? data?.code ?? `status ${JSON.stringify(data?.status ?? null)}`;
      throw new FlyApiError(`POST ${path}`, status, `the lease was not granted: ${said}`, { requestId });
    }
    return data.data;
  }

  /** A lease that expired meanwhile (404, or 409 once another took it) is released all the same. */
  async releaseLease(appName: string, id: string, nonce: string): Promise<void> {
    await this.#http.call('DELETE', `${machine(appName, id)}/lease`, { headers: leaseHeader(nonce), expect: [404, 409] });
  }

  /**
   * Starts a stopped machine, or resumes a suspended one from its snapshot, without a lease (as
   * flyctl's leasableMachine.Start does when it holds none); 'leased' when a deploy holds the lease
   * (409). The answer is fly-go's MachineStartResponse; a `status` of "error" is a refusal
   * (superfly/fly-go flaps/flaps_machines.go Start, superfly/flyctl internal/command/machine/start.go).
   */
  async startMachine(appName: string, id: string): Promise<'started' | 'leased'> {
    const path = `${machine(appName, id)}/start`;
    const { status, data, requestId } = await this.#http.call<MachineStartResponse>('POST', path, { expect: [409] });
    if (status === 409) return 'leased';
    if (data?.status === 'error') throw new FlyApiError(`POST ${path}`, status, data.message ?? 'the machine could not be started', { requestId });
    return 'started';
  }

  /**
   * Blocks until the machine's instance `instanceId` is in any of `states`, for at most
   * `timeoutSeconds` (1–60: the API refuses more, so callers repeat it). The answer does not say
   * which state was reached; read the machine for that. Parameters as fly-go's Wait sends them:
   * `state` repeated, `version`, `timeout` (flaps/flaps_machines_wait.go).
   */
  async wait(
    appName: string,
    id: string,
    states: readonly WaitState[],
    instanceId: string,
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<WaitResult> {
    const timeout = Math.max(1, Math.min(maxWaitSeconds, Math.ceil(timeoutSeconds)));
    const { status } = await this.#http.call('GET', `${machine(appName, id)}/wait`, {
      query: { state: states, version: instanceId, timeout },
      expect: [400, 404, 408],
      signal,
      headersTimeoutMs: (timeout + 30) * 1000,
    });
    if (status === 408) return 'timeout';
    if (status === 404) return 'gone';
    // The only 400 a well-formed wait gets: the instance was replaced by a newer update.
    if (status === 400) return 'replaced';
    return 'reached';
  }
}
