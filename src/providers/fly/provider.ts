// The Fly implementation of PreviewProvider: one app and one machine per preview, found again by
// the owner labels in machine metadata, updated in place under a lease, and waited on with the
// API's blocking /wait. Racing runs converge without talking to each other: the oldest machine
// wins, and a newer revision is never replaced by an older one. The rules of the real API it
// follows are in test/sim/FLY_API.md, each with its source in fly-go or flyctl.
//
// This file only sequences the phases of a deploy, as flyctl's internal/command/deploy does with
// one file per phase: app.ts (app, org, IPs), secrets.ts, volumes.ts, release.ts, machines.ts
// (converge under leases, region moves), readiness.ts (boot, smoke window, checks); destroy.ts and
// inventory.ts serve close and the sweep, wake.ts a review's start. Everything they share is the FlyContext (context.ts).
import type {
  DeployDetails,
  DeployOutcome,
  DeployRequest,
  DestroyOutcome,
  PreviewInventory,
  PreviewProvider,
  PreviewScope,
  PreviewTarget,
  ProgressLog,
  ProviderTexts,
  ReleaseDetail,
  WakeOutcome,
} from '../../provider.js';
import { settled } from '../settled.js';
import { ensureApp, ensureIps } from './app.js';
import { planPreview, type AppConfig, type PlanOverrides } from './appconfig/index.js';
import { flyContext, type FlyContext } from './context.js';
import { destroy } from './destroy.js';
import { anyChanges, groupRequests, hostnameFor, superseded, type GroupRequest } from './group.js';
import type { FlyHttpOptions } from './http.js';
import { busy, listPreviews } from './inventory.js';
import { deployGroup, dropGroups } from './machines.js';
import { carries, gone, groupOf, releaseGroup } from './metadata.js';
import { Phases } from './phases.js';
import { releaseStep } from './release.js';
import { syncSecrets } from './secrets.js';
import { volumesFor } from './volumes.js';
import { wake } from './wake.js';

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

export class FlyProvider implements PreviewProvider {
  // A deploy holds a lease on each machine it changes (fly-go flaps/flaps_machines.go AcquireLease).
  readonly texts: ProviderTexts = { urlAccess: undefined, busy: "a deploy holds its machine's lease" };
  readonly #ctx: FlyContext;
  readonly #appConfig: AppConfig | undefined;
  readonly #overrides: PlanOverrides | undefined;

  constructor(options: FlyProviderOptions) {
    this.#ctx = flyContext(options);
    this.#appConfig = options.appConfig;
    this.#overrides = options.overrides;
  }

  listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    return listPreviews(this.#ctx, scope, log);
  }

  busy(appName: string, machineIds: readonly string[]): Promise<boolean> {
    return busy(this.#ctx, appName, machineIds);
  }

  close(): Promise<void> {
    return this.#ctx.client.close();
  }

  hostnameFor(appName: string): string {
    return hostnameFor(appName);
  }

  destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    return destroy(this.#ctx, target, log);
  }

  wake(target: PreviewTarget, waitTimeoutMs: number, log: ProgressLog): Promise<WakeOutcome> {
    return wake(this.#ctx, target, waitTimeoutMs, log);
  }

  async deploy(request: DeployRequest, log: ProgressLog): Promise<DeployOutcome> {
    const ctx = this.#ctx;
    const deadline = ctx.now() + request.waitTimeoutMs;
    const plan = planPreview(this.#appConfig, this.#overrides ?? overridesFrom(request));
    const phases = new Phases(ctx.now);
    const app = await phases.time('app', () => ensureApp(ctx, request, log));
    const appName = request.appName;
    const wantsVolumes = plan.groups.some((g) => g.volumes.length > 0);
    // A fresh app has no IPs, machines or volumes: nothing to look up.
    const [listed, volumes] = await settled([
      app.fresh ? Promise.resolve([]) : ctx.client.listMachines(appName).then((l) => l ?? []),
      app.fresh || !wantsVolumes ? Promise.resolve([]) : ctx.client.listVolumes(appName),
      phases.time('IPs', () => ensureIps(ctx, appName, app, log)),
    ]);
    const ours = listed.filter((m) => !gone(m) && carries(m, request.ownerLabels));
    const defaultGroup = (plan.groups.find((g) => g.name === 'app') ?? plan.groups[0])?.name ?? 'app';
    const appGroups = ours.filter((m) => groupOf(m, defaultGroup) !== releaseGroup);
    // A newer revision already deployed is left in place, its secrets, volumes and data included.
    for (const m of appGroups) {
      const newer = superseded(request, m);
      if (newer !== undefined) return newer;
    }

    const secrets = await syncSecrets(ctx, request, appGroups, plan.groups.map((g) => g.name), defaultGroup, log);
    const mounts = await volumesFor(ctx, request, plan, appGroups, volumes, defaultGroup, log);
    const groups = groupRequests(request, plan, { defaultGroup, secrets, mounts, volumes, phases });
    const release = await releaseStep(ctx, request, plan, app, secrets, anyChanges(groups, appGroups), phases, log);
    if (release.failed !== undefined) return { ...release.failed, details: { groups: [], checks: [], release: release.detail, phasesMs: phases.list() } };

    const outcomes = await settled(groups.map((g) => deployGroup(ctx, g, appGroups, deadline, app, log)));
    phases.merge(groups.map((g) => g.phases));
    const details = report(groups, outcomes, release.detail, phases);
    const main = groups.findIndex((g) => g.group === defaultGroup);
    const chosen = outcomes.find((o) => o.kind === 'failed') ?? outcomes.find((o) => o.kind === 'superseded') ?? (outcomes[main] as DeployOutcome);
    if (chosen.kind === 'ready') await dropGroups(ctx, request, appGroups, new Set(groups.map((g) => g.group)), defaultGroup, log);
    return { ...chosen, details };
  }
}

/** What the deploy reports of each group: its machine, its health checks, the release command, the phases' times. */
function report(groups: GroupRequest[], outcomes: DeployOutcome[], release: ReleaseDetail | undefined, phases: Phases): DeployDetails {
  return {
    groups: groups.map((g, i) => {
      const o = outcomes[i] as DeployOutcome;
      return { name: g.group, machineId: o.machineId, region: o.region, state: o.kind === 'failed' ? o.state : o.kind === 'superseded' ? 'kept' : (g.seen?.state ?? 'started') };
    }),
    checks: groups.flatMap((g) => (g.seen?.checks ?? []).map((c) => ({ group: g.group, name: c.name, status: c.status, output: c.output ?? '' }))),
    ...(release === undefined ? {} : { release }),
    phasesMs: phases.list(),
  };
}
