import * as fs from 'fs';
import * as path from 'path';
import { FLUX_DEFAULTS, normalizePathPrefix } from '../core/delivery/flux/flux-delivery';
import { PlatformError } from '../core/errors';
import { gitRoot } from '../core/output/output-tree';
import { PlatformDefinition, PLATFORM_FILE } from './config/load';

/**
 * Refuses an output folder that Flux's paths cannot point at: when PLATFORM_OUT is inside a git
 * repository and Flux reads a GitRepository, the Kustomization paths are `<pathPrefix>/<cluster>/...`
 * relative to the repository root, so `delivery.flux.pathPrefix` must be PLATFORM_OUT's path
 * relative to that root. (Outside a git repository, or with an OCIRepository or Bucket, where the
 * artifact's layout is not known here, nothing is checked.)
 * @throws PlatformError naming both settings and the value that would fit
 */
export function checkOutputPath(definition: PlatformDefinition, configDir: string, outDir: string): void {
  const flux = definition.settings.delivery?.flux;
  if ((flux?.sourceKind ?? FLUX_DEFAULTS.sourceKind) !== 'GitRepository') return;
  const root = gitRoot(path.dirname(path.resolve(outDir)));
  if (!root) return;
  const absolute = path.join(realParent(path.resolve(outDir)), path.basename(path.resolve(outDir)));
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  const expected = normalizePathPrefix(relative);
  const configured = normalizePathPrefix(flux?.pathPrefix ?? FLUX_DEFAULTS.pathPrefix);
  if (configured === expected) return;
  throw new PlatformError(`the output folder and the Flux paths disagree:`, [
    {
      file: path.join(configDir, PLATFORM_FILE),
      field: 'delivery.flux.pathPrefix',
      message:
        `is ${configured}${flux?.pathPrefix === undefined ? ' (the default)' : ''}, but PLATFORM_OUT (${outDir}) is ${expected} in the git repository ${root}: ` +
        `Flux would look for ${configured}/<cluster>/... and find nothing. Set delivery.flux.pathPrefix: ${expected}, or point PLATFORM_OUT at ${path.join(root, configured)}`,
    },
  ]);
}

/** `dir`'s parent with symbolic links resolved (the output folder itself may not exist yet). */
function realParent(dir: string): string {
  let existing = path.dirname(dir);
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...rest);
}
