import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { commentMarker, readPreviewComment, upsertComment } from '../../src/github/comment.js';
import { renderPreview } from '../../src/github/render.js';
import type { PreviewView } from '../../src/github/view.js';
import { createGitHubClient } from '../../src/github/octokit.js';
import { scriptedHttp } from '../support/scripted-http.ts';

const api = 'https://api.github.com';
const issue = { owner: 'octo', repo: 'shop', number: 7 };
const commentsPath = '/repos/octo/shop/issues/7/comments';
// Every wait of a second lasts a millisecond here.
const gh = () => createGitHubClient('ghs_test_token', { msPerSecond: 1, log: () => {} });

const ready: PreviewView = {
  state: 'ready',
  appName: 'pr-7-octo-shop',
  url: 'https://pr-7-octo-shop.fly.dev',
  region: 'iad',
  sha: 'abcdef1234567890',
  machineId: '148e21ea7d4689',
};

scriptedHttp();

function comment(id: number, body: string) {
  return { id, body, html_url: `https://github.com/octo/shop/pull/7#issuecomment-${id}`, user: { login: 'github-actions[bot]' } };
}

describe('renderPreview', () => {
  it('a deploying note with no URL known yet (Koyeb before its domain is reported) shows no URL row', () => {
    const text = renderPreview({ state: 'deploying', appName: 'pr-7-shop', url: undefined, region: 'was', sha: 'abcdef1234567890' }, { runUrl: undefined });
    expect(text).not.toContain('**URL**');
    expect(text).toContain('`pr-7-shop` in `was`');
  });

  it('a platform without regions shows none, and who may open the URL when not everyone can', () => {
    const text = renderPreview(
      { ...ready, url: 'https://app.comfydeploy.com/machines/m-1', region: '', access: 'The machine page needs a ComfyDeploy login.' },
      { runUrl: undefined },
    );
    expect(text).toContain('| **Machine** | `148e21ea7d4689` |');
    expect(text).toContain('The machine page needs a ComfyDeploy login.');
  });

  it('shows the URL, the short sha, app, machine and region when ready', () => {
    const text = renderPreview(ready, { runUrl: 'https://github.com/octo/shop/actions/runs/1' });
    expect(text).toContain('Preview ready: https://pr-7-octo-shop.fly.dev');
    expect(text).toContain('`abcdef1`');
    expect(text).toContain('`pr-7-octo-shop`');
    expect(text).toContain('`148e21ea7d4689` in `iad`');
    expect(text).toContain('[run log](https://github.com/octo/shop/actions/runs/1)');
  });

  it('says why a deploy failed, with the exit code and events kept inside a code block', () => {
    const text = renderPreview(
      {
        ...ready,
        state: 'failed',
        reason: 'The machine stopped during boot with exit code 3.',
        exitCode: 3,
        recentEvents: ['exit: ```evil``` code 3'],
      },
      { runUrl: undefined },
    );
    expect(text).toContain('❌ Preview failed');
    expect(text).toContain('exit code 3');
    expect(text).toContain('| **Exit code** | `3` |');
    // The event text holds a triple backtick; the fence must be longer so it cannot close early.
    expect(text).toContain('````\nexit: ```evil``` code 3\n````');
  });

  it('lists each process group, the release command, the checks (API text fenced) and the phase times', () => {
    const text = renderPreview(
      {
        ...ready,
        details: {
          groups: [
            { name: 'web', machineId: 'm-web', state: 'started', region: 'iad' },
            { name: 'worker', machineId: 'm-worker', state: 'started', region: 'iad' },
          ],
          checks: [{ group: 'web', name: 'alive', status: 'passing', output: '```200 OK```' }],
          release: { command: 'bin/rails db:migrate', exitCode: 0, ran: true },
          phasesMs: [
            { name: 'app', ms: 120 },
            { name: 'release', ms: 4_250 },
            { name: 'boot', ms: 2_000 },
          ],
        },
      },
      { runUrl: undefined },
    );
    expect(text).toContain('| web | `m-web` | `iad` | started |');
    expect(text).toContain('| worker | `m-worker` | `iad` | started |');
    expect(text).toContain('Release command ran and exited with code `0`:\n\n```\nbin/rails db:migrate\n```');
    expect(text).toContain('````\nweb/alive: passing — ```200 OK```\n````');
    expect(text).toContain('Took app 0.1 s · release 4.3 s · boot 2.0 s');
  });

  it('says when the release command was not run again, and shows no group table for one machine', () => {
    const text = renderPreview(
      {
        ...ready,
        details: {
          groups: [{ name: 'app', machineId: '148e21ea7d4689', state: 'started', region: 'iad' }],
          checks: [],
          release: { command: 'npm run migrate', exitCode: undefined, ran: false },
          phasesMs: [],
        },
      },
      { runUrl: undefined },
    );
    expect(text).toContain('Release command not run again: no machine changed.');
    expect(text).not.toContain('Process group');
  });

  it('says the preview was destroyed, and why an app was kept', () => {
    expect(renderPreview({ state: 'destroyed', appName: 'a', sha: 'x', keptMachines: [] }, { runUrl: undefined })).toContain(
      'Preview destroyed',
    );
    expect(
      renderPreview({ state: 'destroyed', appName: 'a', sha: 'x', keptMachines: ['123 (db)'] }, { runUrl: undefined }),
    ).toContain('kept because it also holds machines fly-preview did not create: `123 (db)`');
  });

  it("shows the preview's database and the template it came from, in every state that has one", () => {
    const database = { name: 'pr_7_octo_shop', template: 'seed' };
    const row = '| **Database** | `pr_7_octo_shop`, a copy of `seed` |';
    expect(renderPreview({ ...ready, database }, { runUrl: undefined })).toContain(row);
    expect(renderPreview({ state: 'deploying', appName: 'a', url: undefined, region: 'iad', sha: 'x', database }, { runUrl: undefined })).toContain(row);
    expect(renderPreview({ ...ready, database: { ...database, template: undefined } }, { runUrl: undefined })).toContain('| **Database** | `pr_7_octo_shop`, empty at first |');
    expect(renderPreview(ready, { runUrl: undefined })).not.toContain('Database');
  });

  it('a deploy stopped at its database step says nothing was made on the platform, and shows no URL', () => {
    const text = renderPreview(
      { ...ready, state: 'failed', url: undefined, machineId: undefined, reason: "Input 'database-template' names no database", exitCode: undefined, recentEvents: [], beforePlatform: true },
      { runUrl: undefined },
    );
    expect(text).toContain('Nothing was created or changed on the platform');
    expect(text).not.toContain('**URL**');
    expect(text).not.toContain('left in place');
  });

  it("says what became of the preview's database when it went: dropped, someone else's, or not dropped and why", () => {
    const destroyed = (database: NonNullable<Extract<PreviewView, { state: 'destroyed' }>['database']>, cause?: { kind: 'expired'; idleFor: string }) =>
      renderPreview({ state: 'destroyed', appName: 'a', sha: 'x', keptMachines: [], database, ...(cause === undefined ? {} : { cause }) }, { runUrl: undefined });
    expect(destroyed({ name: 'pr_7_x', state: 'removed' })).toContain('Its database `pr_7_x` is gone too.');
    expect(destroyed({ name: 'pr_7_x', state: 'removed' }, { kind: 'expired', idleFor: '7 days' })).toContain('Its database `pr_7_x` is gone too.');
    expect(destroyed({ name: 'pr_7_x', state: 'not-ours' })).toContain("A database named `pr_7_x` exists without fly-preview's marker, so it was left alone.");
    const failed = destroyed({ name: 'pr_7_x', state: 'failed', reason: 'Dropping database "pr_7_x" on db:5432 failed: ```boom```' });
    expect(failed).toContain('The database `pr_7_x` could not be dropped; the next close run or sweep tries again:\n\n````\nDropping database');
  });
});

