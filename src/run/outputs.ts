// The step's outputs for one preview, as action.yml documents them.
import * as core from '@actions/core';

export function setOutputs(outputs: { status: string; appName: string; hostname?: string; url?: string; machineId?: string; databaseName?: string | undefined }): void {
  core.setOutput('status', outputs.status);
  core.setOutput('app-name', outputs.appName);
  core.setOutput('hostname', outputs.hostname ?? '');
  core.setOutput('url', outputs.url ?? '');
  core.setOutput('machine-id', outputs.machineId ?? '');
  core.setOutput('database-name', outputs.databaseName ?? '');
}
