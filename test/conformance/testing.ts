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

/**
 * A temporary copy of the repository's sources (node_modules and .engines linked, not copied), with
 * `edit(file, text)` applied to the file `file` (relative to the root): for injections into lib/.
 */
export function repositoryCopy(file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-repo-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (['.git', 'dist', 'node_modules', '.engines'].includes(entry)) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  for (const link of ['node_modules', '.engines']) fs.symlinkSync(fs.realpathSync(path.join(ROOT, link)), path.join(dir, link));
  const target = path.join(dir, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  fs.writeFileSync(target, after);
  return dir;
}

/** The conformance runner of the repository copy `root` on its own test/fixtures/platform. */
export function runConformanceIn(root: string): { status: number; output: string } {
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'conformance', 'run.ts')], {
    cwd: root,
    encoding: 'utf8',
    // The copy has no ../shared beside it: point it at this repository's.
    env: { ...process.env, CONFORMANCE_CONFIGS: 'test/fixtures/platform', CONFORMANCE_INJECTION: '0', SHARED_DIR: process.env.SHARED_DIR || path.resolve(ROOT, '..', 'shared') },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
