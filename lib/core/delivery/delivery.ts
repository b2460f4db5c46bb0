import { Construct, IConstruct } from 'constructs';
import type { HelmChart } from '../../versions';
import { KustomizeRoot } from '../output/kustomize-root';
import { Manifest, ManifestFile, VerbatimManifestFile } from '../output/manifest-file';

/**
 * How the rendered output reaches a cluster. The platform is written against this interface; the
 * GitOps tool behind it (Flux or Argo CD) decides which objects express it.
 */
export interface IDelivery extends IConstruct {
  /** Namespace of the delivery tool: where the ServiceAccounts it impersonates live. */
  readonly namespace: string;
  /** The tool's name, for the READMEs of the output (e.g. `Flux`). */
  readonly toolName: string;
  /**
   * How a layer waits: only for the layers it depends on (`dependencies`), or for every layer of
   * an earlier sync wave, related or not (`waves`).
   */
  readonly layerOrder: 'dependencies' | 'waves';

  /**
   * Why the tool cannot decrypt SOPS-encrypted Secrets kept in Git for the layers that read them
   * (`LayerProps.readsSecretsFromGit`), with what to do; undefined when it can.
   */
  secretDecryptionProblem(): string | undefined;

  /** The command that makes the tool install `release` again after it gave up. */
  retryCommand(release: IHelmRelease): string;

  /**
   * Makes the delivery tool apply `layer`'s folder, after the layers it depends on are applied and
   * healthy. Called once by every new `Layer`.
   */
  bindLayer(layer: Layer): void;

  /** Installs a Helm chart release; its objects go into `scope`'s layer. */
  addHelmRelease(scope: Construct, options: HelmReleaseOptions): IHelmRelease;

  /**
   * Annotations that make the delivery tool leave an object in the cluster when it is removed from
   * the output, instead of deleting it (for objects whose deletion takes others with it, such as a
   * Tenant, which makes Capsule delete its namespaces).
   */
  readonly keepOnRemovalAnnotations: Readonly<Record<string, string>>;

  /**
   * Syncs a tenant's own repository into its namespaces as the tenant's ServiceAccount. The sync
   * objects go into `file`.
   */
  addTenantRepository(file: Construct, options: TenantRepositoryOptions): void;
}

/** A tenant's own GitOps repository (see `TenantGitOps`). */
export interface TenantRepositoryOptions {
  /** The tenant's name. */
  readonly tenant: string;
  /** Namespace of the tenant's sync objects and ServiceAccount; the repository's objects default to it. */
  readonly namespace: string;
  /** Every namespace of the tenant the platform creates. */
  readonly namespaces: readonly string[];
  /**
   * Pattern of the names of namespaces the tenant creates later (e.g. `oil-*`).
   * @default - only `namespaces`
   */
  readonly namespacePattern?: string;
  /** The tenant's ServiceAccount (in `namespace`) that applies the repository. */
  readonly serviceAccountName: string;
  readonly url: string;
  readonly branch: string;
  /** Folder of the repository to apply. */
  readonly path: string;
  /**
   * Secret with the repository's credentials, by name.
   * @default - none
   */
  readonly secretName?: string;
}

export interface HelmReleaseOptions {
  /** The chart to install (see lib/versions.ts). */
  readonly chart: HelmChart;
  /** Helm release name. Charts derive object names from it, so it is part of the contract. */
  readonly releaseName: string;
  /** Namespace the release is installed into. */
  readonly namespace: string;
  /** Chart values. May contain `Lazy` values, resolved when the output is rendered. */
  readonly values: Record<string, unknown>;
  /**
   * Releases that must be installed and ready first.
   * @default - none
   */
  readonly dependsOn?: readonly IHelmRelease[];
  /**
   * The chart renders objects too large for client-side apply (the 256 KiB
   * `last-applied-configuration` annotation), e.g. big CRDs: they must be applied server-side.
   * (Flux always applies server-side; Argo CD needs `ServerSideApply=true`.)
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Fields of the release's objects that a controller writes after they are applied (e.g. a CA
   * bundle it injects). The delivery tool must neither report them as drift nor reset them.
   * @default - none
   */
  readonly controllerOwnedFields?: readonly ControllerOwnedField[];
}

/**
 * Fields that a controller owns on objects the platform renders (or a chart renders for it). Flux
 * applies server-side and only corrects the fields it applies, so it needs none of this; Argo CD
 * turns them into `ignoreDifferences` (and `RespectIgnoreDifferences=true`).
 */
export interface ControllerOwnedField {
  /** API group of the objects, `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /**
   * Only the object of this name.
   * @default - every object of the kind
   */
  readonly name?: string;
  /**
   * RFC 6901 pointers to the owned fields, e.g. `/metadata/ownerReferences`.
   * @default - none
   */
  readonly jsonPointers?: readonly string[];
  /**
   * jq path expressions of the owned fields, for fields in lists, e.g. `.webhooks[]?.clientConfig.caBundle`.
   * @default - none
   */
  readonly jqPathExpressions?: readonly string[];
}

