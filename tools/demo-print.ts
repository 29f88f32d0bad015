// How both demos print a run: colours on a terminal only, one line per API request, and the
// action's own log without the runner's command lines.
import type { ActionRun } from '../test/sim/action-runner.ts';
import type { RequestRecord } from '../test/sim/http-double.ts';

const tty = process.stdout.isTTY === true;
const paint = (code: string) => (text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const red = paint('31');
export const cyan = paint('36');

export function requestLine(r: RequestRecord): string {
  const pairs = Object.entries(r.queryAll).flatMap(([key, values]) => values.map((value): [string, string] => [key, value]));
  const query = pairs.length === 0 ? '' : `?${new URLSearchParams(pairs)}`;
  const status = r.status === 0 ? red('dropped') : r.status >= 400 ? red(String(r.status)) : green(String(r.status));
  return `    ${r.method.padEnd(6)} ${r.path}${dim(query)} → ${status} ${dim(`${r.durationMs} ms`)}`;
}

/** What the action printed, without the runner's own command lines. */
export function logLines(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('::add-mask::') && !l.startsWith('::debug::'))
    .map((l) => `    ${l.startsWith('::error') ? red(l) : l.startsWith('::notice') ? cyan(l) : l}`);
}
