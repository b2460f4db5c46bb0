import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ArgoCdDelivery, SYNC_WAVE_ANNOTATION } from '../lib/core/delivery/argocd/argocd-delivery';
import { Layer } from '../lib/core/delivery/delivery';
import { FluxDelivery } from '../lib/core/delivery/flux/flux-delivery';
import { Manifest } from '../lib/core/output/manifest-file';
import { RenderedFile } from '../lib/core/output/platform-app';
import { ClusterPlatform } from '../lib/platform/cluster-platform';
import { loadPlatform } from '../lib/platform/config/load';
import { buildPlatform } from '../lib/platform/synth';
import { configWith, FIXTURE_CONFIG, ROOT, tempDir } from './helpers';

const EXAMPLES = path.join(ROOT, 'examples', 'platform');
const ARGOCD = { repoURL: 'https://git.example.com/platform/gitops.git', targetRevision: 'main', path: './dist' };

/** A copy of the configuration `dir` delivered by Argo CD instead of Flux (comments kept). */
function withArgoCd(dir: string): string {
  const copy = path.join(tempDir('config-argocd-'), 'config');
  fs.cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, 'platform.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  doc.set('delivery', doc.createNode({ argocd: ARGOCD }));
  fs.writeFileSync(file, doc.toString());
  return copy;
}

interface Rendered {
  readonly files: RenderedFile[];
  readonly clusters: ClusterPlatform[];
}

function render(dir: string): Rendered {
  const app = buildPlatform(loadPlatform(dir));
  const files = app.render();
  const clusters = app.node.children.filter((c): c is ClusterPlatform => c instanceof ClusterPlatform);
  return { files, clusters };
}

const layersOf = (cluster: ClusterPlatform) => cluster.node.findAll().filter((c): c is Layer => c instanceof Layer);
const manifests = (files: readonly RenderedFile[]) => files.flatMap((f) => f.manifests);
const find = (files: readonly RenderedFile[], kind: string, name: string) => {
  const found = manifests(files).filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as Manifest & Record<string, any>;
};
/** The namespace applier's ServiceAccount lives in the delivery tool's namespace: an expected difference. */
const normalize = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value)
      .replace(/(?<=[":])flux-system(?=[":])/g, 'argocd')
      // and each tool's own way of keeping an object when it is removed from Git
      .replaceAll('"kustomize.toolkit.fluxcd.io/prune":"disabled"', '"argocd.argoproj.io/sync-options":"Prune=false"'),
  );
const wave = (m: Manifest) => Number((m.metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION]);

