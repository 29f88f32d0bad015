export const id = 344;
export const ids = [344,580];
export const modules = {

/***/ 9538:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PM: () => (/* binding */ step),
/* harmony export */   a$: () => (/* binding */ DatabaseError),
/* harmony export */   an: () => (/* binding */ DatabaseInputError),
/* harmony export */   lZ: () => (/* binding */ serverWords)
/* harmony export */ });
/* unused harmony export redact */
// Two kinds of failure a run must tell apart: a setting the user must change, named after its input
// as every input error is, and a step the server refused, named with the server and PostgreSQL's own
// words. Neither ever holds a password: messages are built from names, and whatever text comes from
// the server or the network is redacted of every secret the room knows before it is kept.
/** A database input the user must change; the message names the input and the accepted form. */
class DatabaseInputError extends Error {
    input;
    /** The message without the input's name, for a run that words input errors its own way. */
    problem;
    constructor(input, problem) {
        super(`Input '${input}' ${problem}`);
        this.name = 'DatabaseInputError';
        this.input = input;
        this.problem = problem;
    }
}
/** A step the server refused or could not finish. */
class DatabaseError extends Error {
    /** PostgreSQL's SQLSTATE, or the network's error code (ECONNREFUSED); undefined when neither said. */
    code;
    constructor(message, code) {
        super(message);
        this.name = 'DatabaseError';
        this.code = code;
    }
}
function serverWords(error, secrets) {
    if (!(error instanceof Error))
        return { text: redact(String(error), secrets), code: undefined };
    const fields = error;
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    const parts = [error.message === '' ? error.name : error.message];
    if (code !== undefined)
        parts[0] = `${parts[0]} (${/^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code})`;
    if (typeof fields.detail === 'string')
        parts.push(fields.detail);
    if (typeof fields.hint === 'string')
        parts.push(`Hint: ${fields.hint}`);
    return { text: redact(parts.join('. '), secrets), code };
}
/** The text with every secret, longest first so a secret inside another goes with it, replaced. */
function redact(text, secrets) {
    let out = text;
    for (const secret of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length))
        out = out.split(secret).join('***');
    return out;
}
/** Runs one step; a refusal is rethrown saying which step, on which server, and what PostgreSQL said. */
async function step(what, where, run) {
    try {
        return await run();
    }
    catch (error) {
        if (error instanceof DatabaseError)
            throw new DatabaseError(`${what} on ${where} failed: ${error.message}`, error.code);
        throw error;
    }
}


/***/ }),

/***/ 7317:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ maxIdentifierBytes),
/* harmony export */   x: () => (/* binding */ previewDatabaseName)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
// A preview's database and role name. PostgreSQL keeps 63 bytes of an identifier and silently cuts
// the rest, so two long names would become one; and a name that needs no quoting reads the same in
// psql, in a log and in a URL. Names are stable across versions: a sweep finds old previews by them.

/** PostgreSQL's NAMEDATALEN - 1. */
const maxIdentifierBytes = 63;
/** Lowercase letters, digits and single underscores, none at either end. */
function slug(text) {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
}
/**
 * `pr_<n>_<owner>_<repo>` (`pr_42_acme_shop`), lowercase ASCII, so it needs no quoting. Past 63 bytes
 * the repository part is cut and 8 hex of sha256 of the lowercased repository are added, so two long
 * names that share a prefix stay apart. The PR number is never cut.
 */
function previewDatabaseName(ref) {
    const head = `pr_${ref.pr}`;
    const repo = slug(ref.repository);
    const whole = `${head}_${repo}`;
    if (whole.length <= maxIdentifierBytes)
        return whole;
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(ref.repository.toLowerCase()).digest('hex').slice(0, 8);
    const cut = repo.slice(0, maxIdentifierBytes - head.length - hash.length - 2).replace(/_+$/, '');
    return `${head}_${cut}_${hash}`;
}


/***/ }),

