export const id = 108;
export const ids = [108];
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

/***/ 108:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createComfyDeployPreviewProvider: () => (/* binding */ createComfyDeployPreviewProvider)
});

// UNUSED EXPORTS: ComfyDeployAuthError, ComfyDeployPlanError, createComfyDeployProvider

// EXTERNAL MODULE: ./lib/providers/revision.js
var revision = __webpack_require__(1161);
// EXTERNAL MODULE: ./lib/providers/polling.js
var polling = __webpack_require__(749);
// EXTERNAL MODULE: ./lib/providers/http.js
var http = __webpack_require__(1596);
;// CONCATENATED MODULE: ./lib/providers/comfydeploy/client.js
// Typed ComfyDeploy API calls (comfy-deploy/api src/api/routes/machines.py). Each method is one
// request, or one paged listing; what to do with the answers is the phase modules' (machine.ts, build.ts, …).

const api = 'ComfyDeploy API';
/** GET /machines answers at most `limit` rows, newest update first (machines.py get_machines). */
const pageSize = 100;
const id = (value) => encodeURIComponent(value);
/**
 * FastAPI's `detail`: a sentence, or on a 422 the list of pydantic issues, shown as
 * `comfyui_version: String should match pattern ...` (the `body` prefix of `loc` says nothing).
 */
function comfyDeployErrorMessage(body) {
    const { detail } = body;
    if (typeof detail === 'string')
        return detail;
    if (Array.isArray(detail)) {
        const issues = detail.map((issue) => {
            const where = (issue.loc ?? []).filter((part, i) => !(i === 0 && part === 'body')).join('.');
            return where === '' ? (issue.msg ?? '') : `${where}: ${issue.msg ?? issue.type ?? 'invalid'}`;
        });
        return issues.filter((text) => text !== '').join('; ') || undefined;
    }
    if (typeof detail === 'object' && detail !== null) {
        const { message, error } = detail;
        if (typeof message === 'string')
            return message;
        if (typeof error === 'string')
            return error;
    }
    return undefined;
}
/**
 * A 403 to a create or update: ComfyDeploy answers plan limits (always-on machines, GPU
 * concurrency, features of paid plans) with 403 (machines.py validate_free_plan_restrictions), so
 * this is not a token problem and says so.
 */
