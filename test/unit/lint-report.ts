// Turns what the schema validator and actionlint report into one line per finding, naming the file,
// the line and the rule, so a failing test says exactly what to fix.
import type { ValidationError } from '@action-validator/core';
import { LineCounter, parseDocument } from 'yaml';

/**
 * The line (1-based, within `yamlText`) of the node at a JSON pointer such as `/jobs/a/steps/3`, or of
 * its nearest existing parent: schema errors name a path, a reader wants a line.
 */
export function lineOfPointer(yamlText: string, pointer: string): number {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter });
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node: unknown = doc.getIn(segments.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lineCounter.linePos(range[0]).line;
  }
  return 1;
}

/** Where a YAML text sits: its file and the file line of its first line (a README block starts lower). */
export interface YamlSource {
  file: string;
  text: string;
  firstLine: number;
}

/** Schema errors nest (oneOf/anyOf states); the leaves say what is wrong and where. */
export function schemaErrorLines(errors: ValidationError[], source: YamlSource): string[] {
  return [...new Set(leafErrorLines(errors, source))];
}

function leafErrorLines(errors: ValidationError[], source: YamlSource): string[] {
  return errors.flatMap((error): string[] => {
    if ('states' in error && error.states !== undefined && error.states.length > 0) {
      return error.states.flatMap((state) => leafErrorLines(state.errors, source));
    }
    const pointer = 'path' in error ? error.path : '';
    const line = 'location' in error && error.location !== undefined ? error.location.line : lineOfPointer(source.text, pointer);
    const detail = error.detail === undefined ? '' : ` (${error.detail})`;
    return [`${source.file}:${source.firstLine + line - 1}: schema ${error.code} at ${pointer || '/'}: ${error.title}${detail}`];
  });
}
