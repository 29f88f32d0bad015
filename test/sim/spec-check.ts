// Holds every request a simulator receives and every answer it gives against the platform's own
// API description (test/sim/SPEC_CHECK.md): Fly's OpenAPI 3 file, Koyeb's Swagger 2 file (converted
// by swagger2openapi) and GitHub's @octokit/openapi. Schemas are compiled by Ajv lazily, one
// operation at a time, and kept for the life of the worker, so a test pays only for the calls it makes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import formatsPlugin from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { allowances, type Allowance } from './spec-allowlist.ts';

export type Platform = 'fly' | 'koyeb' | 'github';
export type Direction = 'request' | 'answer';
/** Where in the exchange a finding is: the operation itself, a path or query parameter, the body, the status. */
export type Place = 'operation' | 'path' | 'query' | 'body' | 'status';

export interface Finding {
  platform: Platform;
  direction: Direction;
  /** `POST /v1/apps (Apps_create)`: method, path template as sent, operationId. */
  operation: string;
  /** `POST /apps`: method and template as the description keys it (what the allow-list names). */
  operationKey: string;
  in: Place;
  /** JSON path into the body (`$.config.services[0].autostop`), or the parameter's name. */
  field: string;
  message: string;
  value?: unknown;
  /** The allow-list entry that covers it; undefined for a finding nobody has excused. */
  allowedBy?: Allowance;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
  explode: boolean;
}

interface Operation {
  key: string;
  method: string;
  template: string;
  operationId: string;
  segments: RegExp[];
  literals: number;
  parameters: Parameter[];
  body: { required: boolean; schema: unknown } | undefined;
  responses: Record<string, Json>;
}

interface Source {
  file: string;
  /** The servers' path prefix the description's paths are relative to (Fly's `/v1`). */
  basePath: string;
  /** What an error answer is checked against when its status is not declared (SPEC_CHECK.md). */
  errorSchema: string;
  load(): Promise<Json>;
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

const sources: Record<Platform, Source> = {
  fly: {
    file: 'test/sim/specs/fly-machines-openapi3.json',
    basePath: '/v1',
    errorSchema: '#/components/schemas/ErrorResponse',
    load: async () => readJson(join(here, 'specs', 'fly-machines-openapi3.json')),
  },
  koyeb: {
    file: 'test/sim/specs/koyeb-openapi.json (Swagger 2.0, converted by swagger2openapi)',
    basePath: '',
    errorSchema: '#/components/schemas/google.rpc.Status',
    async load() {
      const { convertObj } = require('swagger2openapi') as {
        convertObj(spec: Json, options: Json): Promise<{ openapi: Json }>;
      };
      const { openapi } = await convertObj(readJson(join(here, 'specs', 'koyeb-openapi.json')), { patch: true, warnOnly: true });
      return openapi;
    },
  },
  github: {
    file: '@octokit/openapi generated/api.github.com.json',
    basePath: '',
    errorSchema: '#/components/schemas/basic-error',
    load: async () => readJson(require.resolve('@octokit/openapi/generated/api.github.com.json')),
  },
};

export const descriptionFile = (platform: Platform): string => sources[platform].file;

/** The JSON Schema keywords an OpenAPI 3.0 schema shares with draft 2019-09; the rest (example, x-*, discriminator…) is documentation. */
const keywords = ['type', 'enum', 'minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required'];
/** Formats ajv-formats checks (date-time, uri, email…); others a description uses (int64, say) are documentation. */
const knownFormats = new Set(Object.keys(fullFormats));

function pointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  if (node === undefined) throw new Error(`unresolved reference ${ref}`);
  return node;
}

/** A `$ref` or the thing itself. */
function deref(doc: Json, node: unknown): Json {
  let at = node;
  for (let i = 0; i < 10 && isObject(at) && typeof at['$ref'] === 'string'; i++) at = pointer(doc, at['$ref']);
  return isObject(at) ? at : {};
}

