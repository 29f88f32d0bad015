// The one sticky PR comment per preview: found again by a hidden marker, edited in place, and
// converged to one when racing runs each created their own. It also keeps, hidden, the view it was
// rendered from, so a run that only wakes the preview can render the same content again with one
// fact added, instead of editing another run's text.
import { GitHubApiError, type GitHubClient } from './octokit.js';
import type { PreviewView } from './view.js';

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
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
