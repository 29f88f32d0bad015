// A local double of the Fly Machines API as fly-go and flyctl meet it (test/sim/FLY_API.md cites the
// source of each behaviour): apps that become visible late unless created with ?wait=true (or read
// with the creator's affinity cookie), public IPs, machines that boot on a timer through created →
// starting → started (or `failed`), crash after `started` and are restarted by their restart
// policy, a multi-state `wait` that really blocks (≤ 60 s), leases (201), `FlyV1`/`Bearer` auth,
// a fly-request-id on every answer, the fault injection of http-double.ts; volumes attached through config.mounts, app secrets with
// versions, machine health checks, one-off machines that run a command, exit and destroy themselves,
// and the org-wide machine listing in pages. Every request and answer is held against Fly's own API
// description (test/sim/SPEC_CHECK.md); answers have the shape of the recorded real ones.
import { createHash, randomBytes } from 'node:crypto';
import { bad, HttpDouble, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';
import { specCheck } from './spec-check.ts';

export type { RequestRecord } from './http-double.ts';

export interface FlySimOptions {
  /** Tokens as a user would paste them (`FlyV1 fm2_…,fm2_…`, or a plain token). */
  tokens?: string[];
  orgs?: string[];
  /** How long a machine takes from launch to `started`. */
  bootMs?: number;
  /** How long a suspended machine takes to resume from its snapshot (default: a fifth of bootMs). */
  resumeMs?: number;
  /** The longest any wait lasts (the real API refuses timeouts over 60 s); tests shorten it. */
  maxWaitMs?: number;
  /**
   * How long a new app stays invisible (404 on the app, 401 on calls under it) to a client that
   * neither created it with ?wait=true nor presents the creator's affinity cookie.
   */
  appLagMs?: number;
}

export interface CrashAfterStart {
  /** How long the process runs after each start before it exits. */
  afterMs: number;
  exitCode: number;
  /** How many runs crash (default: every run); the restart policy decides whether flyd restarts it. */
  times?: number;
}

interface MachineEvent {
  id: string;
  type: string;
  status: string;
  source: string;
  timestamp: number;
  request?: {
    exit_event?: { exit_code: number; oom_killed: boolean; requested_stop: boolean; restarting: boolean; exited_at: string };
    restart_count?: number;
    /** Where this simulator puts why a launch failed; see FLY_API.md. */
    error?: string;
  };
}

interface Lease {
  nonce: string;
  expiresAt: number;
  owner: string;
  version: string;
}

/** The image a machine runs, as the API resolves it (description `ImageRef`). */
export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  labels: Record<string, string> | null;
}

/** A machine as the API shows it: the fields and JSON types of test/fixtures/fly-real/machine-create-2024-09-04.json. */
export interface MachineSnapshot {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  private_ip: string;
  config: MachineConfig;
  incomplete_config: null;
  image_ref: ImageRef;
  created_at: string;
  updated_at: string;
  events: MachineEvent[];
  host_status: 'ok' | 'unknown' | 'unreachable';
}

/** A health check's state on a machine (fly-go MachineCheckStatus). */
export interface CheckStatus {
  name: string;
  status: 'passing' | 'warning' | 'critical';
  output: string;
  updated_at: string;
}

