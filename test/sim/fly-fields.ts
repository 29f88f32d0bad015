// Checks a request body against test/sim/fly-fields.json: every JSON name it uses must be one
// fly-go's types know. Used by the unit and e2e tests on every body the client sends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './action-runner.ts';

interface FieldList {
  types: Record<string, string[]>;
  bodies: Record<string, string>;
  nested: Record<string, string>;
  maps: string[];
}

const fields = JSON.parse(readFileSync(join(repoRoot, 'test', 'sim', 'fly-fields.json'), 'utf8')) as FieldList;

/** The fly-go type a request's body is, by method and path; undefined for calls without a body type. */
export function bodyType(method: string, path: string): string | undefined {
  const shape = path
    .replace(/^\/v1\/apps\/[^/]+\/machines\/[^/]+$/, '/v1/apps/{app}/machines/{id}')
    .replace(/^\/v1\/apps\/[^/]+\/(machines|ip_assignments)$/, '/v1/apps/{app}/$1');
  return fields.bodies[`${method} ${shape}`];
}

/** Names in `body` that its fly-go type does not have, as dotted paths. */
export function unknownFields(type: string, body: unknown, at = type): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const known = fields.types[type] ?? [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const here = `${type}.${key}`;
    if (!known.includes(key)) {
      unknown.push(`${at}.${key}`);
      continue;
    }
    if (fields.maps.includes(here)) continue;
    const single = fields.nested[here];
    const each = fields.nested[`${here}[]`];
    if (single !== undefined) unknown.push(...unknownFields(single, value, `${at}.${key}`));
    if (each !== undefined && Array.isArray(value)) {
      for (const [i, item] of value.entries()) unknown.push(...unknownFields(each, item, `${at}.${key}[${i}]`));
    }
  }
  return unknown;
}

/** Every body in a request log that has a fly-go type, with the names that type does not know. */
export function bodiesWithUnknownFields(requests: { method: string; path: string; body: unknown }[]): { call: string; unknown: string[] }[] {
  return requests.flatMap((r) => {
    const type = bodyType(r.method, r.path);
    if (type === undefined || r.body === undefined) return [];
    const unknown = unknownFields(type, r.body);
    return unknown.length === 0 ? [] : [{ call: `${r.method} ${r.path}`, unknown }];
  });
}

/** How many bodies the log holds that were checked (so a test can show it checked some). */
export function typedBodies(requests: { method: string; path: string; body: unknown }[]): number {
  return requests.filter((r) => r.body !== undefined && bodyType(r.method, r.path) !== undefined).length;
}
