export const id = 480;
export const ids = [480];
export const modules = {

/***/ 1596:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Nu: () => (/* binding */ ApiAuthError),
/* harmony export */   XC: () => (/* binding */ JsonHttp),
/* harmony export */   hD: () => (/* binding */ ApiError),
/* harmony export */   nP: () => (/* binding */ ApiAmbiguousError)
/* harmony export */ });
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2165);


/** A call the platform answered with an error, or that could not be completed within the retry budget. */
class ApiError extends Error {
    api;
    call;
    status;
    detail;
    requestId;
    body;
    constructor(details, message) {
        const where = details.requestId === undefined ? '' : ` (request id ${details.requestId})`;
        super(message ??
            (details.status === undefined
                ? `${details.api}: ${details.call} failed: ${details.detail}${where}`
                : `${details.api}: ${details.call} failed with ${details.status}: ${details.detail}${where}`));
        this.name = 'ApiError';
        this.api = details.api;
        this.call = details.call;
        this.status = details.status;
        this.detail = details.detail;
        this.requestId = details.requestId;
        this.body = details.body;
    }
}
/** 401/403: retrying cannot help, so this is thrown after one request. */
class ApiAuthError extends ApiError {
    constructor(details, hint) {
        const where = details.requestId === undefined ? '' : `, request id ${details.requestId}`;
        super(details, `${details.api} refused the token (${details.status}${where}) for ${details.call}: ${details.detail}. ${hint}`);
        this.name = 'ApiAuthError';
    }
}
/**
 * A request that changes something was sent but no usable answer came back: the platform may or may
 * not have done it. Callers resolve this by looking, never by sending the same change again blindly.
 */
