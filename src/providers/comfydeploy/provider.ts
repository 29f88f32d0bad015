// The ComfyDeploy implementation of the preview contract: one serverless machine per preview, built
// from a pinned ComfyUI commit plus the pull request's custom node at its head commit. ComfyDeploy
// has no tags, no unique names and no idempotency keys, and builds run in the background for
// minutes, so: the machine is marked as ours inside its docker_command_steps (which the API stores
// as sent) and must also carry our node's step; every create looks first, and racing creates
// converge on the oldest machine; a build is followed by polling its own version with growing pauses.
import type {
  DeployOutcome,
  DeployRequest,
  DestroyOutcome,
  PreviewInventory,
  PreviewListing,
  PreviewScope,
  PreviewTarget,
  ProgressLog,
  SourceRef,
} from '../../provider.js';
import { pollPause, sleep } from '../../retry.js';
import { ApiAmbiguousError } from '../http.js';
import { supersedes } from '../revision.js';
import { settled } from '../settled.js';
import { ComfyDeployClient, type ComfyDeployClientOptions } from './client.js';
import { cloneFolder, dashboardUrl } from './names.js';
import type { ExtraNode } from './validate.js';
import type {
  BuildLogEntry,
  CreateServerlessMachine,
  DockerCommandSteps,
  DockerStep,
  Machine,
  MachineGpu,
  MachineStatus,
  MachineVersion,
  PreviewMarker,
} from './types.js';

/**
 * What a ComfyDeploy deploy takes: the platform-neutral part of DeployRequest (no image, guest,
 * region or port, which mean nothing here) plus the source and the ComfyUI build settings.
 */
export interface ComfyDeployDeployRequest extends Pick<DeployRequest, 'appName' | 'org' | 'ownerLabels' | 'revision' | 'waitTimeoutMs'> {
  source: SourceRef;
  /** A 40-hex ComfyUI commit (validate.ts checkComfyUiVersion). */
  comfyuiVersion: string;
  gpu: MachineGpu;
  /** Other custom nodes the PR's node needs, installed before it. */
  extraNodes?: readonly ExtraNode[];
  /** Seconds an idle container is kept before it scales to zero (the API's default is 60). */
  idleTimeoutSeconds?: number;
}

/** DeployOutcome plus the page a reviewer opens; a machine has no public hostname of its own. */
export type ComfyDeployOutcome = DeployOutcome & { url: string };

export interface ComfyDeployProviderOptions extends ComfyDeployClientOptions {
  now?: () => number;
  /** Pauses between version polls; the last one repeats. Builds take minutes. */
  pollIntervalsMs?: readonly number[];
  /** Pauses before looking again for a machine whose create answer was lost. */
  lookAgainDelaysMs?: readonly number[];
}

/** The step id of the pull request's own node; extra nodes get `fly-preview-extra-<n>`. */
export const nodeStepId = 'fly-preview-node';
const defaultIdleTimeoutSeconds = 60;
const defaultPollIntervalsMs = [5_000, 10_000, 15_000, 20_000];
const defaultLookAgainDelaysMs = [1_000, 2_000, 4_000];
const maxRounds = 6;
/** Build log lines shown for a failed build. */
const logTailLines = 30;
/** Where a `commands` step clones a repository whose node lives in a sub-folder. */
const scratch = '/tmp/fly-preview-source';
const cloneUrlPattern = /^https:\/\/[A-Za-z0-9._~:/-]+$/;
const commitPattern = /^[0-9a-fA-F]{40}$/;

/** A build that has ended; anything else (building, not-started, starting) is still under way. */
const ended = new Set<MachineStatus>(['ready', 'error']);

/**
 * The request's source is written into Dockerfile lines, so anything but a plain https URL, a full
 * commit and a plain path is refused before any call (src/inputs.ts checks the inputs earlier).
 */
function checkSource(source: SourceRef): void {
  if (!cloneUrlPattern.test(source.repositoryUrl)) throw new Error(`The repository URL "${source.repositoryUrl}" is not a plain https clone URL.`);
  if (!commitPattern.test(source.commit)) throw new Error(`The commit "${source.commit}" is not a 40-hex commit.`);
  if (source.subPath !== '' && !/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(source.subPath)) {
    throw new Error(`The node path "${source.subPath}" is not a plain relative folder.`);
  }
}

/** The folder under custom_nodes the PR's node is installed in: ComfyUI names import failures by it. */
function nodeFolder(source: SourceRef): string {
  return source.subPath === '' ? cloneFolder(source.repositoryUrl) : (source.subPath.split('/').pop() ?? source.subPath);
}