/** What the simulator keeps beside it: the lease, the boot timers, restarts and when it shows up. */
interface SimMachine extends MachineSnapshot {
  checks?: CheckStatus[];
  lease: Lease | undefined;
  timers: NodeJS.Timeout[];
  /** The app's secret values this machine booted with (never shown by the API). */
  bootSecrets: Record<string, string>;
  restartCount: number;
  crashes: number;
  /** Until then a GET or wait on it answers 404 (flyctl #4618). */
  visibleAt: number;
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
  snapshot_retention: number;
  auto_backup_enabled: boolean;
  blocks: number;
  block_size: number;
  blocks_free: number;
  blocks_avail: number;
  bytes_used: number;
  bytes_total: number;
  fstype: string;
  host_status: 'ok' | 'unknown' | 'unreachable';
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
  /** Owned by another account: 403 to our tokens, and its name is taken. */
  foreign: boolean;
  /** Until then clients without the creator's cookie do not see it. */
  visibleAt: number;
  affinity: string;
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
  /** Machines of this image reach `started`, then exit; flyd restarts them as their restart policy says. */
  imageCrashesAfterStart(image: string, crash: CrashAfterStart): void;
  /** Machines of this image end in `failed` (not pullable, no capacity), with `message` in the event. */
  imageFails(image: string, message: string): void;
  /** Undoes the image controls above. */
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
  /** Creating a machine in this region answers 5xx `insufficient_capacity`. */
  noCapacityIn(region: string): void;
  /** The next `count` apps created stay invisible for `ms`, even with ?wait=true and the cookie (flyctl #3112). */
  delayAppVisibility(ms: number, count?: number): void;
  /** The next `count` machines created or updated answer 404 to GET and wait for `ms` (flyctl #4618). */
  delayMachineVisibility(ms: number, count?: number): void;
  apps(): { name: string; org: string; machineCount: number }[];
  machines(app: string): MachineSnapshot[];
  ips(app: string): IpSnapshot[];
  /** Seeds an app directly (no request logged); `foreign` makes it another account's. */
  addApp(name: string, options?: { org?: string; foreign?: boolean }): void;
  /** Seeds a started machine directly, e.g. one this action did not create. */
  addMachine(app: string, options: { name: string; image: string; region?: string; metadata?: Record<string, string> }): MachineSnapshot;
  /**
   * Seeds an app with one started machine carrying `metadata`, created `createdAt` (ISO), in one
   * call: how a test lays out hundreds of previews quickly.
   */
  seedPreview(app: string, options: { metadata: Record<string, string>; createdAt?: string; org?: string }): MachineSnapshot;
  /** Another client (a running deploy) takes the machine's lease for `ttlSeconds`. */
  holdLease(app: string, machineId: string, ttlSeconds: number): void;
  /**
   * How `GET /v1/orgs/{org}/machines` answers: 200 (the default), or 404 / 405 as an API without the
   * endpoint would; `pageCap` makes its pages shorter than `limit`, which the description allows.
   */
  orgMachines(answer: { status?: 200 | 404 | 405; pageCap?: number }): void;
  /**
   * fly-proxy's autostop on an idle machine: it stops (`stop`) or suspends (`suspend`), keeping its
   * instance. With `settleMs` it is caught on the way down: `stopping` / `suspending` for that long.
   */
  idle(app: string, machineId: string, how: 'stop' | 'suspend', options?: { settleMs?: number }): void;
  /** The machine ends in `failed` (its host lost it, say), with `message` in a `launch`/`failed` event from flyd. */
  machineFails(app: string, machineId: string, message: string): void;
  close(): Promise<void>;
}

const appNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const waitStates = new Set(['started', 'stopped', 'suspended', 'destroyed', 'failed']);
/** fly-go tokens/tokens.go: a macaroon is told by the text before its first `_`. */
const isMacaroon = (piece: string): boolean => ['fm1r', 'fm1a', 'fm2'].includes(piece.split('_', 1)[0] ?? '');

