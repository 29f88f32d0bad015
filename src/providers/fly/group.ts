// One process group's share of a deploy: the request the converge loop works on, the group's
// machines among the app's, and the outcomes a group ends in.
import type { DeployOutcome, DeployRequest } from '../../provider.js';
import { supersedes } from '../revision.js';
import type { PreviewPlan } from './appconfig/index.js';
import type { FlyContext } from './context.js';
import { orderKey, sameConfig, type DesiredConfig } from './desired.js';
import { byAge, carries, deployedRevision, gone, groupOf, revisionKey } from './metadata.js';
import type { Phases } from './phases.js';
import type { SyncedSecrets } from './secrets.js';
import type { Machine, Volume } from './types.js';

/** One process group's share of a deploy: what the converge loop works on. */
export interface GroupRequest extends DeployRequest {
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

/** What a ready deploy did to the group's machine. */
export type Change = Extract<DeployOutcome, { kind: 'ready' }>['change'];

/** What every group of one deploy shares. */
export interface GroupsShared {
  defaultGroup: string;
  secrets: SyncedSecrets;
  /** Group name → the volume its machine mounts. */
  mounts: Map<string, string>;
  volumes: Volume[];
  phases: Phases;
}

/** Each planned group's request: its fly.toml config with this deploy's image, env, metadata and volume. */
export function groupRequests(request: DeployRequest, plan: PreviewPlan, shared: GroupsShared): GroupRequest[] {
  const { defaultGroup, secrets, mounts, volumes, phases } = shared;
  return plan.groups.map((g): GroupRequest => {
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
}

/** Whether any group's machine will get a new config (or a first machine) from this deploy. */
export function anyChanges(groups: GroupRequest[], ours: Machine[]): boolean {
  return groups.some((g) => {
    const [keep] = ours.filter((m) => groupOf(m, g.defaultGroup) === g.group && m.region === g.region).sort(byAge);
    return keep === undefined || !sameConfig(keep.config, g.config);
  });
}

export const secretsVersion = (request: GroupRequest): { min_secrets_version?: number } =>
  request.minSecretsVersion === undefined ? {} : { min_secrets_version: request.minSecretsVersion };

/** This group's machines among `machines`, oldest first. */
export function ours(request: GroupRequest, machines: Machine[]): Machine[] {
  return machines.filter((m) => !gone(m) && carries(m, request.ownerLabels) && groupOf(m, request.defaultGroup) === request.group).sort(byAge);
}

export async function ourMachines(ctx: FlyContext, request: GroupRequest): Promise<Machine[]> {
  return ours(request, (await ctx.client.listMachines(request.appName)) ?? []);
}

export function hostnameFor(appName: string): string {
  return `${appName}.fly.dev`;
}

/**
 * A machine already carrying another revision with a newer order is left alone. Two revisions can
 * carry the same order (one PR `updated_at`, as in GitHub's own example payloads): then the one
 * already deployed stays, so such runs never replace each other back and forth.
 */
export function superseded(request: Pick<DeployRequest, 'appName' | 'revision'>, machine: Machine): DeployOutcome | undefined {
  const deployed = deployedRevision(machine);
  if (!supersedes(deployed, request.revision)) return undefined;
  return {
    kind: 'superseded',
    appName: request.appName,
    hostname: hostnameFor(request.appName),
    machineId: machine.id,
    region: machine.region,
    deployedRevisionId: deployed.id,
  };
}

export function ready(request: GroupRequest, machine: Machine, change: Change): DeployOutcome {
  request.seen = machine;
  return {
    kind: 'ready',
    appName: request.appName,
    hostname: hostnameFor(request.appName),
    machineId: machine.id,
    region: machine.region,
    change,
  };
}
