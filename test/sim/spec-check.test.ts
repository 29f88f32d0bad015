// The API description check itself (test/sim/spec-check.ts): what it finds, how it names it, and
// what the allow-list lets through. Called directly, so nothing here counts in the run's tally.
import { describe, expect, it } from 'vitest';
import { specCheck, type Finding } from './spec-check.ts';

const fly = specCheck('fly');
const github = specCheck('github');
const koyeb = specCheck('koyeb');
const q = (query = ''): URLSearchParams => new URLSearchParams(query);
const brief = (findings: Finding[]) => findings.map((f) => ({ operation: f.operation, in: f.in, field: f.field, message: f.message, allowed: f.allowedBy !== undefined }));

describe('requests', () => {
  it('an operation the description lacks is named by its method and path', async () => {
    expect(brief(await fly.request({ method: 'PUT', path: '/v1/apps/demo', query: q(), body: undefined }))).toEqual([
      { operation: 'PUT /v1/apps/demo', in: 'operation', field: '/v1/apps/demo', message: 'the description has GET, DELETE for this path, not PUT', allowed: false },
    ]);
  });

  it('an undeclared query parameter, and a declared one of the wrong type', async () => {
    const findings = await fly.request({ method: 'DELETE', path: '/v1/apps/demo/machines/m1', query: q('force=yes&kill=true'), body: undefined });
    expect(brief(findings)).toEqual([
      { operation: 'DELETE /v1/apps/{app_name}/machines/{machine_id} (Machines_delete)', in: 'query', field: 'force', message: 'must be boolean', allowed: false },
      { operation: 'DELETE /v1/apps/{app_name}/machines/{machine_id} (Machines_delete)', in: 'query', field: 'kill', message: 'is not a query parameter of this operation', allowed: false },
    ]);
  });

  it('a field no schema names, however deep, by its JSON path; a schema behind allOf is closed too', async () => {
    const body = { region: 'iad', config: { image: 'nginx', services: [{ protocol: 'tcp', internal_port: 8080, ports: [{ port: 443, handler: ['tls'] }] }] } };
    const findings = await fly.request({ method: 'POST', path: '/v1/apps/demo/machines', query: q(), body });
    expect(brief(findings)).toEqual([
      { operation: 'POST /v1/apps/{app_name}/machines (Machines_create)', in: 'body', field: '$.config.services[0].ports[0].handler', message: 'is a field the description does not name', allowed: false },
    ]);
  });

  it('autostop as a boolean is allowed by fly-go, citing it; as a number it is not', async () => {
    const body = (autostop: unknown) => ({ config: { image: 'nginx', services: [{ autostop }] } });
    const allowed = await fly.request({ method: 'POST', path: '/v1/apps/demo/machines', query: q(), body: body(true) });
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.every((f) => f.allowedBy?.source.includes('machine_types.go MachineAutostop.MarshalJSON'))).toBe(true);
    const refused = await fly.request({ method: 'POST', path: '/v1/apps/demo/machines', query: q(), body: body(1) });
    expect(refused.some((f) => f.allowedBy === undefined && f.field === '$.config.services[0].autostop')).toBe(true);
  });

  it('app_name is not CreateAppRequest’s; wait=true is allowed by fly-go', async () => {
    const findings = await fly.request({ method: 'POST', path: '/v1/apps', query: q('wait=true'), body: { app_name: 'x', org_slug: 'personal' } });
    expect(brief(findings)).toEqual([
      { operation: 'POST /v1/apps (Apps_create)', in: 'query', field: 'wait', message: 'is not a query parameter of this operation', allowed: true },
      { operation: 'POST /v1/apps (Apps_create)', in: 'body', field: '$.app_name', message: 'is a field the description does not name', allowed: false },
    ]);
  });

  it('reads GitHub path and query parameters as URL strings: issue_number 12 is an integer, per_page=abc is not', async () => {
    const path = '/repos/o/r/issues/12/comments';
    expect(await github.request({ method: 'GET', path, query: q('per_page=100&page=2'), body: undefined })).toEqual([]);
    expect(brief(await github.request({ method: 'GET', path, query: q('per_page=abc'), body: undefined }))).toEqual([
      { operation: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments (issues/list-comments)', in: 'query', field: 'per_page', message: 'must be integer', allowed: false },
    ]);
  });

  it('Koyeb’s Swagger 2 description, converted, closes its definitions as well', async () => {
    expect(await koyeb.request({ method: 'POST', path: '/v1/apps', query: q(), body: { name: 'demo' } })).toEqual([]);
    expect(brief(await koyeb.request({ method: 'POST', path: '/v1/apps', query: q(), body: { name: 'demo', region: 'fra' } }))).toEqual([
      { operation: 'POST /v1/apps (CreateApp)', in: 'body', field: '$.region', message: 'is a field the description does not name', allowed: false },
    ]);
  });
});

