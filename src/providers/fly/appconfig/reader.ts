// Reading one TOML table as flyctl's decoder reads it (superfly/flyctl internal/appconfig/serde.go
// and its cast helpers), with messages that say where a wrong value sits.
import { formatGoDuration, parseGoDuration } from './duration.js';
import { AppConfigError } from './config.js';
import type { GoDuration } from '../types.js';

export type Table = Record<string, unknown>;

/** Records a section or key the action does not apply: `section` names it, `reason` says why. */
export type Warn = (section: string, reason: string) => void;

export const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Where a value sits, for messages: `[http_service] internal_port`. */
export class Reader {
  readonly where: string;
  readonly table: Table;
  constructor(where: string, table: Table) {
    this.where = where;
    this.table = table;
  }

  fail(key: string, problem: string): never {
    throw new AppConfigError(`${this.where === '' ? '' : `${this.where} `}${keyName(key)} ${problem}`);
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }

  string(key: string): string | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, `must be a string; got ${show(v)}`);
    return v;
  }

  /** Strings or numbers, as flyctl's castToString takes them. */
  text(key: string): string | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    return this.fail(key, `must be a string; got ${show(v)}`);
  }

  integer(key: string): number | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    // flyctl's castToInt also takes a numeric string (`internal_port = "8080"`) and truncates floats.
    if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
    if (typeof v === 'string' && /^[+-]?[0-9]+$/.test(v)) return Number(v);
    return this.fail(key, `must be a whole number; got ${show(v)}`);
  }

  boolean(key: string): boolean | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false; got ${show(v)}`);
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(key, `must be a list of strings; got ${show(v)}`);
    return v as string[];
  }

  /** `cmd = "x"` or `cmd = ["x", "y"]` (flyctl stringOrSliceToSlice: a string is one word). */
  stringOrList(key: string): string[] | undefined {
    const v = this.table[key];
    if (typeof v === 'string') return [v];
    return this.strings(key);
  }

  processes(): string[] {
    return this.strings('processes') ?? [];
  }

  /** A duration: a Go duration string, or an integer in `unitNs` (flyctl _castDuration). */
  duration(key: string, unitNs: bigint): GoDuration | undefined {
    const v = this.table[key];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'number' && Number.isInteger(v)) return formatGoDuration(BigInt(v) * unitNs);
    if (typeof v === 'string') {
      const ns = parseGoDuration(v);
      if (ns === undefined) this.fail(key, `must be a duration such as "10s" or "1m30s"; got ${show(v)}`);
      return formatGoDuration(ns);
    }
    return this.fail(key, `must be a duration such as "10s"; got ${show(v)}`);
  }

  table_(key: string): Table | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) this.fail(key, `must be a table; got ${show(v)}`);
    return v;
  }

  /** `[x]` or `[[x]]`: flyctl's ensureArrayOfMap takes both. */
  tables(key: string): Table[] {
    const v = this.table[key];
    if (v === undefined) return [];
    if (isTable(v)) return [v];
    if (Array.isArray(v) && v.every(isTable)) return v as Table[];
    return this.fail(key, `must be a table or an array of tables; got ${show(v)}`);
  }

  child(key: string, index?: number): Reader | undefined {
    const t = index === undefined ? this.table_(key) : this.tables(key)[index];
    if (t === undefined) return undefined;
    const name = this.where === '' ? keyName(key) : `${this.where.replace(/^\[+|\]+$/g, '')}.${keyName(key)}`;
    return new Reader(index === undefined ? `[${name}]` : `[[${name}]] #${index + 1}`, t);
  }
}

/** A key as messages show it: plain when it is a plain word, else JSON-quoted, so no line break or `::` command can ride in. */
export function keyName(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** A value as messages show it, cut short when long. */
export function show(v: unknown): string {
  const text = typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Drops undefined fields, so objects compare and serialise as fly-go's omitempty leaves them. */
export function strip<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