class ApiAmbiguousError extends ApiError {
    constructor(details) {
        super(details);
        this.name = 'ApiAmbiguousError';
    }
}
const retryableStatuses = new Set([500, 502, 503, 504]);
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}
function headerValue(value) {
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined || first === '' ? undefined : first;
}
class JsonHttp {
    #api;
    #origin;
    #basePath;
    #headers;
    #errorMessage;
    #requestIdHeader;
    #authHint;
    #platform;
    #definiteFailure;
    #attemptHeaders;
    #onResponse;
    #policy;
    #sleep;
    #random;
    #dispatcher;
    #ownsDispatcher;
    #debug;
    constructor(options) {
        const url = new URL(options.apiUrl);
        this.#api = options.api;
        this.#origin = url.origin;
        this.#basePath = url.pathname.replace(/\/+$/, '');
        this.#headers = {
            authorization: options.authorization,
            'user-agent': options.userAgent ?? 'fly-preview',
            accept: 'application/json',
        };
        this.#errorMessage = options.errorMessage;
        this.#requestIdHeader = options.requestIdHeader?.toLowerCase();
        this.#authHint = options.authHint;
        this.#platform = options.platform;
        this.#definiteFailure = options.definiteFailure ?? (() => undefined);
        this.#attemptHeaders = options.attemptHeaders;
        this.#onResponse = options.onResponse;
        this.#policy = options.retryPolicy ?? _retry_js__WEBPACK_IMPORTED_MODULE_1__/* .defaultRetryPolicy */ .ur;
        this.#sleep = options.sleep ?? _retry_js__WEBPACK_IMPORTED_MODULE_1__/* .sleep */ .yy;
        this.#random = options.random ?? Math.random;
        this.#ownsDispatcher = options.dispatcher === undefined;
        this.#dispatcher =
            options.dispatcher ?? new undici__WEBPACK_IMPORTED_MODULE_0__.Agent({ keepAliveTimeout: 30_000, connections: 16, headersTimeout: 30_000, bodyTimeout: 30_000 });
        this.#debug = options.debug ?? (() => { });
    }
    async close() {
        if (this.#ownsDispatcher)
            await this.#dispatcher.close();
    }
    /** The platform's message from an error body, else a short plain-text body, else the fallback. */
    #text(body, fallback) {
        if (typeof body === 'object' && body !== null) {
            const text = this.#errorMessage(body);
            return text === undefined || text === '' ? fallback : text;
        }
        return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
    }
    async call(method, path, options = {}) {
        const call = `${method} ${path}`;
        const api = this.#api;
        const idempotent = options.idempotent ?? (method === 'GET' || method === 'DELETE');
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(options.query ?? {})) {
            if (value === undefined)
                continue;
            if (Array.isArray(value))
                for (const item of value)
                    search.append(key, item);
            else
                search.set(key, String(value));
        }
        const query = search.toString();
        const fullPath = `${this.#basePath}${path}`;
        const target = `${this.#origin}${fullPath}${query === '' ? '' : `?${query}`}`;
        const headers = { ...this.#headers, ...options.headers };
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        const started = Date.now();
        for (let attempt = 1;; attempt++) {
            let status;
            let data;
            let retryAfter;
            let requestId;
            try {
                const response = await (0,undici__WEBPACK_IMPORTED_MODULE_0__.request)(target, {
                    method,
                    headers: this.#attemptHeaders === undefined ? headers : { ...headers, ...this.#attemptHeaders(fullPath) },
                    body,
                    dispatcher: this.#dispatcher,
                    signal: options.signal,
                    headersTimeout: options.headersTimeoutMs,
                });
                status = response.statusCode;
                retryAfter = response.headers['retry-after'];
                this.#onResponse?.(fullPath, response.headers);
                requestId = this.#requestIdHeader === undefined ? undefined : headerValue(response.headers[this.#requestIdHeader]);
                const text = await response.body.text();
                const type = String(response.headers['content-type'] ?? '');
                data = text === '' ? undefined : type.includes('json') ? safeJson(text) : text;
            }
            catch (error) {
                if (options.signal?.aborted === true)
                    throw error;
                const code = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .connectionErrorCode */ .EP)(error);
                // Only the error code travels on: undici errors can carry the request, headers included.
                const detail = code ?? (error instanceof Error ? error.message : String(error));
                const delay = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .backoffDelay */ .EY)(this.#policy, attempt, this.#random);
                const safe = idempotent || (code !== undefined && (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .neverSent */ .vQ)(code));
                if (code !== undefined && safe && (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .mayRetry */ .KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    this.#debug(`${call}: ${code}, retrying in ${delay} ms`);
                    await this.#sleep(delay);
                    continue;
                }
                if (!safe) {
                    throw new ApiAmbiguousError({ api, call, status: undefined, detail: `${detail} (the request was sent; its answer was lost)`, requestId: undefined });
                }
                throw new ApiError({ api, call, status: undefined, detail: `${detail} after ${attempt} attempt${attempt === 1 ? '' : 's'}`, requestId: undefined });
            }
            this.#debug(`${call} → ${status}${requestId === undefined ? '' : ` (${requestId})`}`);
            if ((status >= 200 && status < 300) || options.expect?.includes(status) === true)
                return { status, data: data, requestId };
            const details = { api, call, status, detail: this.#text(data, `HTTP ${status}`), requestId, body: data };
            if (status === 401 || status === 403)
                throw new ApiAuthError(details, this.#authHint);
            if (status === 429) {
                const askedMs = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .parseRetryAfter */ .mu)(retryAfter);
                const delay = askedMs ?? (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .backoffDelay */ .EY)(this.#policy, attempt, this.#random);
                if (!(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .mayRetry */ .KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    const who = this.#platform === undefined ? '' : `${this.#platform} `;
                    const asked = askedMs === undefined ? '' : `; ${who}asked to wait ${Math.ceil(askedMs / 1000)} s, beyond the retry budget`;
                    throw new ApiError({ ...details, detail: `${details.detail} (rate limited${asked})` });
                }
                this.#debug(`${call}: rate limited, retrying in ${delay} ms`);
                await this.#sleep(delay);
                continue;
            }
            const definite = status >= 500 ? this.#definiteFailure(data) : undefined;
            if (definite !== undefined)
                throw new ApiError({ ...details, detail: `${details.detail} (${definite})` });
            if (retryableStatuses.has(status)) {
                // A change answered with 5xx may still have been made, so only reads are simply repeated.
                if (!idempotent)
                    throw new ApiAmbiguousError(details);
                const delay = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .parseRetryAfter */ .mu)(retryAfter) ?? (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .backoffDelay */ .EY)(this.#policy, attempt, this.#random);
                if ((0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .mayRetry */ .KO)(this.#policy, attempt, Date.now() - started, delay)) {
                    this.#debug(`${call}: ${status}, retrying in ${delay} ms`);
                    await this.#sleep(delay);
                    continue;
                }
                throw new ApiError({ ...details, detail: `${details.detail} (gave up after ${attempt} attempts)` });
            }
            throw new ApiError(details);
        }
    }
}


/***/ }),

/***/ 8480:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createKoyebProvider: () => (/* binding */ createKoyebProvider)
});

