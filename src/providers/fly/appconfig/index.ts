// fly.toml for the preview: read it (inputs.ts, before any call), plan it (the deploy).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from './config.js';
import { parseAppConfig } from './parse.js';

export { AppConfigError, type AppConfig, type AutostopMode } from './config.js';
export { parseAppConfig } from './parse.js';
export { cpusPerKind, machinePresets, processNames, toMachineConfig, toReleaseMachineConfig } from './machines.js';
export { GuestSizeError, planPreview, defaultInternalPort, type GroupPlan, type PlanOverrides, type PreviewPlan, type ReleasePlan, type VolumePlan } from './plan.js';
export { shlexSplit } from './shlex.js';

/**
 * Reads and parses the fly.toml at `path`. Files it names (`[[files]] local_path`, a
 * `machine_config` .json) are read relative to its folder, where `fly deploy` is usually run.
 * Throws the fs error when the file cannot be read, AppConfigError when it is not a valid config.
 */
export function loadAppConfig(path: string, shownAs: string): AppConfig {
  const text = readFileSync(path, 'utf8');
  const folder = dirname(path);
  return parseAppConfig(text, shownAs, { readFile: (name) => readFileSync(resolve(folder, name)) });
}