/**
 * A node at the repository root is an ordinary `git-clone` step (utils/docker.py clones, resets to
 * `hash`, installs requirements.txt and runs install.py). A node in a sub-folder has no such step,
 * so the same is written as a `commands` step that copies only that folder.
 */
function nodeStep(source: SourceRef): DockerStep {
  if (source.subPath === '') {
    return { id: nodeStepId, type: 'custom-node', data: { url: source.repositoryUrl, hash: source.commit, install_type: 'git-clone' } };
  }
  const folder = nodeFolder(source);
  return {
    id: nodeStepId,
    type: 'commands',
    data: [
      'WORKDIR /comfyui/custom_nodes',
      `RUN git clone --recursive ${source.repositoryUrl} ${scratch} && git -C ${scratch} reset --hard ${source.commit} && ` +
        `git -C ${scratch} submodule update --init --recursive && cp -r ${scratch}/${source.subPath} /comfyui/custom_nodes/${folder} && rm -rf ${scratch}`,
      `WORKDIR /comfyui/custom_nodes/${folder}`,
      'RUN if [ -f requirements.txt ]; then python -m pip install -r requirements.txt; fi',
      "RUN if [ -f install.py ]; then python install.py || echo 'install script failed'; fi",
    ].join('\n'),
  };
}

function desiredSteps(request: ComfyDeployDeployRequest): DockerStep[] {
  const extras: DockerStep[] = (request.extraNodes ?? []).map((node, i) => ({
    id: `fly-preview-extra-${i + 1}`,
    type: 'custom-node',
    data: { url: node.url, hash: node.commit, install_type: 'git-clone' },
  }));
  return [...extras, nodeStep(request.source)];
}

function desiredCommandSteps(request: ComfyDeployDeployRequest): DockerCommandSteps {
  return {
    steps: desiredSteps(request),
    fly_preview: {
      labels: { ...request.ownerLabels },
      source: request.source.repositoryUrl,
      revision: request.revision.id,
      order: request.revision.order,
    },
  };
}

/** The URL a step installs from: a custom-node step's `url`, or the clone in our own commands step. */
function stepUrl(step: DockerStep): string | undefined {
  if (step.type === 'custom-node') return step.data.url;
  if (step.type === 'commands' && typeof step.data === 'string') return /git clone --recursive (\S+)/.exec(step.data)?.[1];
  return undefined;
}

function stepsOf(machine: Pick<Machine, 'docker_command_steps'>): DockerStep[] {
  const steps = machine.docker_command_steps?.steps;
  return Array.isArray(steps) ? steps : [];
}

function markerOf(machine: Pick<Machine, 'docker_command_steps'>): PreviewMarker | undefined {
  const marker = machine.docker_command_steps?.fly_preview;
  return typeof marker === 'object' && marker !== null && typeof marker.labels === 'object' && marker.labels !== null ? marker : undefined;
}

/**
 * Ours: the marker carries every owner label, and the machine still installs the node the marker
 * names (the step a reviewer sees in the dashboard). A machine of our name without both is someone
 * else's, and is never changed or deleted.
 */
function carries(machine: Machine, labels: Readonly<Record<string, string>>): boolean {
  const marker = markerOf(machine);
  if (marker === undefined || !Object.entries(labels).every(([key, value]) => marker.labels[key] === value)) return false;
  return stepsOf(machine).some((step) => step.id === nodeStepId && stepUrl(step) === marker.source);
}

/** Oldest first, so every run that sees the same machines keeps the same one. */
function oldestFirst(a: Machine, b: Machine): number {
  const at = a.created_at ?? '';
  const bt = b.created_at ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** JSON with sorted keys, so steps compare by content whatever order the API echoes keys in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Whether the machine already builds what this request asks for (the revision order aside). */
function sameBuild(machine: Machine, request: ComfyDeployDeployRequest): boolean {
  const marker = markerOf(machine);
  return (
    marker?.revision === request.revision.id &&
    marker.source === request.source.repositoryUrl &&
    (machine.comfyui_version ?? '').toLowerCase() === request.comfyuiVersion.toLowerCase() &&
    machine.gpu === request.gpu &&
    canonical(stepsOf(machine)) === canonical(desiredSteps(request))
  );
}

/** build_log and import_failed_logs are JSON text of `[{logs, timestamp}]`; plain text is read line by line. */
export function logLines(text: string | null | undefined): string[] {
  if (text === null || text === undefined || text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.split(/\r?\n/).filter((line) => line.trim() !== '');
  }
  if (!Array.isArray(parsed)) return typeof parsed === 'string' ? [parsed] : [];
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const logs = (entry as Partial<BuildLogEntry> | null)?.logs;
    return typeof logs === 'string' ? logs.split(/\r?\n/) : [];
  });
}

