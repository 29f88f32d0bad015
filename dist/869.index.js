export const id = 869;
export const ids = [869];
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

/***/ 4869:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createFlyProvider: () => (/* binding */ createFlyProvider)
});

// UNUSED EXPORTS: FlyAmbiguousError, FlyApiError, FlyAuthError

// EXTERNAL MODULE: ./lib/providers/settled.js
var settled = __webpack_require__(2131);
// EXTERNAL MODULE: ./lib/retry.js
var retry = __webpack_require__(2165);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./lib/providers/http.js
var http = __webpack_require__(1596);
// EXTERNAL MODULE: ./lib/providers/fly/token.js
var token = __webpack_require__(5297);
;// CONCATENATED MODULE: ./lib/providers/fly/http.js
// The Machines API on the shared JSON core (../http.ts), with what is Fly's own: the Authorization
// header fly-go sends, Fly's error body and `fly-request-id`, the path-scoped affinity cookie, and
// errors whose messages name the request id as Fly's support asks for it (superfly/fly-go
// flaps/flaps.go, flaps_error.go).



/** A call that Fly answered with an error, or that could not be completed within the retry budget. */
class FlyApiError extends http/* ApiError */.hD {
    /** Fly's machine-readable `status` from the error body (e.g. `insufficient_capacity`). */
    flyStatus;
    constructor(call, status, detail, options = {}) {
        const id = options.requestId === undefined ? '' : ` (fly-request-id ${options.requestId})`;
        super({ api: 'Fly API', call, status, detail, requestId: options.requestId, body: options.body }, (options.message ??
            (status === undefined
                ? `Fly API: ${call} failed: ${detail}`
                : `Fly API: ${call} failed with ${status}: ${detail}`)) + id);
        this.name = 'FlyApiError';
        this.flyStatus = options.flyStatus;
    }
}
const authHint = 'Check the fly-api-token input: it must be a valid token with access to the organization (e.g. `fly tokens create org <org>`).';
/** 401/403: retrying cannot help, so this is thrown after one request. */
class FlyAuthError extends FlyApiError {
    constructor(call, status, detail, requestId) {
        super(call, status, detail, {
            requestId,
            message: `Fly API refused the token (${status}) for ${call}: ${detail}. ${authHint}`,
        });
        this.name = 'FlyAuthError';
    }
}
/**
 * A request that changes something was sent but no answer came back: Fly may or may not have done
 * it. Callers resolve this by looking, never by sending the same change again blindly.
 */
class FlyAmbiguousError extends FlyApiError {
    constructor(call, status, detail, requestId) {
        super(call, status, detail, { requestId });
        this.name = 'FlyAmbiguousError';
    }
}
/**
 * Error `status` codes that say what happened (superfly/fly-go flaps/flaps_error.go): a 5xx that
 * carries one was refused, not lost, so it is neither retried nor treated as "may have happened".
 */
const definiteStatuses = new Set(['insufficient_capacity']);
const flyStatusOf = (body) => {
    const status = typeof body === 'object' && body !== null ? body.status : undefined;
    return typeof status === 'string' ? status : undefined;
};
/** Fly's own text from an error body: `message` first, then `error`, as fly-go reads it. */
function flyMessage(body) {
    const { message, error } = body;
    if (typeof message === 'string' && message !== '')
        return message;
    return typeof error === 'string' && error !== '' ? error : undefined;
}
/** Fly's own text from an error answer, else the body or the status. */
function errorText(body, fallback) {
    if (typeof body === 'object' && body !== null)
        return flyMessage(body) ?? fallback;
    return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : fallback;
}
/** The shared core's error as the Fly error a caller tells apart (and a user reads). */
function asFlyError(error) {
    if (!(error instanceof http/* ApiError */.hD))
        return error;
    const { call, status, detail, requestId, body } = error;
    if (error instanceof http/* ApiAuthError */.Nu && status !== undefined)
        return new FlyAuthError(call, status, detail, requestId);
    if (error instanceof http/* ApiAmbiguousError */.nP)
        return new FlyAmbiguousError(call, status, detail, requestId);
    return new FlyApiError(call, status, detail, { requestId, flyStatus: flyStatusOf(body), body });
}
class FlyHttp {
    #http;
    constructor(options) {
        const jar = new PathCookies();
        this.#http = new http/* JsonHttp */.XC({
            ...options,
            api: 'Fly API',
            authorization: (0,token/* authorizationHeader */.b)(options.token),
            errorMessage: flyMessage,
            requestIdHeader: 'fly-request-id',
            authHint,
            platform: 'Fly',
            definiteFailure: (body) => {
                const status = flyStatusOf(body);
                return status !== undefined && definiteStatuses.has(status) ? status : undefined;
            },
            attemptHeaders: (path) => {
                const cookie = jar.header(path);
                return cookie === '' ? {} : { cookie };
            },
            onResponse: (path, headers) => jar.store(headers['set-cookie'], path),
        });
    }
    close() {
        return this.#http.close();
    }
    async call(method, path, options = {}) {
        const { expectUnauthorized, ...rest } = options;
        const expect = expectUnauthorized === true ? [...(options.expect ?? []), 401] : options.expect;
        try {
            return await this.#http.call(method, path, { ...rest, expect });
        }
        catch (error) {
            throw asFlyError(error);
        }
    }
}
/**
 * fly-go gives its Machines API client a cookie jar (flaps/flaps.go NewWithOptions): the API sets a
 * path-scoped affinity cookie when it creates an app, so the calls that follow reach the node that
 * already knows the app (flaps/flaps_test.go PersistsPathScopedCookiesPerApp). One origin only, so
 * this keeps cookies by path; undici parses the Set-Cookie lines. (A general jar such as
 * tough-cookie carries the public-suffix list, which would put the bundle over its size budget.)
 */
