// The Fly implementation of PreviewProvider: one app and one machine per preview, found again by
// the owner labels in machine metadata, updated in place under a lease, and waited on with the
// API's blocking /wait. Racing runs converge without talking to each other: the oldest machine
// wins, and a newer revision is never replaced by an older one.
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
} from '../provider.js';
import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelay, defaultRetryPolicy, sleep } from '../retry.js';
import { FlyClient } from './client.js';
import { KeyedThrottle, mapLimit, Throttle } from './limits.js';
import { FlyAmbiguousError, FlyApiError, FlyAuthError, type FlyHttpOptions } from './http.js';
import type { IpAssignment, Machine, MachineConfig, MachineEvent } from './types.js';

/** Metadata keys for what is deployed; owner labels come from the caller. */
const revisionKey = 'fly_preview_sha';
const orderKey = 'fly_preview_order';

const leaseTtlSeconds = 30;
/** The API's proxy ends any wait after about 60 s, whatever timeout is asked. */
const waitSliceSeconds = 60;
/** Rounds of "look, act, wait" before giving up on a machine that racing runs keep changing. */
const maxRounds = 6;
const recentEventCount = 5;
const crashWatchDelayMs = 1_500;
/** Apps whose machines a sweep lists at once: quick over hundreds of apps, far from a storm. */
const listConcurrency = 8;

export interface FlyProviderOptions extends FlyHttpOptions {
  now?: () => number;
}

type BootResult = 'started' | 'stopped' | 'timeout' | 'replaced' | 'gone';

/** States on the way to `started`, in which the current instance is still worth waiting for. */
const booting = new Set(['created', 'starting', 'replacing']);

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
  const extra =
    exit === undefined
      ? ''
      : ` exit_code=${exit.exit_code ?? '?'}${exit.oom_killed === true ? ' oom_killed' : ''}`;
  return `${new Date(e.timestamp).toISOString()} ${e.type} ${e.status}${e.source === undefined ? '' : ` (${e.source})`}${extra}`;
}

export class FlyProvider implements PreviewProvider {
  readonly #client: FlyClient;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #appDeletes: Throttle;
  readonly #appChanges: KeyedThrottle;

