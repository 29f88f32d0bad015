export const id = 646;
export const ids = [646];
export const modules = {

/***/ 646:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readPlatformSettings: () => (/* binding */ readPlatformSettings)
/* harmony export */ });
/* unused harmony export readSettings */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9242);
/* harmony import */ var _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(554);
/* harmony import */ var _providers_comfydeploy_validate_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6835);
// Raw action inputs → one typed, validated Settings object: the platform-neutral inputs
// (common-inputs.ts) and the chosen platform's own (a fly.toml and Fly's machine sizes, Koyeb's
// region and instance type, ComfyDeploy's build). main.ts loads this module only once the plan says
// the run acts, and reads it before any network call, so a bad value still fails the step without
// touching the platform or GitHub; a skipped run never parses a fly.toml.





function region(raw) {
    if (!/^[a-z]{3}$/.test(raw))
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('region', `must be a three-letter Fly region code such as iad, lhr or syd; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(raw)}`);
    return raw;
}
/** Every CPU count Fly offers for some kind; the kind decides which (flyctl internal/machine/update.go). */
const anyCpuCount = [...new Set([..._providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .cpusPerKind */ .zu.shared, ..._providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .cpusPerKind */ .zu.performance])].sort((a, b) => a - b);
/** Each size input on its own; whether they fit together (and with the fly.toml) is checked on the plan. */
function guestInputs(value) {
    const size = value('size');
    const cpuKind = value('cpu-kind');
    const cpus = value('cpus');
    const memory = value('memory');
    const presets = Object.keys(_providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .machinePresets */ .gS);
    const cpuCount = cpus === '' ? undefined : (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .integer */ .nd)('cpus', cpus, 1, 128);
    if (cpuCount !== undefined && !anyCpuCount.includes(cpuCount)) {
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('cpus', `must be one of ${anyCpuCount.join(', ')}; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(cpus)}`);
    }
    const memoryMb = memory === '' ? undefined : (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .integer */ .nd)('memory', memory, 256, 1_048_576, ' (MB)');
    if (memoryMb !== undefined && memoryMb % 256 !== 0)
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('memory', `must be a multiple of 256 MB; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(memory)}`);
    return {
        size: size === '' ? undefined : (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .oneOf */ .yL)('size', size, presets),
        cpuKind: cpuKind === '' ? undefined : (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .oneOf */ .yL)('cpu-kind', cpuKind, ['shared', 'performance']),
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
function configFile(raw, workspace) {
    if (raw === '') {
        if (workspace === undefined)
            return undefined;
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(workspace, 'fly.toml');
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path) ? { path, shownAs: 'fly.toml' } : undefined;
    }
    (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .singleLine */ .pF)('config', raw);
    const base = workspace ?? process.cwd();
    const path = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(base, raw);
    const inside = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(base, path);
    if ((0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(raw) || inside.startsWith('..') || (0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(inside)) {
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('config', `must be a path inside the workspace such as fly.toml or deploy/fly.staging.toml; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(raw)}`);
    }
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path))
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('config', `names ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(raw)}, which is not in the workspace (a path relative to the repository root)`);
    return { path, shownAs: inside };
}
function appConfig(file) {
    if (file === undefined)
        return undefined;
    try {
        return (0,_providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .loadAppConfig */ .yN)(file.path, file.shownAs);
    }
    catch (error) {
        if (error instanceof _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .AppConfigError */ .ys)
            throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('config', `is not a fly.toml the action can use: ${error.message}`);
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('config', `names ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(file.shownAs)}, which cannot be read`);
    }
}
function checked(input, result) {
    if (!result.ok)
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(input, `is not valid: ${result.error}`);
    return result.value;
}
/** Sizes of a Fly machine the other platforms do not use; kept so Settings has one shape. */
const unusedGuest = { cpuKind: 'shared', cpus: 1, memoryMb: 256 };
function flySettings(given, workspace, autostop) {
    const configInput = configFile(given('config'), workspace);
    const file = appConfig(configInput);
    const guestGiven = guestInputs(given);
    const regionInput = given('region');
    const portInput = given('internal-port');
    const overrides = { autostop };
    if (regionInput !== '')
        overrides.region = region(regionInput);
    if (portInput !== '')
        overrides.internalPort = (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .integer */ .nd)('internal-port', portInput, 1, 65535);
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
        plan = (0,_providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__.planPreview)(file, overrides);
    }
    catch (error) {
        if (error instanceof _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .GuestSizeError */ .Cy) {
            const name = guestInputName(guestGiven);
            throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(name, `gives process group ${JSON.stringify(error.group)} a machine size Fly does not accept: ${error.problem}`);
        }
        if (error instanceof _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .AppConfigError */ .ys)
            throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('config', `is not a fly.toml the action can use: ${error.message}`);
        throw error;
    }
    const main = plan.groups.find((g) => g.name === 'app') ?? plan.groups[0];
    const guest = main?.config.guest;
    return {
        configPath: configInput?.shownAs,
        appConfig: file,
        overrides,
        region: plan.region,
        internalPort: main?.config.services?.find((s) => s.internal_port !== undefined)?.internal_port ?? _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .defaultInternalPort */ .aE,
        guest: { cpuKind: guest?.cpu_kind ?? 'shared', cpus: guest?.cpus ?? 1, memoryMb: guest?.memory_mb ?? 256 },
        instanceType: undefined,
        comfyDeploy: undefined,
    };
}
/** Koyeb reads no fly.toml (a `config` input is refused above): region, size and port are inputs alone. */
function koyebSettings(given, autostop) {
    const regionInput = given('region');
    if (regionInput !== '' && !/^[a-z]{3}$/.test(regionInput)) {
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('region', `must be a Koyeb region code such as was, fra, par, sfo, sin or tyo; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(regionInput)}`);
    }
    const size = given('size');
    if (size !== '' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(size)) {
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('size', `must be a Koyeb instance type such as nano, micro, small or medium; got ${(0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .hD)(size)}`);
    }
    const port = given('internal-port');
    return {
        configPath: undefined,
        appConfig: undefined,
        overrides: { autostop },
        region: regionInput === '' ? 'was' : regionInput,
        internalPort: port === '' ? _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .defaultInternalPort */ .aE : (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .integer */ .nd)('internal-port', port, 1, 65535),
        guest: unusedGuest,
        instanceType: size === '' ? 'nano' : size,
        comfyDeploy: undefined,
    };
}
function comfyDeploySettings(given, read) {
    const version = given('comfyui-version');
    if (version === '') {
        throw new _common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('comfyui-version', 'is required with provider: comfydeploy: the 40-hex ComfyUI commit to build on, e.g. 094306b626e9cf505690c5d8b445032b3b8a36fa');
    }
    return {
        configPath: undefined,
        appConfig: undefined,
        overrides: { autostop: 'stop' },
        region: '',
        internalPort: _providers_fly_appconfig_index_js__WEBPACK_IMPORTED_MODULE_3__/* .defaultInternalPort */ .aE,
        guest: unusedGuest,
        instanceType: undefined,
        comfyDeploy: {
            comfyuiVersion: checked('comfyui-version', (0,_providers_comfydeploy_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .checkComfyUiVersion */ .x0)(version)),
            gpu: checked('gpu', (0,_providers_comfydeploy_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .checkGpu */ .rY)(given('gpu'))),
            extraNodes: checked('custom-nodes', (0,_providers_comfydeploy_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .checkCustomNodes */ .lG)(read('custom-nodes'))),
            nodePath: checked('node-path', (0,_providers_comfydeploy_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .checkNodePath */ ._Y)(given('node-path'))),
        },
    };
}
/**
 * The chosen platform's inputs. `read` returns the raw input ('' when unset), as core.getInput does.
 * `workspace` is where `config` is looked up (GITHUB_WORKSPACE on a runner).
 */
function readPlatformSettings(provider, read, workspace) {
    const given = (name) => read(name).trim();
    const autostop = (0,_common_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .oneOf */ .yL)('autostop', given('autostop') === '' ? 'stop' : given('autostop'), ['stop', 'suspend', 'off']);
    if (provider === 'fly')
        return flySettings(given, workspace, autostop);
    return provider === 'koyeb' ? koyebSettings(given, autostop) : comfyDeploySettings(given, read);
}
/** Every input at once, as a run that acts sees them. */
function readSettings(read, workspace = process.env['GITHUB_WORKSPACE']) {
    const common = readCommonSettings(read);
    return { ...common, ...readPlatformSettings(common.provider, read, workspace) };
}


/***/ })

};
