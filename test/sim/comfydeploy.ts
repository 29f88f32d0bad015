// A local double of the ComfyDeploy API (test/sim/COMFYDEPLOY_API.md): serverless machines whose
// creates and updates start builds (machine versions) that end on timers in `ready` or `error` with
// a JSON build log, custom nodes that fail to build or to import, soft deletion, FastAPI error
// bodies (422 lists, 403 plan limits, 402 attached workflows), bearer auth, and the fault injection
// and request log of http-double.ts.
import { randomUUID } from 'node:crypto';
import { BadRequest, HttpDouble, withRequestIds, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';

export interface ComfyDeploySimOptions {
  tokens?: string[];
  /** How long a build takes from the create or update to `ready`/`error`. */
  buildMs?: number;
  /**
   * Whether a finished build writes the machine's import_failed_logs. The API's own create and
   * update paths build with skip_static_assets, which makes the builder write null there.
   */
  writeImportFailedLogs?: boolean;
  /** Plan features (autumn `max_always_on_machine`, `gpu_concurrency_limit`; the API's defaults 0 and 1). */
  maxAlwaysOn?: number;
  maxConcurrency?: number;
}

interface SimMachine {
  id: string;
  user_id: string;
  org_id: string;
  name: string;
  type: string;
  status: string;
  endpoint: string;
  gpu: string;
  comfyui_version: string;
  docker_command_steps: Record<string, unknown>;
  machine_version_id: string | null;
  machine_builder_version: string;
  import_failed_logs: string | null;
  build_log: string | null;
  keep_warm: number;
  idle_timeout: number;
  concurrency_limit: number;
  run_timeout: number;
  deleted: boolean;
  created_at: string;
  updated_at: string;
  auth_token: string;
  workflows: string[];
}

interface SimVersion {
  id: string;
  machine_id: string;
  version: number;
  user_id: string;
  status: string;
  build_log: string | null;
  docker_command_steps: Record<string, unknown>;
  comfyui_version: string;
  gpu: string;
  created_at: string;
  updated_at: string;
  timer?: NodeJS.Timeout;
}

export interface SimMachineView {
  id: string;
  name: string;
  status: string;
  deleted: boolean;
  gpu: string;
  comfyui_version: string;
  docker_command_steps: Record<string, unknown>;
  machine_version_id: string | null;
  keep_warm: number;
  versions: { id: string; version: number; status: string }[];
}

export interface ComfyDeploySim extends DoubleControls {
  /** Builds whose steps install this URL end in `error`, their build log ending with these lines. */
  nodeFailsToBuild(url: string, log: string | string[]): void;
  /** Builds whose steps install this URL end `ready`, with ComfyUI's "(IMPORT FAILED)" line for the node's folder. */
  nodeFailsToImport(url: string, nodeName?: string): void;
  /** Builds whose steps install this URL never end. */
  nodeNeverFinishes(url: string): void;
  /** Undoes the node controls above. */
  nodeBuildsNormally(url: string): void;
  /** The next creates answer 403 with the machine-limit detail (the API's check is commented out today). */
  machineLimitReached(times?: number): void;
  /** A workflow deployed on the machine: DELETE without force answers 402. */
  attachWorkflow(machineId: string, name: string): void;
  setKeepWarm(machineId: string, keepWarm: number): void;
  /** Every machine, deleted ones included, oldest first. */
  machines(): SimMachineView[];
  /** Seeds a machine directly (no request logged), e.g. one this action did not create; ready at once. */
  addMachine(name: string, options?: { steps?: unknown[]; marker?: unknown; createdAt?: string }): { id: string };
  /** How many builds were started (creates and rebuilds). */
  buildsStarted(): number;
  /** Every machine's auth_token, so tests can assert none was printed. */
  authTokens(): string[];
  close(): Promise<void>;
}

const gpus = ['CPU', 'T4', 'L4', 'A10G', 'L40S', 'A100', 'A100-80GB', 'H100', 'H200', 'B200'];
const commitPattern = /^[a-fA-F0-9]{40}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** machines.py update_serverless_machine fields_to_trigger_rebuild (those the simulator stores). */
const rebuildFields = ['comfyui_version', 'concurrency_limit', 'docker_command_steps', 'idle_timeout', 'run_timeout'] as const;
/** The API's default ComfyUI commit (utils/docker.py comfyui_hash). */
const defaultComfyUi = '094306b626e9cf505690c5d8b445032b3b8a36fa';

const detail = (status: number, text: string): BadRequest => new BadRequest({ status, body: { detail: text } });

interface Issue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}
const unprocessable = (issues: Issue[]): BadRequest => new BadRequest({ status: 422, body: { detail: issues } });

