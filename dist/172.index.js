export const id = 172;
export const ids = [172];
export const modules = {

/***/ 7300:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ canonical)
/* harmony export */ });
/**
 * JSON with sorted keys, so what the platform echoes compares by content whatever order it puts the
 * keys in (Fly's machine configs and the secrets digest, Koyeb's service definitions, ComfyDeploy's
 * docker_command_steps).
 */
function canonical(value) {
    return JSON.stringify(value, (_, v) => typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v);
}


/***/ }),

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

/***/ 7791:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createKoyebProvider: () => (/* binding */ createKoyebProvider)
});

// UNUSED EXPORTS: KoyebAuthError

// EXTERNAL MODULE: ./lib/providers/revision.js
var revision = __webpack_require__(1161);
// EXTERNAL MODULE: ./lib/providers/http.js
var http = __webpack_require__(1596);
// EXTERNAL MODULE: ./lib/providers/polling.js
var polling = __webpack_require__(749);
;// CONCATENATED MODULE: ./lib/providers/koyeb/app.js


/** The app, created when missing; `fresh` when this run created it (so it holds no service yet). */
async function ensureApp(ctx, request, log) {
    const client = ctx.client;
    const name = request.appName;
    const existing = await client.findApp(name);
    if (existing !== undefined)
        return { app: existing, fresh: false };
    log.changing();
    const lifecycle = request.ttlSeconds === undefined ? {} : { life_cycle: { delete_when_empty: true } };
    let created;
    try {
        created = await client.createApp({ name, ...lifecycle });
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
        log.info(`The answer to creating Koyeb app ${name} was lost (${error.detail}); looking before creating again`);
        const made = await (0,polling/* lookAgain */.IK)(ctx, () => client.findApp(name));
        if (made !== undefined)
            return { app: made, fresh: false };
        created = await client.createApp({ name, ...lifecycle });
    }
    if (created !== 'exists') {
        log.info(`Created Koyeb app ${name}`);
        return { app: created, fresh: true };
    }
    const again = await (0,polling/* lookAgain */.IK)(ctx, () => client.findApp(name));
    if (again === undefined) {
        throw new Error(`The Koyeb app name "${name}" is taken, but the app is not in this token's organization. Choose another name with the app-name input.`);
    }
    log.info(`Koyeb app ${name} was just created by another run; using it`);
    return { app: again, fresh: false };
}
/** The public hostname as the API reports it; never built from the name, since its form has changed over time. */
function reportedHostname(app) {
    return app?.domains?.find((d) => d.type === 'AUTOASSIGNED')?.name;
}
/** Where an outcome points: the app's reported hostname (remembered for hostnameFor) and the service. */
async function place(ctx, request, app, service) {
    let hostname = reportedHostname(app);
    // The create answer may predate the domain's assignment; the app read again carries it.
    if (hostname === undefined)
        hostname = reportedHostname(await ctx.client.getApp(app.id));
    if (hostname !== undefined)
        ctx.hostnames.set(request.appName, hostname);
    return { appName: request.appName, hostname: hostname ?? '', machineId: service.id, region: request.region };
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/client.js
// Typed Koyeb API calls (openapi.json `paths`). Each method is one request, or one paged listing;
// what to do with the answers is the phase modules' (app.ts, secrets.ts, service.ts, …).

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
    /**
     * Resumes a paused service; Koyeb allows it only from `PAUSED` (openapi.json
     * `.paths["/v1/services/{id}/resume"].post.description`) and answers the 400 otherwise, so a
     * resume whose answer was lost is resolved by reading the service, never by sending it again.
     */
    async resumeService(serviceId) {
        await this.#http.call('POST', `/v1/services/${id(serviceId)}/resume`);
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
    /** Sets the value (PATCH, as koyeb-cli's `secrets update` does); setting the same value twice is harmless. */
    async updateSecret(secretId, value) {
        await this.#http.call('PATCH', `/v1/secrets/${id(secretId)}`, { body: { value }, idempotent: true });
    }
    async deleteSecret(secretId) {
        const { status } = await this.#http.call('DELETE', `/v1/secrets/${id(secretId)}`, { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/context.js


const defaultPollIntervalsMs = [1_000, 2_000, 3_000, 5_000];
const defaultLookAgainDelaysMs = [500, 1_000, 2_000, 4_000];
function koyebContext(options) {
    const phases = (0,polling/* phaseContext */.LQ)(new KoyebClient(options), options, {
        pollIntervalsMs: defaultPollIntervalsMs,
        lookAgainDelaysMs: defaultLookAgainDelaysMs,
    });
    return { ...phases, hostnames: new Map(), dispatcher: options.dispatcher, token: options.token };
}

// EXTERNAL MODULE: ./lib/providers/canonical.js
var canonical = __webpack_require__(7300);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./lib/providers/settled.js
var settled = __webpack_require__(2131);
;// CONCATENATED MODULE: ./lib/providers/koyeb/secrets.js
// The preview's secrets: named per app in the organization's one namespace, created or updated
// before a deployment refers to them, and deleted once nothing of ours refers to them any more.
// Their values are never read back: the definition carries a digest of them instead.





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
/**
 * What the service definition carries of the secrets' values: an HMAC keyed by the API token, which
 * tells a changed value without showing one (as Fly's machine metadata does, fly/secrets.ts). Koyeb
 * secrets have no field of their own to keep it in (koyeb-openapi.json definitions.Secret).
 */
function secretsDigest(ctx, secrets) {
    if (Object.keys(secrets).length === 0)
        return undefined;
    return (0,external_node_crypto_.createHmac)('sha256', ctx.token).update((0,canonical/* canonical */.$)(secrets)).digest('hex').slice(0, 32);
}
/**
 * Every secret exists with the input's value; a lost or racing create is looked up, not repeated.
 * `current` when the deployed definition carries the digest of these values: they are the ones set,
 * and an existing secret is left alone. Otherwise each existing one is written, since its value is
 * never read back (no `POST /v1/secrets/{id}/reveal`); the changed digest makes a new deployment.
 */
async function ensureSecrets(ctx, request, current, log) {
    await (0,settled/* settled */.g)(Object.entries(request.secrets).map(([key, value]) => ensureSecret(ctx, secretName(request.appName, key), key, value, current, log)));
}
/** One secret of ensureSecrets; `current` when its value is known to be the input's already. */
async function ensureSecret(ctx, name, key, value, current, log) {
    const client = ctx.client;
    let secret = await client.findSecret(name);
    if (secret === undefined) {
        log.changing();
        let created;
        try {
            created = await client.createSecret(name, value);
        }
        catch (error) {
            if (!(error instanceof http/* ApiAmbiguousError */.nP))
                throw error;
            created = 'exists';
        }
        if (created !== 'exists') {
            log.info(`Created Koyeb secret ${name} for ${key}`);
            return;
        }
        secret = await (0,polling/* lookAgain */.IK)(ctx, () => client.findSecret(name));
        if (secret === undefined)
            created = await client.createSecret(name, value);
        if (secret === undefined && created === 'exists')
            throw new Error(`The Koyeb secret ${name} exists but cannot be read with this token.`);
        if (secret === undefined)
            return;
    }
    if (current)
        return;
    log.changing();
    await client.updateSecret(secret.id, value);
    log.info(`Set the value of Koyeb secret ${name} for ${key}`);
}
/** Secrets the previous definition referred to and the new one does not: keys removed from the input. */
async function dropUnusedSecrets(ctx, appName, previous, current, log) {
    const used = new Set(ownSecrets(current, appName));
    const names = [...new Set(ownSecrets(previous, appName).filter((name) => !used.has(name)))];
    const found = await (0,settled/* settled */.g)(names.map((name) => ctx.client.findSecret(name)));
    await deleteSecrets(ctx, found.filter((s) => s !== undefined), log);
}
async function deleteSecrets(ctx, secrets, log) {
    await (0,settled/* settled */.g)(secrets.map(async (secret) => {
        if ((await ctx.client.deleteSecret(secret.id)) === 'deleted')
            log.info(`Deleted Koyeb secret ${secret.name}`);
    }));
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/definition.js


/** Every preview's service has this name, so racing creates in one app collide on it and converge. */
const serviceName = 'preview';
/** Env keys for what is deployed; the owner labels become env keys too (see markerKey). */
const revisionKey = 'FLY_PREVIEW_SHA';
const orderKey = 'FLY_PREVIEW_ORDER';
/**
 * A digest of the secrets' values (secrets.ts secretsDigest): a changed value changes the definition,
 * and so reaches the service through a new deployment, without any value being read back.
 */
const secretsDigestKey = 'FLY_PREVIEW_SECRETS_DIGEST';
/** Seconds without a request before an idle preview sleeps. */
const idleSeconds = 300;
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
/** The digest of the secrets' values a definition carries; undefined when it refers to no secret of ours. */
function secretsDigestOf(definition) {
    return envValue(definition, secretsDigestKey);
}
function desiredDefinition(request, secretsDigest) {
    const scopes = [`region:${request.region}`];
    const markers = {
        ...Object.fromEntries(Object.entries(request.ownerLabels).map(([label, value]) => [markerKey(label), value])),
        [revisionKey]: request.revision.id,
        [orderKey]: String(request.revision.order),
        ...(secretsDigest === undefined ? {} : { [secretsDigestKey]: secretsDigest }),
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
/**
 * Whether the deployed definition is what we would send. Koyeb echoes definitions with defaults
 * filled in, so only what this action sets is compared; the order marker is left out, since a later
 * event for the same commit needs no new deployment.
 */
function sameDefinition(current, desired) {
    if (current === undefined)
        return false;
    const fingerprint = (d) => (0,canonical/* canonical */.$)({
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

;// CONCATENATED MODULE: ./lib/providers/koyeb/service.js



/**
 * The deployment the service runs or is rolling out, if it has one. The field is a proto3 string
 * (koyeb-openapi.json definitions.Service): a service without one may carry "" as well as leave it
 * out, and koyeb-cli tests it against "" (pkg/koyeb/sandbox.go).
 */
function latestDeploymentId(service) {
    const deploymentId = service?.latest_deployment_id;
    return deploymentId === undefined || deploymentId === '' ? undefined : deploymentId;
}
async function ourService(ctx, request, appId) {
    const service = (await ctx.client.listServices(appId)).find((s) => s.name === serviceName && s.status !== 'DELETING' && s.status !== 'DELETED');
    if (service === undefined)
        return undefined;
    const deploymentId = latestDeploymentId(service);
    const deployment = deploymentId === undefined ? undefined : await ctx.client.getDeployment(deploymentId);
    if (deployment?.definition !== undefined && !carries(deployment.definition, request.ownerLabels)) {
        throw new Error(`Koyeb app ${request.appName} already holds a service "${serviceName}" that fly-preview did not create for this pull request ` +
            `(${service.id}). Choose another name with the app-name input.`);
    }
    return { service, deployment };
}
/** The definition a service runs (or is rolling out): its latest deployment's. */
async function definitionOf(ctx, service) {
    const deploymentId = latestDeploymentId(service);
    return deploymentId === undefined ? undefined : (await ctx.client.getDeployment(deploymentId))?.definition;
}
async function createService(ctx, request, app, definition, log) {
    const life = lifeCycle(request);
    const body = { app_id: app.id, name: serviceName, definition, ...(life === undefined ? {} : { life_cycle: life }) };
    log.changing();
    let created;
    let lost = false;
    try {
        created = await ctx.client.createService(body);
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
        log.info(`The answer to creating the service was lost (${error.detail}); looking before creating again`);
        created = 'exists';
        lost = true;
    }
    if (created !== 'exists') {
        log.info(`Created Koyeb service ${created.id} (deployment ${latestDeploymentId(created) ?? 'pending'})`);
        return { kind: 'created', service: created };
    }
    const found = await (0,polling/* lookAgain */.IK)(ctx, () => ourService(ctx, request, app.id));
    if (found !== undefined) {
        log.info(`Service ${found.service.id} was already created (by a racing run or the lost request); using it`);
        return { kind: 'found', found, lostOurs: lost };
    }
    const retried = await ctx.client.createService(body);
    if (retried === 'exists')
        throw new Error(`Koyeb says service "${serviceName}" exists in app ${request.appName}, but it cannot be listed.`);
    log.info(`Created Koyeb service ${retried.id}`);
    return { kind: 'created', service: retried };
}
async function updateService(ctx, request, service, definition, log) {
    const life = lifeCycle(request);
    const body = { definition, ...(life === undefined ? {} : { life_cycle: life }) };
    log.changing();
    try {
        const updated = await ctx.client.updateService(service.id, body);
        log.info(`Updated Koyeb service ${updated.id}: new deployment ${latestDeploymentId(updated) ?? 'pending'}`);
        return updated;
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
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

;// CONCATENATED MODULE: ./lib/providers/koyeb/destroy.js




async function destroyPreview(ctx, target, log) {
    const client = ctx.client;
    // Secrets are named per organization: a run that failed before any service referred to them
    // (or before the app existed) left them behind, so they are found by name, not through services.
    const [app, named] = await (0,settled/* settled */.g)([
        client.findApp(target.appName),
        client.listSecretsStartingWith(secretName(target.appName, '')),
    ]);
    if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED') {
        await deleteSecrets(ctx, named, log);
        return { kind: 'absent', appName: target.appName };
    }
    const services = (await client.listServices(app.id)).filter((s) => s.status !== 'DELETING' && s.status !== 'DELETED');
    const definitions = await (0,settled/* settled */.g)(services.map((s) => definitionOf(ctx, s)));
    const ours = services.filter((_, i) => carries(definitions[i], target.ownerLabels));
    const foreign = services.filter((_, i) => !carries(definitions[i], target.ownerLabels));
    // A service someone else runs in the app keeps the secrets it refers to.
    const kept = new Set(definitions.filter((d) => !carries(d, target.ownerLabels)).flatMap((d) => ownSecrets(d, target.appName)));
    const secrets = named.filter((s) => !kept.has(s.name));
    let outcome;
    if (foreign.length === 0) {
        if ((await client.deleteApp(app.id)) === 'absent') {
            await deleteSecrets(ctx, secrets, log);
            return { kind: 'absent', appName: target.appName };
        }
        log.info(`Deleted Koyeb app ${target.appName} with its services`);
        outcome = { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((s) => s.id) };
    }
    else {
        const results = await (0,settled/* settled */.g)(ours.map((s) => client.deleteService(s.id)));
        // One already gone when its delete arrived (404) was not destroyed by this run.
        const deleted = ours.filter((_, i) => results[i] === 'deleted');
        const listed = foreign.map((s) => `${s.id} (${s.name})`).join(', ');
        log.warning(`Koyeb app ${target.appName} also holds services fly-preview did not create: ${listed}. ` +
            `Deleted only this preview's service${deleted.length === 0 ? ' (there was none)' : ''} and kept the app.`);
        outcome = {
            kind: 'machines-destroyed',
            appName: target.appName,
            machineIds: deleted.map((s) => s.id),
            foreignMachines: foreign.map((s) => ({ id: s.id, name: s.name })),
        };
    }
    await deleteSecrets(ctx, secrets, log);
    return outcome;
}

// EXTERNAL MODULE: ./lib/providers/listing.js
var providers_listing = __webpack_require__(5218);
;// CONCATENATED MODULE: ./lib/providers/koyeb/readiness.js


const recentEventCount = 5;
/** Ready states: a scaled-to-zero service may already be asleep when it is looked at. */
const ready = new Set(['HEALTHY', 'SLEEPING']);
/** States on the way to ready (koyeb-cli pkg/koyeb/services_update.go waits through the same ones). */
const progressing = new Set(['PENDING', 'PROVISIONING', 'SCHEDULED', 'ALLOCATING', 'STARTING', 'CANCELING', 'STOPPING']);
/**
 * Polls the deployment with growing pauses until it is ready, has ended, or the deadline passes.
 * A deployment this run just started is known to be PENDING, so the first look waits a pause.
 */
async function waitForDeployment(ctx, deploymentId, deadline, justStarted, budgetMs) {
    const result = await (0,polling/* pollUntilEnded */.oX)(ctx, () => ctx.client.getDeployment(deploymentId), (d) => !progressing.has(d.status), {
        deadline,
        justStarted,
        budgetMs,
    });
    if (result.kind === 'gone')
        return { kind: 'gone', deployment: undefined, deploymentId };
    if (result.kind === 'ended' && ready.has(result.value.status))
        return { kind: 'ready', deployment: result.value };
    return { kind: result.kind, deployment: result.value };
}
function describeEvent(e) {
    return [e.when, e.type, e.message].filter((part) => part !== undefined && part !== '').join(' ');
}
async function failed(ctx, request, app, service, result) {
    const deployment = result.deployment;
    const instances = deployment === undefined ? [] : await ctx.client.listInstances(deployment.id);
    const failing = instances.find((i) => i.status === 'ERROR' || i.status === 'UNHEALTHY' || i.status === 'STOPPED') ?? instances[instances.length - 1];
    const events = failing === undefined ? [] : await ctx.client.listInstanceEvents([failing.id], recentEventCount);
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
    return { kind: 'failed', ...(await place(ctx, request, app, service)), reason, state, exitCode: undefined, recentEvents };
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/inventory.js





/** How many deployments a sweep reads at once: parallel, but not a storm. */
const sweepConcurrency = 8;
/**
 * This organization's previews whose markers carry every scope label, with the values of the
 * scope's keys. Apps without such a service are not ours and are not listed, whatever their names
 * look like. Requests: the app and service listings, then one deployment read per service named
 * like ours. Koyeb has no organisation parameter: the token decides (`scope.org` is Fly's).
 */
async function listPreviews(ctx, scope, log) {
    const client = ctx.client;
    const [apps, services] = await (0,settled/* settled */.g)([client.listApps(), client.listServices()]);
    const live = apps.filter((a) => a.status !== 'DELETING' && a.status !== 'DELETED');
    const appNames = new Map(live.map((a) => [a.id, a.name]));
    const candidates = services.filter((s) => s.name === serviceName && appNames.has(s.app_id) && s.status !== 'DELETING' && s.status !== 'DELETED');
    const byApp = new Map();
    for (let i = 0; i < candidates.length; i += sweepConcurrency) {
        const batch = candidates.slice(i, i + sweepConcurrency);
        const deployments = await (0,settled/* settled */.g)(batch.map((s) => {
            const deploymentId = latestDeploymentId(s);
            return deploymentId === undefined ? Promise.resolve(undefined) : client.getDeployment(deploymentId);
        }));
        batch.forEach((service, j) => {
            const definition = deployments[j]?.definition;
            if (!carries(definition, scope.labels))
                return;
            const appName = appNames.get(service.app_id) ?? '';
            const listing = byApp.get(appName) ?? { appName, machines: [] };
            listing.machines.push({
                id: service.id,
                labels: (0,providers_listing/* scopeLabels */.a)(scope, (key) => envValue(definition, markerKey(key))),
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
async function anyBusy(ctx, machineIds) {
    const statuses = await (0,settled/* settled */.g)(machineIds.map(async (id) => {
        const deploymentId = latestDeploymentId(await ctx.client.getService(id));
        if (deploymentId === undefined)
            return undefined;
        return (await ctx.client.getDeployment(deploymentId))?.status;
    }));
    return statuses.some((status) => status !== undefined && progressing.has(status));
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./lib/providers/koyeb/wake.js
// Waking a preview when a review starts. Koyeb has two kinds of rest: a service someone paused
// (service status PAUSED), which only `POST /v1/services/{id}/resume` brings back (the API allows
// resume from PAUSED alone: openapi.json `.paths["/v1/services/{id}/resume"].post.description`);
// and a scaled-to-zero service whose deployment is SLEEPING, which no API call wakes: "as soon as a
// new request is received, the Service wakes up" (koyeb.com/docs/run-and-scale/scale-to-zero). So
// a sleeping preview gets one request to its own URL. Either way the run then polls until it is
// HEALTHY; nothing is redeployed.






/** Service states on the way back from a resume (definitions.Service.Status). */
const resuming = new Set(['PAUSED', 'RESUMING', 'STARTING']);
/** This preview's service and its latest deployment, when its definition carries the owner labels. */
async function wake_ourService(ctx, target) {
    const app = await ctx.client.findApp(target.appName);
    if (app === undefined || app.status === 'DELETING' || app.status === 'DELETED')
        return undefined;
    const service = (await ctx.client.listServices(app.id)).find((s) => s.name === serviceName && s.status !== 'DELETING' && s.status !== 'DELETED');
    const deploymentId = service?.latest_deployment_id;
    if (service === undefined || deploymentId === undefined || deploymentId === '')
        return undefined;
    const deployment = await ctx.client.getDeployment(deploymentId);
    if (deployment === undefined || !carries(deployment.definition, target.ownerLabels))
        return undefined;
    return { app, service, deployment };
}
async function wake(ctx, target, waitTimeoutMs, log) {
    const appName = target.appName;
    const ours = await wake_ourService(ctx, target);
    if (ours === undefined)
        return { kind: 'absent', appName };
    const { app, service, deployment } = ours;
    const reported = reportedHostname(app);
    if (reported !== undefined)
        ctx.hostnames.set(appName, reported);
    const deadline = ctx.now() + waitTimeoutMs;
    const machineIds = [service.id];
    if (service.status === 'PAUSED') {
        const status = await resume(ctx, service, deadline, waitTimeoutMs, log);
        if (status !== 'HEALTHY')
            return { kind: 'failed', appName, reason: `service ${service.id} was resumed but is ${status ?? 'gone'}, not HEALTHY` };
        return { kind: 'awake', appName, machineIds, started: [{ id: service.id, from: 'PAUSED' }] };
    }
    if (service.status === 'PAUSING')
        return { kind: 'failed', appName, reason: `service ${service.id} is being paused; resume it in Koyeb, or push to deploy it again` };
    if (progressing.has(deployment.status))
        return { kind: 'busy', appName, reason: `deployment ${deployment.id} is still rolling out` };
    if (deployment.status !== 'SLEEPING')
        return { kind: 'awake', appName, machineIds, started: [] };
    const hostname = reported ?? reportedHostname(await ctx.client.getApp(app.id));
    if (hostname === undefined)
        return { kind: 'failed', appName, reason: `Koyeb reports no domain for app ${appName}, so no request can wake it` };
    await visit(ctx, `https://${hostname}/`, deadline, log);
    const result = await (0,polling/* pollUntilEnded */.oX)(ctx, () => ctx.client.getDeployment(deployment.id), (d) => d.status !== 'SLEEPING' && !progressing.has(d.status), {
        deadline,
        justStarted: false,
        budgetMs: waitTimeoutMs,
    });
    if (result.kind === 'ended' && result.value.status === 'HEALTHY')
        return { kind: 'awake', appName, machineIds, started: [{ id: service.id, from: 'SLEEPING' }] };
    const state = result.kind === 'gone' ? 'gone' : result.value.status;
    return { kind: 'failed', appName, reason: `deployment ${deployment.id} is ${state} after a request to https://${hostname}/, not HEALTHY` };
}
/** Resumes the service, then polls it until it is no longer on its way back; its last status. */
async function resume(ctx, service, deadline, budgetMs, log) {
    try {
        await ctx.client.resumeService(service.id);
        log.info(`Resumed Koyeb service ${service.id}`);
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
        log.info(`The answer to resuming service ${service.id} was lost (${error.detail}); reading the service`);
    }
    const result = await (0,polling/* pollUntilEnded */.oX)(ctx, () => ctx.client.getService(service.id), (s) => !resuming.has(s.status), { deadline, justStarted: true, budgetMs });
    return result.kind === 'gone' ? undefined : result.value.status;
}
/**
 * One request to the preview's own URL, which wakes a sleeping service: Koyeb's edge holds it until
 * an instance answers. No token goes with it. What the app answers does not matter, and a request
 * that fails is no failure yet: the deployment's status, polled next, says whether it woke.
 */
async function visit(ctx, url, deadline, log) {
    const timeoutMs = Math.max(1_000, Math.min(60_000, deadline - ctx.now()));
    try {
        const answer = await (0,undici.request)(url, { method: 'GET', reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(ctx.dispatcher === undefined ? {} : { dispatcher: ctx.dispatcher }) });
        await answer.body.dump();
        log.info(`Requested ${url} to wake the sleeping service (it answered ${answer.statusCode})`);
    }
    catch (error) {
        log.info(`A request to ${url} to wake the sleeping service failed (${error instanceof Error ? error.message : String(error)}); waiting for it all the same`);
    }
}

;// CONCATENATED MODULE: ./lib/providers/koyeb/provider.js










const maxRounds = 6;
class KoyebProvider {
    #ctx;
    #extras;
    constructor(options) {
        this.#extras = { ttlSeconds: options.ttlSeconds, instanceType: options.instanceType, healthCheckPath: options.healthCheckPath };
        this.#ctx = koyebContext(options);
    }
    close() {
        return this.#ctx.client.close();
    }
    /**
     * Koyeb assigns the public domain when the app is created and the API is the only source of it,
     * so before this provider has seen the app there is nothing to say: undefined, never a guess.
     */
    hostnameFor(appName) {
        return this.#ctx.hostnames.get(appName);
    }
    async deploy(given, log) {
        const request = {
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
    destroy(target, log) {
        return destroyPreview(this.#ctx, target, log);
    }
    wake(target, waitTimeoutMs, log) {
        return wake(this.#ctx, target, waitTimeoutMs, log);
    }
    listPreviews(scope, log) {
        return listPreviews(this.#ctx, scope, log);
    }
    busy(_appName, machineIds) {
        return anyBusy(this.#ctx, machineIds);
    }
}
/** The secrets, once per converge; values the deployed definition's digest shows are set are left alone. */
async function secretsOnce(ctx, request, run, deployed, definition, log) {
    if (run.secretsSet)
        return;
    const current = deployed !== undefined && secretsDigestOf(deployed) === secretsDigestOf(definition);
    await ensureSecrets(ctx, request, current, log);
    run.secretsSet = true;
}
/** Look, act, wait; again when a racing run changed the service under us. */
async function converge(ctx, request, app, fresh, definition, deadline, log) {
    const run = { found: fresh ? undefined : await ourService(ctx, request, app.id), secretsSet: false, createdUnseen: false };
    /** The definition the service ran before this run, whose secrets may now be unused. */
    const before = run.found?.deployment?.definition;
    for (let round = 1; round <= maxRounds; round++) {
        let step;
        if (run.found === undefined) {
            await secretsOnce(ctx, request, run, undefined, definition, log);
            const created = await createService(ctx, request, app, definition, log);
            if (created.kind === 'found') {
                run.found = created.found;
                run.createdUnseen = created.lostOurs;
                continue;
            }
            step = { service: created.service, change: 'created' };
        }
        else {
            const next = await existingRound(ctx, request, app, definition, run, run.found, log);
            if ('kind' in next)
                return next;
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
async function existingRound(ctx, request, app, definition, run, found, log) {
    const { service, deployment } = found;
    const deployed = deployedRevision(deployment?.definition);
    if ((0,revision/* supersedes */.G)(deployed, request.revision)) {
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

;// CONCATENATED MODULE: ./lib/providers/koyeb/index.js


function createKoyebProvider(options) {
    return new KoyebProvider(options);
}


/***/ }),

/***/ 5218:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ scopeLabels)
/* harmony export */ });
/**
 * The labels a listed preview reports: the scope's own and the keys it asks for, each read from
 * wherever the platform keeps them (Koyeb env vars, ComfyDeploy's marker); absent ones left out.
 */
function scopeLabels(scope, read) {
    return Object.fromEntries([...new Set([...Object.keys(scope.labels), ...scope.keys])].flatMap((key) => {
        const value = read(key);
        return value === undefined ? [] : [[key, value]];
    }));
}


/***/ }),

/***/ 749:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IK: () => (/* binding */ lookAgain),
/* harmony export */   LQ: () => (/* binding */ phaseContext),
/* harmony export */   oX: () => (/* binding */ pollUntilEnded)
/* harmony export */ });
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2165);
// For platforms with no blocking wait, no unique names and no idempotency keys (Koyeb, ComfyDeploy):
// the client and clock every phase of a deploy shares, looking again for something a create said
// exists (or whose answer was lost), and polling a status with growing pauses until it has ended.

function phaseContext(client, options, defaults) {
    return {
        client,
        now: options.now ?? Date.now,
        sleep: options.sleep ?? _retry_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy,
        pollIntervalsMs: options.pollIntervalsMs ?? defaults.pollIntervalsMs,
        lookAgainDelaysMs: options.lookAgainDelaysMs ?? defaults.lookAgainDelaysMs,
    };
}
/**
 * Looks at once, then after each pause, until `look` finds something: a platform's listings may not
 * show a new item at once, and a create whose answer was lost may yet have gone through.
 */
async function lookAgain(ctx, look) {
    for (const delayMs of [0, ...ctx.lookAgainDelaysMs]) {
        if (delayMs > 0)
            await ctx.sleep(delayMs);
        const found = await look();
        if (found !== undefined)
            return found;
    }
    return undefined;
}
/** Polls with growing pauses until `ended` holds, `look` finds nothing, or the deadline passes. */
async function pollUntilEnded(ctx, look, ended, { deadline, justStarted, budgetMs }) {
    const pauseFor = (poll) => (0,_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .pollPause */ .Gn)(ctx.pollIntervalsMs, poll, budgetMs);
    if (justStarted)
        await ctx.sleep(Math.min(pauseFor(0), Math.max(0, deadline - ctx.now())));
    for (let poll = justStarted ? 1 : 0;; poll++) {
        const value = await look();
        if (value === undefined)
            return { kind: 'gone' };
        if (ended(value))
            return { kind: 'ended', value };
        const remaining = deadline - ctx.now();
        if (remaining <= 0)
            return { kind: 'timeout', value };
        await ctx.sleep(Math.min(pauseFor(poll), remaining));
    }
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
