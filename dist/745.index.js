export const id = 745;
export const ids = [745];
export const modules = {

/***/ 7745:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  FlyAmbiguousError: () => (/* reexport */ FlyAmbiguousError),
  FlyApiError: () => (/* reexport */ FlyApiError),
  FlyAuthError: () => (/* reexport */ FlyAuthError),
  createFlyProvider: () => (/* binding */ createFlyProvider)
});

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./lib/retry.js
var retry = __webpack_require__(2165);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./lib/fly/http.js
// HTTP to the Machines API on undici: one keep-alive agent, bearer auth, JSON, retries within a
// bounded budget, and errors that name the call, the status and Fly's own message.


/** A call that Fly answered with an error, or that could not be completed within the retry budget. */
class FlyApiError extends Error {
    call;
    status;
    /** Fly's `error` text, or the connection error code when there was no answer. */
    detail;
    constructor(call, status, detail, message) {
        super(message ??
            (status === undefined
                ? `Fly API: ${call} failed: ${detail}`
                : `Fly API: ${call} failed with ${status}: ${detail}`));
        this.name = 'FlyApiError';
        this.call = call;
        this.status = status;
        this.detail = detail;
    }
}
/** 401/403: retrying cannot help, so this is thrown after one request. */
class FlyAuthError extends FlyApiError {
    constructor(call, status, detail) {
        super(call, status, detail, `Fly API refused the token (${status}) for ${call}: ${detail}. Check the fly-api-token input: ` +
            'it must be a valid token with access to the organization (e.g. `fly tokens create org <org>`).');
        this.name = 'FlyAuthError';
    }
}
/**
 * A request that changes something was sent but no answer came back: Fly may or may not have done
 * it. Callers resolve this by looking, never by sending the same change again blindly.
 */