/** What a token becomes on the wire, scheme and all, as fly-go's FlapsHeader makes it. */
function credential(token: string): string {
  let rest = token.trim();
  for (let m = /^(bearer|flyv1)\s+(.*)$/is.exec(rest); m !== null; m = /^(bearer|flyv1)\s+(.*)$/is.exec(rest)) rest = (m[2] ?? '').trim();
  const pieces = rest.split(',').map((p) => p.trim()).filter(Boolean);
  const macaroons = pieces.filter(isMacaroon);
  return macaroons.length > 0 ? macaroons.join(',') : pieces.join(',');
}
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
  const tokens = new Set((options.tokens ?? ['test-token']).map(credential));
  const orgs = new Set(['personal', ...(options.orgs ?? [])]);
  const bootMs = options.bootMs ?? 150;
  const resumeMs = options.resumeMs ?? Math.round(bootMs / 5);
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const appLagMs = options.appLagMs ?? 1_000;
  const apps = new Map<string, SimApp>();
  const exitsAtBoot = new Map<string, number>();
  const neverStarts = new Set<string>();
  const failingChecks = new Map<string, Map<string, string>>();
  const commandExitCodes = new Map<string, number>();
  const crashesAfterStart = new Map<string, CrashAfterStart>();
  const failsToLaunch = new Map<string, string>();
  const fullRegions = new Set<string>();
  let appDelays: { ms: number; count: number } = { ms: 0, count: 0 };
  let orgListing: { status: 200 | 404 | 405; pageCap: number } = { status: 200, pageCap: Number.POSITIVE_INFINITY };
  let machineDelays: { ms: number; count: number } = { ms: 0, count: 0 };
  /** Called on every machine change so blocked waits can look again. */
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) listener();
  };

  /**
   * What flyd does itself (a start completing, an exit, a failed launch) comes from `flyd`; what a
   * client asked for from `user` (test/fixtures/fly-real/README.md: start/starting by the user,
   * then start/started by flyd; stop/stopping by the user, then exit/stopped by flyd).
   */
  function event(m: SimMachine, type: string, status: string, extra: Partial<MachineEvent> = {}): void {
    const byFlyd = type === 'exit' || status === 'failed' || (type === 'start' && status === 'started') || type === 'restart';
    m.events.unshift({ id: ulid(), type, status, source: byFlyd ? 'flyd' : 'user', timestamp: Date.now(), ...extra });
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

  /** Whether flyd restarts after this exit: the machine's restart policy (fly-go machine_types.go MachineRestart). */
  function restarts(m: SimMachine, exitCode: number): boolean {
    const restart = (m.config.restart ?? {}) as { policy?: string; max_retries?: number };
    const policy = restart.policy ?? 'on-failure';
    if (policy === 'no') return false;
    if (policy === 'always') return true;
    return exitCode !== 0 && m.restartCount < (restart.max_retries ?? 10);
  }

  /** A started process that exits after a while; flyd restarts it or leaves it stopped. */
  function runProcess(m: SimMachine, instance: string): void {
    const crash = crashesAfterStart.get(m.config.image);
    if (crash === undefined || m.crashes >= (crash.times ?? Number.POSITIVE_INFINITY)) return;
    later(m, crash.afterMs, () => {
      if (m.instance_id !== instance || m.state !== 'started') return;
      m.crashes++;
      const restarting = restarts(m, crash.exitCode);
      if (restarting) m.restartCount++;
      event(m, 'exit', restarting ? 'restarting' : 'stopped', {
        request: {
          exit_event: { exit_code: crash.exitCode, oom_killed: false, requested_stop: false, restarting, exited_at: new Date().toISOString() },
          restart_count: m.restartCount,
        },
      });
      if (!restarting) {
        setState(m, 'stopped');
        return;
      }
      // A restart by policy keeps the instance: the machine goes back through starting.
      setState(m, 'starting');
      later(m, bootMs, () => {
        if (m.instance_id !== instance) return;
        event(m, 'start', 'started');
        setState(m, 'started');
        runProcess(m, instance);
      });
    });
  }

  /** created/replacing → starting → started (or stopped with an exit, failed, or stuck in starting). */
  function boot(m: SimMachine): void {
    clearTimers(m);
    m.crashes = 0;
    m.restartCount = 0;
    const instance = m.instance_id;
    const failure = failsToLaunch.get(m.config.image);
    later(m, Math.round(bootMs / 3), () => {
      if (m.instance_id !== instance) return;
      if (failure !== undefined) {
        event(m, 'launch', 'failed', { request: { error: failure } });
        setState(m, 'failed');
        return;
      }
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
          runProcess(m, instance);
          return;
        }
        event(m, 'exit', 'stopped', {
          request: {
            exit_event: { exit_code: exitCode, oom_killed: false, requested_stop: false, restarting: false, exited_at: new Date().toISOString() },
          },
        });
        setState(m, 'stopped');
      });
    });
  }

  /** suspended → starting → started from the snapshot: the same instance, no launch, faster than a boot. */
  function resume(m: SimMachine): void {
    clearTimers(m);
    const instance = m.instance_id;
    event(m, 'start', 'starting');
    setState(m, 'starting');
    later(m, resumeMs, () => {
      if (m.instance_id !== instance) return;
      event(m, 'start', 'started');
      setState(m, 'started');
      runProcess(m, instance);
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
          request: { exit_event: { exit_code: code, oom_killed: false, requested_stop: false, restarting: false, exited_at: new Date().toISOString() } },
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

  function takeMachineDelay(): number {
    if (machineDelays.count <= 0) return 0;
    machineDelays.count--;
    return machineDelays.ms;
  }

  function newMachine(fields: Pick<SimMachine, 'name' | 'region' | 'state' | 'config'>): SimMachine {
    const now = isoSeconds();
    return {
      ...fields,
      config: echoed(fields.config),
      incomplete_config: null,
      image_ref: imageRef(fields.config.image),
      host_status: 'ok',
      id: hex(7),
      instance_id: ulid(),
      private_ip: `fdaa:0:${hex(2)}:a7b:${hex(2)}:${hex(2)}:${hex(2)}:2`,
      created_at: now,
      updated_at: now,
      events: [],
      lease: undefined,
      timers: [],
      bootSecrets: {},
      restartCount: 0,
      crashes: 0,
      visibleAt: 0,
    };
  }

  /**
   * A config as flyd echoes it: `init` always present (`{}` when none was sent) and each service's
   * `force_instance_key` as null (test/fixtures/fly-real/machine-create-2024-09-04.json; fly-go
   * machine_types.go MachineService.ForceInstanceKey is a *string without omitempty).
   */
  function echoed(config: MachineConfig): MachineConfig {
    const services = config.services?.map((s) => ({ force_instance_key: null, ...(s as Record<string, unknown>) }));
    return { ...config, init: config['init'] ?? {}, ...(services === undefined ? {} : { services }) };
  }

  /** Docker Hub images are pulled through Fly's mirror (test/fixtures/fly-real/README.md). */
  function imageRef(image: string): ImageRef {
    const [name = image, tag = 'latest'] = image.split('@')[0]?.split(/:(?=[^/]*$)/) ?? [];
    const first = name.split('/')[0] ?? '';
    const hosted = name.includes('/') && (first.includes('.') || first.includes(':'));
    return {
      registry: hosted ? first : 'docker-hub-mirror.fly.io',
      repository: hosted ? name.slice(first.length + 1) : name.includes('/') ? name : `library/${name}`,
      tag,
      digest: `sha256:${createHash('sha256').update(image).digest('hex')}`,
      labels: null,
    };
  }

  function snapshot(m: SimMachine): MachineSnapshot {
    const { lease: _lease, timers: _timers, bootSecrets: _secrets, restartCount: _restarts, crashes: _crashes, visibleAt: _visibleAt, ...rest } = m;
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

  const affinityCookie = 'fly_flaps_affinity';

  /** Whether this request sees the app yet: after its lag, or at once with the creator's cookie. */
  function sees(a: SimApp, req: ParsedRequest): boolean {
    if (Date.now() >= a.visibleAt) return true;
    const cookies = String(req.headers.cookie ?? '');
    return a.affinity !== '' && cookies.split(/;\s*/).includes(`${affinityCookie}=${a.affinity}`);
  }

  /** `under`: a call on the app's contents, which answers 401 while the app's permissions propagate. */
  function findApp(name: string, req: ParsedRequest, under: boolean): SimApp {
    const a = apps.get(name);
    if (a?.foreign === true) throw bad(403, `Not authorized to access app "${name}"`);
    if (a === undefined) throw bad(404, `Could not find App "${name}"`);
    if (!sees(a, req)) throw under ? bad(401, 'unauthorized') : bad(404, `Could not find App "${name}"`);
    return a;
  }

  function findMachine(a: SimApp, id: string): SimMachine {
    const m = a.machines.get(id);
    if (m === undefined || Date.now() < m.visibleAt) throw bad(404, `machine not found: ${id}`);
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
      const step = cpu_kind === 'performance' ? 1024 : 256;
      if (!Number.isInteger(memory_mb) || memory_mb % step !== 0) throw bad(400, `guest.memory_mb must be a multiple of ${step} for ${cpu_kind} CPUs`);
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
    const states = req.query.getAll('state');
    if (states.length === 0) states.push('started');
    for (const state of states) {
      if (!waitStates.has(state)) throw bad(400, `invalid state "${state}"; one of ${[...waitStates].join(', ')}`);
    }
    const timeoutText = req.query.get('timeout') ?? '60';
    const timeout = Number(timeoutText);
    if (!/^\d+$/.test(timeoutText) || timeout < 1 || timeout > 60) throw bad(400, 'timeout must be between 1 and 60 seconds');
    const instance = req.query.get('version') ?? req.query.get('instance_id') ?? undefined;
    // The real API's answer to a wait for `stopped` that names no instance (test/fixtures/fly-real/README.md).
    if (states.includes('stopped') && instance === undefined) throw bad(400, 'instance_id required when waiting for stopped machine');
    const verdict = (): Reply | undefined => {
      if (!a.machines.has(m.id)) return states.includes('destroyed') ? { status: 200, body: { ok: true } } : { status: 404, body: { error: `machine not found: ${m.id}` } };
      if (instance !== undefined && instance !== m.instance_id) {
        return { status: 400, body: { error: `machine ${m.id} instance ${instance} was replaced by ${m.instance_id}` } };
      }
      return states.includes(m.state) ? { status: 200, body: { ok: true } } : undefined;
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
        () => finish({ status: 408, body: { error: `deadline_exceeded: timeout waiting for machine to be ${states.join(', ')}` } }),
        Math.min(timeout * 1000, maxWaitMs),
      );
      listeners.add(check);
      req.signal.addEventListener('abort', onAbort);
    });
  }

  /** `Authorization: FlyV1 <macaroons>` or `Bearer <token>`; a scheme inside the token is not a token. */
  function authorised(req: ParsedRequest): boolean {
    const match = /^(FlyV1|Bearer) (\S+)$/.exec(req.headers.authorization ?? '');
    return match !== null && tokens.has(match[2] ?? '');
  }

  async function route(req: ParsedRequest): Promise<Reply> {
    // The real API's words for a token it cannot validate (test/fixtures/fly-real/README.md).
    if (!authorised(req)) return { status: 401, body: { error: 'Authenticate: token validation error' } };

    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'v1' && parts[1] === 'orgs' && parts[3] === 'machines' && parts.length === 4) {
      if (req.method !== 'GET') throw bad(405, 'method not allowed');
      return orgMachines(parts[2] ?? '', req);
    }
    if (parts[0] !== 'v1' || parts[1] !== 'apps') throw bad(404, `no route for ${req.method} ${req.path}`);
    const [, , appName, collection, id, action, key] = parts;
    const method = req.method;
    const body = (req.body ?? {}) as Record<string, unknown>;

    if (appName === undefined) {
      if (method === 'GET') {
        const org = req.query.get('org_slug');
        if (org === null || org === '') throw bad(400, 'org_slug is required');
        const list = [...apps.values()].filter((a) => !a.foreign && a.org === org && sees(a, req)).map(appJson);
        return { status: 200, body: { total_apps: list.length, apps: list } };
      }
      if (method === 'POST') {
        // `name`, as the description's CreateAppRequest and fly-go's flaps/flaps_apps.go CreateAppRequest have it.
        const name = body['name'];
        const org = (body['org_slug'] as string | undefined) ?? 'personal';
        if (typeof name !== 'string' || !appNamePattern.test(name)) {
          throw bad(400, 'Name under 63 chars using numbers, lowercase letters and dashes');
        }
        if (!orgs.has(org)) throw bad(404, `Could not find Organization "${org}"`);
        if (apps.has(name)) return { status: 422, body: { error: 'Name has already been taken', status: 'name_taken' } };
        let forced = 0;
        if (appDelays.count > 0) {
          appDelays.count--;
          forced = appDelays.ms;
        }
        const lag = forced > 0 ? forced : req.query.get('wait') === 'true' ? 0 : appLagMs;
        const a: SimApp = {
          id: hex(8),
          name,
          org,
          foreign: false,
          ips: [],
          machines: new Map(),
          visibleAt: Date.now() + lag,
          // A forced lag stands for the cases the cookie does not cover (flyctl #3112).
          affinity: forced > 0 ? '' : hex(4),
          ...emptyStores(),
        };
        apps.set(name, a);
        const cookie: Record<string, string> = a.affinity === '' ? {} : { 'set-cookie': `${affinityCookie}=${a.affinity}; Path=/v1/apps/${name}; HttpOnly` };
        return { status: 201, body: appJson(a), headers: cookie };
      }
      throw bad(405, 'method not allowed');
    }

    const a = findApp(appName, req, collection !== undefined);
    if (collection === undefined) {
      if (method === 'GET') return { status: 200, body: appJson(a) };
      if (method === 'DELETE') {
        // No `force`: neither the description's Apps_delete nor fly-go's DeleteApp has one, and the
        // app goes with its machines, volumes and IPs.
        for (const m of [...a.machines.values()]) removeMachine(a, m);
        apps.delete(a.name);
        return { status: 202 };
      }
      throw bad(405, 'method not allowed');
    }

    if (collection === 'ip_assignments') {
      if (method === 'GET') return { status: 200, body: { ips: a.ips.map(({ type: _type, ...json }) => json) } };
      if (method === 'POST') {
        const type = String(body['type'] ?? '');
        const orgSlug = body['org_slug'];
        if (typeof orgSlug !== 'string' || (orgSlug !== a.org && orgSlug !== 'personal')) {
          throw bad(400, `org_slug must name the app's organization (${a.org})`);
        }
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
          // Milliseconds, unlike a machine's times (test/fixtures/fly-real/volume-create-2025-09-13.json).
          created_at: new Date().toISOString(),
          snapshot_retention: typeof body['snapshot_retention'] === 'number' ? body['snapshot_retention'] : 5,
          auto_backup_enabled: body['auto_backup_enabled'] !== false,
          // A new volume reports empty block counts (the same recording).
          blocks: 0,
          block_size: 0,
          blocks_free: 0,
          blocks_avail: 0,
          bytes_used: 0,
          bytes_total: 0,
          fstype: typeof body['fstype'] === 'string' ? body['fstype'] : 'ext4',
          host_status: 'ok',
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
        const listed = [...a.machines.values()].filter(
          (m) => Date.now() >= m.visibleAt && filters.every(([key, value]) => m.config.metadata?.[key] === value),
        );
        return { status: 200, body: listed.map(snapshot) };
      }
      if (method === 'POST') {
        const config = validateConfig(body['config']);
        const region = typeof body['region'] === 'string' ? body['region'] : 'iad';
        if (!/^[a-z]{3}$/.test(region)) throw bad(400, `unknown region "${region}"`);
        if (fullRegions.has(region)) {
          return {
            status: 503,
            body: { error: `insufficient resources to create new machine in region ${region}`, status: 'insufficient_capacity' },
          };
        }
        const bootSecrets = secretsFor(a, body);
        const named = typeof body['name'] === 'string' && body['name'] !== '' ? body['name'] : undefined;
        const holder = [...a.machines.values()].find((x) => x.name === named);
        if (holder !== undefined) {
          // The real API's text (test/fixtures/fly-real/README.md).
          throw bad(409, `already_exists: unique machine name violation, machine ID ${holder.id} already exists with name "${named}"`);
        }
        const m = newMachine({
          name: named ?? `machine-${hex(3)}`,
          region,
          state: 'created',
          config,
        });
        attachVolumes(a, m.id, region, config);
        m.bootSecrets = bootSecrets;
        m.visibleAt = Date.now() + takeMachineDelay();
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
        // Region is fixed for a machine's life; flyctl sends the machine's own on every update.
        if (typeof body['region'] === 'string' && body['region'] !== m.region) throw bad(400, `a machine cannot change region (it is in ${m.region})`);
        const config = validateConfig(body['config']);
        const bootSecrets = secretsFor(a, body);
        attachVolumes(a, m.id, m.region, config);
        m.config = echoed(config);
        m.image_ref = imageRef(config.image);
        m.bootSecrets = bootSecrets;
        delete m.checks;
        clearTimers(m);
        m.instance_id = ulid();
        m.visibleAt = Date.now() + takeMachineDelay();
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
        // The description declares no body for Machines_delete, start and stop (200, `content: {}`).
        return { status: 200 };
      }
      case 'POST start': {
        checkLease(m, req);
        if (m.state === 'started') return { status: 200, body: { previous_state: 'started' } };
        // fly-go MachineStartResponse; a suspended machine resumes, a stopped one boots again.
        const previous = m.state;
        if (previous === 'suspended') resume(m);
        else boot(m);
        return { status: 200, body: { previous_state: previous } };
      }
      case 'POST stop':
        checkLease(m, req);
        clearTimers(m);
        event(m, 'stop', 'stopping');
        setState(m, 'stopping');
        later(m, Math.round(bootMs / 3), () => {
          event(m, 'exit', 'stopped', {
            request: { exit_event: { exit_code: 0, oom_killed: false, requested_stop: true, restarting: false, exited_at: new Date().toISOString() } },
          });
          setState(m, 'stopped');
        });
        return { status: 200 };
      case 'GET events': {
        // Newest first, 20 unless `limit` asks for more, 50 at most (description Machines_list_events).
        const limit = Math.min(50, Math.max(1, Number(req.query.get('limit') ?? 20) || 20));
        return { status: 200, body: structuredClone(m.events.slice(0, limit)) };
      }
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
          return { status: 409, body: { error: `lease currently held by ${held.owner}, expires at ${Math.floor(held.expiresAt / 1000)}` } };
        }
        // fly-go sends the TTL as ?ttl= (flaps/flaps_machines.go AcquireLease).
        const ttlText = req.query.get('ttl');
        const ttl = ttlText !== null && /^\d+$/.test(ttlText) ? Number(ttlText) : 30;
        const lease: Lease = {
          nonce: hex(6),
          expiresAt: Date.now() + ttl * 1000,
          owner: 'fly-preview-test@example.com',
          version: m.instance_id,
        };
        m.lease = lease;
        return { status: 201, body: { status: 'success', data: leaseJson(lease) } };
      }
      case 'DELETE lease': {
        const held = activeLease(m);
        // An expired lease is gone: releasing it finds nothing.
        if (held === undefined) throw bad(404, 'lease not found');
        if (req.headers['fly-machine-lease-nonce'] !== held.nonce) throw bad(409, 'lease nonce does not match');
        m.lease = undefined;
        return { status: 200 };
      }
      case 'GET metadata': {
        if (key === undefined) return { status: 200, body: m.config.metadata ?? {} };
        const value = m.config.metadata?.[key];
        if (value === undefined) throw bad(404, `metadata key not found: ${key}`);
        return { status: 200, body: { value } };
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

  /**
   * `GET /v1/orgs/{org_slug}/machines` (description Machines_org_list, OrgMachinesResponse): every
   * machine of the org's apps, oldest `updated_at` first, in pages of at most `limit` (1,000 when
   * omitted or larger) with an opaque `next_cursor` while more remain. Only the fields of OrgMachine:
   * its config is MachineOverviewConfig (guest, image, metadata).
   */
  function orgMachines(org: string, req: ParsedRequest): Reply {
    if (orgListing.status !== 200) throw bad(orgListing.status, orgListing.status === 404 ? 'Not Found' : 'Method Not Allowed');
    if (!orgs.has(org)) throw bad(404, `Could not find Organization "${org}"`);
    const limitText = req.query.get('limit');
    const limit = Math.min(1000, limitText === null ? 1000 : Math.max(1, Number(limitText) || 1000), orgListing.pageCap);
    const all = [...apps.values()]
      .filter((a) => !a.foreign && a.org === org && sees(a, req))
      .flatMap((a) => [...a.machines.values()].filter((m) => Date.now() >= m.visibleAt).map((m) => ({ a, m })))
      .sort((x, y) => x.m.updated_at.localeCompare(y.m.updated_at) || x.m.id.localeCompare(y.m.id));
    const cursor = req.query.get('cursor');
    let start = 0;
    if (cursor !== null && cursor !== '') {
      const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
      start = all.findIndex(({ m }) => m.updated_at > at || (m.updated_at === at && m.id > id));
      if (start === -1) start = all.length;
    }
    const page = all.slice(start, start + limit);
    const last = page.at(-1)?.m;
    const more = start + page.length < all.length;
    return {
      status: 200,
      body: {
        machines: page.map(({ a, m }) => ({
          id: m.id,
          name: m.name,
          state: m.state,
          region: m.region,
          instance_id: m.instance_id,
          version: m.instance_id,
          private_ip: m.private_ip,
          app_name: a.name,
          created_at: m.created_at,
          updated_at: m.updated_at,
          config: {
            image: m.config.image,
            metadata: { ...m.config.metadata },
            ...(m.config.guest === undefined ? {} : { guest: { ...m.config.guest } }),
          },
        })),
        ...(last === undefined ? {} : { last_machine_id: last.id, last_updated_at: last.updated_at }),
        ...(more && last !== undefined ? { next_cursor: Buffer.from(JSON.stringify([last.updated_at, last.id])).toString('base64url') } : {}),
      },
    };
  }

  const leaseJson = (lease: Lease) => ({
    nonce: lease.nonce,
    expires_at: Math.floor(lease.expiresAt / 1000),
    owner: lease.owner,
    version: lease.version,
  });

  // Every answer carries a request id, as Fly's do (fly-go flaps/flaps.go headerFlyRequestId).
  const server = new HttpDouble(route, { everyReply: () => ({ 'fly-request-id': `01SIM${ulid().slice(5)}-sim` }), spec: specCheck('fly') });
  await server.listen();

  return {
    ...server.controls(),
    imageExitsAtBoot: (image, exitCode) => void exitsAtBoot.set(image, exitCode),
    imageNeverStarts: (image) => void neverStarts.add(image),
    imageCrashesAfterStart: (image, crash) => void crashesAfterStart.set(image, crash),
    imageFails: (image, message) => void failsToLaunch.set(image, message),
    imageBootsNormally(image) {
      exitsAtBoot.delete(image);
      neverStarts.delete(image);
      failingChecks.delete(image);
      crashesAfterStart.delete(image);
      failsToLaunch.delete(image);
    },
    noCapacityIn: (region) => void fullRegions.add(region),
    orgMachines(answer) {
      orgListing = { status: answer.status ?? 200, pageCap: answer.pageCap ?? Number.POSITIVE_INFINITY };
    },
    delayAppVisibility(ms, count = 1) {
      appDelays = { ms, count };
    },
    delayMachineVisibility(ms, count = 1) {
      machineDelays = { ms, count };
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
      apps.set(name, {
        id: hex(8),
        name,
        org: opts.org ?? 'personal',
        foreign: opts.foreign ?? false,
        ips: [],
        machines: new Map(),
        visibleAt: 0,
        affinity: '',
        ...emptyStores(),
      });
    },
    addMachine(app, opts) {
      const a = apps.get(app);
      if (a === undefined) throw new Error(`no app ${app}`);
      const m = newMachine({ name: opts.name, region: opts.region ?? 'iad', state: 'started', config: { image: opts.image, metadata: opts.metadata ?? {} } });
      a.machines.set(m.id, m);
      return snapshot(m);
    },
    seedPreview(app, opts) {
      const a: SimApp = { id: hex(8), name: app, org: opts.org ?? 'personal', foreign: false, ips: [], machines: new Map(), visibleAt: 0, affinity: '', ...emptyStores() };
      apps.set(app, a);
      const m = newMachine({ name: `machine-${hex(3)}`, region: 'iad', state: 'started', config: { image: 'registry.fly.io/seeded:1', metadata: { ...opts.metadata } } });
      if (opts.createdAt !== undefined) m.created_at = m.updated_at = opts.createdAt;
      a.machines.set(m.id, m);
      return snapshot(m);
    },
    idle(app, machineId, how, idleOptions = {}) {
      const m = apps.get(app)?.machines.get(machineId);
      if (m === undefined) throw new Error(`no machine ${machineId} in ${app}`);
      clearTimers(m);
      const settle = (): void => {
        if (how === 'suspend') event(m, 'suspend', 'suspended', { source: 'flyd' });
        else {
          event(m, 'exit', 'stopped', {
            request: { exit_event: { exit_code: 0, oom_killed: false, requested_stop: true, restarting: false, exited_at: new Date().toISOString() } },
          });
        }
        setState(m, how === 'suspend' ? 'suspended' : 'stopped');
      };
      if (idleOptions.settleMs === undefined) return settle();
      event(m, how, how === 'suspend' ? 'suspending' : 'stopping');
      setState(m, how === 'suspend' ? 'suspending' : 'stopping');
      later(m, idleOptions.settleMs, settle);
    },
    machineFails(app, machineId, message) {
      const m = apps.get(app)?.machines.get(machineId);
      if (m === undefined) throw new Error(`no machine ${machineId} in ${app}`);
      clearTimers(m);
      event(m, 'launch', 'failed', { request: { error: message } });
      setState(m, 'failed');
    },
    holdLease(app, machineId, ttlSeconds) {
      const m = apps.get(app)?.machines.get(machineId);
      if (m === undefined) throw new Error(`no machine ${machineId} in ${app}`);
      m.lease = { nonce: hex(6), expiresAt: Date.now() + ttlSeconds * 1000, owner: 'another-deploy@example.com', version: m.instance_id };
    },
    async close() {
      for (const a of apps.values()) for (const m of [...a.machines.values(), ...a.destroyed.values()]) clearTimers(m);
      listeners.clear();
      await server.close();
    },
  };
}
