// `npm run bench`: the action's cost, measured in one run on this machine against the local doubles.
// `npm run bench -- --docs` also writes the table into docs/benchmarks.md between the bench markers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullRequestPayload, repoRoot, runAction, webhookExample } from '../test/sim/action-runner.ts';
import { startFlySim } from '../test/sim/fly.ts';
import { startGitHubSim } from '../test/sim/github.ts';
import { startKoyebSim } from '../test/sim/koyeb.ts';
import { databaseBench } from './bench-database.ts';

const coldRuns = 30;
const deployRuns = 5;
const bootMs = 300;
const flyToken = 'FlyV1 fm2_bench_macaroon';
const koyebToken = 'bench-koyeb-token';
const githubToken = 'bench-github-token';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function timeCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * A bundle of nothing but `@actions/core` printing one notice: the floor for any action that uses
 * the toolkit, so the skip path's figure can be read against it.
 */
function coreOnlyBundle(): string {
  const dir = join(repoRoot, 'node_modules', '.cache', 'fly-preview-bench');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'core-only.mjs');
  writeFileSync(entry, "import * as core from '@actions/core';\ncore.notice('skipped');\ncore.setOutput('status', 'skipped');\n");
  const ncc = join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const built = spawnSync(process.execPath, [ncc, 'build', entry, '-o', join(dir, 'out'), '--quiet'], { cwd: repoRoot, stdio: 'ignore' });
  if (built.status !== 0) throw new Error('could not bundle the @actions/core-only comparison');
  return join(dir, 'out', 'index.mjs');
}

/** The skip path: a `push` event, as when a workflow also runs the action outside PRs. */
function coldStart(): { bare: number; coreOnly: number; skip: number } {
  const coreOnly = coreOnlyBundle();
  const payloadPath = join(repoRoot, 'node_modules', '.cache', 'fly-preview-bench', 'push-event.json');
  writeFileSync(payloadPath, JSON.stringify(webhookExample('push')));
  const env = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: payloadPath,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_OUTPUT: '/dev/null',
    'INPUT_FLY-API-TOKEN': flyToken,
  };
  const runs = { bare: [] as number[], coreOnly: [] as number[], skip: [] as number[] };
  // Interleaved, so a slow moment of the machine hits all three alike.
  for (let i = 0; i < coldRuns; i++) {
    runs.bare.push(timeCommand(['-e', '']));
    runs.coreOnly.push(timeCommand([coreOnly], env));
    runs.skip.push(timeCommand([join(repoRoot, 'dist', 'index.js')], env));
  }
  return { bare: median(runs.bare), coreOnly: median(runs.coreOnly), skip: median(runs.skip) };
}

function bundleBytes(): number {
  const dir = join(repoRoot, 'dist');
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

interface DeployFigures {
  fly: number;
  github: number;
  wallMs: number;
  bootWaitMs: number;
}

/** `smokeWindow`: the input's value; '0' measures the deploy alone, '' the action.yml default. */
async function deployFigures(smokeWindow: string, runs = deployRuns): Promise<{ fresh: DeployFigures; update: DeployFigures }> {
  const fresh: DeployFigures[] = [];
  const update: DeployFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs }), startGitHubSim({ token: githubToken })]);
    try {
      const measure = async (image: string, changes: Parameters<typeof pullRequestPayload>[1], action: string): Promise<DeployFigures> => {
        fly.clearRequests();
        github.clearRequests();
        const started = process.hrtime.bigint();
        const run = await runAction({
          eventName: 'pull_request',
          payload: pullRequestPayload(action, changes),
          repository: 'Codertocat/Hello-World',
          githubApiUrl: github.url,
          inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, image, ...(smokeWindow === '' ? {} : { 'smoke-window': smokeWindow }) },
        });
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (run.exitCode !== 0) throw new Error(`deploy failed:\n${run.stdout}${run.stderr}`);
        // The wait that saw the machine start is the simulated boot; the rest is the action's own time.
        const bootWaitMs = fly.requests
          .filter((r) => r.path.endsWith('/wait') && r.queryAll['state']?.includes('started') === true && r.status === 200)
          .reduce((longest, r) => Math.max(longest, r.durationMs), 0);
        return { fly: fly.requests.length, github: github.requests.length, wallMs, bootWaitMs };
      };
      fresh.push(await measure('registry.fly.io/bench:one', { headSha: 'a'.repeat(40), updatedAt: '2019-05-15T15:20:33Z' }, 'opened'));
      update.push(await measure('registry.fly.io/bench:two', { headSha: 'b'.repeat(40), updatedAt: '2019-05-15T15:25:00Z' }, 'synchronize'));
    } finally {
      await Promise.all([fly.close(), github.close()]);
    }
  }
  const summarise = (runs: DeployFigures[]): DeployFigures => ({
    fly: median(runs.map((r) => r.fly)),
    github: median(runs.map((r) => r.github)),
    wallMs: median(runs.map((r) => r.wallMs)),
    bootWaitMs: median(runs.map((r) => r.bootWaitMs)),
  });
  return { fresh: summarise(fresh), update: summarise(update) };
}

