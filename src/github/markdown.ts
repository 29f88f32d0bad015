// Text from inputs and platforms, made safe to stand in the Markdown the PR shows.

/** A table cell: a `|` would end it, and a line break the row. */
export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * Inline code that shows any text as it is: fenced by one more backtick than the longest run it
 * holds (CommonMark code spans), padded when it starts or ends with one, and with `|` escaped so it
 * can stand in a table cell.
 */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}