function cloneFolder(url: string): string {
  return (url.replace(/\/+$/, '').split('/').pop() ?? '').replace('.git', '');
}

/** The URLs and folders a machine's steps install (utils/docker.py generate_docker_def_from_docker_steps). */
function installs(steps: unknown): { url: string; folder: string }[] | undefined {
  const list = (steps as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(list)) return undefined;
  const out: { url: string; folder: string }[] = [];
  for (const step of list) {
    const { type, data } = (step ?? {}) as { type?: unknown; data?: unknown };
    if (typeof type !== 'string') return undefined;
    if (type === 'custom-node') {
      const url = (data as { url?: unknown } | null)?.url;
      const installType = (data as { install_type?: unknown } | null)?.install_type;
      if (typeof url !== 'string' || typeof installType !== 'string') return undefined;
      out.push({ url, folder: cloneFolder(url) });
    } else if (type === 'commands') {
      if (typeof data !== 'string') return undefined;
      const url = /git clone (?:--recursive )?(\S+)/.exec(data)?.[1];
      const workdirs = [...data.matchAll(/WORKDIR \/comfyui\/custom_nodes\/(\S+)/g)];
      if (url !== undefined) out.push({ url, folder: workdirs.at(-1)?.[1] ?? cloneFolder(url) });
    }
  }
  return out;
}

/** FastAPI's bool query parsing (pydantic: true/false, 1/0, yes/no, on/off). */
function queryBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  const text = value.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(text)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(text)) return false;
  throw unprocessable([{ type: 'bool_parsing', loc: ['query', 'is_deleted'], msg: 'Input should be a valid boolean, unable to interpret input', input: value }]);
}

/** `m.name ILIKE '%<search>%'`: case-insensitive, with `_` and `%` as wildcards. */
function ilike(name: string, search: string): boolean {
  const pattern = search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(pattern, 'is').test(name);
}

