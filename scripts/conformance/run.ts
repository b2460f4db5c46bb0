/**
 * `npm run conformance`: synthesizes the configurations in CONFORMANCE_CONFIGS and lets the real
 * upstream engines (built by `npm run engines`) judge the output. Prints a summary table and a
 * closing `N passed, N failed` line; exits 1 on any failure.
 *
 *   CONFORMANCE_KEEP=1   keep the temporary work folder (printed) for inspection
 *   CONFORMANCE_CONFIGS  comma-separated config folders instead of the default three
 *   CONFORMANCE_INJECTION=0  leave out the failure-injection tests (*.conformance.ts); the summary says so
 */
import * as fs from 'fs';
import { printError } from '../../lib/core/errors';
import { conformanceWorkDir, CONFORMANCE_CONFIGS, synthesizeAll } from './platforms';
import { injectionReport } from './injection';
import { EngineReport, printSummary } from './report';
import { STAGES } from './stages';

function main(): number {
  const work = conformanceWorkDir();
  try {
    const configs = process.env.CONFORMANCE_CONFIGS ? process.env.CONFORMANCE_CONFIGS.split(',') : CONFORMANCE_CONFIGS;
    const platforms = synthesizeAll(work, configs);
    const reports: EngineReport[] = [];
    for (const stage of STAGES) reports.push(...stage({ platforms, work, reports }));
    reports.push(injectionReport(work));
    return printSummary(reports) === 0 ? 0 : 1;
  } catch (error) {
    printError(error);
    return 1;
  } finally {
    if (process.env.CONFORMANCE_KEEP) console.log(`work folder kept: ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exit(main());