class PathCookies {
    #cookies = new Map();
    store(setCookie, requestPath) {
        if (setCookie === undefined)
            return;
        const headers = new undici.Headers();
        for (const line of Array.isArray(setCookie) ? setCookie : [setCookie])
            headers.append('set-cookie', line);
        for (const cookie of (0,undici.getSetCookies)(headers)) {
            // RFC 6265 §5.1.4: without a Path the default is the request path up to its last "/".
            const path = cookie.path?.startsWith('/') === true ? cookie.path : requestPath.slice(0, Math.max(1, requestPath.lastIndexOf('/')));
            const key = `${cookie.name};${path}`;
            const expired = (cookie.maxAge !== undefined && cookie.maxAge <= 0) || (cookie.expires !== undefined && Number(cookie.expires) <= Date.now());
            if (expired)
                this.#cookies.delete(key);
            else
                this.#cookies.set(key, { name: cookie.name, value: cookie.value, path });
        }
    }
    /** The Cookie header for a request path: cookies whose path is that path or a parent of it. */
    header(requestPath) {
        const matches = (path) => requestPath === path || (requestPath.startsWith(path) && (path.endsWith('/') || requestPath[path.length] === '/'));
        return [...this.#cookies.values()]
            .filter((c) => matches(c.path))
            .map((c) => `${c.name}=${c.value}`)
            .join('; ');
    }
}

;// CONCATENATED MODULE: ./lib/providers/fly/client.js
// Typed Machines API calls. Each method is one request; what to do with the answers is provider.ts's.

const app = (name) => `/v1/apps/${encodeURIComponent(name)}`;
const machine = (appName, id) => `${app(appName)}/machines/${encodeURIComponent(id)}`;
const volume = (appName, id) => `${app(appName)}/volumes/${encodeURIComponent(id)}`;
/** States of a volume on its way out (superfly/fly-go flaps/flaps_volumes.go destroyedVolumeStates). */
const goingVolumeStates = new Set(['scheduling_destroy', 'fork_cleanup', 'waiting_for_detach', 'pending_destroy', 'destroying']);
const leaseHeader = (nonce) => nonce === undefined ? {} : { 'fly-machine-lease-nonce': nonce };
/** The most machines one page of the org listing holds (description Machines_org_list `limit`). */
const orgMachinesPageLimit = 1000;
/** The API refuses a wait longer than this (fly-go flaps/flaps_machines_wait.go proxyTimeoutThreshold). */
const maxWaitSeconds = 60;
/** What a call on an app's contents saw when the app itself was not there (yet). */
class AppNotVisible extends Error {
    status;
    constructor(call, status) {
        super(`${call}: the app is not visible (${status})`);
        this.name = 'AppNotVisible';
        this.status = status;
    }
}
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
    /**
     * 'taken' when the name already exists: created by a racing run, or by somebody else. `wait=true`
     * asks the API to answer only once the app is usable, and the name goes as `name`, as fly-go's
     * CreateApp sends them (flaps/flaps_apps.go; the description's CreateAppRequest names it so too).
     */
    async createApp(name, org) {
        const body = { name, org_slug: org };
        const { status, data, requestId } = await this.#http.call('POST', '/v1/apps', {
            query: { wait: true },
            body,
            expect: [422],
        });
        if (status !== 422)
            return 'created';
        const answer = data;
        // fly-go IsNameTakenError: a status code is taken at its word; the text only when there is none.
        if (answer?.status !== undefined && answer.status !== '') {
            if (answer.status === 'name_taken')
                return 'taken';
        }
        else if ((answer?.error ?? answer?.message ?? '').includes('Name has already been taken'))
            return 'taken';
        throw new FlyApiError('POST /v1/apps', status, errorText(answer, 'HTTP 422'), { requestId, flyStatus: answer?.status });
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
    /**
     * 'absent' when it was already gone. The app goes with its machines, volumes and IPs; no `force`
     * parameter exists (the description's Apps_delete and fly-go's DeleteApp send none).
     */
    async deleteApp(name) {
        const { status } = await this.#http.call('DELETE', app(name), { expect: [404] });
        return status === 404 ? 'absent' : 'deleted';
    }
    /**
     * One page of every machine in the org, with its app's name and its config's metadata
     * (`GET /v1/orgs/{org}/machines`, description Machines_org_list). undefined when the API has no
     * such endpoint (404 or 405), so the caller can list app by app instead. A page may be shorter
     * than `limit`, even empty, while more remain: only a missing or empty `next_cursor` ends the list.
     */
    async listOrgMachinesPage(org, options = {}) {
        const query = { limit: Math.min(orgMachinesPageLimit, options.limit ?? orgMachinesPageLimit) };
        if (options.cursor !== undefined)
            query['cursor'] = options.cursor;
        const { status, data } = await this.#http.call('GET', `/v1/orgs/${encodeURIComponent(org)}/machines`, { query, expect: [404, 405] });
        if (status === 404 || status === 405)
            return undefined;
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
    async listOrgMachines(org, maxPages = 1000) {
        const call = `GET /v1/orgs/${org}/machines`;
        const machines = [];
        const errorRegions = new Set();
        let cursor;
        for (let page = 0; page < maxPages; page++) {
            const answer = await this.listOrgMachinesPage(org, cursor === undefined ? {} : { cursor });
            if (answer === undefined) {
                if (page === 0)
                    return undefined;
                throw new FlyApiError(call, undefined, `the listing stopped answering after ${page} page(s)`);
            }
            machines.push(...answer.machines);
            for (const region of answer.errorRegions)
                errorRegions.add(region);
            if (answer.nextCursor === undefined)
                return { machines, errorRegions: [...errorRegions] };
            cursor = answer.nextCursor;
        }
        throw new FlyApiError(call, undefined, `the listing did not end after ${maxPages} pages`);
    }
    async listIps(appName) {
        const { data } = await this.#http.call('GET', `${app(appName)}/ip_assignments`);
        return data?.ips ?? [];
    }
    /** As flyctl's first deploy (internal/command/deploy/deploy_first.go): the type and the org's slug. */
    async allocateIp(appName, type, orgSlug, appJustCreated = false) {
        const call = `POST ${app(appName)}/ip_assignments`;
        const { status, data } = await this.#http.call('POST', `${app(appName)}/ip_assignments`, {
            body: { type, org_slug: orgSlug },
            ...(appJustCreated ? { expect: [404], expectUnauthorized: true } : {}),
        });
        if (status === 404 || status === 401)
            throw new AppNotVisible(call, status);
        return data;
    }
    /**
     * undefined when the app does not exist. On an app this run just created, a 404 or 401 is the
     * app not being visible yet (AppNotVisible), never "no app" or a bad token.
     */
    async listMachines(appName, appJustCreated = false) {
        const call = `GET ${app(appName)}/machines`;
        const { status, data } = await this.#http.call('GET', `${app(appName)}/machines`, {
            expect: [404],
            ...(appJustCreated ? { expectUnauthorized: true } : {}),
        });
        if (appJustCreated && (status === 404 || status === 401))
            throw new AppNotVisible(call, status);
        return status === 404 ? undefined : data;
    }
    /** undefined when the machine is gone. */
    async getMachine(appName, id) {
        const { status, data } = await this.#http.call('GET', machine(appName, id), { expect: [404] });
        return status === 404 ? undefined : data;
    }
    async createMachine(appName, body, appJustCreated = false) {
        const call = `POST ${app(appName)}/machines`;
        const { status, data } = await this.#http.call('POST', `${app(appName)}/machines`, {
            body,
            ...(appJustCreated ? { expect: [404], expectUnauthorized: true } : {}),
        });
        if (status === 404 || status === 401)
            throw new AppNotVisible(call, status);
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
    /**
     * undefined while another client holds the lease (409). The TTL goes in the query and the answer
     * (201) is `{status: "success", data: {nonce, version, …}}` (fly-go flaps/flaps_machines.go
     * AcquireLease, machine_types.go MachineLease); anything but "success" is not a lease.
     */
    async acquireLease(appName, id, ttlSeconds) {
        const path = `${machine(appName, id)}/lease`;
        const { status, data, requestId } = await this.#http.call('POST', path, {
            query: { ttl: ttlSeconds },
            expect: [409],
            // A lease whose answer was lost only blocks until its short TTL ends; taking it again is safe.
            idempotent: true,
        });
        if (status === 409)
            return undefined;
        if (data?.status !== 'success' || data.data?.nonce === undefined) {
            const said = data?.message ?? data?.code ?? `status ${JSON.stringify(data?.status ?? null)}`;
            throw new FlyApiError(`POST ${path}`, status, `the lease was not granted: ${said}`, { requestId });
        }
        return data.data;
    }
    /** A lease that expired meanwhile (404, or 409 once another took it) is released all the same. */
    async releaseLease(appName, id, nonce) {
        await this.#http.call('DELETE', `${machine(appName, id)}/lease`, { headers: leaseHeader(nonce), expect: [404, 409] });
    }
    /**
     * Starts a stopped machine, or resumes a suspended one from its snapshot, without a lease (as
     * flyctl's leasableMachine.Start does when it holds none); 'leased' when a deploy holds the lease
     * (409). The answer is fly-go's MachineStartResponse; a `status` of "error" is a refusal
     * (superfly/fly-go flaps/flaps_machines.go Start, superfly/flyctl internal/command/machine/start.go).
     */
    async startMachine(appName, id) {
        const path = `${machine(appName, id)}/start`;
        const { status, data, requestId } = await this.#http.call('POST', path, { expect: [409] });
        if (status === 409)
            return 'leased';
        if (data?.status === 'error')
            throw new FlyApiError(`POST ${path}`, status, data.message ?? 'the machine could not be started', { requestId });
        return 'started';
    }
    /**
     * Blocks until the machine's instance `instanceId` is in any of `states`, for at most
     * `timeoutSeconds` (1–60: the API refuses more, so callers repeat it). The answer does not say
     * which state was reached; read the machine for that. Parameters as fly-go's Wait sends them:
     * `state` repeated, `version`, `timeout` (flaps/flaps_machines_wait.go).
     */
    async wait(appName, id, states, instanceId, timeoutSeconds, signal) {
        const timeout = Math.max(1, Math.min(maxWaitSeconds, Math.ceil(timeoutSeconds)));
        const { status } = await this.#http.call('GET', `${machine(appName, id)}/wait`, {
            query: { state: states, version: instanceId, timeout },
            expect: [400, 404, 408],
            signal,
            headersTimeoutMs: (timeout + 30) * 1000,
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

;// CONCATENATED MODULE: ./lib/providers/fly/app.js




/**
 * How long a just-created app may stay invisible (404, or 401 while its permissions propagate) and
 * how calls on it back off meanwhile: fly-go flaps/retry.go Retry, used by WaitForApp
 * (flaps/flaps_apps.go), which flyctl calls after every app create (flyctl #3112).
 */
const appVisibility = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 60_000 };
/** Makes sure the app exists. */
async function ensureApp(ctx, request, log) {
    const existing = await ctx.client.getApp(request.appName).catch((error) => {
        // A valid token is refused one app when that app belongs to an organization it cannot reach
        // (fly-go flaps/flaps_apps.go AppNameAvailable: 403 means the name is taken elsewhere).
        if (error instanceof FlyAuthError && error.status === 403) {
            throw new Error(`The Fly API refused access to the app "${request.appName}" (403: ${error.detail}): the name is probably ` +
                `taken by an app in another organization. Choose another name with the app-name input, or check that fly-api-token can reach org "${request.org}".`);
        }
        throw error;
    });
    const known = (slug) => ({ fresh: false, createdAt: 0, orgSlug: slug ?? request.org });
    if (existing !== undefined) {
        checkOrg(request, existing.organization?.slug);
        return known(existing.organization?.slug);
    }
    let result;
    log.changing();
    try {
        result = await ctx.client.createApp(request.appName, request.org);
    }
    catch (error) {
        if (!(error instanceof FlyAmbiguousError))
            throw error;
        // Whether or not the lost create went through, the app's contents are unknown: look at them.
        const found = await appOnceVisible(ctx, request.appName, ctx.now());
        if (found !== undefined)
            return known(found.organization?.slug);
        throw error;
    }
    if (result === 'created') {
        log.info(`Created app ${request.appName} in ${request.org}`);
        return { fresh: true, createdAt: ctx.now(), orgSlug: request.org };
    }
    // The name is taken. A racing run may have created it a moment ago, in which case it may not
    // be visible to us yet: look again for as long as a new app can take to appear.
    const again = await appOnceVisible(ctx, request.appName, ctx.now());
    if (again === undefined) {
        throw new Error(`The Fly app name "${request.appName}" is taken by an app this token cannot see (app names are global across Fly.io). ` +
            'Choose another name with the app-name input.');
    }
    checkOrg(request, again.organization?.slug);
    log.info(`App ${request.appName} was just created by another run; using it`);
    return known(again.organization?.slug);
}
/** The app, read again until it is visible or a new app's visibility delay is over. */
async function appOnceVisible(ctx, appName, since) {
    for (let attempt = 1;; attempt++) {
        const app = await ctx.client.getApp(appName).catch((error) => {
            if (error instanceof FlyAuthError && error.status === 401)
                return undefined;
            throw error;
        });
        if (app !== undefined)
            return app;
        const wait = (0,retry/* backoffDelay */.EY)(appVisibility, attempt, ctx.random);
        if (ctx.now() - since + wait > appVisibility.budgetMs)
            return undefined;
        await ctx.sleep(Math.max(50, wait));
    }
}
/**
 * Runs a call on the app's contents; for an app this run just created, a 404 or 401 means the
 * app is not visible to that endpoint yet, so the call is made again with short backoff.
 */