describe('answers', () => {
  const exchange = (method: string, path: string) => ({ method, path, query: q(), body: undefined });

  it('a success status the description does not declare', async () => {
    expect(brief(await fly.answer(exchange('DELETE', '/v1/apps/demo'), 200, undefined))).toEqual([
      { operation: 'DELETE /v1/apps/{app_name} (Apps_delete) → 200', in: 'status', field: '200', message: 'is not an answer the description declares (it has 202)', allowed: false },
    ]);
  });

  it('a body where the description declares none, and an error body held against ErrorResponse', async () => {
    expect(brief(await fly.answer(exchange('DELETE', '/v1/apps/demo/machines/m1'), 200, { ok: true }))).toEqual([
      { operation: 'DELETE /v1/apps/{app_name}/machines/{machine_id} (Machines_delete) → 200', in: 'body', field: '$', message: 'the description declares no body for 200', allowed: false },
    ]);
    expect(await fly.answer(exchange('GET', '/v1/apps/demo'), 404, { error: 'Could not find App "demo"' })).toEqual([]);
    expect(brief(await fly.answer(exchange('GET', '/v1/apps/demo'), 404, { error: 'x', reason: 'y' }))).toEqual([
      { operation: 'GET /v1/apps/{app_name} (Apps_show) → 404', in: 'body', field: '$.reason', message: 'is a field the description does not name', allowed: false },
    ]);
  });

  it('the lease answer in fly-go’s {status, data} shape passes, and must fit that shape', async () => {
    const path = '/v1/apps/demo/machines/m1/lease';
    const good = await fly.answer(exchange('POST', path), 201, { status: 'success', data: { nonce: 'n', expires_at: 1, owner: 'o', version: 'v' } });
    expect(good.every((f) => f.allowedBy?.source.includes('MachineLease'))).toBe(true);
    const bad = await fly.answer(exchange('POST', path), 201, { status: 'success', data: { nonce: 'n', ttl: 30 } });
    expect(brief(bad).filter((f) => !f.allowed)).toEqual([
      { operation: 'POST /v1/apps/{app_name}/machines/{machine_id}/lease (Machines_create_lease) → 201', in: 'body', field: '$.data.ttl', message: expect.stringContaining('is a field the description does not name'), allowed: false },
    ]);
  });

  it('GitHub’s nullable fields take null; a required one missing is named', async () => {
    const path = '/repos/o/r/issues/comments/1/reactions';
    const findings = await github.answer(exchange('POST', path), 201, { id: 1, node_id: 'x', content: 'eyes', created_at: '2024-01-01T00:00:00Z', user: null });
    expect(findings).toEqual([]);
    expect(brief(await github.answer(exchange('POST', path), 201, { id: 1, content: 'eyes', created_at: '2024-01-01T00:00:00Z', user: null }))).toEqual([
      { operation: 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions (reactions/create-for-issue-comment) → 201', in: 'body', field: '$.node_id', message: 'is required by the description and missing', allowed: false },
    ]);
  });
});
