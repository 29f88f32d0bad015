// The one sticky PR comment per preview: found again by a hidden marker, edited in place, and
// converged to one when racing runs each created their own. It also keeps, hidden, the view it was
// rendered from, so a run that only wakes the preview can render the same content again with one
// fact added, instead of editing another run's text.
import { GitHubApiError, type GitHubClient } from './octokit.js';

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

interface Place {
  appName: string;
  /** undefined while the platform has not said where the preview answers. */
  url: string | undefined;
  /** Who can open the URL, when not everyone with the link can. */
  access?: string | undefined;
  /** '' where the platform has no regions. */
  region: string;
  /** What the deploy did, when the platform reports more than one machine's place. */
  details?: PreviewDetails;
}

/** Plain data about a deploy: its process groups, checks, release command and phase times. */
export interface PreviewDetails {
  groups: { name: string; machineId: string; state: string; region: string }[];
  checks: { group: string; name: string; status: string; output: string }[];
  release?: { command: string; exitCode: number | undefined; ran: boolean };
  phasesMs: { name: string; ms: number }[];
}

/** When a review start last woke the preview: an ISO time, and how many machines it started. */
export interface Woken {
  at: string;
  started: number;
}

/** A live preview holding a place under the cap, as a refused PR is told of it. */
export interface PlaceHolder {
  number: number;
  url: string;
  appName: string;
  /** Since its last activity, in words ("3 days"). */
  idle: string;
}

/** What the comment (and the job summary) shows. Plain data: no platform or API types. */
export type PreviewView =
  | (Place & { state: 'deploying'; sha: string })
  | (Place & { state: 'ready'; sha: string; machineId: string; woken?: Woken })
  | (Place & { state: 'superseded'; sha: string; machineId: string; deployedSha: string; woken?: Woken })
  | (Place & {
      state: 'failed';
      sha: string;
      /** Absent when the failure came before a machine existed. */
      machineId: string | undefined;
      reason: string;
      exitCode: number | undefined;
      recentEvents: string[];
    })
  | {
      state: 'destroyed';
      appName: string;
      sha: string;
      keptMachines: string[];
      /**
       * Why, when not the close run: a sweep found the PR closed, the preview idle past its ttl,
       * it was the least recently active when PR `by` needed a place under the cap (`by` undefined:
       * a sweep brought the count down to it), or the PR became a draft.
       */
      cause?:
        | { kind: 'sweep' }
        | { kind: 'expired'; idleFor: string }
        | { kind: 'evicted'; cap: number; by: { number: number; url: string } | undefined }
        /** The PR became a draft, and drafts get no preview (`drafts: skip`). */
        | { kind: 'draft' };
    }
  /** No preview was created: `max-previews` live previews hold every place, and the policy is refuse. */
  | { state: 'refused'; appName: string; sha: string; cap: number; holders: PlaceHolder[] };

export interface Footer {
  /** Link to this workflow run, so a reader can open the log. */
  runUrl: string | undefined;
}

const shortSha = (sha: string): string => sha.slice(0, 7);

/** Text from APIs goes inside a fenced block; a fence longer than any backtick run inside keeps it closed. */
function fenced(lines: string[]): string {
  const text = lines.join('\n');
  const longestRun = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}\n${text}\n${fence}`;
}

const inRegion = (region: string): string => (region === '' ? '' : ` in \`${region}\``);

function urlRow(url: string | undefined, note: string): [string, string][] {
  return url === undefined ? [] : [['URL', `${url}${note}`]];
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
      ? cause?.kind === 'sweep'
        ? `The app \`${view.appName}\` and everything in it were removed by a cleanup sweep: this PR is closed.`
        : `The app \`${view.appName}\` and everything in it were removed when this PR closed.`
      : `This preview's machines were removed. The app \`${view.appName}\` was kept because it also holds machines fly-preview did not create: ${view.keptMachines.map((m) => `\`${m}\``).join(', ')}.`,
  ];
}

function renderRefused(view: Extract<PreviewView, { state: 'refused' }>): string[] {
  const places = `${view.cap} live preview${view.cap === 1 ? '' : 's'}`;
  return [
    `### 🚫 No preview for \`${shortSha(view.sha)}\`: the cap of ${places} is reached`,
    `This repository keeps at most ${places} (\`max-previews\`, policy \`refuse\`), and these hold the places, least recently active first:`,
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
        table([...urlRow(view.url, ' (not ready yet)'), ['App', `\`${view.appName}\`${inRegion(view.region)}`]]),
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
        ]),
      );
      parts.push(...renderDetails(view.details));
      if (view.recentEvents.length > 0) parts.push('Last events:', fenced(view.recentEvents));
      parts.push('The app is left in place so you can inspect it; the next push retries.');
      break;
    case 'destroyed':
      parts.push(...renderDestroyed(view));
      break;
    case 'refused':
      parts.push(...renderRefused(view));
      break;
  }
  const where = footer.runUrl === undefined ? '' : ` · [run log](${footer.runUrl})`;
  parts.push(`<sub>fly-preview${where}</sub>`);
  return parts.join('\n\n');
}

const markerPrefix = '<!-- fly-preview ';