async function inApp(ctx, app, call) {
    for (let attempt = 1;; attempt++) {
        try {
            return await call(app.fresh);
        }
        catch (error) {
            if (!(error instanceof AppNotVisible))
                throw error;
            const wait = Math.max(50, (0,retry/* backoffDelay */.EY)(appVisibility, attempt, ctx.random));
            if (ctx.now() - app.createdAt + wait > appVisibility.budgetMs) {
                throw new Error(`${error.message}, still a minute after this run created it. Re-run the job.`);
            }
            await ctx.sleep(wait);
        }
    }
}
function checkOrg(request, slug) {
    // "personal" is an alias Fly resolves to the user's own org slug, so it cannot be compared.
    if (slug === undefined || request.org === 'personal' || slug === request.org)
        return;
    throw new Error(`The Fly app "${request.appName}" exists in organization "${slug}", not "${request.org}". ` +
        'Set org to match, or choose another name with the app-name input.');
}
/** Which public addresses an app lacks: IPv6 (not the private fdaa: range) and IPv4. */
function lacking(ips) {
    const hasV6 = ips.some((ip) => ip.ip.includes(':') && !ip.ip.toLowerCase().startsWith('fdaa:'));
    const hasV4 = ips.some((ip) => ip.ip.includes('.'));
    return [...(hasV6 ? [] : ['v6']), ...(hasV4 ? [] : ['shared_v4'])];
}
/** Without a public IP `<app>.fly.dev` does not answer; allocate what is missing, as flyctl's first deploy does. */
async function ensureIps(ctx, appName, app, log) {
    const publicTypes = ['v6', 'shared_v4'];
    const missing = app.fresh ? publicTypes : lacking(await ctx.client.listIps(appName));
    await (0,settled/* settled */.g)(missing.map(async (type) => {
        try {
            const ip = await inApp(ctx, app, (justCreated) => ctx.client.allocateIp(appName, type, app.orgSlug, justCreated));
            log.info(`Allocated ${type === 'v6' ? 'IPv6' : 'shared IPv4'} ${ip.ip} for ${appName}`);
        }
        catch (error) {
            // Whether a lost allocation went through is seen in the list.
            if (!(error instanceof FlyAmbiguousError) || lacking(await ctx.client.listIps(appName)).includes(type))
                throw error;
        }
    }));
}

// EXTERNAL MODULE: ./lib/providers/fly/appconfig/index.js + 8 modules
var appconfig = __webpack_require__(5423);
;// CONCATENATED MODULE: ./lib/providers/fly/limits.js
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

;// CONCATENATED MODULE: ./lib/providers/fly/context.js
// What every phase of a Fly deploy shares: the API client, the clock, the pacing of changes and
// the token. The provider makes one and hands it to each phase; no phase module keeps state.



function flyContext(options) {
    const client = new FlyClient(options);
    const now = options.now ?? Date.now;
    const pause = options.sleep ?? retry/* sleep */.yy;
    return {
        client,
        token: options.token,
        now,
        sleep: pause,
        random: options.random ?? Math.random,
        appDeletes: new Throttle(100, 60_000, now, pause),
        appChanges: new KeyedThrottle(() => new Throttle(1, 1_000, now, pause)),
    };
}

// EXTERNAL MODULE: ./lib/providers/canonical.js
var canonical = __webpack_require__(7300);
;// CONCATENATED MODULE: ./lib/providers/fly/desired.js
// Whether a machine already runs the config a deploy would send. Fly echoes configs with its
// defaults filled in, so "the same" is decided on what this action sets, not on equal JSON.

/** The order label: a later event for the same commit changes it without needing a restart. */
const orderKey = 'fly_preview_order';
/** Top-level config fields this action sets from the plan: one it no longer sets must be gone from the machine too. */
const plannedFields = ['init', 'guest', 'mounts', 'services', 'metrics', 'checks', 'statics', 'files', 'restart', 'stop_config', 'auto_destroy'];
const isEmpty = (v) => v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
/** Whether `current` holds everything `desired` says: Fly echoes a config with its defaults filled in. */
function covers(current, desired) {
    if (desired === undefined)
        return true;
    if (Array.isArray(desired))
        return Array.isArray(current) && current.length === desired.length && desired.every((d, i) => covers(current[i], d));
    if (typeof desired === 'object' && desired !== null) {
        if (typeof current !== 'object' || current === null || Array.isArray(current))
            return false;
        return Object.entries(desired).every(([key, value]) => covers(current[key], value));
    }
    return current === desired;
}
/**
 * Whether the machine already runs what we would send: the whole planned config. Metadata and env
 * must match exactly (a removed secret or variable is a change); the rest must hold every field we
 * set, and no planned field we no longer set. The order label is left out, since a later event for
 * the same commit (a label added, say) needs no restart.
 */
