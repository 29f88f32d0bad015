// Runs the bundled action (`node dist/index.js`) the way a GitHub runner does: inputs as INPUT_*
// variables (with action.yml's defaults), the event payload in GITHUB_EVENT_PATH, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files read back afterwards. Used by the e2e tests, the demo
// and the benchmark, so all three exercise exactly what users run.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(repoRoot, 'dist', 'index.js');

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string | number | boolean;
}

/** action.yml as the runner reads it; the fields this repository's tools and tests use. */
export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

/**
 * action.yml read with a YAML parser, as the runner reads it. A file the runner would refuse throws
 * here with the parser's line and column, so no test, demo or bench runs against metadata users
 * could not load.
 */
export function readActionMetadata(path: string = join(repoRoot, 'action.yml')): ActionMetadata {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true });
  } catch (error) {
    throw new Error(`${path} is not valid YAML, so no runner can load the action: ${error instanceof Error ? error.message : String(error)}`);
  }
  const meta = parsed as Partial<ActionMetadata> | null;
  if (meta === null || typeof meta !== 'object' || typeof meta.inputs !== 'object' || typeof meta.outputs !== 'object' || typeof meta.runs !== 'object') {
    throw new Error(`${path} parses, but lacks the inputs, outputs or runs mappings of action metadata`);
  }
  return meta as ActionMetadata;
}

/** Defaults from action.yml, as the runner fills them in for inputs a workflow leaves out. */
function actionDefaults(): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(readActionMetadata().inputs)) {
    if (input.default === undefined) continue;
    const value = String(input.default);
    // `${{ github.token }}` is the runner's to expand; the harness passes github-token itself.
    if (!value.startsWith('${{')) defaults[name] = value;
  }
  return defaults;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunOptions {
  inputs: Record<string, string>;
  eventName: string;
  payload: unknown;
  /** owner/repo the workflow runs in. */
  repository: string;
  githubApiUrl: string;
  env?: Record<string, string>;
}

/** Reads `name<<DELIMITER\nvalue\nDELIMITER` blocks, the format @actions/core writes. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (head === null) continue;
    const [, name = '', delimiter] = head;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'fly-preview-run-'));
  try {
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'output');
    const summaryPath = join(dir, 'summary.md');
    await Promise.all([
      writeFile(eventPath, JSON.stringify(options.payload)),
      writeFile(outputPath, ''),
      writeFile(summaryPath, ''),
    ]);
    const inputs = { ...actionDefaults(), ...options.inputs };
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_REPOSITORY: options.repository,
      GITHUB_API_URL: options.githubApiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: 'preview',
      RUNNER_TEMP: dir,
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

    const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    const [outputText, summary] = await Promise.all([readFile(outputPath, 'utf8'), readFile(summaryPath, 'utf8')]);
    return { exitCode, stdout, stderr, outputs: parseOutputs(outputText), summary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface WebhookExamples {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExamples[];

/** A deep copy of GitHub's own example payload for `event` with this `action` (first one listed). */
export function webhookExample(event: string, action?: string): Record<string, unknown> {
  const group = examples.find((e) => e.name === event);
  const example = group?.examples.find((e) => action === undefined || e.action === action);
  if (example === undefined) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? `.${action}` : ''}`);
  return structuredClone(example);
}

export interface PullRequestChanges {
  headSha?: string;
  /** ISO time for pull_request.updated_at: how the action orders runs of the same PR. */
  updatedAt?: string;
  /** owner/repo of the head, to make the PR come from a fork; null for a deleted fork. */
  headRepo?: string | null;
}

/**
 * GitHub's example `pull_request` payload (Codertocat/Hello-World#2) with the few fields a PR's life
 * changes: a push moves head.sha and updated_at, a fork has another head repo.
 */
export function pullRequestPayload(action: string, changes: PullRequestChanges = {}): Record<string, unknown> {
  const payload = webhookExample('pull_request', action);
  const pr = payload['pull_request'] as Record<string, unknown> & { head: Record<string, unknown> };
  if (changes.headSha !== undefined) pr.head['sha'] = changes.headSha;
  if (changes.updatedAt !== undefined) pr['updated_at'] = changes.updatedAt;
  if (changes.headRepo === null) pr.head['repo'] = null;
  else if (changes.headRepo !== undefined) {
    const repo = structuredClone(pr.head['repo']) as Record<string, unknown> & { owner: Record<string, unknown> };
    const [owner = '', name = ''] = changes.headRepo.split('/');
    repo['full_name'] = changes.headRepo;
    repo['name'] = name;
    repo.owner['login'] = owner;
    repo['fork'] = true;
    pr.head['repo'] = repo;
    pr.head['label'] = `${owner}:${String(pr.head['ref'])}`;
  }
  return payload;
}
