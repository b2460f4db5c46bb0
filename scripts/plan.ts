/**
 * `npm run plan`: what merging the configuration would change in the clusters, for a reviewer.
 * Compares a fresh synth of PLATFORM_CONFIG with the output in PLATFORM_OUT as it is on disk, or as
 * it is in a git commit (`--ref origin/main`), and prints Markdown fit for a pull request comment
 * (or JSON with `--json`).
 *
 *   npm run plan [-- --ref <git ref>] [-- --json]
 *   PLATFORM_CONFIG  configuration folder (default: config)
 *   PLATFORM_OUT     the output folder (default: dist)
 */
import { printError } from '../lib/core/errors';
import { readGitTree, readOutputTree } from '../lib/core/output/output-tree';
import { synthesizeTree } from '../lib/platform/check';
import { renderPlanMarkdown } from '../lib/platform/plan/markdown';
import { computePlan } from '../lib/platform/plan/plan';

function parseArgs(argv: readonly string[]): { ref?: string; json: boolean } {
  const options: { ref?: string; json: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') options.json = true;
    else if (argv[i] === '--ref' && argv[i + 1]) options.ref = argv[++i];
    else if (argv[i].startsWith('--ref=')) options.ref = argv[i].slice('--ref='.length);
    else throw new Error(`npm run plan: unknown argument '${argv[i]}' (allowed: --ref <git ref>, --json)`);
  }
  return options;
}

try {
  const options = parseArgs(process.argv.slice(2));
  const configDir = process.env.PLATFORM_CONFIG || 'config';
  const outDir = process.env.PLATFORM_OUT || 'dist';
  const before = options.ref ? readGitTree(options.ref, outDir) : readOutputTree(outDir);
  const plan = computePlan(before, synthesizeTree(configDir), {
    before: options.ref ? `\`${outDir}\` at \`${options.ref}\`` : `\`${outDir}\``,
    after: `a fresh synth of \`${configDir}\``,
  });
  process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanMarkdown(plan));
} catch (error) {
  printError(error);
  process.exit(1);
}