/***/ 3580:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Kt: () => (/* binding */ appDatabaseUrl),
/* harmony export */   Nw: () => (/* binding */ parseAppHost),
/* harmony export */   databaseUrlSecrets: () => (/* binding */ databaseUrlSecrets),
/* harmony export */   mx: () => (/* binding */ parseDatabaseUrl)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9538);

const urlForm = 'postgres://user:password@host:5432/database?sslmode=require';
/**
 * Query keys libpq reads as the user, password, host, port or database. They would override what
 * the URL's authority says, in the admin's connection and in the app's, so each must be said once,
 * in the URL itself.
 */
const identityKeys = ['user', 'password', 'host', 'hostaddr', 'port', 'dbname', 'service', 'passfile'];
function urlProblem(problem) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DatabaseInputError */ .an('database-url', `${problem}; the accepted form is ${urlForm}`);
}
function decoded(part, what) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        throw urlProblem(`has a malformed %-escape in its ${what}`);
    }
}
/** `host:port` as messages write it, IPv6 in brackets. */
function where(urlHost, port) {
    return `${urlHost}:${port}`;
}
/** The admin URL, checked; throws DatabaseInputError naming `database-url`, never its value. */
function parseDatabaseUrl(raw) {
    let url;
    try {
        url = new URL(raw.trim());
    }
    catch {
        throw urlProblem('is not a URL (in a password, write @ : / # % as %40 %3A %2F %23 %25; a list of hosts is not supported)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
        throw urlProblem('must start with postgres:// or postgresql://');
    if (url.hostname === '')
        throw urlProblem('has no host');
    if (url.hostname.includes(','))
        throw urlProblem('names more than one host; give the primary alone');
    if (url.hash !== '')
        throw urlProblem('has a fragment (#…); a # in the password is written %23');
    if (url.username === '')
        throw urlProblem('has no user');
    if (url.password === '')
        throw urlProblem("has no password; each preview's role password is derived from it");
    const key = identityKeys.find((k) => url.searchParams.has(k));
    if (key !== undefined)
        throw urlProblem(`sets ${key} in its query; write the user, password, host, port and database in the URL itself`);
    const path = decoded(url.pathname.replace(/^\//, ''), 'database name');
    if (path.includes('/'))
        throw urlProblem('has a path of more than one segment; the path is the database name');
    const port = url.port === '' ? 5432 : Number(url.port);
    if (port === 0)
        throw urlProblem('has port 0');
    const user = decoded(url.username, 'user');
    return {
        protocol: url.protocol,
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port,
        user,
        password: decoded(url.password, 'password'),
        database: path === '' ? user : path,
        search: url.search,
        href: url.href,
        where: where(url.hostname, port),
    };
}
/** `host[:port]`: how the app reaches the same server; throws DatabaseInputError naming `database-app-host`. */
function parseAppHost(raw) {
    const problem = new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DatabaseInputError */ .an('database-app-host', 'must be host or host:port, such as my-pg.flycast:5432 or [fdaa::3]:5432, without user, path or query');
    let url;
    try {
        url = new URL(`postgres://${raw.trim()}`);
    }
    catch {
        throw problem;
    }
    if (url.hostname === '' || url.hostname.includes(',') || url.username !== '' || url.password !== '' || url.pathname !== '' || url.search !== '' || url.hash !== '') {
        throw problem;
    }
    return { host: url.hostname, port: url.port === '' ? undefined : Number(url.port) };
}
/**
 * Every form in which the admin's credentials could reach a log: the URL as written and as the URL
 * parser writes it, and the password encoded, decoded and re-encoded. Never throws, so a run can
 * mask an input parseDatabaseUrl will then reject.
 */
function databaseUrlSecrets(raw) {
    const forms = new Set([raw, raw.trim()]);
    try {
        const url = new URL(raw.trim());
        forms.add(url.href);
        forms.add(url.password);
        try {
            const password = decodeURIComponent(url.password);
            forms.add(password);
            forms.add(encodeURIComponent(password));
        }
        catch {
            // A malformed escape: the encoded form above is all there is.
        }
    }
    catch {
        // Not a URL: the raw value, masked whole, is all there is.
    }
    forms.delete('');
    return [...forms];
}
/** The app's URL: the admin's, with the preview's role, password and database, at the app's host when set. */
function appDatabaseUrl(server, appHost, name, role, password) {
    const url = new URL(server.href);
    url.username = encodeURIComponent(role);
    url.password = encodeURIComponent(password);
    url.pathname = `/${encodeURIComponent(name)}`;
    if (appHost !== undefined) {
        url.hostname = appHost.host;
        if (appHost.port !== undefined)
            url.port = String(appHost.port);
    }
    return url.href;
}


/***/ }),

/***/ 6344:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readDatabaseInputs: () => (/* reexport */ database_inputs_readDatabaseInputs),
  readPlatformSettings: () => (/* binding */ readPlatformSettings)
});

