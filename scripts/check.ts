/**
 * `npm run check`, for CI: fails (exit 1, listing the files) when the committed output in
 * PLATFORM_OUT is not exactly what PLATFORM_CONFIG produces. Synthesizes into a temporary folder;
 * PLATFORM_OUT is only read.
 *
 *   PLATFORM_CONFIG  configuration folder (default: config)
 *   PLATFORM_OUT     the committed output folder (default: dist)
 */
import { printError } from '../lib/core/errors';
import { checkOutput, describeDifference } from '../lib/platform/check';

const configDir = process.env.PLATFORM_CONFIG || 'config';
const outDir = process.env.PLATFORM_OUT || 'dist';
try {
  const lines = describeDifference(checkOutput({ configDir, outDir }), outDir, configDir);
  if (lines.length) {
    for (const line of lines) console.error(line);
    process.exit(1);
  }
  console.log(`${outDir} is up to date with ${configDir}`);
} catch (error) {
  printError(error);
  process.exit(1);
}
