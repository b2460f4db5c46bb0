import * as os from 'os';
import * as path from 'path';
import { Layer } from './delivery/delivery';
import { FluxDelivery } from './delivery/flux/flux-delivery';
import { Manifest, ManifestFile } from './output/manifest-file';
import { PlatformApp, RenderedFile } from './output/platform-app';
import { setVersionProfile } from './version-profile';
import type { VersionProfileName } from '../versions';

/** Test helpers: an app with a Flux delivery and an `infrastructure` layer for cluster `test` (of version profile `versions`, default seed). */
export function testCluster(versions?: VersionProfileName): { app: PlatformApp; delivery: FluxDelivery; layer: Layer } {
  // Tests render in memory; nothing is written to this folder.
  const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
  if (versions) setVersionProfile(app, versions);
  const delivery = new FluxDelivery(app, 'delivery', { clusterFolder: 'test' });
  const layer = new Layer(app, 'infrastructure', { delivery, folder: 'test/infrastructure' });
  return { app, delivery, layer };
}

/** A new output file `<layer folder>/<name>.yaml` to put objects in. */
export function testFile(layer: Layer, name: string): ManifestFile {
  return layer.addFile(layer, `${name}-file`, name);
}

/** The single object of `kind` named `name` in the rendered files. */
export function findManifest(files: readonly RenderedFile[], kind: string, name: string): Manifest & Record<string, any> {
  const found = files.flatMap((f) => f.manifests).filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as Manifest & Record<string, any>;
}

/** The values of the HelmRelease of `releaseName`. */
export function helmValues(files: readonly RenderedFile[], releaseName: string): Record<string, any> {
  return findManifest(files, 'HelmRelease', releaseName).spec.values;
}
