// Two kinds of failure a run must tell apart: a setting the user must change, named after its input
// as every input error is, and a step the server refused, named with the server and PostgreSQL's own
// words. Neither ever holds a password: messages are built from names, and whatever text comes from
// the server or the network is redacted of every secret the room knows before it is kept.

export type DatabaseInput = 'database-url' | 'database-template' | 'database-app-host' | 'database-env';

/** A database input the user must change; the message names the input and the accepted form. */
export class DatabaseInputError extends Error {
  readonly input: DatabaseInput;
  /** The message without the input's name, for a run that words input errors its own way. */
  readonly problem: string;
  constructor(input: DatabaseInput, problem: string) {
    super(`Input '${input}' ${problem}`);
    this.name = 'DatabaseInputError';
    this.input = input;
    this.problem = problem;
  }
}

/** A step the server refused or could not finish. */
export class DatabaseError extends Error {
  /** PostgreSQL's SQLSTATE, or the network's error code (ECONNREFUSED); undefined when neither said. */
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'DatabaseError';
    this.code = code;
  }
}

/** What the server or the network said, in one line: message, SQLSTATE, detail and hint. */
export interface ServerWords {
  text: string;
  code: string | undefined;
}

export function serverWords(error: unknown, secrets: readonly string[]): ServerWords {
  if (!(error instanceof Error)) return { text: redact(String(error), secrets), code: undefined };
  const fields = error as Error & { code?: unknown; detail?: unknown; hint?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const parts = [error.message === '' ? error.name : error.message];
  if (code !== undefined) parts[0] = `${parts[0]} (${/^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code})`;
  if (typeof fields.detail === 'string') parts.push(fields.detail);
  if (typeof fields.hint === 'string') parts.push(`Hint: ${fields.hint}`);
  return { text: redact(parts.join('. '), secrets), code };
}

/** The text with every secret, longest first so a secret inside another goes with it, replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

/** Runs one step; a refusal is rethrown saying which step, on which server, and what PostgreSQL said. */
export async function step<T>(what: string, where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DatabaseError) throw new DatabaseError(`${what} on ${where} failed: ${error.message}`, error.code);
    throw error;
  }
}