function sameConfig(current, desired) {
    const have = current;
    const metadata = (m) => {
        const { [orderKey]: _order, ...rest } = m ?? {};
        return (0,canonical/* canonical */.$)(rest);
    };
    if (current.image !== desired.image || metadata(current.metadata) !== metadata(desired.metadata))
        return false;
    if ((0,canonical/* canonical */.$)(current.env ?? {}) !== (0,canonical/* canonical */.$)(desired.env ?? {}))
        return false;
    for (const field of new Set([...plannedFields, ...Object.keys(desired)])) {
        if (field === 'image' || field === 'metadata' || field === 'env')
            continue;
        const want = desired[field];
        if (isEmpty(want) ? !isEmpty(have[field]) : !covers(have[field], want))
            return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./lib/providers/fly/metadata.js
// What a machine's metadata says about it (whose it is, which revision and process group it runs)
// and the order in which every run looks at machines, so racing runs pick the same one.

/** Metadata keys for what is deployed; owner labels come from the caller. */
const revisionKey = 'fly_preview_sha';
/** The process group a machine runs, as flyctl labels it (internal/appconfig/machines.go). */
const groupKey = 'fly_process_group';
/** flyctl's group name for the release command's machine. */
const releaseGroup = 'fly_app_release_command';
const gone = (m) => m.state === 'destroyed' || m.state === 'destroying';
function carries(m, labels) {
    const metadata = m.config?.metadata ?? {};
    return Object.entries(labels).every(([key, value]) => metadata[key] === value);
}
/**
 * When Fly launched the machine, to the millisecond: its `launch` event (the recorded create answer
 * carries it; events are newest first and at most 20, so a long-lived machine may have lost it).
 */
function launchedAt(m) {
    const launches = (m.events ?? []).filter((e) => e.type === 'launch').map((e) => e.timestamp);
    return launches.length === 0 ? undefined : Math.min(...launches);
}
/**
 * Oldest first, so every run picks the same survivor. created_at is to the second, so two racing
 * creates often tie on it; the launch events then tell which came first (when both still carry
 * one), and the id settles the rest. Without the launch time, a run whose create landed after the
 * other run had finished could keep its own machine as the "oldest" and leave two.
 */
function byAge(a, b) {
    const [createdA, createdB] = [a.created_at ?? '', b.created_at ?? ''];
    if (createdA !== createdB)
        return createdA < createdB ? -1 : 1;
    const [launchedA, launchedB] = [launchedAt(a), launchedAt(b)];
    if (launchedA !== undefined && launchedB !== undefined && launchedA !== launchedB)
        return launchedA - launchedB;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
function deployedRevision(m) {
    const metadata = m.config.metadata ?? {};
    return { id: metadata[revisionKey] ?? '', order: Number(metadata[orderKey] ?? 0) || 0 };
}
function groupOf(m, defaultGroup) {
    return m.config.metadata?.[groupKey] ?? defaultGroup;
}

;// CONCATENATED MODULE: ./lib/providers/fly/volumes.js




/**
 * A volume per mounting group, in the preview's region: the one its machine already has, else a
 * free one of the same name (a re-run after a failed deploy), else a new one as flyctl's first
 * deploy makes it (internal/command/deploy/deploy_first.go).
 */
async function volumesFor(ctx, request, plan, ours, volumes, defaultGroup, log) {
    const chosen = new Map();
    const taken = new Set();
    for (const g of plan.groups) {
        const want = g.volumes[0];
        if (want === undefined)
            continue;
        const mine = new Set(ours.filter((m) => groupOf(m, defaultGroup) === g.name && m.region === plan.region).map((m) => m.id));
        const fits = volumes.filter((v) => v.name === want.name && v.region === plan.region && !taken.has(v.id));
        const found = fits.find((v) => v.attached_machine_id !== null && mine.has(v.attached_machine_id)) ?? fits.find((v) => v.attached_machine_id === null || v.attached_machine_id === '');
        if (found !== undefined) {
            taken.add(found.id);
            chosen.set(g.name, found.id);
            continue;
        }
        log.changing();
        const body = {
            name: want.name,
            region: plan.region,
            size_gb: want.sizeGb,
            encrypted: true,
            require_unique_zone: false,
            ...(g.config.guest === undefined ? {} : { compute: g.config.guest }),
            ...(want.snapshotRetention === undefined ? {} : { snapshot_retention: want.snapshotRetention }),
            ...(want.autoBackupEnabled === undefined ? {} : { auto_backup_enabled: want.autoBackupEnabled }),
        };
        const made = await ctx.client.createVolume(request.appName, body).catch(async (error) => {
            if (!(error instanceof FlyAmbiguousError))
                throw error;
            // Whether the lost create went through shows in the list: a new free volume of that name is it.
            const free = (await ctx.client.listVolumes(request.appName)).find((v) => v.name === want.name && v.region === plan.region && !taken.has(v.id) && !volumes.some((x) => x.id === v.id) && !v.attached_machine_id);
            return free ?? ctx.client.createVolume(request.appName, body);
        });
        log.info(`Created volume ${made.id} (${made.name}, ${made.size_gb} GB) in ${made.region} for ${want.destination} of the ${g.name} group`);
        taken.add(made.id);
        chosen.set(g.name, made.id);
    }
    return chosen;
}
/**
 * Deletes volumes whose machines were just deleted. Fly refuses (412) while a volume is still
 * attached, which can last a moment after its machine is gone, so that answer is retried briefly.
 */
async function deleteVolumes(ctx, appName, volumes, log) {
    await (0,settled/* settled */.g)(volumes.map(async (v) => {
        for (let attempt = 1;; attempt++) {
            try {
                await ctx.client.deleteVolume(appName, v.id);
                log.info(`Deleted volume ${v.id} (${v.name})`);
                return;
            }
            catch (error) {
                if (!(error instanceof FlyApiError && error.status === 412) || attempt >= 8)
                    throw error;
                await ctx.sleep(Math.max(200, (0,retry/* backoffDelay */.EY)({ ...retry/* defaultRetryPolicy */.ur, maxDelayMs: 2_000 }, attempt)));
            }
        }
    }));
}

;// CONCATENATED MODULE: ./lib/providers/fly/destroy.js


async function destroy(ctx, target, log) {
    const machines = await ctx.client.listMachines(target.appName);
    if (machines === undefined)
        return { kind: 'absent', appName: target.appName };
    const ours = machines.filter((m) => carries(m, target.ownerLabels));
    // The list still holds machines being or already destroyed (fly-go flaps_machines.go ListActive
    // drops them): they get no DELETE and are not reported as destroyed by this run.
    const live = ours.filter((m) => !gone(m));
    const foreign = machines.filter((m) => !carries(m, target.ownerLabels) && !gone(m));
    if (foreign.length === 0) {
        await Promise.all([ctx.appDeletes.take(), ctx.appChanges.take(target.appName)]);
        const result = await ctx.client.deleteApp(target.appName);
        if (result === 'absent')
            return { kind: 'absent', appName: target.appName };
        log.info(`Deleted app ${target.appName} with its machines and IPs`);
        return { kind: 'app-destroyed', appName: target.appName, machineIds: live.map((m) => m.id) };
    }
    const deleted = [];
    for (const m of live) {
        await ctx.appChanges.take(target.appName);
        if ((await ctx.client.deleteMachine(target.appName, m.id)) === 'deleted')
            deleted.push(m.id);
    }
    // The app stays, so the volumes our machines mounted would outlive the preview: they go too,
    // those of a machine already destroyed included (a volume outlives its machine).
    const mounted = new Set(ours.flatMap((m) => (m.config.mounts ?? []).flatMap((mount) => (mount.volume === undefined ? [] : [mount.volume]))));
    if (mounted.size > 0) {
        const volumes = await ctx.client.listVolumes(target.appName);
        await deleteVolumes(ctx, target.appName, volumes.filter((v) => mounted.has(v.id)), log);
    }
    const named = foreign.map((m) => `${m.id} (${m.name})`).join(', ');
    log.warning(`App ${target.appName} also holds machines fly-preview did not create: ${named}. ` +
        `Deleted only this preview's machines${deleted.length === 0 ? ' (there were none)' : ''} and kept the app.`);
    return {
        kind: 'machines-destroyed',
        appName: target.appName,
        machineIds: deleted,
        foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })),
    };
}

// EXTERNAL MODULE: ./lib/providers/revision.js
var revision = __webpack_require__(1161);
;// CONCATENATED MODULE: ./lib/providers/fly/group.js



/** Each planned group's request: its fly.toml config with this deploy's image, env, metadata and volume. */
function groupRequests(request, plan, shared) {
    const { defaultGroup, secrets, mounts, volumes, phases } = shared;
    return plan.groups.map((g) => {
        const config = structuredClone(g.config);
        config.image = request.image;
        config.env = { ...config.env, ...request.env };
        config.metadata = {
            ...config.metadata,
            ...request.ownerLabels,
            [revisionKey]: request.revision.id,
            [orderKey]: String(request.revision.order),
            ...secrets.metadata,
        };
        config.restart ??= { policy: 'on-failure', max_retries: 3 };
        const volume = mounts.get(g.name);
        const [mount, ...rest] = config.mounts ?? [];
        if (volume !== undefined && mount !== undefined)
            config.mounts = [{ ...mount, volume }, ...rest];
        return {
            ...request,
            region: plan.region,
            group: g.name,
            defaultGroup,
            config,
            checkCount: g.checkCount,
            minSecretsVersion: secrets.version,
            phases: phases.fork(),
            volumes,
        };
    });
}
/** Whether any group's machine will get a new config (or a first machine) from this deploy. */
function anyChanges(groups, ours) {
    return groups.some((g) => {
        const [keep] = ours.filter((m) => groupOf(m, g.defaultGroup) === g.group && m.region === g.region).sort(byAge);
        return keep === undefined || !sameConfig(keep.config, g.config);
    });
}
const secretsVersion = (request) => request.minSecretsVersion === undefined ? {} : { min_secrets_version: request.minSecretsVersion };
/** This group's machines among `machines`, oldest first. */
function ours(request, machines) {
    return machines.filter((m) => !gone(m) && carries(m, request.ownerLabels) && groupOf(m, request.defaultGroup) === request.group).sort(byAge);
}
async function ourMachines(ctx, request) {
    return ours(request, (await ctx.client.listMachines(request.appName)) ?? []);
}
function hostnameFor(appName) {
    return `${appName}.fly.dev`;
}
/**
 * A machine already carrying another revision with a newer order is left alone. Two revisions can
 * carry the same order (one PR `updated_at`, as in GitHub's own example payloads): then the one
 * already deployed stays, so such runs never replace each other back and forth.
 */
function superseded(request, machine) {
    const deployed = deployedRevision(machine);
    if (!(0,revision/* supersedes */.G)(deployed, request.revision))
        return undefined;
    return {
        kind: 'superseded',
        appName: request.appName,
        hostname: hostnameFor(request.appName),
        machineId: machine.id,
        region: machine.region,
        deployedRevisionId: deployed.id,
    };
}
function ready(request, machine, change) {
    request.seen = machine;
    return {
        kind: 'ready',
        appName: request.appName,
        hostname: hostnameFor(request.appName),
        machineId: machine.id,
        region: machine.region,
        change,
    };
}

;// CONCATENATED MODULE: ./lib/providers/fly/inventory.js


/** Apps whose machines a sweep lists at once, where the org listing is not served: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;
/**
 * One listing of every machine in the org (`GET /v1/orgs/{org}/machines`, 1,000 a page, with each
 * machine's app and metadata) instead of the app list plus one request per app. Where that
 * endpoint is not served (404/405), the per-app listing does the same work.
 */