class FlyAmbiguousError extends FlyApiError {
    constructor(call, status, detail) {
        super(call, status, detail);
        this.name = 'FlyAmbiguousError';
    }
}
const retryableStatuses = new Set([500, 502, 503, 504]);
/** Fly's own `error` text from an error answer, else the body or the status. */
function errorText(body, fallback) {
    if (typeof body === 'object' && body !== null) {
        const { error } = body;
        return typeof error === 'string' && error !== '' ? error : fallback;
    }
    return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
}
class FlyHttp {
    #origin;
    #basePath;
    #headers;
    #policy;
    #sleep;
    #random;
    #dispatcher;
    #ownsDispatcher;
    #debug;
    constructor(options) {
        const url = new URL(options.apiUrl);
        this.#origin = url.origin;
        this.#basePath = url.pathname.replace(/\/+$/, '');
        this.#headers = {
            authorization: `Bearer ${options.token}`,
            'user-agent': options.userAgent ?? 'fly-preview',
            accept: 'application/json',
        };
        this.#policy = options.retryPolicy ?? retry/* defaultRetryPolicy */.ur;
        this.#sleep = options.sleep ?? retry/* sleep */.yy;
        this.#random = options.random ?? Math.random;
        this.#ownsDispatcher = options.dispatcher === undefined;
        this.#dispatcher =
            options.dispatcher ?? new undici.Agent({ keepAliveTimeout: 30_000, connections: 16, headersTimeout: 30_000, bodyTimeout: 30_000 });
        this.#debug = options.debug ?? (() => { });
    }
    async close() {
        if (this.#ownsDispatcher)
            await this.#dispatcher.close();
    }
    async call(method, path, options = {}) {
        const call = `${method} ${path}`;
        const idempotent = options.idempotent ?? (method === 'GET' || method === 'DELETE');
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(options.query ?? {}))
            if (value !== undefined)
                search.set(key, String(value));
        const query = search.toString();
        const target = `${this.#origin}${this.#basePath}${path}${query === '' ? '' : `?${query}`}`;
        const headers = { ...this.#headers, ...options.headers };
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        const started = Date.now();
        for (let attempt = 1;; attempt++) {
            let status;
            let data;
            let retryAfter;
            try {
                const response = await (0,undici.request)(target, {
                    method,
                    headers,
                    body,
                    dispatcher: this.#dispatcher,
                    signal: options.signal,
                    headersTimeout: options.headersTimeoutMs,
                });
                status = response.statusCode;
                retryAfter = response.headers['retry-after'];
                const text = await response.body.text();
                const type = String(response.headers['content-type'] ?? '');
                data = text === '' ? undefined : type.includes('json') ? safeJson(text) : text;
            }
            catch (error) {
                if (options.signal?.aborted === true)
                    throw error;
                const code = (0,retry/* connectionErrorCode */.EP)(error);
                // Only the error code travels on: undici errors can carry the request, headers included.
                const detail = code ?? (error instanceof Error ? error.message : String(error));
                const delay = (0,retry/* backoffDelay */.EY)(this.#policy, attempt, this.#random);
                const safe = idempotent || (code !== undefined && (0,retry/* neverSent */.vQ)(code));
                if (code !== undefined && safe && (0,retry/* mayRetry */.KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    this.#debug(`${call}: ${code}, retrying in ${delay} ms`);
                    await this.#sleep(delay);
                    continue;
                }
                if (!safe)
                    throw new FlyAmbiguousError(call, undefined, `${detail} (the request was sent; its answer was lost)`);
                throw new FlyApiError(call, undefined, `${detail} after ${attempt} attempt${attempt === 1 ? '' : 's'}`);
            }
            this.#debug(`${call} → ${status}`);
            if ((status >= 200 && status < 300) || options.expect?.includes(status) === true)
                return { status, data: data };
            const text = errorText(data, `HTTP ${status}`);
            if (status === 401 || status === 403)
                throw new FlyAuthError(call, status, text);
            if (status === 429) {
                const askedMs = (0,retry/* parseRetryAfter */.mu)(retryAfter);
                const delay = askedMs ?? (0,retry/* backoffDelay */.EY)(this.#policy, attempt, this.#random);
                if (!(0,retry/* mayRetry */.KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    const asked = askedMs === undefined ? '' : `; Fly asked to wait ${Math.ceil(askedMs / 1000)} s, beyond the retry budget`;
                    throw new FlyApiError(call, status, `${text} (rate limited${asked})`);
                }
                this.#debug(`${call}: rate limited, retrying in ${delay} ms`);
                await this.#sleep(delay);
                continue;
            }
            if (retryableStatuses.has(status)) {
                // A change answered with 5xx may still have been made, so only reads are simply repeated.
                if (!idempotent)
                    throw new FlyAmbiguousError(call, status, text);
                const delay = (0,retry/* parseRetryAfter */.mu)(retryAfter) ?? (0,retry/* backoffDelay */.EY)(this.#policy, attempt, this.#random);
                if ((0,retry/* mayRetry */.KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    this.#debug(`${call}: ${status}, retrying in ${delay} ms`);
                    await this.#sleep(delay);
                    continue;
                }
                throw new FlyApiError(call, status, `${text} (gave up after ${attempt} attempts)`);
            }
            throw new FlyApiError(call, status, text);
        }
    }
}
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}

;// CONCATENATED MODULE: ./lib/fly/client.js
// Typed Machines API calls. Each method is one request; what to do with the answers is provider.ts's.

const app = (name) => `/v1/apps/${encodeURIComponent(name)}`;
const machine = (appName, id) => `${app(appName)}/machines/${encodeURIComponent(id)}`;
const volume = (appName, id) => `${app(appName)}/volumes/${encodeURIComponent(id)}`;
/** States of a volume on its way out (superfly/fly-go flaps/flaps_volumes.go destroyedVolumeStates). */
const goingVolumeStates = new Set(['scheduling_destroy', 'fork_cleanup', 'waiting_for_detach', 'pending_destroy', 'destroying']);
const leaseHeader = (nonce) => nonce === undefined ? {} : { 'fly-machine-lease-nonce': nonce };
class FlyClient {
    #http;
    constructor(options) {
        this.#http = new FlyHttp(options);
    }
    close() {
        return this.#http.close();
    }
    /** undefined when there is no such app (or none this token can see). */
    async getApp(name) {
        const { status, data } = await this.#http.call('GET', app(name), { expect: [404] });
        return status === 404 ? undefined : data;
    }
    /** 'taken' when the name already exists: created by a racing run, or by somebody else. */
    async createApp(name, org) {
        const { status, data } = await this.#http.call('POST', '/v1/apps', {
            body: { app_name: name, org_slug: org },
            expect: [422],
        });
        if (status !== 422)
            return 'created';
        const answer = data;
        if (answer?.status === 'name_taken' || /taken/i.test(answer?.error ?? ''))
            return 'taken';
        throw new FlyApiError('POST /v1/apps', status, errorText(answer, 'HTTP 422'));
    }
    /** The org's apps, in one answer (superfly/fly-go flaps/flaps_apps.go ListApps: `{apps: [...]}`, no pages). */
    async listApps(org) {
        const { data } = await this.#http.call('GET', '/v1/apps', { query: { org_slug: org } });
        return data?.apps ?? [];
    }
    /**
     * The app's machines whose metadata has every one of these values, filtered by the API
     * (`metadata.<key>=<value>`); undefined when the app does not exist.
     */
    async listMachinesWithMetadata(appName, metadata) {
        const query = Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`metadata.${key}`, value]));
        const { status, data } = await this.#http.call('GET', `${app(appName)}/machines`, { query, expect: [404] });
        return status === 404 ? undefined : data;
    }
    /** The lease someone holds on the machine; undefined when none (404, as flyctl's `machine leases` reads it). */
    async getLease(appName, id) {
        const { status, data } = await this.#http.call('GET', `${machine(appName, id)}/lease`, { expect: [404] });
        return status === 404 ? undefined : data?.data;
    }
    /** 'absent' when it was already gone. */
    async deleteApp(name) {
        const { status } = await this.#http.call('DELETE', app(name), { query: { force: true }, expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    async listIps(appName) {
        const { data } = await this.#http.call('GET', `${app(appName)}/ip_assignments`);
        return data?.ips ?? [];
    }
    async allocateIp(appName, type) {
        const { data } = await this.#http.call('POST', `${app(appName)}/ip_assignments`, { body: { type } });
        return data;
    }
    /** undefined when the app does not exist. */
    async listMachines(appName) {
        const { status, data } = await this.#http.call('GET', `${app(appName)}/machines`, { expect: [404] });
        return status === 404 ? undefined : data;
    }
    /** undefined when the machine is gone. */
    async getMachine(appName, id) {
        const { status, data } = await this.#http.call('GET', machine(appName, id), { expect: [404] });
        return status === 404 ? undefined : data;
    }
    async createMachine(appName, body) {
        const { data } = await this.#http.call('POST', `${app(appName)}/machines`, { body });
        return data;
    }
    async updateMachine(appName, id, body, leaseNonce) {
        const { data } = await this.#http.call('POST', machine(appName, id), { body, headers: leaseHeader(leaseNonce) });
        return data;
    }
    /** 'absent' when it was already gone. */
    async deleteMachine(appName, id) {
        const { status } = await this.#http.call('DELETE', machine(appName, id), { query: { force: true }, expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    async events(appName, id) {
        const { data } = await this.#http.call('GET', `${machine(appName, id)}/events`);
        return data ?? [];
    }
    /** The app's volumes, without those being destroyed (as fly-go's GetVolumes). */
    async listVolumes(appName) {
        const { data } = await this.#http.call('GET', `${app(appName)}/volumes`);
        return (data ?? []).filter((v) => !goingVolumeStates.has(v.state));
    }
    async createVolume(appName, body) {
        const { data } = await this.#http.call('POST', `${app(appName)}/volumes`, { body });
        return data;
    }
    /** 'absent' when it was already gone. A volume attached to a machine cannot be deleted (Fly answers 412). */
    async deleteVolume(appName, id) {
        const { status } = await this.#http.call('DELETE', volume(appName, id), { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    /**
     * Sets and unsets app secrets in one call: a null value unsets the key. Answers the new secrets
     * version, which machines take with `min_secrets_version` (superfly/fly-go flaps/flaps_secrets.go
     * UpdateAppSecrets). Setting the same values again is harmless, so a lost answer is retried.
     */
    async updateSecrets(appName, values) {
        const { data } = await this.#http.call('POST', `${app(appName)}/secrets`, { body: { values }, idempotent: true });
        return data;
    }
    /** Names and digests only: the API shows no values unless asked, and this client never asks. */
    async listSecrets(appName) {
        const { data } = await this.#http.call('GET', `${app(appName)}/secrets`);
        return data?.secrets ?? [];
    }
    /** undefined while another client holds the lease (409). */
    async acquireLease(appName, id, ttlSeconds, description) {
        const { status, data } = await this.#http.call('POST', `${machine(appName, id)}/lease`, {
            body: { ttl: ttlSeconds, description },
            expect: [409],
            // A lease whose answer was lost only blocks until its short TTL ends; taking it again is safe.
            idempotent: true,
        });
        return status === 409 ? undefined : data.data;
    }
    async releaseLease(appName, id, nonce) {
        await this.#http.call('DELETE', `${machine(appName, id)}/lease`, { headers: leaseHeader(nonce), expect: [404, 409] });
    }
    /**
     * Blocks until the machine's instance `instanceId` is in `state`, for at most `timeoutSeconds`
     * (the API's proxy ends any wait after about 60 s, so callers repeat it).
     */
    async wait(appName, id, state, instanceId, timeoutSeconds, signal) {
        const { status } = await this.#http.call('GET', `${machine(appName, id)}/wait`, {
            query: { state, instance_id: instanceId, timeout: timeoutSeconds },
            expect: [400, 404, 408],
            signal,
            headersTimeoutMs: (timeoutSeconds + 30) * 1000,
        });
        if (status === 408)
            return 'timeout';
        if (status === 404)
            return 'gone';
        // The only 400 a well-formed wait gets: the instance was replaced by a newer update.
        if (status === 400)
            return 'replaced';
        return 'reached';
    }
}