// UNUSED EXPORTS: KoyebAuthError

// EXTERNAL MODULE: ./lib/retry.js
var retry = __webpack_require__(2165);
// EXTERNAL MODULE: ./lib/providers/http.js
var http = __webpack_require__(1596);
// EXTERNAL MODULE: ./lib/providers/revision.js
var revision = __webpack_require__(1161);
// EXTERNAL MODULE: ./lib/providers/settled.js
var settled = __webpack_require__(2131);
;// CONCATENATED MODULE: ./lib/providers/koyeb/client.js
// Typed Koyeb API calls (openapi.json `paths`). Each method is one request, or one paged listing;
// what to do with the answers is provider.ts's.

/** Page size for listings; the API's limit parameter is a string of a number (openapi.json ListApps). */
const pageSize = 100;
const id = (value) => encodeURIComponent(value);
/** The message of definitions.Error / ErrorWithFields, with its field errors, which say what was wrong. */
function koyebErrorMessage(body) {
    const { message, fields } = body;
    const described = (fields ?? [])
        .filter((f) => typeof f.field === 'string')
        .map((f) => `${f.field}: ${f.description ?? ''}`.trim());
    const text = typeof message === 'string' && message !== '' ? message : undefined;
    if (described.length === 0)
        return text;
    return `${text ?? 'validation error'} (${described.join('; ')})`;
}
/**
 * A 400 ErrorWithFields saying the name is taken: the only sign the API gives that a create lost
 * a race (koyeb-cli pkg/koyeb/databases_create.go reads it the same way).
 */
