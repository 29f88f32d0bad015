// The job summary of a run that counted live previews against `max-previews`: each one, when it
// was last active, and what this run did about it.
import { writeSummary } from './summary.js';
import { cell } from './markdown.js';

export interface CountedRow {
  /** undefined when its machines name no PR this repository has. */
  pr: { number: number; url: string } | undefined;
  appName: string;
  /** Since its last activity, in words. */
  idle: string;
  /** What this run did with it: kept, passed over, evicted for #n, holds a place; for this PR's row, new preview or refused. */
  action: string;
}

export interface BudgetReport {
  cap: number;
  /** The live previews counted; the rows may add this run's own. */
  counted: number;
  policy: 'evict' | 'refuse';
  rows: CountedRow[];
  /** One sentence: what the count meant for this run. */
  outcome: string;
}


export function renderBudget(report: BudgetReport): string {
  const parts = [
    `### 🧮 Live previews: ${report.counted} counted against \`max-previews: ${report.cap}\` (policy \`${report.policy}\`)`,
    report.outcome,
  ];
  if (report.rows.length > 0) {
    parts.push(
      [
        '| PR | App | Last active | Action |',
        '|---|---|---|---|',
        ...report.rows.map((r) => `| ${r.pr === undefined ? '?' : `[#${r.pr.number}](${r.pr.url})`} | \`${cell(r.appName)}\` | ${r.idle === '' ? '' : `${r.idle} ago`} | ${cell(r.action)} |`),
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

export function writeBudgetSummary(report: BudgetReport): Promise<void> {
  return writeSummary(renderBudget(report));
}
