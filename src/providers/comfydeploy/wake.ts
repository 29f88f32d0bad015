// Waking a preview for a review, on ComfyDeploy: there is nothing to wake. A preview's machine is
// created with `keep_warm: 0` (machine.ts), so no container runs between workflow runs and each run
// starts its own GPU container; keeping one warm would be paid by the hour. The run says so and skips.
import type { PreviewTarget, WakeOutcome } from '../../provider.js';

export function wake(target: PreviewTarget): WakeOutcome {
  return {
    kind: 'unsupported',
    appName: target.appName,
    reason:
      'ComfyDeploy machines are serverless (this action creates them with keep_warm: 0): a container starts for each workflow run and none sleeps in between, so there is nothing to wake.',
  };
}