class ComfyDeployPlanError extends http/* ApiError */.hD {
    constructor(call, detail, requestId, body) {
        super({ api, call, status: 403, detail, requestId, body }, `${api}: ${call} was refused by the organisation's ComfyDeploy plan (403): ${detail}${requestId === undefined ? '' : ` (request id ${requestId})`}`);
        this.name = 'ComfyDeployPlanError';
    }
}
class ComfyDeployClient {
    #http;
    constructor(options) {
        this.#http = new http/* JsonHttp */.XC({
            ...options,
            api,
            authorization: `Bearer ${options.token}`,
            errorMessage: comfyDeployErrorMessage,
            requestIdHeader: 'x-request-id',
            authHint: 'Check the comfydeploy-api-token input: it must be a ComfyDeploy API key of the organisation that should hold the previews (dashboard → Settings → API Keys).',
        });
    }
    close() {
        return this.#http.close();
    }
    /**
     * Machines not deleted, with their docker_command_steps (the only place the ownership marker is
     * echoed). `search` is a case-insensitive substring match (ILIKE), so callers compare names exactly.
     */
    async listMachines(search) {
        const machines = [];
        for (let offset = 0;; offset += pageSize) {
            const { data } = await this.#http.call('GET', '/machines', {
                query: { search, is_deleted: false, include_docker_command_steps: true, limit: pageSize, offset },
            });
            const page = Array.isArray(data) ? data : [];
            machines.push(...page);
            if (page.length < pageSize)
                return machines;
        }
    }
    /** The machines of exactly this name that are not deleted. */
    async findMachines(name) {
        return (await this.listMachines(name)).filter((m) => m.name === name);
    }
    /** undefined when absent or deleted (machines.py get_machine filters `deleted = FALSE`). */
    async getMachine(machineId) {
        const { status, data } = await this.#http.call('GET', `/machine/${id(machineId)}`, { expect: [404] });
        return status === 404 ? undefined : data;
    }
    /** The answer carries `machine_version_id`, the build the create started. */
    createMachine(body) {
        return this.#change('POST', '/machine/serverless', body);
    }
    /** A rebuild (new `machine_version_id`) only when a build field changed or `is_trigger_rebuild` is set. */
    updateMachine(machineId, body) {
        return this.#change('PATCH', `/machine/serverless/${id(machineId)}`, body);
    }
    async #change(method, path, body) {
        const answer = await this.#http.call(method, path, { body, expect: [403], idempotent: false });
        if (answer.status === 403) {
            throw new ComfyDeployPlanError(`${method} ${path}`, comfyDeployErrorMessage(answer.data) ?? 'HTTP 403', answer.requestId, answer.data);
        }
        return answer.data;
    }
    async getVersion(machineId, versionId) {
        const { status, data } = await this.#http.call('GET', `/machine/serverless/${id(machineId)}/versions/${id(versionId)}`, {
            expect: [404],
        });
        return status === 404 ? undefined : data;
    }
    /**
     * Soft-deletes the machine (machines.py delete_machine). `force` skips the 402 for machines that
     * workflows are deployed on. 'keep-warm' is the 400 for a machine with keep_warm > 0, which must
     * be set to 0 first; 'absent' is the 404.
     */
    async deleteMachine(machineId) {
        const path = `/machine/${id(machineId)}`;
        const { status, data, requestId } = await this.#http.call('DELETE', path, { query: { force: true }, expect: [400, 404] });
        if (status === 404)
            return 'absent';
        if (status !== 400)
            return 'deleted';
        const detail = comfyDeployErrorMessage(data) ?? 'HTTP 400';
        if (/keep warm/i.test(detail))
            return 'keep-warm';
        throw new http/* ApiError */.hD({ api, call: `DELETE ${path}`, status, detail, requestId, body: data });
    }
}

// EXTERNAL MODULE: ./lib/providers/comfydeploy/names.js
var names = __webpack_require__(7778);
;// CONCATENATED MODULE: ./lib/providers/comfydeploy/context.js



const defaultPollIntervalsMs = [5_000, 10_000, 15_000, 20_000];
const defaultLookAgainDelaysMs = [1_000, 2_000, 4_000];
function comfyDeployContext(options) {
    return (0,polling/* phaseContext */.LQ)(new ComfyDeployClient(options), options, {
        pollIntervalsMs: defaultPollIntervalsMs,
        lookAgainDelaysMs: defaultLookAgainDelaysMs,
    });
}
/** Where an outcome points: the machine and its dashboard page (no hostname, no region). */
function place(request, machineId) {
    return { appName: request.appName, hostname: '', machineId, region: '', url: (0,names/* dashboardUrl */.aU)(machineId) };
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/build.js
// Following a machine's build by its own version until it has ended, and what a build that failed,
// timed out or vanished says: the end of its build log.


/** Build log lines shown for a failed build. */
const logTailLines = 30;
/** A build that has ended; anything else (building, not-started, starting) is still under way. */
const ended = new Set(['ready', 'error']);
/** build_log and import_failed_logs are JSON text of `[{logs, timestamp}]`; plain text is read line by line. */
function logLines(text) {
    if (text === null || text === undefined || text === '')
        return [];
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return text.split(/\r?\n/).filter((line) => line.trim() !== '');
    }
    if (!Array.isArray(parsed))
        return typeof parsed === 'string' ? [parsed] : [];
    return parsed.flatMap((entry) => {
        if (typeof entry === 'string')
            return [entry];
        const logs = entry?.logs;
        return typeof logs === 'string' ? logs.split(/\r?\n/) : [];
    });
}
/**
 * Polls the build's own version (not the machine, whose status overlapping builds overwrite) with
 * growing pauses until it has ended or the deadline passes. A build this run just started is
 * known to be building, so the first look waits a pause.
 */
