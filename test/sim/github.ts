// A small double of GitHub's REST API: issue comments (with real pagination), deployments, pull
// requests (listed in Link-paginated pages, or one by one), collaborator permissions and reactions,
// with the request log and fault injection of http-double.ts.
import { HttpDouble, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';
import { loadShapes } from './github-shapes.ts';
import { specCheck } from './spec-check.ts';

export interface CommentSnapshot {
  id: number;
  node_id: string;
  html_url: string;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export interface DeploymentSnapshot {
  id: number;
  ref: string;
  environment: string;
  description: string;
  created_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  /** Oldest first. */
  statuses: { id: number; state: string; environment_url: string; log_url: string; description: string; created_at: string }[];
}

/** A seeded pull request; the sim answers with GitHub's pull request shape for it. */
export interface SeedPull {
  number: number;
  state: 'open' | 'closed';
  merged?: boolean;
  /** ISO time of the last activity. */
  updatedAt: string;
  headSha?: string;
  /** owner/repo of the head when it is a fork; null for a deleted fork. */
  headRepo?: string | null;
  labels?: string[];
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface GitHubSim extends DoubleControls {
  /** Pull requests of a repository (replacing any with the same number). */
  seedPulls(owner: string, repo: string, pulls: SeedPull[]): void;
  /** A user's role in a repository; users not named here are `read` (anyone, on a public repository). */
  setPermission(owner: string, repo: string, user: string, role: Permission): void;
  /** Adds one comment directly and returns its id, e.g. the `/preview` a webhook payload refers to. */
  seedComment(owner: string, repo: string, number: number, body: string, login: string): number;
  /** Reactions on an issue comment, in the order they were added. */
  reactions(commentId: number): { content: string; user: string }[];
  /** The deployments of a repository, oldest first. */
  deployments(owner: string, repo: string): DeploymentSnapshot[];
  /** The comments of one issue or PR, oldest first. */
  comments(owner: string, repo: string, number: number): CommentSnapshot[];
  /** Adds comments directly (no request logged), e.g. a long discussion before the preview's. */
  seedComments(owner: string, repo: string, number: number, bodies: string[], login?: string): void;
  close(): Promise<void>;
}

export async function startGitHubSim(options: { token?: string; login?: string } = {}): Promise<GitHubSim> {
  const token = options.token ?? 'ghs_test';
  const login = options.login ?? 'github-actions[bot]';
  const threads = new Map<string, CommentSnapshot[]>();
  const shapes = await loadShapes();
  const at = (owner: string, repo: string) => ({ owner, repo, api: origin });
  /** GitHub's error body: basic-error, or validation-error for 422 (which has no `status`). */
  const failure = (status: number, message: string): Reply => ({
    status,
    body: { message, documentation_url: 'https://docs.github.com/rest', ...(status === 422 ? {} : { status: String(status) }) },
  });
  let nextId = 1000;
  let origin = '';

  const thread = (owner: string, repo: string, number: number): CommentSnapshot[] => {
    const key = `${owner}/${repo}#${number}`.toLowerCase();
    const list = threads.get(key) ?? [];
    threads.set(key, list);
    return list;
  };

  function make(owner: string, repo: string, number: number, body: string, author: string): CommentSnapshot {
    const id = nextId++;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const comment: CommentSnapshot = {
      id,
      node_id: `IC_${Buffer.from(String(id)).toString('base64')}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
      body,
      user: { login: author, type: author.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: now,
      updated_at: now,
    };
    thread(owner, repo, number).push(comment);
    return comment;
  }

  function findComment(owner: string, repo: string, id: number): { list: CommentSnapshot[]; index: number } {
    const prefix = `${owner}/${repo}#`.toLowerCase();
    for (const [key, list] of threads) {
      if (!key.startsWith(prefix)) continue;
      const index = list.findIndex((c) => c.id === id);
      if (index !== -1) return { list, index };
    }
    throw new BadComment();
  }

  class BadComment extends Error {}

  function page(req: ParsedRequest, all: readonly unknown[]): Reply {
    const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
    const pageNumber = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number, rel: string): string => {
      const query = new URLSearchParams(req.query);
      query.set('page', String(n));
      return `<${origin}${req.path}?${query}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (pageNumber < last) links.push(link(pageNumber + 1, 'next'), link(last, 'last'));
    if (pageNumber > 1) links.push(link(1, 'first'), link(pageNumber - 1, 'prev'));
    return {
      status: 200,
      body: all.slice((pageNumber - 1) * perPage, pageNumber * perPage),
      headers: links.length === 0 ? {} : { link: links.join(', ') },
    };
  }

  const pullsByRepo = new Map<string, Map<number, SeedPull>>();
  const pullsOf = (owner: string, repo: string): Map<number, SeedPull> => {
    const key = `${owner}/${repo}`.toLowerCase();
    let map = pullsByRepo.get(key);
    if (map === undefined) {
      map = new Map();
      pullsByRepo.set(key, map);
    }
    return map;
  };
  const permissions = new Map<string, Permission>();
  const reactionsByComment = new Map<number, { content: string; user: string }[]>();

  /** GitHub's pull request object (the list's simpler one with `simple`) for a seeded PR. */
  function pullJson(owner: string, repo: string, p: SeedPull, simple: boolean) {
    return shapes.pull(
      {
        number: p.number,
        state: p.state,
        title: `PR ${p.number}`,
        login: 'octocat',
        labels: p.labels ?? [],
        createdAt: p.updatedAt,
        updatedAt: p.updatedAt,
        closedAt: p.state === 'closed' ? p.updatedAt : null,
        mergedAt: p.merged === true ? p.updatedAt : null,
        head: { ref: `branch-${p.number}`, sha: p.headSha ?? `${String(p.number).padStart(7, '0')}${'c'.repeat(33)}`, repo: p.headRepo === undefined ? `${owner}/${repo}` : p.headRepo },
        base: { ref: 'main', sha: 'b'.repeat(40) },
      },
      at(owner, repo),
      simple,
    );
  }

  const deploymentsByRepo = new Map<string, DeploymentSnapshot[]>();
  const deploymentsOf = (owner: string, repo: string): DeploymentSnapshot[] => {
    const key = `${owner}/${repo}`.toLowerCase();
    const list = deploymentsByRepo.get(key) ?? [];
    deploymentsByRepo.set(key, list);
    return list;
  };

  function route(req: ParsedRequest): Reply {
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
    }
    const parts = req.path.split('/').filter(Boolean);
    const [root, owner = '', repo = '', kind, a, b, c] = parts;
    if (root !== 'repos') return failure(404, 'Not Found');
    const comment = (x: CommentSnapshot): unknown => shapes.comment(x, { ...at(owner, repo), number: Number(/\/pull\/(\d+)#/.exec(x.html_url)?.[1] ?? 0) });
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (kind === 'issues' && a === 'comments' && b !== undefined) {
        const { list, index } = findComment(owner, repo, Number(b));
        const found = list[index] as CommentSnapshot;
        if (req.method === 'GET') return { status: 200, body: comment(found) };
        if (req.method === 'PATCH') {
          if (typeof body['body'] !== 'string') return failure(422, 'body is required');
          found.body = body['body'];
          found.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          return { status: 200, body: comment(found) };
        }
        if (req.method === 'DELETE') {
          list.splice(index, 1);
          return { status: 204 };
        }
      }
      if (kind === 'issues' && a !== undefined && b === 'comments' && c === undefined) {
        const number = Number(a);
        if (req.method === 'GET') return page(req, thread(owner, repo, number).map(comment));
        if (req.method === 'POST') {
          if (typeof body['body'] !== 'string' || body['body'] === '') return failure(422, 'body is required');
          return { status: 201, body: comment(make(owner, repo, number, body['body'], login)) };
        }
      }
      if (kind === 'pulls' && a === undefined && req.method === 'GET') {
        const state = req.query.get('state') ?? 'open';
        const sort = req.query.get('sort') ?? 'created';
        // GitHub's defaults (`pulls/list`): desc when sorting by creation, asc otherwise.
        const direction = req.query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
        const list = [...pullsOf(owner, repo).values()]
          .filter((p) => state === 'all' || p.state === state)
          .sort((x, y) => (sort === 'updated' ? Date.parse(x.updatedAt) - Date.parse(y.updatedAt) || x.number - y.number : x.number - y.number));
        if (direction === 'desc') list.reverse();
        return page(req, list.map((p) => pullJson(owner, repo, p, true)));
      }
      if (kind === 'pulls' && a !== undefined && b === undefined && req.method === 'GET') {
        const pull = pullsOf(owner, repo).get(Number(a));
        return pull === undefined ? failure(404, 'Not Found') : { status: 200, body: pullJson(owner, repo, pull, false) };
      }
      if (kind === 'collaborators' && a !== undefined && b === 'permission' && req.method === 'GET') {
        const role = permissions.get(`${owner}/${repo}/${a}`.toLowerCase()) ?? 'read';
        // `permission` is the older field: maintain reads as write, triage as read.
        const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
        return { status: 200, body: shapes.permission(permission, role, a) };
      }
      if (kind === 'issues' && a === 'comments' && b !== undefined && c === 'reactions' && req.method === 'POST') {
        findComment(owner, repo, Number(b));
        const content = String(body['content'] ?? '');
        if (!['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'].includes(content)) {
          return failure(422, 'Validation Failed');
        }
        const list = reactionsByComment.get(Number(b)) ?? [];
        reactionsByComment.set(Number(b), list);
        const existing = list.findIndex((r) => r.content === content && r.user === login);
        // GitHub answers 200 with the existing reaction when the same user reacts the same way again.
        if (existing !== -1) return { status: 200, body: shapes.reaction({ id: existing + 1, content, login }) };
        list.push({ content, user: login });
        return { status: 201, body: shapes.reaction({ id: list.length, content, login }) };
      }
      if (kind === 'deployments' && a === undefined) {
        const list = deploymentsOf(owner, repo);
        if (req.method === 'GET') {
          const environment = req.query.get('environment');
          // GitHub lists the newest first.
          return page(
            req,
            list
              .filter((d) => environment === null || d.environment === environment)
              .reverse()
              .map((d) => deploymentJson(owner, repo, d)),
          );
        }
        if (req.method === 'POST') {
          if (typeof body['ref'] !== 'string' || body['ref'] === '') return failure(422, 'ref is required');
          const deployment: DeploymentSnapshot = {
            id: nextId++,
            ref: body['ref'],
            environment: typeof body['environment'] === 'string' ? body['environment'] : 'production',
            description: typeof body['description'] === 'string' ? body['description'] : '',
            created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            transient_environment: body['transient_environment'] === true,
            production_environment: body['production_environment'] === true,
            statuses: [],
          };
          list.push(deployment);
          return { status: 201, body: deploymentJson(owner, repo, deployment) };
        }
      }
      if (kind === 'deployments' && a !== undefined && b === 'statuses' && req.method === 'POST') {
        const deployment = deploymentsOf(owner, repo).find((d) => d.id === Number(a));
        if (deployment === undefined) throw new BadComment();
        const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
        if (typeof body['state'] !== 'string' || !states.includes(body['state'])) return failure(422, 'invalid state');
        const status = {
          id: nextId++,
          state: body['state'],
          environment_url: typeof body['environment_url'] === 'string' ? body['environment_url'] : '',
          log_url: typeof body['log_url'] === 'string' ? body['log_url'] : '',
          description: typeof body['description'] === 'string' ? body['description'] : '',
          created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        };
        deployment.statuses.push(status);
        const answer = shapes.status(
          {
            id: status.id,
            state: status.state,
            environmentUrl: status.environment_url,
            logUrl: status.log_url,
            description: status.description,
            environment: deployment.environment,
            deploymentId: deployment.id,
            createdAt: status.created_at,
          },
          at(owner, repo),
          login,
        );
        return { status: 201, body: answer };
      }
    } catch (error) {
      if (error instanceof BadComment) return failure(404, 'Not Found');
      throw error;
    }
    return failure(404, 'Not Found');
  }

  function deploymentJson(owner: string, repo: string, d: DeploymentSnapshot) {
    return shapes.deployment(
      { id: d.id, ref: d.ref, environment: d.environment, description: d.description, transient: d.transient_environment, production: d.production_environment, createdAt: d.created_at },
      at(owner, repo),
      login,
    );
  }

  const server = new HttpDouble(route, {
    spec: specCheck('github'),
    faultBody: (status) => ({ message: `injected ${status}`, documentation_url: 'https://docs.github.com/rest' }),
  });
  await server.listen();
  origin = server.url;

  return {
    ...server.controls(),
    comments: (owner, repo, number) => structuredClone(thread(owner, repo, number)),
    deployments: (owner, repo) => structuredClone(deploymentsOf(owner, repo)),
    seedComments(owner, repo, number, bodies, author = 'octocat') {
      for (const body of bodies) make(owner, repo, number, body, author);
    },
    seedPulls(owner, repo, pulls) {
      const map = pullsOf(owner, repo);
      for (const pull of pulls) map.set(pull.number, structuredClone(pull));
    },
    setPermission: (owner, repo, user, role) => void permissions.set(`${owner}/${repo}/${user}`.toLowerCase(), role),
    seedComment: (owner, repo, number, body, author) => make(owner, repo, number, body, author).id,
    reactions: (commentId) => structuredClone(reactionsByComment.get(commentId) ?? []),
    close: () => server.close(),
  };
}