async function listPreviews(ctx, scope, log) {
    const org = await ctx.client.listOrgMachines(scope.org);
    if (org === undefined) {
        log.debug(`GET /v1/orgs/${scope.org}/machines is not served (404/405): listing the org's apps, then each app's machines`);
        return listPerApp(ctx, scope, log);
    }
    if (org.errorRegions.length > 0) {
        log.warning(`Fly could not list the machines in ${org.errorRegions.join(', ')} this time; previews there are left for the next sweep.`);
    }
    const apps = new Set();
    const byApp = new Map();
    for (const m of org.machines) {
        apps.add(m.app_name);
        // The listing has no filter: only the metadata says whose a machine is.
        if (gone(m) || !carries(m, scope.labels))
            continue;
        byApp.set(m.app_name, [...(byApp.get(m.app_name) ?? []), m]);
    }
    const previews = [...byApp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([appName, machines]) => listing(appName, machines));
    log.debug(`Looked at ${org.machines.length} machines in ${apps.size} apps of ${scope.org} in one listing; ${previews.length} apps hold previews in scope`);
    return { previews, appsExamined: apps.size, appsLeftAlone: apps.size - previews.length };
}
async function listPerApp(ctx, scope, log) {
    const apps = await ctx.client.listApps(scope.org);
    const found = await mapLimit(apps, listConcurrency, async (a) => {
        const listed = (await ctx.client.listMachinesWithMetadata(a.name, scope.labels)) ?? [];
        // The API filters already; checking again keeps a filter it ignored from making foreign machines ours.
        const machines = listed.filter((m) => !gone(m) && carries(m, scope.labels));
        return machines.length === 0 ? undefined : listing(a.name, machines);
    });
    const previews = found.filter((p) => p !== undefined);
    log.debug(`Looked at ${apps.length} apps in ${scope.org}; ${previews.length} hold previews in scope`);
    return { previews, appsExamined: apps.length, appsLeftAlone: apps.length - previews.length };
}
function listing(appName, machines) {
    return {
        appName,
        machines: machines.sort(byAge).map((m) => ({
            id: m.id,
            labels: { ...m.config?.metadata },
            createdAt: m.created_at ?? '',
            updatedAt: m.updated_at,
        })),
    };
}
/** Whether any of these machines is under a lease that has not expired: a run is changing the preview. */
async function busy(ctx, appName, machineIds) {
    const leases = await Promise.all(machineIds.map((id) => ctx.client.getLease(appName, id)));
    return leases.some((lease) => lease !== undefined && lease.expires_at * 1000 > ctx.now());
}

;// CONCATENATED MODULE: ./lib/providers/fly/readiness.js




/**
 * A machine just created or updated may answer 404 to a read or a wait for a moment (flyctl
 * internal/machine/leasable_machine.go WaitForState WithJustCreated; flyctl #4618). Within this
 * grace a 404 means "not visible yet", never "gone", so it never leads to a second machine.
 */
const machineVisibility = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 2_000, budgetMs: 60_000 };
const recentEventCount = 5;
/** States on the way to `started`, in which the current instance is still worth waiting for. */
const booting = new Set(['created', 'starting', 'replacing']);
/** States a boot's wait ends in. */
const bootSettled = new Set(['started', 'stopped', 'failed']);
function describeEvent(e) {
    const exit = e.request?.exit_event;
    const restarts = e.request?.restart_count;
    const extra = exit === undefined
        ? ''
        : ` exit_code=${exit.exit_code ?? '?'}${exit.oom_killed === true ? ' oom_killed' : ''}${exit.restarting === true ? ' restarting' : ''}`;
    const count = restarts === undefined || restarts === 0 ? '' : ` restart_count=${restarts}`;
    const said = e.request?.error;
    const text = typeof said === 'string' && said !== '' ? `: ${said}` : '';
    return `${new Date(e.timestamp).toISOString()} ${e.type} ${e.status}${e.source === undefined ? '' : ` (${e.source})`}${extra}${count}${text}`;
}
/**
 * The events of the machine's current run, newest first: those after the launch or update that
 * began it. An exit among them that nobody asked for is a crash, restarted or not (flyctl
 * internal/machine/leasable_machine.go isConstantlyRestarting reads the same fields).
 */
function crashesSinceStart(events) {
    const began = events.findIndex((e) => e.type === 'launch' || e.type === 'update');
    const current = began === -1 ? events : events.slice(0, began);
    return current.filter((e) => e.type === 'exit' && e.request?.exit_event?.requested_stop !== true);
}
/**
 * One blocking wait for the boot's outcome: `started`, `stopped` or `failed`, whichever comes
 * first (repeated in ≤ 60 s slices up to wait-timeout). The answer does not say which, so the
 * machine list the race check needs anyway is read next and tells. A 404 just after the create
 * or update is the API catching up, not a machine gone.
 */
