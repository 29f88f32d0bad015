// The Fly implementation of PreviewProvider: one app and one machine per preview, found again by
// the owner labels in machine metadata, updated in place under a lease, and waited on with the
// API's blocking /wait. Racing runs converge without talking to each other: the oldest machine
// wins, and a newer revision is never replaced by an older one. The rules of the real API it
// follows are in test/sim/FLY_API.md, each with its source in fly-go or flyctl.
import { createHmac } from 'node:crypto';
import type {
  DeployDetails,
  DeployOutcome,
  DeployRequest,
  DestroyOutcome,
  PreviewInventory,
  PreviewListing,
  PreviewProvider,
  PreviewScope,
  PreviewTarget,
  ProgressLog,
  ReleaseDetail,
} from '../../provider.js';
import { backoffDelay, defaultRetryPolicy, sleep, type RetryPolicy } from '../../retry.js';
import { AppNotVisible, FlyClient, maxWaitSeconds } from './client.js';
import { KeyedThrottle, mapLimit, Throttle } from './limits.js';
import { settled } from '../settled.js';
import { supersedes } from '../revision.js';
import { FlyAmbiguousError, FlyApiError, FlyAuthError, type FlyHttpOptions } from './http.js';
import { planPreview, type AppConfig, type PlanOverrides, type PreviewPlan } from './appconfig/index.js';
import { canonical, orderKey, sameConfig, type DesiredConfig } from './desired.js';
import type { AppMachineConfig, IpAssignment, Machine, MachineEvent, Volume } from './types.js';

/** Metadata keys for what is deployed; owner labels come from the caller. */
const revisionKey = 'fly_preview_sha';
/** The process group a machine runs, as flyctl labels it (internal/appconfig/machines.go). */
const groupKey = 'fly_process_group';
/** flyctl's group name for the release command's machine. */
const releaseGroup = 'fly_app_release_command';
/** The secret names this action set (sorted, comma-separated), so a name dropped from the input is unset. */
const secretsKeysKey = 'fly_preview_secrets';
/** Which values those secrets have, as a digest keyed by the API token: nothing about the values can be read from it. */
const secretsDigestKey = 'fly_preview_secrets_digest';

const leaseTtlSeconds = 30;
/** Rounds of "look, act, wait" before giving up on a machine that racing runs keep changing. */
const maxRounds = 6;
const recentEventCount = 5;
/** Apps whose machines a sweep lists at once: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;
/**
 * How long a just-created app may stay invisible (404, or 401 while its permissions propagate) and
 * how calls on it back off meanwhile: fly-go flaps/retry.go Retry, used by WaitForApp
 * (flaps/flaps_apps.go), which flyctl calls after every app create (flyctl #3112).
 */
const appVisibility: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 60_000 };
/**
 * A machine just created or updated may answer 404 to a read or a wait for a moment (flyctl
 * internal/machine/leasable_machine.go WaitForState WithJustCreated; flyctl #4618). Within this
 * grace a 404 means "not visible yet", never "gone", so it never leads to a second machine.
 */
const machineVisibility: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 2_000, budgetMs: 60_000 };

export interface FlyProviderOptions extends FlyHttpOptions {
  now?: () => number;
  /** The parsed fly.toml; undefined: the preview has none. */
  appConfig?: AppConfig;
  /** Inputs that override the file; undefined: taken from each DeployRequest. */
  overrides?: PlanOverrides;
}

/** Without planned overrides (a provider made for a bare DeployRequest), the request's own values. */
function overridesFrom(request: DeployRequest): PlanOverrides {
  return {
    region: request.region,
    internalPort: request.internalPort,
    cpuKind: request.guest.cpuKind,
    cpus: request.guest.cpus,
    memoryMb: request.guest.memoryMb,
    autostop: request.autostop,
  };
}

/** How a boot ended; `machine` is the machine as read after it, when it could be read. */
type BootResult =
  | { kind: 'started' | 'stopped' | 'failed'; machine: Machine; list: Machine[] }
  | { kind: 'timeout' | 'replaced' | 'gone' };

/** What a deploy knows about the app it works in. */
interface AppState {
  /** This run created the app: it is empty, and may not be visible to every call yet. */
  fresh: boolean;
  createdAt: number;
  /** The org's real slug (`personal` is an alias), for IP allocation. */
  orgSlug: string;
}

/** States on the way to `started`, in which the current instance is still worth waiting for. */
const booting = new Set(['created', 'starting', 'replacing']);
/** States a boot's wait ends in. */
const bootSettled = new Set(['started', 'stopped', 'failed']);

const gone = (m: Machine): boolean => m.state === 'destroyed' || m.state === 'destroying';

function carries(m: Machine, labels: Readonly<Record<string, string>>): boolean {
  const metadata = m.config.metadata ?? {};
  return Object.entries(labels).every(([key, value]) => metadata[key] === value);
}

/** Oldest first (creation time, then id), so every run picks the same survivor. */
function byAge(a: Machine, b: Machine): number {
  return a.created_at === b.created_at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.created_at < b.created_at ? -1 : 1;
}

function deployedRevision(m: Machine): { id: string; order: number } {
  const metadata = m.config.metadata ?? {};
  return { id: metadata[revisionKey] ?? '', order: Number(metadata[orderKey] ?? 0) || 0 };
}

/** One process group's share of a deploy: what the converge loop works on. */
interface GroupRequest extends DeployRequest {
  group: string;
  /** Machines without a group label (made before process groups were read) count as this group's. */
  defaultGroup: string;
  config: DesiredConfig;
  checkCount: number;
  /** The app secrets version the machine must boot with; undefined when this run set none. */
  minSecretsVersion: number | undefined;
  phases: Phases;
  /** The app's volumes as listed at the start, to remove those of machines left behind in another region. */
  volumes: Volume[];
  /** The machine as last read when the group became ready (its checks among it). */
  seen?: Machine;
}

function groupOf(m: Machine, defaultGroup: string): string {
  return m.config.metadata?.[groupKey] ?? defaultGroup;
}

