// A destroy of one PR's preview (its close event, `/preview destroy`): only machines carrying its
// owner labels are deleted, and the PR is told what was kept.
import * as core from '@actions/core';
import type { PullRequest } from '../plan.js';
import type { PreviewProvider, PreviewTarget } from '../provider.js';
import type { Report } from '../report.js';
import { log } from './log.js';
import { setOutputs } from './outputs.js';

export async function destroy(provider: PreviewProvider, report: Report, target: PreviewTarget, pr: PullRequest): Promise<void> {
  const outcome = await provider.destroy(target, log);
  const keptMachines = outcome.kind === 'machines-destroyed' ? outcome.foreignMachines.map((m) => `${m.id} (${m.name})`) : [];
  await report.closed({ state: 'destroyed', appName: target.appName, sha: pr.headSha, keptMachines }, outcome.kind !== 'absent');
  setOutputs({ status: 'destroyed', appName: target.appName });
  core.notice(
    outcome.kind === 'absent'
      ? `Preview app ${target.appName} was already gone; nothing to destroy.`
      : `Preview destroyed: ${outcome.kind === 'app-destroyed' ? `app ${target.appName}` : `machines ${outcome.machineIds.join(', ')}`}.`,
  );
}