// UNUSED EXPORTS: readSettings

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/common-inputs.js + 4 modules
var common_inputs = __webpack_require__(8900);
// EXTERNAL MODULE: ./lib/database/errors.js
var errors = __webpack_require__(9538);
// EXTERNAL MODULE: ./lib/database/names.js
var names = __webpack_require__(7317);
// EXTERNAL MODULE: ./lib/database/url.js
var url = __webpack_require__(3580);
;// CONCATENATED MODULE: ./lib/database/settings.js



function templateName(raw) {
    const name = raw.trim();
    if (name === '')
        return undefined;
    const control = [...name].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
    if (Buffer.byteLength(name) > names/* maxIdentifierBytes */.J || control) {
        throw new errors/* DatabaseInputError */.an('database-template', `must be the name of a database on the server (at most ${names/* maxIdentifierBytes */.J} bytes, one line), such as seed`);
    }
    return name;
}
function envName(raw) {
    const name = raw.trim() === '' ? 'DATABASE_URL' : raw.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new errors/* DatabaseInputError */.an('database-env', 'must be an environment variable name of letters, digits and _, not starting with a digit, such as DATABASE_URL');
    }
    return name;
}
/** undefined when `database-url` is empty: the preview has no database, as before this input existed. */
function readDatabaseSettings(raw) {
    if (raw.url.trim() === '') {
        const orphan = raw.template.trim() !== '' ? 'database-template' : raw.appHost.trim() !== '' ? 'database-app-host' : undefined;
        if (orphan !== undefined)
            throw new errors/* DatabaseInputError */.an(orphan, 'is set but database-url is empty; set database-url to give each preview a database');
        return undefined;
    }
    const server = (0,url/* parseDatabaseUrl */.mx)(raw.url);
    const template = templateName(raw.template);
    if (template !== undefined && template === server.database) {
        throw new errors/* DatabaseInputError */.an('database-url', `connects to the template "${template}" itself, and PostgreSQL cannot copy a database while anyone is connected to it; point database-url at another database, such as postgres`);
    }
    return {
        server,
        template,
        appHost: raw.appHost.trim() === '' ? undefined : (0,url/* parseAppHost */.Nw)(raw.appHost),
        env: envName(raw.env),
        secrets: (0,url.databaseUrlSecrets)(raw.url),
    };
}

;// CONCATENATED MODULE: ./lib/database-inputs.js
// The database inputs (database-url, database-template, database-app-host, database-env) → the
// database room's settings, read with the platform's inputs once a run acts and before any call.
// The room reads the values itself (src/database/settings.ts, free of the PostgreSQL client); here
// its errors become the run's input errors, and the one check that needs the other inputs is made:
// the app's variable must not be one the `secrets` or `env` input already sets.



/** undefined when `database-url` is empty: the preview has no database. */
function database_inputs_readDatabaseInputs(read, common) {
    let settings;
    try {
        settings = readDatabaseSettings({ url: read('database-url'), template: read('database-template'), appHost: read('database-app-host'), env: read('database-env') });
    }
    catch (error) {
        if (error instanceof errors/* DatabaseInputError */.an)
            throw new common_inputs/* InputError */.dz(error.input, error.problem);
        throw error;
    }
    if (settings === undefined)
        return undefined;
    const clash = Object.hasOwn(common.secrets, settings.env) ? 'secrets' : Object.hasOwn(common.env, settings.env) ? 'env' : undefined;
    if (clash !== undefined) {
        throw new common_inputs/* InputError */.dz('database-env', `names ${settings.env}, which the ${clash} input sets too; the preview's database URL goes there, so remove ${settings.env} from ${clash} or set database-env to another variable name such as PREVIEW_DATABASE_URL`);
    }
    return settings;
}

