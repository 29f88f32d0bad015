// The wiring: mask the secrets, read the settings, plan, open the chosen platform (Fly, Koyeb or
// ComfyDeploy, picked in openProvider) and hand the run to src/run/. A skipped run stops after the
// plan, having loaded no platform, no GitHub client and no fly.toml reader.
import * as core from '@actions/core';
import { readCommonSettings } from './common-inputs.js';
import type { Settings } from './inputs.js';
import { planRun } from './plan.js';
import { errorMessage } from './error-message.js';
import { reportsToPr } from './report.js';
import { runCommand } from './run/command.js';
import { eventContext, loadGitHub, type OpenProvider, type Provider } from './run/context.js';
import { actOnPullRequest } from './run/pull-request.js';
import { sweep } from './run/sweep.js';
import { maskSecrets } from './secrets-mask.js';

/**
 * The one place a platform is chosen: only its folder is loaded. The returned function opens the
 * provider with a token, once the plan has said which token to use.
 */
async function openProvider(settings: Settings): Promise<OpenProvider> {
  switch (settings.provider) {
    case 'fly': {
      const { createFlyProvider } = await import('./providers/fly/index.js');
      return (token) => createFlyProvider({ apiUrl: settings.apiUrl, token, appConfig: settings.appConfig, overrides: settings.overrides });
    }
    case 'koyeb': {
      const { createKoyebProvider } = await import('./providers/koyeb/index.js');
      const ttlSeconds = settings.ttlMs === undefined ? undefined : Math.round(settings.ttlMs / 1000);
      return (token) =>
        createKoyebProvider({ apiUrl: settings.apiUrl, token, ...(settings.instanceType === undefined ? {} : { instanceType: settings.instanceType }), ...(ttlSeconds === undefined ? {} : { ttlSeconds }) });
    }
    case 'comfydeploy': {
      const build = settings.comfyDeploy;
      if (build === undefined) throw new Error('provider: comfydeploy was read without its build settings.');
      const { createComfyDeployPreviewProvider } = await import('./providers/comfydeploy/index.js');
      return (token) => createComfyDeployPreviewProvider({ apiUrl: settings.apiUrl, token, ...build });
    }
  }
}

export async function run(): Promise<void> {
  let provider: Provider | undefined;
  try {
    await maskSecrets();
    const read = (name: string): string => core.getInput(name);
    const common = readCommonSettings(read);
    const event = eventContext();
    const plan = planRun(common, event);
    if (plan.action === 'skip') {
      core.notice(plan.reason);
      core.setOutput('status', 'skipped');
      return;
    }
    // A run that acts reads its platform's inputs before any call; one that may deploy reads the fly.toml too.
    const { readPlatformSettings, readDatabaseInputs } = await import('./inputs.js');
    const deploys = plan.action === 'deploy' || (plan.action === 'resolve' && plan.intent !== 'destroy');
    const platform = readPlatformSettings(common.provider, read, process.env['GITHUB_WORKSPACE'], deploys);
    const settings: Settings = { ...common, ...platform, database: readDatabaseInputs(read, common) };
    const [open, github] = await Promise.all([openProvider(settings), loadGitHub()]);
    if (plan.action !== 'sweep') for (const warning of settings.configWarnings) core.warning(warning);
    if (plan.action === 'resolve') {
      await runCommand(settings, plan, event.eventName, open, github);
      return;
    }
    provider = open(plan.apiToken);
    if (plan.action === 'sweep') await sweep(settings, plan, provider, github);
    else {
      const gh = reportsToPr(settings) && settings.githubToken !== undefined ? github.createGitHubClient(settings.githubToken) : undefined;
      await actOnPullRequest(settings, plan, provider, github, gh);
    }
  } catch (error) {
    core.setFailed(errorMessage(error));
  } finally {
    await provider?.close();
  }
}
