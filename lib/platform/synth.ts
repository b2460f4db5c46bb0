import { PlatformApp, RenderedFile } from '../core/output/platform-app';
import { publishDirectory, publishFiles, PublishOptions } from '../core/output/publish';
import { ClusterPlatform } from './cluster-platform';
import { PlatformError, Problem } from '../core/errors';
import { STRICT_SUMMARY } from './config/deprecations';
import { loadPlatform, PlatformDefinition } from './config/load';
import { checkOutputPath } from './output-path';
import { wireTeleportAccess } from './teleport-access';

/**
 * Builds the cdk8s app for a configuration: one `ClusterPlatform` per cluster, then the Teleport
 * access that spans clusters (roles are global to a Teleport cluster).
 * @throws PlatformError if Teleport access breaks an invariant
 */
export function buildPlatform(definition: PlatformDefinition, outdir?: string): PlatformApp {
  const app = new PlatformApp({ outdir });
  const clusters = definition.settings.clusters.map(
    (settings) =>
      new ClusterPlatform(app, {
        settings,
        delivery: definition.settings.delivery,
        tenants: definition.tenants.filter((t) => !t.platform.clusters || t.platform.clusters.includes(settings.name)),
        encryptedSecrets: definition.encryptedSecrets?.[settings.name],
      }),
  );
  wireTeleportAccess(clusters, definition.tenants, definition.settings);
  return app;
}

export interface SynthOptions {
  /** Configuration folder (`platform.yaml`, `tenants/`). */
  readonly configDir: string;
  /**
   * Staging folder to write first, and publish from: the output folder `cdk8s synth` expects the
   * app to create.
   * @default - no staging folder: the validated output is written straight into the new tree
   */
  readonly stagingDir?: string;
  /** Folder the validated output is published to. */
  readonly outDir: string;
  /**
   * How the previous output is deleted after the swap (see `PublishOptions.removeOld`).
   * @default 'wait'
   */
  readonly removeOld?: PublishOptions['removeOld'];
  /**
   * Fail on deprecations (a version past upstream support, ClusterPolicy under a Kyverno that
   * deprecates it, deprecated tenant fields) instead of reporting them.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Called with each deprecation (when not strict), before anything is published.
   * @default - deprecations are not reported
   */
  readonly warn?: (deprecation: Problem) => void;
}

/**
 * Loads the configuration, renders and validates every object, then publishes the output
 * atomically (through the staging folder, if any). Any failure leaves `outDir` exactly as it was.
 */
export function synthPlatform(options: SynthOptions): RenderedFile[] {
  const definition = loadPlatform(options.configDir);
  checkOutputPath(definition, options.configDir, options.outDir);
  if (options.strict && definition.deprecations.length) throw new PlatformError(STRICT_SUMMARY, definition.deprecations);
  for (const deprecation of definition.deprecations) options.warn?.(deprecation);
  const app = buildPlatform(definition, options.stagingDir);
  const files = app.render();
  // A synth must never delete its own configuration or the folder it runs in.
  const publish: PublishOptions = { protect: [process.cwd(), options.configDir], removeOld: options.removeOld };
  if (options.stagingDir) {
    app.writeFiles(files);
    publishDirectory(options.stagingDir, options.outDir, publish);
  } else {
    publishFiles(files, options.outDir, publish);
  }
  return files;
}