;// CONCATENATED MODULE: ./lib/fly/limits.js
// Fly's rate limits, kept on our side so a sweep of many previews spaces its changes out instead
// of bursting into 429s: app deletes are limited to 100 a minute, and mutating requests to about
// one a second per app (the limits issue 10 quotes from Fly's Machines API documentation).
/** At most `limit` grants in any `windowMs`; callers beyond that wait their turn, in order. */
class Throttle {
    #limit;
    #windowMs;
    #now;
    #sleep;
    #granted = [];
    #queue = Promise.resolve();
    constructor(limit, windowMs, now, sleep) {
        this.#limit = limit;
        this.#windowMs = windowMs;
        this.#now = now;
        this.#sleep = sleep;
    }
    take() {
        const turn = this.#queue.then(async () => {
            for (;;) {
                const now = this.#now();
                while (this.#granted.length > 0 && (this.#granted[0] ?? 0) <= now - this.#windowMs)
                    this.#granted.shift();
                if (this.#granted.length < this.#limit) {
                    this.#granted.push(now);
                    return;
                }
                await this.#sleep((this.#granted[0] ?? now) + this.#windowMs - now);
            }
        });
        this.#queue = turn;
        return turn;
    }
}
/** One Throttle per key (an app name), made on first use. */
class KeyedThrottle {
    #throttles = new Map();
    #make;
    constructor(make) {
        this.#make = make;
    }
    take(key) {
        let throttle = this.#throttles.get(key);
        if (throttle === undefined) {
            throttle = this.#make();
            this.#throttles.set(key, throttle);
        }
        return throttle.take();
    }
}
/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
async function mapLimit(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

;// CONCATENATED MODULE: ./lib/fly/provider.js





/** Metadata keys for what is deployed; owner labels come from the caller. */
const revisionKey = 'fly_preview_sha';
const orderKey = 'fly_preview_order';
const leaseTtlSeconds = 30;
/** The API's proxy ends any wait after about 60 s, whatever timeout is asked. */
const waitSliceSeconds = 60;
/** Rounds of "look, act, wait" before giving up on a machine that racing runs keep changing. */
const maxRounds = 6;
const recentEventCount = 5;
const crashWatchDelayMs = 1_500;
/** Apps whose machines a sweep lists at once: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;
/** States on the way to `started`, in which the current instance is still worth waiting for. */
const booting = new Set(['created', 'starting', 'replacing']);
const gone = (m) => m.state === 'destroyed' || m.state === 'destroying';
function carries(m, labels) {
    const metadata = m.config.metadata ?? {};
    return Object.entries(labels).every(([key, value]) => metadata[key] === value);
}
/** Oldest first (creation time, then id), so every run picks the same survivor. */
function byAge(a, b) {
    return a.created_at === b.created_at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.created_at < b.created_at ? -1 : 1;
}
function deployedRevision(m) {
    const metadata = m.config.metadata ?? {};
    return { id: metadata[revisionKey] ?? '', order: Number(metadata[orderKey] ?? 0) || 0 };
}
function desiredConfig(request) {
    return {
        image: request.image,
        guest: { cpu_kind: request.guest.cpuKind, cpus: request.guest.cpus, memory_mb: request.guest.memoryMb },
        env: { ...request.env },
        metadata: { ...request.ownerLabels, [revisionKey]: request.revision.id, [orderKey]: String(request.revision.order) },
        services: [
            {
                protocol: 'tcp',
                internal_port: request.internalPort,
                ports: [
                    { port: 80, handlers: ['http'], force_https: true },
                    { port: 443, handlers: ['tls', 'http'] },
                ],
            },
        ],
        restart: { policy: 'on-failure', max_retries: 3 },
    };
}
/** JSON with sorted keys, so configs compare by content whatever order Fly echoes them in. */
function canonical(value) {
    return JSON.stringify(value, (_, v) => typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v);
}
/**
 * Whether the machine already runs what we would send. Fly echoes a config with defaults filled
 * in, so only what this action sets is compared; the order label is left out, since a later event
 * for the same commit (a label added, say) needs no restart.
 */
function sameConfig(current, desired) {
    const fingerprint = (c) => {
        const { [orderKey]: _order, ...metadata } = c.metadata ?? {};
        return canonical({
            image: c.image,
            guest: c.guest === undefined ? undefined : { cpu_kind: c.guest.cpu_kind, cpus: c.guest.cpus, memory_mb: c.guest.memory_mb },
            env: c.env ?? {},
            metadata,
            services: (c.services ?? []).map((service) => ({
                internal_port: service.internal_port,
                ports: service.ports.map((port) => ({ port: port.port, handlers: [...port.handlers].sort(), force_https: port.force_https === true })),
            })),
        });
    };
    return fingerprint(current) === fingerprint(desired);
}
/** Which public addresses an app lacks: IPv6 (not the private fdaa: range) and IPv4. */
function lacking(ips) {
    const hasV6 = ips.some((ip) => ip.ip.includes(':') && !ip.ip.toLowerCase().startsWith('fdaa:'));
    const hasV4 = ips.some((ip) => ip.ip.includes('.'));
    return [...(hasV6 ? [] : ['v6']), ...(hasV4 ? [] : ['shared_v4'])];
}
function describeEvent(e) {
    const exit = e.request?.exit_event;
    const extra = exit === undefined
        ? ''
        : ` exit_code=${exit.exit_code ?? '?'}${exit.oom_killed === true ? ' oom_killed' : ''}`;
    return `${new Date(e.timestamp).toISOString()} ${e.type} ${e.status}${e.source === undefined ? '' : ` (${e.source})`}${extra}`;
}
class FlyProvider {
    #client;
    #now;
    #sleep;
    #appDeletes;
    #appChanges;
    constructor(options) {
        this.#client = new FlyClient(options);
        this.#now = options.now ?? Date.now;
        this.#sleep = options.sleep ?? retry/* sleep */.yy;
        this.#appDeletes = new Throttle(100, 60_000, this.#now, this.#sleep);
        this.#appChanges = new KeyedThrottle(() => new Throttle(1, 1_000, this.#now, this.#sleep));
    }
    async listPreviews(scope, log) {
        const apps = await this.#client.listApps(scope.org);
        const found = await mapLimit(apps, listConcurrency, async (a) => {
            const listed = (await this.#client.listMachinesWithMetadata(a.name, scope.labels)) ?? [];
            // The API filters already; checking again keeps a filter it ignored from making foreign machines ours.
            const machines = listed.filter((m) => !gone(m) && carries(m, scope.labels));
            if (machines.length === 0)
                return undefined;
            return {
                appName: a.name,
                machines: machines.sort(byAge).map((m) => ({
                    id: m.id,
                    labels: { ...m.config.metadata },
                    createdAt: m.created_at,
                    updatedAt: m.updated_at,
                })),
            };
        });
        const previews = found.filter((p) => p !== undefined);
        log.debug(`Looked at ${apps.length} apps in ${scope.org}; ${previews.length} hold previews in scope`);
        return { previews, appsExamined: apps.length, appsLeftAlone: apps.length - previews.length };
    }
    async busy(appName, machineIds) {
        const leases = await Promise.all(machineIds.map((id) => this.#client.getLease(appName, id)));
        return leases.some((lease) => lease !== undefined && lease.expires_at * 1000 > this.#now());
    }
    close() {
        return this.#client.close();
    }
    hostnameFor(appName) {
        return `${appName}.fly.dev`;
    }
    async deploy(request, log) {
        const started = this.#now();
        const deadline = started + request.waitTimeoutMs;
        const fresh = await this.#ensureApp(request, log);
        // A fresh app has no IPs and no machines: nothing to look up.
        const [ours] = await Promise.all([
            fresh ? Promise.resolve([]) : this.#ourMachines(request),
            this.#ensureIps(request.appName, fresh, log),
        ]);
        return this.#converge(request, ours, deadline, log);
    }
    async destroy(target, log) {
        const machines = await this.#client.listMachines(target.appName);
        if (machines === undefined)
            return { kind: 'absent', appName: target.appName };
        const ours = machines.filter((m) => carries(m, target.ownerLabels));
        const foreign = machines.filter((m) => !carries(m, target.ownerLabels) && !gone(m));
        if (foreign.length === 0) {
            await Promise.all([this.#appDeletes.take(), this.#appChanges.take(target.appName)]);
            const result = await this.#client.deleteApp(target.appName);
            if (result === 'absent')
                return { kind: 'absent', appName: target.appName };
            log.info(`Deleted app ${target.appName} with its machines and IPs`);
            return { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((m) => m.id) };
        }
        for (const m of ours) {
            await this.#appChanges.take(target.appName);
            await this.#client.deleteMachine(target.appName, m.id);
        }
        const named = foreign.map((m) => `${m.id} (${m.name})`).join(', ');
        log.warning(`App ${target.appName} also holds machines fly-preview did not create: ${named}. ` +
            `Deleted only this preview's machines${ours.length === 0 ? ' (there were none)' : ''} and kept the app.`);
        return {
            kind: 'machines-destroyed',
            appName: target.appName,
            machineIds: ours.map((m) => m.id),
            foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })),
        };
    }
    /** Makes sure the app exists; true when this run created it (so it has nothing in it yet). */
    async #ensureApp(request, log) {
        const existing = await this.#client.getApp(request.appName).catch((error) => {
            // A valid token is refused one app when that app belongs to an organization it cannot reach.
            if (error instanceof FlyAuthError && error.status === 403) {
                throw new Error(`The Fly API refused access to the app "${request.appName}" (403: ${error.detail}): the name is probably ` +
                    `taken by an app in another organization. Choose another name with the app-name input, or check that fly-api-token can reach org "${request.org}".`);
            }
            throw error;
        });
        if (existing !== undefined) {
            this.#checkOrg(request, existing.organization?.slug);
            return false;
        }
        let result;
        log.changing();
        try {
            result = await this.#client.createApp(request.appName, request.org);
        }
        catch (error) {
            if (!(error instanceof FlyAmbiguousError))
                throw error;
            // Whether or not the lost create went through, the app's contents are unknown: look at them.
            if ((await this.#client.getApp(request.appName)) !== undefined)
                return false;
            throw error;
        }
        if (result === 'created') {
            log.info(`Created app ${request.appName} in ${request.org}`);
            return true;
        }
        const again = await this.#client.getApp(request.appName);
        if (again === undefined) {
            throw new Error(`The Fly app name "${request.appName}" is taken by an app this token cannot see. ` +
                'Choose another name with the app-name input.');
        }
        this.#checkOrg(request, again.organization?.slug);
        log.info(`App ${request.appName} was just created by another run; using it`);
        return false;
    }
    #checkOrg(request, slug) {
        // "personal" is an alias Fly resolves to the user's own org slug, so it cannot be compared.
        if (slug === undefined || request.org === 'personal' || slug === request.org)
            return;
        throw new Error(`The Fly app "${request.appName}" exists in organization "${slug}", not "${request.org}". ` +
            'Set org to match, or choose another name with the app-name input.');
    }
    /** Without a public IP `<app>.fly.dev` does not answer; allocate what is missing, as flyctl's first deploy does. */
    async #ensureIps(appName, fresh, log) {
        const publicTypes = ['v6', 'shared_v4'];
        const missing = fresh ? publicTypes : lacking(await this.#client.listIps(appName));
        await Promise.all(missing.map(async (type) => {
            try {
                const ip = await this.#client.allocateIp(appName, type);
                log.info(`Allocated ${type === 'v6' ? 'IPv6' : 'shared IPv4'} ${ip.ip} for ${appName}`);
            }
            catch (error) {
                // Whether a lost allocation went through is seen in the list.
                if (!(error instanceof FlyAmbiguousError) || lacking(await this.#client.listIps(appName)).includes(type))
                    throw error;
            }
        }));
    }
    async #ourMachines(target) {
        const machines = (await this.#client.listMachines(target.appName)) ?? [];
        return machines.filter((m) => !gone(m) && carries(m, target.ownerLabels)).sort(byAge);
    }
    /** Look, act, wait; again when a racing run changed the machine under us. */
    async #converge(request, found, deadline, log) {
        const config = desiredConfig(request);
        let ours = found;
        for (let round = 1; round <= maxRounds; round++) {
            if (ours.length === 0) {
                const created = await this.#create(request, config, log);
                const result = await this.#waitForBoot(request.appName, created.id, created.instance_id, deadline);
                // Another run may have created one too. Looking only after the boot, which takes far longer
                // than a create, lets both runs see both machines; each keeps the oldest, so they agree.
                const older = (await this.#ourMachines(request)).filter((m) => m.id !== created.id && byAge(m, created) < 0);
                if (older.length > 0) {
                    await this.#client.deleteMachine(request.appName, created.id);
                    log.info(`Machine ${older[0]?.id} was created first by a racing run; removed duplicate ${created.id}`);
                    ours = older;
                    continue;
                }
                const next = await this.#afterBoot(request, created, result, 'created', log);
                if (next.outcome !== undefined)
                    return next.outcome;
                ours = next.machines;
                continue;
            }
            const [keep, ...extra] = ours.sort(byAge);
            if (keep === undefined)
                continue;
            if (extra.length > 0) {
                await Promise.all(extra.map((m) => this.#client.deleteMachine(request.appName, m.id)));
                log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
            }
            const superseded = this.#superseded(request, keep);
            if (superseded !== undefined)
                return superseded;
            if (sameConfig(keep.config, config) && keep.state === 'started') {
                log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
                return this.#ready(request, keep, 'unchanged');
            }
            if (sameConfig(keep.config, config) && booting.has(keep.state)) {
                // Another run of this revision is booting it: wait for that boot rather than start another.
                const result = await this.#waitForBoot(request.appName, keep.id, keep.instance_id, deadline);
                const next = await this.#afterBoot(request, keep, result, 'unchanged', log);
                if (next.outcome !== undefined)
                    return next.outcome;
                ours = next.machines;
                continue;
            }
            const updated = await this.#updateUnderLease(request, keep, config, deadline, log);
            if (updated.outcome !== undefined)
                return updated.outcome;
            if (updated.machine === undefined) {
                ours = await this.#ourMachines(request);
                continue;
            }
            const result = await this.#waitForBoot(request.appName, updated.machine.id, updated.machine.instance_id, deadline);
            const next = await this.#afterBoot(request, updated.machine, result, 'updated', log);
            if (next.outcome !== undefined)
                return next.outcome;
            ours = next.machines;
        }
        throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`);
    }
    async #create(request, config, log) {
        // No machine name: Fly makes one, and a fixed name could collide between racing creates.
        const body = { region: request.region, config };
        log.changing();
        try {
            const machine = await this.#client.createMachine(request.appName, body);
            log.info(`Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})`);
            return machine;
        }
        catch (error) {
            if (!(error instanceof FlyAmbiguousError))
                throw error;
            log.info(`The answer to creating the machine was lost (${error.detail}); looking before creating again`);
            const made = (await this.#ourMachines(request)).filter((m) => deployedRevision(m).id === request.revision.id && m.config.image === request.image);
            const latest = made.at(-1);
            if (latest !== undefined) {
                log.info(`Found machine ${latest.id}: the lost create did go through`);
                return latest;
            }
            const machine = await this.#client.createMachine(request.appName, body);
            log.info(`Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})`);
            return machine;
        }
    }
    #superseded(request, machine) {
        const deployed = deployedRevision(machine);
        if (deployed.order <= request.revision.order || deployed.id === request.revision.id)
            return undefined;
        return {
            kind: 'superseded',
            appName: request.appName,
            hostname: this.hostnameFor(request.appName),
            machineId: machine.id,
            region: machine.region,
            deployedRevisionId: deployed.id,
        };
    }
    #ready(request, machine, change) {
        return {
            kind: 'ready',
            appName: request.appName,
            hostname: this.hostnameFor(request.appName),
            machineId: machine.id,
            region: machine.region,
            change,
        };
    }
    /**
     * Updates under a machine lease so two runs never interleave their updates. Returns the updated
     * machine, an outcome when a newer revision got there first, or neither when the machine vanished.
     */
    async #updateUnderLease(request, machine, config, deadline, log) {
        const appName = request.appName;
        let lease;
        for (let attempt = 1;; attempt++) {
            lease = await this.#client.acquireLease(appName, machine.id, leaseTtlSeconds, 'fly-preview deploy');
            if (lease !== undefined)
                break;
            if (this.#now() >= deadline) {
                throw new Error(`Machine ${machine.id} stayed locked by another deploy's lease until wait-timeout ran out.`);
            }
            if (attempt === 1)
                log.info(`Machine ${machine.id} is being updated by another run; waiting for its lease`);
            await this.#sleep(Math.max(200, (0,retry/* backoffDelay */.EY)({ ...retry/* defaultRetryPolicy */.ur, maxDelayMs: 2_000 }, attempt)));
        }
        try {
            // The lease names the machine version it was taken on; if that is not what we looked at,
            // another run changed the machine meanwhile and we look again.
            const current = lease.version === machine.instance_id ? machine : await this.#client.getMachine(appName, machine.id);
            if (current === undefined)
                return {};
            const superseded = this.#superseded(request, current);
            if (superseded !== undefined)
                return { outcome: superseded };
            // A machine that already has this config but stopped (a crash at boot, say) is updated all
            // the same: the update boots a fresh instance, so a re-run retries instead of re-reporting.
            if (sameConfig(current.config, config) && (current.state === 'started' || booting.has(current.state))) {
                return { machine: current };
            }
            log.changing();
            try {
                const updated = await this.#client.updateMachine(appName, machine.id, { region: request.region, config }, lease.nonce);
                log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
                return { machine: updated };
            }
            catch (error) {
                if (!(error instanceof FlyAmbiguousError))
                    throw error;
                const after = await this.#client.getMachine(appName, machine.id);
                if (after !== undefined && sameConfig(after.config, config)) {
                    log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
                    return { machine: after };
                }
                const updated = await this.#client.updateMachine(appName, machine.id, { region: request.region, config }, lease.nonce);
                log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
                return { machine: updated };
            }
        }
        finally {
            // Best effort: an unreleased lease only delays the next run until its short TTL ends.
            await this.#client.releaseLease(appName, machine.id, lease.nonce).catch(() => undefined);
        }
    }
    /**
     * Waits for this instance to be `started` and, at the same time, `stopped`, so a crash at boot is
     * reported when it happens instead of when wait-timeout runs out. Blocking waits, no polling.
     */
    async #waitForBoot(appName, id, instanceId, deadline) {
        const stop = new AbortController();
        const { signal } = stop;
        const watch = async (state) => {
            for (;;) {
                const remainingMs = deadline - this.#now();
                if (remainingMs <= 0)
                    return 'timeout';
                const slice = Math.min(waitSliceSeconds, Math.max(1, Math.ceil(remainingMs / 1000)));
                const result = await this.#client.wait(appName, id, state, instanceId, slice, signal);
                if (result === 'reached')
                    return state;
                if (result !== 'timeout')
                    return result;
            }
        };
        // Most boots take a second or two; the crash watch starts a little later so an ordinary boot
        // costs one request, and a crash is still reported moments after it happens.
        // Once the boot is decided the delay is cut short; what crashWatch then says is not read.
        const crashWatch = (0,promises_.setTimeout)(crashWatchDelayMs, undefined, { signal }).then(() => watch('stopped'), () => 'timeout');
        const watches = [watch('started'), crashWatch];
        try {
            return await Promise.race(watches);
        }
        finally {
            stop.abort();
            await Promise.allSettled(watches);
        }
    }
    /** Turns how a boot ended into an outcome, or into the machines to look at again. */
    async #afterBoot(request, machine, result, change, log) {
        const appName = request.appName;
        switch (result) {
            case 'started':
                log.info(`Machine ${machine.id} started (instance ${machine.instance_id})`);
                return { outcome: this.#ready(request, machine, change), machines: [] };
            case 'stopped':
            case 'timeout':
                return { outcome: await this.#failed(request, machine, result), machines: [] };
            case 'gone':
                log.info(`Machine ${machine.id} was removed while booting (a racing run converging); looking again`);
                return { machines: await this.#ourMachines(request) };
            case 'replaced': {
                const current = await this.#client.getMachine(appName, machine.id);
                if (current === undefined)
                    return { machines: await this.#ourMachines(request) };
                if (current.instance_id === machine.instance_id) {
                    throw new FlyApiError(`GET /v1/apps/${appName}/machines/${machine.id}/wait`, 400, 'the wait was refused');
                }
                log.info(`Machine ${machine.id} was updated by another run (instance ${current.instance_id}); looking again`);
                return { machines: [current] };
            }
        }
    }
    async #failed(request, machine, result) {
        const current = (await this.#client.getMachine(request.appName, machine.id)) ?? machine;
        const events = current.events ?? (await this.#client.events(request.appName, machine.id));
        const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
        const exitCode = exit?.exit_code;
        const seconds = Math.round(request.waitTimeoutMs / 1000);
        const reason = result === 'stopped'
            ? `The machine stopped during boot${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}.`
            : `The machine did not reach "started" within ${seconds} s (wait-timeout); it is "${current.state}".`;
        return {
            kind: 'failed',
            appName: request.appName,
            hostname: this.hostnameFor(request.appName),
            machineId: machine.id,
            region: current.region,
            reason,
            state: current.state,
            exitCode,
            recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
        };
    }
}

;// CONCATENATED MODULE: ./lib/fly/index.js


function createFlyProvider(options) {
    return new FlyProvider(options);
}


/***/ }),

/***/ 2165:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EP: () => (/* binding */ connectionErrorCode),
/* harmony export */   EY: () => (/* binding */ backoffDelay),
/* harmony export */   KO: () => (/* binding */ mayRetry),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   ur: () => (/* binding */ defaultRetryPolicy),
/* harmony export */   vQ: () => (/* binding */ neverSent),
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
// When a failed request may be tried again, and how long to wait first, within one overall deadline:
// the Fly client's policy (src/fly/). The GitHub client (src/github/) leaves retries to Octokit's
// plugins and uses only the connection-error facts at the end: which failures prove nothing was sent.
const defaultRetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 300,
    maxDelayMs: 8_000,
    budgetMs: 60_000,
};
/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
function parseRetryAfter(value, now = Date.now()) {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined)
        return undefined;
    const text = raw.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - now);
}
/** Exponential backoff with full jitter: spreads racing runs apart instead of retrying in lockstep. */
function backoffDelay(policy, attempt, random = Math.random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * random());
}
/**
 * Whether another attempt fits: attempts left and the wait ending before the budget does.
 * `elapsedMs` is time since the call began; `delayMs` the wait about to start.
 */
function mayRetry(policy, attempt, elapsedMs, delayMs) {
    return attempt < policy.maxAttempts && elapsedMs + delayMs <= policy.budgetMs;
}
/** Error codes of Node and undici for a connection that failed or broke; the request may be retried. */
const connectionErrorCodes = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
]);
/** The error code of a network failure, looking through `cause` chains (fetch and Octokit wrap them). */
function connectionErrorCode(error) {
    let current = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        const code = current.code;
        if (typeof code === 'string' && connectionErrorCodes.has(code))
            return code;
        current = current.cause;
    }
    return undefined;
}
/** Whether a connection error proves the request never reached the server (safe to send again). */
function neverSent(code) {
    return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT';
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/***/ })

};