const segmentName = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** `/config/services/0/autostop` → `$.config.services[0].autostop`. */
function jsonPath(instancePath: string, extra?: string): string {
  const parts = instancePath === '' ? [] : instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return `$${parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : segmentName(p))).join('')}`;
}

function valueAt(data: unknown, instancePath: string, extra?: string): unknown {
  let node = data;
  const parts = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (extra !== undefined) parts.push(extra);
  for (const p of parts) node = Array.isArray(node) ? node[Number(p)] : isObject(node) ? node[p.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return node;
}

/** Ajv's errors as findings: the field's JSON path, and what is wrong with it. */
function toFindings(errors: readonly ErrorObject[] | null | undefined, data: unknown, base: Omit<Finding, 'field' | 'message' | 'value'>, at = ''): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of errors ?? []) {
    const params = e.params as Json;
    const path = at + e.instancePath;
    let finding: Pick<Finding, 'field' | 'message' | 'value'>;
    if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
      const name = String(params['unevaluatedProperty'] ?? params['additionalProperty']);
      finding = { field: jsonPath(path, name), message: 'is a field the description does not name', value: valueAt(data, e.instancePath, name) };
    } else if (e.keyword === 'required') {
      finding = { field: jsonPath(path, String(params['missingProperty'])), message: 'is required by the description and missing', value: undefined };
    } else {
      finding = { field: jsonPath(path), message: e.message ?? e.keyword, value: valueAt(data, e.instancePath) };
    }
    const key = `${finding.field} ${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...base, ...finding });
  }
  return out;
}

/**
 * One platform's description, indexed by operation, with Ajv validators made on first use. Two Ajv
 * instances: one strict for bodies, one that reads parameters as the strings a URL carries
 * (`timeout=60` is an integer).
 */
class Description {
  readonly platform: Platform;
  readonly #doc: Json;
  readonly #source: Source;
  readonly #operations: Operation[] = [];
  /** The operations by method and number of path segments: GitHub's description has over a thousand. */
  readonly #byShape = new Map<string, Operation[]>();
  readonly #bodies: Ajv2019;
  readonly #params: Ajv2019;
  /** Converted component schemas by id, and which Ajv instance has been given which. */
  readonly #components = new Map<string, Json>();
  readonly #added = new Map<Ajv2019, Set<string>>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #hasProperties = new Map<string, boolean>();

  constructor(platform: Platform, doc: Json, source: Source) {
    this.platform = platform;
    this.#doc = doc;
    this.#source = source;
    const options = { allErrors: true, strict: false, unicodeRegExp: false } as const;
    this.#bodies = new Ajv2019(options);
    this.#params = new Ajv2019({ ...options, coerceTypes: true });
    for (const ajv of [this.#bodies, this.#params]) {
      // ajv-formats is CommonJS: its plugin is the default export's `default`.
      formatsPlugin.default(ajv);
      this.#added.set(ajv, new Set());
    }
    for (const [template, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
      const shared = (item['parameters'] ?? []) as unknown[];
      for (const [method, raw] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method) || !isObject(raw)) continue;
        const byName = new Map<string, Parameter>();
        for (const p of [...shared, ...((raw['parameters'] ?? []) as unknown[])].map((x) => deref(doc, x))) {
          const style = p['style'] ?? (p['in'] === 'query' ? 'form' : 'simple');
          byName.set(`${String(p['in'])} ${String(p['name'])}`, {
            name: String(p['name']),
            in: String(p['in']),
            required: p['required'] === true,
            schema: p['schema'] ?? {},
            explode: p['explode'] === undefined ? style === 'form' : p['explode'] === true,
          });
        }
        const body = raw['requestBody'] === undefined ? undefined : deref(doc, raw['requestBody']);
        const segments = template.split('/').filter(Boolean);
        this.#operations.push({
          key: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          operationId: String(raw['operationId'] ?? ''),
          segments: segments.map((s) => new RegExp(`^${s.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`)),
          literals: segments.filter((s) => !s.includes('{')).length,
          parameters: [...byName.values()],
          body: body === undefined ? undefined : { required: body['required'] === true, schema: jsonMedia(body['content'])?.['schema'] },
          responses: Object.fromEntries(Object.entries((raw['responses'] ?? {}) as Json).map(([status, r]) => [status, deref(doc, r)])),
        });
      }
    }
    for (const op of this.#operations) {
      const key = `${op.method} ${op.segments.length}`;
      this.#byShape.set(key, [...(this.#byShape.get(key) ?? []), op]);
    }
  }

  /** The operation a request is for: of those whose template fits, the one with the most literal segments (OpenAPI 3 "Path Templating Matching"). */
  match(method: string, path: string): { op?: Operation; pathValues: Record<string, string>; relative: string } {
    const base = this.#source.basePath;
    const relative = base !== '' && path.startsWith(`${base}/`) ? path.slice(base.length) : path;
    const parts = relative.split('/').filter(Boolean);
    let best: { op: Operation; values: Record<string, string> } | undefined;
    for (const op of this.#byShape.get(`${method} ${parts.length}`) ?? []) {
      if (best !== undefined && best.op.literals >= op.literals) continue;
      const values: string[] = [];
      const fits = op.segments.every((re, i) => {
        const m = re.exec(parts[i] ?? '');
        if (m !== null) values.push(...m.slice(1).map((v) => decodeURIComponent(v)));
        return m !== null;
      });
      if (!fits) continue;
      const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
      best = { op, values: Object.fromEntries(names.map((n, i) => [n, values[i] ?? ''])) };
    }
    return { op: best?.op, pathValues: best?.values ?? {}, relative };
  }

  label(op: Operation): string {
    return `${op.method} ${this.#source.basePath}${op.template}${op.operationId === '' ? '' : ` (${op.operationId})`}`;
  }

  checkRequest(method: string, path: string, query: URLSearchParams, body: unknown): Finding[] {
    const { op, pathValues, relative } = this.match(method, path);
    if (op === undefined) {
      const others = this.#operations.filter((o) => o.method !== method && this.match(o.method, path).op === o).map((o) => o.method);
      const message =
        others.length > 0 ? `the description has ${others.join(', ')} for this path, not ${method}` : 'the description has no operation for this path';
      return [{ platform: this.platform, direction: 'request', operation: `${method} ${path}`, operationKey: `${method} ${relative}`, in: 'operation', field: path, message }];
    }
    const base = { platform: this.platform, direction: 'request' as const, operation: this.label(op), operationKey: op.key };
    const findings: Finding[] = [];
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      findings.push(...this.#checkParameter(op, p, [pathValues[p.name] ?? ''], base));
    }
    const declared = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
    for (const name of new Set(query.keys())) {
      const p = declared.get(name);
      const values = query.getAll(name);
      if (p === undefined) {
        findings.push({ ...base, in: 'query', field: name, message: 'is not a query parameter of this operation', value: values.length === 1 ? values[0] : values });
        continue;
      }
      findings.push(...this.#checkParameter(op, p, values, base));
    }
    for (const p of declared.values()) {
      if (p.required && !query.has(p.name)) findings.push({ ...base, in: 'query', field: p.name, message: 'is a required query parameter and missing' });
    }
    if (body !== undefined && op.body === undefined) {
      findings.push({ ...base, in: 'body', field: '$', message: 'the operation takes no request body', value: body });
    } else if (body === undefined && op.body?.required === true) {
      findings.push({ ...base, in: 'body', field: '$', message: 'the operation requires a request body and none was sent' });
    } else if (body !== undefined && op.body?.schema !== undefined) {
      const validate = this.#validator(`${op.key} request`, op.body.schema, this.#bodies);
      if (!validate(body)) findings.push(...toFindings(validate.errors, body, { ...base, in: 'body' }));
    }
    return findings;
  }

  /** Answers to requests for an operation the description lacks are not checked: the request already failed. */
  checkAnswer(method: string, path: string, status: number, body: unknown): Finding[] | undefined {
    const { op } = this.match(method, path);
    if (op === undefined) return undefined;
    const base = { platform: this.platform, direction: 'answer' as const, operation: `${this.label(op)} → ${status}`, operationKey: op.key };
    const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses['default'];
    let schema: unknown;
    if (declared === undefined) {
      if (status < 400) {
        return [{ ...base, in: 'status', field: String(status), message: `is not an answer the description declares (it has ${Object.keys(op.responses).join(', ')})` }];
      }
      schema = { $ref: this.#source.errorSchema };
    } else {
      schema = jsonMedia(declared['content'])?.['schema'];
      if (schema === undefined) {
        return body === undefined ? [] : [{ ...base, in: 'body', field: '$', message: `the description declares no body for ${status}`, value: body }];
      }
    }
    if (body === undefined) return [{ ...base, in: 'body', field: '$', message: `the description declares a body for ${status} and none was sent` }];
    const validate = this.#validator(`${op.key} ${status}`, schema, this.#bodies);
    return validate(body) ? [] : toFindings(validate.errors, body, { ...base, in: 'body' });
  }

  /** The description's own example answer for an operation and status (its first, `$ref`s resolved). */
  example(key: string, status: number): unknown {
    const op = this.#operations.find((o) => o.key === key);
    const media = jsonMedia(op?.responses[String(status)]?.['content']);
    if (media === undefined) throw new Error(`${this.platform}: no ${status} answer with a body for ${key}`);
    if (media['example'] !== undefined) return structuredClone(media['example']);
    const first = Object.values((media['examples'] ?? {}) as Json)[0];
    if (first === undefined) throw new Error(`${this.platform}: no example for ${key} ${status}`);
    return structuredClone(deref(this.#doc, first)['value']);
  }

  /** Validates `body` against a schema given by the allow-list (its `$ref`s point into this description). */
  validateWith(key: string, schema: object, body: unknown, base: Omit<Finding, 'field' | 'message' | 'value' | 'in'>): Finding[] {
    const validate = this.#validator(`allow ${key}`, schema, this.#bodies);
    return validate(body) ? [] : toFindings(validate.errors, body, { ...base, in: 'body' });
  }

  #checkParameter(op: Operation, p: Parameter, values: string[], base: Omit<Finding, 'in' | 'field' | 'message'>): Finding[] {
    const schema = deref(this.#doc, p.schema);
    const isArray = schema['type'] === 'array';
    if (!isArray && values.length > 1) {
      return [{ ...base, in: p.in as Place, field: p.name, message: 'is repeated, but the description declares a single value', value: values }];
    }
    const value = isArray ? (p.explode ? values : values.flatMap((v) => v.split(','))) : values[0];
    const validate = this.#validator(`${op.key} ${p.in} ${p.name}`, { type: 'object', properties: { [p.name]: p.schema } }, this.#params);
    const data = { [p.name]: value };
    if (validate(data)) return [];
    return toFindings(validate.errors, data, { ...base, in: p.in as Place }).map((f) => ({ ...f, field: p.name, value: values.length === 1 ? values[0] : values }));
  }

  #validator(key: string, schema: unknown, ajv: Ajv2019): ValidateFunction {
    const cacheKey = `${ajv === this.#params ? 'p' : 'b'} ${key}`;
    let validate = this.#validators.get(cacheKey);
    if (validate === undefined) {
      const converted = this.#convert(schema, false);
      const added = this.#added.get(ajv) as Set<string>;
      for (const [id, component] of this.#components) {
        if (added.has(id)) continue;
        added.add(id);
        ajv.addSchema({ ...component, $id: id });
      }
      validate = ajv.compile(converted);
      this.#validators.set(cacheKey, validate);
    }
    return validate;
  }

  /** A component as an Ajv schema id; `open` is the variant used as a branch of allOf, which its parent closes. */
  #component(ref: string, open: boolean): string {
    const id = `https://spec.test/${this.platform}/${open ? 'open' : 'closed'}${ref.slice(1).split('/').map(encodeURIComponent).join('/')}`;
    if (!this.#components.has(id)) {
      this.#components.set(id, {});
      this.#components.set(id, this.#convert(pointer(this.#doc, ref), open));
    }
    return id;
  }

  /** Whether a schema (through refs and in-place applicators) names properties. */
  #names(node: unknown, seen = new Set<string>()): boolean {
    if (!isObject(node)) return false;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const known = this.#hasProperties.get(ref);
      if (known !== undefined) return known;
      if (seen.has(ref)) return false;
      seen.add(ref);
      const result = this.#names(pointer(this.#doc, ref), seen);
      this.#hasProperties.set(ref, result);
      return result;
    }
    if (node['properties'] !== undefined) return true;
    return ['allOf', 'anyOf', 'oneOf'].some((k) => Array.isArray(node[k]) && (node[k] as unknown[]).some((b) => this.#names(b, seen)));
  }

  /**
   * An OpenAPI 3.0 schema as a draft 2019-09 one, closed: a schema that lists `properties` without
   * `additionalProperties` accepts no other field (`unevaluatedProperties: false`, so fields named by
   * allOf branches count). `inPlace` marks a branch whose parent does the closing.
   */
  #convert(node: unknown, inPlace: boolean): Json {
    if (!isObject(node)) return {};
    if (typeof node['$ref'] === 'string') return { $ref: this.#component(node['$ref'], inPlace) };
    const out: Json = {};
    for (const k of keywords) if (node[k] !== undefined) out[k] = node[k];
    if (typeof node['format'] === 'string' && knownFormats.has(node['format'])) out['format'] = node['format'];
    for (const [bool, limit] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (node[bool] === true && typeof node[limit] === 'number') {
        out[bool] = node[limit];
        delete out[limit];
      } else if (typeof node[bool] === 'number') out[bool] = node[bool];
    }
    if (isObject(node['properties'])) out['properties'] = Object.fromEntries(Object.entries(node['properties']).map(([k, v]) => [k, this.#convert(v, false)]));
    const extra = node['additionalProperties'];
    if (extra !== undefined) out['additionalProperties'] = typeof extra === 'boolean' ? extra : this.#convert(extra, false);
    if (node['items'] !== undefined) out['items'] = this.#convert(node['items'], false);
    const allOf = Array.isArray(node['allOf']) ? (node['allOf'] as unknown[]) : [];
    if (allOf.length > 0) out['allOf'] = allOf.map((b) => this.#convert(b, true));
    const branchesOpen = inPlace || node['properties'] !== undefined || allOf.length > 0;
    const alternatives: unknown[] = [];
    for (const k of ['anyOf', 'oneOf']) {
      if (!Array.isArray(node[k])) continue;
      out[k] = (node[k] as unknown[]).map((b) => this.#convert(b, branchesOpen));
      alternatives.push(...(node[k] as unknown[]));
    }
    if (node['not'] !== undefined) out['not'] = this.#convert(node['not'], true);
    const named = node['properties'] !== undefined || [...allOf, ...(branchesOpen ? alternatives : [])].some((b) => this.#names(b));
    if (!inPlace && extra === undefined && named) out['unevaluatedProperties'] = false;
    if (node['nullable'] === true) {
      if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
      else if (out['type'] === undefined) return { anyOf: [{ type: 'null' }, out] };
      if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
    }
    return out;
  }
}

function jsonMedia(content: unknown): Json | undefined {
  if (!isObject(content)) return undefined;
  const key = Object.keys(content).find((k) => k.includes('json')) ?? Object.keys(content).find((k) => k === '*/*');
  const media = key === undefined ? undefined : content[key];
  return isObject(media) ? media : undefined;
}

// Kept on globalThis: vitest re-imports modules for each test file, but a worker process lives on,
// so a description is parsed and an operation compiled once per worker, not once per file.
const cacheKey = Symbol.for('fly-preview.spec-check.descriptions');
const store = globalThis as typeof globalThis & { [cacheKey]?: Map<Platform, Promise<Description>> };
store[cacheKey] ??= new Map();
const descriptions = store[cacheKey];

function description(platform: Platform): Promise<Description> {
  let loading = descriptions.get(platform);
  if (loading === undefined) {
    const source = sources[platform];
    loading = source.load().then((doc) => new Description(platform, doc, source));
    descriptions.set(platform, loading);
  }
  return loading;
}

const fieldPattern = (field: string): RegExp =>
  new RegExp(`^${field.replace(/[.+?^${}()|\\]/g, '\\$&').replace(/\[\]/g, '\\[\\d+\\]').replace(/\*/g, '[^.\\[]+')}$`);

/** Normalises a finding's operation key and field for matching against allow-list entries. */
function allowanceFor(finding: Finding, status?: number): Allowance | undefined {
  return allowances.find(
    (a) =>
      a.platform === finding.platform &&
      a.direction === finding.direction &&
      a.in === finding.in &&
      (a.operation === '*' || a.operation === finding.operationKey) &&
      (a.status === undefined || a.status === status) &&
      (a.minStatus === undefined || (status !== undefined && status >= a.minStatus)) &&
      a.schema === undefined &&
      fieldPattern(a.field).test(finding.field) &&
      (a.accept === undefined || a.accept(finding.value)),
  );
}

/**
 * The description's example answer for `METHOD /template` and a status: what a simulator starts an
 * answer from, so fields it does not model still come in the platform's own shape.
 */
export async function exampleAnswer(platform: Platform, key: string, status: number): Promise<unknown> {
  return (await description(platform)).example(key, status);
}

export interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** What a simulator calls: each request and each answer, findings back with their allow-list entry if any. */
export interface SpecCheck {
  readonly platform: Platform;
  request(exchange: Exchange): Promise<Finding[]>;
  answer(exchange: Exchange, status: number, body: unknown): Promise<Finding[]>;
}

export function specCheck(platform: Platform): SpecCheck {
  return {
    platform,
    async request({ method, path, query, body }) {
      const d = await description(platform);
      return d.checkRequest(method, path, query, body).map((f) => ({ ...f, allowedBy: allowanceFor(f) }));
    },
    async answer({ method, path }, status, body) {
      const d = await description(platform);
      const findings = d.checkAnswer(method, path, status, body);
      if (findings === undefined || findings.length === 0) return findings ?? [];
      // A source may show the answer in another shape than the description (a lease wrapped in
      // {status, data}): then it is held against that shape instead, and must fit it.
      const key = findings[0]?.operationKey ?? '';
      const replacement = allowances.find((a) => a.platform === platform && a.direction === 'answer' && a.schema !== undefined && a.operation === key && (a.status === undefined || a.status === status));
      if (replacement?.schema !== undefined) {
        const base = { platform, direction: 'answer' as const, operation: findings[0]?.operation ?? key, operationKey: key };
        const against = d.validateWith(`${key} ${status}`, replacement.schema, body, base);
        return [
          ...findings.map((f) => ({ ...f, allowedBy: replacement })),
          ...against.map((f) => ({ ...f, message: `${f.message} (in the shape ${replacement.source} gives it)`, allowedBy: allowanceFor(f, status) })),
        ];
      }
      return findings.map((f) => ({ ...f, allowedBy: allowanceFor(f, status) }));
    },
  };
}

/** One line per finding; `grouped` writes array indices as `[]` and leaves the value out, so the same fault in 30 list items reads once. */
export function describeFinding(f: Finding, grouped = false): string {
  if (grouped) f = { ...f, field: f.field.replace(/\[\d+\]/g, '[]'), value: undefined };
  const value = f.value === undefined ? '' : ` (${JSON.stringify(f.value)?.slice(0, 120)})`;
  const where = f.in === 'body' ? `${f.direction === 'request' ? 'request' : 'answer'} body ${f.field}` : f.in === 'operation' ? 'operation' : `${f.in} ${f.field}`;
  return `${f.platform}: ${f.operation}: ${where}${value} ${f.message} [${descriptionFile(f.platform)}]`;
}
