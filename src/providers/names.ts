// Each platform's name rule, looked up by provider once when the inputs are read. It imports only
// the platforms' names.ts files, which import nothing at run time, so a skipped run that reads the
// inputs still loads no platform code.
import type { ProviderName } from '../common-inputs.js';
import type { NameRule } from '../provider.js';
import { machineNameRule as comfydeploy } from './comfydeploy/names.js';
import { appNameRule as fly } from './fly/names.js';
import { appNameRule as koyeb } from './koyeb/names.js';

export const nameRules: Readonly<Record<ProviderName, NameRule>> = { fly, koyeb, comfydeploy };
