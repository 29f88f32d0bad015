// What a run prints of what it did not write itself: platform lines and error messages.
import * as core from '@actions/core';
import type { ProgressLog } from '../provider.js';

/** Lines from APIs must not be read by the runner as workflow commands (`::set-output` and the like). */
export const neutralise = (text: string): string => text.replace(/^(\s*)::/gm, '$1: :');

/** The platform's progress, as the job log shows it. */
export const log: ProgressLog = {
  info: (message) => core.info(neutralise(message)),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  changing: () => {},
};

export { errorMessage } from '../error-message.js';