/** The custom-node folder of a ComfyUI line like `0.3 seconds (IMPORT FAILED): /comfyui/custom_nodes/Foo`. */
export function failedNode(line: string): string | undefined {
  const path = /\(IMPORT FAILED\)\s*:?\s*(\S.*)$/.exec(line)?.[1]?.trim();
  if (path === undefined) return undefined;
  return path.replace(/\/+$/, '').split('/').pop();
}

type WaitResult = { kind: 'ended'; version: MachineVersion } | { kind: 'timeout'; version: MachineVersion | undefined } | { kind: 'gone' };

export class ComfyDeployProvider {
  readonly #client: ComfyDeployClient;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #pollIntervalsMs: readonly number[];
  readonly #lookAgainDelaysMs: readonly number[];

  constructor(options: ComfyDeployProviderOptions) {
    this.#client = new ComfyDeployClient(options);
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
    this.#pollIntervalsMs = options.pollIntervalsMs ?? defaultPollIntervalsMs;
    this.#lookAgainDelaysMs = options.lookAgainDelaysMs ?? defaultLookAgainDelaysMs;
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  /** A machine has no hostname; its page (dashboardUrl) is known only once it exists. */
  hostnameFor(_appName: string): string | undefined {
    return undefined;
  }

  async deploy(request: ComfyDeployDeployRequest, log: ProgressLog): Promise<ComfyDeployOutcome> {
    checkSource(request.source);
    const deadline = this.#now() + request.waitTimeoutMs;
    let machine = await this.#ourMachine(request.appName, request.ownerLabels, log);
    let change: 'created' | 'updated' | 'unchanged' = 'unchanged';
    for (let round = 1; round <= maxRounds; round++) {
      let versionId: string | null | undefined;
      let justStarted = false;
      if (machine === undefined) {
        const created = await this.#create(request, log);
        machine = created.machine;
        if (created.kind === 'created' || created.lostOurs) change = 'created';
        if (created.kind === 'created') {
          versionId = machine.machine_version_id;
          justStarted = true;
        }
      }
      if (versionId === undefined) {
        const marker = markerOf(machine);
        if (marker !== undefined && supersedes({ id: marker.revision, order: marker.order }, request.revision)) {
          log.info(`Machine ${machine.id} already builds ${marker.revision.slice(0, 7)}, newer than this run's revision; leaving it`);
          return { kind: 'superseded', ...this.#place(request, machine.id), deployedRevisionId: marker.revision };
        }
        const same = sameBuild(machine, request);
        const current = same && machine.machine_version_id ? await this.#client.getVersion(machine.id, machine.machine_version_id) : undefined;
        if (current?.status === 'ready') {
          log.info(`Machine ${machine.id} already runs this revision (version ${current.version}); nothing to change`);
          return this.#readyOrImportFailed(request, machine, current, change);
        }
        if (current !== undefined && !ended.has(current.status)) {
          // Another run of this revision (or our own lost create or update) started this build: follow it.
          versionId = current.id;
        } else {
          // Also when the same build failed: a re-run asks for a rebuild of it.
          machine = await this.#update(request, machine, same, log);
          change = 'updated';
          versionId = machine.machine_version_id;
          justStarted = true;
        }
      }
      if (versionId === undefined || versionId === null) throw new Error(`ComfyDeploy answered without a machine_version_id for machine ${machine.id}; cannot follow its build.`);

      const result = await this.#wait(machine.id, versionId, deadline, justStarted, request.waitTimeoutMs);
      const now = await this.#client.getMachine(machine.id);
      if (now === undefined) {
        // Deleted under us: by a racing run converging on an older machine, or by the PR's close.
        const older = await this.#ourMachine(request.appName, request.ownerLabels, log);
        if (older === undefined) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while it was building (was the preview destroyed meanwhile?).`);
        log.info(`Machine ${machine.id} was deleted by another run; continuing with machine ${older.id}`);
        machine = older;
        continue;
      }
      machine = now;
      if (now.machine_version_id !== versionId) {
        const marker = markerOf(now);
        if (marker !== undefined && supersedes({ id: marker.revision, order: marker.order }, request.revision)) {
          log.info(`Machine ${now.id} was updated to ${marker.revision.slice(0, 7)} by a newer run while this build ran`);
          return { kind: 'superseded', ...this.#place(request, now.id), deployedRevisionId: marker.revision };
        }
        log.info(`Machine ${now.id} was rebuilt by another run (version ${now.machine_version_id ?? 'none'}); looking again`);
        continue;
      }
      if (result.kind === 'ended' && result.version.status === 'ready') return this.#readyOrImportFailed(request, now, result.version, change);
      return this.#failed(request, now, result);
    }
    throw new Error(`Gave up after ${maxRounds} rounds: other runs kept changing ComfyDeploy machine ${request.appName}. Re-run the job.`);
  }

  async destroy(target: PreviewTarget, log: ProgressLog): Promise<DestroyOutcome> {
    const named = await this.#client.findMachines(target.appName);
    const ours = named.filter((m) => carries(m, target.ownerLabels));
    const foreign = named.filter((m) => !carries(m, target.ownerLabels));
    if (named.length === 0) return { kind: 'absent', appName: target.appName };
    const results = await settled<('deleted' | 'absent')[]>(ours.map((m) => this.#delete(m, log)));
    const deleted = ours.filter((_, i) => results[i] === 'deleted').map((m) => m.id);
    if (foreign.length > 0) {
      log.warning(
        `ComfyDeploy machines named ${target.appName} that fly-preview did not create were left standing: ${foreign.map((m) => m.id).join(', ')}.` +
          (ours.length === 0 ? ' This preview had no machine of its own.' : ''),
      );
      return { kind: 'machines-destroyed', appName: target.appName, machineIds: deleted, foreignMachines: foreign.map((m) => ({ id: m.id, name: m.name })) };
    }
    if (deleted.length === 0) return { kind: 'absent', appName: target.appName };
    log.info(`Deleted ComfyDeploy machine${deleted.length === 1 ? '' : 's'} ${deleted.join(', ')} (${target.appName})`);
    return { kind: 'app-destroyed', appName: target.appName, machineIds: deleted };
  }

  /**
   * This organisation's previews whose marker matches every entry of `match`, with the values of
   * `labelKeys`: one paged listing, nothing else.
   */
  /**
   * Machines whose marker carries every scope label, with the values of the scope's keys; one listing
   * per machine name. Machines have no organisation parameter: the token decides.
   */
  async listPreviews(scope: PreviewScope, log: ProgressLog): Promise<PreviewInventory> {
    const machines = await this.#client.listMachines();
    const byName = new Map<string, PreviewListing>();
    for (const m of machines.filter((machine) => carries(machine, scope.labels))) {
      const marker = markerOf(m) as PreviewMarker;
      const listing = byName.get(m.name) ?? { appName: m.name, machines: [] };
      listing.machines.push({
        id: m.id,
        labels: Object.fromEntries(
          [...new Set([...Object.keys(scope.labels), ...scope.keys])].flatMap((key) => (marker.labels[key] === undefined ? [] : [[key, marker.labels[key]]])),
        ),
        createdAt: m.created_at ?? '',
        updatedAt: m.updated_at,
      });
      byName.set(m.name, listing);
    }
    log.debug(`Looked at ${machines.length} ComfyDeploy machines; ${byName.size} are previews in scope`);
    return { previews: [...byName.values()], appsExamined: machines.length, appsLeftAlone: machines.length - [...byName.values()].reduce((n, l) => n + l.machines.length, 0) };
  }

  /** ComfyDeploy has no leases: a machine whose build is still under way is the nearest thing, since a run follows it. */
  async busy(_appName: string, machineIds: readonly string[]): Promise<boolean> {
    const machines = await settled<(Machine | undefined)[]>(machineIds.map((id) => this.#client.getMachine(id)));
    return machines.some((m) => m !== undefined && (m.status === 'building' || m.status === 'not-started' || m.status === 'starting'));
  }

  #place(request: ComfyDeployDeployRequest, machineId: string) {
    return { appName: request.appName, hostname: '', machineId, region: '', url: dashboardUrl(machineId) };
  }

  /**
   * Our machine of this name, or undefined. Several of ours (racing creates: names are not unique)
   * converge on the oldest and the rest are deleted; a machine of our name that is not ours stops
   * the run, since a second machine of the same name would confuse every reviewer.
   */
  async #ourMachine(name: string, labels: Readonly<Record<string, string>>, log: ProgressLog): Promise<Machine | undefined> {
    const named = await this.#client.findMachines(name);
    const ours = named.filter((m) => carries(m, labels)).sort(oldestFirst);
    if (ours.length === 0 && named.length > 0) {
      throw new Error(
        `ComfyDeploy already has a machine named "${name}" that fly-preview did not create for this pull request ` +
          `(${named.map((m) => m.id).join(', ')}); it was left untouched. Choose another name with the app-name input.`,
      );
    }
    const [oldest, ...newer] = ours;
    if (newer.length > 0) {
      log.changing();
      await settled(newer.map((m) => this.#delete(m, log)));
      log.info(`Racing runs created ${ours.length} machines named ${name}; kept the oldest (${oldest?.id ?? ''}) and deleted ${newer.map((m) => m.id).join(', ')}`);
    }
    return oldest;
  }

  async #lookAgain(name: string, labels: Readonly<Record<string, string>>, log: ProgressLog): Promise<Machine | undefined> {
    for (const delayMs of [0, ...this.#lookAgainDelaysMs]) {
      if (delayMs > 0) await this.#sleep(delayMs);
      const found = await this.#ourMachine(name, labels, log);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  async #create(
    request: ComfyDeployDeployRequest,
    log: ProgressLog,
  ): Promise<{ kind: 'created'; machine: Machine } | { kind: 'found'; machine: Machine; lostOurs: boolean }> {
    const body: CreateServerlessMachine = {
      name: request.appName,
      gpu: request.gpu,
      comfyui_version: request.comfyuiVersion,
      docker_command_steps: desiredCommandSteps(request),
      keep_warm: 0,
      idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
    };
    log.changing();
    let created: Machine;
    try {
      created = await this.#client.createMachine(body);
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      log.info(`The answer to creating ComfyDeploy machine ${request.appName} was lost (${error.detail}); looking before creating again`);
      const made = await this.#lookAgain(request.appName, request.ownerLabels, log);
      if (made !== undefined) return { kind: 'found', machine: made, lostOurs: true };
      created = await this.#client.createMachine(body);
    }
    log.info(`Created ComfyDeploy machine ${created.id} (${request.appName}), build ${created.machine_version_id ?? 'pending'}`);
    // The API does not refuse a second machine of the same name, so a racing run may have made one
    // too: every run keeps the oldest, and a run whose machine is newer deletes its own.
    const oldest = await this.#ourMachine(request.appName, request.ownerLabels, log);
    if (oldest === undefined || oldest.id === created.id) return { kind: 'created', machine: created };
    log.info(`Machine ${oldest.id} of another run is older; continuing with it`);
    return { kind: 'found', machine: oldest, lostOurs: false };
  }

  async #update(request: ComfyDeployDeployRequest, machine: Machine, rebuildSame: boolean, log: ProgressLog): Promise<Machine> {
    const body = {
      gpu: request.gpu,
      comfyui_version: request.comfyuiVersion,
      docker_command_steps: desiredCommandSteps(request),
      idle_timeout: request.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds,
      ...(rebuildSame ? { is_trigger_rebuild: true } : {}),
    };
    log.changing();
    let updated: Machine;
    try {
      updated = await this.#client.updateMachine(machine.id, body);
    } catch (error) {
      if (!(error instanceof ApiAmbiguousError)) throw error;
      // Looking first also keeps a machine deleted meanwhile from being rebuilt (PATCH does not check `deleted`).
      const after = await this.#client.getMachine(machine.id);
      if (after === undefined) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
      if (after.machine_version_id !== machine.machine_version_id && canonical(after.docker_command_steps) === canonical(body.docker_command_steps)) {
        log.info(`The answer to updating machine ${machine.id} was lost, but the update went through`);
        return after;
      }
      updated = await this.#client.updateMachine(machine.id, body);
    }
    if (updated.deleted === true) throw new Error(`ComfyDeploy machine ${machine.id} was deleted while this run updated it (was the preview destroyed meanwhile?).`);
    log.info(`Updated ComfyDeploy machine ${machine.id}: build ${updated.machine_version_id ?? 'pending'}`);
    return updated;
  }

  /** Deletes a machine, first setting keep_warm to 0 when the API asks for it (a reviewer may have raised it). */
  async #delete(machine: Machine, log: ProgressLog): Promise<'deleted' | 'absent'> {
    log.changing();
    const first = await this.#client.deleteMachine(machine.id);
    if (first !== 'keep-warm') return first;
    log.info(`Machine ${machine.id} is kept warm; setting keep_warm to 0 before deleting it`);
    await this.#client.updateMachine(machine.id, { keep_warm: 0 });
    const second = await this.#client.deleteMachine(machine.id);
    if (second === 'keep-warm') throw new Error(`ComfyDeploy refused to delete machine ${machine.id} while it is kept warm.`);
    return second;
  }

  /**
   * Polls the build's own version (not the machine, whose status overlapping builds overwrite) with
   * growing pauses until it has ended or the deadline passes. A build this run just started is
   * known to be building, so the first look waits a pause.
   */
  async #wait(machineId: string, versionId: string, deadline: number, justStarted: boolean, budgetMs: number): Promise<WaitResult> {
    const pauseFor = (poll: number): number => pollPause(this.#pollIntervalsMs, poll, budgetMs);
    if (justStarted) await this.#sleep(Math.min(pauseFor(0), Math.max(0, deadline - this.#now())));
    for (let poll = justStarted ? 1 : 0; ; poll++) {
      const version = await this.#client.getVersion(machineId, versionId);
      if (version === undefined) return { kind: 'gone' };
      if (ended.has(version.status)) return { kind: 'ended', version };
      const remaining = deadline - this.#now();
      if (remaining <= 0) return { kind: 'timeout', version };
      await this.#sleep(Math.min(pauseFor(poll), remaining));
    }
  }

  /**
   * A build can end `ready` while ComfyUI failed to import a node: its log says `(IMPORT FAILED)`.
   * The machine's import_failed_logs is read too, but only when the machine still points at this
   * build (it describes the machine's latest build) and it may be null.
   */
  #readyOrImportFailed(request: ComfyDeployDeployRequest, machine: Machine, version: MachineVersion, change: 'created' | 'updated' | 'unchanged'): ComfyDeployOutcome {
    const lines = logLines(version.build_log);
    const fromMachine = machine.machine_version_id === version.id ? logLines(machine.import_failed_logs) : [];
    const failedLines = [...new Set([...lines, ...fromMachine].filter((line) => line.includes('(IMPORT FAILED)')))];
    if (failedLines.length === 0) {
      return { kind: 'ready', change, ...this.#place(request, machine.id) };
    }
    const nodes = [...new Set(failedLines.map(failedNode).filter((n): n is string => n !== undefined && n !== ''))];
    const ownFolder = nodeFolder(request.source);
    const named = nodes.map((n) => (n === ownFolder ? `${n} (this pull request's node)` : `${n} (from custom-nodes)`));
    const reason =
      `The build is ready, but ComfyUI could not import custom node${nodes.length === 1 ? '' : 's'} ${named.join(', ') || 'unknown'} (IMPORT FAILED); ` +
      'the lines about it from the build log follow.';
    // ComfyUI names the folder in the traceback lines too ("Cannot import /comfyui/custom_nodes/<node> module ...").
    const related = lines.filter((line) => line.includes('(IMPORT FAILED)') || nodes.some((n) => line.includes(`custom_nodes/${n}`)));
    const recentEvents = [...new Set([...related, ...failedLines])].slice(-logTailLines);
    return { kind: 'failed', ...this.#place(request, machine.id), reason, state: 'import-failed', exitCode: undefined, recentEvents };
  }

  #failed(request: ComfyDeployDeployRequest, machine: Machine, result: WaitResult): ComfyDeployOutcome {
    const place = this.#place(request, machine.id);
    if (result.kind === 'gone') {
      return { kind: 'failed', ...place, reason: 'The build this run followed is gone from ComfyDeploy.', state: 'unknown', exitCode: undefined, recentEvents: [] };
    }
    if (result.kind === 'timeout') {
      const version = result.version;
      return {
        kind: 'failed',
        ...place,
        reason:
          `The build did not finish within ${Math.round(request.waitTimeoutMs / 1000)} s (wait-timeout); it is ${version?.status ?? 'unknown'}. ` +
          'ComfyDeploy builds take minutes: raise wait-timeout, or re-run the job to follow the same build.',
        state: version?.status ?? 'unknown',
        exitCode: undefined,
        recentEvents: [],
      };
    }
    const version = result.version;
    const tail = logLines(version.build_log).slice(-logTailLines);
    return {
      kind: 'failed',
      ...place,
      reason: `The build failed (version ${version.version} ended in ${version.status}); the end of its build log follows.`,
      state: version.status,
      exitCode: undefined,
      recentEvents: tail,
    };
  }
}
