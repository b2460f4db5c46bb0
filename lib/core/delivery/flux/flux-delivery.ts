import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../../../imports/flux-helmreleases-helm.toolkit.fluxcd.io';
import { GitRepository } from '../../../../imports/flux-gitrepositories-source.toolkit.fluxcd.io';
import { HelmRepository } from '../../../../imports/flux-helmrepositories-source.toolkit.fluxcd.io';
import { OciRepository, OciRepositorySpecLayerSelectorOperation } from '../../../../imports/flux-ocirepositories-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecDecryptionProvider, KustomizationSpecSourceRefKind } from '../../../../imports/flux-kustomizations-kustomize.toolkit.fluxcd.io';
import type { HelmChart } from '../../../versions';
import { KustomizeRoot } from '../../output/kustomize-root';
import { ManifestFile } from '../../output/manifest-file';
import { ChartSource, ChartSourceSettings, ociChartUrl, resolveChartSource, sameSource } from '../chart-source';
import { HelmReleaseOptions, IDelivery, IHelmRelease, Layer, TenantRepositoryOptions } from '../delivery';

export const FLUX_DEFAULTS = {
  namespace: 'flux-system',
  sourceKind: 'GitRepository',
  sourceName: 'flux-system',
  pathPrefix: './dist',
  interval: '10m',
  layerNamePrefix: 'platform-',
} as const;

/**
 * kustomize-controller leaves an object with this annotation in the cluster when it leaves the
 * Kustomization's source, instead of pruning it.
 */
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** The layer of a Helm chart in an OCI artifact: source-controller extracts it as the chart archive. */
export const HELM_CHART_LAYER = { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: OciRepositorySpecLayerSelectorOperation.COPY } as const;

/** How Flux decrypts Secrets committed encrypted in Git (Kustomization `spec.decryption`). */
export interface FluxDecryption {
  /** The decryption engine; Flux knows only SOPS. */
  readonly provider: 'sops';
  /**
   * Secret in Flux's namespace with the private keys (age, OpenPGP) or cloud KMS credentials.
   * @default - none: keyless authentication with the kustomize-controller's identity (cloud KMS)
   */
  readonly secretRef?: { readonly name: string };
}

export type FluxSourceKind = 'GitRepository' | 'OCIRepository' | 'Bucket';

export interface FluxDeliveryProps {
  /** The cluster's output folder; Flux's own objects go to `<clusterFolder>/flux/`. */
  readonly clusterFolder: string;
  /**
   * Namespace of Flux, and of the Kustomizations, HelmRepositories and HelmReleases it reconciles
   * for the platform.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * Kind of the Flux source that carries the output.
   * @default 'GitRepository'
   */
  readonly sourceKind?: FluxSourceKind;
  /**
   * Name of the Flux source (in `namespace`) that carries the output.
   * @default 'flux-system' (the GitRepository `flux bootstrap` creates)
   */
  readonly sourceName?: string;
  /**
   * Path of the output folder inside the source, as Flux sees it.
   * @default './dist'
   */
  readonly pathPrefix?: string;
  /**
   * How often Flux reconciles the layers and releases.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * Decryption of Secrets kept encrypted in Git, on the Kustomizations of the layers that read such
   * Secrets (`Layer.readsSecretsFromGit`).
   * @default - no decryption
   */
  readonly decryption?: FluxDecryption;
  /**
   * Where the charts are fetched from.
   * @default - every chart from its upstream Helm repository (lib/versions.ts)
   */
  readonly chartSources?: ChartSourceSettings;
}

/**
 * Delivers the platform with Flux.
 *
 * - Each layer becomes a Kustomization `platform-<layer>` in `<cluster>/flux/layers.yaml` that
 *   applies the layer's folder, waits until everything in it is healthy, and depends on the
 *   Kustomizations of the layers before it. Point one Flux Kustomization at `<cluster>/flux`.
 * - Each Helm release becomes a HelmRelease (in the layer's folder) installed with its exact chart
 *   version; its source (a HelmRepository, or for a chart from an OCI registry an OCIRepository
 *   pinned to the version's tag, which the HelmRelease names in `chartRef`) goes to
 *   `<cluster>/flux/helm-repositories.yaml`, so sources exist before any layer is applied.
 */
