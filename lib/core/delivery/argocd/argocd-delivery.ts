import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { Application, ApplicationSpecIgnoreDifferences } from '../../../../imports/argocd-applications-argoproj.io';
import { AppProject } from '../../../../imports/argocd-appprojects-argoproj.io';
import { ManifestFile, TextFile } from '../../output/manifest-file';
import * as md from '../../output/markdown';
import { ChartSource, ChartSourceSettings, resolveChartSource } from '../chart-source';
import { ControllerOwnedField, HelmReleaseOptions, IDelivery, IHelmRelease, Layer, TenantRepositoryOptions } from '../delivery';
import { ARGOCD_HEALTH_CHECKS, healthCheckKey, IMPERSONATION_KEY } from './health-checks';
import { syncWaves } from './sync-waves';

export const ARGOCD_DEFAULTS = {
  namespace: 'argocd',
  targetRevision: 'HEAD',
  path: 'dist',
  /** The AppProject of the platform's Applications, and the name of the root Application. */
  project: 'platform',
  layerNamePrefix: 'platform-',
  /** The ServiceAccount of Argo CD's application controller in the upstream install manifests. */
  controllerServiceAccount: 'argocd-application-controller',
  /** The cluster Argo CD runs in, as Argo CD names it. */
  server: 'https://kubernetes.default.svc',
} as const;

/** Argo CD annotation that orders the objects of one sync. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/**
 * Diff on the server, mutation webhooks included: Kyverno mutates Tenants and fills CRD defaults
 * into policies, which a client-side diff reports as drift (Kyverno's platform notes for Argo CD).
 */
const COMPARE_OPTIONS = { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true,IncludeMutationWebhook=true' };
/** Deleting an Application deletes what it applied, as deleting a Flux Kustomization with prune does. */
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** Flux retries a failed layer every minute; Argo CD backs off up to 5 minutes, for about 40 minutes. */
const RETRY = { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '5m' } };

export interface ArgoCdDeliveryProps {
  /** The cluster's output folder; Argo CD's own objects go to `<clusterFolder>/argocd/`. */
  readonly clusterFolder: string;
  /** URL of the Git repository Argo CD reads the output from. */
  readonly repoURL: string;
  /**
   * Revision (branch, tag or commit) of that repository.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Path of the output folder (PLATFORM_OUT) inside the repository.
   * @default 'dist'
   */
  readonly path?: string;
  /**
   * Namespace of Argo CD: its Applications and AppProjects, and the ServiceAccounts it impersonates.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Where the charts are fetched from.
   * @default - every chart from its upstream Helm repository (lib/versions.ts)
   */
  readonly chartSources?: ChartSourceSettings;
}

interface BoundRelease {
  readonly release: IHelmRelease;
  readonly layer: Layer;
  readonly dependsOn: readonly BoundRelease[];
  readonly name: string;
  readonly source: ChartSource;
}

/**
 * Delivers the platform with Argo CD, as an app of apps:
 *
 * - `<cluster>/argocd/root.yaml`: the root Application `platform`, applied once by hand, which
 *   syncs `<cluster>/argocd/apps/`;
 * - `<cluster>/argocd/apps/`: the AppProjects, and one Application `platform-<layer>` per layer
 *   that syncs the layer's folder, in sync waves that follow the layers' dependencies;
 * - each Helm release becomes an Application with a Helm source (in the layer's folder, where Flux
 *   has its HelmRelease), in waves that follow the releases' dependencies within the layer;
 * - `<cluster>/argocd/argocd-cm.patch.yaml` and `README.md`: the health checks (and, when a layer is
 *   applied as another identity, the impersonation switch) to merge into `argocd-cm`.
 *
 * A layer with a `serviceAccountName` is synced as that ServiceAccount through Argo CD's
 * application sync impersonation: an AppProject of its own whose `destinationServiceAccounts`
 * name it. The `platform` project names Argo CD's own controller, so that switching impersonation
 * on (it is global to an Argo CD) changes nothing for the other Applications.
 */
export class ArgoCdDelivery extends Construct implements IDelivery {
  public readonly toolName = 'Argo CD';
  public readonly layerOrder = 'waves';
  /** Argo CD leaves an object in the cluster when it is pruned from Git with `Prune=false`. */
  public readonly keepOnRemovalAnnotations = { 'argocd.argoproj.io/sync-options': 'Prune=false' };
  public readonly namespace: string;
  public readonly repoURL: string;
  public readonly targetRevision: string;
  public readonly path: string;
  private readonly clusterFolder: string;
  private readonly layers: Layer[] = [];
  private readonly releases: BoundRelease[] = [];
  private readonly projectsFile: ManifestFile;
  private readonly layersFile: ManifestFile;
  private readonly platformProject: AppProject;
  private readonly tenantRepositories: TenantRepositoryOptions[] = [];
  private readonly chartSources?: ChartSourceSettings;

