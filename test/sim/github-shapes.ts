// GitHub's answers in GitHub's own shape: each starts from the example the REST description
// (@octokit/openapi) gives for that operation, with the simulator's state laid over it. So every
// field a client might read is there, typed as GitHub types it, and test/sim/spec-check.ts finds
// the answers whole.
import { exampleAnswer } from './spec-check.ts';

type Json = Record<string, unknown>;

/** The example answers the simulator builds on, by `METHOD /template` and status. */
const used = {
  comment: ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201],
  reaction: ['POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', 201],
  pull: ['GET /repos/{owner}/{repo}/pulls/{pull_number}', 200],
  pullItems: ['GET /repos/{owner}/{repo}/pulls', 200],
  permission: ['GET /repos/{owner}/{repo}/collaborators/{username}/permission', 200],
  deployment: ['POST /repos/{owner}/{repo}/deployments', 201],
  status: ['POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201],
} as const;

/** Every string in `value` with `from` replaced: the example's octocat/Hello-World becomes this repository. */
function rewrite<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).split(from).join(to.replace(/"/g, '\\"'))) as T;
}

/** A stable positive id for a name (GitHub ids are integers). */
function idOf(name: string): number {
  let h = 7;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 2_000_000_000;
  return h + 1;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

export interface Shapes {
  user(login: string, type?: string): Json;
  comment(c: { id: number; body: string; user: { login: string; type: string }; created_at: string; updated_at: string }, at: { owner: string; repo: string; number: number; api: string }): Json;
  reaction(r: { id: number; content: string; login: string }): Json;
  pull(p: PullFacts, at: { owner: string; repo: string; api: string }, simple: boolean): Json;
  permission(permission: string, role: string, login: string): Json;
  deployment(d: { id: number; ref: string; environment: string; description: string; transient: boolean; production: boolean; createdAt: string }, at: { owner: string; repo: string; api: string }, creator: string): Json;
  status(s: { id: number; state: string; environmentUrl: string; logUrl: string; description: string; environment: string; deploymentId: number; createdAt: string }, at: { owner: string; repo: string; api: string }, creator: string): Json;
}

export interface PullFacts {
  number: number;
  state: 'open' | 'closed';
  title: string;
  login: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  head: { ref: string; sha: string; repo: string | null };
  base: { ref: string; sha: string };
}

export async function loadShapes(): Promise<Shapes> {
  const example = async ([key, status]: readonly [string, number]): Promise<Json> => {
    const answer = await exampleAnswer('github', key, status);
    return (Array.isArray(answer) ? answer[0] : answer) as Json;
  };
  const [comment, reaction, pull, pullItem, permission, deployment, status] = await Promise.all([
    example(used.comment),
    example(used.reaction),
    example(used.pull),
    example(used.pullItems),
    example(used.permission),
    example(used.deployment),
    example(used.status),
  ]);
  const octocat = comment['user'] as Json;

  const user = (login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User'): Json => ({
    ...rewrite(octocat, 'users/octocat', `users/${encodeURIComponent(login)}`),
    login,
    id: idOf(login),
    node_id: b64(`04:User${idOf(login)}`),
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    type,
  });

  /** The example's repository, made this one: names, owner, URLs. */
  const repository = (template: Json, fullName: string, fork: boolean): Json => {
    const [owner = '', name = ''] = fullName.split('/');
    // The example carries fields of the full repository object that `repository` does not name.
    const { template_repository: _t, subscribers_count: _s, network_count: _n, ...known } = template;
    return {
      ...rewrite(known, 'octocat/Hello-World', fullName),
      id: idOf(fullName),
      node_id: b64(`010:Repository${idOf(fullName)}`),
      name,
      full_name: fullName,
      owner: user(owner),
      fork,
    };
  };

  return {
    user,
    comment(c, at) {
      return {
        ...comment,
        id: c.id,
        node_id: b64(`012:IssueComment${c.id}`),
        url: `${at.api}/repos/${at.owner}/${at.repo}/issues/comments/${c.id}`,
        html_url: `https://github.com/${at.owner}/${at.repo}/pull/${at.number}#issuecomment-${c.id}`,
        issue_url: `${at.api}/repos/${at.owner}/${at.repo}/issues/${at.number}`,
        body: c.body,
        user: user(c.user.login, c.user.type),
        created_at: c.created_at,
        updated_at: c.updated_at,
        author_association: 'NONE',
      };
    },
    reaction(r) {
      return { ...reaction, id: r.id, node_id: b64(`08:Reaction${r.id}`), content: r.content, user: user(r.login), created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    },
    pull(p, at, simple) {
      const template = simple ? pullItem : pull;
      const fullName = `${at.owner}/${at.repo}`;
      const shaped = rewrite(rewrite(template, 'octocat/Hello-World', fullName), '/1347', `/${p.number}`);
      const head = shaped['head'] as Json;
      const base = shaped['base'] as Json;
      const label = ((template['labels'] as Json[] | undefined)?.[0] ?? {}) as Json;
      const headOwner = p.head.repo?.split('/')[0] ?? at.owner;
      return {
        ...shaped,
        id: idOf(`${fullName}#${p.number}`),
        node_id: b64(`011:PullRequest${idOf(`${fullName}#${p.number}`)}`),
        url: `${at.api}/repos/${fullName}/pulls/${p.number}`,
        html_url: `https://github.com/${fullName}/pull/${p.number}`,
        number: p.number,
        state: p.state,
        title: p.title,
        user: user(p.login),
        // None asked for: the example's team lacks the `type` its schema requires.
        assignee: null,
        assignees: [],
        requested_reviewers: [],
        requested_teams: [],
        labels: p.labels.map((name, i) => ({ ...label, id: i + 1, node_id: b64(`05:Label${i + 1}`), name, url: `${at.api}/repos/${fullName}/labels/${encodeURIComponent(name)}` })),
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        closed_at: p.closedAt,
        merged_at: p.mergedAt,
        ...(simple ? {} : { merged: p.mergedAt !== null }),
        head: {
          ...head,
          label: `${headOwner}:${p.head.ref}`,
          ref: p.head.ref,
          sha: p.head.sha,
          user: user(headOwner),
          repo: p.head.repo === null ? null : repository(head['repo'] as Json, p.head.repo, p.head.repo !== fullName),
        },
        base: { ...base, label: `${at.owner}:${p.base.ref}`, ref: p.base.ref, sha: p.base.sha, user: user(at.owner), repo: repository(base['repo'] as Json, fullName, false) },
      };
    },
    permission(perm, role, login) {
      return { ...permission, permission: perm, role_name: role, user: { ...user(login), role_name: role } };
    },
    deployment(d, at, creator) {
      const fullName = `${at.owner}/${at.repo}`;
      return {
        ...deployment,
        url: `${at.api}/repos/${fullName}/deployments/${d.id}`,
        id: d.id,
        node_id: b64(`010:Deployment${d.id}`),
        sha: /^[0-9a-f]{40}$/.test(d.ref) ? d.ref : 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d',
        ref: d.ref,
        task: 'deploy',
        payload: {},
        original_environment: d.environment,
        environment: d.environment,
        description: d.description,
        creator: user(creator),
        created_at: d.createdAt,
        updated_at: d.createdAt,
        statuses_url: `${at.api}/repos/${fullName}/deployments/${d.id}/statuses`,
        repository_url: `${at.api}/repos/${fullName}`,
        transient_environment: d.transient,
        production_environment: d.production,
      };
    },
    status(s, at, creator) {
      const fullName = `${at.owner}/${at.repo}`;
      const { environment_url: _e, log_url: _l, ...rest } = status;
      return {
        ...rest,
        url: `${at.api}/repos/${fullName}/deployments/${s.deploymentId}/statuses/${s.id}`,
        id: s.id,
        node_id: b64(`016:DeploymentStatus${s.id}`),
        state: s.state,
        creator: user(creator),
        description: s.description,
        environment: s.environment,
        // GitHub copies log_url into the older target_url.
        target_url: s.logUrl,
        created_at: s.createdAt,
        updated_at: s.createdAt,
        deployment_url: `${at.api}/repos/${fullName}/deployments/${s.deploymentId}`,
        repository_url: `${at.api}/repos/${fullName}`,
        // Left out when empty: the description types them `format: uri`.
        ...(s.environmentUrl === '' ? {} : { environment_url: s.environmentUrl }),
        ...(s.logUrl === '' ? {} : { log_url: s.logUrl }),
      };
    },
  };
}