function alreadyExists(body) {
    const fields = body?.fields ?? [];
    return fields.some((f) => f.field === 'name' && /already exists/i.test(f.description ?? ''));
}
class KoyebClient {
    #http;
    constructor(options) {
        this.#http = new http/* JsonHttp */.XC({
            ...options,
            api: 'Koyeb API',
            authorization: `Bearer ${options.token}`,
            errorMessage: koyebErrorMessage,
            requestIdHeader: 'x-request-id',
            authHint: 'Check the koyeb-api-token input: it must be a valid Koyeb API token of the organization that should hold the previews (Organization settings → API).',
        });
    }
    close() {
        return this.#http.close();
    }
    /** Every item of a listing, page by page, until `has_next` (or `count`) says there are no more. */
    async #list(path, key, query) {
        const items = [];
        for (let offset = 0;;) {
            const { data } = await this.#http.call('GET', path, {
                query: { ...query, limit: String(pageSize), offset: String(offset) },
            });
            const page = data?.[key] ?? [];
            items.push(...page);
            offset += page.length;
            const more = data?.has_next ?? (data?.count !== undefined && offset < data.count);
            if (!more || page.length === 0)
                return items;
        }
    }
    /** The app of exactly this name; the `name` filter alone is not trusted to be an exact match. */
    async findApp(name) {
        const apps = await this.#list('/v1/apps', 'apps', { name });
        return apps.find((app) => app.name === name);
    }
    /** Every app of the organization the token belongs to (for a sweep). */
    listApps() {
        return this.#list('/v1/apps', 'apps', {});
    }
    /** undefined when it is gone. */
    async getApp(appId) {
        const { status, data } = await this.#http.call('GET', `/v1/apps/${id(appId)}`, { expect: [404] });
        return status === 404 ? undefined : data.app;
    }
    /** 'exists' when the name is already taken (by a racing run, or by somebody else). */
    async createApp(body) {
        const answer = await this.#http.call('POST', '/v1/apps', { body, expect: [400] });
        if (answer.status === 200)
            return answer.data.app;
        return this.#exists('POST /v1/apps', answer);
    }
    /** A 400 to a create: 'exists' for a taken name, any other validation error is thrown as it came. */
    #exists(call, { status, data, requestId }) {
        if (alreadyExists(data))
            return 'exists';
        throw new http/* ApiError */.hD({ api: 'Koyeb API', call, status, detail: koyebErrorMessage(data) ?? `HTTP ${status}`, requestId, body: data });
    }
    /** 'absent' when it was already gone. Deleting an app deletes its services. */
    async deleteApp(appId) {
        const { status } = await this.#http.call('DELETE', `/v1/apps/${id(appId)}`, { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    /** The services of one app, or of the whole organization when no app is named (for a sweep). */
    listServices(appId) {
        return this.#list('/v1/services', 'services', { app_id: appId });
    }
    async getService(serviceId) {
        const { status, data } = await this.#http.call('GET', `/v1/services/${id(serviceId)}`, { expect: [404] });
        return status === 404 ? undefined : data.service;
    }
    /** The created service carries `latest_deployment_id`, the deployment it started. */
    async createService(body) {
        const answer = await this.#http.call('POST', '/v1/services', { body, expect: [400] });
        if (answer.status === 200)
            return answer.data.service;
        return this.#exists('POST /v1/services', answer);
    }
    /** Replaces the definition, which starts a new deployment (`latest_deployment_id`). */
    async updateService(serviceId, body) {
        const { data } = await this.#http.call('PUT', `/v1/services/${id(serviceId)}`, { body });
        return data.service;
    }
    async deleteService(serviceId) {
        const { status } = await this.#http.call('DELETE', `/v1/services/${id(serviceId)}`, { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    async getDeployment(deploymentId) {
        const { status, data } = await this.#http.call('GET', `/v1/deployments/${id(deploymentId)}`, { expect: [404] });
        return status === 404 ? undefined : data.deployment;
    }
    async listInstances(deploymentId) {
        const { data } = await this.#http.call('GET', '/v1/instances', {
            query: { deployment_id: deploymentId, limit: '20' },
        });
        return data?.instances ?? [];
    }
    async listInstanceEvents(instanceIds, limit) {
        const { data } = await this.#http.call('GET', '/v1/instance_events', {
            query: { instance_ids: instanceIds, limit: String(limit) },
        });
        return data?.events ?? [];
    }
    /** Secrets whose names start with this prefix (Koyeb's name filter matches anywhere in the name). */
    async listSecretsStartingWith(prefix) {
        const secrets = await this.#list('/v1/secrets', 'secrets', { name: prefix });
        return secrets.filter((secret) => secret.name.startsWith(prefix));
    }
    /** The secret of exactly this name (secrets are named per organization). */
    async findSecret(name) {
        const secrets = await this.#list('/v1/secrets', 'secrets', { name });
        return secrets.find((secret) => secret.name === name);
    }
    async createSecret(name, value) {
        const answer = await this.#http.call('POST', '/v1/secrets', {
            body: { name, type: 'SIMPLE', value },
            expect: [400],
        });
        if (answer.status === 200)
            return answer.data.secret;
        return this.#exists('POST /v1/secrets', answer);
    }
    /** The stored value, so an unchanged secret costs no write and a changed one is known to need a new deployment. */
    async revealSecret(secretId) {
        const { data } = await this.#http.call('POST', `/v1/secrets/${id(secretId)}/reveal`, { body: {}, idempotent: true });
        return typeof data?.value === 'string' ? data.value : undefined;
    }
    /** Sets the value (PATCH, as koyeb-cli's `secrets update` does); setting the same value twice is harmless. */
    async updateSecret(secretId, value) {
        await this.#http.call('PATCH', `/v1/secrets/${id(secretId)}`, { body: { value }, idempotent: true });
    }
    async deleteSecret(secretId) {
        const { status } = await this.#http.call('DELETE', `/v1/secrets/${id(secretId)}`, { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/provider.js





/** Every preview's service has this name, so racing creates in one app collide on it and converge. */
const serviceName = 'preview';
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
const ready = new Set(['HEALTHY', 'SLEEPING']);
/** States on the way to ready (koyeb-cli pkg/koyeb/services_update.go waits through the same ones). */
const progressing = new Set(['PENDING', 'PROVISIONING', 'SCHEDULED', 'ALLOCATING', 'STARTING', 'CANCELING', 'STOPPING']);
/** An owner label as an env key: uppercase letters, digits and underscores. */
function markerKey(label) {
    return label.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
function envValue(definition, key) {
    return definition?.env?.find((e) => e.key === key)?.value;
}
/** A service is ours when its definition carries every owner label as a marker env var. */
function carries(definition, labels) {
    return definition !== undefined && Object.entries(labels).every(([label, value]) => envValue(definition, markerKey(label)) === value);
}
/**
 * Secret names are per organization: the app name keeps previews apart, the key keeps values apart.
 * App names hold no underscore, so the first one ends the app name and no two previews share a name.
 */
function secretName(appName, key) {
    return `${appName}_${key}`;
}
/**
 * The secrets a definition refers to that this action named for the app: a secret someone else added
 * to the service by hand is theirs, and stays.
 */
function ownSecrets(definition, appName) {
    return (definition?.env ?? []).flatMap((e) => (e.secret?.startsWith(`${appName}_`) ? [e.secret] : []));
}
function desiredDefinition(request) {
    const scopes = [`region:${request.region}`];
    const markers = {
        ...Object.fromEntries(Object.entries(request.ownerLabels).map(([label, value]) => [markerKey(label), value])),
        [revisionKey]: request.revision.id,
        [orderKey]: String(request.revision.order),
    };
    const secrets = request.secrets;
    const env = [
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
function lifeCycle(request) {
    // delete_after_sleep counts from sleep, so it only means something for a service that can sleep.
    if (request.ttlSeconds === undefined || request.autostop === 'off')
        return undefined;
    return { delete_after_sleep: request.ttlSeconds };
}
/** JSON with sorted keys, so definitions compare by content whatever order Koyeb echoes them in. */
function canonical(value) {
    return JSON.stringify(value, (_, v) => typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v);
}
/**
 * Whether the deployed definition is what we would send. Koyeb echoes definitions with defaults
 * filled in, so only what this action sets is compared; the order marker is left out, since a later
 * event for the same commit needs no new deployment.
 */
function sameDefinition(current, desired) {
    if (current === undefined)
        return false;
    const fingerprint = (d) => canonical({
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
function deployedRevision(definition) {
    return { id: envValue(definition, revisionKey) ?? '', order: Number(envValue(definition, orderKey) ?? 0) || 0 };
}
function describeEvent(e) {
    return [e.when, e.type, e.message].filter((part) => part !== undefined && part !== '').join(' ');
}
/** The public hostname as the API reports it; never built from the name, since its form has changed over time. */
function reportedHostname(app) {
    return app?.domains?.find((d) => d.type === 'AUTOASSIGNED')?.name;
}
/** How many deployments a sweep reads at once: parallel, but not a storm. */
const sweepConcurrency = 8;
class KoyebProvider {
    #client;
    #now;
    #sleep;
    #pollIntervalsMs;
    #lookAgainDelaysMs;
    /** Hostnames as the API reported them, by app name, for hostnameFor. */
    #hostnames = new Map();
    #extras;
    constructor(options) {
        this.#extras = { ttlSeconds: options.ttlSeconds, instanceType: options.instanceType, healthCheckPath: options.healthCheckPath };
        this.#client = new KoyebClient(options);
        this.#now = options.now ?? Date.now;
        this.#sleep = options.sleep ?? retry/* sleep */.yy;
        this.#pollIntervalsMs = options.pollIntervalsMs ?? defaultPollIntervalsMs;
        this.#lookAgainDelaysMs = options.lookAgainDelaysMs ?? defaultLookAgainDelaysMs;
    }
    close() {
        return this.#client.close();
    }
    /**
     * Koyeb assigns the public domain when the app is created and the API is the only source of it,
     * so before this provider has seen the app there is nothing to say: undefined, never a guess.
     */
    hostnameFor(appName) {
        return this.#hostnames.get(appName);
    }
    async deploy(given, log) {
        const request = {
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
    async destroy(target, log) {
        // Secrets are named per organization: a run that failed before any service referred to them
        // (or before the app existed) left them behind, so they are found by name, not through services.
        const [app, named] = await (0,settled/* settled */.g)([
            this.#client.findApp(target.appName),
            this.#client.listSecretsStartingWith(secretName(target.appName, '')),
        ]);
        if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED') {
            await this.#deleteSecrets(named, log);
            return { kind: 'absent', appName: target.appName };
        }
        const services = (await this.#client.listServices(app.id)).filter((s) => s.status !== 'DELETING' && s.status !== 'DELETED');
        const definitions = await (0,settled/* settled */.g)(services.map((s) => this.#definitionOf(s)));
        const ours = services.filter((_, i) => carries(definitions[i], target.ownerLabels));
        const foreign = services.filter((_, i) => !carries(definitions[i], target.ownerLabels));
        // A service someone else runs in the app keeps the secrets it refers to.
        const kept = new Set(definitions.filter((d) => !carries(d, target.ownerLabels)).flatMap((d) => ownSecrets(d, target.appName)));
        const secrets = named.filter((s) => !kept.has(s.name));
        let outcome;
        if (foreign.length === 0) {
            if ((await this.#client.deleteApp(app.id)) === 'absent') {
                await this.#deleteSecrets(secrets, log);
                return { kind: 'absent', appName: target.appName };
            }
            log.info(`Deleted Koyeb app ${target.appName} with its services`);
            outcome = { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((s) => s.id) };
        }
        else {
            await (0,settled/* settled */.g)(ours.map((s) => this.#client.deleteService(s.id)));
            const named = foreign.map((s) => `${s.id} (${s.name})`).join(', ');
            log.warning(`Koyeb app ${target.appName} also holds services fly-preview did not create: ${named}. ` +
                `Deleted only this preview's service${ours.length === 0 ? ' (there was none)' : ''} and kept the app.`);
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
    async listPreviews(scope, log) {
        const [apps, services] = await (0,settled/* settled */.g)([this.#client.listApps(), this.#client.listServices()]);
        const live = apps.filter((a) => a.status !== 'DELETING' && a.status !== 'DELETED');
        const appNames = new Map(live.map((a) => [a.id, a.name]));
        const candidates = services.filter((s) => s.name === serviceName && appNames.has(s.app_id) && s.status !== 'DELETING' && s.status !== 'DELETED');
        const byApp = new Map();
        for (let i = 0; i < candidates.length; i += sweepConcurrency) {
            const batch = candidates.slice(i, i + sweepConcurrency);
            const deployments = await (0,settled/* settled */.g)(batch.map((s) => (s.latest_deployment_id === undefined ? Promise.resolve(undefined) : this.#client.getDeployment(s.latest_deployment_id))));
            batch.forEach((service, j) => {
                const definition = deployments[j]?.definition;
                if (!carries(definition, scope.labels))
                    return;
                const appName = appNames.get(service.app_id) ?? '';
                const listing = byApp.get(appName) ?? { appName, machines: [] };
                listing.machines.push({
                    id: service.id,
                    labels: Object.fromEntries([...new Set([...Object.keys(scope.labels), ...scope.keys])].flatMap((k) => {
                        const value = envValue(definition, markerKey(k));
                        return value === undefined ? [] : [[k, value]];
                    })),
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
    async busy(_appName, machineIds) {
        const statuses = await (0,settled/* settled */.g)(machineIds.map(async (id) => {
            const service = await this.#client.getService(id);
            const deploymentId = service?.latest_deployment_id;
            if (deploymentId === undefined || deploymentId === '')
                return undefined;
            return (await this.#client.getDeployment(deploymentId))?.status;
        }));
        return statuses.some((status) => status !== undefined && progressing.has(status));
    }
    /** The definition a service runs (or is rolling out): its latest deployment's. */
    async #definitionOf(service) {
        if (service.latest_deployment_id === undefined || service.latest_deployment_id === '')
            return undefined;
        return (await this.#client.getDeployment(service.latest_deployment_id))?.definition;
    }
    async #deleteSecrets(secrets, log) {
        await (0,settled/* settled */.g)(secrets.map(async (secret) => {
            if ((await this.#client.deleteSecret(secret.id)) === 'deleted')
                log.info(`Deleted Koyeb secret ${secret.name}`);
        }));
    }
    async #deleteSecretsNamed(names, log) {
        const found = await (0,settled/* settled */.g)(names.map((name) => this.#client.findSecret(name)));
        await this.#deleteSecrets(found.filter((s) => s !== undefined), log);
    }
    /** Looks for something a create said exists: Koyeb's listings may not show a new item at once. */
    async #lookAgain(look) {
        for (const delayMs of [0, ...this.#lookAgainDelaysMs]) {
            if (delayMs > 0)
                await this.#sleep(delayMs);
            const found = await look();
            if (found !== undefined)
                return found;
        }
        return undefined;
    }
    /** The app, created when missing; `fresh` when this run created it (so it holds no service yet). */
    async #ensureApp(request, log) {
        const name = request.appName;
        const existing = await this.#client.findApp(name);
        if (existing !== undefined)
            return { app: existing, fresh: false };
        log.changing();
        const lifecycle = request.ttlSeconds === undefined ? {} : { life_cycle: { delete_when_empty: true } };
        let created;
        try {
            created = await this.#client.createApp({ name, ...lifecycle });
        }
        catch (error) {
            if (!(error instanceof http/* ApiAmbiguousError */.nP))
                throw error;
            log.info(`The answer to creating Koyeb app ${name} was lost (${error.detail}); looking before creating again`);
            const made = await this.#lookAgain(() => this.#client.findApp(name));
            if (made !== undefined)
                return { app: made, fresh: false };
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
    async #ensureSecrets(request, log) {
        const changed = await (0,settled/* settled */.g)(Object.entries(request.secrets).map(async ([key, value]) => {
            const name = secretName(request.appName, key);
            let secret = await this.#client.findSecret(name);
            if (secret === undefined) {
                log.changing();
                let created;
                try {
                    created = await this.#client.createSecret(name, value);
                }
                catch (error) {
                    if (!(error instanceof http/* ApiAmbiguousError */.nP))
                        throw error;
                    created = 'exists';
                }
                if (created !== 'exists') {
                    log.info(`Created Koyeb secret ${name} for ${key}`);
                    return false;
                }
                secret = await this.#lookAgain(() => this.#client.findSecret(name));
                if (secret === undefined)
                    created = await this.#client.createSecret(name, value);
                if (secret === undefined && created === 'exists')
                    throw new Error(`The Koyeb secret ${name} exists but cannot be read with this token.`);
                if (secret === undefined)
                    return false;
            }
            // Compared in memory only; the value is never logged.
            if ((await this.#client.revealSecret(secret.id)) === value)
                return false;
            log.changing();
            await this.#client.updateSecret(secret.id, value);
            log.info(`Updated the value of Koyeb secret ${name} for ${key}`);
            return true;
        }));
        return changed.includes(true);
    }
    /** Secrets the previous definition referred to and the new one does not: keys removed from the input. */
    async #dropUnusedSecrets(appName, previous, current, log) {
        const used = new Set(ownSecrets(current, appName));
        await this.#deleteSecretsNamed([...new Set(ownSecrets(previous, appName).filter((name) => !used.has(name)))], log);
    }
    async #ourService(request, appId) {
        const service = (await this.#client.listServices(appId)).find((s) => s.name === serviceName && s.status !== 'DELETING' && s.status !== 'DELETED');
        if (service === undefined)
            return undefined;
        const deployment = service.latest_deployment_id === undefined ? undefined : await this.#client.getDeployment(service.latest_deployment_id);
        if (deployment?.definition !== undefined && !carries(deployment.definition, request.ownerLabels)) {
            throw new Error(`Koyeb app ${request.appName} already holds a service "${serviceName}" that fly-preview did not create for this pull request ` +
                `(${service.id}). Choose another name with the app-name input.`);
        }
        return { service, deployment };
    }
    /** Look, act, wait; again when a racing run changed the service under us. */
    async #converge(request, app, fresh, definition, deadline, log) {
        let found = fresh ? undefined : await this.#ourService(request, app.id);
        /** The definition the service ran before this run, whose secrets may now be unused. */
        const before = found?.deployment?.definition;
        /**
         * Written once this run knows it is not superseded, so an older run never overwrites the values a
         * newer one deployed; undefined until then. A new secret value reaches the service only through a
         * new deployment, which no other run starts for us.
         */
        let redeploy;
        const ensureSecrets = async () => {
            redeploy ??= await this.#ensureSecrets(request, log);
        };
        /** Set when our own create went through though its answer was lost: what we wait on, we created. */
        let createdUnseen = false;
        for (let round = 1; round <= maxRounds; round++) {
            let service;
            let change;
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
            }
            else {
                const { deployment } = found;
                service = found.service;
                const deployed = deployedRevision(deployment?.definition);
                if ((0,revision/* supersedes */.G)(deployed, request.revision)) {
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
                }
                else {
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
    async #createService(request, app, definition, log) {
        const life = lifeCycle(request);
        const body = { app_id: app.id, name: serviceName, definition, ...(life === undefined ? {} : { life_cycle: life }) };
        log.changing();
        let created;
        let lost = false;
        try {
            created = await this.#client.createService(body);
        }
        catch (error) {
            if (!(error instanceof http/* ApiAmbiguousError */.nP))
                throw error;
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
        if (retried === 'exists')
            throw new Error(`Koyeb says service "${serviceName}" exists in app ${request.appName}, but it cannot be listed.`);
        log.info(`Created Koyeb service ${retried.id}`);
        return { kind: 'created', service: retried };
    }
    async #updateService(request, service, definition, log) {
        const life = lifeCycle(request);
        const body = { definition, ...(life === undefined ? {} : { life_cycle: life }) };
        log.changing();
        try {
            const updated = await this.#client.updateService(service.id, body);
            log.info(`Updated Koyeb service ${updated.id}: new deployment ${updated.latest_deployment_id ?? ''}`);
            return updated;
        }
        catch (error) {
            if (!(error instanceof http/* ApiAmbiguousError */.nP))
                throw error;
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
    async #wait(deploymentId, deadline, justStarted, budgetMs) {
        const pauseFor = (poll) => (0,retry/* pollPause */.Gn)(this.#pollIntervalsMs, poll, budgetMs);
        let last;
        if (justStarted)
            await this.#sleep(Math.min(pauseFor(0), Math.max(0, deadline - this.#now())));
        for (let poll = justStarted ? 1 : 0;; poll++) {
            last = await this.#client.getDeployment(deploymentId);
            if (last !== undefined && ready.has(last.status))
                return { kind: 'ready', deployment: last };
            if (last === undefined)
                return { kind: 'gone', deployment: undefined, deploymentId };
            if (!progressing.has(last.status))
                return { kind: 'ended', deployment: last };
            const remaining = deadline - this.#now();
            if (remaining <= 0)
                return { kind: 'timeout', deployment: last };
            await this.#sleep(Math.min(pauseFor(poll), remaining));
        }
    }
    async #place(request, app, service) {
        let hostname = reportedHostname(app);
        // The create answer may predate the domain's assignment; the app read again carries it.
        if (hostname === undefined)
            hostname = reportedHostname(await this.#client.getApp(app.id));
        if (hostname !== undefined)
            this.#hostnames.set(request.appName, hostname);
        return { appName: request.appName, hostname: hostname ?? '', machineId: service.id, region: request.region };
    }
    async #failed(request, app, service, result) {
        const deployment = result.deployment;
        const instances = deployment === undefined ? [] : await this.#client.listInstances(deployment.id);
        const failing = instances.find((i) => i.status === 'ERROR' || i.status === 'UNHEALTHY' || i.status === 'STOPPED') ?? instances[instances.length - 1];
        const events = failing === undefined ? [] : await this.#client.listInstanceEvents([failing.id], recentEventCount);
        const messages = [...(failing?.messages ?? []), ...(deployment?.messages ?? [])].filter((m, i, all) => m !== '' && all.indexOf(m) === i);
        const said = messages.length === 0 ? '' : `: ${messages.join(' ')}`;
        const state = result.kind === 'gone' ? 'DELETED' : result.deployment.status;
        const reason = result.kind === 'gone'
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

;// CONCATENATED MODULE: ./lib/providers/koyeb/index.js


function createKoyebProvider(options) {
    return new KoyebProvider(options);
}


/***/ }),

/***/ 1161:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ supersedes)
/* harmony export */ });
/**
 * Whether what is deployed stands over what a run asks for. A later or equal order of another
 * revision wins: on a tie the one already deployed stays, so two runs never trade places. The same
 * revision is never superseded, and nothing recorded (an empty id) never supersedes.
 */
function supersedes(deployed, requested) {
    return deployed.id !== '' && deployed.id !== requested.id && deployed.order >= requested.order;
}


/***/ }),

/***/ 2131:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ settled)
/* harmony export */ });
/**
 * Promise.all that lets every call finish before rethrowing the first failure, so no request is
 * still under way (or still changing something) after deploy or destroy has returned.
 */
async function settled(calls) {
    const results = await Promise.allSettled(calls);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure !== undefined)
        throw failure.reason;
    return results.map((r) => r.value);
}


/***/ }),

/***/ 2165:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EP: () => (/* binding */ connectionErrorCode),
/* harmony export */   EY: () => (/* binding */ backoffDelay),
/* harmony export */   Gn: () => (/* binding */ pollPause),
/* harmony export */   KO: () => (/* binding */ mayRetry),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   ur: () => (/* binding */ defaultRetryPolicy),
/* harmony export */   vQ: () => (/* binding */ neverSent),
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
// When a failed request may be tried again, and how long to wait first, within one overall deadline:
// the policy of every platform client (Fly, Koyeb, ComfyDeploy), applied in src/providers/http.ts. The
// GitHub client (src/github/) leaves retries to Octokit's plugins and uses only the connection-error
// facts at the end: which failures prove nothing was sent.
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
/**
 * The pause before poll number `poll` (0-based) of a status that has no blocking wait: the given
 * intervals, the last repeating, but no longer than a twentieth of the whole budget (nor, for that
 * reason, shorter than a second), so a short wait-timeout is not mostly spent asleep past the moment
 * the answer changed, and a long one is not polled in a storm.
 */
function pollPause(intervalsMs, poll, budgetMs) {
    const interval = intervalsMs[Math.min(poll, intervalsMs.length - 1)] ?? 1_000;
    return Math.min(interval, Math.max(1_000, Math.floor(budgetMs / 20)));
}


/***/ })

};