/** A web and a worker group and a release command: what a Rails app with Sidekiq deploys. */
const twoGroupToml = `app = "bench"
primary_region = "iad"
[deploy]
  release_command = "bin/rails db:migrate"
[processes]
  web = "bin/rails server"
  worker = "bundle exec sidekiq"
[http_service]
  internal_port = 3000
  processes = ["web"]
`;

/** Fresh deploys of the two-group fly.toml: requests (by call) and wall time. */
async function flyTomlFigures(runs = 3): Promise<{ fly: number; calls: string; wallMs: number }> {
  const workspace = mkdtempSync(join(tmpdir(), 'fly-preview-bench-'));
  writeFileSync(join(workspace, 'fly.toml'), twoGroupToml);
  const figures: { fly: number; calls: string; wallMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs }), startGitHubSim({ token: githubToken })]);
    try {
      const started = process.hrtime.bigint();
      const run = await runAction({
        eventName: 'pull_request',
        payload: pullRequestPayload('opened', { headSha: 'c'.repeat(40), updatedAt: '2019-05-15T15:20:33Z' }),
        repository: 'Codertocat/Hello-World',
        githubApiUrl: github.url,
        inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, image: 'registry.fly.io/bench:one', 'smoke-window': '0' },
        env: { GITHUB_WORKSPACE: workspace },
      });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (run.exitCode !== 0) throw new Error(`fly.toml deploy failed:\n${run.stdout}${run.stderr}`);
      const count = new Map<string, number>();
      for (const r of fly.requests) {
        const call = `${r.method} ${r.path.replace(/^\/v1\/apps\/[^/]+/, '').replace(/\/machines\/[^/]+/, '/machines/{id}') || '/app'}`;
        count.set(call, (count.get(call) ?? 0) + 1);
      }
      figures.push({ fly: fly.requests.length, calls: [...count].map(([call, n]) => `${n}× \`${call}\``).join(', '), wallMs });
    } finally {
      await Promise.all([fly.close(), github.close()]);
    }
  }
  const middle = [...figures].sort((a, b) => a.fly - b.fly)[Math.floor(figures.length / 2)] as (typeof figures)[number];
  return { fly: middle.fly, calls: middle.calls, wallMs: median(figures.map((f) => f.wallMs)) };
}

interface WakeFigures {
  fly: number;
  /** From the first Fly request's start to the last one's end. */
  wakeMs: number;
  /** The blocking wait that saw the machine resume: the machine's own time. */
  resumeMs: number;
  wallMs: number;
}

/**
 * A review starting on a preview whose machine fly-proxy suspended: the Fly requests of the wake,
 * the wake's own time beyond the machine's resume, and the whole run (process start and the
 * GitHub comment included).
 */
