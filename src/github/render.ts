// The Markdown of a preview's comment and job summary, from its view (view.ts).
import type { DatabaseView, DroppedDatabaseView, Footer, PreviewDetails, PreviewView, Woken } from './view.js';
import { code } from './markdown.js';

const shortSha = (sha: string): string => sha.slice(0, 7);

/** Text from APIs goes inside a fenced block; a fence longer than any backtick run inside keeps it closed. */
export function fenced(lines: string[]): string {
  const text = lines.join('\n');
  const longestRun = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}\n${text}\n${fence}`;
}

const inRegion = (region: string): string => (region === '' ? '' : ` in \`${region}\``);

function urlRow(url: string | undefined, note: string): [string, string][] {
  return url === undefined ? [] : [['URL', `${url}${note}`]];
}

function databaseRow(database: DatabaseView | undefined): [string, string][] {
  if (database === undefined) return [];
  return [['Database', `${code(database.name)}${database.template === undefined ? ', empty at first' : `, a copy of ${code(database.template)}`}`]];
}

/** The sentence a destroyed preview's comment adds about its database. */
function droppedDatabase(database: DroppedDatabaseView | undefined): string[] {
  switch (database?.state) {
    case undefined:
      return [];
    case 'removed':
      return [`Its database \`${database.name}\` is gone too.`];
    case 'not-ours':
      return [`A database named \`${database.name}\` exists without fly-preview's marker, so it was left alone.`];
    case 'failed':
      return [`The database \`${database.name}\` could not be dropped; the next close run or sweep tries again:`, fenced([database.reason ?? 'see the run log'])];
  }
}

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| **${k}** | ${v} |`)].join('\n');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Process groups, release command, checks and phase times, when the deploy reported them. */
function renderDetails(details: PreviewDetails | undefined): string[] {
  if (details === undefined) return [];
  const parts: string[] = [];
  if (details.groups.length > 1) {
    parts.push(
      ['| Group | Machine | Region | State |', '|---|---|---|---|', ...details.groups.map((g) => `| ${g.name} | \`${g.machineId}\` | \`${g.region}\` | ${g.state} |`)].join('\n'),
    );
  }
  const release = details.release;
  if (release !== undefined) {
    parts.push(
      release.ran
        ? `Release command ran${release.exitCode === undefined ? '' : ` and exited with code \`${release.exitCode}\``}:`
        : 'Release command not run again: no machine changed.',
      fenced([release.command]),
    );
  }
  if (details.checks.length > 0) {
    parts.push('Health checks:', fenced(details.checks.map((c) => `${c.group}/${c.name}: ${c.status}${c.output === '' ? '' : ` — ${c.output}`}`)));
  }
  if (details.phasesMs.length > 0) parts.push(`<sub>Took ${details.phasesMs.map((p) => `${p.name} ${seconds(p.ms)}`).join(' · ')}</sub>`);
  return parts;
}

/** "2026-05-01 09:30 UTC" */
const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function wokenRow(woken: Woken | undefined): [string, string][] {
  if (woken === undefined) return [];
  const what = woken.started === 0 ? 'already running' : `${woken.started} machine${woken.started === 1 ? '' : 's'} started`;
  return [['Last woken', `${utc(woken.at)}, when a review started (${what})`]];
}

const mention = (pr: { number: number; url: string }): string => `[#${pr.number}](${pr.url})`;

function renderDestroyed(view: Extract<PreviewView, { state: 'destroyed' }>): string[] {
  const cause = view.cause;
  if (cause?.kind === 'expired') {
    return [
      '### 💤 Preview expired',
      `The preview expired after ${cause.idleFor} without activity on this PR, so the app \`${view.appName}\` was removed. ` +
        'A push, a re-run of the preview workflow or reopening the PR brings it back.',
    ];
  }
  if (cause?.kind === 'evicted') {
    const needed = cause.by === undefined ? 'a sweep brought the count back down to it' : `${mention(cause.by)} needed a place`;
    return [
      '### ♻️ Preview evicted',
      `This repository keeps at most ${cause.cap} live preview${cause.cap === 1 ? '' : 's'} (\`max-previews\`), and ${needed}; ` +
        `this PR's preview was the least recently active, so the app \`${view.appName}\` was removed.`,
      'A push, a re-run of the preview workflow or a `/preview` comment brings it back (the least recently active preview then makes room in turn).',
    ];
  }
  if (cause?.kind === 'draft' && view.keptMachines.length === 0) {
    return [
      '### 📝 Preview removed: this PR is a draft again',
      `Drafts get no preview here (\`drafts: skip\`), so the app \`${view.appName}\` and everything in it were removed. ` +
        'Marking the PR ready for review deploys it again, or a maintainer can comment `/preview`.',
    ];
  }
  return [
    '### 🧹 Preview destroyed',
    view.keptMachines.length === 0
      ? whyRemoved(cause?.kind, view.appName)
      : `This preview's machines were removed. The app \`${view.appName}\` was kept because it also holds machines fly-preview did not create: ${view.keptMachines.map((m) => `\`${m}\``).join(', ')}.`,
  ];
}

/** Why the whole app went, as its comment says it. */
function whyRemoved(cause: 'sweep' | 'unlabeled' | 'asked' | 'draft' | undefined, appName: string): string {
  const app = `the app \`${appName}\` and everything in it were removed`;
  switch (cause) {
    case 'sweep':
      return `This PR is closed, so ${app} when a cleanup found the preview still running.`;
    case 'unlabeled':
      return `This PR's opt-in label was removed, so ${app}. Adding the label again deploys it.`;
    case 'asked':
      return `On request (\`/preview destroy\` or a run with \`mode: destroy\`), ${app}. A push or a \`/preview\` comment deploys it again.`;
    default:
      return `The app \`${appName}\` and everything in it were removed when this PR closed.`;
  }
}

function renderRefused(view: Extract<PreviewView, { state: 'refused' }>): string[] {
  const places = `${view.cap} live preview${view.cap === 1 ? '' : 's'}`;
  return [
    `### 🚫 No preview for \`${shortSha(view.sha)}\`: the cap of ${places} is reached`,
    `This repository keeps at most ${places} (\`max-previews\`), and none could be made free: ${view.why}.`,
    'These hold the places, least recently active first:',
    view.holders.map((h) => `- ${mention(h)}: \`${h.appName}\`, last active ${h.idle} ago`).join('\n'),
    'To free one, close or merge one of those PRs, remove its opt-in label, or comment `/preview destroy` on it; then push, re-run the preview workflow or comment `/preview` here.',
  ];
}

/** The visible Markdown, shared by the PR comment and the job summary. */
export function renderPreview(view: PreviewView, footer: Footer): string {
  const parts: string[] = [];
  switch (view.state) {
    case 'deploying':
      parts.push(
        `### ⏳ Deploying preview of \`${shortSha(view.sha)}\``,
        table([...urlRow(view.url, ' (not ready yet)'), ['App', `\`${view.appName}\`${inRegion(view.region)}`], ...databaseRow(view.database)]),
      );
      break;
    case 'ready':
    case 'superseded':
      parts.push(
        view.state === 'ready'
          ? `### ✅ Preview ready: ${view.url ?? `\`${view.appName}\``}`
          : `### ✅ Preview of a newer commit is live: ${view.url ?? `\`${view.appName}\``}`,
        table([
          ...urlRow(view.url, ''),
          ['Commit', `\`${shortSha(view.state === 'ready' ? view.sha : view.deployedSha)}\``],
          ['App', `\`${view.appName}\``],
          ['Machine', `\`${view.machineId}\`${inRegion(view.region)}`],
          ...wokenRow(view.woken),
          ...databaseRow(view.database),
        ]),
      );
      if (view.access !== undefined) parts.push(view.access);
      if (view.state === 'superseded') {
        parts.push(`This run for \`${shortSha(view.sha)}\` left the newer deploy in place.`);
      }
      parts.push(...renderDetails(view.details));
      break;
    case 'failed':
      parts.push(
        `### ❌ Preview failed for \`${shortSha(view.sha)}\``,
        view.reason,
        table([
          ...urlRow(view.url, ' (not serving)'),
          ['App', `\`${view.appName}\``],
          ...(view.machineId === undefined
            ? []
            : ([['Machine', `\`${view.machineId}\`${inRegion(view.region)}`]] as [string, string][])),
          ...(view.exitCode === undefined ? [] : ([['Exit code', `\`${view.exitCode}\``]] as [string, string][])),
          ...databaseRow(view.database),
        ]),
      );
      parts.push(...renderDetails(view.details));
      if (view.recentEvents.length > 0) parts.push('Last events:', fenced(view.recentEvents));
      parts.push(view.beforePlatform === true ? 'Nothing was created or changed on the platform; the next push or a re-run tries again.' : 'The app is left in place so you can inspect it; the next push retries.');
      break;
    case 'destroyed':
      parts.push(...renderDestroyed(view), ...droppedDatabase(view.database));
      break;
    case 'refused':
      parts.push(...renderRefused(view));
      break;
  }
  const where = footer.runUrl === undefined ? '' : ` · [run log](${footer.runUrl})`;
  parts.push(`<sub>fly-preview${where}</sub>`);
  return parts.join('\n\n');
}
