// A local double of the Fly Machines API (test/sim/FLY_API.md): apps, public IPs, machines that
// boot on a timer through created → starting → started, a `wait` that really blocks, leases,
// events, bearer auth, and the fault injection of http-double.ts; volumes attached through
// config.mounts, app secrets with versions, machine health checks, and one-off machines that run a
// command, exit and destroy themselves.
import { createHash, randomBytes } from 'node:crypto';
import { bad, HttpDouble, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';

export type { RequestRecord } from './http-double.ts';

export interface FlySimOptions {
  tokens?: string[];
  orgs?: string[];
  /** How long a machine takes from launch to `started`. */
  bootMs?: number;
  /** The longest any wait lasts, whatever timeout it asks (the real API's proxy cuts at about 60 s). */
  maxWaitMs?: number;
}

interface MachineEvent {
  id: string;
  type: string;
  status: string;
  source: string;
  timestamp: number;
  request?: { exit_event: { exit_code: number; oom_killed: boolean; exited_at: string } };
}

interface Lease {
  nonce: string;
  expiresAt: number;
  owner: string;
  description: string;
  version: string;
}

/** A machine as the API shows it. */
export interface MachineSnapshot {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  private_ip: string;
  config: MachineConfig;
  created_at: string;
  updated_at: string;
  events: MachineEvent[];
}

/** A health check's state on a machine (fly-go MachineCheckStatus). */
export interface CheckStatus {
  name: string;
  status: 'passing' | 'warning' | 'critical';
  output: string;
  updated_at: string;
}

/** What the simulator keeps beside it: the lease and the boot timers. */
interface SimMachine extends MachineSnapshot {
  checks?: CheckStatus[];
  lease: Lease | undefined;
  timers: NodeJS.Timeout[];
  /** The app's secret values this machine booted with (never shown by the API). */
  bootSecrets: Record<string, string>;
}

/** A volume as the API shows it (superfly/fly-go volume_types.go). */
export interface VolumeSnapshot {
  id: string;
  name: string;
  state: string;
  size_gb: number;
  region: string;
  zone: string;
  encrypted: boolean;
  attached_machine_id: string | null;
  attached_alloc_id: string | null;
  created_at: string;
  host_dedication_id: string;
  snapshot_retention: number;
  auto_backup_enabled: boolean;
}

export interface MachineConfig {
  image: string;
  metadata?: Record<string, string>;
  env?: Record<string, string>;
  guest?: { cpu_kind: string; cpus: number; memory_mb: number };
  services?: unknown[];
  restart?: unknown;
  [key: string]: unknown;
}

export interface IpSnapshot {
  type: string;
  ip: string;
  region: string;
  created_at: string;
  shared: boolean;
  service_name: string;
}

interface SimApp {
  id: string;
  name: string;
  org: string;
  /** Owned by another account: invisible to our tokens, but its name is taken. */
  foreign: boolean;
  ips: IpSnapshot[];
  machines: Map<string, SimMachine>;
  volumes: Map<string, VolumeSnapshot>;
  /** Secret values by name, and the version the last change made. */
  secrets: Map<string, { value: string; digest: string; created_at: string; updated_at: string }>;
  secretsVersion: number;
  /** Auto-destroyed machines, still readable by id (GET, events, wait for destroyed) as on Fly. */
  destroyed: Map<string, SimMachine>;
}

export interface FlySim extends DoubleControls {
  /** Machines of this image stop during boot with an exit event carrying `exitCode`. */
  imageExitsAtBoot(image: string, exitCode: number): void;
  /** Machines of this image stay in `starting`. */
  imageNeverStarts(image: string): void;
  /** Undoes imageExitsAtBoot and imageNeverStarts. */
  imageBootsNormally(image: string): void;
  /** Health check `name` of machines of this image stays critical with `output`. */
  imageCheckFails(image: string, checkName: string, output: string): void;
  /** A one-off machine (auto_destroy) whose command contains `cmdSubstring` exits with `exitCode`. */
  commandExits(cmdSubstring: string, exitCode: number): void;
  volumes(app: string): VolumeSnapshot[];
  /** The app's secret values, as the machines see them. */
  secrets(app: string): Record<string, string>;
  /** The secret values a machine booted with. */
  machineSecrets(app: string, machineId: string): Record<string, string> | undefined;
  apps(): { name: string; org: string; machineCount: number }[];
  machines(app: string): MachineSnapshot[];
  ips(app: string): IpSnapshot[];
  /** Seeds an app directly (no request logged); `foreign` makes it another account's. */
  addApp(name: string, options?: { org?: string; foreign?: boolean }): void;
  /** Seeds a started machine directly, e.g. one this action did not create. */
  addMachine(app: string, options: { name: string; image: string; metadata?: Record<string, string> }): MachineSnapshot;
  /**
   * Seeds an app with one started machine carrying `metadata`, created `createdAt` (ISO), in one
   * call: how a test lays out hundreds of previews quickly.
   */
  seedPreview(app: string, options: { metadata: Record<string, string>; createdAt?: string; org?: string }): MachineSnapshot;
  /** Another client (a running deploy) takes the machine's lease for `ttlSeconds`. */
  holdLease(app: string, machineId: string, ttlSeconds: number): void;
  close(): Promise<void>;
}

const appNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const waitStates = new Set(['started', 'stopped', 'suspended', 'destroyed']);
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Time-ordered, 26 characters, like Fly's ULID instance ids. */
function ulid(): string {
  let time = Date.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = crockford[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const tail = Array.from(randomBytes(16), (b) => crockford[b % 32]).join('');
  return head + tail;
}

/** Fly reports times to the second, so two machines made in the same second tie on created_at. */
const isoSeconds = (ms = Date.now()): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const emptyStores = (): Pick<SimApp, 'volumes' | 'secrets' | 'secretsVersion' | 'destroyed'> => ({
  volumes: new Map(),
  secrets: new Map(),
  secretsVersion: 0,
  destroyed: new Map(),
});

export async function startFlySim(options: FlySimOptions = {}): Promise<FlySim> {
  const tokens = new Set(options.tokens ?? ['test-token']);
  const orgs = new Set(['personal', ...(options.orgs ?? [])]);
  const bootMs = options.bootMs ?? 150;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const apps = new Map<string, SimApp>();
  const exitsAtBoot = new Map<string, number>();
  const neverStarts = new Set<string>();
  const failingChecks = new Map<string, Map<string, string>>();
  const commandExitCodes = new Map<string, number>();
  /** Called on every machine change so blocked waits can look again. */
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) listener();
  };

  function event(m: SimMachine, type: string, status: string, extra: Partial<MachineEvent> = {}): void {
    m.events.unshift({ id: ulid(), type, status, source: type === 'exit' ? 'flyd' : 'user', timestamp: Date.now(), ...extra });
  }

  function setState(m: SimMachine, state: string): void {
    m.state = state;
    m.updated_at = isoSeconds();
    changed();
  }

  function clearTimers(m: SimMachine): void {
    for (const timer of m.timers) clearTimeout(timer);
    m.timers = [];
  }

  function later(m: SimMachine, ms: number, step: () => void): void {
    m.timers.push(setTimeout(step, ms));
  }

  /** created/replacing → starting → started (or stopped with an exit, or stuck in starting). */
  function boot(m: SimMachine): void {
    clearTimers(m);
    const instance = m.instance_id;
    later(m, Math.round(bootMs / 3), () => {
      if (m.instance_id !== instance) return;
      setState(m, 'starting');
      event(m, 'start', 'starting');
      if (neverStarts.has(m.config.image)) return;
      later(m, bootMs - Math.round(bootMs / 3), () => {
        if (m.instance_id !== instance) return;
        const exitCode = exitsAtBoot.get(m.config.image);
        if (exitCode === undefined) {
          event(m, 'start', 'started');
          setState(m, 'started');
          afterStarted(m, instance);
          return;
        }
        event(m, 'exit', 'stopped', {
          request: { exit_event: { exit_code: exitCode, oom_killed: false, exited_at: new Date().toISOString() } },
        });
        setState(m, 'stopped');
      });
    });
  }

  /** Service checks are named by Fly as servicecheck-<index>-<type>-<port>; top-level ones by their key. */
  function checkNames(config: MachineConfig): string[] {
    const names = Object.keys((config['checks'] as Record<string, unknown> | undefined) ?? {});
    const services = (config.services ?? []) as { internal_port?: number; checks?: { type?: string }[] }[];
    for (const service of services) {
      for (const [i, check] of (service.checks ?? []).entries()) {
        names.push(`servicecheck-${String(i).padStart(2, '0')}-${check.type ?? 'tcp'}-${service.internal_port ?? 0}`);
      }
    }
    return names;
  }

  /**
   * After `started`: checks begin critical and pass one boot period later, unless the image is
   * marked to fail one; a one-off machine (auto_destroy) runs its command, exits and is destroyed.
   */
  function afterStarted(m: SimMachine, instance: string): void {
    const names = checkNames(m.config);
    if (names.length > 0) {
      const now = new Date().toISOString();
      m.checks = names.map((name) => ({ name, status: 'critical', output: '', updated_at: now }));
      later(m, bootMs, () => {
        if (m.instance_id !== instance) return;
        const failing = failingChecks.get(m.config.image);
        const at = new Date().toISOString();
        m.checks = names.map((name) => {
          const output = failing?.get(name);
          return output === undefined
            ? { name, status: 'passing', output: 'success', updated_at: at }
            : { name, status: 'critical', output, updated_at: at };
        });
        changed();
      });
    }
    if (m.config['auto_destroy'] === true) {
      const cmd = (((m.config['init'] as { cmd?: string[] } | undefined)?.cmd) ?? []).join(' ');
      const code = [...commandExitCodes].find(([part]) => cmd.includes(part))?.[1] ?? 0;
      later(m, bootMs, () => {
        if (m.instance_id !== instance) return;
        event(m, 'exit', 'stopped', {
          request: { exit_event: { exit_code: code, oom_killed: false, exited_at: new Date().toISOString() } },
        });
        setState(m, 'stopped');
        later(m, Math.round(bootMs / 3), () => {
          const a = [...apps.values()].find((x) => x.machines.get(m.id) === m);
          if (a === undefined) return;
          event(m, 'destroy', 'destroyed');
          a.destroyed.set(m.id, m);
          removeMachine(a, m);
        });
      });
    }
  }

  function volumeJson(v: VolumeSnapshot): VolumeSnapshot {
    return structuredClone(v);
  }

  /** Mounts name volumes by id; each must exist in the machine's region and be free (or already this machine's). */
  function attachVolumes(a: SimApp, machineId: string, region: string, config: MachineConfig): void {
    const mounts = (config['mounts'] as { volume?: string; path?: string }[] | undefined) ?? [];
    for (const mount of mounts) {
      if (typeof mount.volume !== 'string' || mount.volume === '') throw bad(400, 'mounts[].volume is required');
      if (typeof mount.path !== 'string' || !mount.path.startsWith('/')) throw bad(400, 'mounts[].path must be an absolute path');
      const v = a.volumes.get(mount.volume);
      if (v === undefined || v.state !== 'created') throw bad(404, `volume not found: ${mount.volume}`);
      if (v.region !== region) throw bad(400, `volume ${v.id} is in ${v.region}, the machine in ${region}`);
      if (v.attached_machine_id !== null && v.attached_machine_id !== machineId) {
        throw bad(409, `volume ${v.id} is already attached to machine ${v.attached_machine_id}`);
      }
    }
    for (const v of a.volumes.values()) if (v.attached_machine_id === machineId) v.attached_machine_id = null;
    for (const mount of mounts) (a.volumes.get(mount.volume as string) as VolumeSnapshot).attached_machine_id = machineId;
  }

  function secretsFor(a: SimApp, body: Record<string, unknown>): Record<string, string> {
    const min = body['min_secrets_version'];
    if (min !== undefined && (typeof min !== 'number' || !Number.isInteger(min) || min < 0)) throw bad(400, 'min_secrets_version must be a whole number');
    if (typeof min === 'number' && min > a.secretsVersion) {
      throw bad(422, `min_secrets_version ${min} is newer than the app's secrets (version ${a.secretsVersion})`);
    }
    return Object.fromEntries([...a.secrets].map(([k, v]) => [k, v.value]));
  }

  function newMachine(fields: Pick<SimMachine, 'name' | 'region' | 'state' | 'config'>): SimMachine {
    const now = isoSeconds();
    return {
      ...fields,
      id: hex(7),
      instance_id: ulid(),
      private_ip: `fdaa:0:${hex(2)}:a7b:${hex(2)}:${hex(2)}:${hex(2)}:2`,
      created_at: now,
      updated_at: now,
      events: [],
      lease: undefined,
      timers: [],
      bootSecrets: {},
    };
  }

  function snapshot(m: SimMachine): MachineSnapshot {
    const { lease: _lease, timers: _timers, bootSecrets: _secrets, ...rest } = m;
    return structuredClone(rest);
  }

  function appJson(a: SimApp) {
    return {
      id: a.id,
      name: a.name,
      status: a.machines.size > 0 ? 'deployed' : 'pending',
      organization: { name: a.org, slug: a.org },
      machine_count: a.machines.size,
      network: 'default',
    };
  }

  function findApp(name: string): SimApp {
    const a = apps.get(name);
    if (a === undefined || a.foreign) throw bad(404, `Could not find App "${name}"`);
    return a;
  }

  function findMachine(a: SimApp, id: string): SimMachine {
    const m = a.machines.get(id);
    if (m === undefined) throw bad(404, `machine not found: ${id}`);
    return m;
  }

  function activeLease(m: SimMachine): Lease | undefined {
    if (m.lease !== undefined && m.lease.expiresAt <= Date.now()) m.lease = undefined;
    return m.lease;
  }

  /** A mutating call on a leased machine needs the holder's nonce. */
  function checkLease(m: SimMachine, req: ParsedRequest): void {
    const lease = activeLease(m);
    if (lease !== undefined && req.headers['fly-machine-lease-nonce'] !== lease.nonce) {
      throw bad(409, `machine lease held by another client (${lease.owner}); pass fly-machine-lease-nonce`);
    }
  }

  function validateConfig(config: unknown): MachineConfig {
    if (typeof config !== 'object' || config === null) throw bad(400, 'config is required');
    const c = config as MachineConfig;
    if (typeof c.image !== 'string' || c.image === '') throw bad(400, 'config.image is required');
    if (c.guest !== undefined) {
      const { cpus, memory_mb, cpu_kind } = c.guest;
      if (!['shared', 'performance'].includes(cpu_kind)) throw bad(400, `invalid cpu_kind "${String(cpu_kind)}"`);
      if (!Number.isInteger(cpus) || cpus < 1) throw bad(400, 'guest.cpus must be a positive integer');
      if (!Number.isInteger(memory_mb) || memory_mb % 256 !== 0) throw bad(400, 'guest.memory_mb must be a multiple of 256');
    }
    for (const [key, value] of Object.entries(c.metadata ?? {})) {
      if (typeof value !== 'string') throw bad(400, `metadata.${key} must be a string`);
    }
    return structuredClone(c);
  }

  function removeMachine(a: SimApp, m: SimMachine): void {
    clearTimers(m);
    a.machines.delete(m.id);
    for (const v of a.volumes.values()) if (v.attached_machine_id === m.id) v.attached_machine_id = null;
    setState(m, 'destroyed');
  }

  async function wait(a: SimApp, m: SimMachine, req: ParsedRequest): Promise<Reply> {
    const state = req.query.get('state') ?? 'started';
    if (!waitStates.has(state)) throw bad(400, `invalid state "${state}"; one of started, stopped, suspended, destroyed`);
    const timeoutText = req.query.get('timeout') ?? '60';
    const timeout = Number(timeoutText);
    if (!/^\d+$/.test(timeoutText) || timeout < 1 || timeout > 300) throw bad(400, 'timeout must be between 1 and 300 seconds');
    const instance = req.query.get('instance_id') ?? req.query.get('version') ?? undefined;
    const verdict = (): Reply | undefined => {
      if (!a.machines.has(m.id)) return state === 'destroyed' ? { status: 200, body: { ok: true } } : { status: 404, body: { error: `machine not found: ${m.id}` } };
      if (instance !== undefined && instance !== m.instance_id) {
        return { status: 400, body: { error: `machine ${m.id} instance ${instance} was replaced by ${m.instance_id}` } };
      }
      return m.state === state ? { status: 200, body: { ok: true } } : undefined;
    };
    const now = verdict();
    if (now !== undefined) return now;
    return new Promise<Reply>((resolve) => {
      const finish = (reply: Reply): void => {
        listeners.delete(check);
        clearTimeout(timer);
        req.signal.removeEventListener('abort', onAbort);
        resolve(reply);
      };
      const check = (): void => {
        const reply = verdict();
        if (reply !== undefined) finish(reply);
      };
      const onAbort = (): void => finish({ status: 499 });
      const timer = setTimeout(
        () => finish({ status: 408, body: { error: `deadline_exceeded: timeout waiting for machine to be ${state}` } }),
        Math.min(timeout * 1000, maxWaitMs),
      );
      listeners.add(check);
      req.signal.addEventListener('abort', onAbort);
    });
  }

  async function route(req: ParsedRequest): Promise<Reply> {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (token === undefined || !tokens.has(token)) return { status: 401, body: { error: 'unauthorized' } };

    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1' || parts[1] !== 'apps') throw bad(404, `no route for ${req.method} ${req.path}`);
    const [, , appName, collection, id, action, key] = parts;
    const method = req.method;
    const body = (req.body ?? {}) as Record<string, unknown>;

    if (appName === undefined) {
      if (method === 'GET') {
        const org = req.query.get('org_slug');
        if (org === null || org === '') throw bad(400, 'org_slug is required');
        const list = [...apps.values()].filter((a) => !a.foreign && a.org === org).map(appJson);
        return { status: 200, body: { total_apps: list.length, apps: list } };
      }
      if (method === 'POST') {
        const name = body['app_name'];
        const org = (body['org_slug'] as string | undefined) ?? 'personal';
        if (typeof name !== 'string' || !appNamePattern.test(name)) {
          throw bad(400, 'Name under 63 chars using numbers, lowercase letters and dashes');
        }
        if (!orgs.has(org)) throw bad(404, `Could not find Organization "${org}"`);
        if (apps.has(name)) return { status: 422, body: { error: 'Name has already been taken', status: 'name_taken' } };
        const a: SimApp = { id: hex(8), name, org, foreign: false, ips: [], machines: new Map(), ...emptyStores() };
        apps.set(name, a);
        return { status: 201, body: appJson(a) };
      }
      throw bad(405, 'method not allowed');
    }

    const a = findApp(appName);
    if (collection === undefined) {
      if (method === 'GET') return { status: 200, body: appJson(a) };
      if (method === 'DELETE') {
        const running = [...a.machines.values()].some((m) => m.state === 'started' || m.state === 'starting');
        if (running && req.query.get('force') !== 'true') throw bad(412, 'app has running machines; use force=true');
        for (const m of [...a.machines.values()]) removeMachine(a, m);
        apps.delete(a.name);
        return { status: 202 };
      }
      throw bad(405, 'method not allowed');
    }

    if (collection === 'ip_assignments') {
      if (method === 'GET') return { status: 200, body: { ips: a.ips } };
      if (method === 'POST') {
        const type = String(body["type"] ?? "");
        const ip =
          type === 'v6'
            ? `2a09:8280:1::${hex(2)}:${hex(2)}`
            : type === 'private_v6'
              ? `fdaa:0:${hex(2)}::${hex(2)}`
              : type === 'shared_v4' || type === 'v4'
                ? `66.241.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
                : undefined;
        if (ip === undefined) throw bad(400, 'type must be one of v4, shared_v4, v6, private_v6');
        const assignment: IpSnapshot = { type, ip, region: 'global', created_at: isoSeconds(), shared: type === 'shared_v4', service_name: '' };
        a.ips.push(assignment);
        const { type: _type, ...json } = assignment;
        return { status: 200, body: json };
      }
      throw bad(405, 'method not allowed');
    }

    if (collection === 'volumes') {
      if (id === undefined && method === 'GET') return { status: 200, body: [...a.volumes.values()].map(volumeJson) };
      if (id === undefined && method === 'POST') {
        const name = body['name'];
        if (typeof name !== 'string' || !/^[a-z0-9_]{1,30}$/.test(name)) throw bad(400, 'name must be 1 to 30 lowercase letters, digits and underscores');
        const region = body['region'];
        if (typeof region !== 'string' || !/^[a-z]{3}$/.test(region)) throw bad(400, 'region is required');
        const size = body['size_gb'] ?? 1;
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 500) throw bad(400, 'size_gb must be from 1 to 500');
        const v: VolumeSnapshot = {
          id: `vol_${hex(8)}`,
          name,
          state: 'created',
          size_gb: size,
          region,
          zone: hex(2),
          encrypted: body['encrypted'] !== false,
          attached_machine_id: null,
          attached_alloc_id: null,
          created_at: isoSeconds(),
          host_dedication_id: '',
          snapshot_retention: typeof body['snapshot_retention'] === 'number' ? body['snapshot_retention'] : 5,
          auto_backup_enabled: body['auto_backup_enabled'] !== false,
        };
        a.volumes.set(v.id, v);
        return { status: 200, body: volumeJson(v) };
      }
      if (id === undefined) throw bad(405, 'method not allowed');
      const v = a.volumes.get(id);
      if (v === undefined || v.state === 'destroyed') throw bad(404, `volume not found: ${id}`);
      if (method === 'GET') return { status: 200, body: volumeJson(v) };
      if (method === 'DELETE') {
        if (v.attached_machine_id !== null) throw bad(412, `volume ${v.id} is attached to machine ${v.attached_machine_id}; destroy the machine first`);
        // Listed as pending_destroy for a moment before it is gone, as the real API does.
        v.state = 'pending_destroy';
        setTimeout(() => {
          v.state = 'destroyed';
          a.volumes.delete(v.id);
        }, bootMs).unref();
        return { status: 200, body: volumeJson(v) };
      }
      throw bad(405, 'method not allowed');
    }

    if (collection === 'secrets') {
      const list = () => [...a.secrets].map(([name, x]) => ({ name, digest: x.digest, created_at: x.created_at, updated_at: x.updated_at }));
      if (id === undefined && method === 'GET') return { status: 200, body: { secrets: list() } };
      if (id === undefined && method === 'POST') {
        const values = body['values'];
        if (typeof values !== 'object' || values === null || Array.isArray(values)) throw bad(400, 'values is required');
        const entries = Object.entries(values as Record<string, unknown>);
        for (const [name, value] of entries) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad(400, `invalid secret name: ${name}`);
          if (value !== null && typeof value !== 'string') throw bad(400, `secret ${name}: value must be a string or null`);
        }
        const now = isoSeconds();
        for (const [name, value] of entries) {
          if (value === null) a.secrets.delete(name);
          else {
            const digest = createHash('sha256').update(value as string).digest('hex').slice(0, 16);
            a.secrets.set(name, { value: value as string, digest, created_at: a.secrets.get(name)?.created_at ?? now, updated_at: now });
          }
        }
        a.secretsVersion += 1;
        return { status: 200, body: { secrets: list(), version: a.secretsVersion } };
      }
      throw bad(405, 'method not allowed');
    }

    if (collection !== 'machines') throw bad(404, `no route for ${method} ${req.path}`);
    if (id === undefined) {
      if (method === 'GET') {
        // `metadata.<key>=<value>` keeps only machines whose metadata has that value, as the
        // Machines API's list filter does (see FLY_API.md).
        const filters = [...req.query].filter(([key]) => key.startsWith('metadata.')).map(([key, value]) => [key.slice('metadata.'.length), value] as const);
        const listed = [...a.machines.values()].filter((m) => filters.every(([key, value]) => m.config.metadata?.[key] === value));
        return { status: 200, body: listed.map(snapshot) };
      }
      if (method === 'POST') {
        const config = validateConfig(body['config']);
        const region = typeof body['region'] === 'string' ? body['region'] : 'iad';
        if (!/^[a-z]{3}$/.test(region)) throw bad(400, `unknown region "${region}"`);
        const bootSecrets = secretsFor(a, body);
        const m = newMachine({
          name: typeof body['name'] === 'string' && body['name'] !== '' ? body['name'] : `machine-${hex(3)}`,
          region,
          state: 'created',
          config,
        });
        attachVolumes(a, m.id, region, config);
        m.bootSecrets = bootSecrets;
        a.machines.set(m.id, m);
        event(m, 'launch', 'created');
        if (body['skip_launch'] !== true) boot(m);
        changed();
        return { status: 200, body: snapshot(m) };
      }
      throw bad(405, 'method not allowed');
    }

    // A destroyed machine stays readable for a while (its state, events, a wait for `destroyed`).
    const gone = method === 'GET' ? a.destroyed.get(id) : undefined;
    const m = gone ?? findMachine(a, id);
    switch (`${method} ${action ?? ''}`) {
      case 'GET ':
        return { status: 200, body: snapshot(m) };
      case 'POST ': {
        checkLease(m, req);
        const config = validateConfig(body['config']);
        if (typeof body['region'] === 'string' && body['region'] !== m.region) throw bad(400, 'a machine cannot change region');
        const bootSecrets = secretsFor(a, body);
        attachVolumes(a, m.id, m.region, config);
        m.config = config;
        m.bootSecrets = bootSecrets;
        delete m.checks;
        clearTimers(m);
        m.instance_id = ulid();
        event(m, 'update', 'replacing');
        setState(m, 'replacing');
        boot(m);
        return { status: 200, body: snapshot(m) };
      }
      case 'DELETE ': {
        if (req.query.get('force') !== 'true') {
          checkLease(m, req);
          if (m.state === 'started') throw bad(412, 'machine is started; stop it first or use force=true');
        }
        event(m, 'destroy', 'destroying');
        removeMachine(a, m);
        return { status: 200, body: { ok: true } };
      }
      case 'POST start':
        checkLease(m, req);
        if (m.state === 'started') return { status: 200, body: { ok: true } };
        boot(m);
        return { status: 200, body: { previous_state: m.state, migrated: false, new_host: '' } };
      case 'POST stop':
        checkLease(m, req);
        clearTimers(m);
        event(m, 'stop', 'stopping');
        setState(m, 'stopping');
        later(m, Math.round(bootMs / 3), () => setState(m, 'stopped'));
        return { status: 200, body: { ok: true } };
      case 'GET events':
        return { status: 200, body: structuredClone(m.events) };
      case 'GET wait':
        return wait(a, m, req);
      case 'GET lease': {
        const lease = activeLease(m);
        // flyctl's `machine leases` recognises "no lease" by this text (internal/command/machine/leases.go).
        if (lease === undefined) throw bad(404, 'lease not found');
        return { status: 200, body: { status: 'success', data: leaseJson(lease) } };
      }
      case 'POST lease': {
        const held = activeLease(m);
        if (held !== undefined && req.headers['fly-machine-lease-nonce'] !== held.nonce) {
          return { status: 409, body: { error: `lease currently held by ${held.owner}, expires at ${held.expiresAt}` } };
        }
        const ttl = typeof body['ttl'] === 'number' ? body['ttl'] : 30;
        const lease: Lease = {
          nonce: hex(6),
          expiresAt: Date.now() + ttl * 1000,
          owner: 'fly-preview-test@example.com',
          description: typeof body['description'] === 'string' ? body['description'] : '',
          version: m.instance_id,
        };
        m.lease = lease;
        return { status: 200, body: { status: 'success', data: leaseJson(lease) } };
      }
      case 'DELETE lease': {
        const held = activeLease(m);
        if (held === undefined) return { status: 200, body: { ok: true } };
        if (req.headers['fly-machine-lease-nonce'] !== held.nonce) throw bad(409, 'lease nonce does not match');
        m.lease = undefined;
        return { status: 200, body: { ok: true } };
      }
      case 'GET metadata': {
        if (key === undefined) return { status: 200, body: m.config.metadata ?? {} };
        const value = m.config.metadata?.[key];
        if (value === undefined) throw bad(404, `metadata key not found: ${key}`);
        return { status: 200, body: value };
      }
      case 'POST metadata': {
        checkLease(m, req);
        if (key === undefined || typeof body['value'] !== 'string') throw bad(400, 'value must be a string');
        m.config.metadata = { ...m.config.metadata, [key]: body['value'] };
        return { status: 204 };
      }
      case 'DELETE metadata': {
        checkLease(m, req);
        if (key !== undefined && m.config.metadata !== undefined) delete m.config.metadata[key];
        return { status: 204 };
      }
      default:
        throw bad(404, `no route for ${method} ${req.path}`);
    }
  }

  const leaseJson = (lease: Lease) => ({
    nonce: lease.nonce,
    expires_at: Math.floor(lease.expiresAt / 1000),
    owner: lease.owner,
    description: lease.description,
    version: lease.version,
  });

  const server = new HttpDouble(route);
  await server.listen();

  return {
    ...server.controls(),
    imageExitsAtBoot: (image, exitCode) => void exitsAtBoot.set(image, exitCode),
    imageNeverStarts: (image) => void neverStarts.add(image),
    imageBootsNormally(image) {
      exitsAtBoot.delete(image);
      neverStarts.delete(image);
      failingChecks.delete(image);
    },
    imageCheckFails(image, checkName, output) {
      const checks = failingChecks.get(image) ?? new Map<string, string>();
      checks.set(checkName, output);
      failingChecks.set(image, checks);
    },
    commandExits: (cmdSubstring, exitCode) => void commandExitCodes.set(cmdSubstring, exitCode),
    volumes: (app) => [...(apps.get(app)?.volumes.values() ?? [])].map(volumeJson),
    secrets: (app) => Object.fromEntries([...(apps.get(app)?.secrets ?? [])].map(([k, v]) => [k, v.value])),
    machineSecrets: (app, machineId) => {
      const a = apps.get(app);
      const m = a?.machines.get(machineId) ?? a?.destroyed.get(machineId);
      return m === undefined ? undefined : { ...m.bootSecrets };
    },
    apps: () => [...apps.values()].filter((a) => !a.foreign).map((a) => ({ name: a.name, org: a.org, machineCount: a.machines.size })),
    machines: (app) => [...(apps.get(app)?.machines.values() ?? [])].map(snapshot),
    ips: (app) => structuredClone(apps.get(app)?.ips ?? []),
    addApp(name, opts = {}) {
      apps.set(name, { id: hex(8), name, org: opts.org ?? 'personal', foreign: opts.foreign ?? false, ips: [], machines: new Map(), ...emptyStores() });
    },
    addMachine(app, opts) {
      const a = apps.get(app);
      if (a === undefined) throw new Error(`no app ${app}`);
      const m = newMachine({ name: opts.name, region: 'iad', state: 'started', config: { image: opts.image, metadata: opts.metadata ?? {} } });
      a.machines.set(m.id, m);
      return snapshot(m);
    },
    seedPreview(app, opts) {
      const a: SimApp = { id: hex(8), name: app, org: opts.org ?? 'personal', foreign: false, ips: [], machines: new Map(), ...emptyStores() };
      apps.set(app, a);
      const m = newMachine({ name: `machine-${hex(3)}`, region: 'iad', state: 'started', config: { image: 'registry.fly.io/seeded:1', metadata: { ...opts.metadata } } });
      if (opts.createdAt !== undefined) m.created_at = m.updated_at = opts.createdAt;
      a.machines.set(m.id, m);
      return snapshot(m);
    },
    holdLease(app, machineId, ttlSeconds) {
      const m = apps.get(app)?.machines.get(machineId);
      if (m === undefined) throw new Error(`no machine ${machineId} in ${app}`);
      m.lease = { nonce: hex(6), expiresAt: Date.now() + ttlSeconds * 1000, owner: 'another-deploy@example.com', description: 'fly-preview deploy', version: m.instance_id };
    },
    async close() {
      for (const a of apps.values()) for (const m of [...a.machines.values(), ...a.destroyed.values()]) clearTimers(m);
      listeners.clear();
      await server.close();
    },
  };
}
