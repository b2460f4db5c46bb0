/**
 * The failure-injection tests (jest.conformance.config.js, files `*.conformance.ts`): each breaks a
 * temporary copy of a configuration and asserts that the conformance run fails it, naming the file.
 * Run after the stages, each test reported as one check of the summary.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './engines';
import { EngineReport } from './report';

interface JestJson {
  testResults: Array<{ name: string; message: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

export function injectionReport(work: string): EngineReport {
  const jestVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'jest', 'package.json'), 'utf8')) as { version: string }).version;
  const base = { engine: 'failure injection', version: `jest ${jestVersion}` };
  if (process.env.CONFORMANCE_INJECTION === '0') {
    return { ...base, scope: 'not run', checks: [], notes: ['CONFORMANCE_INJECTION=0: the failure-injection tests were not run'] };
  }
  const outputFile = path.join(work, 'injection.json');
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'jest'), ['-c', 'jest.conformance.config.js', '--ci', '--json', '--outputFile', outputFile], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!fs.existsSync(outputFile)) {
    return { ...base, scope: 'jest did not run', checks: [{ subject: 'jest -c jest.conformance.config.js', ok: false, message: `${result.stderr}`.trim().slice(-2000) }] };
  }
  const json = JSON.parse(fs.readFileSync(outputFile, 'utf8')) as JestJson;
  const checks = json.testResults.flatMap((file) => {
    const subject = path.relative(ROOT, file.name);
    if (!file.assertionResults.length) return [{ subject, ok: false, message: file.message.trim() || 'no tests ran' }];
    return file.assertionResults.map((a) => ({
      subject: `${subject}: ${a.fullName}`,
      ok: a.status === 'passed',
      message: a.failureMessages.join('\n').split('\n').slice(0, 12).join('\n'),
    }));
  });
  return { ...base, scope: `${json.testResults.length} test files, ${checks.length} tests`, checks };
}