// EXTERNAL MODULE: ./lib/providers/fly/appconfig/index.js + 8 modules
var appconfig = __webpack_require__(5423);
;// CONCATENATED MODULE: ./lib/providers/comfydeploy/types.js
// Request and response shapes of the ComfyDeploy API as far as this action uses them. Field names
// are those of comfy-deploy/api: src/api/routes/machines.py (ServerlessMachineModel,
// UpdateServerlessMachineModel), src/api/models.py (Machine, MachineVersion, get_machine_columns),
// src/api/routes/types.py (MachineGPU) and src/api/utils/docker.py (DockerStep, CustomNode).
// test/sim/COMFYDEPLOY_API.md lists the rules the simulator serves, with line ranges.
/** routes/types.py MachineGPU (also the machine_gpu enum of models.py get_machine_columns). */
const machineGpus = ['CPU', 'T4', 'L4', 'A10G', 'L40S', 'A100', 'A100-80GB', 'H100', 'H200', 'B200'];

;// CONCATENATED MODULE: ./lib/providers/comfydeploy/validate.js
// Checks of the ComfyDeploy inputs, for src/inputs.ts to call before any network call. Each returns
// the typed value or a message naming the input and the accepted form.

/**
 * What wait-timeout should default to on this platform: a build installs torch, ComfyUI and every
 * node into a fresh image, which takes minutes where a Fly machine takes seconds.
 */
const comfyDeployDefaultWaitTimeoutSeconds = 1_200;
/** machines.py GitCommitHash: the API answers 422 to anything but 40 hex digits. */
const commitPattern = /^[0-9a-fA-F]{40}$/;
function checkComfyUiVersion(raw) {
    const value = raw.trim();
    if (commitPattern.test(value))
        return { ok: true, value: value.toLowerCase() };
    return {
        ok: false,
        error: `comfyui-version must be a full 40-hex ComfyUI commit (e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa), not "${value}": ComfyDeploy refuses tags and branch names.`,
    };
}
function checkGpu(raw) {
    const value = raw.trim() === '' ? 'CPU' : raw.trim();
    const found = machineGpus.find((gpu) => gpu.toLowerCase() === value.toLowerCase());
    if (found !== undefined)
        return { ok: true, value: found };
    return { ok: false, error: `gpu must be one of ${machineGpus.join(', ')} (default CPU), not "${value}".` };
}
function isCloneUrl(text) {
    try {
        const url = new URL(text);
        return url.protocol === 'https:' && url.username === '' && url.password === '' && url.pathname.split('/').filter(Boolean).length >= 2;
    }
    catch {
        return false;
    }
}
/**
 * `custom-nodes`: one `<https git url>@<40-hex commit>` per line; blank lines and `#` comments are
 * skipped. Pinned commits keep every preview reproducible. Credentials in the URL are refused: the
 * API stores the steps as given and shows them in the dashboard.
 */
function checkCustomNodes(raw) {
    const nodes = [];
    const lines = raw.split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
        const text = line.trim();
        if (text === '' || text.startsWith('#'))
            continue;
        const at = text.lastIndexOf('@');
        const url = at < 0 ? text : text.slice(0, at);
        const commit = at < 0 ? '' : text.slice(at + 1);
        if (!isCloneUrl(url) || !commitPattern.test(commit)) {
            return {
                ok: false,
                // The line itself is not quoted: a URL with credentials in it would reach the log.
                error: `custom-nodes line ${index + 1} must be <https git url without credentials>@<40-hex commit>, e.g. https://github.com/cubiq/ComfyUI_essentials@33ff89fd354d8ec3ab6affb605a79a931b445d99.`,
            };
        }
        nodes.push({ url, commit: commit.toLowerCase() });
    }
    return { ok: true, value: nodes };
}
/**
 * `node-path`: where the custom node lives in the repository, relative, default the root. Only
 * plain path characters: it is written into a build step's shell commands.
 */
