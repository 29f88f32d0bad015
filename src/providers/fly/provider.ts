// The Fly implementation of PreviewProvider: one app and one machine per preview, found again by
// the owner labels in machine metadata, updated in place under a lease, and waited on with the
// API's blocking /wait. Racing runs converge without talking to each other: the oldest machine
// wins, and a newer revision is never replaced by an older one. The rules of the real API it
// follows are in test/sim/FLY_API.md, each with its source in fly-go or flyctl.
import type {
  DeployOutcome,
  DeployRequest,
  DestroyOutcome,
  PreviewInventory,
  PreviewListing,
  PreviewProvider,
  PreviewScope,
  PreviewTarget,
  ProgressLog,
} from '../../provider.js';
import { backoffDelay, defaultRetryPolicy, sleep, type RetryPolicy } from '../../retry.js';
import { AppNotVisible, FlyClient, maxWaitSeconds } from './client.js';
import { KeyedThrottle, mapLimit, Throttle } from './limits.js';
import { FlyAmbiguousError, FlyApiError, FlyAuthError, type FlyHttpOptions } from './http.js';
import type { IpAssignment, Machine, MachineConfig, MachineEvent } from './types.js';

/** Metadata keys for what is deployed; owner labels come from the caller. */
const revisionKey = 'fly_preview_sha';
const orderKey = 'fly_preview_order';

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
const settled = new Set(['started', 'stopped', 'failed']);

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

function desiredConfig(request: DeployRequest): MachineConfig {
  return {
    image: request.image,
    guest: { cpu_kind: request.guest.cpuKind, cpus: request.guest.cpus, memory_mb: request.guest.memoryMb },
    env: { ...request.env },
    metadata: { ...request.ownerLabels, [revisionKey]: request.revision.id, [orderKey]: String(request.revision.order) },
    services: [
      {
        protocol: 'tcp',
        internal_port: request.internalPort,
        ports: [
          { port: 80, handlers: ['http'], force_https: true },
          { port: 443, handlers: ['tls', 'http'] },
        ],
      },
    ],
    restart: { policy: 'on-failure', max_retries: 3 },
  };
}

/** JSON with sorted keys, so configs compare by content whatever order Fly echoes them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Whether the machine already runs what we would send. Fly echoes a config with defaults filled
 * in, so only what this action sets is compared; the order label is left out, since a later event
 * for the same commit (a label added, say) needs no restart.
 */
