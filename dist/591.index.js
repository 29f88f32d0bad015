export const id = 591;
export const ids = [591];
export const modules = {

/***/ 4591:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  canWrite: () => (/* reexport */ canWrite),
  createGitHubClient: () => (/* reexport */ createGitHubClient),
  deactivateEnvironment: () => (/* reexport */ deactivateEnvironment),
  finishDeployment: () => (/* reexport */ finishDeployment),
  previewEnvironment: () => (/* reexport */ previewEnvironment),
  react: () => (/* reexport */ react),
  readPreviewComment: () => (/* reexport */ readPreviewComment),
  readPull: () => (/* reexport */ readPull),
  readPulls: () => (/* reexport */ readPulls),
  renderBudget: () => (/* reexport */ renderBudget),
  renderPreview: () => (/* reexport */ renderPreview),
  renderSweep: () => (/* reexport */ renderSweep),
  reply: () => (/* reexport */ reply),
  startDeployment: () => (/* reexport */ startDeployment),
  upsertComment: () => (/* reexport */ upsertComment),
  writeBudgetSummary: () => (/* reexport */ writeBudgetSummary),
  writeSummary: () => (/* reexport */ writeSummary),
  writeSweepSummary: () => (/* reexport */ writeSweepSummary)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(8179);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(1758);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(3251);
// EXTERNAL MODULE: ./lib/retry.js
var retry = __webpack_require__(2165);
;// CONCATENATED MODULE: ./lib/github/octokit.js
// The GitHub REST client: Octokit from @actions/github (so GITHUB_API_URL, proxies and GHES work as
// in every other action) with Octokit's own retry and throttling plugins, configured so that a write
// whose answer was lost is never sent twice, and errors that name the call.






/** A failed GitHub call: which call, the status, GitHub's own message and its request id. */
class GitHubApiError extends Error {
    status;
    call;
    constructor(call, status, detail, requestId) {
        // The request id is what GitHub Support asks for.
        const id = requestId === undefined ? '' : ` (x-github-request-id ${requestId})`;
        super(status === undefined
            ? `GitHub API: ${call} failed: ${detail}${id}`
            : `GitHub API: ${call} failed with ${status}: ${detail}${id}`);
        this.name = 'GitHubApiError';
        this.call = call;
        this.status = status;
    }
}
/** `POST /repos/octo/shop/issues/7/comments`: the route with its parameters filled in, no query. */
function describeCall(options) {
    const method = String(options.method).toUpperCase();
    const route = String(options.url).replace(/\{(\w+)\}/g, (_, key) => String(options[key] ?? key));
    // Pagination passes the next page as a full URL; the call is its path.
    return `${method} ${new URL(route, 'https://api.github.com').pathname}`;
}
function toGitHubApiError(call, error) {
    if (error instanceof GitHubApiError)
        return error;
    const shape = (typeof error === 'object' && error !== null ? error : {});
    const network = (0,retry/* connectionErrorCode */.EP)(error);
    // Octokit reports a connection failure as status 500; it is not an answer from GitHub.
    const status = network === undefined && typeof shape.status === 'number' ? shape.status : undefined;
    const detail = network ?? (typeof shape.message === 'string' ? shape.message : String(error));
    const requestId = shape.response?.headers?.['x-github-request-id'];
    return new GitHubApiError(call, status, detail, typeof requestId === 'string' ? requestId : undefined);
}
const idempotent = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']);
/**
 * A POST whose answer was lost (the connection broke after sending, or a 5xx) may have been carried
 * out; sending it again could post a second comment or deployment. This plugin, applied before the
 * retry plugin so its error hook runs first, turns such a failure into a final GitHubApiError, which
 * the retry plugin passes on untouched (it retries only Octokit RequestErrors).
 */
function lostWritesAreFinal(octokit) {
    octokit.hook.error('request', (error, options) => {
        const method = String(options.method).toUpperCase();
        const network = (0,retry/* connectionErrorCode */.EP)(error);
        const status = error.status;
        const lost = network !== undefined ? !(0,retry/* neverSent */.vQ)(network) : typeof status === 'number' && status >= 500;
        if (!idempotent.has(method) && lost)
            throw toGitHubApiError(describeCall(options), error);
        throw error;
    });
}
/** The longest total wait for rate limits on one call; a reset further away fails the step instead. */
const rateLimitBudgetSeconds = 60;
function createGitHubClient(token, options = {}) {
    const msPerSecond = options.msPerSecond ?? 1000;
    const log = options.log ?? ((line) => core/* info */.pq(line));
    const waited = new WeakMap();
    const onLimit = (kind) => (retryAfter, request) => {
        const total = (waited.get(request) ?? 0) + retryAfter;
        if (total > rateLimitBudgetSeconds)
            return false;
        waited.set(request, total);
        log(`GitHub ${kind} on ${describeCall(request)}; retrying in ${retryAfter} s`);
        return true;
    };
    // The throttling plugin would also space every write 1 s apart (3 s for comments): meant for bulk
    // clients, it would add seconds to a run that makes at most four writes. Unpaced groups keep its
    // reaction to rate limits and drop the pacing.
    const unpaced = () => new light.Group({ maxConcurrent: 10 });
    const octokit = (0,github/* getOctokit */.Q)(token, {
        log: { debug() { }, info() { }, warn() { }, error() { } },
        retry: {
            retryAfterBaseValue: msPerSecond,
            // 403 and 429 are rate limits (the throttling plugin's, which reads their headers) or refusals.
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
        throttle: {
            retryAfterBaseValue: msPerSecond,
            write: unpaced(),
            notifications: unpaced(),
            search: unpaced(),
            onRateLimit: onLimit('rate limit'),
            onSecondaryRateLimit: onLimit('secondary rate limit'),
        },
    }, lostWritesAreFinal, dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
    // Outermost: whatever still fails after the plugins gave up names the call.
    octokit.hook.wrap('request', async (request, requestOptions) => {
        try {
            return await request(requestOptions);
        }
        catch (error) {
            throw toGitHubApiError(describeCall(requestOptions), error);
        }
    });
    return octokit;
}

;// CONCATENATED MODULE: ./lib/github/comment.js
// The one sticky PR comment per preview: found again by a hidden marker, edited in place, and
// converged to one when racing runs each created their own. It also keeps, hidden, the view it was
// rendered from, so a run that only wakes the preview can render the same content again with one
// fact added, instead of editing another run's text.

const markerPrefix = '<!-- fly-preview ';
/** The hidden first line: which preview this comment belongs to, and which revision wrote it last. */
function commentMarker(appName, revisionOrder) {
    return `${markerPrefix}app="${appName}" order="${revisionOrder}" -->`;
}
const viewPrefix = '<!-- fly-preview-view ';
/** GitHub refuses comments over 65,536 characters; the hidden view is left out well before that. */
const longestBody = 60_000;
/**
 * The view a comment was rendered from, on its second line as base64url JSON (no `-->` can end the
 * HTML comment early). Comments written before it was kept, or too long to carry it, have none.
 */
function viewLine(view, bodyLength) {
    const line = `${viewPrefix}${Buffer.from(JSON.stringify(view)).toString('base64url')} -->`;
    return bodyLength + line.length > longestBody ? undefined : line;
}
const viewStates = new Set(['deploying', 'ready', 'superseded', 'failed', 'destroyed', 'refused']);
/** The stored view of this preview's comment, when it has one that names this app. */
function storedView(body, appName) {
    const line = body?.split('\n', 2)[1];
    if (line === undefined || !line.startsWith(viewPrefix) || !line.endsWith(' -->'))
        return undefined;
    try {
        const view = JSON.parse(Buffer.from(line.slice(viewPrefix.length, -' -->'.length), 'base64url').toString('utf8'));
        if (typeof view !== 'object' || view === null)
            return undefined;
        const { state, appName: named } = view;
        return typeof state === 'string' && viewStates.has(state) && named === appName ? view : undefined;
    }
    catch {
        // Someone edited the hidden line: the comment is still the preview's, its view is just unknown.
        return undefined;
    }
}
function readMarker(body, appName) {
    if (body === undefined || !body.startsWith(markerPrefix))
        return undefined;
    const match = /^<!-- fly-preview app="([^"]*)" order="(\d+)" -->/.exec(body);
    if (match === null || match[1] !== appName)
        return undefined;
    return { order: Number(match[2]) };
}
async function findMarked(gh, issue, appName) {
    const found = [];
    const pages = gh.paginate.iterator(gh.rest.issues.listComments, {
        owner: issue.owner,
        repo: issue.repo,
        issue_number: issue.number,
        per_page: 100,
    });
    for await (const page of pages) {
        for (const c of page.data)
            if (readMarker(c.body, appName) !== undefined)
                found.push(c);
    }
    return found.sort((a, b) => a.id - b.id);
}
/** A racing run may have deleted the same duplicate first; gone is what we wanted. */
async function deleteComment(gh, issue, id) {
    try {
        await gh.rest.issues.deleteComment({ owner: issue.owner, repo: issue.repo, comment_id: id });
    }
    catch (error) {
        if (!(error instanceof GitHubApiError && error.status === 404))
            throw error;
    }
}
/**
 * Creates or edits this preview's comment. Racing runs may each have created one: the oldest is kept
 * and the others are deleted, so every run converges on the same single comment.
 */
async function upsertComment(gh, issue, comment) {
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
    if (keeper.body === body)
        return { action: 'unchanged', id: keeper.id, url: keeper.html_url };
    await gh.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: keeper.id, body });
    return { action: 'updated', id: keeper.id, url: keeper.html_url };
}
/** The view this preview's comment was last rendered from, and the revision that wrote it. */
async function readPreviewComment(gh, issue, appName) {
    const [keeper] = await findMarked(gh, issue, appName);
    const marker = readMarker(keeper?.body, appName);
    const view = storedView(keeper?.body, appName);
    return marker === undefined || view === undefined ? undefined : { view, order: marker.order };
}