export async function startComfyDeploySim(options: ComfyDeploySimOptions = {}): Promise<ComfyDeploySim> {
  const tokens = new Set(options.tokens ?? ['comfydeploy-test-token']);
  const buildMs = options.buildMs ?? 150;
  const maxAlwaysOn = options.maxAlwaysOn ?? 0;
  const maxConcurrency = options.maxConcurrency ?? 1;
  const userId = `user_${randomUUID().slice(0, 8)}`;
  const orgId = `org_${randomUUID().slice(0, 8)}`;
  const machines = new Map<string, SimMachine>();
  const versions = new Map<string, SimVersion>();
  const buildFailures = new Map<string, string[]>();
  const importFailures = new Map<string, string | undefined>();
  const neverFinish = new Set<string>();
  let machineLimitTimes = 0;
  let builds = 0;
  let clock = Date.now();

  /** Strictly increasing timestamps, so "oldest" and "newest update" are never ties. */
  const stamp = (): string => {
    clock = Math.max(clock + 1, Date.now());
    return new Date(clock).toISOString();
  };

  const listFields = (m: SimMachine) => ({
    id: m.id,
    user_id: m.user_id,
    name: m.name,
    created_at: m.created_at,
    updated_at: m.updated_at,
    type: m.type,
    org_id: m.org_id,
    status: m.status,
    gpu: m.gpu,
    machine_version: null,
    machine_builder_version: m.machine_builder_version,
    comfyui_version: m.comfyui_version,
    import_failed_logs: m.import_failed_logs,
    machine_version_id: m.machine_version_id,
    is_workspace: false,
  });

  /** models.py Machine.to_dict: every column, the machine's auth_token included. */
  const fullMachine = (m: SimMachine) => {
    const { workflows: _workflows, ...columns } = m;
    return structuredClone(columns);
  };

  const versionJson = (v: SimVersion) => {
    const { timer: _timer, ...rest } = v;
    return structuredClone(rest);
  };

  function buildLog(lines: string[]): string {
    return JSON.stringify(lines.map((logs, i) => ({ logs, timestamp: clock / 1000 + i * 0.01 })));
  }

  function finish(v: SimVersion): void {
    const m = machines.get(v.machine_id);
    const nodes = installs(v.docker_command_steps) ?? [];
    const lines = [`Building image im-${v.id.slice(0, 8)}`, 'RUN git clone https://github.com/comfyanonymous/ComfyUI.git /comfyui', `RUN cd /comfyui && git reset --hard ${v.comfyui_version}`];
    for (const node of nodes) lines.push(`RUN git clone ${node.url} --recursive`);
    const failing = nodes.find((n) => buildFailures.has(n.url));
    if (failing !== undefined) {
      lines.push(...(buildFailures.get(failing.url) ?? []), 'Unable to build the app image.');
      v.status = 'error';
    } else {
      const failed: string[] = [];
      lines.push('Import times for custom nodes:');
      for (const node of nodes) {
        if (importFailures.has(node.url)) {
          const folder = importFailures.get(node.url) ?? node.folder;
          lines.push('Traceback (most recent call last):', `ModuleNotFoundError: No module named '${folder.toLowerCase()}_deps'`);
          lines.push(`Cannot import /comfyui/custom_nodes/${folder} module for custom nodes: No module named '${folder.toLowerCase()}_deps'`);
          const line = `   0.1 seconds (IMPORT FAILED): /comfyui/custom_nodes/${folder}`;
          lines.push(line);
          failed.push(line);
        } else {
          lines.push(`   0.0 seconds: /comfyui/custom_nodes/${node.folder}`);
        }
      }
      lines.push('✓ App deployed in 42.0s! 🎉');
      v.status = 'ready';
      if (m !== undefined) m.import_failed_logs = options.writeImportFailedLogs === true ? buildLog(failed) : null;
    }
    v.build_log = buildLog(lines);
    v.updated_at = stamp();
    // The builder writes the machine's status and log too, whichever build ends last (modal/builder.py).
    if (m !== undefined) {
      m.status = v.status;
      m.build_log = v.build_log;
      if (v.status === 'error') m.import_failed_logs = options.writeImportFailedLogs === true ? buildLog([]) : null;
    }
  }

  function startBuild(m: SimMachine, version: number): SimVersion {
    builds++;
    const v: SimVersion = {
      id: randomUUID(),
      machine_id: m.id,
      version,
      user_id: m.user_id,
      // A new version copies the machine's columns, the previous build's log included (machines.py create_machine_version).
      status: 'building',
      build_log: m.build_log,
      docker_command_steps: structuredClone(m.docker_command_steps),
      comfyui_version: m.comfyui_version,
      gpu: m.gpu,
      created_at: stamp(),
      updated_at: stamp(),
    };
    versions.set(v.id, v);
    m.machine_version_id = v.id;
    m.status = 'building';
    const nodes = installs(v.docker_command_steps) ?? [];
    if (!nodes.some((n) => neverFinish.has(n.url))) v.timer = setTimeout(() => finish(v), buildMs);
    return v;
  }

  function validate(body: Record<string, unknown>, creating: boolean): void {
    const issues: Issue[] = [];
    if (creating && typeof body['name'] !== 'string') issues.push({ type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: body });
    const gpu = body['gpu'];
    if (creating && gpu === undefined) issues.push({ type: 'missing', loc: ['body', 'gpu'], msg: 'Field required', input: body });
    else if (gpu !== undefined && gpu !== null && !gpus.includes(String(gpu))) {
      issues.push({ type: 'enum', loc: ['body', 'gpu'], msg: `Input should be ${gpus.map((g) => `'${g}'`).join(', ')}`, input: gpu });
    }
    const version = body['comfyui_version'];
    if (version !== undefined && version !== null && (typeof version !== 'string' || !commitPattern.test(version))) {
      issues.push({ type: 'string_pattern_mismatch', loc: ['body', 'comfyui_version'], msg: "String should match pattern '^[a-fA-F0-9]{40}$'", input: version });
    }
    const steps = body['docker_command_steps'];
    if (steps !== undefined && steps !== null && (typeof steps !== 'object' || Array.isArray(steps))) {
      issues.push({ type: 'dict_type', loc: ['body', 'docker_command_steps'], msg: 'Input should be a valid dictionary', input: steps });
    }
    for (const field of ['keep_warm', 'idle_timeout', 'concurrency_limit', 'run_timeout']) {
      const value = body[field];
      if (value !== undefined && value !== null && !Number.isInteger(value)) {
        issues.push({ type: 'int_type', loc: ['body', field], msg: 'Input should be a valid integer', input: value });
      }
    }
    if (issues.length > 0) throw unprocessable(issues);
    // validate_free_plan_restrictions (machines.py 495-531).
    const concurrency = body['concurrency_limit'];
    if (typeof concurrency === 'number' && concurrency > maxConcurrency) {
      throw detail(403, 'You have reached your concurrency limit. Please upgrade to use this feature.');
    }
    const keepWarm = body['keep_warm'];
    if (typeof keepWarm === 'number' && keepWarm > maxAlwaysOn) {
      throw detail(403, 'You have reached your always on machine limit. Please upgrade to use this feature.');
    }
    // generate_all_docker_commands parses the steps before anything is stored; a malformed one is an unhandled 500.
    if (steps !== undefined && steps !== null && installs(steps) === undefined) {
      throw new BadRequest({ status: 500, body: 'Internal Server Error' });
    }
  }

  function machineId(raw: string | undefined, name = 'machine_id'): string {
    if (raw === undefined || !uuidPattern.test(raw)) {
      throw unprocessable([{ type: 'uuid_parsing', loc: ['path', name], msg: 'Input should be a valid UUID', input: raw }]);
    }
    return raw.toLowerCase();
  }

  function route(req: ParsedRequest): Reply {
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api') throw detail(404, 'Not Found');
    const path = parts.slice(1);
    // /api/gpu_event is the machines' own callback, outside bearer auth (authMiddleware.py ignored_routes).
    if (req.method === 'POST' && path.join('/') === 'gpu_event') return { status: 200, body: { message: 'ok' } };
    const auth = req.headers.authorization;
    if (auth === undefined || !auth.startsWith('Bearer ')) throw detail(401, 'Invalid or missing token');
    if (!tokens.has(auth.slice('Bearer '.length))) throw detail(401, 'Invalid or expired token');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const q = req.query;
    const [first, second, third, fourth, fifth] = path;

    if (req.method === 'GET' && first === 'machines' && second === undefined) {
      const search = q.get('search');
      const deleted = queryBool(q.get('is_deleted'));
      const withSteps = queryBool(q.get('include_docker_command_steps')) === true;
      const limit = Number(q.get('limit') ?? '100');
      const offset = Number(q.get('offset') ?? '0');
      const rows = [...machines.values()]
        .filter((m) => (deleted === undefined || m.deleted === deleted) && (search === null || search === '' || ilike(m.name, search)))
        .sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0))
        .slice(offset, offset + limit)
        .map((m) => ({ ...listFields(m), ...(withSteps ? { docker_command_steps: structuredClone(m.docker_command_steps) } : {}), has_workflows: false }));
      return { status: 200, body: rows };
    }

    if (first === 'machine' && second === 'serverless' && third === undefined && req.method === 'POST') {
      validate(body, true);
      if (machineLimitTimes > 0) {
        machineLimitTimes--;
        throw new BadRequest({ status: 403, body: { detail: { error: 'Machine limit reached', message: 'You have reached your machine limit of 3 machines.', current_count: 3 } } });
      }
      const m: SimMachine = {
        id: randomUUID(),
        user_id: userId,
        org_id: orgId,
        name: String(body['name']),
        type: 'comfy-deploy-serverless',
        status: 'building',
        endpoint: 'not-ready',
        gpu: String(body['gpu']),
        comfyui_version: typeof body['comfyui_version'] === 'string' ? body['comfyui_version'] : defaultComfyUi,
        docker_command_steps: structuredClone((body['docker_command_steps'] as Record<string, unknown> | undefined) ?? { steps: [] }),
        machine_version_id: null,
        machine_builder_version: '4',
        import_failed_logs: null,
        build_log: null,
        keep_warm: typeof body['keep_warm'] === 'number' ? body['keep_warm'] : 0,
        idle_timeout: typeof body['idle_timeout'] === 'number' ? body['idle_timeout'] : 60,
        concurrency_limit: typeof body['concurrency_limit'] === 'number' ? body['concurrency_limit'] : 1,
        run_timeout: typeof body['run_timeout'] === 'number' ? body['run_timeout'] : 300,
        deleted: false,
        created_at: stamp(),
        updated_at: stamp(),
        auth_token: `cd-machine-token-${randomUUID()}`,
        workflows: [],
      };
      machines.set(m.id, m);
      startBuild(m, 1);
      return { status: 200, body: fullMachine(m) };
    }

    if (first === 'machine' && second === 'serverless' && third !== undefined && fourth === undefined && req.method === 'PATCH') {
      const id = machineId(third);
      validate(body, false);
      // No `deleted` filter here (machines.py 1263-1268): a deleted machine is found and rebuilt.
      const m = machines.get(id);
      if (m === undefined) throw detail(404, 'Machine not found');
      const rebuild =
        body['is_trigger_rebuild'] === true ||
        rebuildFields.some((field) => body[field] !== undefined && body[field] !== null && JSON.stringify(body[field]) !== JSON.stringify(m[field]));
      for (const field of [...rebuildFields, 'gpu', 'keep_warm', 'name'] as const) {
        const value = body[field];
        if (value !== undefined && value !== null) (m as unknown as Record<string, unknown>)[field] = structuredClone(value);
      }
      m.updated_at = stamp();
      if (rebuild) {
        const next = Math.max(0, ...[...versions.values()].filter((v) => v.machine_id === m.id).map((v) => v.version)) + 1;
        startBuild(m, next);
      }
      return { status: 200, body: fullMachine(m) };
    }

    if (first === 'machine' && second === 'serverless' && third !== undefined && fourth === 'versions' && fifth !== undefined && req.method === 'GET') {
      const id = machineId(third);
      const versionId = machineId(fifth, 'version_id');
      if (!machines.has(id)) throw detail(404, 'Machine not found');
      const v = versions.get(versionId);
      if (v === undefined || v.machine_id !== id) throw detail(404, 'Machine version not found');
      return { status: 200, body: versionJson(v) };
    }

    if (first === 'machine' && second !== undefined && second !== 'serverless' && third === undefined) {
      const id = machineId(second);
      const m = machines.get(id);
      if (req.method === 'GET') {
        if (m === undefined || m.deleted) throw detail(404, 'Machine not found');
        return { status: 200, body: fullMachine(m) };
      }
      if (req.method === 'DELETE') {
        // No `deleted` filter either (machines.py 1982-1987): deleting twice answers 200 twice.
        if (m === undefined) throw detail(404, 'Machine not found');
        if (m.keep_warm > 0) throw detail(400, 'Please set keep warm to 0 before deleting the machine.');
        if (queryBool(q.get('force')) !== true && m.workflows.length > 0) {
          throw detail(402, `You still have these workflows related to this machine: ${m.workflows.join(',')}`);
        }
        m.deleted = true;
        return { status: 200, body: { message: 'Machine deleted' } };
      }
    }
    throw detail(404, 'Not Found');
  }

  const server = new HttpDouble(withRequestIds(route, 'x-request-id'));
  await server.listen();

  const view = (m: SimMachine): SimMachineView => ({
    id: m.id,
    name: m.name,
    status: m.status,
    deleted: m.deleted,
    gpu: m.gpu,
    comfyui_version: m.comfyui_version,
    docker_command_steps: structuredClone(m.docker_command_steps),
    machine_version_id: m.machine_version_id,
    keep_warm: m.keep_warm,
    versions: [...versions.values()].filter((v) => v.machine_id === m.id).map((v) => ({ id: v.id, version: v.version, status: v.status })),
  });

  return {
    ...server.controls(),
    nodeFailsToBuild: (url, log) => void buildFailures.set(url, Array.isArray(log) ? log : log.split('\n')),
    nodeFailsToImport: (url, nodeName) => void importFailures.set(url, nodeName),
    nodeNeverFinishes: (url) => void neverFinish.add(url),
    nodeBuildsNormally(url) {
      buildFailures.delete(url);
      importFailures.delete(url);
      neverFinish.delete(url);
    },
    machineLimitReached(times = 1) {
      machineLimitTimes += times;
    },
    attachWorkflow(id, name) {
      machines.get(id)?.workflows.push(name);
    },
    setKeepWarm(id, keepWarm) {
      const m = machines.get(id);
      if (m !== undefined) m.keep_warm = keepWarm;
    },
    machines: () => [...machines.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : 1)).map(view),
    addMachine(name, opts = {}) {
      const created = opts.createdAt ?? stamp();
      const m: SimMachine = {
        id: randomUUID(),
        user_id: userId,
        org_id: orgId,
        name,
        type: 'comfy-deploy-serverless',
        status: 'ready',
        endpoint: 'https://example.modal.run',
        gpu: 'CPU',
        comfyui_version: defaultComfyUi,
        docker_command_steps: { steps: opts.steps ?? [], ...(opts.marker === undefined ? {} : { fly_preview: opts.marker }) },
        machine_version_id: null,
        machine_builder_version: '4',
        import_failed_logs: null,
        build_log: null,
        keep_warm: 0,
        idle_timeout: 60,
        concurrency_limit: 1,
        run_timeout: 300,
        deleted: false,
        created_at: created,
        updated_at: created,
        auth_token: `cd-machine-token-${randomUUID()}`,
        workflows: [],
      };
      machines.set(m.id, m);
      const v = startBuild(m, 1);
      builds--;
      if (v.timer !== undefined) clearTimeout(v.timer);
      finish(v);
      return { id: m.id };
    },
    buildsStarted: () => builds,
    authTokens: () => [...machines.values()].map((m) => m.auth_token),
    async close() {
      for (const v of versions.values()) if (v.timer !== undefined) clearTimeout(v.timer);
      await server.close();
    },
  };
}
