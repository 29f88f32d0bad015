// action.yml as GitHub reads it: a YAML parser, then the action metadata schema. A runner refuses an
// action whose metadata does not load, so this is the first thing a user would hit.
import { validateAction } from '@action-validator/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readActionMetadata, repoRoot } from '../sim/action-runner.ts';
import { schemaErrorLines } from './lint-report.ts';

const actionPath = join(repoRoot, 'action.yml');

describe('action.yml', () => {
  it('parses with a YAML parser without errors or warnings', () => {
    const doc = parseDocument(readFileSync(actionPath, 'utf8'));
    expect([...doc.errors, ...doc.warnings].map((e) => e.message)).toEqual([]);
    expect(() => readActionMetadata()).not.toThrow();
  });

  it('fails loudly, naming the line, when the metadata is not YAML', () => {
    const broken = join(repoRoot, 'test', 'unit', 'fixtures', 'unquoted-colon-action.yml');
    expect(() => readActionMetadata(broken)).toThrow(/unquoted-colon-action\.yml is not valid YAML.*line 4/s);
  });

  it('is valid against the action metadata schema', () => {
    const text = readFileSync(actionPath, 'utf8');
    // @action-validator/core 0.6.0 bundles a schemastore schema whose runs.using enum ends at node20;
    // GitHub runs node24 actions (and this one must be node24, asserted below). Substituting node20
    // for this one check keeps every other rule of the schema in force.
    const doc = parseDocument(text);
    doc.setIn(['runs', 'using'], 'node20');
    const result = validateAction(doc.toString());
    const lines = schemaErrorLines(result.errors, { file: 'action.yml', text: doc.toString(), firstLine: 1 });
    expect(lines).toEqual([]);
  });

  it('runs dist/index.js on node24, and that bundle exists', () => {
    const meta = readActionMetadata();
    expect(meta.runs.using).toBe('node24');
    expect(meta.runs.main).toBe('dist/index.js');
    expect(existsSync(join(repoRoot, meta.runs.main))).toBe(true);
  });
});