;// CONCATENATED MODULE: ./lib/github/render.js
const shortSha = (sha) => sha.slice(0, 7);
/** Text from APIs goes inside a fenced block; a fence longer than any backtick run inside keeps it closed. */
function fenced(lines) {
    const text = lines.join('\n');
    const longestRun = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
    const fence = '`'.repeat(longestRun + 1);
    return `${fence}\n${text}\n${fence}`;
}
const inRegion = (region) => (region === '' ? '' : ` in \`${region}\``);
function urlRow(url, note) {
    return url === undefined ? [] : [['URL', `${url}${note}`]];
}
function databaseRow(database) {
    if (database === undefined)
        return [];
    return [['Database', `\`${database.name}\`${database.template === undefined ? ', empty at first' : `, a copy of \`${database.template}\``}`]];
}
/** The sentence a destroyed preview's comment adds about its database. */
function droppedDatabase(database) {
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
function table(rows) {
    return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| **${k}** | ${v} |`)].join('\n');
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** Process groups, release command, checks and phase times, when the deploy reported them. */
function renderDetails(details) {
    if (details === undefined)
        return [];
    const parts = [];
    if (details.groups.length > 1) {
        parts.push(['| Group | Machine | Region | State |', '|---|---|---|---|', ...details.groups.map((g) => `| ${g.name} | \`${g.machineId}\` | \`${g.region}\` | ${g.state} |`)].join('\n'));
    }
    const release = details.release;
    if (release !== undefined) {
        parts.push(release.ran
            ? `Release command ran${release.exitCode === undefined ? '' : ` and exited with code \`${release.exitCode}\``}:`
            : 'Release command not run again: no machine changed.', fenced([release.command]));
    }
    if (details.checks.length > 0) {
        parts.push('Health checks:', fenced(details.checks.map((c) => `${c.group}/${c.name}: ${c.status}${c.output === '' ? '' : ` — ${c.output}`}`)));
    }
    if (details.phasesMs.length > 0)
        parts.push(`<sub>Took ${details.phasesMs.map((p) => `${p.name} ${seconds(p.ms)}`).join(' · ')}</sub>`);
    return parts;
}
/** "2026-05-01 09:30 UTC" */
const utc = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
function wokenRow(woken) {
    if (woken === undefined)
        return [];
    const what = woken.started === 0 ? 'already running' : `${woken.started} machine${woken.started === 1 ? '' : 's'} started`;
    return [['Last woken', `${utc(woken.at)}, when a review started (${what})`]];
}
const mention = (pr) => `[#${pr.number}](${pr.url})`;
function renderDestroyed(view) {
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
function renderRefused(view) {
    const places = `${view.cap} live preview${view.cap === 1 ? '' : 's'}`;
    return [
        `### 🚫 No preview for \`${shortSha(view.sha)}\`: the cap of ${places} is reached`,
        `This repository keeps at most ${places} (\`max-previews\`, policy \`refuse\`), and these hold the places, least recently active first:`,
        view.holders.map((h) => `- ${mention(h)}: \`${h.appName}\`, last active ${h.idle} ago`).join('\n'),
        'To free one, close or merge one of those PRs, remove its opt-in label, or comment `/preview destroy` on it; then push, re-run the preview workflow or comment `/preview` here.',
    ];
}
/** The visible Markdown, shared by the PR comment and the job summary. */
function renderPreview(view, footer) {
    const parts = [];
    switch (view.state) {
        case 'deploying':
            parts.push(`### ⏳ Deploying preview of \`${shortSha(view.sha)}\``, table([...urlRow(view.url, ' (not ready yet)'), ['App', `\`${view.appName}\`${inRegion(view.region)}`], ...databaseRow(view.database)]));
            break;
        case 'ready':
        case 'superseded':
            parts.push(view.state === 'ready'
                ? `### ✅ Preview ready: ${view.url ?? `\`${view.appName}\``}`
                : `### ✅ Preview of a newer commit is live: ${view.url ?? `\`${view.appName}\``}`, table([
                ...urlRow(view.url, ''),
                ['Commit', `\`${shortSha(view.state === 'ready' ? view.sha : view.deployedSha)}\``],
                ['App', `\`${view.appName}\``],
                ['Machine', `\`${view.machineId}\`${inRegion(view.region)}`],
                ...wokenRow(view.woken),
                ...databaseRow(view.database),
            ]));
            if (view.access !== undefined)
                parts.push(view.access);
            if (view.state === 'superseded') {
                parts.push(`This run for \`${shortSha(view.sha)}\` left the newer deploy in place.`);
            }
            parts.push(...renderDetails(view.details));
            break;
        case 'failed':
            parts.push(`### ❌ Preview failed for \`${shortSha(view.sha)}\``, view.reason, table([
                ...urlRow(view.url, ' (not serving)'),
                ['App', `\`${view.appName}\``],
                ...(view.machineId === undefined
                    ? []
                    : [['Machine', `\`${view.machineId}\`${inRegion(view.region)}`]]),
                ...(view.exitCode === undefined ? [] : [['Exit code', `\`${view.exitCode}\``]]),
                ...databaseRow(view.database),
            ]));
            parts.push(...renderDetails(view.details));
            if (view.recentEvents.length > 0)
                parts.push('Last events:', fenced(view.recentEvents));
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

;// CONCATENATED MODULE: ./lib/github/summary.js

/** The job summary repeats the comment, so the result is on the run page even with `comment: false`. */
async function writeSummary(markdown) {
    // Outside a runner (or an old one) there is no summary file to write to.
    if (process.env['GITHUB_STEP_SUMMARY'] === undefined)
        return;
    await core/* summary */.z.addRaw(markdown, true).write();
}

;// CONCATENATED MODULE: ./lib/github/budget.js
// The job summary of a run that counted live previews against `max-previews`: each one, when it
// was last active, and what this run did about it.

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
function renderBudget(report) {
    const parts = [
        `### 🧮 Live previews: ${report.counted} counted against \`max-previews: ${report.cap}\` (policy \`${report.policy}\`)`,
        report.outcome,
    ];
    if (report.rows.length > 0) {
        parts.push([
            '| PR | App | Last active | Action |',
            '|---|---|---|---|',
            ...report.rows.map((r) => `| ${r.pr === undefined ? '?' : `[#${r.pr.number}](${r.pr.url})`} | \`${cell(r.appName)}\` | ${r.idle === '' ? '' : `${r.idle} ago`} | ${cell(r.action)} |`),
        ].join('\n'));
    }
    return parts.join('\n\n');
}
function writeBudgetSummary(report) {
    return writeSummary(renderBudget(report));
}

;// CONCATENATED MODULE: ./lib/github/deployment.js
/**
 * The repository as Octokit's path parameters, and nothing else: callers pass an issue reference
 * ({owner, repo, number}), and any other field would go out as a body field or query parameter
 * that the REST description does not have.
 */
const at = (repo) => ({ owner: repo.owner, repo: repo.repo });
/** One environment per PR: GitHub marks older deployments of an environment inactive by itself. */
function previewEnvironment(prefix, pullNumber) {
    return `${prefix}-pr-${pullNumber}`;
}
/** Creates the deployment for this commit and marks it in progress; returns its id. */
async function startDeployment(gh, repo, deployment) {
    const created = await gh.rest.repos.createDeployment({
        ...at(repo),
        ref: deployment.sha,
        environment: deployment.environment,
        description: deployment.description,
        transient_environment: true,
        production_environment: false,
        // The workflow already decided to deploy this commit: no merge of the base, no status checks.
        auto_merge: false,
        required_contexts: [],
    });
    if (!('id' in created.data))
        throw new Error(`GitHub did not create a deployment: ${created.data.message ?? 'no id returned'}`);
    const id = created.data.id;
    await gh.rest.repos.createDeploymentStatus({ ...at(repo), deployment_id: id, state: 'in_progress', log_url: deployment.logUrl });
    return id;
}
async function finishDeployment(gh, repo, id, outcome, urls) {
    await gh.rest.repos.createDeploymentStatus({
        ...at(repo),
        deployment_id: id,
        state: outcome,
        environment_url: urls.environmentUrl,
        log_url: urls.logUrl,
    });
}
/** The preview is gone: its latest deployment becomes inactive (older ones already are). */
async function deactivateEnvironment(gh, repo, environment, logUrl) {
    const latest = await gh.rest.repos.listDeployments({ ...at(repo), environment, per_page: 1 });
    const deployment = latest.data[0];
    if (deployment === undefined)
        return;
    await finishDeployment(gh, repo, deployment.id, 'inactive', { environmentUrl: undefined, logUrl });
}

;// CONCATENATED MODULE: ./lib/github/pulls.js
// PR states for a sweep and for runs outside pull_request events. A sweep may need the state of
// hundreds of PRs: it reads the list a hundred at a time and stops once it knows all it needs,
// never one call per preview; a handful is cheaper read one by one.

/** Up to this many PRs are read one by one; more, through the list. */
const singleReadsUpTo = 3;
function summary(pull) {
    return {
        number: pull.number,
        state: pull.state === 'closed' ? 'closed' : 'open',
        merged: typeof pull.merged_at === 'string',
        updatedAt: pull.updated_at,
        headSha: pull.head.sha,
        headRepoFullName: pull.head.repo?.full_name ?? null,
        baseRepoFullName: pull.base.repo.full_name,
    };
}
/** One PR; undefined when the repository has no such PR. */
async function readPull(gh, repo, number) {
    try {
        const { data } = await gh.rest.pulls.get({ ...repo, pull_number: number });
        return summary(data);
    }
    catch (error) {
        if (error instanceof GitHubApiError && error.status === 404)
            return undefined;
        throw error;
    }
}
/** The PRs with these numbers that exist; a number missing from the map has no PR. */
async function readPulls(gh, repo, numbers) {
    const wanted = new Set(numbers);
    const found = new Map();
    if (wanted.size <= singleReadsUpTo) {
        const pulls = await Promise.all([...wanted].map((n) => readPull(gh, repo, n)));
        for (const pull of pulls)
            if (pull !== undefined)
                found.set(pull.number, pull);
        return found;
    }
    // Most recently updated first: PRs closed since the last sweep come early.
    const pages = gh.paginate.iterator(gh.rest.pulls.list, { ...repo, state: 'all', sort: 'updated', direction: 'desc', per_page: 100 });
    let pagesRead = 0;
    for await (const page of pages) {
        pagesRead++;
        for (const pull of page.data)
            if (wanted.has(pull.number))
                found.set(pull.number, summary(pull));
        const missing = [...wanted].filter((n) => !found.has(n));
        if (missing.length === 0)
            break;
        // A number that is no PR at all (an issue's, say) is only proven missing by the last page:
        // when fewer reads of single PRs than pages are left, those answer sooner.
        const last = lastPage(page.headers.link);
        if (last !== undefined && missing.length <= singleReadsUpTo && missing.length < last - pagesRead) {
            const pulls = await Promise.all(missing.map((n) => readPull(gh, repo, n)));
            for (const pull of pulls)
                if (pull !== undefined)
                    found.set(pull.number, pull);
            break;
        }
    }
    return found;
}
/** The page number of the Link header's rel="last" (RFC 8288), as GitHub paginates. */
function lastPage(link) {
    for (const part of (link ?? '').split(',')) {
        const match = /<([^>]+)>\s*;\s*rel="last"/.exec(part);
        if (match?.[1] === undefined)
            continue;
        const page = Number(new URL(match[1]).searchParams.get('page'));
        return Number.isInteger(page) && page > 0 ? page : undefined;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/github/commands.js
// `/preview` comments: who may give them, and the reactions and replies that show they were heard.

/**
 * Whether `user` may push to the repository. `role_name` tells maintain and triage apart, which
 * the older `permission` field folds into write and read.
 */
async function canWrite(gh, repo, user) {
    try {
        const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: user });
        const role = data.role_name ?? data.permission;
        return ['admin', 'maintain', 'write'].includes(role);
    }
    catch (error) {
        // Someone who is no collaborator at all.
        if (error instanceof GitHubApiError && error.status === 404)
            return false;
        throw error;
    }
}
async function react(gh, repo, commentId, content) {
    await gh.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
}
async function reply(gh, issue, body) {
    await gh.rest.issues.createComment({ owner: issue.owner, repo: issue.repo, issue_number: issue.number, body });
}

;// CONCATENATED MODULE: ./lib/github/sweep.js
// The job summary of a sweep: every preview found, and what was done with it and why.

const sweep_cell = (text) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const removed = (r) => r.action === 'destroyed' || r.action === 'would destroy';
function renderSweep(report) {
    const apps = report.rows.filter((r) => r.appName !== undefined);
    const parts = [
        `### 🧹 Preview sweep${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
        `Looked at ${report.appsExamined} app${report.appsExamined === 1 ? '' : 's'}: ${apps.length} ` +
            `${apps.length === 1 ? 'is a preview' : 'are previews'} of this repository; ${report.appsLeftAlone} ` +
            `${report.appsLeftAlone === 1 ? 'is' : 'are'} not and ${report.appsLeftAlone === 1 ? 'was' : 'were'} left alone. ` +
            `${report.dryRun ? 'Would destroy' : 'Destroyed'}: ${apps.filter(removed).length}.`,
    ];
    if (report.databasesFound !== undefined) {
        const found = report.databasesFound;
        const orphans = report.rows.filter((r) => r.appName === undefined);
        parts[1] +=
            ` Found ${found} database${found === 1 ? '' : 's'} of this repository's previews on the database server` +
                `${orphans.length === 0 ? '' : `, ${orphans.length} of them without an app (${report.dryRun ? 'would drop' : 'dropped'}: ${orphans.filter(removed).length})`}.`;
    }
    if (report.cap !== undefined) {
        const live = apps.length - apps.filter(removed).length;
        parts.push(`Live previews counted against \`max-previews: ${report.cap}\`: ${live}${report.dryRun ? ' after this sweep would run' : ' after this sweep'}.`);
    }
    if (report.rows.length > 0)
        parts.push(rowsTable(report.rows, report.databasesFound !== undefined));
    return parts.join('\n\n');
}
const code = (text) => (text === undefined ? '—' : `\`${sweep_cell(text)}\``);
function rowsTable(rows, databases) {
    const database = (r) => (databases ? ` ${code(r.database)} |` : '');
    return [
        `| PR | State | Idle | Age | App |${databases ? ' Database |' : ''} Action | Why |`,
        `|---|---|---|---|---|${databases ? '---|' : ''}---|---|`,
        ...rows.map((r) => `| ${r.pr === undefined ? '?' : `#${r.pr}`} | ${r.prState} | ${r.idle} | ${r.age} | ${code(r.appName)} |${database(r)} ${r.action} | ${sweep_cell(r.why)} |`),
    ].join('\n');
}
function writeSweepSummary(report) {
    return writeSummary(renderSweep(report));
}

;// CONCATENATED MODULE: ./lib/github/index.js
// The GitHub side of the house, as src/run/ and src/report.ts see it (loaded only when there is something to report).











/***/ }),

/***/ 2165:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EP: () => (/* binding */ connectionErrorCode),
/* harmony export */   EY: () => (/* binding */ backoffDelay),
/* harmony export */   Gn: () => (/* binding */ pollPause),
/* harmony export */   KO: () => (/* binding */ mayRetry),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   ur: () => (/* binding */ defaultRetryPolicy),
/* harmony export */   vQ: () => (/* binding */ neverSent),
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
// When a failed request may be tried again, and how long to wait first, within one overall deadline:
// the policy of every platform client (Fly, Koyeb, ComfyDeploy), applied in src/providers/http.ts. The
// GitHub client (src/github/) leaves retries to Octokit's plugins and uses only the connection-error
// facts at the end: which failures prove nothing was sent.
const defaultRetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 300,
    maxDelayMs: 8_000,
    budgetMs: 60_000,
};
/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
function parseRetryAfter(value, now = Date.now()) {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined)
        return undefined;
    const text = raw.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - now);
}
/** Exponential backoff with full jitter: spreads racing runs apart instead of retrying in lockstep. */
function backoffDelay(policy, attempt, random = Math.random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * random());
}
/**
 * Whether another attempt fits: attempts left and the wait ending before the budget does.
 * `elapsedMs` is time since the call began; `delayMs` the wait about to start.
 */