function followBuild(ctx, machineId, versionId, deadline, justStarted, budgetMs) {
    return (0,polling/* pollUntilEnded */.oX)(ctx, () => ctx.client.getVersion(machineId, versionId), (version) => ended.has(version.status), {
        deadline,
        justStarted,
        budgetMs,
    });
}
function buildFailed(request, machine, result) {
    const at = place(request, machine.id);
    if (result.kind === 'gone') {
        return { kind: 'failed', ...at, reason: 'The build this run followed is gone from ComfyDeploy.', state: 'unknown', exitCode: undefined, recentEvents: [] };
    }
    const version = result.value;
    if (result.kind === 'timeout') {
        return {
            kind: 'failed',
            ...at,
            reason: `The build did not finish within ${Math.round(request.waitTimeoutMs / 1000)} s (wait-timeout); it is ${version.status ?? 'unknown'}. ` +
                'ComfyDeploy builds take minutes: raise wait-timeout, or re-run the job to follow the same build.',
            state: version.status ?? 'unknown',
            exitCode: undefined,
            recentEvents: [],
        };
    }
    const tail = logLines(version.build_log).slice(-logTailLines);
    return {
        kind: 'failed',
        ...at,
        reason: `The build failed (version ${version.version} ended in ${version.status}); the end of its build log follows.`,
        state: version.status,
        exitCode: undefined,
        recentEvents: tail,
    };
}

// EXTERNAL MODULE: ./lib/providers/settled.js
var settled = __webpack_require__(2131);
// EXTERNAL MODULE: ./lib/providers/canonical.js
var canonical = __webpack_require__(7300);
;// CONCATENATED MODULE: ./lib/providers/comfydeploy/steps.js


/** The step id of the pull request's own node; extra nodes get `fly-preview-extra-<n>`. */
const nodeStepId = 'fly-preview-node';
/** Where a `commands` step clones a repository whose node lives in a sub-folder. */
const scratch = '/tmp/fly-preview-source';
const cloneUrlPattern = /^https:\/\/[A-Za-z0-9._~:/-]+$/;
const commitPattern = /^[0-9a-fA-F]{40}$/;
/**
 * The request's source is written into Dockerfile lines, so anything but a plain https URL, a full
 * commit and a plain path is refused before any call (src/inputs.ts checks the inputs earlier).
 */
function checkSource(source) {
    if (!cloneUrlPattern.test(source.repositoryUrl))
        throw new Error(`The repository URL "${source.repositoryUrl}" is not a plain https clone URL.`);
    if (!commitPattern.test(source.commit))
        throw new Error(`The commit "${source.commit}" is not a 40-hex commit.`);
    if (source.subPath !== '' && !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(source.subPath)) {
        throw new Error(`The node path "${source.subPath}" is not a plain relative folder.`);
    }
}
/** The folder under custom_nodes the PR's node is installed in: ComfyUI names import failures by it. */
function nodeFolder(source) {
    return source.subPath === '' ? (0,names/* cloneFolder */.QM)(source.repositoryUrl) : (source.subPath.split('/').pop() ?? source.subPath);
}
/**
 * A node at the repository root is an ordinary `git-clone` step (utils/docker.py clones, resets to
 * `hash`, installs requirements.txt and runs install.py). A node in a sub-folder has no such step,
 * so the same is written as a `commands` step that copies only that folder.
 */
