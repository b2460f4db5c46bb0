import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ManifestFile, TextFile, VerbatimManifestFile } from './manifest-file';

/** The file name that makes a folder a kustomize root. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

export interface KustomizeRootProps {
  /** The folder, relative to the output root, e.g. `demo/tenants`. */
  readonly folder: string;
  /** The files of the folder (and its subfolders); read at render time, after every construct was added. */
  readonly files: () => readonly (ManifestFile | VerbatimManifestFile)[];
}

/**
 * `<folder>/kustomization.yaml`, listing the folder's manifest files (sorted, relative to the folder),
 * so the folder builds with `kustomize build` / `kubectl apply -k` / Argo CD as well as with Flux,
 * which uses a kustomization.yaml when there is one instead of generating its own.
 */
export class KustomizeRoot extends Construct {
  public readonly path: string;

  constructor(scope: Construct, id: string, props: KustomizeRootProps) {
    super(scope, id);
    this.path = `${props.folder}/${KUSTOMIZATION_FILE}`;
    const prefix = `${props.folder}/`;
    new TextFile(this, 'file', {
      path: this.path,
      content: () => {
        const resources = props
          .files()
          // A file without objects would be an empty resource, which kustomize refuses.
          .filter(hasObjects)
          .map((f) => {
            if (!f.path.startsWith(prefix)) throw new Error(`${f.path} is not inside ${props.folder}`);
            return f.path.slice(prefix.length);
          })
          .sort(byCodePoint);
        return renderKustomization(resources);
      },
    });
  }
}

/** The kustomization.yaml for `resources` (paths relative to its folder, in the order given). */
export function renderKustomization(resources: readonly string[]): string {
  const list = resources.length ? `\n${resources.map((r) => `  - ${yamlScalar(r)}`).join('\n')}` : ' []';
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:${list}\n`;
}

/**
 * A path as a YAML scalar: plain when it can only be read as that string (a file name ending in
 * `.yaml` is never a boolean, null or number), else double-quoted.
 */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9._/-]*\.yaml$/.test(value) ? value : JSON.stringify(value);
}

function hasObjects(file: ManifestFile | VerbatimManifestFile): boolean {
  if (file instanceof VerbatimManifestFile) return file.manifests.length > 0;
  return file.node.findAll().some((c) => c instanceof ApiObject && Chart.of(c) === file);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
