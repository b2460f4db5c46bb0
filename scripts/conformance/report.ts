/** One verdict of an upstream engine about one subject (a chart, a file, a policy test). */
export interface Check {
  /** What was checked, e.g. `demo/infrastructure/capsule.yaml: HelmRelease capsule` or a policy test name. */
  readonly subject: string;
  readonly ok: boolean;
  /** Why it failed (or a note on a pass), naming the file and field where there is one. */
  readonly message?: string;
}

/** What one engine said about everything it was given. */
export interface EngineReport {
  /** Engine (or stage) name as printed in the summary, e.g. `helm template`. */
  readonly engine: string;
  /** Version of the engine binary that ran. */
  readonly version: string;
  /** What it was run on, in words for the summary, e.g. `7 charts, 412 objects`. */
  readonly scope: string;
  readonly checks: readonly Check[];
  /** Caveats the summary must state (substituted chart versions, dependencies left out, ...). */
  readonly notes?: readonly string[];
}

/** Prints failures, the summary table and the closing `N passed, N failed` line; returns the failure count. */
export function printSummary(reports: readonly EngineReport[], print: (line: string) => void = console.log): number {
  for (const report of reports) {
    for (const check of report.checks.filter((c) => !c.ok)) print(`FAIL [${report.engine}] ${check.subject}: ${check.message ?? 'failed'}`);
  }
  const rows = reports.map((r) => {
    const passed = r.checks.filter((c) => c.ok).length;
    return [r.engine, r.version, r.scope, String(passed), String(r.checks.length - passed)];
  });
  const header = ['engine', 'version', 'checked', 'passed', 'failed'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  print('');
  print(line(header));
  print(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) print(line(row));
  const notes = reports.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.engine}: ${n}`));
  if (notes.length) {
    print('');
    print('Notes:');
    for (const note of notes) print(note);
  }
  const passed = reports.reduce((n, r) => n + r.checks.filter((c) => c.ok).length, 0);
  const failed = reports.reduce((n, r) => n + r.checks.filter((c) => !c.ok).length, 0);
  print('');
  print(`${passed} passed, ${failed} failed`);
  return failed;
}