async function wakeFigures(): Promise<WakeFigures> {
  const figures: WakeFigures[] = [];
  for (let i = 0; i < deployRuns; i++) {
    const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs }), startGitHubSim({ token: githubToken })]);
    try {
      const inputs = { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, image: 'registry.fly.io/bench:one', 'smoke-window': '0' };
      const base = { eventName: 'pull_request', repository: 'Codertocat/Hello-World', githubApiUrl: github.url, inputs };
      const deployed = await runAction({ ...base, payload: pullRequestPayload('opened') });
      if (deployed.exitCode !== 0) throw new Error(`deploy failed:\n${deployed.stdout}${deployed.stderr}`);
      fly.idle('pr-2-codertocat-hello-world', deployed.outputs['machine-id'] ?? '', 'suspend');
      fly.clearRequests();
      const started = process.hrtime.bigint();
      const woke = await runAction({ ...base, payload: webhookExample('pull_request', 'review_requested') });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (woke.exitCode !== 0 || woke.outputs['status'] !== 'woken') throw new Error(`wake failed:\n${woke.stdout}${woke.stderr}`);
      const first = Math.min(...fly.requests.map((r) => r.startedAt));
      const last = Math.max(...fly.requests.map((r) => r.startedAt + r.durationMs));
      const resumeMs = fly.requests.filter((r) => r.path.endsWith('/wait')).reduce((longest, r) => Math.max(longest, r.durationMs), 0);
      figures.push({ fly: fly.requests.length, wakeMs: last - first, resumeMs, wallMs });
    } finally {
      await Promise.all([fly.close(), github.close()]);
    }
  }
  return {
    fly: median(figures.map((f) => f.fly)),
    wakeMs: median(figures.map((f) => f.wakeMs)),
    resumeMs: median(figures.map((f) => f.resumeMs)),
    wallMs: median(figures.map((f) => f.wallMs)),
  };
}

interface KoyebFigures {
  koyeb: number;
  /** Deployment reads: the polls until HEALTHY. */
  polls: number;
  github: number;
  wallMs: number;
}

/**
 * provider: koyeb, fresh deploy and update, each deployment taking `bootMs` to become HEALTHY. Koyeb
 * has no blocking wait, so the wall time includes the poll pauses (the first after a second).
 */
async function koyebFigures(): Promise<{ fresh: KoyebFigures; update: KoyebFigures }> {
  const fresh: KoyebFigures[] = [];
  const update: KoyebFigures[] = [];
  for (let i = 0; i < deployRuns; i++) {
    const [koyeb, github] = await Promise.all([startKoyebSim({ tokens: [koyebToken], deployMs: bootMs }), startGitHubSim({ token: githubToken })]);
    try {
      const measure = async (image: string, changes: Parameters<typeof pullRequestPayload>[1], action: string): Promise<KoyebFigures> => {
        koyeb.clearRequests();
        github.clearRequests();
        const started = process.hrtime.bigint();
        const run = await runAction({
          eventName: 'pull_request',
          payload: pullRequestPayload(action, changes),
          repository: 'Codertocat/Hello-World',
          githubApiUrl: github.url,
          inputs: { provider: 'koyeb', 'koyeb-api-token': koyebToken, 'github-token': githubToken, 'koyeb-api-url': koyeb.url, image },
        });
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (run.exitCode !== 0) throw new Error(`Koyeb deploy failed:\n${run.stdout}${run.stderr}`);
        const polls = koyeb.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/deployments/')).length;
        return { koyeb: koyeb.requests.length, polls, github: github.requests.length, wallMs };
      };
      fresh.push(await measure('ghcr.io/acme/bench:one', { headSha: 'a'.repeat(40), updatedAt: '2019-05-15T15:20:33Z' }, 'opened'));
      update.push(await measure('ghcr.io/acme/bench:two', { headSha: 'b'.repeat(40), updatedAt: '2019-05-15T15:25:00Z' }, 'synchronize'));
    } finally {
      await Promise.all([koyeb.close(), github.close()]);
    }
  }
  const summarise = (runs: KoyebFigures[]): KoyebFigures => ({
    koyeb: median(runs.map((r) => r.koyeb)),
    polls: median(runs.map((r) => r.polls)),
    github: median(runs.map((r) => r.github)),
    wallMs: median(runs.map((r) => r.wallMs)),
  });
  return { fresh: summarise(fresh), update: summarise(update) };
}

interface SweepFigures {
  /** Requests that find the previews: the org listing, or the app list and each app's machines. */
  discovery: number;
  flyReads: number;
  flyDeletes: number;
  pullReads: number;
  commentCalls: number;
  destroyed: number;
  wallMs: number;
}

/**
 * A nightly sweep of an org with 100 apps (60 previews of this repository: 20 of closed PRs, 10 idle
 * past the ttl, 30 of active PRs; 40 apps that are not its) and a repository with 500 PRs.
 */
