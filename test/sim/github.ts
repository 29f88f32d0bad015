// A small double of GitHub's REST API: issue comments (with real pagination) and deployments,
// with the request log and fault injection of http-double.ts.
import { bad, HttpDouble, type DoubleControls, type ParsedRequest, type Reply } from './http-double.ts';

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
  transient_environment: boolean;
  production_environment: boolean;
  /** Oldest first. */
  statuses: { id: number; state: string; environment_url: string; log_url: string }[];
}

export interface GitHubSim extends DoubleControls {
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
    if (root !== 'repos') throw bad(404, 'Not Found');
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (kind === 'issues' && a === 'comments' && b !== undefined) {
        const { list, index } = findComment(owner, repo, Number(b));
        const comment = list[index] as CommentSnapshot;
        if (req.method === 'GET') return { status: 200, body: comment };
        if (req.method === 'PATCH') {
          if (typeof body['body'] !== 'string') return { status: 422, body: { message: 'body is required' } };
          comment.body = body['body'];
          comment.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          return { status: 200, body: comment };
        }
        if (req.method === 'DELETE') {
          list.splice(index, 1);
          return { status: 204 };
        }
      }
      if (kind === 'issues' && a !== undefined && b === 'comments' && c === undefined) {
        const number = Number(a);
        if (req.method === 'GET') return page(req, thread(owner, repo, number));
        if (req.method === 'POST') {
          if (typeof body['body'] !== 'string' || body['body'] === '') return { status: 422, body: { message: 'body is required' } };
          return { status: 201, body: make(owner, repo, number, body['body'], login) };
        }
      }
      if (kind === 'deployments' && a === undefined) {
        const list = deploymentsOf(owner, repo);
        if (req.method === 'GET') {
          const environment = req.query.get('environment');
          // GitHub lists the newest first.
          return page(req, list.filter((d) => environment === null || d.environment === environment).reverse());
        }
        if (req.method === 'POST') {
          if (typeof body['ref'] !== 'string' || body['ref'] === '') return { status: 422, body: { message: 'ref is required' } };
          const deployment: DeploymentSnapshot = {
            id: nextId++,
            ref: body['ref'],
            environment: typeof body['environment'] === 'string' ? body['environment'] : 'production',
            transient_environment: body['transient_environment'] === true,
            production_environment: body['production_environment'] === true,
            statuses: [],
          };
          list.push(deployment);
          return { status: 201, body: deployment };
        }
      }
      if (kind === 'deployments' && a !== undefined && b === 'statuses' && req.method === 'POST') {
        const deployment = deploymentsOf(owner, repo).find((d) => d.id === Number(a));
        if (deployment === undefined) throw new BadComment();
        const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
        if (typeof body['state'] !== 'string' || !states.includes(body['state'])) return { status: 422, body: { message: 'invalid state' } };
        const status = {
          id: nextId++,
          state: body['state'],
          environment_url: typeof body['environment_url'] === 'string' ? body['environment_url'] : '',
          log_url: typeof body['log_url'] === 'string' ? body['log_url'] : '',
        };
        deployment.statuses.push(status);
        return { status: 201, body: status };
      }
    } catch (error) {
      if (error instanceof BadComment) return { status: 404, body: { message: 'Not Found' } };
      throw error;
    }
    return { status: 404, body: { message: 'Not Found' } };
  }

  const server = new HttpDouble(route);
  await server.listen();
  origin = server.url;

  return {
    ...server.controls(),
    comments: (owner, repo, number) => structuredClone(thread(owner, repo, number)),
    deployments: (owner, repo) => structuredClone(deploymentsOf(owner, repo)),
    seedComments(owner, repo, number, bodies, author = 'octocat') {
      for (const body of bodies) make(owner, repo, number, body, author);
    },
    close: () => server.close(),
  };
}