export class FluxDelivery extends Construct implements IDelivery {
  public readonly toolName = 'Flux';
  public readonly layerOrder = 'dependencies';
  public readonly namespace: string;
  public readonly pathPrefix: string;
  public readonly interval: string;
  public readonly keepOnRemovalAnnotations = { [FLUX_PRUNE_ANNOTATION]: 'disabled' } as const;
  private readonly sourceKind: FluxSourceKind;
  private readonly sourceName: string;
  private readonly decryption?: FluxDecryption;
  private readonly layersFile: ManifestFile;
  private readonly repositoriesFile: ManifestFile;
  private readonly chartSources?: ChartSourceSettings;
  /** The sources rendered, by kind and name. */
  private readonly sources = new Map<string, ChartSource>();
  private readonly releases = new Set<IHelmRelease>();

  constructor(scope: Construct, id: string, props: FluxDeliveryProps) {
    super(scope, id);
    this.namespace = props.namespace ?? FLUX_DEFAULTS.namespace;
    this.sourceKind = props.sourceKind ?? FLUX_DEFAULTS.sourceKind;
    this.sourceName = props.sourceName ?? FLUX_DEFAULTS.sourceName;
    this.pathPrefix = normalizePathPrefix(props.pathPrefix ?? FLUX_DEFAULTS.pathPrefix);
    this.interval = props.interval ?? FLUX_DEFAULTS.interval;
    this.decryption = props.decryption;
    this.chartSources = props.chartSources;
    this.layersFile = new ManifestFile(this, 'layers', { path: `${props.clusterFolder}/flux/layers.yaml` });
    this.repositoriesFile = new ManifestFile(this, 'helm-repositories', { path: `${props.clusterFolder}/flux/helm-repositories.yaml` });
    new KustomizeRoot(this, 'kustomization', { folder: `${props.clusterFolder}/flux`, files: () => [this.layersFile, this.repositoriesFile] });
  }

  /** Name of the Kustomization that applies `layer`. */
  public kustomizationName(layer: Layer): string {
    return `${FLUX_DEFAULTS.layerNamePrefix}${layer.name}`;
  }

  public secretDecryptionProblem(): string | undefined {
    return this.decryption ? undefined : 'Flux decrypts them only with delivery.flux.decryption (provider: sops, secretRef: the Secret in Flux\'s namespace with the age or OpenPGP key); set it, see docs/flux.md';
  }

  public retryCommand(release: IHelmRelease): string {
    const namespace = this.namespace === FLUX_DEFAULTS.namespace ? '' : ` -n ${this.namespace}`;
    return `flux reconcile helmrelease ${release.releaseName}${namespace} --force`;
  }

  public bindLayer(layer: Layer): void {
    new Kustomization(this.layersFile, layer.name, {
      metadata: { name: this.kustomizationName(layer), namespace: this.namespace },
      spec: {
        interval: this.interval,
        retryInterval: '1m',
        timeout: '10m',
        sourceRef: { kind: this.sourceKind as KustomizationSpecSourceRefKind, name: this.sourceName },
        path: `${this.pathPrefix}/${layer.folder}`,
        prune: true,
        // Dependents start only once everything here is healthy (e.g. HelmReleases are Ready).
        wait: true,
        dependsOn: layer.dependsOn.length ? layer.dependsOn.map((d) => ({ name: this.kustomizationName(d) })) : undefined,
        serviceAccountName: layer.serviceAccountName,
        // kstatus takes a custom resource without status.observedGeneration (and without a Ready
        // condition yet) as ready the moment it exists; these expressions make wait: true wait.
        healthCheckExprs: layer.readinessChecks.length
          ? layer.readinessChecks.map((c) => ({ apiVersion: c.apiVersion, kind: c.kind, current: c.ready }))
          : undefined,
        decryption: layer.readsSecretsFromGit && this.decryption
          ? { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: this.decryption.secretRef && { name: this.decryption.secretRef.name } }
          : undefined,
      },
    });
  }