  constructor(scope: Construct, id: string, props: ArgoCdDeliveryProps) {
    super(scope, id);
    this.namespace = props.namespace ?? ARGOCD_DEFAULTS.namespace;
    this.repoURL = props.repoURL;
    this.targetRevision = props.targetRevision ?? ARGOCD_DEFAULTS.targetRevision;
    this.path = normalizePath(props.path ?? ARGOCD_DEFAULTS.path);
    this.clusterFolder = props.clusterFolder;
    this.chartSources = props.chartSources;

    const folder = `${props.clusterFolder}/argocd`;
    this.projectsFile = new ManifestFile(this, 'projects', { path: `${folder}/apps/projects.yaml` });
    this.layersFile = new ManifestFile(this, 'layers', { path: `${folder}/apps/layers.yaml` });
    this.platformProject = this.addProject(ARGOCD_DEFAULTS.project, {
      description: `The platform of cluster ${props.clusterFolder}: its layers and Helm releases.`,
      sourceRepos: () => [this.repoURL, ...new Set(this.releases.map((r) => helmRepoURL(r.source.url)))].sort(),
      serviceAccount: `${this.namespace}:${ARGOCD_DEFAULTS.controllerServiceAccount}`,
    });

    const root = new ManifestFile(this, 'root', { path: `${folder}/root.yaml` });
    new Application(root, 'Application', {
      metadata: { name: ARGOCD_DEFAULTS.project, namespace: this.namespace, annotations: COMPARE_OPTIONS, finalizers: [RESOURCES_FINALIZER] },
      spec: {
        project: this.platformProject.name,
        source: { repoUrl: this.repoURL, targetRevision: this.targetRevision, path: this.repoPath(`${folder}/apps`) },
        destination: { server: ARGOCD_DEFAULTS.server, namespace: this.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
      },
    });
    new TextFile(this, 'argocd-cm', { path: `${folder}/argocd-cm.patch.yaml`, content: () => this.argocdConfigPatch() });
    new TextFile(this, 'readme', { path: `${folder}/README.md`, content: () => this.readme(folder) });
  }

  /** Name of the Application that syncs `layer`. */
  public applicationName(layer: Layer): string {
    return `${ARGOCD_DEFAULTS.layerNamePrefix}${layer.name}`;
  }

  /** Name of the AppProject of `layer`'s Application. */
  public projectName(layer: Layer): string {
    return layer.serviceAccountName ? this.applicationName(layer) : this.platformProject.name;
  }

  /** The sync wave of every layer (of the root Application). */
  public layerWaves(): Map<Layer, number> {
    return syncWaves(this.layers, (l) => `layer ${l.name}`);
  }

  public secretDecryptionProblem(): string {
    return 'Argo CD does not decrypt SOPS-encrypted files (only with a plugin the platform does not configure): create the Secret in the cluster out of band (docs/teleport.md), or deliver with Flux and delivery.flux.decryption';
  }

  public retryCommand(release: IHelmRelease): string {
    // The release's Application is named after it.
    return `argocd app sync ${this.namespace}/${release.releaseName}`;
  }

  public bindLayer(layer: Layer): void {
    for (const dependency of layer.dependsOn) {
      if (dependency.delivery !== this) throw new Error(`layer ${layer.name} depends on layer ${dependency.name} of another delivery`);
    }
    this.layers.push(layer);
    if (layer.serviceAccountName) {
      this.addProject(this.projectName(layer), {
        description: `Layer ${layer.name} of cluster ${this.clusterFolder}, synced as ServiceAccount ${layer.serviceAccountName}.`,
        sourceRepos: () => [this.repoURL],
        serviceAccount: `${this.namespace}:${layer.serviceAccountName}`,
      });
    }
    const ignoreDifferences = layer.controllerOwnedFields.map(ignoreDifference);
    new Application(this.layersFile, layer.name, {
      metadata: {
        name: this.applicationName(layer),
        namespace: this.namespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: Lazy.any({ produce: () => String(this.layerWaves().get(layer)) }) as unknown as string, ...COMPARE_OPTIONS },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: this.projectName(layer),
        // Each layer folder is a kustomize root (kustomization.yaml lists its files, subfolders
        // included): Argo CD detects it and builds the folder with kustomize, as Flux does.
        source: { repoUrl: this.repoURL, targetRevision: this.targetRevision, path: this.repoPath(layer.folder) },
        destination: { server: ARGOCD_DEFAULTS.server },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ignoreDifferences.length ? ['RespectIgnoreDifferences=true'] : undefined,
          retry: RETRY,
        },
        ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
      },
    });
  }

  public addHelmRelease(scope: Construct, options: HelmReleaseOptions): IHelmRelease {
    const layer = Layer.of(scope);
    if (layer.delivery !== this) throw new Error(`${scope.node.path} is in a layer of another delivery`);
    const dependsOn = (options.dependsOn ?? []).map((d) => {
      const bound = this.releases.find((r) => r.release === d);
      if (!bound) throw new Error(`${scope.node.path}: dependency ${d.releaseName} is not a release of this cluster`);
      return bound;
    });
    const release: IHelmRelease = { chart: options.chart, releaseName: options.releaseName, namespace: options.namespace };
    const source = resolveChartSource(options.chart, this.chartSources);
    const bound: BoundRelease = { release, layer, name: options.releaseName, dependsOn, source };
    this.releases.push(bound);

    const ignoreDifferences = (options.controllerOwnedFields ?? []).map(ignoreDifference);
    const file = layer.addFile(scope, 'Application', options.releaseName);
    new Application(file, 'Resource', {
      metadata: {
        name: options.releaseName,
        namespace: this.namespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: Lazy.any({ produce: () => String(this.releaseWaves(layer).get(bound)) }) as unknown as string, ...COMPARE_OPTIONS },
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: this.platformProject.name,
        source: {
          // A repoURL without a scheme is an OCI registry to Argo CD (helm.IsHelmOciRepo): no
          // repository declaration needed unless it takes credentials (README.md).
          repoUrl: helmRepoURL(source.url),
          chart: options.chart.chart,
          targetRevision: options.chart.version,
          // The same values object the HelmRelease would carry (Lazy parts resolved at render).
          helm: { releaseName: options.releaseName, valuesObject: options.values },
        },
        destination: { server: ARGOCD_DEFAULTS.server, namespace: options.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: Lazy.any({
            produce: () => {
              const syncOptions = [
                // The layer renders the release's namespace when it can (labels, Pod Security); only
                // a namespace nobody renders is Argo CD's to create.
                ...(this.rendersNamespace(options.namespace) ? [] : ['CreateNamespace=true']),
                ...(options.serverSideApply ? ['ServerSideApply=true'] : []),
                ...(ignoreDifferences.length ? ['RespectIgnoreDifferences=true'] : []),
              ];
              return syncOptions.length ? syncOptions : undefined;
            },
          }) as unknown as string[],
          retry: RETRY,
        },
        ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
      },
    });
    return release;
  }

  /**
   * An AppProject per tenant, as Capsule's Argo CD addon does, and an Application of the tenant's
   * repository in it (both in Argo CD's namespace, where Argo CD reads them):
   *
   * - destinations: exactly the tenant's namespaces, plus the pattern of namespaces it creates later;
   * - no cluster-scoped kind (an empty `clusterResourceWhitelist`);
   * - the tenant's repository as the only source;
   * - synced as the tenant's ServiceAccount (`destinationServiceAccounts`, with impersonation on),
   *   so Capsule and RBAC confine it as they confine the tenant's owners.
   */
  public addTenantRepository(file: Construct, options: TenantRepositoryOptions): void {
    this.tenantRepositories.push(options);
    const name = `tenant-${options.tenant}`;
    const namespaces = [...options.namespaces, ...(options.namespacePattern ? [options.namespacePattern] : [])];
    new AppProject(file, 'AppProject', {
      metadata: { name, namespace: this.namespace },
      spec: {
        description: `Self-service GitOps of tenant ${options.tenant}: its repository, into its namespaces only.`,
        sourceRepos: [options.url],
        destinations: namespaces.map((namespace) => ({ server: ARGOCD_DEFAULTS.server, namespace })),
        clusterResourceWhitelist: [],
        destinationServiceAccounts: [{ server: ARGOCD_DEFAULTS.server, namespace: '*', defaultServiceAccount: `${options.namespace}:${options.serviceAccountName}` }],
      },
    });
    new Application(file, 'Application', {
      metadata: { name, namespace: this.namespace, finalizers: [RESOURCES_FINALIZER] },
      spec: {
        project: name,
        source: { repoUrl: options.url, targetRevision: options.branch, path: options.path },
        // Objects without a namespace go to the tenant's first namespace, as Flux's targetNamespace does.
        destination: { server: ARGOCD_DEFAULTS.server, namespace: options.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
      },
    });
  }

  /** Sync waves of `layer`'s releases within the layer's Application: release dependencies in the same layer. */
  private releaseWaves(layer: Layer): Map<BoundRelease, number> {
    interface Node {
      readonly r: BoundRelease;
      readonly dependsOn: Node[];
    }
    const local: Node[] = this.releases.filter((r) => r.layer === layer).map((r) => ({ r, dependsOn: [] }));
    for (const node of local) node.dependsOn.push(...local.filter((o) => node.r.dependsOn.includes(o.r)));
    const waves = syncWaves(local, (n) => `release ${n.r.name}`, 'early');
    return new Map(local.map((n) => [n.r, waves.get(n)!]));
  }

  /** Whether this cluster's output has a Namespace `name`. */
  private rendersNamespace(name: string): boolean {
    const cluster = this.node.scope!;
    return cluster.node.findAll().some((c) => c instanceof ApiObject && c.apiVersion === 'v1' && c.kind === 'Namespace' && c.name === name);
  }

  private addProject(name: string, options: { description: string; sourceRepos: () => string[]; serviceAccount: string }): AppProject {
    return new AppProject(this.projectsFile, name, {
      metadata: {
        name,
        namespace: this.namespace,
        // Before the Applications of the root sync that use them.
        annotations: { [SYNC_WAVE_ANNOTATION]: '-1' },
      },
      spec: {
        description: options.description,
        sourceRepos: Lazy.any({ produce: options.sourceRepos }) as unknown as string[],
        destinations: [{ server: ARGOCD_DEFAULTS.server, namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        // Used only once impersonation is on (argocd-cm); then every sync of the project runs as it.
        destinationServiceAccounts: [{ server: ARGOCD_DEFAULTS.server, namespace: '*', defaultServiceAccount: options.serviceAccount }],
      },
    });
  }

  /** Path of an output folder inside the repository. */
  private repoPath(folder: string): string {
    return this.path === '.' ? folder : `${this.path}/${folder}`;
  }

  private impersonates(): Layer[] {
    return this.layers.filter((l) => l.serviceAccountName);
  }

  /** Whether any sync must run as another identity than Argo CD's controller. */
  private needsImpersonation(): boolean {
    return this.impersonates().length > 0 || this.tenantRepositories.length > 0;
  }

  private argocdConfigPatch(): string {
    const data: Record<string, string> = {};
    if (this.needsImpersonation()) data[IMPERSONATION_KEY] = 'true';
    for (const check of ARGOCD_HEALTH_CHECKS) data[healthCheckKey(check)] = `${check.lua}\n`;
    return [
      '# Merge into Argo CD\'s argocd-cm ConfigMap (see README.md in this folder):',
      `#   kubectl -n ${this.namespace} patch configmap argocd-cm --type merge --patch-file argocd-cm.patch.yaml`,
      YAML.stringify({ data }, { lineWidth: 0 }),
    ].join('\n');
  }

  private readme(folder: string): string {
    const impersonated = this.impersonates();
    const tenants = this.tenantRepositories;
    const lines = [
      `# Argo CD for cluster ${this.clusterFolder}`,
      '',
      'Generated by capsule-platform; do not edit. Argo CD reads this output from',
      `${md.code(this.repoURL)} at ${md.code(this.targetRevision)}, path ${md.code(this.path)}.`,
      '',
      'Run these in the output folder (PLATFORM_OUT), against the cluster with Argo CD installed.',
      '',
      '1. Merge the health checks into `argocd-cm` (Argo CD waits for a sync wave only once it can tell',
      '   that its Applications, Tenants, policies and Teleport roles are healthy):',
      '',
      '   ```sh',
      `   kubectl -n ${this.namespace} patch configmap argocd-cm --type merge --patch-file ${folder}/argocd-cm.patch.yaml`,
      '   ```',
      '',
      '2. Apply the AppProjects, then the root Application; from then on Argo CD manages both:',
      '',
      '   ```sh',
      `   kubectl apply -f ${folder}/apps/projects.yaml`,
      `   kubectl apply -f ${folder}/root.yaml`,
      '   ```',
      '',
      'The root Application syncs `apps/`: one Application per layer, ordered by sync waves:',
      '',
      ...[...this.layerWaves()].sort((a, b) => a[1] - b[1] || a[0].name.localeCompare(b[0].name)).map(
        ([layer, wave]) => `- wave ${wave}: \`${this.applicationName(layer)}\` (${layer.folder}/)${layer.dependsOn.length ? `, after ${layer.dependsOn.map((d) => `\`${this.applicationName(d)}\``).join(', ')}` : ''}`,
      ),
    ];
    if (this.needsImpersonation()) {
      lines.push(
        '',
        'The patch also switches on application sync impersonation (`application.sync.impersonation.enabled`,',
        'Argo CD 2.13 or later; beta since 3.5). It is global to an Argo CD: every Application then needs',
        'a `destinationServiceAccounts` entry in its AppProject. The `platform` project names Argo CD\'s',
        `own controller (\`${this.namespace}:${ARGOCD_DEFAULTS.controllerServiceAccount}\`); add such an entry to your other projects.`,
        ...impersonated.map((l) => `Layer \`${l.name}\` is synced as \`${this.namespace}:${l.serviceAccountName}\` (project \`${this.projectName(l)}\`).`),
        ...tenants.map(
          (t) => `Tenant ${md.code(t.tenant)}'s repository is synced as ${md.code(`${t.namespace}:${t.serviceAccountName}`)} (project ${md.code(`tenant-${t.tenant}`)}).`,
        ),
        'Without impersonation Argo CD applies these as itself: Capsule does not attach tenant namespaces to their tenants, and a',
        "tenant's repository is confined only by its AppProject, not by the tenant's RBAC.",
      );
    }
    const withCredentials = tenants.filter((t) => t.secretName);
    if (withCredentials.length) {
      lines.push(
        '',
        "Argo CD reads repository credentials from Secrets in its own namespace, not from the Application: create each of these",
        '(`argocd repo add <url> --project <project> ...` does) before the tenant\'s repository can sync:',
        '',
        ...withCredentials.map((t) => `- Secret ${md.code(t.secretName!)} in ${md.code(this.namespace)}, for ${md.code(t.url)}, project ${md.code(`tenant-${t.tenant}`)}`),
      );
    }
    lines.push(...this.chartCredentialsReadme());
    return `${lines.join('\n')}\n`;
  }

  /**
   * Argo CD reads chart repository credentials (and CAs) from its own configuration, not from the
   * Application: the step for every chart location configured with a Secret.
   */
  private chartCredentialsReadme(): string[] {
    const locations = new Map<string, ChartSource>();
    for (const { source } of this.releases) if (source.secretRef || source.certSecretRef) locations.set(helmRepoURL(source.url), source);
    if (!locations.size) return [];
    return [
      '',
      'Argo CD reads chart repository credentials from repository Secrets in its own namespace (label',
      `\`argocd.argoproj.io/secret-type: repository\`), and CAs from \`argocd-tls-certs-cm\`, not from the Application. Before these`,
      'charts can sync, create (with `argocd repo add <url> --type helm --name <name> --username ... --password ...`, plus',
      '`--enable-oci` for an OCI registry, and `argocd cert add-tls <host> --from ca.crt` for a private CA):',
      '',
      ...[...locations].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(
        ([url, s]) =>
          `- for ${md.code(url)}${s.type === 'oci' ? ' (OCI registry)' : ''}: ${[
            s.secretRef && `repository Secret ${md.code(s.secretRef.name)} in ${md.code(this.namespace)}`,
            s.certSecretRef && `its CA (as in ${md.code(s.certSecretRef.name)}) in argocd-tls-certs-cm`,
          ]
            .filter(Boolean)
            .join(', ')} (${s.setting})`,
      ),
    ];
  }
}

/**
 * Argo CD names an OCI Helm repository without its scheme (`registry-1.docker.io/bitnamicharts`),
 * a classic one by its URL.
 */
export function helmRepoURL(url: string): string {
  return url.replace(/^oci:\/\//, '');
}

function ignoreDifference(field: ControllerOwnedField): ApplicationSpecIgnoreDifferences {
  return {
    group: field.group,
    kind: field.kind,
    name: field.name,
    jsonPointers: field.jsonPointers ? [...field.jsonPointers] : undefined,
    jqPathExpressions: field.jqPathExpressions ? [...field.jqPathExpressions] : undefined,
  };
}

function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '').replace(/^(\.\/)+/, '');
  return trimmed || '.';
}