function checkNodePath(raw) {
    const value = raw.trim().replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (value === '' || value === '.')
        return { ok: true, value: '' };
    const parts = value.split('/');
    if (value.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._-]+$/.test(p))) {
        return { ok: false, error: `node-path must be a relative folder of the repository (letters, digits, . _ - and /; no ..), e.g. nodes/my_node, not "${raw}".` };
    }
    return { ok: true, value };
}

;// CONCATENATED MODULE: ./lib/inputs.js
// Raw action inputs → one typed, validated Settings object: the platform-neutral inputs
// (common-inputs.ts) and the chosen platform's own (a fly.toml and Fly's machine sizes, Koyeb's
// region and instance type, ComfyDeploy's build). main.ts loads this module only once the plan says
// the run acts, and reads it before any network call, so a bad value still fails the step without
// touching the platform or GitHub; a skipped run never parses a fly.toml.






function region(raw) {
    if (!/^[a-z]{3}$/.test(raw))
        throw new common_inputs/* InputError */.dz('region', `must be a three-letter Fly region code such as iad, lhr or syd; got ${(0,common_inputs/* quote */.hD)(raw)}`);
    return raw;
}
/** Every CPU count Fly offers for some kind; the kind decides which (flyctl internal/machine/update.go). */
const anyCpuCount = [...new Set([...appconfig/* cpusPerKind */.zu.shared, ...appconfig/* cpusPerKind */.zu.performance])].sort((a, b) => a - b);
/** Each size input on its own; whether they fit together (and with the fly.toml) is checked on the plan. */
function guestInputs(value) {
    const size = value('size');
    const cpuKind = value('cpu-kind');
    const cpus = value('cpus');
    const memory = value('memory');
    const presets = Object.keys(appconfig/* machinePresets */.gS);
    const cpuCount = cpus === '' ? undefined : (0,common_inputs/* integer */.nd)('cpus', cpus, 1, 128);
    if (cpuCount !== undefined && !anyCpuCount.includes(cpuCount)) {
        throw new common_inputs/* InputError */.dz('cpus', `must be one of ${anyCpuCount.join(', ')}; got ${(0,common_inputs/* quote */.hD)(cpus)}`);
    }
    const memoryMb = memory === '' ? undefined : (0,common_inputs/* integer */.nd)('memory', memory, 256, 1_048_576, ' (MB)');
    if (memoryMb !== undefined && memoryMb % 256 !== 0)
        throw new common_inputs/* InputError */.dz('memory', `must be a multiple of 256 MB; got ${(0,common_inputs/* quote */.hD)(memory)}`);
    return {
        size: size === '' ? undefined : (0,common_inputs/* oneOf */.yL)('size', size, presets),
        cpuKind: cpuKind === '' ? undefined : (0,common_inputs/* oneOf */.yL)('cpu-kind', cpuKind, ['shared', 'performance']),
        cpus: cpuCount,
        memoryMb,
    };
}
/** The input to blame when the sizes do not fit: the most specific one given. */
function guestInputName(guest) {
    if (guest.memoryMb !== undefined)
        return 'memory';
    if (guest.cpus !== undefined)
        return 'cpus';
    if (guest.cpuKind !== undefined)
        return 'cpu-kind';
    if (guest.size !== undefined)
        return 'size';
    return 'config';
}
/**
 * The `config` input, or fly.toml at the workspace root when it exists. A path must stay inside
 * the workspace. undefined: the preview has no fly.toml.
 */
