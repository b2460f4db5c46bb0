import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderedFile } from '../../lib/core/output/platform-app';
import { synthPlatform } from '../../lib/platform/synth';
import { ROOT } from './engines';

/** A configuration synthesized for the conformance run. */
export interface SynthesizedPlatform {
  /** Short name for messages: `config`, `examples/platform`, `test/fixtures/platform`. */
  readonly name: string;
  readonly configDir: string;
  /** The published output folder (temporary). */
  readonly outDir: string;
  readonly files: readonly RenderedFile[];
}

/** The configurations every engine judges: the user's default config, the example, the test fixture. */
export const CONFORMANCE_CONFIGS = ['config', 'examples/platform', 'test/fixtures/platform'];

/** Synthesizes each configuration into its own folder under `workDir`. */
export function synthesizeAll(workDir: string, configs: readonly string[] = CONFORMANCE_CONFIGS): SynthesizedPlatform[] {
  return configs.map((name) => {
    // Relative names are read from the repository; a test passes an absolute temporary copy.
    const configDir = path.resolve(ROOT, name);
    const outDir = path.join(workDir, folderName(name));
    const files = synthPlatform({ configDir, outDir });
    return { name, configDir, outDir, files };
  });
}

/** A fresh temporary working folder for one conformance run. */
export function conformanceWorkDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
}

/**
 * Where the helm stage writes the objects a HelmRelease's chart renders (one multi-document YAML),
 * for the stages after it (kubeconform, kyverno apply) to read: one folder per platform and cluster.
 */
export function chartOutputPath(work: string, platform: SynthesizedPlatform, release: { cluster: string; namespace: string; name: string }): string {
  return path.join(renderedChartsDir(work, platform), release.cluster, `${release.namespace}__${release.name}.yaml`);
}

/** The folder under which chartOutputPath() puts every chart rendered for `platform`. */
export function renderedChartsDir(work: string, platform: SynthesizedPlatform): string {
  return path.join(work, 'helm', folderName(platform.name));
}

/** A configuration name as one folder name. */
function folderName(name: string): string {
  return name.replace(/^[/\\]+/, '').replace(/[/\\]/g, '_');
}
