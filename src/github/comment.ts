// The one sticky PR comment per preview: found again by a hidden marker, edited in place, and
// converged to one when racing runs each created their own.
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
  /** The preview's own database, once the run has made or found it. */
  database?: DatabaseView;
}

/** A preview's database as the PR shows it: its name and what it was copied from; nothing of the server. */
export interface DatabaseView {
  name: string;
  /** The database it was copied from; undefined when it began empty. */
  template: string | undefined;
}

/** What became of a preview's database when the preview went. */
export interface DroppedDatabaseView {
  name: string;
  /** removed: dropped now, or already gone; not-ours: one of that name without fly-preview's marker, left alone. */
  state: 'removed' | 'not-ours' | 'failed';
  /** Why a drop failed. */
  reason?: string;
}

/** Plain data about a deploy: its process groups, checks, release command and phase times. */
export interface PreviewDetails {
  groups: { name: string; machineId: string; state: string; region: string }[];
  checks: { group: string; name: string; status: string; output: string }[];
  release?: { command: string; exitCode: number | undefined; ran: boolean };
  phasesMs: { name: string; ms: number }[];
}

/** What the comment (and the job summary) shows. Plain data: no platform or API types. */
export type PreviewView =
  | (Place & { state: 'deploying'; sha: string })
  | (Place & { state: 'ready'; sha: string; machineId: string })
  | (Place & { state: 'superseded'; sha: string; machineId: string; deployedSha: string })
  | (Place & {
      state: 'failed';
      sha: string;
      /** Absent when the failure came before a machine existed. */
      machineId: string | undefined;
      reason: string;
      exitCode: number | undefined;
      recentEvents: string[];
      /** The run stopped before it changed anything on the platform (its database step failed). */
      beforePlatform?: boolean;
    })
  | {
      state: 'destroyed';
      appName: string;
      sha: string;
      keptMachines: string[];
      /** Why, when not the close run: a sweep found the PR closed, or the preview idle past its ttl. */
      cause?: { kind: 'sweep' } | { kind: 'expired'; idleFor: string };
      database?: DroppedDatabaseView;
    };

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

function databaseRow(database: DatabaseView | undefined): [string, string][] {
  if (database === undefined) return [];
  return [['Database', `\`${database.name}\`${database.template === undefined ? ', empty at first' : `, a copy of \`${database.template}\``}`]];
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
      parts.push(view.cause?.kind === 'expired' ? `### 💤 Preview expired` : `### 🧹 Preview destroyed`);
      if (view.cause?.kind === 'expired') {
        parts.push(
          `The preview expired after ${view.cause.idleFor} without activity on this PR, so the app \`${view.appName}\` was removed. ` +
            'A push, a re-run of the preview workflow or reopening the PR brings it back.',
          ...droppedDatabase(view.database),
        );
        break;
      }
      parts.push(
        view.keptMachines.length === 0
          ? view.cause?.kind === 'sweep'
            ? `The app \`${view.appName}\` and everything in it were removed by a cleanup sweep: this PR is closed.`
            : `The app \`${view.appName}\` and everything in it were removed when this PR closed.`
          : `This preview's machines were removed. The app \`${view.appName}\` was kept because it also holds machines fly-preview did not create: ${view.keptMachines.map((m) => `\`${m}\``).join(', ')}.`,
        ...droppedDatabase(view.database),
      );
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
  const body = `${commentMarker(comment.appName, comment.revisionOrder)}\n${comment.body}`;
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