describe('upsertComment', () => {
  const body = renderPreview(ready, { runUrl: undefined });

  it('creates the comment when none carries the marker', async () => {
    nock(api).get(commentsPath).query({ per_page: '100' }).reply(200, [comment(1, 'LGTM')]);
    nock(api)
      .post(commentsPath, (b: { body: string }) => b.body.startsWith(commentMarker('pr-7-octo-shop', 5)))
      .reply(201, comment(2, 'x'));
    const result = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body });
    expect(result).toMatchObject({ action: 'created', id: 2 });
  });

  it('finds its marker on a later page and edits that comment instead of posting another', async () => {
    const next = `<${api}${commentsPath}?per_page=100&page=2>; rel="next", <${api}${commentsPath}?per_page=100&page=2>; rel="last"`;
    nock(api)
      .get(commentsPath)
      .query({ per_page: '100' })
      .reply(200, Array.from({ length: 100 }, (_, i) => comment(i + 1, 'chatter')), { link: next });
    nock(api)
      .get(commentsPath)
      .query({ per_page: '100', page: '2' })
      .reply(200, [comment(150, `${commentMarker('pr-7-octo-shop', 5)}\nold`)]);
    nock(api).patch('/repos/octo/shop/issues/comments/150').reply(200, comment(150, 'new'));
    const result = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body });
    expect(result).toMatchObject({ action: 'updated', id: 150 });
  });

  it("ignores another app's marker on the same PR", async () => {
    nock(api).get(commentsPath).query(true).reply(200, [comment(1, `${commentMarker('other-app', 5)}\nx`)]);
    nock(api).post(commentsPath).reply(201, comment(2, 'x'));
    const result = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body });
    expect(result.action).toBe('created');
  });

  it('makes no call when the comment already says exactly this', async () => {
    nock(api)
      .get(commentsPath)
      .query(true)
      .reply(200, [comment(9, `${commentMarker('pr-7-octo-shop', 5)}\n${body}`)]);
    const result = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body });
    expect(result.action).toBe('unchanged');
  });

  it('leaves a comment written for a newer commit alone, unless the preview is gone', async () => {
    const newer = [comment(9, `${commentMarker('pr-7-octo-shop', 8)}\nnewer`)];
    nock(api).get(commentsPath).query(true).reply(200, newer);
    expect((await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body })).action).toBe('kept-newer');

    nock(api).get(commentsPath).query(true).reply(200, newer);
    nock(api).patch('/repos/octo/shop/issues/comments/9').reply(200, comment(9, 'gone'));
    const final = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body: 'gone', final: true });
    expect(final.action).toBe('updated');
  });

  it('converges duplicates left by racing runs: keeps the oldest, deletes the rest', async () => {
    nock(api)
      .get(commentsPath)
      .query(true)
      .reply(200, [
        comment(30, `${commentMarker('pr-7-octo-shop', 5)}\nb`),
        comment(20, `${commentMarker('pr-7-octo-shop', 5)}\na`),
      ]);
    nock(api).delete('/repos/octo/shop/issues/comments/30').reply(404, { message: 'Not Found' });
    nock(api).patch('/repos/octo/shop/issues/comments/20').reply(200, comment(20, 'x'));
    const result = await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body });
    expect(result).toMatchObject({ action: 'updated', id: 20 });
  });

  it('retries a 503 and a 429 with Retry-After, and names the call when GitHub refuses', async () => {
    nock(api).get(commentsPath).query(true).reply(503, { message: 'unavailable' });
    // GitHub's secondary rate limit, as its REST docs describe it ("Exceeding the rate limit").
    nock(api)
      .get(commentsPath)
      .query(true)
      .reply(429, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': '1' });
    nock(api).get(commentsPath).query(true).reply(200, []);
    nock(api).post(commentsPath).reply(403, { message: 'Resource not accessible by integration' });
    await expect(upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body })).rejects.toThrow(
      'GitHub API: POST /repos/octo/shop/issues/7/comments failed with 403: Resource not accessible by integration',
    );
  });

  it('does not repeat a comment POST whose answer was lost (it may have been posted)', async () => {
    nock(api).get(commentsPath).query(true).reply(200, []);
    // nock hangs on a plain-object error with undici; an Error instance carries the code through.
    nock(api).post(commentsPath).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body })).rejects.toThrow(
      /POST \/repos\/octo\/shop\/issues\/7\/comments failed: ECONNRESET/,
    );
  });
});

