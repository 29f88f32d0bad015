// The wiring: mask the secrets, read the settings, plan, open the chosen platform (Fly, Koyeb or
// ComfyDeploy, picked in openProvider) and hand the run to src/run/. A skipped run stops after the
// plan, having loaded no platform, no GitHub client and no fly.toml reader.
import * as core from '@actions/core';
import { readCommonSettings, type ProviderName } from './common-inputs.js';
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
 * provider with the run's settings and a token, once the plan has said which token to use.
 */
async function openProvider(provider: ProviderName): Promise<OpenProvider> {
  switch (provider) {
    case 'fly': {
      const { createFlyProvider } = await import('./providers/fly/index.js');
      return (settings, token) => createFlyProvider({ apiUrl: settings.apiUrl, token, appConfig: settings.appConfig, overrides: settings.overrides });
    }
    case 'koyeb': {
      const { createKoyebProvider } = await import('./providers/koyeb/index.js');
      return (settings, token) => {
        const ttlSeconds = settings.ttlMs === undefined ? undefined : Math.round(settings.ttlMs / 1000);
        return createKoyebProvider({ apiUrl: settings.apiUrl, token, ...(settings.instanceType === undefined ? {} : { instanceType: settings.instanceType }), ...(ttlSeconds === undefined ? {} : { ttlSeconds }) });
      };
    }
    case 'comfydeploy': {
      const { createComfyDeployPreviewProvider } = await import('./providers/comfydeploy/index.js');
      return (settings, token) => {
        const build = settings.comfyDeploy;
        if (build === undefined) throw new Error('provider: comfydeploy was read without its build settings.');
        return createComfyDeployPreviewProvider({ apiUrl: settings.apiUrl, token, ...build });
      };
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
    // A run that acts reads its platform's inputs before any call; only one that deploys reads the
    // fly.toml, and a PR named by number or `/preview` is read first to tell (run/command.ts).
    const { readSettings } = await import('./inputs.js');
    const settingsFor = (deploys: boolean): Settings => {
      const settings = readSettings(read, process.env['GITHUB_WORKSPACE'], { deploys, common });
      if (deploys) for (const warning of settings.configWarnings) core.warning(warning);
      return settings;
    };
    const settings = settingsFor(plan.action === 'deploy');
    const [open, github] = await Promise.all([openProvider(settings.provider), loadGitHub()]);
    if (plan.action === 'resolve') {
      await runCommand(settings, plan, event.eventName, { open, github, forDeploy: () => settingsFor(true) });
      return;
    }
    provider = open(settings, plan.apiToken);
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