function configFile(raw, workspace, deploys) {
    if (raw === '') {
        if (workspace === undefined)
            return undefined;
        const path = (0,external_node_path_.resolve)(workspace, 'fly.toml');
        return (0,external_node_fs_.existsSync)(path) ? { path, shownAs: 'fly.toml' } : undefined;
    }
    (0,common_inputs/* singleLine */.pF)('config', raw);
    const base = workspace ?? process.cwd();
    const path = (0,external_node_path_.resolve)(base, raw);
    const inside = (0,external_node_path_.relative)(base, path);
    if ((0,external_node_path_.isAbsolute)(raw) || inside.startsWith('..') || (0,external_node_path_.isAbsolute)(inside)) {
        throw new common_inputs/* InputError */.dz('config', `must be a path inside the workspace such as fly.toml or deploy/fly.staging.toml; got ${(0,common_inputs/* quote */.hD)(raw)}`);
    }
    if (!(0,external_node_fs_.existsSync)(path)) {
        // A close run usually skips the checkout: it deletes the preview and needs nothing of the file.
        if (!deploys)
            return undefined;
        throw new common_inputs/* InputError */.dz('config', `names ${(0,common_inputs/* quote */.hD)(raw)}, which is not in the workspace (a path relative to the repository root)`);
    }
    return { path, shownAs: inside };
}
function appConfig(file) {
    if (file === undefined)
        return undefined;
    try {
        return (0,appconfig/* loadAppConfig */.yN)(file.path, file.shownAs);
    }
    catch (error) {
        if (error instanceof appconfig/* AppConfigError */.ys)
            throw new common_inputs/* InputError */.dz('config', `is not a fly.toml the action can use: ${error.message}`);
        throw new common_inputs/* InputError */.dz('config', `names ${(0,common_inputs/* quote */.hD)(file.shownAs)}, which cannot be read`);
    }
}
function checked(input, result) {
    if (!result.ok)
        throw new common_inputs/* InputError */.dz(input, `is not valid: ${result.error}`);
    return result.value;
}

