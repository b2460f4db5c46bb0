import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareTrees, OutputTree, readOutputTree, TreeDifference } from '../core/output/output-tree';
import { synthPlatform } from './synth';

export interface CheckOptions {
  /** Configuration folder. */
  readonly configDir: string;
  /** The committed output folder (PLATFORM_OUT) to compare with. */
  readonly outDir: string;
}

/**
 * Synthesizes `configDir` into a temporary folder, exactly as `npm run synth` would, and compares
 * that with `outDir`. `outDir` is never written.
 * @throws PlatformError if the configuration is invalid
 */
export function checkOutput(options: CheckOptions): TreeDifference {
  return compareTrees(readOutputTree(options.outDir), synthesizeTree(options.configDir));
}

/**
 * What `npm run synth` would publish for `configDir`, every file: synthesized into a temporary
 * folder (removed afterwards) and read back.
 * @throws PlatformError if the configuration is invalid
 */
export function synthesizeTree(configDir: string): OutputTree {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-check-'));
  try {
    const fresh = path.join(work, 'out');
    synthPlatform({ configDir, outDir: fresh });
    return readOutputTree(fresh);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The lines `npm run check` prints for a difference; empty when the output is current. */
export function describeDifference(diff: TreeDifference, outDir: string, configDir: string): string[] {
  const count = diff.added.length + diff.removed.length + diff.changed.length;
  if (!count) return [];
  return [
    `${outDir} is not what ${configDir} produces: ${count} file${count === 1 ? '' : 's'} differ${count === 1 ? 's' : ''}`,
    ...diff.changed.map((f) => `  changed: ${path.posix.join(outDir, f)}`),
    ...diff.added.map((f) => `  missing: ${path.posix.join(outDir, f)} (the configuration produces it)`),
    ...diff.removed.map((f) => `  extra:   ${path.posix.join(outDir, f)} (the configuration no longer produces it)`),
    'run npm run synth and commit the result',
  ];
}
