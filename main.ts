/**
 * Synthesizes the platform: `npm run synth` or `npx cdk8s synth`.
 *
 *   PLATFORM_CONFIG  configuration folder (default: config)
 *   PLATFORM_OUT     folder the GitOps output is published to (default: dist)
 *   CDK8S_OUTDIR     staging folder, set by `cdk8s synth` (default: none, `npm run synth` needs none)
 *   PLATFORM_STRICT  1: deprecations fail the synth, like `--strict` (default: they are reported)
 */
import { formatProblem, printError } from './lib/core/errors';
import { synthPlatform } from './lib/platform/synth';

const outDir = process.env.PLATFORM_OUT || 'dist';
try {
  const started = performance.now();
  const files = synthPlatform({
    configDir: process.env.PLATFORM_CONFIG || 'config',
    stagingDir: process.env.CDK8S_OUTDIR || undefined,
    outDir,
    strict: process.argv.includes('--strict') || process.env.PLATFORM_STRICT === '1',
    warn: (deprecation) => console.warn(`deprecated: ${formatProblem(deprecation)}`),
    // The previous output is deleted by a background process, after the swap: nobody waits for it.
    removeOld: 'background',
  });
  const objects = files.reduce((n, f) => n + f.manifests.length, 0);
  console.log(`synthesized ${objects} objects in ${files.length} files to ${outDir} (${Math.round(performance.now() - started)} ms)`);
} catch (error) {
  printError(error);
  console.error(`nothing was published; ${outDir} is unchanged`);
  process.exit(1);
}