  public addHelmRelease(scope: Construct, options: HelmReleaseOptions): IHelmRelease {
    const layer = Layer.of(scope);
    if (layer.delivery !== this) throw new Error(`${scope.node.path} is in a layer of another delivery`);
    const source = this.addSource(options.chart);
    for (const dependency of options.dependsOn ?? []) {
      if (!this.releases.has(dependency)) throw new Error(`${scope.node.path}: dependency ${dependency.releaseName} is not a release of this cluster`);
    }

    const file = layer.addFile(scope, 'HelmRelease', options.releaseName);
    new HelmRelease(file, 'Resource', {
      metadata: { name: options.releaseName, namespace: this.namespace },
      spec: {
        interval: this.interval,
        releaseName: options.releaseName,
        targetNamespace: options.namespace,
        // Keep Helm's release records with the release, as `helm install -n <namespace>` would.
        storageNamespace: options.namespace,
        // An OCIRepository carries exactly one chart version (its tag); a HelmRepository serves many.
        chartRef: source.type === 'oci' ? { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: source.name } : undefined,
        chart:
          source.type === 'helm'
            ? { spec: { chart: options.chart.chart, version: options.chart.version, sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: source.name } } }
            : undefined,
        // Keep the chart's CRDs current on upgrades too (Flux's default skips them).
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        dependsOn: options.dependsOn?.length ? options.dependsOn.map((d) => ({ name: d.releaseName })) : undefined,
        values: options.values,
      },
    });

    const release: IHelmRelease = { chart: options.chart, releaseName: options.releaseName, namespace: options.namespace };
    this.releases.add(release);
    return release;
  }

  /**
   * A GitRepository and a Kustomization in the tenant's namespace, as in fluxcd/flux2-multi-tenancy:
   * the Kustomization impersonates the tenant's ServiceAccount and applies into the tenant's
   * namespace unless an object names another one (which RBAC, and tenant-compare for Flux objects,
   * confine to the tenant's namespaces).
   */
  public addTenantRepository(file: Construct, options: TenantRepositoryOptions): void {
    const name = options.serviceAccountName;
    new GitRepository(file, 'GitRepository', {
      metadata: { name, namespace: options.namespace },
      spec: {
        interval: this.interval,
        url: options.url,
        ref: { branch: options.branch },
        secretRef: options.secretName ? { name: options.secretName } : undefined,
      },
    });
    new Kustomization(file, 'Kustomization', {
      metadata: { name, namespace: options.namespace },
      spec: {
        interval: this.interval,
        retryInterval: '1m',
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name },
        path: options.path === '.' ? './' : `./${options.path.replace(/^\.\//, '')}`,
        prune: true,
        serviceAccountName: options.serviceAccountName,
        targetNamespace: options.namespace,
      },
    });
  }

  /** The source `chart` is fetched from, rendered once per name. */
  private addSource(chart: HelmChart): ChartSource {
    const source = resolveChartSource(chart, this.chartSources);
    const key = `${source.type}/${source.name}`;
    const existing = this.sources.get(key);
    if (existing) {
      if (!sameSource(existing, source)) {
        throw new Error(
          `Helm repository '${source.name}' would serve charts from two places: ${describe(existing)} (${existing.setting}) and ${describe(source)} (${source.setting}); give the charts of one repository the same url and secretRef`,
        );
      }
      return existing;
    }
    this.sources.set(key, source);
    const refs = {
      secretRef: source.secretRef && { name: source.secretRef.name },
      certSecretRef: source.certSecretRef && { name: source.certSecretRef.name },
    };
    if (source.type === 'oci') {
      new OciRepository(this.repositoriesFile, `oci-${source.name}`, {
        metadata: { name: source.name, namespace: this.namespace },
        spec: { interval: '1h', url: ociChartUrl(source, chart), ref: { tag: chart.version }, layerSelector: HELM_CHART_LAYER, ...refs },
      });
    } else {
      new HelmRepository(this.repositoriesFile, source.name, {
        metadata: { name: source.name, namespace: this.namespace },
        spec: { interval: '1h', url: source.url, ...refs },
      });
    }
    return source;
  }
}

function describe(source: ChartSource): string {
  return [source.url, source.secretRef && `secretRef ${source.secretRef.name}`, source.certSecretRef && `certSecretRef ${source.certSecretRef.name}`].filter(Boolean).join(', ');
}

/** `pathPrefix` as Flux paths use it: `./<path>` without a trailing slash, or `.`. */
export function normalizePathPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '').replace(/^\.\//, '');
  return trimmed ? `./${trimmed}` : '.';
}