  constructor(options: FlyProviderOptions) {
    this.#client = new FlyClient(options);
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
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
    const fresh = await this.#ensureApp(request, log);
    // A fresh app has no IPs and no machines: nothing to look up.
    const [ours] = await Promise.all([
      fresh ? Promise.resolve([]) : this.#ourMachines(request),
      this.#ensureIps(request.appName, fresh, log),
    ]);
    return this.#converge(request, ours, deadline, log);
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

  /** Makes sure the app exists; true when this run created it (so it has nothing in it yet). */
  async #ensureApp(request: DeployRequest, log: ProgressLog): Promise<boolean> {
    const existing = await this.#client.getApp(request.appName).catch((error: unknown) => {
      // A valid token is refused one app when that app belongs to an organization it cannot reach.
      if (error instanceof FlyAuthError && error.status === 403) {
        throw new Error(
          `The Fly API refused access to the app "${request.appName}" (403: ${error.detail}): the name is probably ` +
            `taken by an app in another organization. Choose another name with the app-name input, or check that fly-api-token can reach org "${request.org}".`,
        );
      }
      throw error;
    });
    if (existing !== undefined) {
      this.#checkOrg(request, existing.organization?.slug);
      return false;
    }
    let result: 'created' | 'taken';
    log.changing();
    try {
      result = await this.#client.createApp(request.appName, request.org);
    } catch (error) {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      // Whether or not the lost create went through, the app's contents are unknown: look at them.
      if ((await this.#client.getApp(request.appName)) !== undefined) return false;
      throw error;
    }
    if (result === 'created') {
      log.info(`Created app ${request.appName} in ${request.org}`);
      return true;
    }
    const again = await this.#client.getApp(request.appName);
    if (again === undefined) {
      throw new Error(
        `The Fly app name "${request.appName}" is taken by an app this token cannot see. ` +
          'Choose another name with the app-name input.',
      );
    }
    this.#checkOrg(request, again.organization?.slug);
    log.info(`App ${request.appName} was just created by another run; using it`);
    return false;
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
  async #ensureIps(appName: string, fresh: boolean, log: ProgressLog): Promise<void> {
    const publicTypes = ['v6', 'shared_v4'] as const;
    const missing = fresh ? publicTypes : lacking(await this.#client.listIps(appName));
    await Promise.all(
      missing.map(async (type) => {
        try {
          const ip = await this.#client.allocateIp(appName, type);
          log.info(`Allocated ${type === 'v6' ? 'IPv6' : 'shared IPv4'} ${ip.ip} for ${appName}`);
        } catch (error) {
          // Whether a lost allocation went through is seen in the list.
          if (!(error instanceof FlyAmbiguousError) || lacking(await this.#client.listIps(appName)).includes(type)) throw error;
        }
      }),
    );
  }

  async #ourMachines(target: PreviewTarget): Promise<Machine[]> {
    const machines = (await this.#client.listMachines(target.appName)) ?? [];
    return machines.filter((m) => !gone(m) && carries(m, target.ownerLabels)).sort(byAge);
  }

  /** Look, act, wait; again when a racing run changed the machine under us. */
  async #converge(request: DeployRequest, found: Machine[], deadline: number, log: ProgressLog): Promise<DeployOutcome> {
    const config = desiredConfig(request);
    let ours = found;
    for (let round = 1; round <= maxRounds; round++) {
      if (ours.length === 0) {
        const created = await this.#create(request, config, log);
        const result = await this.#waitForBoot(request.appName, created.id, created.instance_id, deadline);
        // Another run may have created one too. Looking only after the boot, which takes far longer
        // than a create, lets both runs see both machines; each keeps the oldest, so they agree.
        const older = (await this.#ourMachines(request)).filter((m) => m.id !== created.id && byAge(m, created) < 0);
        if (older.length > 0) {
          await this.#client.deleteMachine(request.appName, created.id);
          log.info(`Machine ${older[0]?.id} was created first by a racing run; removed duplicate ${created.id}`);
          ours = older;
          continue;
        }
        const next = await this.#afterBoot(request, created, result, 'created', log);
        if (next.outcome !== undefined) return next.outcome;
        ours = next.machines;
        continue;
      }

      const [keep, ...extra] = ours.sort(byAge);
      if (keep === undefined) continue;
      if (extra.length > 0) {
        await Promise.all(extra.map((m) => this.#client.deleteMachine(request.appName, m.id)));
        log.info(`Removed duplicate machine${extra.length > 1 ? 's' : ''} ${extra.map((m) => m.id).join(', ')}; keeping ${keep.id}`);
      }
      const superseded = this.#superseded(request, keep);
      if (superseded !== undefined) return superseded;
      if (sameConfig(keep.config, config) && keep.state === 'started') {
        log.info(`Machine ${keep.id} already runs this revision; nothing to change`);
        return this.#ready(request, keep, 'unchanged');
      }
      if (sameConfig(keep.config, config) && booting.has(keep.state)) {
        // Another run of this revision is booting it: wait for that boot rather than start another.
        const result = await this.#waitForBoot(request.appName, keep.id, keep.instance_id, deadline);
        const next = await this.#afterBoot(request, keep, result, 'unchanged', log);
        if (next.outcome !== undefined) return next.outcome;
        ours = next.machines;
        continue;
      }

      const updated = await this.#updateUnderLease(request, keep, config, deadline, log);
      if (updated.outcome !== undefined) return updated.outcome;
      if (updated.machine === undefined) {
        ours = await this.#ourMachines(request);
        continue;
      }
      const result = await this.#waitForBoot(request.appName, updated.machine.id, updated.machine.instance_id, deadline);
      const next = await this.#afterBoot(request, updated.machine, result, 'updated', log);
      if (next.outcome !== undefined) return next.outcome;
      ours = next.machines;
    }
    throw new Error(
      `Gave up after ${maxRounds} rounds: other runs kept changing the machines of app ${request.appName}. Re-run the job.`,
    );
  }

  async #create(request: DeployRequest, config: MachineConfig, log: ProgressLog): Promise<Machine> {
    // No machine name: Fly makes one, and a fixed name could collide between racing creates.
    const body = { region: request.region, config };
    log.changing();
    try {
      const machine = await this.#client.createMachine(request.appName, body);
      log.info(`Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})`);
      return machine;
    } catch (error) {
      if (!(error instanceof FlyAmbiguousError)) throw error;
      log.info(`The answer to creating the machine was lost (${error.detail}); looking before creating again`);
      const made = (await this.#ourMachines(request)).filter(
        (m) => deployedRevision(m).id === request.revision.id && m.config.image === request.image,
      );
      const latest = made.at(-1);
      if (latest !== undefined) {
        log.info(`Found machine ${latest.id}: the lost create did go through`);
        return latest;
      }
      const machine = await this.#client.createMachine(request.appName, body);
      log.info(`Created machine ${machine.id} in ${machine.region} (instance ${machine.instance_id})`);
      return machine;
    }
  }

  #superseded(request: DeployRequest, machine: Machine): DeployOutcome | undefined {
    const deployed = deployedRevision(machine);
    if (deployed.order <= request.revision.order || deployed.id === request.revision.id) return undefined;
    return {
      kind: 'superseded',
      appName: request.appName,
      hostname: this.hostnameFor(request.appName),
      machineId: machine.id,
      region: machine.region,
      deployedRevisionId: deployed.id,
    };
  }

  #ready(request: DeployRequest, machine: Machine, change: 'created' | 'updated' | 'unchanged'): DeployOutcome {
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
      lease = await this.#client.acquireLease(appName, machine.id, leaseTtlSeconds, 'fly-preview deploy');
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
      log.changing();
      try {
        const updated = await this.#client.updateMachine(appName, machine.id, { region: request.region, config }, lease.nonce);
        log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
        return { machine: updated };
      } catch (error) {
        if (!(error instanceof FlyAmbiguousError)) throw error;
        const after = await this.#client.getMachine(appName, machine.id);
        if (after !== undefined && sameConfig(after.config, config)) {
          log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
          return { machine: after };
        }
        const updated = await this.#client.updateMachine(appName, machine.id, { region: request.region, config }, lease.nonce);
        log.info(`Updated machine ${updated.id} in place (new instance ${updated.instance_id})`);
        return { machine: updated };
      }
    } finally {
      // Best effort: an unreleased lease only delays the next run until its short TTL ends.
      await this.#client.releaseLease(appName, machine.id, lease.nonce).catch(() => undefined);
    }
  }

  /**
   * Waits for this instance to be `started` and, at the same time, `stopped`, so a crash at boot is
   * reported when it happens instead of when wait-timeout runs out. Blocking waits, no polling.
   */
  async #waitForBoot(appName: string, id: string, instanceId: string, deadline: number): Promise<BootResult> {
    const stop = new AbortController();
    const { signal } = stop;
    const watch = async (state: 'started' | 'stopped'): Promise<BootResult> => {
      for (;;) {
        const remainingMs = deadline - this.#now();
        if (remainingMs <= 0) return 'timeout';
        const slice = Math.min(waitSliceSeconds, Math.max(1, Math.ceil(remainingMs / 1000)));
        const result = await this.#client.wait(appName, id, state, instanceId, slice, signal);
        if (result === 'reached') return state;
        if (result !== 'timeout') return result;
      }
    };
    // Most boots take a second or two; the crash watch starts a little later so an ordinary boot
    // costs one request, and a crash is still reported moments after it happens.
    // Once the boot is decided the delay is cut short; what crashWatch then says is not read.
    const crashWatch = delay(crashWatchDelayMs, undefined, { signal }).then(
      () => watch('stopped'),
      (): BootResult => 'timeout',
    );
    const watches = [watch('started'), crashWatch];
    try {
      return await Promise.race(watches);
    } finally {
      stop.abort();
      await Promise.allSettled(watches);
    }
  }

  /** Turns how a boot ended into an outcome, or into the machines to look at again. */
  async #afterBoot(
    request: DeployRequest,
    machine: Machine,
    result: BootResult,
    change: 'created' | 'updated' | 'unchanged',
    log: ProgressLog,
  ): Promise<{ outcome?: DeployOutcome; machines: Machine[] }> {
    const appName = request.appName;
    switch (result) {
      case 'started':
        log.info(`Machine ${machine.id} started (instance ${machine.instance_id})`);
        return { outcome: this.#ready(request, machine, change), machines: [] };
      case 'stopped':
      case 'timeout':
        return { outcome: await this.#failed(request, machine, result), machines: [] };
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

  async #failed(request: DeployRequest, machine: Machine, result: 'stopped' | 'timeout'): Promise<DeployOutcome> {
    const current = (await this.#client.getMachine(request.appName, machine.id)) ?? machine;
    const events = current.events ?? (await this.#client.events(request.appName, machine.id));
    const exit = events.find((e) => e.type === 'exit')?.request?.exit_event;
    const exitCode = exit?.exit_code;
    const seconds = Math.round(request.waitTimeoutMs / 1000);
    const reason =
      result === 'stopped'
        ? `The machine stopped during boot${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exit?.oom_killed === true ? ' (killed: out of memory)' : ''}.`
        : `The machine did not reach "started" within ${seconds} s (wait-timeout); it is "${current.state}".`;
    return {
      kind: 'failed',
      appName: request.appName,
      hostname: this.hostnameFor(request.appName),
      machineId: machine.id,
      region: current.region,
      reason,
      state: current.state,
      exitCode,
      recentEvents: events.slice(0, recentEventCount).reverse().map(describeEvent),
    };
  }
}
