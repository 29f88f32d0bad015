// Splits a command line as github.com/google/shlex does, which is what flyctl uses for
// `[processes]` commands and `[deploy] release_command` (internal/appconfig/processgroups.go,
// machines.go). Its rules differ from a POSIX shell in ways a user can see:
// - outside quotes, `\` keeps the next character literally;
// - inside double quotes, `\` also keeps ANY next character and is itself dropped (`"a\b"` is `ab`);
// - single quotes keep everything literally; `''` is an empty word;
// - `#` at the start of a word starts a comment that runs to the end of the line;
// - no variables, globs or operators: `$HOME`, `*`, `&&` and `|` are ordinary characters.

export class ShlexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShlexError';
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  const chars = [...input];
  let i = 0;
  while (i < chars.length) {
    const first = chars[i] as string;
    if (isSpace(first)) {
      i++;
      continue;
    }
    if (first === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    let word = '';
    let state: 'word' | 'double' | 'single' = 'word';
    for (;;) {
      if (i >= chars.length) {
        if (state !== 'word') throw new ShlexError('EOF found when expecting closing quote');
        break;
      }
      const c = chars[i++] as string;
      if (state === 'word') {
        if (isSpace(c)) break;
        if (c === '"') state = 'double';
        else if (c === "'") state = 'single';
        else if (c === '\\') {
          if (i >= chars.length) throw new ShlexError('EOF found after escape character');
          word += chars[i++];
        } else word += c;
      } else if (state === 'double') {
        if (c === '"') state = 'word';
        else if (c === '\\') {
          if (i >= chars.length) throw new ShlexError('EOF found after escape character');
          word += chars[i++];
        } else word += c;
      } else if (c === "'") state = 'word';
      else word += c;
    }
    words.push(word);
  }
  return words;
}
