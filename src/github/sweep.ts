// The job summary of a sweep: every preview found, and what was done with it and why.
import { writeSummary } from './summary.js';

export interface SweepRow {
  appName: string;
  pr: number | undefined;
  /** open, closed, merged, or unknown (no such PR). */
  prState: string;
  /** Time since the PR's last activity, in words; '' when unknown. */
  idle: string;
  /** Time since the preview's oldest machine was created, in words. */
  age: string;
  action: 'destroyed' | 'would destroy' | 'kept' | 'skipped' | 'failed';
  why: string;
}

export interface SweepReport {
  rows: SweepRow[];
  appsExamined: number;
  appsLeftAlone: number;
  dryRun: boolean;
  /** `max-previews`, when set: the sweep evicts down to it. */
  cap?: number | undefined;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderSweep(report: SweepReport): string {
  const destroyed = report.rows.filter((r) => r.action === 'destroyed' || r.action === 'would destroy').length;
  const parts = [
    `### 🧹 Preview sweep${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    `Looked at ${report.appsExamined} app${report.appsExamined === 1 ? '' : 's'}: ${report.rows.length} ` +
      `${report.rows.length === 1 ? 'is a preview' : 'are previews'} of this repository; ${report.appsLeftAlone} ` +
      `${report.appsLeftAlone === 1 ? 'is' : 'are'} not and ${report.appsLeftAlone === 1 ? 'was' : 'were'} left alone. ` +
      `${report.dryRun ? 'Would destroy' : 'Destroyed'}: ${destroyed}.`,
  ];
  if (report.cap !== undefined) {
    const live = report.rows.length - destroyed;
    parts.push(`Live previews counted against \`max-previews: ${report.cap}\`: ${live}${report.dryRun ? ' after this sweep would run' : ' after this sweep'}.`);
  }
  if (report.rows.length > 0) {
    parts.push(
      [
        '| PR | State | Idle | Age | App | Action | Why |',
        '|---|---|---|---|---|---|---|',
        ...report.rows.map((r) =>
          `| ${r.pr === undefined ? '?' : `#${r.pr}`} | ${r.prState} | ${r.idle} | ${r.age} | \`${cell(r.appName)}\` | ${r.action} | ${cell(r.why)} |`,
        ),
      ].join('\n'),
    );
  }
  return parts.join('\n\n');
}

export function writeSweepSummary(report: SweepReport): Promise<void> {
  return writeSummary(renderSweep(report));
}