async function waitForBoot(ctx, request, machine, deadline) {
    const appName = request.appName;
    const changedAt = ctx.now();
    for (let attempt = 1;;) {
        const remainingMs = deadline - ctx.now();
        if (remainingMs <= 0)
            return { kind: 'timeout' };
        const result = await ctx.client.wait(appName, machine.id, ['started', 'stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
        if (result === 'timeout')
            continue;
        if (result === 'replaced')
            return { kind: 'replaced' };
        if (result === 'gone') {
            const pause = Math.max(200, (0,retry/* backoffDelay */.EY)(machineVisibility, attempt++, ctx.random));
            if (ctx.now() - changedAt + pause > machineVisibility.budgetMs || ctx.now() + pause > deadline)
                return { kind: 'gone' };
            await ctx.sleep(pause);
            continue;
        }
        const list = (await ctx.client.listMachines(appName)) ?? [];
        const listed = list.find((m) => m.id === machine.id);
        const current = listed !== undefined && bootSettled.has(listed.state) ? listed : await readMachine(ctx, appName, machine.id, changedAt);
        if (current === undefined)
            return { kind: 'gone' };
        if (current.instance_id !== machine.instance_id)
            return { kind: 'replaced' };
        if (current.state === 'started' || current.state === 'stopped' || current.state === 'failed')
            return { kind: current.state, machine: current, list };
        // Reached, then left again before the read (a restart, say): wait once more.
    }
}
/** GET of a machine that may be invisible for a moment after a change; undefined once it is really gone. */
async function readMachine(ctx, appName, id, changedAt) {
    for (let attempt = 1;; attempt++) {
        const machine = await ctx.client.getMachine(appName, id);
        if (machine !== undefined)
            return machine;
        const pause = Math.max(200, (0,retry/* backoffDelay */.EY)(machineVisibility, attempt, ctx.random));
        if (ctx.now() - changedAt + pause > machineVisibility.budgetMs)
            return undefined;
        await ctx.sleep(pause);
    }
}
/**
 * `started` means the VM booted, not that the app stays up: flyctl calls a machine good after
 * about 10 s up without exiting or restarting (internal/machine/leasable_machine.go
 * WaitForSmokeChecksToPass). One wait on `stopped`/`failed` spans the window, then one read of
 * the machine's events shows any exit, including ones its restart policy recovered from.
 */
async function smokeCheck(ctx, request, machine) {
    const end = ctx.now() + request.smokeWindowMs;
    for (;;) {
        const remainingMs = end - ctx.now();
        if (remainingMs < 500)
            break;
        const result = await ctx.client.wait(request.appName, machine.id, ['stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
        if (result !== 'timeout')
            break;
    }
    return (await readMachine(ctx, request.appName, machine.id, ctx.now())) ?? machine;
}
/** Turns how a boot ended into an outcome, or into the machines to look at again. */
async function afterBoot(ctx, request, machine, boot, change, log) {
    const appName = request.appName;
    switch (boot.kind) {
        case 'started': {
            if (request.smokeWindowMs <= 0) {
                log.info(`Machine ${machine.id} started (instance ${machine.instance_id})`);
                return { outcome: ready(request, boot.machine, change), machines: [] };
            }
            log.info(`Machine ${machine.id} started (instance ${machine.instance_id}); checking it stays up for ${request.smokeWindowMs / 1000} s (smoke-window)`);
            log.started?.();
            const after = await smokeCheck(ctx, request, boot.machine);
            if (after.instance_id !== machine.instance_id) {
                log.info(`Machine ${machine.id} was updated by another run (instance ${after.instance_id}); looking again`);
                return { machines: [after] };
            }
            const crashes = crashesSinceStart(after.events ?? []);
            if (crashes.length === 0 && after.state === 'started')
                return { outcome: ready(request, after, change), machines: [] };
            return { outcome: failed(request, after, 'crashed', after.events ?? []), machines: [] };
        }
        case 'stopped':
        case 'failed':
            return { outcome: failed(request, boot.machine, boot.kind, boot.machine.events ?? (await ctx.client.events(appName, machine.id))), machines: [] };
        case 'timeout': {
            const current = (await ctx.client.getMachine(appName, machine.id)) ?? machine;
            return { outcome: failed(request, current, 'timeout', current.events ?? (await ctx.client.events(appName, machine.id))), machines: [] };
        }
        case 'gone':
            log.info(`Machine ${machine.id} was removed while booting (a racing run converging); looking again`);
            return { machines: await ourMachines(ctx, request) };
        case 'replaced': {
            const current = await ctx.client.getMachine(appName, machine.id);
            if (current === undefined)
                return { machines: await ourMachines(ctx, request) };
            if (current.instance_id === machine.instance_id) {
                throw new FlyApiError(`GET /v1/apps/${appName}/machines/${machine.id}/wait`, 400, 'the wait was refused');
            }
            log.info(`Machine ${machine.id} was updated by another run (instance ${current.instance_id}); looking again`);
            return { machines: [current] };
        }
    }
}
/**
 * Health checks have no wait endpoint: the machine is read at a modest pace (1 s, doubling to
 * 5 s) until every check passes. One still failing at the deadline fails the deploy.
 */
async function waitForChecks(ctx, request, outcome, deadline, log) {
    let machine = request.seen;
    for (let attempt = 0;; attempt++) {
        const checks = machine?.checks ?? [];
        const failing = checks.filter((c) => c.status !== 'passing');
        if (machine !== undefined && checks.length >= request.checkCount && failing.length === 0) {
            log.info(`Machine ${machine.id} (${request.group}): ${checks.length} health check${checks.length === 1 ? '' : 's'} passing`);
            request.seen = machine;
            return outcome;
        }
        const remaining = deadline - ctx.now();
        if (remaining <= 0) {
            const current = machine ?? (await ctx.client.getMachine(request.appName, outcome.machineId));
            if (current === undefined)
                return outcome;
            request.seen = current;
            for (const c of failing)
                log.info(`Health check ${c.name} of machine ${current.id} is ${c.status}: ${c.output ?? ''}`);
            const names = failing.length === 0 ? 'its health checks' : failing.map((c) => `"${c.name}" (${c.status})`).join(', ');
            const timedOut = failed(request, current, 'timeout', current.events ?? []);
            return timedOut.kind === 'failed' ? { ...timedOut, reason: `The ${request.group} machine started, but ${names} did not pass within ${checksBudget(request)}.` } : timedOut;
        }
        await ctx.sleep(Math.min(remaining, 1_000 * 2 ** Math.min(attempt, 3), 5_000));
        machine = (await ctx.client.getMachine(request.appName, outcome.machineId)) ?? machine;
    }
}
/** The time the checks had, as the deadline deployGroup gives them: wait-timeout plus any smoke window. */
function checksBudget(request) {
    const wait = Math.round(request.waitTimeoutMs / 1000);
    if (request.smokeWindowMs <= 0)
        return `${wait} s (wait-timeout)`;
    const smoke = request.smokeWindowMs / 1000;
    return `${Math.round((request.waitTimeoutMs + request.smokeWindowMs) / 1000)} s (wait-timeout ${wait} s plus smoke-window ${smoke} s)`;
}
function failed(request, current, how, events) {
    const crashes = crashesSinceStart(events);
    const exit = crashes[0]?.request?.exit_event;
    const exitCode = exit?.exit_code;
    const code = `${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}`;
    const restarts = Math.max(0, ...crashes.map((e) => e.request?.restart_count ?? 0), crashes.filter((e) => e.request?.exit_event?.restarting === true).length);
    const seconds = Math.round(request.waitTimeoutMs / 1000);
    const last = events[0] === undefined ? '' : ` Last event: ${describeEvent(events[0])}.`;
    const reason = how === 'stopped'
        ? `The machine stopped during boot${code}.`
        : how === 'failed'
            ? `Fly could not start the machine: it is "failed" (an image that cannot be pulled, or no capacity in ${current.region}).${last}`
            : how === 'crashed'
                ? `The machine crashed within ${request.smokeWindowMs / 1000} s of starting${code}` +
                    `${restarts > 0 ? `; its restart policy restarted it ${restarts} time${restarts === 1 ? '' : 's'}` : ''}; it is "${current.state}".`
                : `The machine did not reach "started" within ${seconds} s (wait-timeout); it is "${current.state}".`;
    return {
        kind: 'failed',
        appName: request.appName,
        hostname: hostnameFor(request.appName),
        machineId: current.id,
        region: current.region,
        reason,
        state: current.state,
        exitCode,
        recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
    };
}

;// CONCATENATED MODULE: ./lib/providers/fly/machines.js









const leaseTtlSeconds = 30;
/** Rounds of "look, act, wait" before giving up on a machine that racing runs keep changing. */
const maxRounds = 6;
/** One group: converge its machine, then wait for its health checks. */
async function deployGroup(ctx, request, all, deadline, app, log) {
    const found = ours(request, all);
    const outcome = await converge(ctx, request, found, deadline, app, log);
    if (outcome.kind !== 'ready' || request.checkCount === 0)
        return outcome;
    return request.phases.time('checks', () => waitForChecks(ctx, request, outcome, deadline + request.smokeWindowMs, log));
}
/** Look, act, wait; again when a racing run changed the machine under us. */
async function converge(ctx, request, found, deadline, app, log) {
    const config = request.config;
    let mine = found;
    for (let round = 1; round <= maxRounds; round++) {
        // A newer revision anywhere, even in the region this run would leave, is left in place.
        for (const m of mine) {
            const newer = superseded(request, m);
            if (newer !== undefined)
                return newer;
        }
        // Region is fixed for a machine's life: one elsewhere is replaced by a new one here.
        const here = mine.filter((m) => m.region === request.region);
        const elsewhere = mine.filter((m) => m.region !== request.region);
        if (here.length === 0) {
            const created = await request.phases.time('machines', () => create(ctx, request, config, app, elsewhere.length > 0, log));
            const boot = await request.phases.time('boot', () => waitForBoot(ctx, request, created, deadline));
            // Another run may have created one too. Looking only after the boot, which takes far longer
            // than a create, lets both runs see both machines; each keeps the oldest, so they agree.
            const listed = 'list' in boot ? ours(request, boot.list) : await ourMachines(ctx, request);
            const older = listed.filter((m) => m.id !== created.id && m.region === request.region && byAge(m, created) < 0);
            if (older.length > 0) {
                await ctx.client.deleteMachine(request.appName, created.id);
                log.info(`Machine ${older[0]?.id} was created first by a racing run; removed duplicate ${created.id}`);
                mine = listed.filter((m) => m.id !== created.id);
                continue;
            }
            const next = await request.phases.time('boot', () => afterBoot(ctx, request, created, boot, elsewhere.length > 0 ? 'moved' : 'created', log));
            if (next.outcome !== undefined)
                return leaveRegions(ctx, request, next.outcome, elsewhere, log);
            mine = next.machines;
            continue;
        }
        const [keep, ...extra] = here;
        if (keep === undefined)
            continue;
        if (extra.length > 0) {
            await (0,settled/* settled */.g)(extra.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
            log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
        }
        if (sameConfig(keep.config, config) && keep.state === 'started' && elsewhere.length === 0) {
            log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
            return ready(request, keep, 'unchanged');
        }
        if (sameConfig(keep.config, config) && (booting.has(keep.state) || keep.state === 'started')) {
            // Another run of this revision is booting it (or moving it here): wait for that boot rather than start another.
            const next = await request.phases.time('boot', async () => afterBoot(ctx, request, keep, await waitForBoot(ctx, request, keep, deadline), 'unchanged', log));
            if (next.outcome !== undefined)
                return leaveRegions(ctx, request, next.outcome, elsewhere, log);
            mine = next.machines;
            continue;
        }
        const updated = await request.phases.time('machines', () => updateUnderLease(ctx, request, keep, config, deadline, log));
        if (updated.outcome !== undefined)
            return updated.outcome;
        if (updated.machine === undefined) {
            mine = await ourMachines(ctx, request);
            continue;
        }
        const machine = updated.machine;
        const next = await request.phases.time('boot', async () => afterBoot(ctx, request, machine, await waitForBoot(ctx, request, machine, deadline), 'updated', log));
        if (next.outcome !== undefined)
            return leaveRegions(ctx, request, next.outcome, elsewhere, log);
        mine = next.machines;
    }
    throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`);
}
/** Once the machine in the requested region is ready, the ones it replaces in other regions go. */
async function leaveRegions(ctx, request, outcome, elsewhere, log) {
    if (outcome.kind !== 'ready' || elsewhere.length === 0)
        return outcome;
    await (0,settled/* settled */.g)(elsewhere.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
    log.info(`Removed machine${elsewhere.length > 1 ? 's' : ''} ${elsewhere.map((m) => `${m.id} (${m.region})`).join(', ')}: ` +
        `the preview now runs in ${request.region}`);
    const left = new Set(elsewhere.map((m) => m.id));
    await deleteVolumes(ctx, request.appName, request.volumes.filter((v) => v.attached_machine_id !== null && left.has(v.attached_machine_id)), log);
    return outcome;
}
async function create(ctx, request, config, app, moving, log) {
    // No machine name: Fly makes one, and a fixed name could collide between racing creates.
    const body = { region: request.region, config, ...secretsVersion(request) };
    const made = (machine) => {
        log.info(`Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})` +
            (moving ? `; the region input changed, so it replaces the machine elsewhere once it is ready` : ''));
        return machine;
    };
    // On an app this run just created, a 404 or 401 means "not visible yet" (app.ts inApp), for the
    // create after a lost answer as much as for the first.
    const createInApp = () => inApp(ctx, app, (justCreated) => ctx.client.createMachine(request.appName, body, justCreated));
    log.changing();
    try {
        return made(await createInApp());
    }
    catch (error) {
        if (!(error instanceof FlyAmbiguousError))
            throw error;
        log.info(`The answer to creating the machine was lost (${error.detail}); looking before creating again`);
        const listed = await inApp(ctx, app, async (justCreated) => ours(request, (await ctx.client.listMachines(request.appName, justCreated)) ?? []));
        const found = listed.filter((m) => deployedRevision(m).id === request.revision.id && m.config.image === request.image && m.region === request.region);
        const latest = found.at(-1);
        if (latest !== undefined) {
            log.info(`Found machine ${latest.id}: the lost create did go through`);
            return latest;
        }
        return made(await createInApp());
    }
}
/**
 * Updates under a machine lease so two runs never interleave their updates. Returns the updated
 * machine, an outcome when a newer revision got there first, or neither when the machine vanished.
 */
async function updateUnderLease(ctx, request, machine, config, deadline, log) {
    const appName = request.appName;
    let lease;
    for (let attempt = 1;; attempt++) {
        lease = await ctx.client.acquireLease(appName, machine.id, leaseTtlSeconds);
        if (lease !== undefined)
            break;
        if (ctx.now() >= deadline) {
            throw new Error(`Machine ${machine.id} stayed locked by another deploy's lease until wait-timeout ran out.`);
        }
        if (attempt === 1)
            log.info(`Machine ${machine.id} is being updated by another run; waiting for its lease`);
        await ctx.sleep(Math.max(200, (0,retry/* backoffDelay */.EY)({ ...retry/* defaultRetryPolicy */.ur, maxDelayMs: 2_000 }, attempt)));
    }
    try {
        // The lease names the machine version it was taken on; if that is not what we looked at,
        // another run changed the machine meanwhile and we look again.
        const current = lease.version === machine.instance_id ? machine : await ctx.client.getMachine(appName, machine.id);
        if (current === undefined)
            return {};
        const newer = superseded(request, current);
        if (newer !== undefined)
            return { outcome: newer };
        // A machine that already has this config but stopped (a crash at boot, say) is updated all
        // the same: the update boots a fresh instance, so a re-run retries instead of re-reporting.
        if (sameConfig(current.config, config) && (current.state === 'started' || booting.has(current.state))) {
            return { machine: current };
        }
        // The machine's own region: the API cannot move a machine (region is immutable).
        const body = { region: current.region, config, ...secretsVersion(request) };
        log.changing();
        try {
            const updated = await ctx.client.updateMachine(appName, machine.id, body, lease.nonce);
            log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
            return { machine: updated };
        }
        catch (error) {
            if (!(error instanceof FlyAmbiguousError))
                throw error;
            const after = await ctx.client.getMachine(appName, machine.id);
            if (after !== undefined && sameConfig(after.config, config)) {
                log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
                return { machine: after };
            }
            const updated = await ctx.client.updateMachine(appName, machine.id, body, lease.nonce);
            log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
            return { machine: updated };
        }
    }
    finally {
        // Best effort: an unreleased lease only delays the next run until its short TTL ends.
        await ctx.client.releaseLease(appName, machine.id, lease.nonce).catch(() => undefined);
    }
}
/** Machines of process groups the fly.toml no longer has go once the others are ready. */
async function dropGroups(ctx, request, all, groups, defaultGroup, log) {
    const stale = all.filter((m) => !groups.has(groupOf(m, defaultGroup)));
    if (stale.length === 0)
        return;
    await (0,settled/* settled */.g)(stale.map((m) => ctx.client.deleteMachine(request.appName, m.id)));
    log.info(`Removed machine${stale.length > 1 ? 's' : ''} ${stale.map((m) => `${m.id} (${groupOf(m, defaultGroup)})`).join(', ')}: the process group is gone from the fly.toml`);
}

;// CONCATENATED MODULE: ./lib/providers/fly/phases.js
// How long each phase of a deploy took, as the run's summary reports it (DeployDetails.phasesMs).
const phaseOrder = ['app', 'IPs', 'release', 'machines', 'boot', 'checks'];
/** How long each phase of a deploy took; groups deploy in parallel, so a phase counts its longest group. */
class Phases {
    #now;
    #ms = new Map();
    constructor(now) {
        this.#now = now;
    }
    async time(name, work) {
        const start = this.#now();
        try {
            return await work();
        }
        finally {
            this.#ms.set(name, (this.#ms.get(name) ?? 0) + this.#now() - start);
        }
    }
    /** A fresh tally for one group, merged back with merge(). */
    fork() {
        return new Phases(this.#now);
    }
    merge(groups) {
        for (const name of new Set(groups.flatMap((g) => [...g.#ms.keys()]))) {
            this.#ms.set(name, (this.#ms.get(name) ?? 0) + Math.max(...groups.map((g) => g.#ms.get(name) ?? 0)));
        }
    }
    list() {
        return phaseOrder.filter((name) => this.#ms.has(name)).map((name) => ({ name, ms: this.#ms.get(name) }));
    }
}

;// CONCATENATED MODULE: ./lib/providers/fly/release.js







/** The release command runs before any app machine gets a new version, and only when one will (`changes`). */
async function releaseStep(ctx, request, plan, app, secrets, changes, phases, log) {
    if (plan.release !== undefined && changes)
        return phases.time('release', () => runRelease(ctx, request, plan, app, secrets, log));
    if (plan.release !== undefined)
        return { detail: { command: plan.release.commandLine, exitCode: undefined, ran: false } };
    return {};
}
/**
 * `[deploy] release_command` as flyctl runs it (internal/command/deploy/machines_releasecommand.go):
 * a one-off machine that destroys itself, with the app's env and secrets, waited on until it is
 * gone; its exit event says how the command ended.
 */
async function runRelease(ctx, request, plan, app, secrets, log) {
    const release = plan.release;
    const config = structuredClone(release.config);
    config.image = request.image;
    config.env = { ...config.env, ...request.env };
    config.metadata = { ...config.metadata, ...request.ownerLabels, [revisionKey]: request.revision.id, [orderKey]: String(request.revision.order) };
    const body = { region: plan.region, config, ...(secrets.version === undefined ? {} : { min_secrets_version: secrets.version }) };
    log.changing();
    const machine = await inApp(ctx, app, (justCreated) => ctx.client.createMachine(request.appName, body, justCreated));
    log.info(`Running the release command in machine ${machine.id}: ${release.commandLine}`);
    const waited = await waitForRelease(ctx, request.appName, machine, release.timeoutMs);
    const { current, events } = waited;
    const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
    const exitCode = exit?.exit_code;
    // A machine that answered 404 but whose exit event can still be read ran and destroyed itself
    // (flyctl machines_releasecommand.go takes a 404 the same way, then reads the exit event).
    const finished = waited.finished || (waited.gone !== undefined && exit !== undefined);
    const detail = { command: release.commandLine, exitCode, ran: true };
    const state = current?.state ?? (finished ? 'destroyed' : 'unknown');
    if (finished && exitCode === 0) {
        log.info(`Release command exited with code 0 (machine ${machine.id})`);
        return { detail };
    }
    // A command still running at its timeout must not go on changing the database behind the failure.
    if (!finished)
        await ctx.client.deleteMachine(request.appName, machine.id).catch(() => undefined);
    const reason = releaseFailure(release, machine.id, waited, finished, state, exit);
    return {
        detail,
        failed: {
            kind: 'failed',
            appName: request.appName,
            hostname: hostnameFor(request.appName),
            machineId: machine.id,
            region: machine.region,
            reason,
            state,
            exitCode,
            recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
        },
    };
}
/** Why the release step failed, in one sentence a user can act on. */
function releaseFailure(release, machineId, waited, finished, state, exit) {
    const command = `\`${release.commandLine}\``;
    const unchanged = 'no app machine was changed';
    if (!finished && waited.gone?.seen === false) {
        const seconds = Math.round(waited.gone.sinceCreateMs / 1000);
        return `Fly answered 404 for the release command's machine ${machineId} for ${seconds} s after creating it, so whether ${command} ran, and how it ended, is unknown; ${unchanged}. Re-run the job.`;
    }
    if (!finished && waited.gone !== undefined) {
        return `The release command's machine ${machineId} disappeared (404) before its exit could be read, so how ${command} ended is unknown; ${unchanged}. Re-run the job.`;
    }
    if (!finished)
        return `The release command ${command} did not finish within ${Math.round(release.timeoutMs / 1000)} s (release_command_timeout); ${unchanged}.`;
    if (state === 'failed')
        return `Fly could not start the release command's machine (it is "failed"); ${unchanged}.`;
    return `The release command ${command} exited with code ${exit?.exit_code ?? 'unknown'}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}; ${unchanged}.`;
}
/** Waits until the release machine has stopped or is gone, or the timeout ends; then reads how it ended. */
async function waitForRelease(ctx, appName, machine, timeoutMs) {
    const end = ctx.now() + timeoutMs;
    const changedAt = ctx.now();
    let finished = false;
    let seen = false;
    let last;
    try {
        for (let attempt = 1; ctx.now() < end;) {
            const result = await ctx.client.wait(appName, machine.id, ['stopped', 'destroyed', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, (end - ctx.now()) / 1000));
            last = result;
            if (result !== 'gone')
                seen = true;
            if (result === 'reached') {
                finished = true;
                break;
            }
            if (result === 'gone') {
                const pause = Math.max(200, (0,retry/* backoffDelay */.EY)(machineVisibility, attempt++, ctx.random));
                if (ctx.now() - changedAt + pause > machineVisibility.budgetMs)
                    break;
                await ctx.sleep(pause);
            }
            if (result === 'replaced')
                break;
        }
        const gone = last === 'gone' ? { seen, sinceCreateMs: ctx.now() - changedAt } : undefined;
        const current = await ctx.client.getMachine(appName, machine.id);
        const events = current?.events ?? (await ctx.client.events(appName, machine.id).catch(() => []));
        return { finished, gone, current, events };
    }
    catch (error) {
        // An API error while it runs must not leave the command going on behind the failed step.
        if (!finished)
            await ctx.client.deleteMachine(appName, machine.id).catch(() => undefined);
        throw error;
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./lib/providers/fly/secrets.js
// The `secrets` input as Fly app secrets, sent only when they change.



/** The secret names this action set (sorted, comma-separated), so a name dropped from the input is unset. */
const secretsKeysKey = 'fly_preview_secrets';
/** Which values those secrets have, as a digest keyed by the API token: nothing about the values can be read from it. */
const secretsDigestKey = 'fly_preview_secrets_digest';
/**
 * Sets the `secrets` input as app secrets and unsets the keys this action set before and the
 * input no longer has. The machines carry the key names and a digest keyed by the API token, so
 * a re-run with the same values sends nothing and a changed value changes their config.
 */
async function syncSecrets(ctx, request, ours, groupNames, defaultGroup, log) {
    const keys = Object.keys(request.secrets).sort();
    const digest = keys.length === 0 ? undefined : (0,external_node_crypto_.createHmac)('sha256', ctx.token).update((0,canonical/* canonical */.$)(request.secrets)).digest('hex').slice(0, 32);
    const metadata = digest === undefined ? {} : { [secretsKeysKey]: keys.join(','), [secretsDigestKey]: digest };
    const before = new Set(ours.flatMap((m) => (m.config.metadata?.[secretsKeysKey] ?? '').split(',').filter((k) => k !== '')));
    const removed = [...before].filter((k) => !keys.includes(k)).sort();
    const current = groupNames.every((g) => ours.some((m) => groupOf(m, defaultGroup) === g && m.config.metadata?.[secretsDigestKey] === digest));
    if (removed.length === 0 && (digest === undefined || current))
        return { version: undefined, metadata };
    log.changing();
    const values = { ...request.secrets, ...Object.fromEntries(removed.map((k) => [k, null])) };
    const { version } = await ctx.client.updateSecrets(request.appName, values);
    log.info(`App secrets now at version ${version}` +
        `${keys.length === 0 ? '' : `; set ${keys.join(', ')}`}${removed.length === 0 ? '' : `; unset ${removed.join(', ')} (no longer in the secrets input)`}`);
    return { version, metadata };
}

;// CONCATENATED MODULE: ./lib/providers/fly/wake.js




/** States fly-proxy's autostop leaves an idle machine in (fly.io/docs/machines/machine-states). */
const asleep = new Set(['stopped', 'suspended']);
async function wake(ctx, target, waitTimeoutMs, log) {
    const appName = target.appName;
    // The API filters by the owner labels; checking again keeps a filter it ignored from waking others' machines.
    const listed = (await ctx.client.listMachinesWithMetadata(appName, target.ownerLabels)) ?? [];
    const ours = listed.filter((m) => !gone(m) && carries(m, target.ownerLabels) && groupOf(m, '') !== releaseGroup);
    if (ours.length === 0)
        return { kind: 'absent', appName };
    const sleeping = ours.filter((m) => asleep.has(m.state));
    const machineIds = ours.map((m) => m.id);
    if (sleeping.length === 0)
        return { kind: 'awake', appName, machineIds, started: [] };
    const deadline = ctx.now() + waitTimeoutMs;
    const results = await (0,settled/* settled */.g)(sleeping.map((m) => startOne(ctx, appName, m, deadline, log)));
    const leased = results.filter((r) => r.result === 'leased' || r.result === 'replaced');
    if (leased.length > 0) {
        return { kind: 'busy', appName, reason: `a deploy is changing machine ${leased.map((r) => r.id).join(', ')} and starts it itself` };
    }
    const stuck = results.filter((r) => r.result !== 'started');
    if (stuck.length > 0) {
        const what = stuck.map((r) => `${r.id} (${r.result === 'gone' ? 'deleted meanwhile' : `still not started after ${Math.round(waitTimeoutMs / 1000)} s`})`);
        return { kind: 'failed', appName, reason: `machine ${what.join(', ')} did not come up; wait-timeout bounds the wait` };
    }
    return { kind: 'awake', appName, machineIds, started: results.map(({ id, from }) => ({ id, from })) };
}
/**
 * Starts one machine and blocks until its instance is `started`. A start whose answer was lost may
 * have gone through: the wait that follows tells, so it is never sent twice.
 */
async function startOne(ctx, appName, m, deadline, log) {
    const done = (result) => ({ id: m.id, from: m.state, result });
    try {
        if ((await ctx.client.startMachine(appName, m.id)) === 'leased')
            return done('leased');
    }
    catch (error) {
        if (!(error instanceof FlyAmbiguousError))
            throw error;
        log.info(`The answer to starting machine ${m.id} was lost (${error.detail}); waiting to see whether it starts`);
    }
    log.info(`Starting machine ${m.id} of ${appName} (it was ${m.state})`);
    for (;;) {
        const remainingMs = deadline - ctx.now();
        if (remainingMs <= 0)
            return done('timeout');
        const result = await ctx.client.wait(appName, m.id, ['started'], m.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
        if (result === 'reached')
            return done('started');
        // An update replaced the instance: a deploy got there first, and it boots the machine itself.
        if (result === 'replaced' || result === 'gone')
            return done(result);
    }
}

;// CONCATENATED MODULE: ./lib/providers/fly/provider.js














/** Without planned overrides (a provider made for a bare DeployRequest), the request's own values. */
function overridesFrom(request) {
    return {
        region: request.region,
        internalPort: request.internalPort,
        cpuKind: request.guest.cpuKind,
        cpus: request.guest.cpus,
        memoryMb: request.guest.memoryMb,
        autostop: request.autostop,
    };
}
class FlyProvider {
    #ctx;
    #appConfig;
    #overrides;
    constructor(options) {
        this.#ctx = flyContext(options);
        this.#appConfig = options.appConfig;
        this.#overrides = options.overrides;
    }
    listPreviews(scope, log) {
        return listPreviews(this.#ctx, scope, log);
    }
    busy(appName, machineIds) {
        return busy(this.#ctx, appName, machineIds);
    }
    close() {
        return this.#ctx.client.close();
    }
    hostnameFor(appName) {
        return hostnameFor(appName);
    }
    destroy(target, log) {
        return destroy(this.#ctx, target, log);
    }
    wake(target, waitTimeoutMs, log) {
        return wake(this.#ctx, target, waitTimeoutMs, log);
    }
    async deploy(request, log) {
        const ctx = this.#ctx;
        const deadline = ctx.now() + request.waitTimeoutMs;
        const plan = (0,appconfig/* planPreview */.Aq)(this.#appConfig, this.#overrides ?? overridesFrom(request));
        const phases = new Phases(ctx.now);
        const app = await phases.time('app', () => ensureApp(ctx, request, log));
        const appName = request.appName;
        const wantsVolumes = plan.groups.some((g) => g.volumes.length > 0);
        // A fresh app has no IPs, machines or volumes: nothing to look up.
        const [listed, volumes] = await (0,settled/* settled */.g)([
            app.fresh ? Promise.resolve([]) : ctx.client.listMachines(appName).then((l) => l ?? []),
            app.fresh || !wantsVolumes ? Promise.resolve([]) : ctx.client.listVolumes(appName),
            phases.time('IPs', () => ensureIps(ctx, appName, app, log)),
        ]);
        const ours = listed.filter((m) => !gone(m) && carries(m, request.ownerLabels));
        const defaultGroup = (plan.groups.find((g) => g.name === 'app') ?? plan.groups[0])?.name ?? 'app';
        const appGroups = ours.filter((m) => groupOf(m, defaultGroup) !== releaseGroup);
        // A newer revision already deployed is left in place, its secrets, volumes and data included.
        for (const m of appGroups) {
            const newer = superseded(request, m);
            if (newer !== undefined)
                return newer;
        }
        const secrets = await syncSecrets(ctx, request, appGroups, plan.groups.map((g) => g.name), defaultGroup, log);
        const mounts = await volumesFor(ctx, request, plan, appGroups, volumes, defaultGroup, log);
        const groups = groupRequests(request, plan, { defaultGroup, secrets, mounts, volumes, phases });
        const release = await releaseStep(ctx, request, plan, app, secrets, anyChanges(groups, appGroups), phases, log);
        if (release.failed !== undefined)
            return { ...release.failed, details: { groups: [], checks: [], release: release.detail, phasesMs: phases.list() } };
        const outcomes = await (0,settled/* settled */.g)(groups.map((g) => deployGroup(ctx, g, appGroups, deadline, app, log)));
        phases.merge(groups.map((g) => g.phases));
        const details = report(groups, outcomes, release.detail, phases);
        const main = groups.findIndex((g) => g.group === defaultGroup);
        const chosen = outcomes.find((o) => o.kind === 'failed') ?? outcomes.find((o) => o.kind === 'superseded') ?? outcomes[main];
        if (chosen.kind === 'ready')
            await dropGroups(ctx, request, appGroups, new Set(groups.map((g) => g.group)), defaultGroup, log);
        return { ...chosen, details };
    }
}
/** What the deploy reports of each group: its machine, its health checks, the release command, the phases' times. */
function report(groups, outcomes, release, phases) {
    return {
        groups: groups.map((g, i) => {
            const o = outcomes[i];
            return { name: g.group, machineId: o.machineId, region: o.region, state: o.kind === 'failed' ? o.state : o.kind === 'superseded' ? 'kept' : (g.seen?.state ?? 'started') };
        }),
        checks: groups.flatMap((g) => (g.seen?.checks ?? []).map((c) => ({ group: g.group, name: c.name, status: c.status, output: c.output ?? '' }))),
        ...(release === undefined ? {} : { release }),
        phasesMs: phases.list(),
    };
}

;// CONCATENATED MODULE: ./lib/providers/fly/index.js


function createFlyProvider(options) {
    return new FlyProvider(options);
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