/** wait-timeout when not set: a ComfyDeploy build installs ComfyUI and every node, which takes minutes. */
const defaultWaitSeconds = { fly: 300, koyeb: 300, comfydeploy: comfyDeployDefaultWaitTimeoutSeconds };
/** Sizes of a Fly machine the other platforms do not use; kept so Settings has one shape. */
const unusedGuest = { cpuKind: 'shared', cpus: 1, memoryMb: 256 };
function flySettings(given, workspace, autostop, deploys) {
    const configInput = configFile(given('config'), workspace, deploys);
    // Only a deploy plans from the file: a half-edited fly.toml must not stop a close or a sweep.
    const file = deploys ? appConfig(configInput) : undefined;
    const guestGiven = guestInputs(given);
    const regionInput = given('region');
    const portInput = given('internal-port');
    const overrides = { autostop };
    if (regionInput !== '')
        overrides.region = region(regionInput);
    if (portInput !== '')
        overrides.internalPort = (0,common_inputs/* integer */.nd)('internal-port', portInput, 1, 65535);
    if (guestGiven.size !== undefined)
        overrides.size = guestGiven.size;
    if (guestGiven.cpuKind !== undefined)
        overrides.cpuKind = guestGiven.cpuKind;
    if (guestGiven.cpus !== undefined)
        overrides.cpus = guestGiven.cpus;
    if (guestGiven.memoryMb !== undefined)
        overrides.memoryMb = guestGiven.memoryMb;
    // Planning now finds a file and inputs that together make something Fly would refuse, before any call.
    let plan;
    try {
        plan = (0,appconfig/* planPreview */.Aq)(file, overrides);
    }
    catch (error) {
        if (error instanceof appconfig/* GuestSizeError */.Cy) {
            const name = guestInputName(guestGiven);
            throw new common_inputs/* InputError */.dz(name, `gives process group ${JSON.stringify(error.group)} a machine size Fly does not accept: ${error.problem}`);
        }
        if (error instanceof appconfig/* AppConfigError */.ys)
            throw new common_inputs/* InputError */.dz('config', `is not a fly.toml the action can use: ${error.message}`);
        throw error;
    }
    const main = plan.groups.find((g) => g.name === 'app') ?? plan.groups[0];
    const guest = main?.config.guest;
    return {
        configPath: configInput?.shownAs,
        appConfig: file,
        overrides,
        configWarnings: plan.warnings,
        region: plan.region,
        internalPort: main?.config.services?.find((s) => s.internal_port !== undefined)?.internal_port ?? appconfig/* defaultInternalPort */.aE,
        guest: { cpuKind: guest?.cpu_kind ?? 'shared', cpus: guest?.cpus ?? 1, memoryMb: guest?.memory_mb ?? 256 },
        instanceType: undefined,
        comfyDeploy: undefined,
    };
}
/** Koyeb reads no fly.toml (a `config` input is refused above): region, size and port are inputs alone. */
function koyebSettings(given, autostop) {
    const regionInput = given('region');
    if (regionInput !== '' && !/^[a-z]{3}$/.test(regionInput)) {
        throw new common_inputs/* InputError */.dz('region', `must be a Koyeb region code such as was, fra, par, sfo, sin or tyo; got ${(0,common_inputs/* quote */.hD)(regionInput)}`);
    }
    const size = given('size');
    if (size !== '' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(size)) {
        throw new common_inputs/* InputError */.dz('size', `must be a Koyeb instance type such as nano, micro, small or medium; got ${(0,common_inputs/* quote */.hD)(size)}`);
    }
    const port = given('internal-port');
    return {
        configPath: undefined,
        appConfig: undefined,
        overrides: { autostop },
        configWarnings: [],
        region: regionInput === '' ? 'was' : regionInput,
        internalPort: port === '' ? appconfig/* defaultInternalPort */.aE : (0,common_inputs/* integer */.nd)('internal-port', port, 1, 65535),
        guest: unusedGuest,
        instanceType: size === '' ? 'nano' : size,
        comfyDeploy: undefined,
    };
}
function comfyDeploySettings(given, read) {
    const version = given('comfyui-version');
    if (version === '') {
        throw new common_inputs/* InputError */.dz('comfyui-version', 'is required with provider: comfydeploy: the 40-hex ComfyUI commit to build on, e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa');
    }
    return {
        configPath: undefined,
        appConfig: undefined,
        overrides: { autostop: 'stop' },
        configWarnings: [],
        region: '',
        internalPort: appconfig/* defaultInternalPort */.aE,
        guest: unusedGuest,
        instanceType: undefined,
        comfyDeploy: {
            comfyuiVersion: checked('comfyui-version', checkComfyUiVersion(version)),
            gpu: checked('gpu', checkGpu(given('gpu'))),
            extraNodes: checked('custom-nodes', checkCustomNodes(read('custom-nodes'))),
            nodePath: checked('node-path', checkNodePath(given('node-path'))),
        },
    };
}
/**
 * The chosen platform's inputs. `read` returns the raw input ('' when unset), as core.getInput does.
 * `workspace` is where `config` is looked up (GITHUB_WORKSPACE on a runner). `deploys`: false for a
 * run that only removes previews (a close, a sweep), which reads no fly.toml and needs none.
 */
function readPlatformSettings(provider, read, workspace, deploys = true) {
    const given = (name) => read(name).trim();
    const autostop = (0,common_inputs/* oneOf */.yL)('autostop', given('autostop') === '' ? 'stop' : given('autostop'), ['stop', 'suspend', 'off']);
    const runs = provider === 'fly' ? flySettings(given, workspace, autostop, deploys) : provider === 'koyeb' ? koyebSettings(given, autostop) : comfyDeploySettings(given, read);
    const wait = given('wait-timeout');
    return { ...runs, waitTimeoutSeconds: (0,common_inputs/* integer */.nd)('wait-timeout', wait === '' ? String(defaultWaitSeconds[provider]) : wait, 1, 3600, ' seconds') };
}
/** Every input at once, as a run that acts sees them. */
function readSettings(read, workspace = process.env['GITHUB_WORKSPACE']) {
    const common = readCommonSettings(read);
    return { ...common, ...readPlatformSettings(common.provider, read, workspace), database: readDatabaseInputs(read, common) };
}


/***/ })

};
