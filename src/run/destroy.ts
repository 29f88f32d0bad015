// Removing one PR's preview, the one way every run does it: its close event, `/preview destroy`,
// and a sweep. Only machines carrying its owner labels are deleted, and the PR is told what went
// and what was kept.
import * as core from '@actions/core';
import type { PreviewView } from '../github/index.js';
import type { PullRequest } from '../plan.js';
import type { DestroyOutcome, PreviewProvider, PreviewTarget } from '../provider.js';
import type { Report } from '../report.js';
import { log } from './log.js';
import { setOutputs } from './outputs.js';

/** Why a preview went, when not its own close run. */
export type DestroyCause = NonNullable<Extract<PreviewView, { state: 'destroyed' }>['cause']>;

/** Deletes the preview and says so on its PR; `absent` when there was nothing left to delete. */
export async function removePreview(provider: PreviewProvider, report: Report, target: PreviewTarget, pr: PullRequest, cause?: DestroyCause): Promise<DestroyOutcome> {
  const outcome = await provider.destroy(target, log);
  const keptMachines = outcome.kind === 'machines-destroyed' ? outcome.foreignMachines.map((m) => `${m.id} (${m.name})`) : [];
  await report.closed({ state: 'destroyed', appName: target.appName, sha: pr.headSha, keptMachines, ...(cause === undefined ? {} : { cause }) }, outcome.kind !== 'absent');
  return outcome;
}

/** A run that destroys one PR's preview: the outputs and the notice say what happened. */
export async function destroy(provider: PreviewProvider, report: Report, target: PreviewTarget, pr: PullRequest, cause?: DestroyCause): Promise<void> {
  const outcome = await removePreview(provider, report, target, pr, cause);
  setOutputs({ status: 'destroyed', appName: target.appName });
  core.notice(destroyNotice(outcome, target.appName));
}

function destroyNotice(outcome: DestroyOutcome, appName: string): string {
  switch (outcome.kind) {
    case 'absent':
      return `Preview app ${appName} was already gone; nothing to destroy.`;
    case 'app-destroyed':
      return `Preview destroyed: app ${appName}.`;
    case 'machines-destroyed':
      return outcome.machineIds.length === 0
        ? `App ${appName} holds no machine of this preview any more; nothing to destroy, and its other machines were left alone.`
        : `Preview destroyed: machines ${outcome.machineIds.join(', ')}.`;
  }
}