function nodeStep(source) {
    if (source.subPath === '') {
        return { id: nodeStepId, type: 'custom-node', data: { url: source.repositoryUrl, hash: source.commit, install_type: 'git-clone' } };
    }
    const folder = nodeFolder(source);
    return {
        id: nodeStepId,
        type: 'commands',
        data: [
            'WORKDIR /comfyui/custom_nodes',
            `RUN git clone --recursive ${source.repositoryUrl} ${scratch} && git -C ${scratch} reset --hard ${source.commit} && ` +
                `git -C ${scratch} submodule update --init --recursive && cp -r ${scratch}/${source.subPath} /comfyui/custom_nodes/${folder} && rm -rf ${scratch}`,
            `WORKDIR /comfyui/custom_nodes/${folder}`,
            'RUN if [ -f requirements.txt ]; then python -m pip install -r requirements.txt; fi',
            "RUN if [ -f install.py ]; then python install.py || echo 'install script failed'; fi",
        ].join('\n'),
    };
}
function desiredSteps(request) {
    const extras = (request.extraNodes ?? []).map((node, i) => ({
        id: `fly-preview-extra-${i + 1}`,
        type: 'custom-node',
        data: { url: node.url, hash: node.commit, install_type: 'git-clone' },
    }));
    return [...extras, nodeStep(request.source)];
}
function desiredCommandSteps(request) {
    return {
        steps: desiredSteps(request),
        fly_preview: {
            labels: { ...request.ownerLabels },
            source: request.source.repositoryUrl,
            revision: request.revision.id,
            order: request.revision.order,
        },
    };
}
/** The URL a step installs from: a custom-node step's `url`, or the clone in our own commands step. */
function stepUrl(step) {
    if (step.type === 'custom-node')
        return step.data.url;
    if (step.type === 'commands' && typeof step.data === 'string')
        return /git clone --recursive (\S+)/.exec(step.data)?.[1];
    return undefined;
}
function stepsOf(machine) {
    const steps = machine.docker_command_steps?.steps;
    return Array.isArray(steps) ? steps : [];
}
function markerOf(machine) {
    const marker = machine.docker_command_steps?.fly_preview;
    return typeof marker === 'object' && marker !== null && typeof marker.labels === 'object' && marker.labels !== null ? marker : undefined;
}
/** The revision a marker records, as supersedes() compares it. */
function markedRevision(marker) {
    return { id: marker.revision, order: marker.order };
}
/**
 * Ours: the marker carries every owner label, and the machine still installs the node the marker
 * names (the step a reviewer sees in the dashboard). A machine of our name without both is someone
 * else's, and is never changed or deleted.
 */
