export const id = 423;
export const ids = [423];
export const modules = {

/***/ 5423:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ys: () => (/* reexport */ AppConfigError),
  Cy: () => (/* reexport */ GuestSizeError),
  zu: () => (/* reexport */ cpusPerKind),
  aE: () => (/* reexport */ defaultInternalPort),
  yN: () => (/* binding */ loadAppConfig),
  gS: () => (/* reexport */ machinePresets),
  Aq: () => (/* reexport */ planPreview)
});

// UNUSED EXPORTS: parseAppConfig, processNames, shlexSplit, toMachineConfig, toReleaseMachineConfig

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/config.js
/** A fly.toml that cannot be read as flyctl would read it. The message says where. */
class AppConfigError extends Error {
    /** 1-based, when the TOML itself is malformed. */
    line;
    column;
    constructor(message, line, column) {
        super(message);
        this.name = 'AppConfigError';
        this.line = line;
        this.column = column;
    }
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/duration.js
// Go's time.Duration as fly.toml and the Machines API spell it. fly-go's Duration marshals with
// Go's Duration.String ("10s", "3m0s", "1.5s"), so a value from the file reaches the API in that
// canonical form, whatever form the file used ("3m", 180000 ms as an integer, ...).
const unitNs = {
    ns: 1n,
    us: 1000n,
    'µs': 1000n,
    'μs': 1000n,
    ms: 1000000n,
    s: 1000000000n,
    m: 60000000000n,
    h: 3600000000000n,
};
/** Go's time.ParseDuration ("1h2m3.5s", "-1.5m", "0"); undefined when Go would reject it. */
function parseGoDuration(text) {
    let rest = text;
    let sign = 1n;
    if (rest.startsWith('-') || rest.startsWith('+')) {
        if (rest[0] === '-')
            sign = -1n;
        rest = rest.slice(1);
    }
    if (rest === '0')
        return 0n;
    if (rest === '')
        return undefined;
    let total = 0n;
    while (rest !== '') {
        const match = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
        if (match === null)
            return undefined;
        const [whole, intPart = '', fracPart] = match;
        if (intPart === '' && (fracPart === undefined || fracPart === ''))
            return undefined;
        const unit = unitNs[match[3]];
        let value = BigInt(intPart === '' ? '0' : intPart) * unit;
        if (fracPart !== undefined && fracPart !== '') {
            // Go truncates the fraction toward zero at nanosecond precision.
            value += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
        }
        total += value;
        rest = rest.slice(whole.length);
    }
    return sign * total;
}
/** Go's time.Duration.String. */
function formatGoDuration(ns) {
    if (ns === 0n)
        return '0s';
    const negative = ns < 0n;
    let u = negative ? -ns : ns;
    let out;
    if (u < 1000000000n) {
        // Under a second: the largest of ns, µs, ms with a fraction.
        const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1000000n ? ['µs', 1000n] : ['ms', 1000000n];
        out = fraction(u, scale) + unit;
    }
    else {
        const hours = u / 3600000000000n;
        u %= 3600000000000n;
        const minutes = u / 60000000000n;
        u %= 60000000000n;
        out = `${fraction(u, 1000000000n)}s`;
        if (hours > 0n)
            out = `${hours}h${minutes}m${out}`;
        else if (minutes > 0n)
            out = `${minutes}m${out}`;
    }
    return negative ? `-${out}` : out;
}
function fraction(value, scale) {
    const whole = value / scale;
    const rest = value % scale;
    if (rest === 0n)
        return String(whole);
    const digits = String(scale).length - 1;
    return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/reader.js
// Reading one TOML table as flyctl's decoder reads it (superfly/flyctl internal/appconfig/serde.go
// and its cast helpers), with messages that say where a wrong value sits.


const isTable = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
/** Where a value sits, for messages: `[http_service] internal_port`. */
class Reader {
    where;
    table;
    constructor(where, table) {
        this.where = where;
        this.table = table;
    }
    fail(key, problem) {
        throw new AppConfigError(`${this.where === '' ? '' : `${this.where} `}${keyName(key)} ${problem}`);
    }
    has(key) {
        return this.table[key] !== undefined;
    }
    string(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        if (typeof v !== 'string')
            this.fail(key, `must be a string; got ${show(v)}`);
        return v;
    }
    /** Strings or numbers, as flyctl's castToString takes them. */
    text(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        if (typeof v === 'string')
            return v;
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
            return String(v);
        return this.fail(key, `must be a string; got ${show(v)}`);
    }
    integer(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        // flyctl's castToInt also takes a numeric string (`internal_port = "8080"`) and truncates floats.
        if (typeof v === 'number' && Number.isFinite(v))
            return Math.trunc(v);
        if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v))
            return Number(v);
        return this.fail(key, `must be a whole number; got ${show(v)}`);
    }
    boolean(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        if (typeof v !== 'boolean')
            this.fail(key, `must be true or false; got ${show(v)}`);
        return v;
    }
    strings(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
            this.fail(key, `must be a list of strings; got ${show(v)}`);
        return v;
    }
    /** `cmd = "x"` or `cmd = ["x", "y"]` (flyctl stringOrSliceToSlice: a string is one word). */
    stringOrList(key) {
        const v = this.table[key];
        if (typeof v === 'string')
            return [v];
        return this.strings(key);
    }
    processes() {
        return this.strings('processes') ?? [];
    }
    /** A duration: a Go duration string, or an integer in `unitNs` (flyctl _castDuration). */
    duration(key, unitNs) {
        const v = this.table[key];
        if (v === undefined || v === '')
            return undefined;
        if (typeof v === 'number' && Number.isInteger(v))
            return formatGoDuration(BigInt(v) * unitNs);
        if (typeof v === 'string') {
            const ns = parseGoDuration(v);
            if (ns === undefined)
                this.fail(key, `must be a duration such as "10s" or "1m30s"; got ${show(v)}`);
            return formatGoDuration(ns);
        }
        return this.fail(key, `must be a duration such as "10s"; got ${show(v)}`);
    }
    table_(key) {
        const v = this.table[key];
        if (v === undefined)
            return undefined;
        if (!isTable(v))
            this.fail(key, `must be a table; got ${show(v)}`);
        return v;
    }
    /** `[x]` or `[[x]]`: flyctl's ensureArrayOfMap takes both. */
    tables(key) {
        const v = this.table[key];
        if (v === undefined)
            return [];
        if (isTable(v))
            return [v];
        if (Array.isArray(v) && v.every(isTable))
            return v;
        return this.fail(key, `must be a table or an array of tables; got ${show(v)}`);
    }
    child(key, index) {
        const t = index === undefined ? this.table_(key) : this.tables(key)[index];
        if (t === undefined)
            return undefined;
        const name = this.where === '' ? keyName(key) : `${this.where.replace(/^\[+|\]+$/g, '')}.${keyName(key)}`;
        return new Reader(index === undefined ? `[${name}]` : `[[${name}]] #${index + 1}`, t);
    }
}
/** A key as messages show it: plain when it is a plain word, else JSON-quoted, so no line break or `::` command can ride in. */
function keyName(key) {
    return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
/** A value as messages show it, cut short when long. */
function show(v) {
    const text = typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
/** Drops undefined fields, so objects compare and serialise as fly-go's omitempty leaves them. */
function strip(value) {
    for (const key of Object.keys(value))
        if (value[key] === undefined)
            delete value[key];
    return value;
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/sections.js

/** Why a section the action skips is skipped, where there is more to say than "not supported". */
const unsupportedReasons = {
    console_command: 'it is for `fly console`, which a preview does not run',
    machine_checks: 'machine checks run test machines during a flyctl deploy; the preview does not run them',
    container: 'multi-container machines are not supported',
};
function autostop(r, key) {
    const v = r.table[key];
    if (v === undefined)
        return undefined;
    // fly-go MachineAutostop.UnmarshalJSON: a boolean (true = stop) or "off" | "stop" | "suspend".
    if (v === true)
        return 'stop';
    if (v === false)
        return 'off';
    if (v === 'off' || v === 'stop' || v === 'suspend')
        return v;
    return r.fail(key, `must be "off", "stop", "suspend", true or false; got ${show(v)}`);
}
function concurrency(r) {
    const v = r.table['concurrency'];
    if (v === undefined)
        return undefined;
    if (typeof v === 'string') {
        const match = /^([+-]?[0-9]+),([+-]?[0-9]+)$/.exec(v);
        if (match === null)
            r.fail('concurrency', `must be a table or the old "soft,hard" string; got ${show(v)}`);
        return { type: 'requests', hard_limit: Number(match[2]), soft_limit: Number(match[1]) };
    }
    const c = r.child('concurrency');
    const out = {};
    const type = c.string('type');
    const hard = c.integer('hard_limit');
    const soft = c.integer('soft_limit');
    // fly-go omits zero values (omitempty).
    if (type)
        out.type = type;
    if (hard)
        out.hard_limit = hard;
    if (soft)
        out.soft_limit = soft;
    return out;
}
function headers(r) {
    const v = r.table['headers'];
    if (v === undefined)
        return undefined;
    const out = new Map();
    const text = (x) => (typeof x === 'string' ? x : show(x));
    if (isTable(v))
        for (const [k, x] of Object.entries(v))
            out.set(k, text(x));
    else if (Array.isArray(v)) {
        for (const item of v) {
            if (!isTable(item) || item['name'] === undefined)
                r.fail('headers', `must be a table or a list of {name, value}; got ${show(item)}`);
            out.set(text(item['name']), item['value'] === undefined ? '' : text(item['value']));
        }
    }
    else
        r.fail('headers', `must be a table of header = "value"; got ${show(v)}`);
    return out.size === 0 ? undefined : Object.fromEntries(out);
}
const ms = 1000000n;
function tcpCheck(r) {
    return strip({ interval: r.duration('interval', ms), timeout: r.duration('timeout', ms), grace_period: r.duration('grace_period', ms) });
}
function httpCheck(r) {
    return strip({
        ...tcpCheck(r),
        method: r.string('method'),
        path: r.string('path'),
        protocol: r.string('protocol'),
        tls_skip_verify: r.boolean('tls_skip_verify'),
        tls_server_name: r.string('tls_server_name'),
        headers: headers(r),
    });
}
function topLevelChecks(root) {
    const v = root.table['checks'];
    const out = new Map();
    const one = (name, r) => {
        const type = r.string('type');
        if (type !== 'http' && type !== 'tcp')
            r.fail('type', `must be "http" or "tcp" (flyctl: missing or invalid check type); got ${show(type)}`);
        out.set(name, strip({ ...httpCheck(r), type, port: r.integer('port'), processes: r.processes() }));
    };
    if (v === undefined)
        return {};
    if (isTable(v)) {
        const checks = root.child('checks');
        for (const name of Object.keys(v))
            one(name, checks.child(name) ?? checks.fail(name, 'must be a table'));
    }
    else if (Array.isArray(v)) {
        v.forEach((item, i) => {
            if (!isTable(item) || typeof item['name'] !== 'string')
                root.fail('checks', `#${i + 1} must be a table with a name`);
            one(item['name'], root.child('checks', i));
        });
    }
    else
        root.fail('checks', `must be a table of named checks; got ${show(v)}`);
    return Object.fromEntries(out);
}
function ports(r) {
    if (!r.has('ports'))
        return undefined;
    return r.tables('ports').map((_, i) => {
        const p = r.child('ports', i);
        // Only fly-go MachinePort's fields: Go drops any other key when it decodes the file.
        return strip({
            port: p.integer('port'),
            start_port: p.integer('start_port'),
            end_port: p.integer('end_port'),
            handlers: p.strings('handlers'),
            force_https: p.boolean('force_https') || undefined,
            tls_options: p.table_('tls_options'),
            http_options: p.table_('http_options'),
            proxy_proto_options: p.table_('proxy_proto_options'),
        });
    });
}
function service(r, warn) {
    // flyctl drops an empty [[services]] table.
    if (Object.keys(r.table).length === 0)
        return undefined;
    if (r.has('machine_checks'))
        warn(`${r.where} machine_checks`, unsupportedReasons['machine_checks']);
    return strip({
        protocol: r.string('protocol'),
        internal_port: r.integer('internal_port'),
        autostop: autostop(r, 'auto_stop_machines'),
        autostart: r.boolean('auto_start_machines'),
        min_machines_running: r.integer('min_machines_running'),
        ports: ports(r),
        concurrency: concurrency(r),
        tcp_checks: r.tables('tcp_checks').map((_, i) => tcpCheck(r.child('tcp_checks', i))),
        http_checks: r.tables('http_checks').map((_, i) => httpCheck(r.child('http_checks', i))),
        processes: r.processes(),
    });
}
function httpService(http, warn) {
    const config = {
        internal_port: http.integer('internal_port'),
        force_https: http.boolean('force_https') ?? false,
        autostop: autostop(http, 'auto_stop_machines'),
        autostart: http.boolean('auto_start_machines'),
        min_machines_running: http.integer('min_machines_running'),
        processes: http.processes(),
        concurrency: concurrency(http),
        tls_options: http.table_('tls_options'),
        http_options: http.table_('http_options'),
        checks: http.tables('checks').map((_, i) => httpCheck(http.child('checks', i))),
    };
    if (http.has('machine_checks'))
        warn('[[http_service.machine_checks]]', unsupportedReasons['machine_checks']);
    return config;
}
function mount(r) {
    const source = r.string('source');
    const destination = r.string('destination');
    if (!source)
        r.fail('source', 'is required: the volume name');
    if (!destination)
        r.fail('destination', 'is required: the path inside the machine');
    return strip({
        source,
        destination,
        initial_size: r.text('initial_size'),
        snapshot_retention: r.integer('snapshot_retention'),
        scheduled_snapshots: r.boolean('scheduled_snapshots'),
        auto_extend_size_threshold: r.integer('auto_extend_size_threshold'),
        auto_extend_size_increment: r.string('auto_extend_size_increment'),
        auto_extend_size_limit: r.string('auto_extend_size_limit'),
        processes: r.processes(),
    });
}
function restart(r) {
    const policy = r.string('policy');
    if (policy !== 'always' && policy !== 'never' && policy !== 'on-failure') {
        r.fail('policy', `must be "always", "never" or "on-failure"; got ${show(policy)}`);
    }
    return strip({ policy, retries: r.integer('retries'), processes: r.processes() });
}
const guestKeys = ['cpu_kind', 'cpus', 'memory_mb', 'max_memory_mb', 'gpus', 'gpu_kind', 'host_dedication_id', 'kernel_args', 'persist_rootfs'];
function compute(r) {
    const guest = {};
    for (const key of guestKeys) {
        if (!r.has(key))
            continue;
        if (key === 'cpus' || key === 'memory_mb' || key === 'max_memory_mb' || key === 'gpus')
            guest[key] = r.integer(key);
        else if (key === 'kernel_args')
            guest[key] = r.strings(key);
        else if (key === 'cpu_kind') {
            const kind = r.string(key);
            if (kind !== 'shared' && kind !== 'performance')
                r.fail(key, `must be "shared" or "performance"; got ${show(kind)}`);
            guest[key] = kind;
        }
        else if (key === 'persist_rootfs')
            guest[key] = r.string(key);
        else
            guest[key] = r.string(key);
    }
    return strip({
        size: r.string('size') || undefined,
        memory: r.text('memory') || undefined,
        guest: Object.keys(guest).length === 0 ? undefined : guest,
        processes: r.processes(),
    });
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/parse.js
// fly.toml text → a typed AppConfig, normalised as flyctl normalises it before use
// (superfly/flyctl internal/appconfig/serde.go unmarshalTOML → patches.go applyPatches → config.go
// types): `[vm]`/`[[compute]]` are one list, `[mounts]` may be a table or an array, `[checks]` a
// table or an array of named tables, durations may be integers (checks: ms, kill_timeout: s),
// `concurrency` may be the old "soft,hard" string, env values may be numbers or booleans.




/** Keys the action reads, per section; anything else in that section gets a warning. */
const topLevelKeys = new Set([
    'app',
    'build',
    'primary_region',
    'kill_signal',
    'kill_timeout',
    'swap_size_mb',
    'host_dedication_id',
    'env',
    'processes',
    'experimental',
    'machine_config',
    'deploy',
    'http_service',
    'services',
    'checks',
    'mounts',
    'mount',
    'files',
    'restart',
    'vm',
    'compute',
    'computes',
    'statics',
    'metrics',
    'metric',
]);
/** Parses fly.toml text. `file` names it in messages. */
function parseAppConfig(text, file = 'fly.toml', options = {}) {
    let raw;
    try {
        raw = (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        if (error instanceof dist/* TomlError */.zx) {
            const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
            throw new AppConfigError(`${file} line ${error.line}, column ${error.column}: ${reason}`, error.line, error.column);
        }
        throw error;
    }
    try {
        return normalise(new Reader('', raw), options);
    }
    catch (error) {
        if (error instanceof AppConfigError)
            throw new AppConfigError(`${file}: ${error.message}`);
        throw error;
    }
}
function normalise(root, options) {
    const warnings = [];
    const warn = (section, reason) => void warnings.push(`fly.toml ${section} is not applied to the preview: ${reason}`);
    for (const key of Object.keys(root.table)) {
        if (topLevelKeys.has(key))
            continue;
        const shown = keyName(key);
        warn(isTable(root.table[key]) || Array.isArray(root.table[key]) ? `[${shown}]` : shown, unsupportedReasons[key] || 'the action does not support it');
    }
    const experimental = root.child('experimental');
    const config = {
        primaryRegion: root.string('primary_region') || undefined,
        killSignal: root.string('kill_signal'),
        killTimeout: root.duration('kill_timeout', 1000000000n) ?? experimental?.duration('kill_timeout', 1000000000n),
        swapSizeMb: root.integer('swap_size_mb'),
        hostDedicationId: root.string('host_dedication_id') || undefined,
        env: env(root),
        processes: processes(root),
        services: root
            .tables('services')
            .map((_, i) => service(root.child('services', i), warn))
            .filter((s) => s !== undefined),
        checks: topLevelChecks(root),
        mounts: [...root.tables('mount').map((_, i) => mount(root.child('mount', i))), ...root.tables('mounts').map((_, i) => mount(root.child('mounts', i)))],
        files: files(root, options),
        restart: root.tables('restart').map((_, i) => restart(root.child('restart', i))),
        compute: ['compute', 'computes', 'vm'].flatMap((key) => root.tables(key).map((_, i) => compute(root.child(key, i)))),
        statics: statics(root),
        metrics: metrics(root, experimental),
        warnings,
    };
    if (experimental !== undefined)
        config.experimental = experimentalSection(experimental, warn);
    const machineConfig = experimental?.string('machine_config') || root.string('machine_config');
    if (machineConfig)
        config.machineConfigBase = machineConfigJson(machineConfig, options, warn);
    const deploy = root.child('deploy');
    if (deploy !== undefined)
        config.deploy = deploySection(deploy, warn);
    const http = root.child('http_service');
    if (http !== undefined)
        config.httpService = httpService(http, warn);
    return config;
}
function experimentalSection(experimental, warn) {
    const handled = new Set(['cmd', 'entrypoint', 'exec', 'machine_config', 'kill_timeout', 'metrics_port', 'metrics_path']);
    for (const key of Object.keys(experimental.table))
        if (!handled.has(key))
            warn(`[experimental] ${keyName(key)}`, 'the action does not support it');
    return {
        cmd: experimental.stringOrList('cmd'),
        entrypoint: experimental.stringOrList('entrypoint'),
        exec: experimental.stringOrList('exec'),
    };
}
function deploySection(deploy, warn) {
    const handled = new Set(['release_command', 'release_command_timeout', 'release_command_vm']);
    for (const key of Object.keys(deploy.table)) {
        if (!handled.has(key))
            warn(`[deploy] ${keyName(key)}`, 'a preview is one machine per process group, deployed at once');
    }
    const vm = deploy.child('release_command_vm');
    return {
        releaseCommand: deploy.string('release_command') || undefined,
        releaseCommandTimeout: deploy.duration('release_command_timeout', 1n),
        releaseCommandVm: vm === undefined ? undefined : compute(vm),
    };
}
function statics(root) {
    return root.tables('statics').map((_, i) => {
        const s = root.child('statics', i);
        return {
            guest_path: s.string('guest_path') ?? '',
            url_prefix: s.string('url_prefix') ?? '',
            tigris_bucket: s.string('tigris_bucket') ?? '',
            index_document: s.string('index_document') ?? '',
        };
    });
}
/** flyctl internal/config/machine.go ParseConfig: inline JSON starting with "{", or a .json file. */
function machineConfigJson(source, options, warn) {
    let text = source;
    if (!source.startsWith('{')) {
        if (!source.endsWith('.json') || options.readFile === undefined) {
            throw new AppConfigError(`machine_config must be inline JSON or a .json file; got ${show(source)}`);
        }
        try {
            text = options.readFile(source).toString('utf8');
        }
        catch {
            throw new AppConfigError(`machine_config names ${show(source)}, which cannot be read`);
        }
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw new AppConfigError(`machine_config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isTable(parsed))
        throw new AppConfigError('machine_config must be a JSON object');
    if (parsed['containers'] !== undefined) {
        warn('machine_config containers', 'multi-container machines are not supported; the preview runs the image alone');
        delete parsed['containers'];
    }
    return parsed;
}
function env(root) {
    const out = new Map();
    const add = (t) => {
        if (Array.isArray(t)) {
            for (const item of t)
                add(item);
            return;
        }
        if (!isTable(t))
            root.fail('env', `must be a table of NAME = "value"; got ${show(t)}`);
        for (const [k, v] of Object.entries(t))
            out.set(k, typeof v === 'string' ? v : show(v));
    };
    if (root.table['env'] !== undefined)
        add(root.table['env']);
    return Object.fromEntries(out);
}
function processes(root) {
    const v = root.table['processes'];
    if (v === undefined)
        return {};
    if (isTable(v)) {
        const out = new Map();
        for (const [name, command] of Object.entries(v)) {
            if (typeof command !== 'string')
                root.fail(`processes.${name}`, `must be a command string; got ${show(command)}`);
            out.set(name, command);
        }
        return Object.fromEntries(out);
    }
    // The old form: [[processes]] name = "web" command = "..."
    if (Array.isArray(v)) {
        const out = new Map();
        for (const item of v) {
            if (!isTable(item) || item['name'] === undefined)
                continue;
            out.set(String(item['name']), item['command'] === undefined ? '' : String(item['command']));
        }
        return Object.fromEntries(out);
    }
    return root.fail('processes', `must be a table of group = "command"; got ${show(v)}`);
}
function metrics(root, experimental) {
    const list = [...root.tables('metric'), ...root.tables('metrics')].map((t) => {
        const r = new Reader('[metrics]', t);
        return strip({ port: r.integer('port'), path: r.string('path'), https: r.boolean('https'), processes: r.processes() });
    });
    if (list.length === 0 && experimental !== undefined && (experimental.has('metrics_port') || experimental.has('metrics_path'))) {
        list.push(strip({ port: experimental.integer('metrics_port'), path: experimental.string('metrics_path'), https: undefined, processes: [] }));
    }
    return list;
}
function files(root, options) {
    return root.tables('files').map((_, i) => {
        const r = root.child('files', i);
        const guestPath = r.string('guest_path');
        if (guestPath === undefined || guestPath === '')
            return r.fail('guest_path', 'is required');
        const file = { guest_path: guestPath };
        const { readFile } = options;
        const local = r.string('local_path');
        const secret = r.string('secret_name');
        const rawValue = r.string('raw_value');
        if (local) {
            if (readFile === undefined)
                return r.fail('local_path', 'cannot be read here');
            let content;
            try {
                content = readFile(local);
            }
            catch {
                return r.fail('local_path', `names ${show(local)}, which cannot be read`);
            }
            file.raw_value = content.toString('base64');
        }
        else if (secret)
            file.secret_name = secret;
        else if (rawValue)
            file.raw_value = Buffer.from(rawValue).toString('base64');
        return file;
    });
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/shlex.js
// Splits a command line as github.com/google/shlex does, which is what flyctl uses for
// `[processes]` commands and `[deploy] release_command` (internal/appconfig/processgroups.go,
// machines.go). Its rules differ from a POSIX shell in ways a user can see:
// - outside quotes, `\` keeps the next character literally;
// - inside double quotes, `\` also keeps ANY next character and is itself dropped (`"a\b"` is `ab`);
// - single quotes keep everything literally; `''` is an empty word;
// - `#` at the start of a word starts a comment that runs to the end of the line;
// - no variables, globs or operators: `$HOME`, `*`, `&&` and `|` are ordinary characters.
class ShlexError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ShlexError';
    }
}
const isSpace = (c) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
function shlexSplit(input) {
    const words = [];
    const chars = [...input];
    let i = 0;
    while (i < chars.length) {
        const first = chars[i];
        if (isSpace(first)) {
            i++;
            continue;
        }
        if (first === '#') {
            while (i < chars.length && chars[i] !== '\n')
                i++;
            continue;
        }
        let word = '';
        let state = 'word';
        for (;;) {
            if (i >= chars.length) {
                if (state !== 'word')
                    throw new ShlexError('EOF found when expecting closing quote');
                break;
            }
            const c = chars[i++];
            if (state === 'word') {
                if (isSpace(c))
                    break;
                if (c === '"')
                    state = 'double';
                else if (c === "'")
                    state = 'single';
                else if (c === '\\') {
                    if (i >= chars.length)
                        throw new ShlexError('EOF found after escape character');
                    word += chars[i++];
                }
                else
                    word += c;
            }
            else if (state === 'double') {
                if (c === '"')
                    state = 'word';
                else if (c === '\\') {
                    if (i >= chars.length)
                        throw new ShlexError('EOF found after escape character');
                    word += chars[i++];
                }
                else
                    word += c;
            }
            else if (c === "'")
                state = 'word';
            else
                word += c;
        }
        words.push(word);
    }
    return words;
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/machines.js
// AppConfig → the machine config of one process group, as flyctl builds it
// (superfly/flyctl internal/appconfig: processgroups.go Flatten, machines.go updateMachineConfig
// and ToReleaseMachineConfig, service.go, toplevelcheck.go). Field names and shapes on the wire are
// fly-go's (machine_types.go). Two knowing differences: no `fly_flyctl_version` metadata (this is
// not flyctl), and check headers are sorted by name (flyctl emits them in Go's random map order).



const defaultGroup = 'app';
const releaseCommandGroup = 'fly_app_release_command';
const platformVersion = { fly_platform_version: 'v2' };
const minSharedPerCpu = 256;
const minPerformancePerCpu = 2048;
/** fly-go MachinePresets (machine_types.go): the names `size` and `[[vm]] size` accept. */
const machinePresets = {
    ...Object.fromEntries([1, 2, 4, 6, 8].map((n) => [`shared-cpu-${n}x`, { cpu_kind: 'shared', cpus: n, memory_mb: n * minSharedPerCpu }])),
    ...Object.fromEntries([1, 2, 4, 6, 8, 10, 12, 14, 16].map((n) => [`performance-${n}x`, { cpu_kind: 'performance', cpus: n, memory_mb: n * minPerformancePerCpu }])),
    ...Object.fromEntries([
        ['a100-40gb', 'a100-pcie-40gb'],
        ['a100-80gb', 'a100-sxm4-80gb'],
        ['l40s', 'l40s'],
        ['a10', 'a10'],
    ].map(([size, gpuKind]) => [size, { gpu_kind: gpuKind, gpus: 1, cpu_kind: 'performance', cpus: 8, memory_mb: 16 * minPerformancePerCpu }])),
};
const defaultVmSize = 'shared-cpu-1x';
const defaultGpuVmSize = 'performance-8x';
/** CPU counts Fly accepts per kind (superfly/flyctl internal/machine/update.go cpusPerKind). */
const cpusPerKind = { shared: [1, 2, 4, 6, 8], performance: [1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128] };
/**
 * What flyctl refuses before it sends a guest (internal/machine/update.go): the CPU count for the
 * kind, memory in steps of 256 MB (shared) or 1024 MB (performance), between 256/2048 MB and
 * 2048/8192 MB per CPU. Returns the problem, or undefined when the guest is fine.
 */
function guestProblem(guest) {
    const counts = cpusPerKind[guest.cpu_kind];
    if (!counts.includes(guest.cpus))
        return `${guest.cpu_kind} machines have ${counts.join(', ')} CPUs, not ${guest.cpus}`;
    const step = guest.cpu_kind === 'shared' ? 256 : 1024;
    const min = (guest.cpu_kind === 'shared' ? minSharedPerCpu : minPerformancePerCpu) * guest.cpus;
    const max = (guest.cpu_kind === 'shared' ? 2048 : 8192) * guest.cpus;
    if (guest.memory_mb % step !== 0 || guest.memory_mb < min || guest.memory_mb > max) {
        return `${guest.cpus} ${guest.cpu_kind} CPU${guest.cpus === 1 ? '' : 's'} take a multiple of ${step} MB from ${min} to ${max}, not ${guest.memory_mb} MB`;
    }
    return undefined;
}
const binary = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const decimal = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
/**
 * flyctl helpers.ParseSize: a plain integer is already in the target unit; otherwise docker/go-units
 * reads "1gb", "512MB", "4G", "1.5 GiB" (RAMInBytes: powers of 1024; FromHumanSize: of 1000).
 */
function parseSize(text, units, quotient) {
    if (/^[+-]?[0-9]+$/.test(text))
        return Number(text);
    const match = /^([0-9]+(?:\.[0-9]+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
    if (match === null)
        return undefined;
    const bytes = Math.trunc(Number(match[1]) * units[(match[2] ?? '').toLowerCase()]);
    return Math.trunc(bytes / quotient);
}
/** `memory = "1gb"` → 1024 (MB). */
function parseMemoryMb(text) {
    return parseSize(text, binary, 1024 ** 2);
}
/** `initial_size = "10gb"` → 10 (GB, decimal, as flyctl sizes volumes). */
function parseVolumeSizeGb(text) {
    return parseSize(text, decimal, 1e9);
}
/** Group names, sorted; `app` when the file has no [processes]. */
function processNames(c) {
    const names = Object.keys(c.processes);
    return names.length === 0 ? [defaultGroup] : names.sort();
}
function defaultProcessName(c) {
    const names = processNames(c);
    return names.includes(defaultGroup) ? defaultGroup : names[0];
}
/** Whether a section with `processes = list` belongs to `group` (flyctl flattenGroupsMatch). */
function belongs(c, group, list) {
    const fallback = defaultProcessName(c);
    if (list.length === 0)
        return group === fallback;
    return list.some((x) => x === group || (x === '' && group === fallback));
}
/** The most specific [[vm]] for a group: the last one naming it, else the first without processes. */
function computeForGroup(c, group) {
    const candidates = c.compute.filter((x) => x.processes.length === 0 || belongs(c, group, x.processes));
    let chosen = candidates[0];
    for (const x of candidates.slice(1))
        if (x.processes.includes(group))
            chosen = x;
    return chosen;
}
/** flyctl computeToGuest: a preset (size, else shared-cpu-1x, or performance-8x with a GPU), then memory, then the explicit guest fields. */
function computeToGuest(compute, hostDedicationId, where) {
    const size = compute.size ?? (compute.guest?.gpu_kind ? defaultGpuVmSize : defaultVmSize);
    const preset = machinePresets[size];
    if (preset === undefined) {
        const family = size.startsWith('shared') ? 'shared' : size.startsWith('performance') ? 'performance' : undefined;
        const valid = Object.keys(machinePresets).filter((k) => family === undefined || k.startsWith(family));
        throw new AppConfigError(`${where} size "${size}" is not a Fly machine size; choose one of ${valid.join(', ')}`);
    }
    const guest = { ...preset };
    if (hostDedicationId)
        guest.host_dedication_id = hostDedicationId;
    if (compute.memory !== undefined) {
        const mb = parseMemoryMb(compute.memory);
        if (mb === undefined)
            throw new AppConfigError(`${where} memory "${compute.memory}" is not a size such as 512mb or 2gb`);
        if (mb === 0)
            throw new AppConfigError(`${where} memory cannot be zero`);
        guest.memory_mb = mb;
    }
    // copier.CopyWithOption(IgnoreEmpty): only fields the section set to a non-zero value.
    for (const [key, value] of Object.entries(compute.guest ?? {})) {
        if (value === undefined || value === '' || value === 0 || (Array.isArray(value) && value.length === 0))
            continue;
        guest[key] = value;
    }
    return guest;
}
/** The group's guest from the file; undefined when no [[vm]] applies (flyctl then leaves the guest alone). */
function guestForGroup(c, group) {
    const compute = computeForGroup(c, group);
    if (compute === undefined)
        return undefined;
    const hdid = compute.guest?.host_dedication_id || c.hostDedicationId;
    return computeToGuest(compute, hdid, `[[vm]] for process group ${JSON.stringify(group)}:`);
}
/** A [processes] command or release_command as flyctl splits it (google/shlex). */
function splitCommand(command, what) {
    try {
        return shlexSplit(command);
    }
    catch (error) {
        if (error instanceof ShlexError)
            throw new AppConfigError(`could not parse the command for ${what}: ${error.message}`);
        throw error;
    }
}
const wireAutostop = (mode) => (mode === 'suspend' ? 'suspend' : mode === 'stop');
function headerList(headers) {
    if (headers === undefined)
        return undefined;
    const list = Object.keys(headers)
        .sort()
        .map((name) => ({ name, values: [headers[name]] }));
    return list.length === 0 ? undefined : list;
}
function tcpServiceCheck(check) {
    return strip({ type: 'tcp', interval: check.interval, timeout: check.timeout, grace_period: check.grace_period });
}
function httpServiceCheck(check) {
    return strip({
        type: 'http',
        interval: check.interval,
        timeout: check.timeout,
        grace_period: check.grace_period,
        method: check.method,
        path: check.path,
        protocol: check.protocol,
        tls_skip_verify: check.tls_skip_verify,
        tls_server_name: check.tls_server_name,
        headers: headerList(check.headers),
    });
}
function topLevelCheck(check) {
    return strip({
        type: check.type,
        port: check.port,
        interval: check.interval,
        timeout: check.timeout,
        grace_period: check.grace_period,
        method: check.method?.toUpperCase(),
        path: check.path,
        protocol: check.protocol,
        tls_skip_verify: check.tls_skip_verify,
        tls_server_name: check.tls_server_name,
        headers: headerList(check.headers),
    });
}
/** [http_service] as flyctl expands it (service.go HTTPService.ToService): ports 80 and 443. */
function httpToService(s) {
    return {
        protocol: 'tcp',
        internal_port: s.internal_port,
        concurrency: s.concurrency,
        processes: s.processes,
        http_checks: s.checks,
        tcp_checks: [],
        ports: [
            strip({ port: 80, handlers: ['http'], force_https: s.force_https || undefined, http_options: s.http_options }),
            strip({ port: 443, handlers: ['http', 'tls'], http_options: s.http_options, tls_options: s.tls_options }),
        ],
        autostop: s.autostop,
        autostart: s.autostart,
        min_machines_running: s.min_machines_running,
    };
}
function machineService(s) {
    const checks = [...s.tcp_checks.map(tcpServiceCheck), ...s.http_checks.map(httpServiceCheck)];
    return strip({
        protocol: s.protocol,
        internal_port: s.internal_port,
        ports: s.ports,
        concurrency: s.concurrency,
        autostop: s.autostop === undefined ? undefined : wireAutostop(s.autostop),
        autostart: s.autostart,
        min_machines_running: s.min_machines_running,
        checks: checks.length === 0 ? undefined : checks,
    });
}
/** fly-go MergeFiles: a later file replaces one at the same guest path; one with no content removes it. */
function mergeFiles(files) {
    const out = [];
    for (const f of files) {
        const at = out.findIndex((x) => x.guest_path === f.guest_path);
        if (at === -1)
            out.push(f);
        else if (f.raw_value === undefined && f.secret_name === undefined)
            out.splice(at, 1);
        else
            out.splice(at, 1, f);
    }
    return out.length === 0 ? undefined : out;
}
const restartPolicy = { always: 'always', never: 'no', 'on-failure': 'on-failure' };
/**
 * The machine config flyctl's `ToMachineConfig(group, nil)` gives for a process group: no image
 * (the deploy sets it) and no guest when no [[vm]] applies to the group.
 */
function toMachineConfig(c, group) {
    if (!processNames(c).includes(group))
        throw new AppConfigError(`there is no process group ${JSON.stringify(group)}; the file has ${processNames(c).map(keyName).join(', ')}`);
    const matches = (list) => belongs(c, group, list);
    const http = c.httpService !== undefined && matches(c.httpService.processes) ? c.httpService : undefined;
    const config = structuredClone(c.machineConfigBase ?? {});
    const metrics = c.metrics.find((m) => matches(m.processes));
    delete config.metrics;
    if (metrics !== undefined)
        config.metrics = strip({ port: metrics.port, path: metrics.path, https: metrics.https });
    const command = c.processes[group];
    let cmd = command === undefined || command === '' ? undefined : splitCommand(command, `the ${keyName(group)} process group`);
    const init = { ...(config.init ?? {}) };
    if (c.experimental !== undefined) {
        cmd ??= c.experimental.cmd;
        init.entrypoint = c.experimental.entrypoint;
        init.exec = c.experimental.exec;
    }
    else {
        delete init.entrypoint;
        delete init.exec;
    }
    init.cmd = cmd;
    init.swap_size_mb = c.swapSizeMb;
    config.init = strip(init);
    config.metadata = { ...config.metadata, ...platformVersion, fly_process_group: group };
    const services = [...(http === undefined ? [] : [httpToService(http)]), ...c.services.filter((s) => matches(s.processes))];
    delete config.services;
    if (services.length > 0)
        config.services = services.map(machineService);
    delete config.checks;
    const checks = Object.entries(c.checks).filter(([, check]) => matches(check.processes));
    if (checks.length > 0) {
        config.checks = {};
        for (const [name, check] of checks) {
            const machineCheck = topLevelCheck(check);
            if (machineCheck.port === undefined) {
                if (http === undefined) {
                    throw new AppConfigError(`check ${JSON.stringify(name)} for process group ${JSON.stringify(group)} has no port set and the group has no http_service to take it from`);
                }
                machineCheck.port = http.internal_port;
            }
            config.checks[name] = machineCheck;
        }
    }
    config.env = { ...c.env, FLY_PROCESS_GROUP: group };
    if (c.primaryRegion)
        config.env['PRIMARY_REGION'] = c.primaryRegion;
    delete config.statics;
    if (c.statics.length > 0)
        config.statics = c.statics.map((s) => ({ ...s }));
    delete config.mounts;
    const mounts = c.mounts.filter((m) => matches(m.processes));
    if (mounts.length > 0) {
        config.mounts = mounts.map((m) => {
            const gb = (text) => (text === undefined ? undefined : parseVolumeSizeGb(text) || undefined);
            return strip({
                path: m.destination,
                name: m.source,
                extend_threshold_percent: m.auto_extend_size_threshold || undefined,
                add_size_gb: gb(m.auto_extend_size_increment),
                size_gb_limit: gb(m.auto_extend_size_limit),
            });
        });
    }
    delete config.stop_config;
    if (c.killSignal !== undefined || c.killTimeout !== undefined)
        config.stop_config = strip({ timeout: c.killTimeout, signal: c.killSignal });
    // flyctl: every [[files]] entry reaches every group (it merges them before flattening).
    delete config.files;
    const files = mergeFiles(c.files);
    if (files !== undefined)
        config.files = files;
    const guest = guestForGroup(c, group);
    if (guest !== undefined)
        config.guest = guest;
    delete config.restart;
    for (const r of c.restart.filter((x) => matches(x.processes))) {
        config.restart = strip({ policy: restartPolicy[r.policy], max_retries: r.retries || undefined });
    }
    return config;
}
/** The one-off machine of `[deploy] release_command` (flyctl ToReleaseMachineConfig); undefined without one. */
function toReleaseMachineConfig(c) {
    const command = c.deploy?.releaseCommand;
    if (command === undefined)
        return undefined;
    const config = {
        init: strip({ cmd: splitCommand(command, '[deploy] release_command'), swap_size_mb: c.swapSizeMb, entrypoint: c.experimental?.entrypoint }),
        restart: { policy: 'no' },
        auto_destroy: true,
        dns: { skip_registration: true },
        metadata: { ...platformVersion, fly_process_group: releaseCommandGroup },
        env: { ...c.env, RELEASE_COMMAND: '1', FLY_PROCESS_GROUP: releaseCommandGroup },
    };
    if (c.primaryRegion)
        config.env['PRIMARY_REGION'] = c.primaryRegion;
    if (c.killSignal !== undefined || c.killTimeout !== undefined)
        config.stop_config = strip({ timeout: c.killTimeout, signal: c.killSignal });
    const files = mergeFiles(c.files);
    if (files !== undefined)
        config.files = files;
    const vm = c.deploy?.releaseCommandVm;
    if (vm !== undefined)
        config.guest = computeToGuest(vm, c.hostDedicationId, '[deploy.release_command_vm]');
    return config;
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/plan.js
// The preview of an app: per process group the machine config flyctl would deploy, with the
// action's inputs laid over the file (explicit inputs win; then the file; then the action's own
// defaults: iad, port 8080, shared-cpu-1x with 256 MB), plus the volumes and the release command.



const defaultRegion = 'iad';
const defaultInternalPort = 8080;
/** flyctl's default (internal/command/deploy/machines.go DefaultReleaseCommandTimeout). */
const defaultReleaseTimeoutMs = 5 * 60_000;
/** The file and the size inputs together give a group a machine size Fly refuses. */
class GuestSizeError extends AppConfigError {
    group;
    problem;
    constructor(group, problem) {
        super(`the machine size of process group ${JSON.stringify(group)} is not one Fly accepts: ${problem}`);
        this.name = 'GuestSizeError';
        this.group = group;
        this.problem = problem;
    }
}
/** The one group a preview without a fly.toml runs: the image's own command on one HTTP service. */
function noFileConfig() {
    return {
        env: {},
        processes: {},
        services: [],
        checks: {},
        mounts: [],
        files: [],
        restart: [],
        compute: [],
        statics: [],
        metrics: [],
        warnings: [],
        httpService: { internal_port: defaultInternalPort, force_https: true, processes: [], checks: [] },
    };
}
function withOverrides(file, overrides, warnings) {
    const c = structuredClone(file ?? noFileConfig());
    c.primaryRegion = overrides.region ?? c.primaryRegion ?? defaultRegion;
    if (overrides.internalPort !== undefined) {
        // The app's HTTP port: [http_service], else every [[services]] that speaks HTTP.
        const httpServices = c.services.filter((s) => s.ports?.some((p) => p.handlers?.includes('http')) === true);
        if (c.httpService !== undefined)
            c.httpService.internal_port = overrides.internalPort;
        else if (httpServices.length > 0)
            for (const s of httpServices)
                s.internal_port = overrides.internalPort;
        else
            warnings.push('The internal-port input applies to an HTTP service, which the fly.toml does not have; it is not used.');
    }
    if (file !== undefined && c.httpService === undefined && c.services.length === 0) {
        warnings.push('The fly.toml defines no [http_service] or [[services]], so the preview URL will not answer.');
    }
    // Scale to zero where the file says nothing about idling; what it does say stands.
    for (const s of [...(c.httpService === undefined ? [] : [c.httpService]), ...c.services]) {
        s.autostop ??= overrides.autostop;
        s.autostart ??= true;
        s.min_machines_running ??= 0;
    }
    return c;
}
function effectiveGuest(fromFile, overrides, group) {
    let guest = { ...(fromFile ?? machinePresets[defaultVmSize]) };
    if (overrides.size !== undefined) {
        const preset = machinePresets[overrides.size];
        if (preset === undefined)
            throw new AppConfigError(`size "${overrides.size}" is not a Fly machine size`);
        const { host_dedication_id: hdid } = guest;
        guest = { ...preset };
        if (hdid !== undefined)
            guest.host_dedication_id = hdid;
    }
    if (overrides.cpuKind !== undefined)
        guest.cpu_kind = overrides.cpuKind;
    if (overrides.cpus !== undefined)
        guest.cpus = overrides.cpus;
    if (overrides.memoryMb !== undefined)
        guest.memory_mb = overrides.memoryMb;
    const problem = guestProblem(guest);
    if (problem !== undefined)
        throw new GuestSizeError(group, problem);
    return guest;
}
function checkCount(config) {
    return Object.keys(config.checks ?? {}).length + (config.services ?? []).reduce((n, s) => n + (s.checks?.length ?? 0), 0);
}
/**
 * The preview plan for a fly.toml (undefined: none), with the inputs' overrides. Throws
 * AppConfigError when the file and the overrides together make something Fly would refuse.
 */
function planPreview(file, overrides) {
    const warnings = [...(file?.warnings ?? [])];
    const c = withOverrides(file, overrides, warnings);
    const region = c.primaryRegion;
    const groups = processNames(c).map((name) => {
        const config = toMachineConfig(c, name);
        // A machine mounts one volume (flyctl validation.go validateMounts; deploy attaches mounts[0]).
        if ((config.mounts?.length ?? 0) > 1)
            throw new AppConfigError(`process group ${JSON.stringify(name)} has more than one [[mounts]] section; a machine mounts one volume`);
        config.guest = effectiveGuest(config.guest, overrides, name);
        // flyctl puts the top-level host_dedication_id on every machine it launches (machines_launchinput.go).
        if (c.hostDedicationId)
            config.guest.host_dedication_id = c.hostDedicationId;
        const volumes = (config.mounts ?? []).map((m) => {
            const mount = c.mounts.find((x) => x.source === m.name && x.destination === m.path);
            const size = mount?.initial_size === undefined ? undefined : parseVolumeSizeGb(mount.initial_size);
            if (mount?.initial_size !== undefined && (size === undefined || size < 1)) {
                throw new AppConfigError(`[mounts] initial_size "${mount.initial_size}" is not a size of at least 1gb`);
            }
            const plan = { name: m.name, destination: m.path, sizeGb: size ?? (config.guest?.gpu_kind ? 100 : 1) };
            if (mount?.snapshot_retention !== undefined)
                plan.snapshotRetention = mount.snapshot_retention;
            if (mount?.scheduled_snapshots !== undefined)
                plan.autoBackupEnabled = mount.scheduled_snapshots;
            return plan;
        });
        return { name, config, volumes, checkCount: checkCount(config) };
    });
    let release;
    const releaseConfig = toReleaseMachineConfig(c);
    if (releaseConfig !== undefined) {
        // Without release_command_vm, flyctl runs the release command on the default group's machine
        // size once the app has machines (internal/command/deploy/machines_releasecommand.go).
        const appGroup = groups.find((g) => g.name === defaultProcessName(c));
        releaseConfig.guest ??= { ...appGroup?.config.guest };
        if (c.hostDedicationId)
            releaseConfig.guest.host_dedication_id = c.hostDedicationId;
        const timeout = c.deploy?.releaseCommandTimeout;
        release = {
            commandLine: c.deploy?.releaseCommand,
            config: releaseConfig,
            timeoutMs: timeout === undefined ? defaultReleaseTimeoutMs : Number(parseGoDuration(timeout) / 1000000n),
        };
    }
    return { region, groups, release, warnings };
}

;// CONCATENATED MODULE: ./lib/providers/fly/appconfig/index.js
// fly.toml for the preview: read it (inputs.ts, before any call), plan it (the deploy).








/**
 * Reads and parses the fly.toml at `path`. Files it names (`[[files]] local_path`, a
 * `machine_config` .json) are read relative to its folder, where `fly deploy` is usually run.
 * Throws the fs error when the file cannot be read, AppConfigError when it is not a valid config.
 */
function loadAppConfig(path, shownAs) {
    const text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    const folder = (0,external_node_path_.dirname)(path);
    return parseAppConfig(text, shownAs, { readFile: (name) => (0,external_node_fs_.readFileSync)((0,external_node_path_.resolve)(folder, name)) });
}


/***/ })

};
