import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');

/** A temporary copy of test/fixtures/platform, with `edit` applied to its parsed platform.yaml. */
export function fixtureCopy(edit: (platform: YAML.Document) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-injected-'));
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'platform'), dir, { recursive: true });
  const file = path.join(dir, 'platform.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  edit(doc);
  fs.writeFileSync(file, doc.toString());
  return dir;
}

/** `npm run conformance`'s runner on one configuration folder (without the injection tests: no recursion). */
export function runConformance(configDir: string): { status: number; output: string } {
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'conformance', 'run.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CONFORMANCE_CONFIGS: configDir, CONFORMANCE_INJECTION: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

/** The FAIL lines of a run's output. */
export function failures(output: string): string[] {
  return output.split('\n').filter((l) => l.startsWith('FAIL '));
}