/** An installed Helm release. */
export interface IHelmRelease {
  readonly chart: HelmChart;
  readonly releaseName: string;
  readonly namespace: string;
}

/**
 * How to tell that objects of a custom kind are ready, for kinds whose status a delivery tool
 * cannot judge by itself (no `status.observedGeneration`, a Ready condition that appears late).
 */
export interface ReadinessCheck {
  readonly apiVersion: string;
  readonly kind: string;
  /** CEL expression over the object (its top-level fields are variables) that is true once it is ready. */
  readonly ready: string;
}

export interface LayerProps {
  /** The delivery that applies this layer. */
  readonly delivery: IDelivery;
  /** Output folder of the layer, relative to the output root, e.g. `demo/tenants`. */
  readonly folder: string;
  /**
   * Layers that must be applied and healthy before this one.
   * @default - none
   */
  readonly dependsOn?: readonly Layer[];
  /**
   * ServiceAccount the delivery tool impersonates to apply this layer, in the delivery tool's
   * namespace.
   * @default - the delivery tool's own identity (cluster-admin)
   */
  readonly serviceAccountName?: string;
  /**
   * Readiness of custom kinds in this layer that dependents must wait for.
   * @default - the delivery tool's own health assessment
   */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /**
   * Fields of this layer's objects that a controller owns (see `ControllerOwnedField`).
   * @default - none
   */
  readonly controllerOwnedFields?: readonly ControllerOwnedField[];
  /**
   * Whether objects of this layer read Secrets that the user keeps in Git, encrypted (e.g. the
   * Teleport agent's join token, Headlamp's OIDC client secret): the delivery decrypts them when it
   * is configured to, and `EncryptedSecrets` puts each such Secret in its reader's layer.
   * @default false
   */
  readonly readsSecretsFromGit?: boolean;
}

/**
 * A folder of the output that is applied as one unit, in dependency order with the other layers
 * (e.g. Tenants only after Capsule and its CRDs are ready).
 */
export class Layer extends Construct {
  /** The layer `construct` belongs to. */
  public static of(construct: IConstruct): Layer {
    const layer = construct.node.scopes.reverse().find((c): c is Layer => c instanceof Layer);
    if (!layer) throw new Error(`${construct.node.path} is not inside a Layer`);
    return layer;
  }

  public readonly name: string;
  public readonly delivery: IDelivery;
  public readonly folder: string;
  public readonly dependsOn: readonly Layer[];
  public readonly serviceAccountName?: string;
  public readonly readinessChecks: readonly ReadinessCheck[];
  public readonly controllerOwnedFields: readonly ControllerOwnedField[];
  public readonly readsSecretsFromGit: boolean;
  private readonly shared = new Map<string, ManifestFile>();
  private readonly files: (ManifestFile | VerbatimManifestFile)[] = [];

  constructor(scope: Construct, name: string, props: LayerProps) {
    super(scope, name);
    this.name = name;
    this.delivery = props.delivery;
    this.folder = props.folder;
    this.dependsOn = props.dependsOn ?? [];
    this.serviceAccountName = props.serviceAccountName;
    this.readinessChecks = props.readinessChecks ?? [];
    this.controllerOwnedFields = props.controllerOwnedFields ?? [];
    this.readsSecretsFromGit = props.readsSecretsFromGit ?? false;
    // Every layer folder is a kustomize root listing exactly the files added here.
    new KustomizeRoot(this, 'kustomization', { folder: this.folder, files: () => this.files });
    props.delivery.bindLayer(this);
  }

  /** Whether the delivery applies this layer only after `other` is healthy (directly or transitively). */
  public isAfter(other: Layer): boolean {
    return this.dependsOn.some((d) => d === other || d.isAfter(other));
  }

  /** A new file `<folder>/<fileName>.yaml` owned by `scope`. */
  public addFile(scope: Construct, id: string, fileName: string): ManifestFile {
    const file = new ManifestFile(scope, id, { path: `${this.folder}/${fileName}.yaml` });
    this.files.push(file);
    return file;
  }

  /**
   * `<folder>/<path>`, copied byte for byte (e.g. a SOPS-encrypted Secret), listed in the layer's
   * kustomization.yaml like the rendered files.
   */
  public addVerbatimFile(scope: Construct, id: string, path: string, content: string, manifests: readonly Manifest[]): VerbatimManifestFile {
    const file = new VerbatimManifestFile(scope, id, { path: `${this.folder}/${path}`, content, manifests });
    this.files.push(file);
    return file;
  }

  /** The file `<folder>/<fileName>.yaml` that several constructs add objects to (e.g. namespaces). */
  public sharedFile(fileName: string): ManifestFile {
    let file = this.shared.get(fileName);
    if (!file) {
      file = this.addFile(this, fileName, fileName);
      this.shared.set(fileName, file);
    }
    return file;
  }
}