async function sweepFigures(orgListing: boolean): Promise<SweepFigures> {
  const [fly, github] = await Promise.all([startFlySim({ tokens: [flyToken], bootMs }), startGitHubSim({ token: githubToken })]);
  try {
    // Without the org listing the sweep falls back to what it did before: the app list, then each app.
    if (!orgListing) fly.orgMachines({ status: 404 });
    const day = 86_400_000;
    const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');
    github.seedPulls(
      'acme',
      'shop',
      Array.from({ length: 500 }, (_, i) => {
        const number = i + 1;
        // PRs 1-20 closed, 21-30 idle for 30 days, the rest active within a day; spread in time so
        // the PRs with previews fall on several pages of the list.
        if (number <= 20) return { number, state: 'closed' as const, updatedAt: iso(number * 3_600_000) };
        if (number <= 30) return { number, state: 'open' as const, updatedAt: iso(30 * day) };
        return { number, state: number % 2 === 0 ? ('open' as const) : ('closed' as const), updatedAt: iso((number % 24) * 3_600_000 + 60_000) };
      }),
    );
    const previewPrs = [...Array.from({ length: 30 }, (_, i) => i + 1), ...Array.from({ length: 30 }, (_, i) => 32 + i * 2)];
    for (const n of previewPrs) {
      fly.seedPreview(`pr-${n}-acme-shop`, { metadata: { fly_preview_repo: 'acme/shop', fly_preview_pr: String(n) }, createdAt: iso(40 * day) });
    }
    for (let i = 0; i < 40; i++) fly.seedPreview(`other-app-${i}`, { metadata: { fly_preview_repo: 'acme/other', fly_preview_pr: String(i + 1) } });
    const started = process.hrtime.bigint();
    const run = await runAction({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      repository: 'acme/shop',
      githubApiUrl: github.url,
      inputs: { 'fly-api-token': flyToken, 'github-token': githubToken, 'fly-api-url': fly.url, ttl: '7d' },
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.exitCode !== 0) throw new Error(`sweep failed:\n${run.stdout}${run.stderr}`);
    const discovery = fly.requests.filter(
      (r) => r.path.startsWith('/v1/orgs/') || r.path === '/v1/apps' || (r.path.endsWith('/machines') && r.query['metadata.fly_preview_repo'] !== undefined),
    ).length;
    return {
      discovery,
      flyReads: fly.requests.filter((r) => r.method === 'GET').length,
      flyDeletes: fly.requests.filter((r) => r.method === 'DELETE').length,
      pullReads: github.requests.filter((r) => r.path.includes('/pulls')).length,
      commentCalls: github.requests.filter((r) => r.path.includes('/comments')).length,
      destroyed: (JSON.parse(run.outputs['destroyed'] ?? '[]') as string[]).length,
      wallMs,
    };
  } finally {
    await Promise.all([fly.close(), github.close()]);
  }
}

const cold = coldStart();
const bytes = bundleBytes();
const { fresh, update } = await deployFigures('0');
// The smoke window is the action.yml default; its cost is read against the same deploys without it.
const smokeRuns = 3;
const smoked = (await deployFigures('', smokeRuns)).fresh;
const smokeAddsMs = smoked.wallMs - fresh.wallMs;
const smokeRequests = smoked.fly - fresh.fly;
const swept = await sweepFigures(true);
const sweptPerApp = await sweepFigures(false);
const twoGroups = await flyTomlFigures();
const koyebRuns = await koyebFigures();
const woke = await wakeFigures();
const ownWake = woke.wakeMs - woke.resumeMs;
const databaseRows = await databaseBench();
const ownFresh = fresh.wallMs - fresh.bootWaitMs;
const ownUpdate = update.wallMs - update.bootWaitMs;
const ms = (n: number): string => `${Math.round(n)} ms`;
const check = (ok: boolean): string => (ok ? '✅' : '❌');

const rows: [string, string, string, string][] = [
  ['cold start, skip path (`push` event)', `${ms(cold.skip)} vs bare \`node -e ''\` ${ms(cold.bare)} = ${(cold.skip / cold.bare).toFixed(2)}×`, '≤ 3×', check(cold.skip <= 3 * cold.bare)],
  ['the floor: a bundle of only `@actions/core` printing a notice', `${ms(cold.coreOnly)} = ${(cold.coreOnly / cold.bare).toFixed(2)}×`, '', ''],
  ['bundle size of `dist/`', `${(bytes / 1e6).toFixed(2)} MB`, '≤ 1.5 MB', check(bytes <= 1.5e6)],
  ['requests, fresh deploy to `started`', `${fresh.fly} Fly, ${fresh.github} GitHub`, '≤ 7 Fly, ≤ 4 GitHub', check(fresh.fly <= 7 && fresh.github <= 4)],
  [
    'the smoke window (default 10 s), fresh deploy',
    `+${ms(smokeAddsMs)} wall, +${smokeRequests} Fly requests (${smokeRuns} runs)`,
    '≤ window + 300 ms, ≤ 2 requests',
    check(smokeAddsMs <= 10_300 && smokeRequests <= 2),
  ],
  ['requests, update on push', `${update.fly} Fly, ${update.github} GitHub`, '', ''],
  ['action time beyond the machine boot, fresh deploy', `${ms(ownFresh)} (${ms(fresh.wallMs)} wall − ${ms(fresh.bootWaitMs)} boot wait)`, '≤ 300 ms', check(ownFresh <= 300)],
  [
    'requests, fresh deploy of a fly.toml with web + worker and a release command',
    `${twoGroups.fly} Fly (${twoGroups.calls}); ${ms(twoGroups.wallMs)} wall`,
    '',
    '',
  ],
  ['action time beyond the machine boot, update', `${ms(ownUpdate)} (${ms(update.wallMs)} wall − ${ms(update.bootWaitMs)} boot wait)`, '', ''],
  [
    'sweep: 100 apps, 500 PRs, 30 of 60 previews to destroy',
    `${swept.destroyed} destroyed; Fly ${swept.flyReads} reads + ${swept.flyDeletes} deletes; GitHub ${swept.pullReads} PR list pages + ${swept.commentCalls} comment calls; ${ms(swept.wallMs)} wall`,
    'PR reads ≤ 5 pages',
    check(swept.destroyed === 30 && swept.pullReads <= 5),
  ],
  [
    'sweep discovery: requests to find the previews of 100 apps',
    `${swept.discovery} (one org listing of every machine); ${sweptPerApp.discovery} where that listing is not served (the app list + one per app), ${sweptPerApp.destroyed} destroyed the same`,
    '≤ 2',
    check(swept.discovery <= 2 && sweptPerApp.destroyed === swept.destroyed),
  ],
  [
    'Fly: wake on review (`review_requested`, a suspended machine)',
    `${woke.fly} Fly requests; ${ms(ownWake)} beyond the resume (${ms(woke.wakeMs)} from first to last request − ${ms(woke.resumeMs)} resume wait); ${ms(woke.wallMs)} the whole run`,
    '≤ 3 requests, resume + ≤ 100 ms',
    check(woke.fly <= 3 && ownWake <= 100),
  ],
  [
    'Koyeb: requests, fresh deploy to `HEALTHY`',
    `${koyebRuns.fresh.koyeb} Koyeb (${koyebRuns.fresh.polls} of them deployment reads), ${koyebRuns.fresh.github} GitHub`,
    '',
    '',
  ],
  ['Koyeb: requests, update on push', `${koyebRuns.update.koyeb} Koyeb (${koyebRuns.update.polls} deployment reads), ${koyebRuns.update.github} GitHub`, '', ''],
  [
    `Koyeb: wall time, fresh deploy / update (rollout ${bootMs} ms, polled)`,
    `${ms(koyebRuns.fresh.wallMs)} / ${ms(koyebRuns.update.wallMs)}`,
    '',
    '',
  ],
  ...databaseRows,
];
const nodeVersion = process.version;
const table = [
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${nodeVersion}, ${coldRuns} cold starts and ${deployRuns} deploys (medians), simulated boot ${bootMs} ms; deploy rows with \`smoke-window: 0\`, the smoke window's cost on its own row.`,
  '',
  '| what | measured | target | |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(table);

if (process.argv.includes('--docs')) {
  const page = 'docs/benchmarks.md';
  const text = readFileSync(join(repoRoot, page), 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const at = text.indexOf(begin);
  const to = text.indexOf(end);
  if (at === -1 || to === -1) throw new Error(`${page} has no ${begin} … ${end} section`);
  writeFileSync(join(repoRoot, page), `${text.slice(0, at + begin.length)}\n${table}\n${text.slice(to)}`);
  console.log(`\n${page} updated.`);
}