describe('what the budget and a wake add to the comment', () => {
  it('an evicted preview says why (the cap, which PR took the place) and how to get it back', () => {
    const text = renderPreview(
      { state: 'destroyed', appName: 'pr-7-octo-shop', sha: 'abc', keptMachines: [], cause: { kind: 'evicted', cap: 3, by: { number: 12, url: 'https://github.com/octo/shop/pull/12' } } },
      { runUrl: undefined },
    );
    expect(text).toContain('### ♻️ Preview evicted');
    expect(text).toContain('at most 3 live previews (`max-previews`), and [#12](https://github.com/octo/shop/pull/12) needed a place');
    expect(text).toContain('the app `pr-7-octo-shop` was removed');
    expect(text).toContain('A push, a re-run of the preview workflow or a `/preview` comment brings it back');
  });

  it('a destroyed preview says why it went: its close, its label, a request, or a cleanup of a closed PR', () => {
    const said = (cause?: 'unlabeled' | 'asked' | 'sweep') =>
      renderPreview({ state: 'destroyed', appName: 'pr-7-octo-shop', sha: 'abc', keptMachines: [], ...(cause === undefined ? {} : { cause: { kind: cause } }) }, { runUrl: undefined });
    expect(said()).toContain('The app `pr-7-octo-shop` and everything in it were removed when this PR closed.');
    expect(said('unlabeled')).toContain("This PR's opt-in label was removed, so the app `pr-7-octo-shop` and everything in it were removed. Adding the label again deploys it.");
    expect(said('asked')).toContain('On request (`/preview destroy` or a run with `mode: destroy`), the app `pr-7-octo-shop` and everything in it were removed.');
    expect(said('sweep')).toContain('This PR is closed, so the app `pr-7-octo-shop` and everything in it were removed when a cleanup found the preview still running.');
    for (const cause of ['unlabeled', 'asked', 'sweep'] as const) expect(said(cause)).not.toContain('when this PR closed');
  });

  it('a refused PR is told which previews hold the places, with links, and how to free one', () => {
    const text = renderPreview(
      {
        state: 'refused',
        appName: 'pr-7-octo-shop',
        sha: 'abcdef1234567890',
        cap: 1,
        holders: [{ number: 3, url: 'https://github.com/octo/shop/pull/3', appName: 'pr-3-octo-shop', idle: '2 days' }],
        why: '#3 is being deployed right now (a deploy holds its machine\'s lease)',
      },
      { runUrl: undefined },
    );
    expect(text).toContain('### 🚫 No preview for `abcdef1`: the cap of 1 live preview is reached');
    // Why none could go is said as it is: here not the policy, but a deploy holding the one candidate.
    expect(text).toContain("This repository keeps at most 1 live preview (`max-previews`), and none could be made free: #3 is being deployed right now (a deploy holds its machine's lease).");
    expect(text).not.toContain('policy');
    expect(text).toContain('- [#3](https://github.com/octo/shop/pull/3): `pr-3-octo-shop`, last active 2 days ago');
    expect(text).toContain('comment `/preview destroy` on it');
  });

  it('a woken preview keeps its table and adds when it was last woken', () => {
    const text = renderPreview({ ...ready, woken: { at: '2026-05-01T09:30:12.345Z', started: 2 } }, { runUrl: undefined });
    expect(text).toContain('| **Machine** | `148e21ea7d4689` in `iad` |');
    expect(text).toContain('| **Last woken** | 2026-05-01 09:30 UTC, when a review started (2 machines started) |');
  });

  it('keeps the view it was rendered from on a hidden second line, and reads it back', async () => {
    const body = renderPreview(ready, { runUrl: undefined });
    let sent = '';
    nock(api).get(commentsPath).query(true).reply(200, []);
    nock(api)
      .post(commentsPath, (b: { body: string }) => {
        sent = b.body;
        return true;
      })
      .reply(201, comment(2, 'x'));
    await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body, view: ready });
    const [marker, hidden, ...visible] = sent.split('\n');
    expect(marker).toBe(commentMarker('pr-7-octo-shop', 5));
    expect(hidden).toMatch(/^<!-- fly-preview-view [A-Za-z0-9_-]+ -->$/);
    expect(visible.join('\n')).toBe(body);

    nock(api).get(commentsPath).query(true).reply(200, [comment(2, sent)]);
    expect(await readPreviewComment(gh(), issue, 'pr-7-octo-shop')).toEqual({ view: ready, order: 5 });
  });

  it('a comment without a view, with an edited one, or of another app gives none', async () => {
    const edited = `${commentMarker('pr-7-octo-shop', 5)}\n<!-- fly-preview-view not*base64 -->\ntext`;
    for (const body of [`${commentMarker('pr-7-octo-shop', 5)}\nold text`, edited]) {
      nock(api).get(commentsPath).query(true).reply(200, [comment(2, body)]);
      expect(await readPreviewComment(gh(), issue, 'pr-7-octo-shop')).toBeUndefined();
    }
    const other = `${commentMarker('pr-7-octo-shop', 5)}\n<!-- fly-preview-view ${Buffer.from(JSON.stringify({ ...ready, appName: 'x' })).toString('base64url')} -->\ntext`;
    nock(api).get(commentsPath).query(true).reply(200, [comment(2, other)]);
    expect(await readPreviewComment(gh(), issue, 'pr-7-octo-shop')).toBeUndefined();
  });

  it('leaves the view out of a comment that would grow too long for GitHub', async () => {
    const long: PreviewView = { ...ready, details: { groups: [], checks: [{ group: 'app', name: 'http', status: 'critical', output: 'x'.repeat(40_000) }], phasesMs: [] } };
    let sent = '';
    nock(api).get(commentsPath).query(true).reply(200, []);
    nock(api)
      .post(commentsPath, (b: { body: string }) => {
        sent = b.body;
        return true;
      })
      .reply(201, comment(2, 'x'));
    await upsertComment(gh(), issue, { appName: 'pr-7-octo-shop', revisionOrder: 5, body: renderPreview(long, { runUrl: undefined }), view: long });
    expect(sent).not.toContain('fly-preview-view');
    expect(sent.length).toBeLessThan(65_536);
  });
});