function mayRetry(policy, attempt, elapsedMs, delayMs) {
    return attempt < policy.maxAttempts && elapsedMs + delayMs <= policy.budgetMs;
}
/** Error codes of Node and undici for a connection that failed or broke; the request may be retried. */
const connectionErrorCodes = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
]);
/** The error code of a network failure, looking through `cause` chains (fetch and Octokit wrap them). */
function connectionErrorCode(error) {
    let current = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        const code = current.code;
        if (typeof code === 'string' && connectionErrorCodes.has(code))
            return code;
        current = current.cause;
    }
    return undefined;
}
/** Whether a connection error proves the request never reached the server (safe to send again). */
function neverSent(code) {
    return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'UND_ERR_CONNECT_TIMEOUT';
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The pause before poll number `poll` (0-based) of a status that has no blocking wait: the given
 * intervals, the last repeating, but no longer than a twentieth of the whole budget (nor, for that
 * reason, shorter than a second), so a short wait-timeout is not mostly spent asleep past the moment
 * the answer changed, and a long one is not polled in a storm.
 */
function pollPause(intervalsMs, poll, budgetMs) {
    const interval = intervalsMs[Math.min(poll, intervalsMs.length - 1)] ?? 1_000;
    return Math.min(interval, Math.max(1_000, Math.floor(budgetMs / 20)));
}


/***/ })

};
