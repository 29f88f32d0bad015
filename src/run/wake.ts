// A review started: the PR's preview is woken so the reviewer meets no cold start. Nothing is
// deployed. The comment is rendered again from the view it keeps (src/github/comment.ts), with when
// the preview was last woken added; a comment that keeps no view is left as it is.
import * as core from '@actions/core';
import type { PullRequest } from '../plan.js';
import type { PreviewProvider, PreviewTarget, WakeOutcome } from '../provider.js';
import { previewUrl, type Report } from '../report.js';
import { log } from './log.js';
import { setOutputs } from './outputs.js';

/** Wakes one PR's preview; false when it would not come up (the step is then marked failed). */
export async function wakePreview(provider: PreviewProvider, report: Report, target: PreviewTarget, pr: PullRequest, waitTimeoutMs: number): Promise<boolean> {
  const began = Date.now();
  const outcome = await provider.wake(target, waitTimeoutMs, log);
  const appName = target.appName;
  switch (outcome.kind) {
    case 'absent':
      setOutputs({ status: 'skipped', appName });
      core.notice(`PR #${pr.number} has no preview to wake (app ${appName}); nothing to do.`);
      return true;
    case 'unsupported':
    case 'busy':
      setOutputs({ status: 'skipped', appName });
      core.notice(`Nothing to wake for PR #${pr.number}: ${outcome.reason}.`);
      return true;
    case 'failed':
      setOutputs({ status: 'failed', appName });
      core.setFailed(`Could not wake the preview of PR #${pr.number} (app ${appName}): ${outcome.reason}.`);
      return false;
    case 'awake':
      await awake(provider, report, outcome, pr, Date.now() - began);
      return true;
  }
}

async function awake(provider: PreviewProvider, report: Report, outcome: Extract<WakeOutcome, { kind: 'awake' }>, pr: PullRequest, tookMs: number): Promise<void> {
  const hostname = provider.hostnameFor(outcome.appName);
  const url = previewUrl({ hostname });
  setOutputs({ status: 'woken', appName: outcome.appName, hostname, url, machineId: outcome.machineIds[0] ?? '' });
  const started = outcome.started.map((s) => `${s.id} (was ${s.from})`).join(', ');
  core.notice(
    outcome.started.length === 0
      ? `The preview of PR #${pr.number} is already running${url === undefined ? '' : ` at ${url}`}; nothing to wake.`
      : `Woke the preview of PR #${pr.number} for its review in ${(tookMs / 1000).toFixed(1)} s: started ${started}${url === undefined ? '' : `; ${url}`}.`,
  );
  const shown = await report.lastShown();
  if (shown === undefined || (shown.view.state !== 'ready' && shown.view.state !== 'superseded')) {
    core.info('The PR comment shows no live preview to add the wake to; left as it is.');
    return;
  }
  await report.refresh({ ...shown.view, woken: { at: new Date().toISOString(), started: outcome.started.length } }, shown.order);
}