describe.each([
  ['the default configuration (test/fixtures/platform)', FIXTURE_CONFIG],
  ['examples/platform', EXAMPLES],
])('%s delivered by Argo CD', (_name, dir) => {
  const flux = render(dir);
  const argo = render(withArgoCd(dir));
  const isDelivery = (file: RenderedFile) => /^[^/]+\/(flux|argocd)\//.test(file.path);

  test('renders no Flux object, and Argo CD objects in every cluster', () => {
    expect(manifests(argo.files).filter((m) => m.apiVersion.includes('fluxcd.io'))).toEqual([]);
    for (const cluster of argo.clusters) {
      expect(cluster.delivery).toBeInstanceOf(ArgoCdDelivery);
      expect(argo.files.map((f) => f.path)).toEqual(expect.arrayContaining([`${cluster.name}/argocd/root.yaml`, `${cluster.name}/argocd/apps/layers.yaml`]));
    }
  });

  test('renders the same layers and the same objects as Flux, except the delivery objects', () => {
    const platformObjects = (files: readonly RenderedFile[], deliveryKinds: string[]) =>
      files
        .filter((f) => !isDelivery(f) && f.path.endsWith('.yaml'))
        .map((f) => ({ path: f.path, manifests: f.manifests.filter((m) => !deliveryKinds.includes(m.kind)).map(normalize) }));
    expect(platformObjects(argo.files, ['Application', 'AppProject'])).toEqual(platformObjects(flux.files, ['HelmRelease', 'GitRepository', 'Kustomization']));
    for (const [fluxCluster, argoCluster] of flux.clusters.map((c, i) => [c, argo.clusters[i]])) {
      expect(layersOf(argoCluster).map((l) => [l.name, l.folder])).toEqual(layersOf(fluxCluster).map((l) => [l.name, l.folder]));
    }
  });

  test.each(clusterNames(dir))('cluster %s installs every chart as an Application with a Helm source carrying exactly the HelmRelease values', (cluster) => {
    const fluxFiles = inCluster(flux.files, cluster);
    const argoFiles = inCluster(argo.files, cluster);
    const releases = manifests(fluxFiles).filter((m) => m.kind === 'HelmRelease') as (Manifest & Record<string, any>)[];
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) {
      const application = find(argoFiles, 'Application', release.metadata.name);
      const repository = find(fluxFiles, 'HelmRepository', release.spec.chart.spec.sourceRef.name);
      expect(application.spec.source).toEqual({
        repoURL: repository.spec.url,
        chart: release.spec.chart.spec.chart,
        targetRevision: release.spec.chart.spec.version,
        helm: { releaseName: release.spec.releaseName, valuesObject: normalize(release.spec.values) },
      });
      expect(application.spec.destination.namespace).toBe(release.spec.targetNamespace);
      // Same file as the HelmRelease, in the layer's folder.
      const fileOf = (files: readonly RenderedFile[], m: Manifest) => files.find((f) => f.manifests.includes(m))!.path;
      expect(fileOf(argoFiles, application)).toBe(fileOf(fluxFiles, release));
    }
  });

  test("orders the layers by sync waves that follow the layer graph (Flux's dependsOn)", () => {
    for (const cluster of argo.clusters) {
      const delivery = cluster.delivery as ArgoCdDelivery;
      const layers = layersOf(cluster);
      const layerApps = manifests(argo.files.filter((f) => f.path === `${cluster.name}/argocd/apps/layers.yaml`));
      expect(layerApps.map((m) => m.metadata.name).sort()).toEqual(layers.map((l) => delivery.applicationName(l)).sort());
      const files = inCluster(argo.files, cluster.name);
      let edges = 0;
      for (const layer of layers) {
        const app = find(files, 'Application', delivery.applicationName(layer));
        expect(app.spec.source.path).toBe(`dist/${layer.folder}`);
        for (const dependency of layer.dependsOn) {
          expect(wave(app)).toBeGreaterThan(wave(find(files, 'Application', delivery.applicationName(dependency))));
          edges++;
        }
      }
      expect(edges).toBeGreaterThan(0);
    }
  });

  test.each(clusterNames(dir))('cluster %s orders the releases of a layer by sync waves that follow the HelmReleases dependsOn', (cluster) => {
    const fluxFiles = inCluster(flux.files, cluster);
    const argoFiles = inCluster(argo.files, cluster);
    const releases = manifests(fluxFiles).filter((m) => m.kind === 'HelmRelease') as (Manifest & Record<string, any>)[];
    const fileOf = (m: Manifest) => fluxFiles.find((f) => f.manifests.includes(m))!.path;
    let checked = 0;
    for (const release of releases) {
      for (const { name } of release.spec.dependsOn ?? []) {
        const dependency = releases.find((r) => r.metadata.name === name)!;
        // Across layers the layer waves order them; within a layer the release waves do.
        if (path.dirname(fileOf(dependency)) !== path.dirname(fileOf(release))) continue;
        expect(wave(find(argoFiles, 'Application', release.metadata.name))).toBeGreaterThan(wave(find(argoFiles, 'Application', name)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('applies Kyverno and cert-manager server-side, ignores the fields controllers own, and creates no namespace the output renders', () => {
    const applications = manifests(argo.files).filter((m) => m.kind === 'Application') as (Manifest & Record<string, any>)[];
    const namespaces = new Set(manifests(argo.files).filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
    for (const app of applications.filter((a) => a.spec.source.chart)) {
      expect((app.spec.syncPolicy.syncOptions ?? []).includes('CreateNamespace=true')).toBe(!namespaces.has(app.spec.destination.namespace));
    }
    // Their CRDs are too large for client-side apply (Kyverno's ~1.4 MB, cert-manager's ClusterIssuer ~330 KB).
    const serverSide = applications.filter((a) => a.spec.source.chart === 'kyverno' || a.spec.source.chart === 'cert-manager');
    for (const app of serverSide) expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    for (const app of applications.filter((a) => a.spec.source.chart && !serverSide.includes(a))) {
      expect(app.spec.syncPolicy.syncOptions ?? []).not.toContain('ServerSideApply=true');
    }
    // cert-manager's cainjector writes the webhooks' caBundle: of cert-manager's own, and of trust-manager's.
    for (const app of applications.filter((a) => a.spec.source.chart === 'cert-manager')) {
      expect(app.spec.ignoreDifferences.map((d: any) => d.kind)).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    }
    for (const app of applications.filter((a) => a.spec.source.chart === 'trust-manager')) {
      expect(app.spec.ignoreDifferences).toEqual([
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: 'trust-manager', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      ]);
    }
    for (const app of applications.filter((a) => a.spec.source.chart === 'capsule')) {
      expect(app.spec.ignoreDifferences.map((d: any) => [d.kind, d.jqPathExpressions])).toEqual([
        ['MutatingWebhookConfiguration', ['.webhooks[]?.clientConfig.caBundle']],
        ['ValidatingWebhookConfiguration', ['.webhooks[]?.clientConfig.caBundle']],
      ]);
    }
  });

  test.each(withArgoCdFiles(dir))('%s matches its snapshot', (_path, content) => {
    expect(content).toMatchSnapshot();
  });
});

function inCluster(files: readonly RenderedFile[], cluster: string): RenderedFile[] {
  return files.filter((f) => f.path.startsWith(`${cluster}/`));
}

function clusterNames(dir: string): string[] {
  return loadPlatform(dir).settings.clusters.map((c) => c.name);
}

function withArgoCdFiles(dir: string): [string, string][] {
  return render(withArgoCd(dir)).files.map((f) => [f.path, f.content]);
}

describe('tenant namespaces from Git, delivered by Argo CD (examples/platform)', () => {
  const { files, clusters } = render(withArgoCd(EXAMPLES));
  const withNamespaces = clusters.filter((c) => c.tenantNamespacesLayer);

  test('are synced as the namespace applier, by impersonation, keeping what Capsule writes on them', () => {
    expect(withNamespaces.length).toBeGreaterThan(0);
    for (const cluster of withNamespaces) {
      const applier = cluster.namespaceApplier!;
      expect(applier.namespace).toBe('argocd');
      const app = find(inCluster(files, cluster.name), 'Application', 'platform-tenant-namespaces');
      const project = find(inCluster(files, cluster.name), 'AppProject', app.spec.project);
      expect(project.spec.destinationServiceAccounts).toEqual([{ server: 'https://kubernetes.default.svc', namespace: '*', defaultServiceAccount: `argocd:${applier.serviceAccountName}` }]);
      expect(app.spec.ignoreDifferences).toEqual([{ group: '', kind: 'Namespace', jsonPointers: ['/metadata/ownerReferences', '/metadata/labels/capsule.clastix.io~1tenant'] }]);
      expect(app.spec.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true']);
      // Capsule knows the applier by the username Kubernetes gives its ServiceAccount.
      // (userNames under Capsule 0.10, users under 0.14: version profiles)
      const capsule = find(inCluster(files, cluster.name), 'Application', 'capsule');
      expect(JSON.stringify(capsule.spec.source.helm.valuesObject.manager.options)).toContain('system:serviceaccount:argocd:capsule-namespace-applier');
      const patch = YAML.parse(files.find((f) => f.path === `${cluster.name}/argocd/argocd-cm.patch.yaml`)!.content);
      expect(patch.data['application.sync.impersonation.enabled']).toBe('true');
    }
  });

  test('no other cluster switches impersonation on', () => {
    for (const cluster of clusters.filter((c) => !c.tenantNamespacesLayer)) {
      const patch = YAML.parse(files.find((f) => f.path === `${cluster.name}/argocd/argocd-cm.patch.yaml`)!.content);
      expect(patch.data['application.sync.impersonation.enabled']).toBeUndefined();
    }
  });
});

describe('Flux delivery order', () => {
  test.each([FIXTURE_CONFIG, EXAMPLES])("%s: each layer's Kustomization depends on exactly the Kustomizations of the layers it depends on", (dir) => {
    const { files, clusters } = render(dir);
    for (const cluster of clusters) {
      const delivery = cluster.delivery as FluxDelivery;
      const layers = layersOf(cluster);
      const kustomizations = manifests(files.filter((f) => f.path === `${cluster.name}/flux/layers.yaml`));
      expect(kustomizations.map((m) => m.metadata.name).sort()).toEqual(layers.map((l) => delivery.kustomizationName(l)).sort());
      for (const layer of layers) {
        const kustomization = find(inCluster(files, cluster.name), 'Kustomization', delivery.kustomizationName(layer));
        expect((kustomization.spec.dependsOn ?? []).map((d: { name: string }) => d.name)).toEqual(layer.dependsOn.map((d) => delivery.kustomizationName(d)));
      }
    }
  });
});

describe('tenant self-service GitOps (platform.gitops)', () => {
  const oilGitOps = (old: string) =>
    old.replace('platform:\n', 'platform:\n  namespaces: [oil-dev, oil-prod]\n  gitops:\n    url: https://git.example.com/oil/apps.git\n    branch: release\n    path: ./deploy\n    secretRef:\n      name: oil-git\n');
  const fluxDir = configWith({ 'tenants/oil.yaml': oilGitOps });
  const flux = render(fluxDir);
  const argo = render(withArgoCd(fluxDir));
  const tenant = find(flux.files, 'Tenant', 'oil');

  test('makes a ServiceAccount in the first namespace an owner of the tenant (and a Capsule user)', () => {
    for (const { files } of [flux, argo]) {
      expect(find(files, 'ServiceAccount', 'gitops').metadata.namespace).toBe('oil-dev');
      expect(find(files, 'Tenant', 'oil').spec.owners).toContainEqual({ kind: 'ServiceAccount', name: 'system:serviceaccount:oil-dev:gitops' });
    }
    expect(find(flux.files, 'HelmRelease', 'capsule').spec.values.manager.options.userNames).toContain('system:serviceaccount:oil-dev:gitops');
    expect(tenant.spec.owners.map((o: { name: string }) => o.name)).toContain('system:serviceaccount:oil-dev:gitops');
  });

  test('Flux: a GitRepository and a Kustomization in the first namespace, impersonating that ServiceAccount, in a layer after the namespaces', () => {
    const files = flux.files.filter((f) => f.path === 'demo/tenant-gitops/oil.yaml');
    expect(files).toHaveLength(1);
    const repository = find(files, 'GitRepository', 'gitops');
    expect(repository.metadata.namespace).toBe('oil-dev');
    expect(repository.spec).toMatchObject({ url: 'https://git.example.com/oil/apps.git', ref: { branch: 'release' }, secretRef: { name: 'oil-git' } });
    const kustomization = find(files, 'Kustomization', 'gitops');
    expect(kustomization.spec).toMatchObject({ sourceRef: { kind: 'GitRepository', name: 'gitops' }, path: './deploy', serviceAccountName: 'gitops', targetNamespace: 'oil-dev', prune: true });
    expect(find(flux.files, 'Kustomization', 'platform-tenant-gitops').spec.dependsOn).toEqual([{ name: 'platform-tenant-namespaces' }]);
  });

  test('Flux: enables the flux-defaults (with the tenant ServiceAccount) and tenant-compare policies', () => {
    const fluxDefaults = find(flux.files, 'ClusterPolicy', 'flux-defaults');
    expect(JSON.stringify(fluxDefaults.spec.rules)).toContain('"+(serviceAccountName)":"gitops"');
    expect(find(flux.files, 'ClusterPolicy', 'tenant-compare').spec.rules[0].name).toBe('validate-target-namespace');
    // Not under Argo CD: the tenant's sync objects there are no Flux objects.
    expect(manifests(argo.files).filter((m) => m.kind === 'ClusterPolicy' && ['flux-defaults', 'tenant-compare'].includes(m.metadata.name))).toEqual([]);
  });

  test("Argo CD: an AppProject limited to the tenant's namespaces and its repository, without cluster-scoped kinds, and an Application in it", () => {
    const files = argo.files.filter((f) => f.path === 'demo/tenant-gitops/oil.yaml');
    const project = find(files, 'AppProject', 'tenant-oil');
    expect(project.metadata.namespace).toBe('argocd');
    // The demo forces the tenant prefix: namespaces the tenant creates later are oil-*.
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['oil-dev', 'oil-prod', 'oil-*']);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.sourceRepos).toEqual(['https://git.example.com/oil/apps.git']);
    expect(project.spec.destinationServiceAccounts).toEqual([{ server: 'https://kubernetes.default.svc', namespace: '*', defaultServiceAccount: 'oil-dev:gitops' }]);
    const app = find(files, 'Application', 'tenant-oil');
    expect(app.spec).toMatchObject({
      project: 'tenant-oil',
      source: { repoURL: 'https://git.example.com/oil/apps.git', targetRevision: 'release', path: './deploy' },
      destination: { namespace: 'oil-dev' },
    });
    const readme = argo.files.find((f) => f.path === 'demo/argocd/README.md')!.content;
    expect(readme).toContain('Secret `oil-git` in `argocd`');
    expect(YAML.parse(argo.files.find((f) => f.path === 'demo/argocd/argocd-cm.patch.yaml')!.content).data['application.sync.impersonation.enabled']).toBe('true');
  });

  test('is rejected without a namespace to sync into', () => {
    const dir = configWith({ 'tenants/oil.yaml': (old) => old.replace('platform:\n', 'platform:\n  gitops:\n    url: https://git.example.com/oil/apps.git\n') });
    expect(() => loadPlatform(dir)).toThrow(/platform\.gitops: needs a namespace to sync into/);
  });
});