const secretsVersion = (request: GroupRequest): { min_secrets_version?: number } =>
  request.minSecretsVersion === undefined ? {} : { min_secrets_version: request.minSecretsVersion };

const phaseOrder = ['app', 'IPs', 'release', 'machines', 'boot', 'checks'];

/** How long each phase of a deploy took; groups deploy in parallel, so a phase counts its longest group. */
class Phases {
  readonly #now: () => number;
  readonly #ms = new Map<string, number>();
  constructor(now: () => number) {
    this.#now = now;
  }
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = this.#now();
    try {
      return await work();
    } finally {
      this.#ms.set(name, (this.#ms.get(name) ?? 0) + this.#now() - start);
    }
  }
  /** A fresh tally for one group, merged back with merge(). */
  fork(): Phases {
    return new Phases(this.#now);
  }
  merge(groups: Phases[]): void {
    for (const name of new Set(groups.flatMap((g) => [...g.#ms.keys()]))) {
      this.#ms.set(name, (this.#ms.get(name) ?? 0) + Math.max(...groups.map((g) => g.#ms.get(name) ?? 0)));
    }
  }
  list(): { name: string; ms: number }[] {
    return phaseOrder.filter((name) => this.#ms.has(name)).map((name) => ({ name, ms: this.#ms.get(name) as number }));
  }
}

/** Which public addresses an app lacks: IPv6 (not the private fdaa: range) and IPv4. */
function lacking(ips: IpAssignment[]): ('v6' | 'shared_v4')[] {
  const hasV6 = ips.some((ip) => ip.ip.includes(':') && !ip.ip.toLowerCase().startsWith('fdaa:'));
  const hasV4 = ips.some((ip) => ip.ip.includes('.'));
  return [...(hasV6 ? [] : (['v6'] as const)), ...(hasV4 ? [] : (['shared_v4'] as const))];
}

function describeEvent(e: MachineEvent): string {
  const exit = e.request?.exit_event;
  const restarts = e.request?.restart_count;
  const extra =
    exit === undefined
      ? ''
      : ` exit_code=${exit.exit_code ?? '?'}${exit.oom_killed === true ? ' oom_killed' : ''}${exit.restarting === true ? ' restarting' : ''}`;
  const count = restarts === undefined || restarts === 0 ? '' : ` restart_count=${restarts}`;
  const said = (e.request as { error?: unknown } | undefined)?.error;
  const text = typeof said === 'string' && said !== '' ? `: ${said}` : '';
  return `${new Date(e.timestamp).toISOString()} ${e.type} ${e.status}${e.source === undefined ? '' : ` (${e.source})`}${extra}${count}${text}`;
}

/**
 * The events of the machine's current run, newest first: those after the launch or update that
 * began it. An exit among them that nobody asked for is a crash, restarted or not (flyctl
 * internal/machine/leasable_machine.go isConstantlyRestarting reads the same fields).
 */
function crashesSinceStart(events: MachineEvent[]): MachineEvent[] {
  const began = events.findIndex((e) => e.type === 'launch' || e.type === 'update');
  const current = began === -1 ? events : events.slice(0, began);
  return current.filter((e) => e.type === 'exit' && e.request?.exit_event?.requested_stop !== true);
}

export class FlyProvider implements PreviewProvider {
  readonly #client: FlyClient;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #appDeletes: Throttle;
  readonly #appChanges: KeyedThrottle;
  readonly #random: () => number;
  readonly #token: string;
  readonly #appConfig: AppConfig | undefined;
  readonly #overrides: PlanOverrides | undefined;

  constructor(options: FlyProviderOptions) {
    this.#client = new FlyClient(options);
    this.#token = options.token;
    this.#appConfig = options.appConfig;
    this.#overrides = options.overrides;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;
    this.#appDeletes = new Throttle(100, 60_000, this.#now, this.#sleep);
    this.#appChanges = new KeyedThrottle(() => new Throttle(1, 1_000, this.#now, this.#sleep));
  }

  async listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    const apps = await this.#client.listApps(scope.org);
    const found = await mapLimit(apps, listConcurrency, async (a): Promise<PreviewListing | undefined> => {
      const listed = (await this.#client.listMachinesWithMetadata(a.name, scope.labels)) ?? [];
      // The API filters already; checking again keeps a filter it ignored from making foreign machines ours.
      const machines = listed.filter((m) => !gone(m) && carries(m, scope.labels));
      if (machines.length === 0) return undefined;
      return {
        appName: a.name,
        machines: machines.sort(byAge).map((m) => ({
          id: m.id,
          labels: { ...m.config.metadata },
          createdAt: m.created_at,
          updatedAt: m.updated_at,
        })),
      };
    });
    const previews = found.filter((p): p is PreviewListing => p !== undefined);
    log.debug(`Looked at ${apps.length} apps in ${scope.org}; ${previews.length} hold previews in scope`);
    return { previews, appsExamined: apps.length, appsLeftAlone: apps.length - previews.length };
  }

  async busy(appName: string, machineIds: readonly string[]): Promise<boolean> {
    const leases = await Promise.all(machineIds.map((id) => this.#client.getLease(appName, id)));
    return leases.some((lease) => lease !== undefined && lease.expires_at * 1000 > this.#now());
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  hostnameFor(appName: string): string {
    return `${appName}.fly.dev`;
  }

  async deploy(request: DeployRequest, log: ProgressLog): Promise<DeployOutcome> {
    const started = this.#now();
    const deadline = started + request.waitTimeoutMs;
    const plan = planPreview(this.#appConfig, this.#overrides ?? overridesFrom(request));
    const phases = new Phases(this.#now);
    const app = await phases.time('app', () => this.#ensureApp(request, log));
    const appName = request.appName;
    const wantsVolumes = plan.groups.some((g) => g.volumes.length > 0);
    // A fresh app has no IPs, machines or volumes: nothing to look up.
    const [listed, volumes] = await settled([
      app.fresh ? Promise.resolve([]) : this.#client.listMachines(appName).then((l) => l ?? []),
      app.fresh || !wantsVolumes ? Promise.resolve([]) : this.#client.listVolumes(appName),
      phases.time('IPs', () => this.#ensureIps(appName, app, log)),
    ]);
    const ours = listed.filter((m) => !gone(m) && carries(m, request.ownerLabels));
    const defaultGroup = (plan.groups.find((g) => g.name === 'app') ?? plan.groups[0])?.name ?? 'app';
    const appGroups = ours.filter((m) => groupOf(m, defaultGroup) !== releaseGroup);
    // A newer revision already deployed is left in place, its secrets, volumes and data included.
    const newer = appGroups.find((m) => supersedes(deployedRevision(m), request.revision));
    if (newer !== undefined) {
      return {
        kind: 'superseded',
        appName,
        hostname: this.hostnameFor(appName),
        machineId: newer.id,
        region: newer.region,
        deployedRevisionId: deployedRevision(newer).id,
      };
    }

    const secrets = await this.#syncSecrets(request, appGroups, plan.groups.map((g) => g.name), defaultGroup, log);
    const mounts = await this.#volumesFor(request, plan, appGroups, volumes, defaultGroup, log);
    const groups = plan.groups.map((g): GroupRequest => {
      const config = structuredClone(g.config) as DesiredConfig;
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
      if (volume !== undefined && mount !== undefined) config.mounts = [{ ...mount, volume }, ...rest];
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

    // The release command runs before any app machine gets a new version, and only when one will.
    const changes = groups.some((g) => {
      const [keep] = appGroups.filter((m) => groupOf(m, defaultGroup) === g.group && m.region === g.region).sort(byAge);
      return keep === undefined || !sameConfig(keep.config, g.config);
    });
    let release: ReleaseDetail | undefined;
    if (plan.release !== undefined && changes) {
      const ran = await phases.time('release', () => this.#runRelease(request, plan, app, secrets, log));
      release = ran.detail;
      if (ran.failed !== undefined) return { ...ran.failed, details: { groups: [], checks: [], release, phasesMs: phases.list() } };
    } else if (plan.release !== undefined) {
      release = { command: plan.release.commandLine, exitCode: undefined, ran: false };
    }

    const outcomes = await settled(groups.map((g) => this.#deployGroup(g, appGroups, deadline, app, log)));
    phases.merge(groups.map((g) => g.phases));
    const details: DeployDetails = {
      groups: groups.map((g, i) => {
        const o = outcomes[i] as DeployOutcome;
        return { name: g.group, machineId: o.machineId, region: o.region, state: o.kind === 'failed' ? o.state : o.kind === 'superseded' ? 'kept' : (g.seen?.state ?? 'started') };
      }),
      checks: groups.flatMap((g) => (g.seen?.checks ?? []).map((c) => ({ group: g.group, name: c.name, status: c.status, output: c.output ?? '' }))),
      ...(release === undefined ? {} : { release }),
      phasesMs: phases.list(),
    };
    const main = groups.findIndex((g) => g.group === defaultGroup);
    const chosen = outcomes.find((o) => o.kind === 'failed') ?? outcomes.find((o) => o.kind === 'superseded') ?? (outcomes[main] as DeployOutcome);
    if (chosen.kind === 'ready') await this.#dropGroups(request, appGroups, new Set(groups.map((g) => g.group)), defaultGroup, log);
    return { ...chosen, details };
  }

  /** One group: converge its machine, then wait for its health checks. */
  async #deployGroup(request: GroupRequest, ours: Machine[], deadline: number, app: AppState, log: ProgressLog): Promise<DeployOutcome> {
    const found = this.#ours(request, ours);
    const outcome = await this.#converge(request, found, deadline, app, log);
    if (outcome.kind !== 'ready' || request.checkCount === 0) return outcome;
    return request.phases.time('checks', () => this.#waitForChecks(request, outcome, deadline + request.smokeWindowMs, log));
  }

  /**
   * Health checks have no wait endpoint: the machine is read at a modest pace (1 s, doubling to
   * 5 s) until every check passes. One still failing at the deadline fails the deploy.
   */
  async #waitForChecks(request: GroupRequest, outcome: DeployOutcome, deadline: number, log: ProgressLog): Promise<DeployOutcome> {
    let machine = request.seen;
    for (let attempt = 0; ; attempt++) {
      const checks = machine?.checks ?? [];
      const failing = checks.filter((c) => c.status !== 'passing');
      if (machine !== undefined && checks.length >= request.checkCount && failing.length === 0) {
        log.info(`Machine ${machine.id} (${request.group}): ${checks.length} health check${checks.length === 1 ? '' : 's'} passing`);
        request.seen = machine;
        return outcome;
      }
      const remaining = deadline - this.#now();
      if (remaining <= 0) {
        const current = machine ?? (await this.#client.getMachine(request.appName, outcome.machineId));
        if (current === undefined) return outcome;
        request.seen = current;
        for (const c of failing) log.info(`Health check ${c.name} of machine ${current.id} is ${c.status}: ${c.output ?? ''}`);
        const names = failing.length === 0 ? 'its health checks' : failing.map((c) => `"${c.name}" (${c.status})`).join(', ');
        const failed = this.#failed(request, current, 'timeout', current.events ?? []);
        return failed.kind === 'failed'
          ? { ...failed, reason: `The ${request.group} machine started, but ${names} did not pass within ${Math.round(request.waitTimeoutMs / 1000)} s (wait-timeout).` }
          : failed;
      }
      await this.#sleep(Math.min(remaining, 1_000 * 2 ** Math.min(attempt, 3), 5_000));
      machine = (await this.#client.getMachine(request.appName, outcome.machineId)) ?? machine;
    }
  }

  /**
   * Sets the `secrets` input as app secrets and unsets the keys this action set before and the
   * input no longer has. The machines carry the key names and a digest keyed by the API token, so
   * a re-run with the same values sends nothing and a changed value changes their config.
   */
  async #syncSecrets(
    request: DeployRequest,
    ours: Machine[],
    groupNames: string[],
    defaultGroup: string,
    log: ProgressLog,
  ): Promise<{ version: number | undefined; metadata: Record<string, string> }> {
    const keys = Object.keys(request.secrets).sort();
    const digest = keys.length === 0 ? undefined : createHmac('sha256', this.#token).update(canonical(request.secrets)).digest('hex').slice(0, 32);
    const metadata: Record<string, string> = digest === undefined ? {} : { [secretsKeysKey]: keys.join(','), [secretsDigestKey]: digest };
    const before = new Set(ours.flatMap((m) => (m.config.metadata?.[secretsKeysKey] ?? '').split(',').filter((k) => k !== '')));
    const removed = [...before].filter((k) => !keys.includes(k)).sort();
    const current = groupNames.every((g) => ours.some((m) => groupOf(m, defaultGroup) === g && m.config.metadata?.[secretsDigestKey] === digest));
    if (removed.length === 0 && (digest === undefined || current)) return { version: undefined, metadata };
    log.changing();
    const values: Record<string, string | null> = { ...request.secrets, ...Object.fromEntries(removed.map((k) => [k, null])) };
    const { version } = await this.#client.updateSecrets(request.appName, values);
    log.info(
      `App secrets now at version ${version}` +
        `${keys.length === 0 ? '' : `; set ${keys.join(', ')}`}${removed.length === 0 ? '' : `; unset ${removed.join(', ')} (no longer in the secrets input)`}`,
    );
    return { version, metadata };
  }

  /**
   * A volume per mounting group, in the preview's region: the one its machine already has, else a
   * free one of the same name (a re-run after a failed deploy), else a new one as flyctl's first
   * deploy makes it (internal/command/deploy/deploy_first.go).
   */
  async #volumesFor(request: DeployRequest, plan: PreviewPlan, ours: Machine[], volumes: Volume[], defaultGroup: string, log: ProgressLog): Promise<Map<string, string>> {
    const chosen = new Map<string, string>();
    const taken = new Set<string>();
    for (const g of plan.groups) {
      const want = g.volumes[0];
      if (want === undefined) continue;
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
      const made = await this.#client.createVolume(request.appName, body).catch(async (error: unknown) => {
        if (!(error instanceof FlyAmbiguousError)) throw error;
        // Whether the lost create went through shows in the list: a new free volume of that name is it.
        const free = (await this.#client.listVolumes(request.appName)).find(
          (v) => v.name === want.name && v.region === plan.region && !taken.has(v.id) && !volumes.some((x) => x.id === v.id) && !v.attached_machine_id,
        );
        return free ?? this.#client.createVolume(request.appName, body);
      });
      log.info(`Created volume ${made.id} (${made.name}, ${made.size_gb} GB) in ${made.region} for ${want.destination} of the ${g.name} group`);
      taken.add(made.id);
      chosen.set(g.name, made.id);
    }
    return chosen;
  }

  /**
   * `[deploy] release_command` as flyctl runs it (internal/command/deploy/machines_releasecommand.go):
   * a one-off machine that destroys itself, with the app's env and secrets, waited on until it is
   * gone; its exit event says how the command ended.
   */
  async #runRelease(
    request: DeployRequest,
    plan: PreviewPlan,
    app: AppState,
    secrets: { version: number | undefined },
    log: ProgressLog,
  ): Promise<{ detail: ReleaseDetail; failed?: Extract<DeployOutcome, { kind: 'failed' }> }> {
    const release = plan.release as NonNullable<PreviewPlan['release']>;
    const config = structuredClone(release.config) as DesiredConfig;
    config.image = request.image;
    config.env = { ...config.env, ...request.env };
    config.metadata = { ...config.metadata, ...request.ownerLabels, [revisionKey]: request.revision.id, [orderKey]: String(request.revision.order) };
    const body = { region: plan.region, config, ...(secrets.version === undefined ? {} : { min_secrets_version: secrets.version }) };
    log.changing();
    const machine = await this.#inApp(app, (justCreated) => this.#client.createMachine(request.appName, body, justCreated));
    log.info(`Running the release command in machine ${machine.id}: ${release.commandLine}`);
    const end = this.#now() + release.timeoutMs;
    const changedAt = this.#now();
    let finished = false;
    let current: Machine | undefined;
    let events: MachineEvent[];
    try {
      for (let attempt = 1; this.#now() < end; ) {
        const result = await this.#client.wait(request.appName, machine.id, ['stopped', 'destroyed', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, (end - this.#now()) / 1000));
        if (result === 'reached') {
          finished = true;
          break;
        }
        if (result === 'gone') {
          const pause = Math.max(200, backoffDelay(machineVisibility, attempt++, this.#random));
          if (this.#now() - changedAt + pause > machineVisibility.budgetMs) break;
          await this.#sleep(pause);
        }
        if (result === 'replaced') break;
      }
      current = await this.#client.getMachine(request.appName, machine.id);
      events = current?.events ?? (await this.#client.events(request.appName, machine.id).catch(() => []));
    } catch (error) {
      // An API error while it runs must not leave the command going on behind the failed step.
      if (!finished) await this.#client.deleteMachine(request.appName, machine.id).catch(() => undefined);
      throw error;
    }
    const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
    const exitCode = exit?.exit_code;
    const detail: ReleaseDetail = { command: release.commandLine, exitCode, ran: true };
    const state = current?.state ?? 'destroyed';
    if (finished && exitCode === 0) {
      log.info(`Release command exited with code 0 (machine ${machine.id})`);
      return { detail };
    }
    // A command still running at its timeout must not go on changing the database behind the failure.
    if (!finished) await this.#client.deleteMachine(request.appName, machine.id).catch(() => undefined);
    const seconds = Math.round(release.timeoutMs / 1000);
    const reason = !finished
      ? `The release command \`${release.commandLine}\` did not finish within ${seconds} s (release_command_timeout); no app machine was changed.`
      : state === 'failed'
        ? `Fly could not start the release command's machine (it is "failed"); no app machine was changed.`
        : `The release command \`${release.commandLine}\` exited with code ${exitCode ?? 'unknown'}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}; no app machine was changed.`;
    return {
      detail,
      failed: {
        kind: 'failed',
        appName: request.appName,
        hostname: this.hostnameFor(request.appName),
        machineId: machine.id,
        region: machine.region,
        reason,
        state,
        exitCode,
        recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
      },
    };
  }

  /** Machines of process groups the fly.toml no longer has go once the others are ready. */
  async #dropGroups(request: DeployRequest, ours: Machine[], groups: Set<string>, defaultGroup: string, log: ProgressLog): Promise<void> {
    const stale = ours.filter((m) => !groups.has(groupOf(m, defaultGroup)));
    if (stale.length === 0) return;
    await settled(stale.map((m) => this.#client.deleteMachine(request.appName, m.id)));
    log.info(`Removed machine${stale.length > 1 ? 's' : ''} ${stale.map((m) => `${m.id} (${groupOf(m, defaultGroup)})`).join(', ')}: the process group is gone from the fly.toml`);
  }

  async destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    const machines = await this.#client.listMachines(target.appName);
    if (machines === undefined) return { kind: 'absent', appName: target.appName };
    const ours = machines.filter((m) => carries(m, target.ownerLabels));
    const foreign = machines.filter((m) => !carries(m, target.ownerLabels) && !gone(m));
    if (foreign.length === 0) {
      await Promise.all([this.#appDeletes.take(), this.#appChanges.take(target.appName)]);
      const result = await this.#client.deleteApp(target.appName);
      if (result === 'absent') return { kind: 'absent', appName: target.appName };
      log.info(`Deleted app ${target.appName} with its machines and IPs`);
      return { kind: 'app-destroyed', appName: target.appName, machineIds: ours.map((m) => m.id) };
    }
    for (const m of ours) {
      await this.#appChanges.take(target.appName);
      await this.#client.deleteMachine(target.appName, m.id);
    }
    // The app stays, so the volumes our machines mounted would outlive the preview: they go too.
    const mounted = new Set(ours.flatMap((m) => ((m.config as AppMachineConfig).mounts ?? []).flatMap((mount) => (mount.volume === undefined ? [] : [mount.volume]))));
    if (mounted.size > 0) {
      const volumes = await this.#client.listVolumes(target.appName);
      await this.#deleteVolumes(target.appName, volumes.filter((v) => mounted.has(v.id)), log);
    }
    const named = foreign.map((m) => `${m.id} (${m.name})`).join(', ');
    log.warning(
      `App ${target.appName} also holds machines fly-preview did not create: ${named}. ` +
        `Deleted only this preview's machines${ours.length === 0 ? ' (there were none)' : ''} and kept the app.`,
    );
    return {
      kind: 'machines-destroyed',
      appName: target.appName,
      machineIds: ours.map((m) => m.id),
      foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })),
    };
  }

  /**
   * Deletes volumes whose machines were just deleted. Fly refuses (412) while a volume is still
   * attached, which can last a moment after its machine is gone, so that answer is retried briefly.
   */
  async #deleteVolumes(appName: string, volumes: Volume[], log: ProgressLog): Promise<void> {
    await settled(
      volumes.map(async (v) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.#client.deleteVolume(appName, v.id);
            log.info(`Deleted volume ${v.id} (${v.name})`);
            return;
          } catch (error) {
            if (!(error instanceof FlyApiError && error.status === 412) || attempt >= 8) throw error;
            await this.#sleep(Math.max(200, backoffDelay({ ...defaultRetryPolicy, maxDelayMs: 2_000 }, attempt)));
          }
        }
      }),
    );
  }

  /** Makes sure the app exists. */
  async #ensureApp(request: DeployRequest, log: ProgressLog): Promise<AppState> {
    const existing = await this.#client.getApp(request.appName).catch((error: unknown) => {
      // A valid token is refused one app when that app belongs to an organization it cannot reach
      // (fly-go flaps/flaps_apps.go AppNameAvailable: 403 means the name is taken elsewhere).
      if (error instanceof FlyAuthError && error.status === 403) {
        throw new Error(
          `The Fly API refused access to the app "${request.appName}" (403: ${error.detail}): the name is probably ` +
            `taken by an app in another organization. Choose another name with the app-name input, or check that fly-api-token can reach org "${request.org}".`,
        );
      }
      throw error;
    });
    const known = (slug: string | undefined): AppState => ({ fresh: false, createdAt: 0, orgSlug: slug ?? request.org });
    if (existing !== undefined) {
      this.#checkOrg(request, existing.organization?.slug);
      return known(existing.organization?.slug);
    }
    let result: 'created' | 'taken';
    log.changing();
    try {
      result = await this.#client.createApp(request.appName, request.org);
    } catch (error) {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      // Whether or not the lost create went through, the app's contents are unknown: look at them.
      const found = await this.#appOnceVisible(request.appName, this.#now());
      if (found !== undefined) return known(found.organization?.slug);
      throw error;
    }
    if (result === 'created') {
      log.info(`Created app ${request.appName} in ${request.org}`);
      return { fresh: true, createdAt: this.#now(), orgSlug: request.org };
    }
    // The name is taken. A racing run may have created it a moment ago, in which case it may not
    // be visible to us yet: look again for as long as a new app can take to appear.
    const again = await this.#appOnceVisible(request.appName, this.#now());
    if (again === undefined) {
      throw new Error(
        `The Fly app name "${request.appName}" is taken by an app this token cannot see (app names are global across Fly.io). ` +
          'Choose another name with the app-name input.',
      );
    }
    this.#checkOrg(request, again.organization?.slug);
    log.info(`App ${request.appName} was just created by another run; using it`);
    return known(again.organization?.slug);
  }

  /** The app, read again until it is visible or a new app's visibility delay is over. */
  async #appOnceVisible(appName: string, since: number) {
    for (let attempt = 1; ; attempt++) {
      const app = await this.#client.getApp(appName).catch((error: unknown) => {
        if (error instanceof FlyAuthError && error.status === 401) return undefined;
        throw error;
      });
      if (app !== undefined) return app;
      const wait = backoffDelay(appVisibility, attempt, this.#random);
      if (this.#now() - since + wait > appVisibility.budgetMs) return undefined;
      await this.#sleep(Math.max(50, wait));
    }
  }

  /**
   * Runs a call on the app's contents; for an app this run just created, a 404 or 401 means the
   * app is not visible to that endpoint yet, so the call is made again with short backoff.
   */
  async #inApp<T>(app: AppState, call: (justCreated: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(app.fresh);
      } catch (error) {
        if (!(error instanceof AppNotVisible)) throw error;
        const wait = Math.max(50, backoffDelay(appVisibility, attempt, this.#random));
        if (this.#now() - app.createdAt + wait > appVisibility.budgetMs) {
          throw new Error(`${error.message}, still a minute after this run created it. Re-run the job.`);
        }
        await this.#sleep(wait);
      }
    }
  }

  #checkOrg(request: DeployRequest, slug: string | undefined): void {
    // "personal" is an alias Fly resolves to the user's own org slug, so it cannot be compared.
    if (slug === undefined || request.org === 'personal' || slug === request.org) return;
    throw new Error(
      `The Fly app "${request.appName}" exists in organization "${slug}", not "${request.org}". ` +
        'Set org to match, or choose another name with the app-name input.',
    );
  }

  /** Without a public IP `<app>.fly.dev` does not answer; allocate what is missing, as flyctl's first deploy does. */
  async #ensureIps(appName: string, app: AppState, log: ProgressLog): Promise<void> {
    const publicTypes = ['v6', 'shared_v4'] as const;
    const missing = app.fresh ? publicTypes : lacking(await this.#client.listIps(appName));
    await settled(
      missing.map(async (type) => {
        try {
          const ip = await this.#inApp(app, (justCreated) => this.#client.allocateIp(appName, type, app.orgSlug, justCreated));
          log.info(`Allocated ${type === 'v6' ? 'IPv6' : 'shared IPv4'} ${ip.ip} for ${appName}`);
        } catch (error) {
          // Whether a lost allocation went through is seen in the list.
          if (!(error instanceof FlyAmbiguousError) || lacking(await this.#client.listIps(appName)).includes(type)) throw error;
        }
      }),
    );
  }

  async #ourMachines(request: GroupRequest): Promise<Machine[]> {
    return this.#ours(request, (await this.#client.listMachines(request.appName)) ?? []);
  }

  /** This group's machines among `machines`, oldest first. */
  #ours(request: GroupRequest, machines: Machine[]): Machine[] {
    return machines.filter((m) => !gone(m) && carries(m, request.ownerLabels) && groupOf(m, request.defaultGroup) === request.group).sort(byAge);
  }

  /** Look, act, wait; again when a racing run changed the machine under us. */
  async #converge(request: GroupRequest, found: Machine[], deadline: number, app: AppState, log: ProgressLog): Promise<DeployOutcome> {
    const config = request.config;
    let ours = found;
    for (let round = 1; round <= maxRounds; round++) {
      // A newer revision anywhere, even in the region this run would leave, is left in place.
      for (const m of ours) {
        const superseded = this.#superseded(request, m);
        if (superseded !== undefined) return superseded;
      }
      // Region is fixed for a machine's life: one elsewhere is replaced by a new one here.
      const here = ours.filter((m) => m.region === request.region);
      const elsewhere = ours.filter((m) => m.region !== request.region);

      if (here.length === 0) {
        const created = await request.phases.time('machines', () => this.#create(request, config, app, elsewhere.length > 0, log));
        const boot = await request.phases.time('boot', () => this.#waitForBoot(request, created, deadline));
        // Another run may have created one too. Looking only after the boot, which takes far longer
        // than a create, lets both runs see both machines; each keeps the oldest, so they agree.
        const listed = 'list' in boot ? this.#ours(request, boot.list) : await this.#ourMachines(request);
        const older = listed.filter((m) => m.id !== created.id && m.region === request.region && byAge(m, created) < 0);
        if (older.length > 0) {
          await this.#client.deleteMachine(request.appName, created.id);
          log.info(`Machine ${older[0]?.id} was created first by a racing run; removed duplicate ${created.id}`);
          ours = listed.filter((m) => m.id !== created.id);
          continue;
        }
        const next = await request.phases.time('boot', () => this.#afterBoot(request, created, boot, elsewhere.length > 0 ? 'moved' : 'created', log));
        if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
        ours = next.machines;
        continue;
      }

      const [keep, ...extra] = here;
      if (keep === undefined) continue;
      if (extra.length > 0) {
        await settled(extra.map((m) => this.#client.deleteMachine(request.appName, m.id)));
        log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
      }
      if (sameConfig(keep.config, config) && keep.state === 'started' && elsewhere.length === 0) {
        log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
        return this.#ready(request, keep, 'unchanged');
      }
      if (sameConfig(keep.config, config) && (booting.has(keep.state) || keep.state === 'started')) {
        // Another run of this revision is booting it (or moving it here): wait for that boot rather than start another.
        const next = await request.phases.time('boot', async () => this.#afterBoot(request, keep, await this.#waitForBoot(request, keep, deadline), 'unchanged', log));
        if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
        ours = next.machines;
        continue;
      }

      const updated = await request.phases.time('machines', () => this.#updateUnderLease(request, keep, config, deadline, log));
      if (updated.outcome !== undefined) return updated.outcome;
      if (updated.machine === undefined) {
        ours = await this.#ourMachines(request);
        continue;
      }
      const machine = updated.machine;
      const next = await request.phases.time('boot', async () => this.#afterBoot(request, machine, await this.#waitForBoot(request, machine, deadline), 'updated', log));
      if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
      ours = next.machines;
    }
    throw new Error(
      `Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`,
    );
  }

  /** Once the machine in the requested region is ready, the ones it replaces in other regions go. */
  async #leaveRegions(request: GroupRequest, outcome: DeployOutcome, elsewhere: Machine[], log: ProgressLog): Promise<DeployOutcome> {
    if (outcome.kind !== 'ready' || elsewhere.length === 0) return outcome;
    await settled(elsewhere.map((m) => this.#client.deleteMachine(request.appName, m.id)));
    log.info(
      `Removed machine${elsewhere.length > 1 ? 's' : ''} ${elsewhere.map((m) => `${m.id} (${m.region})`).join(', ')}: ` +
        `the preview now runs in ${request.region}`,
    );
    const left = new Set(elsewhere.map((m) => m.id));
    await this.#deleteVolumes(request.appName, request.volumes.filter((v) => v.attached_machine_id !== null && left.has(v.attached_machine_id)), log);
    return outcome;
  }

  async #create(request: GroupRequest, config: DesiredConfig, app: AppState, moving: boolean, log: ProgressLog): Promise<Machine> {
    // No machine name: Fly makes one, and a fixed name could collide between racing creates.
    const body = { region: request.region, config, ...secretsVersion(request) };
    const made = (machine: Machine): Machine => {
      log.info(
        `Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})` +
          (moving ? `; the region input changed, so it replaces the machine elsewhere once it is ready` : ''),
      );
      return machine;
    };
    log.changing();
    try {
      return made(await this.#inApp(app, (justCreated) => this.#client.createMachine(request.appName, body, justCreated)));
    } catch (error) {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      log.info(`The answer to creating the machine was lost (${error.detail}); looking before creating again`);
      const found = (await this.#ourMachines(request)).filter(
        (m) => deployedRevision(m).id === request.revision.id && m.config.image === request.image && m.region === request.region,
      );
      const latest = found.at(-1);
      if (latest !== undefined) {
        log.info(`Found machine ${latest.id}: the lost create did go through`);
        return latest;
      }
      return made(await this.#client.createMachine(request.appName, body));
    }
  }

  /**
   * A machine already carrying another revision with a newer order is left alone. Two revisions can
   * carry the same order (one PR `updated_at`, as in GitHub's own example payloads): then the one
   * already deployed stays, so such runs never replace each other back and forth.
   */
  #superseded(request: GroupRequest, machine: Machine): DeployOutcome | undefined {
    const deployed = deployedRevision(machine);
    if (!supersedes(deployed, request.revision)) return undefined;
    return {
      kind: 'superseded',
      appName: request.appName,
      hostname: this.hostnameFor(request.appName),
      machineId: machine.id,
      region: machine.region,
      deployedRevisionId: deployed.id,
    };
  }

  #ready(request: GroupRequest, machine: Machine, change: 'created' | 'updated' | 'unchanged' | 'moved'): DeployOutcome {
    request.seen = machine;
    return {
      kind: 'ready',
      appName: request.appName,
      hostname: this.hostnameFor(request.appName),
      machineId: machine.id,
      region: machine.region,
      change,
    };
  }

  /**
   * Updates under a machine lease so two runs never interleave their updates. Returns the updated
   * machine, an outcome when a newer revision got there first, or neither when the machine vanished.
   */
  async #updateUnderLease(
    request: GroupRequest,
    machine: Machine,
    config: DesiredConfig,
    deadline: number,
    log: ProgressLog,
  ): Promise<{ machine?: Machine; outcome?: DeployOutcome }> {
    const appName = request.appName;
    let lease: Awaited<ReturnType<FlyClient['acquireLease']>>;
    for (let attempt = 1; ; attempt++) {
      lease = await this.#client.acquireLease(appName, machine.id, leaseTtlSeconds);
      if (lease !== undefined) break;
      if (this.#now() >= deadline) {
        throw new Error(`Machine ${machine.id} stayed locked by another deploy's lease until wait-timeout ran out.`);
      }
      if (attempt === 1) log.info(`Machine ${machine.id} is being updated by another run; waiting for its lease`);
      await this.#sleep(Math.max(200, backoffDelay({ ...defaultRetryPolicy, maxDelayMs: 2_000 }, attempt)));
    }
    try {
      // The lease names the machine version it was taken on; if that is not what we looked at,
      // another run changed the machine meanwhile and we look again.
      const current = lease.version === machine.instance_id ? machine : await this.#client.getMachine(appName, machine.id);
      if (current === undefined) return {};
      const superseded = this.#superseded(request, current);
      if (superseded !== undefined) return { outcome: superseded };
      // A machine that already has this config but stopped (a crash at boot, say) is updated all
      // the same: the update boots a fresh instance, so a re-run retries instead of re-reporting.
      if (sameConfig(current.config, config) && (current.state === 'started' || booting.has(current.state))) {
        return { machine: current };
      }
      // The machine's own region: the API cannot move a machine (region is immutable).
      const body = { region: current.region, config, ...secretsVersion(request) };
      log.changing();
      try {
        const updated = await this.#client.updateMachine(appName, machine.id, body, lease.nonce);
        log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
        return { machine: updated };
      } catch (error) {
        if (!(error instanceof FlyAmbiguousError)) throw error;
        const after = await this.#client.getMachine(appName, machine.id);
        if (after !== undefined && sameConfig(after.config, config)) {
          log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
          return { machine: after };
        }
        const updated = await this.#client.updateMachine(appName, machine.id, body, lease.nonce);
        log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
        return { machine: updated };
      }
    } finally {
      // Best effort: an unreleased lease only delays the next run until its short TTL ends.
      await this.#client.releaseLease(appName, machine.id, lease.nonce).catch(() => undefined);
    }
  }

  /**
   * One blocking wait for the boot's outcome: `started`, `stopped` or `failed`, whichever comes
   * first (repeated in ≤ 60 s slices up to wait-timeout). The answer does not say which, so the
   * machine list the race check needs anyway is read next and tells. A 404 just after the create
   * or update is the API catching up, not a machine gone.
   */
  async #waitForBoot(request: GroupRequest, machine: Machine, deadline: number): Promise<BootResult> {
    const appName = request.appName;
    const changedAt = this.#now();
    for (let attempt = 1; ; ) {
      const remainingMs = deadline - this.#now();
      if (remainingMs <= 0) return { kind: 'timeout' };
      const result = await this.#client.wait(appName, machine.id, ['started', 'stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
      if (result === 'timeout') continue;
      if (result === 'replaced') return { kind: 'replaced' };
      if (result === 'gone') {
        const pause = Math.max(200, backoffDelay(machineVisibility, attempt++, this.#random));
        if (this.#now() - changedAt + pause > machineVisibility.budgetMs || this.#now() + pause > deadline) return { kind: 'gone' };
        await this.#sleep(pause);
        continue;
      }
      const list = (await this.#client.listMachines(appName)) ?? [];
      const listed = list.find((m) => m.id === machine.id);
      const current = listed !== undefined && bootSettled.has(listed.state) ? listed : await this.#readMachine(appName, machine.id, changedAt);
      if (current === undefined) return { kind: 'gone' };
      if (current.instance_id !== machine.instance_id) return { kind: 'replaced' };
      if (current.state === 'started' || current.state === 'stopped' || current.state === 'failed') return { kind: current.state, machine: current, list };
      // Reached, then left again before the read (a restart, say): wait once more.
    }
  }

  /** GET of a machine that may be invisible for a moment after a change; undefined once it is really gone. */
  async #readMachine(appName: string, id: string, changedAt: number): Promise<Machine | undefined> {
    for (let attempt = 1; ; attempt++) {
      const machine = await this.#client.getMachine(appName, id);
      if (machine !== undefined) return machine;
      const pause = Math.max(200, backoffDelay(machineVisibility, attempt, this.#random));
      if (this.#now() - changedAt + pause > machineVisibility.budgetMs) return undefined;
      await this.#sleep(pause);
    }
  }

  /**
   * `started` means the VM booted, not that the app stays up: flyctl calls a machine good after
   * about 10 s up without exiting or restarting (internal/machine/leasable_machine.go
   * WaitForSmokeChecksToPass). One wait on `stopped`/`failed` spans the window, then one read of
   * the machine's events shows any exit, including ones its restart policy recovered from.
   */
  async #smokeCheck(request: GroupRequest, machine: Machine): Promise<Machine> {
    const end = this.#now() + request.smokeWindowMs;
    for (;;) {
      const remainingMs = end - this.#now();
      if (remainingMs < 500) break;
      const result = await this.#client.wait(request.appName, machine.id, ['stopped', 'failed'], machine.instance_id, Math.min(maxWaitSeconds, remainingMs / 1000));
      if (result !== 'timeout') break;
    }
    return (await this.#readMachine(request.appName, machine.id, this.#now())) ?? machine;
  }

  /** Turns how a boot ended into an outcome, or into the machines to look at again. */
  async #afterBoot(
    request: GroupRequest,
    machine: Machine,
    boot: BootResult,
    change: 'created' | 'updated' | 'unchanged' | 'moved',
    log: ProgressLog,
  ): Promise<{ outcome?: DeployOutcome; machines: Machine[] }> {
    const appName = request.appName;
    switch (boot.kind) {
      case 'started': {
        if (request.smokeWindowMs <= 0) {
          log.info(`Machine ${machine.id} started (instance ${machine.instance_id})`);
          return { outcome: this.#ready(request, boot.machine, change), machines: [] };
        }
        log.info(`Machine ${machine.id} started (instance ${machine.instance_id}); checking it stays up for ${request.smokeWindowMs / 1000} s (smoke-window)`);
        log.started?.();
        const after = await this.#smokeCheck(request, boot.machine);
        if (after.instance_id !== machine.instance_id) {
          log.info(`Machine ${machine.id} was updated by another run (instance ${after.instance_id}); looking again`);
          return { machines: [after] };
        }
        const crashes = crashesSinceStart(after.events ?? []);
        if (crashes.length === 0 && after.state === 'started') return { outcome: this.#ready(request, after, change), machines: [] };
        return { outcome: this.#failed(request, after, 'crashed', after.events ?? []), machines: [] };
      }
      case 'stopped':
      case 'failed':
        return { outcome: this.#failed(request, boot.machine, boot.kind, boot.machine.events ?? (await this.#client.events(appName, machine.id))), machines: [] };
      case 'timeout': {
        const current = (await this.#client.getMachine(appName, machine.id)) ?? machine;
        return { outcome: this.#failed(request, current, 'timeout', current.events ?? (await this.#client.events(appName, machine.id))), machines: [] };
      }
      case 'gone':
        log.info(`Machine ${machine.id} was removed while booting (a racing run converging); looking again`);
        return { machines: await this.#ourMachines(request) };
      case 'replaced': {
        const current = await this.#client.getMachine(appName, machine.id);
        if (current === undefined) return { machines: await this.#ourMachines(request) };
        if (current.instance_id === machine.instance_id) {
          throw new FlyApiError(`GET /v1/apps/${appName}/machines/${machine.id}/wait`, 400, 'the wait was refused');
        }
        log.info(`Machine ${machine.id} was updated by another run (instance ${current.instance_id}); looking again`);
        return { machines: [current] };
      }
    }
  }

  #failed(request: GroupRequest, current: Machine, how: 'stopped' | 'failed' | 'crashed' | 'timeout', events: MachineEvent[]): DeployOutcome {
    const crashes = crashesSinceStart(events);
    const exit = crashes[0]?.request?.exit_event;
    const exitCode = exit?.exit_code;
    const code = `${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}`;
    const restarts = Math.max(0, ...crashes.map((e) => e.request?.restart_count ?? 0), crashes.filter((e) => e.request?.exit_event?.restarting === true).length);
    const seconds = Math.round(request.waitTimeoutMs / 1000);
    const last = events[0] === undefined ? '' : ` Last event: ${describeEvent(events[0])}.`;
    const reason =
      how === 'stopped'
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
      hostname: this.hostnameFor(request.appName),
      machineId: current.id,
      region: current.region,
      reason,
      state: current.state,
      exitCode,
      recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
    };
  }
}