/** The hidden first line: which preview this comment belongs to, and which revision wrote it last. */
export function commentMarker(appName: string, revisionOrder: number): string {
  return `${markerPrefix}app="${appName}" order="${revisionOrder}" -->`;
}

const viewPrefix = '<!-- fly-preview-view ';
/** GitHub refuses comments over 65,536 characters; the hidden view is left out well before that. */
const longestBody = 60_000;

/**
 * The view a comment was rendered from, on its second line as base64url JSON (no `-->` can end the
 * HTML comment early). Comments written before it was kept, or too long to carry it, have none.
 */
function viewLine(view: PreviewView, bodyLength: number): string | undefined {
  const line = `${viewPrefix}${Buffer.from(JSON.stringify(view)).toString('base64url')} -->`;
  return bodyLength + line.length > longestBody ? undefined : line;
}

const viewStates = new Set(['deploying', 'ready', 'superseded', 'failed', 'destroyed', 'refused']);

/** The stored view of this preview's comment, when it has one that names this app. */
function storedView(body: string | undefined, appName: string): PreviewView | undefined {
  const line = body?.split('\n', 2)[1];
  if (line === undefined || !line.startsWith(viewPrefix) || !line.endsWith(' -->')) return undefined;
  try {
    const view: unknown = JSON.parse(Buffer.from(line.slice(viewPrefix.length, -' -->'.length), 'base64url').toString('utf8'));
    if (typeof view !== 'object' || view === null) return undefined;
    const { state, appName: named } = view as { state?: unknown; appName?: unknown };
    return typeof state === 'string' && viewStates.has(state) && named === appName ? (view as PreviewView) : undefined;
  } catch {
    // Someone edited the hidden line: the comment is still the preview's, its view is just unknown.
    return undefined;
  }
}

function readMarker(body: string | undefined, appName: string): { order: number } | undefined {
  if (body === undefined || !body.startsWith(markerPrefix)) return undefined;
  const match = /^<!-- fly-preview app="([^"]*)" order="(\d+)" -->/.exec(body);
  if (match === null || match[1] !== appName) return undefined;
  return { order: Number(match[2]) };
}

export interface StickyComment {
  appName: string;
  /** The revision this body describes; a comment written by a newer one is left alone unless `final`. */
  revisionOrder: number;
  body: string;
  /** The preview is gone (PR closed): say so whatever revision wrote last. */
  final?: boolean;
  /** What `body` was rendered from, kept hidden in the comment so a wake run can render it again. */
  view?: PreviewView;
}

export type UpsertResult =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { action: 'kept-newer'; id: number; url: string };

interface ExistingComment {
  id: number;
  html_url: string;
  body?: string | undefined;
}

async function findMarked(gh: GitHubClient, issue: IssueRef, appName: string): Promise<ExistingComment[]> {
  const found: ExistingComment[] = [];
  const pages = gh.paginate.iterator(gh.rest.issues.listComments, {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.number,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const c of page.data) if (readMarker(c.body, appName) !== undefined) found.push(c);
  }
  return found.sort((a, b) => a.id - b.id);
}

/** A racing run may have deleted the same duplicate first; gone is what we wanted. */
async function deleteComment(gh: GitHubClient, issue: IssueRef, id: number): Promise<void> {
  try {
    await gh.rest.issues.deleteComment({ owner: issue.owner, repo: issue.repo, comment_id: id });
  } catch (error) {
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
  }
}

/**
 * Creates or edits this preview's comment. Racing runs may each have created one: the oldest is kept
 * and the others are deleted, so every run converges on the same single comment.
 */
export async function upsertComment(gh: GitHubClient, issue: IssueRef, comment: StickyComment): Promise<UpsertResult> {
  const kept = comment.view === undefined ? undefined : viewLine(comment.view, comment.body.length);
  const body = [commentMarker(comment.appName, comment.revisionOrder), ...(kept === undefined ? [] : [kept]), comment.body].join('\n');
  const [keeper, ...duplicates] = await findMarked(gh, issue, comment.appName);
  await Promise.all(duplicates.map((d) => deleteComment(gh, issue, d.id)));
  if (keeper === undefined) {
    const created = await gh.rest.issues.createComment({
      owner: issue.owner,
      repo: issue.repo,
      issue_number: issue.number,
      body,
    });
    return { action: 'created', id: created.data.id, url: created.data.html_url };
  }
  const written = readMarker(keeper.body, comment.appName);
  if (written !== undefined && written.order > comment.revisionOrder && comment.final !== true) {
    return { action: 'kept-newer', id: keeper.id, url: keeper.html_url };
  }
  if (keeper.body === body) return { action: 'unchanged', id: keeper.id, url: keeper.html_url };
  await gh.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: keeper.id, body });
  return { action: 'updated', id: keeper.id, url: keeper.html_url };
}

/** The view this preview's comment was last rendered from, and the revision that wrote it. */
export async function readPreviewComment(gh: GitHubClient, issue: IssueRef, appName: string): Promise<{ view: PreviewView; order: number } | undefined> {
  const [keeper] = await findMarked(gh, issue, appName);
  const marker = readMarker(keeper?.body, appName);
  const view = storedView(keeper?.body, appName);
  return marker === undefined || view === undefined ? undefined : { view, order: marker.order };
}