function carries(machine, labels) {
    const marker = markerOf(machine);
    if (marker === undefined || !Object.entries(labels).every(([key, value]) => marker.labels[key] === value))
        return false;
    return stepsOf(machine).some((step) => step.id === nodeStepId && stepUrl(step) === marker.source);
}
/** Oldest first, so every run that sees the same machines keeps the same one. */
function oldestFirst(a, b) {
    const at = a.created_at ?? '';
    const bt = b.created_at ?? '';
    if (at !== bt)
        return at < bt ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
/** Whether the machine already builds what this request asks for (the revision order aside). */
function sameBuild(machine, request) {
    const marker = markerOf(machine);
    return (marker?.revision === request.revision.id &&
        marker.source === request.source.repositoryUrl &&
        (machine.comfyui_version ?? '').toLowerCase() === request.comfyuiVersion.toLowerCase() &&
        machine.gpu === request.gpu &&
        (0,canonical/* canonical */.$)(stepsOf(machine)) === (0,canonical/* canonical */.$)(desiredSteps(request)));
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/machine.js





const defaultIdleTimeoutSeconds = 60;
/**
 * Our machine of this name, or undefined. Several of ours (racing creates: names are not unique)
 * converge on the oldest and the rest are deleted; a machine of our name that is not ours stops
 * the run, since a second machine of the same name would confuse every reviewer.
 */
async function ourMachine(ctx, name, labels, log) {
    const named = await ctx.client.findMachines(name);
    const ours = named.filter((m) => carries(m, labels)).sort(oldestFirst);
    if (ours.length === 0 && named.length > 0) {
        throw new Error(`ComfyDeploy already has a machine named "${name}" that fly-preview did not create for this pull request ` +
            `(${named.map((m) => m.id).join(', ')}); it was left untouched. Choose another name with the app-name input.`);
    }
    const [oldest, ...newer] = ours;
    if (newer.length > 0) {
        log.changing();
        await (0,settled/* settled */.g)(newer.map((m) => deleteMachine(ctx, m, log)));
        log.info(`Racing runs created ${ours.length} machines named ${name}; kept the oldest (${oldest?.id ?? ''}) and deleted ${newer.map((m) => m.id).join(', ')}`);
    }
    return oldest;
}
async function createMachine(ctx, request, log) {
    const body = {
        name: request.appName,
        gpu: request.gpu,
        comfyui_version: request.comfyuiVersion,
        docker_command_steps: desiredCommandSteps(request),
        keep_warm: 0,
        idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
    };
    log.changing();
    let created;
    try {
        created = await ctx.client.createMachine(body);
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
        log.info(`The answer to creating ComfyDeploy machine ${request.appName} was lost (${error.detail}); looking before creating again`);
        const made = await (0,polling/* lookAgain */.IK)(ctx, () => ourMachine(ctx, request.appName, request.ownerLabels, log));
        if (made !== undefined)
            return { kind: 'found', machine: made, lostOurs: true };
        created = await ctx.client.createMachine(body);
    }
    log.info(`Created ComfyDeploy machine ${created.id} (${request.appName}), build ${created.machine_version_id ?? 'pending'}`);
    // The API does not refuse a second machine of the same name, so a racing run may have made one
    // too: every run keeps the oldest, and a run whose machine is newer deletes its own.
    const oldest = await ourMachine(ctx, request.appName, request.ownerLabels, log);
    if (oldest === undefined || oldest.id === created.id)
        return { kind: 'created', machine: created };
    log.info(`Machine ${oldest.id} of another run is older; continuing with it`);
    return { kind: 'found', machine: oldest, lostOurs: false };
}
async function updateMachine(ctx, request, machine, rebuildSame, log) {
    const body = {
        gpu: request.gpu,
        comfyui_version: request.comfyuiVersion,
        docker_command_steps: desiredCommandSteps(request),
        idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
        ...(rebuildSame ? { is_trigger_rebuild: true } : {}),
    };
    log.changing();
    let updated;
    try {
        updated = await ctx.client.updateMachine(machine.id, body);
    }
    catch (error) {
        if (!(error instanceof http/* ApiAmbiguousError */.nP))
            throw error;
        // Looking first also keeps a machine deleted meanwhile from being rebuilt (PATCH does not check `deleted`).
        const after = await ctx.client.getMachine(machine.id);
        if (after === undefined)
            throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
        if (after.machine_version_id !== machine.machine_version_id && (0,canonical/* canonical */.$)(after.docker_command_steps) === (0,canonical/* canonical */.$)(body.docker_command_steps)) {
            log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
            return after;
        }
        updated = await ctx.client.updateMachine(machine.id, body);
    }
    if (updated.deleted === true)
        throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
    log.info(`Updated ComfyDeploy machine ${machine.id}: build ${updated.machine_version_id ?? 'pending'}`);
    return updated;
}
/** Deletes a machine, first setting keep_warm to 0 when the API asks for it (a reviewer may have raised it). */
async function deleteMachine(ctx, machine, log) {
    log.changing();
    const first = await ctx.client.deleteMachine(machine.id);
    if (first !== 'keep-warm')
        return first;
    log.info(`Machine ${machine.id} is kept warm; setting keep_warm to 0 before deleting it`);
    await ctx.client.updateMachine(machine.id, { keep_warm: 0 });
    const second = await ctx.client.deleteMachine(machine.id);
    if (second === 'keep-warm')
        throw new Error(`ComfyDeploy refused to delete machine ${machine.id} while it is kept warm.`);
    return second;
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/destroy.js



async function destroyPreview(ctx, target, log) {
    const named = await ctx.client.findMachines(target.appName);
    const ours = named.filter((m) => carries(m, target.ownerLabels));
    const foreign = named.filter((m) => !carries(m, target.ownerLabels));
    if (named.length === 0)
        return { kind: 'absent', appName: target.appName };
    const results = await (0,settled/* settled */.g)(ours.map((m) => deleteMachine(ctx, m, log)));
    const deleted = ours.filter((_, i) => results[i] === 'deleted').map((m) => m.id);
    if (foreign.length > 0) {
        log.warning(`ComfyDeploy machines named ${target.appName} that fly-preview did not create were left standing: ${foreign.map((m) => m.id).join(', ')}.` +
            (ours.length === 0 ? ' This preview had no machine of its own.' : ''));
        return { kind: 'machines-destroyed', appName: target.appName, machineIds: deleted, foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })) };
    }
    if (deleted.length === 0)
        return { kind: 'absent', appName: target.appName };
    log.info(`Deleted ComfyDeploy machine${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')} (${target.appName})`);
    return { kind: 'app-destroyed', appName: target.appName, machineIds: deleted };
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/import-failure.js
// A build that ended `ready` is not yet a working preview: ComfyUI may have failed to import a node.



/** The custom-node folder of a ComfyUI line like `0.3 seconds (IMPORT FAILED): /comfyui/custom_nodes/Foo`. */
function failedNode(line) {
    const path = /\(IMPORT FAILED\)\s*:?\s*(\S.*)$/.exec(line)?.[1]?.trim();
    if (path === undefined)
        return undefined;
    return path.replace(/\/+$/, '').split('/').pop();
}
/**
 * A build can end `ready` while ComfyUI failed to import a node: its log says `(IMPORT FAILED)`.
 * The machine's import_failed_logs is read too, but only when the machine still points at this
 * build (it describes the machine's latest build) and it may be null.
 */
function readyOrImportFailed(request, machine, version, change) {
    const lines = logLines(version.build_log);
    const fromMachine = machine.machine_version_id === version.id ? logLines(machine.import_failed_logs) : [];
    const failedLines = [...new Set([...lines, ...fromMachine].filter((line) => line.includes('(IMPORT FAILED)')))];
    if (failedLines.length === 0) {
        return { kind: 'ready', change, ...place(request, machine.id) };
    }
    const nodes = [...new Set(failedLines.map(failedNode).filter((n) => n !== undefined && n !== ''))];
    const ownFolder = nodeFolder(request.source);
    const named = nodes.map((n) => (n === ownFolder ? `${n} (this pull request's node)` : `${n} (from custom-nodes)`));
    const reason = `The build is ready, but ComfyUI could not import custom node${nodes.length === 1 ? '' : 's'} ${named.join(', ') || 'unknown'} (IMPORT FAILED); ` +
        'the lines about it from the build log follow.';
    // ComfyUI names the folder in the traceback lines too ("Cannot import /comfyui/custom_nodes/<node> module ...").
    const related = lines.filter((line) => line.includes('(IMPORT FAILED)') || nodes.some((n) => line.includes(`custom_nodes/${n}`)));
    const recentEvents = [...new Set([...related, ...failedLines])].slice(-logTailLines);
    return { kind: 'failed', ...place(request, machine.id), reason, state: 'import-failed', exitCode: undefined, recentEvents };
}

// EXTERNAL MODULE: ./lib/providers/listing.js
var providers_listing = __webpack_require__(5218);
;// CONCATENATED MODULE: ./lib/providers/comfydeploy/inventory.js



/**
 * Machines whose marker carries every scope label, with the values of the scope's keys; one listing
 * per machine name. Requests: one paged listing, nothing else. Machines have no organisation
 * parameter: the token decides.
 */
async function listPreviews(ctx, scope, log) {
    const machines = await ctx.client.listMachines();
    const byName = new Map();
    for (const m of machines.filter((machine) => carries(machine, scope.labels))) {
        const marker = markerOf(m);
        const listing = byName.get(m.name) ?? { appName: m.name, machines: [] };
        listing.machines.push({
            id: m.id,
            labels: (0,providers_listing/* scopeLabels */.a)(scope, (key) => marker.labels[key]),
            createdAt: m.created_at ?? '',
            updatedAt: m.updated_at,
        });
        byName.set(m.name, listing);
    }
    log.debug(`Looked at ${machines.length} ComfyDeploy machines; ${byName.size} are previews in scope`);
    return { previews: [...byName.values()], appsExamined: machines.length, appsLeftAlone: machines.length - [...byName.values()].reduce((n, l) => n + l.machines.length, 0) };
}
/** ComfyDeploy has no leases: a machine whose build is still under way is the nearest thing, since a run follows it. */
async function anyBusy(ctx, machineIds) {
    const machines = await (0,settled/* settled */.g)(machineIds.map((id) => ctx.client.getMachine(id)));
    return machines.some((m) => m !== undefined && (m.status === 'building' || m.status === 'not-started' || m.status === 'starting'));
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/wake.js
function wake(target) {
    return {
        kind: 'unsupported',
        appName: target.appName,
        reason: 'ComfyDeploy machines are serverless (this action creates them with keep_warm: 0): a container starts for each workflow run and none sleeps in between, so there is nothing to wake.',
    };
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/provider.js









const maxRounds = 6;
class provider_ComfyDeployProvider {
    #ctx;
    constructor(options) {
        this.#ctx = comfyDeployContext(options);
    }
    close() {
        return this.#ctx.client.close();
    }
    /** A machine has no hostname; its page (dashboardUrl) is known only once it exists. */
    hostnameFor(_appName) {
        return undefined;
    }
    async deploy(request, log) {
        checkSource(request.source);
        const ctx = this.#ctx;
        const deadline = ctx.now() + request.waitTimeoutMs;
        let machine = await ourMachine(ctx, request.appName, request.ownerLabels, log);
        let change = 'unchanged';
        for (let round = 1; round <= maxRounds; round++) {
            const build = await startBuild(ctx, request, machine, change, log);
            if ('kind' in build)
                return build;
            ({ machine, change } = build);
            const { versionId } = build;
            if (versionId === undefined || versionId === null)
                throw new Error(`ComfyDeploy answered without a machine_version_id for machine ${machine.id}; cannot follow its build.`);
            const result = await followBuild(ctx, machine.id, versionId, deadline, build.justStarted, request.waitTimeoutMs);
            const now = await ctx.client.getMachine(machine.id);
            if (now === undefined) {
                // Deleted under us: by a racing run converging on an older machine, or by the PR's close.
                const older = await ourMachine(ctx, request.appName, request.ownerLabels, log);
                if (older === undefined)
                    throw new Error(`ComfyDeploy machine ${machine.id} was deleted while it was building (was the preview destroyed meanwhile?).`);
                log.info(`Machine ${machine.id} was deleted by another run; continuing with machine ${older.id}`);
                machine = older;
                continue;
            }
            machine = now;
            if (now.machine_version_id !== versionId) {
                const marker = markerOf(now);
                if (marker !== undefined && (0,revision/* supersedes */.G)(markedRevision(marker), request.revision)) {
                    log.info(`Machine ${now.id} was updated to ${marker.revision.slice(0, 7)} by a newer run while this build ran`);
                    return { kind: 'superseded', ...place(request, now.id), deployedRevisionId: marker.revision };
                }
                log.info(`Machine ${now.id} was rebuilt by another run (version ${now.machine_version_id ?? 'none'}); looking again`);
                continue;
            }
            if (result.kind === 'ended' && result.value.status === 'ready')
                return readyOrImportFailed(request, now, result.value, change);
            return buildFailed(request, now, result);
        }
        throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing ComfyDeploy machine ${request.appName}. Re-run the job.`);
    }
    destroy(target, log) {
        return destroyPreview(this.#ctx, target, log);
    }
    wake(target) {
        return Promise.resolve(wake(target));
    }
    listPreviews(scope, log) {
        return listPreviews(this.#ctx, scope, log);
    }
    busy(_appName, machineIds) {
        return anyBusy(this.#ctx, machineIds);
    }
}
/**
 * What a round follows: a new machine's first build, a build under way, or a rebuild this run asks
 * for; or the outcome, when the machine is superseded or already runs this revision.
 */
async function startBuild(ctx, request, found, change, log) {
    let machine = found;
    if (machine === undefined) {
        const created = await createMachine(ctx, request, log);
        machine = created.machine;
        if (created.kind === 'created' || created.lostOurs)
            change = 'created';
        if (created.kind === 'created' && machine.machine_version_id !== undefined) {
            return { machine, versionId: machine.machine_version_id, justStarted: true, change };
        }
    }
    const marker = markerOf(machine);
    if (marker !== undefined && (0,revision/* supersedes */.G)(markedRevision(marker), request.revision)) {
        log.info(`Machine ${machine.id} already builds ${marker.revision.slice(0, 7)}, newer than this run's revision; leaving it`);
        return { kind: 'superseded', ...place(request, machine.id), deployedRevisionId: marker.revision };
    }
    const same = sameBuild(machine, request);
    const current = same && machine.machine_version_id ? await ctx.client.getVersion(machine.id, machine.machine_version_id) : undefined;
    if (current?.status === 'ready') {
        log.info(`Machine ${machine.id} already runs this revision (version ${current.version}); nothing to change`);
        return readyOrImportFailed(request, machine, current, change);
    }
    if (current !== undefined && !ended.has(current.status)) {
        // Another run of this revision (or our own lost create or update) started this build: follow it.
        return { machine, versionId: current.id, justStarted: false, change };
    }
    // Also when the same build failed: a re-run asks for a rebuild of it.
    const updated = await updateMachine(ctx, request, machine, same, log);
    return { machine: updated, versionId: updated.machine_version_id, justStarted: true, change: 'updated' };
}

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/index.js

// The provider's own deploy, its errors and createComfyDeployProvider are what
// test/integration/comfydeploy-provider.test.ts drives (a deploy there carries the build itself).


function createComfyDeployProvider(options) {
    return new ComfyDeployProvider(options);
}
/**
 * The preview contract on ComfyDeploy: the build settings come at construction, the code under
 * review from the request's `source` (a deploy without one is refused); image, region, size, env and
 * secrets mean nothing to a machine built from source and are not read.
 */
function createComfyDeployPreviewProvider(options) {
    const provider = new provider_ComfyDeployProvider(options);
    return {
        listPreviews: (scope, log) => provider.listPreviews(scope, log),
        busy: (appName, machineIds) => provider.busy(appName, machineIds),
        hostnameFor: (appName) => provider.hostnameFor(appName),
        destroy: (target, log) => provider.destroy(target, log),
        wake: (target) => provider.wake(target),
        close: () => provider.close(),
        deploy: (request, log) => {
            const source = request.source;
            if (source === undefined)
                return Promise.reject(new Error('A ComfyDeploy machine is built from source, and this deploy request names none.'));
            return provider.deploy({
                appName: request.appName,
                org: request.org,
                ownerLabels: request.ownerLabels,
                revision: request.revision,
                waitTimeoutMs: request.waitTimeoutMs,
                source,
                comfyuiVersion: options.comfyuiVersion,
                gpu: options.gpu,
                extraNodes: options.extraNodes,
            }, log);
        },
    };
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