function sameConfig(current: MachineConfig, desired: MachineConfig): boolean {
  const fingerprint = (c: MachineConfig) => {
    const { [orderKey]: _order, ...metadata } = c.metadata ?? {};
    return canonical({
      image: c.image,
      guest: c.guest === undefined ? undefined : { cpu_kind: c.guest.cpu_kind, cpus: c.guest.cpus, memory_mb: c.guest.memory_mb },
      env: c.env ?? {},
      metadata,
      services: (c.services ?? []).map((service) => ({
        internal_port: service.internal_port,
        ports: service.ports.map((port) => ({ port: port.port, handlers: [...port.handlers].sort(), force_https: port.force_https === true })),
      })),
    });
  };
  return fingerprint(current) === fingerprint(desired);
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

  constructor(options: FlyProviderOptions) {
    this.#client = new FlyClient(options);
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
    const app = await this.#ensureApp(request, log);
    // A fresh app has no IPs and no machines: nothing to look up.
    const [ours] = await Promise.all([
      app.fresh ? Promise.resolve([]) : this.#ourMachines(request),
      this.#ensureIps(request.appName, app, log),
    ]);
    return this.#converge(request, ours, deadline, app, log);
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
    await Promise.all(
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

  async #ourMachines(target: PreviewTarget): Promise<Machine[]> {
    return this.#ours(target, (await this.#client.listMachines(target.appName)) ?? []);
  }

  #ours(target: PreviewTarget, machines: Machine[]): Machine[] {
    return machines.filter((m) => !gone(m) && carries(m, target.ownerLabels)).sort(byAge);
  }

  /** Look, act, wait; again when a racing run changed the machine under us. */
  async #converge(request: DeployRequest, found: Machine[], deadline: number, app: AppState, log: ProgressLog): Promise<DeployOutcome> {
    const config = desiredConfig(request);
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
        const created = await this.#create(request, config, app, elsewhere.length > 0, log);
        const boot = await this.#waitForBoot(request, created, deadline);
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
        const next = await this.#afterBoot(request, created, boot, elsewhere.length > 0 ? 'moved' : 'created', log);
        if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
        ours = next.machines;
        continue;
      }

      const [keep, ...extra] = here;
      if (keep === undefined) continue;
      if (extra.length > 0) {
        await Promise.all(extra.map((m) => this.#client.deleteMachine(request.appName, m.id)));
        log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
      }
      if (sameConfig(keep.config, config) && keep.state === 'started' && elsewhere.length === 0) {
        log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
        return this.#ready(request, keep, 'unchanged');
      }
      if (sameConfig(keep.config, config) && (booting.has(keep.state) || keep.state === 'started')) {
        // Another run of this revision is booting it (or moving it here): wait for that boot rather than start another.
        const boot = await this.#waitForBoot(request, keep, deadline);
        const next = await this.#afterBoot(request, keep, boot, 'unchanged', log);
        if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
        ours = next.machines;
        continue;
      }

      const updated = await this.#updateUnderLease(request, keep, config, deadline, log);
      if (updated.outcome !== undefined) return updated.outcome;
      if (updated.machine === undefined) {
        ours = await this.#ourMachines(request);
        continue;
      }
      const boot = await this.#waitForBoot(request, updated.machine, deadline);
      const next = await this.#afterBoot(request, updated.machine, boot, 'updated', log);
      if (next.outcome !== undefined) return this.#leaveRegions(request, next.outcome, elsewhere, log);
      ours = next.machines;
    }
    throw new Error(
      `Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`,
    );
  }

  /** Once the machine in the requested region is ready, the ones it replaces in other regions go. */
  async #leaveRegions(request: DeployRequest, outcome: DeployOutcome, elsewhere: Machine[], log: ProgressLog): Promise<DeployOutcome> {
    if (outcome.kind !== 'ready' || elsewhere.length === 0) return outcome;
    await Promise.all(elsewhere.map((m) => this.#client.deleteMachine(request.appName, m.id)));
    log.info(
      `Removed machine${elsewhere.length > 1 ? 's' : ''} ${elsewhere.map((m) => `${m.id} (${m.region})`).join(', ')}: ` +
        `the preview now runs in ${request.region}`,
    );
    return outcome;
  }

  async #create(request: DeployRequest, config: MachineConfig, app: AppState, moving: boolean, log: ProgressLog): Promise<Machine> {
    // No machine name: Fly makes one, and a fixed name could collide between racing creates.
    const body = { region: request.region, config };
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
  #superseded(request: DeployRequest, machine: Machine): DeployOutcome | undefined {
    const deployed = deployedRevision(machine);
    if (deployed.id === '' || deployed.id === request.revision.id || deployed.order < request.revision.order) return undefined;
    return {
      kind: 'superseded',
      appName: request.appName,
      hostname: this.hostnameFor(request.appName),
      machineId: machine.id,
      region: machine.region,
      deployedRevisionId: deployed.id,
    };
  }

  #ready(request: DeployRequest, machine: Machine, change: 'created' | 'updated' | 'unchanged' | 'moved'): DeployOutcome {
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
    request: DeployRequest,
    machine: Machine,
    config: MachineConfig,
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
      const body = { region: current.region, config };
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
  async #waitForBoot(request: DeployRequest, machine: Machine, deadline: number): Promise<BootResult> {
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
      const current = listed !== undefined && settled.has(listed.state) ? listed : await this.#readMachine(appName, machine.id, changedAt);
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
  async #smokeCheck(request: DeployRequest, machine: Machine): Promise<Machine> {
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
    request: DeployRequest,
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
          return { outcome: this.#ready(request, machine, change), machines: [] };
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

  #failed(request: DeployRequest, current: Machine, how: 'stopped' | 'failed' | 'crashed' | 'timeout', events: MachineEvent[]): DeployOutcome {
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
