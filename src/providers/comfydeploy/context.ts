// What a ComfyDeploy deploy is asked for and what it answers, and the one context every phase takes:
// the client, the clock and the pauses.
import type { DeployOutcome, DeployRequest, SourceRef } from '../../provider.js';
import { phaseContext, type PhaseContext } from '../polling.js';
import { ComfyDeployClient, type ComfyDeployClientOptions } from './client.js';
import { dashboardUrl } from './names.js';
import type { MachineGpu } from './types.js';
import type { ExtraNode } from './validate.js';

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

const defaultPollIntervalsMs = [5_000, 10_000, 15_000, 20_000];
const defaultLookAgainDelaysMs = [1_000, 2_000, 4_000];

export type ComfyDeployContext = PhaseContext<ComfyDeployClient>;

export function comfyDeployContext(options: ComfyDeployProviderOptions): ComfyDeployContext {
  return phaseContext(new ComfyDeployClient(options), options, {
    pollIntervalsMs: defaultPollIntervalsMs,
    lookAgainDelaysMs: defaultLookAgainDelaysMs,
  });
}

/** Where an outcome points: the machine and its dashboard page (no hostname, no region). */
export function place(request: ComfyDeployDeployRequest, machineId: string) {
  return { appName: request.appName, hostname: '', machineId, region: '', url: dashboardUrl(machineId) };
}
