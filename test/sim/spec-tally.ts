// Counts what the simulators checked against the API descriptions and keeps the findings nobody has
// excused until a test hook claims them (test/sim/spec-setup.ts fails the test that made them).
// Vitest runs tests in several worker processes: each writes its counts to a file, and
// test/sim/spec-report.ts adds them up once the run ends.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFinding, descriptionFile, type Finding, type Platform } from './spec-check.ts';

export interface Counts {
  requests: number;
  answers: number;
  /** Time spent checking, in ms (the first check of a worker includes loading the description). */
  ms: number;
  /** Findings covered by the allow-list, by entry (`fly POST /apps query wait`). */
  allowed: Record<string, number>;
  /** Findings outside the allow-list, by their grouped description: each also failed a test. */
  unallowed: Record<string, number>;
}

const platforms: Platform[] = ['fly', 'koyeb', 'github'];
const empty = (): Record<Platform, Counts> =>
  Object.fromEntries(platforms.map((p) => [p, { requests: 0, answers: 0, ms: 0, allowed: {}, unallowed: {} }])) as unknown as Record<Platform, Counts>;

/** This module instance's own file name, so re-imported copies (vitest isolates test files) never overwrite each other. */
const instance = `${process.pid}-${randomUUID()}`;
const counts = empty();
const pending: { owner: object; finding: Finding }[] = [];
const underVitest = process.env['VITEST'] !== undefined;

export function record(owner: object, platform: Platform, direction: 'request' | 'answer', findings: readonly Finding[], ms = 0): void {
  const c = counts[platform];
  c.ms += ms;
  if (direction === 'request') c.requests++;
  else c.answers++;
  for (const f of findings) {
    if (f.allowedBy !== undefined) {
      const key = `${f.allowedBy.operation} ${f.allowedBy.direction} ${f.allowedBy.in} ${f.allowedBy.field}`;
      c.allowed[key] = (c.allowed[key] ?? 0) + 1;
      continue;
    }
    const text = describeFinding(f);
    const grouped = describeFinding(f, true);
    c.unallowed[grouped] = (c.unallowed[grouped] ?? 0) + 1;
    pending.push({ owner, finding: f });
    // Outside vitest (npm run demo, npm run bench) nothing fails on it, so it is said at once.
    if (!underVitest) console.error(`API description check: ${text}`);
  }
}

/** The findings outside the allow-list not yet claimed; `owner` limits them to one simulator's. */
export function takeFindings(owner?: object): Finding[] {
  const taken: Finding[] = [];
  for (let i = pending.length - 1; i >= 0; i--) {
    const entry = pending[i];
    if (entry === undefined || (owner !== undefined && entry.owner !== owner)) continue;
    taken.unshift(entry.finding);
    pending.splice(i, 1);
  }
  return taken;
}

/** A finding a test provoked on purpose is claimed by it: it no longer counts against the run. */
export function forgive(findings: readonly Finding[]): void {
  for (const f of findings) {
    const c = counts[f.platform];
    const grouped = describeFinding(f, true);
    const left = (c.unallowed[grouped] ?? 0) - 1;
    if (left > 0) c.unallowed[grouped] = left;
    else delete c.unallowed[grouped];
    c.allowed['(provoked by a test of the check itself)'] = (c.allowed['(provoked by a test of the check itself)'] ?? 0) + 1;
  }
}

export function writeCounts(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${instance}.json`), JSON.stringify(counts));
}

export function readCounts(dir: string): Record<Platform, Counts> {
  const total = empty();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return total;
  }
  for (const file of files) {
    const part = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<Platform, Counts>;
    for (const p of platforms) {
      const from = part[p];
      if (from === undefined) continue;
      const to = total[p];
      to.requests += from.requests;
      to.answers += from.answers;
      to.ms += from.ms ?? 0;
      for (const field of ['allowed', 'unallowed'] as const) {
        for (const [key, n] of Object.entries(from[field])) to[field][key] = (to[field][key] ?? 0) + n;
      }
    }
  }
  return total;
}

export function formatCounts(total: Record<Platform, Counts>): string {
  const lines = ['API description check (test/sim/SPEC_CHECK.md):'];
  for (const p of platforms) {
    const c = total[p];
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    const outside = sum(c.unallowed);
    const verdict = outside === 0 ? 'no finding outside the allow-list' : `${outside} finding(s) OUTSIDE the allow-list`;
    lines.push(
      `  ${p.padEnd(6)} ${String(c.requests).padStart(6)} requests and ${String(c.answers).padStart(6)} answers checked against ${descriptionFile(p)} in ${(c.ms / 1000).toFixed(1)} s of checking: ${sum(c.allowed)} allow-listed finding(s), ${verdict}`,
    );
    const distinct = Object.entries(c.unallowed);
    for (const [text, n] of distinct.slice(0, 30)) lines.push(`      ${n}× ${text}`);
    if (distinct.length > 30) lines.push(`      … and ${distinct.length - 30} more`);
  }
  return lines.join('\n');
}
