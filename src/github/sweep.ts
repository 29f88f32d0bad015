// The job summary of a sweep: every preview found, and what was done with it and why.
import { fenced } from './render.js';
import { writeSummary } from './summary.js';
import { cell } from './markdown.js';

export interface SweepRow {
  /** undefined for a database whose app is already gone. */
  appName: string | undefined;
  /** The preview's database, when the run has database-url. */
  database?: string | undefined;
  pr: number | undefined;
  /** open, closed, merged, or unknown (no such PR). */
  prState: string;
  /** Time since the PR's last activity, in words; '' when unknown. */
  idle: string;
  /** Time since the preview's oldest machine was created (a database row: since the database was), in words; '' when unknown. */
  age: string;
  action: 'destroyed' | 'would destroy' | 'kept' | 'skipped' | 'failed';
  why: string;
  /**
   * Set when the action does not say where the app is: `now`, a `failed` row whose app this run did
   * delete (its database is what failed to go); `before`, a `skipped` one another run had deleted
   * (a close run got there first). Either way it is no live preview.
   */
  appGone?: 'now' | 'before';
}

export interface SweepReport {
  rows: SweepRow[];
  appsExamined: number;
  appsLeftAlone: number;
  /** Databases of this repository's previews found on the server; undefined without database-url. */
  databasesFound?: number | undefined;
  /** Why the database server could not be listed; the previews were swept all the same. */
  databaseFailure?: string | undefined;
  dryRun: boolean;
  /** `max-previews`, when set: the sweep evicts down to it. */
  cap?: number | undefined;
}


/** Whether this run removed the row's app (or, in a dry run, would). */
const removed = (r: SweepRow): boolean => r.action === 'destroyed' || r.action === 'would destroy' || r.appGone === 'now';

export function renderSweep(report: SweepReport): string {
  const apps = report.rows.filter((r) => r.appName !== undefined);
  const parts = [
    `### 🧹 Preview sweep${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    `Looked at ${report.appsExamined} app${report.appsExamined === 1 ? '' : 's'}: ${apps.length} ` +
      `${apps.length === 1 ? 'is a preview' : 'are previews'} of this repository; ${report.appsLeftAlone} ` +
      `${report.appsLeftAlone === 1 ? 'is' : 'are'} not and ${report.appsLeftAlone === 1 ? 'was' : 'were'} left alone. ` +
      `${report.dryRun ? 'Would destroy' : 'Destroyed'}: ${apps.filter(removed).length}.`,
  ];
  if (report.databasesFound !== undefined) {
    const found = report.databasesFound;
    const orphans = report.rows.filter((r) => r.appName === undefined);
    parts[1] +=
      ` Found ${found} database${found === 1 ? '' : 's'} of this repository's previews on the database server` +
      `${orphans.length === 0 ? '' : `, ${orphans.length} of them without an app (${report.dryRun ? 'would drop' : 'dropped'}: ${orphans.filter(removed).length})`}.`;
  }
  if (report.cap !== undefined) {
    const live = apps.filter((r) => !removed(r) && r.appGone !== 'before').length;
    parts.push(`Live previews counted against \`max-previews: ${report.cap}\`: ${live}${report.dryRun ? ' after this sweep would run' : ' after this sweep'}.`);
  }
  if (report.databaseFailure !== undefined) {
    parts[1] +=
      " Could not list this repository's databases on the database server, so the previews were swept without it: a database whose app is already gone waits for the next sweep.";
    parts.push(fenced([report.databaseFailure]));
  }
  if (report.rows.length > 0) parts.push(rowsTable(report.rows, report.databasesFound !== undefined || report.databaseFailure !== undefined));
  return parts.join('\n\n');
}

const code = (text: string | undefined): string => (text === undefined ? '—' : `\`${cell(text)}\``);

function rowsTable(rows: SweepRow[], databases: boolean): string {
  const database = (r: SweepRow): string => (databases ? ` ${code(r.database)} |` : '');
  return [
    `| PR | State | Idle | Age | App |${databases ? ' Database |' : ''} Action | Why |`,
    `|---|---|---|---|---|${databases ? '---|' : ''}---|---|`,
    ...rows.map((r) => `| ${r.pr === undefined ? '?' : `#${r.pr}`} | ${r.prState} | ${r.idle} | ${r.age} | ${code(r.appName)} |${database(r)} ${r.action} | ${cell(r.why)} |`),
  ].join('\n');
}

export function writeSweepSummary(report: SweepReport): Promise<void> {
  return writeSummary(renderSweep(report));
}
