import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlatformApp, RenderedFile } from '../../output/platform-app';
import { findManifest } from '../../testing';
import { IDelivery, Layer } from '../delivery';
import { FluxDelivery } from '../flux/flux-delivery';
import { ArgoCdDelivery, helmRepoURL, SYNC_WAVE_ANNOTATION } from './argocd-delivery';
import { ARGOCD_HEALTH_CHECKS, healthCheckKey, IMPERSONATION_KEY } from './health-checks';
import { syncWaves } from './sync-waves';

const chart = { repositoryName: 'example', repositoryUrl: 'https://charts.example.com', chart: 'widget', version: '1.2.3' };
const repoURL = 'https://git.example.com/gitops.git';

function argoCluster(props: { path?: string; namespace?: string } = {}): { app: PlatformApp; delivery: ArgoCdDelivery; layer: Layer } {
  const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
  const delivery = new ArgoCdDelivery(app, 'delivery', { clusterFolder: 'test', repoURL, targetRevision: 'main', ...props });
  const layer = new Layer(app, 'infrastructure', { delivery, folder: 'test/infrastructure' });
  return { app, delivery, layer };
}

const wave = (files: RenderedFile[], name: string) => (findManifest(files, 'Application', name).metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION];

describe('ArgoCdDelivery', () => {
  test('renders a root Application for the cluster and one Application per layer, synced automatically from the repository', () => {
    const { app, delivery, layer } = argoCluster({ path: './platform/' });
    new Layer(app, 'tenants', { delivery, folder: 'test/tenants', dependsOn: [layer] });
    const files = app.render();

    expect(files.find((f) => f.path === 'test/argocd/apps/layers.yaml')?.manifests.map((m) => m.metadata.name)).toEqual(['platform-infrastructure', 'platform-tenants']);
    const root = findManifest(files, 'Application', 'platform');
    expect(files.find((f) => f.manifests.includes(root))?.path).toBe('test/argocd/root.yaml');
    expect(root.spec.source).toEqual({ repoURL, targetRevision: 'main', path: 'platform/test/argocd/apps' });
    const tenants = findManifest(files, 'Application', 'platform-tenants');
    expect(tenants.metadata.namespace).toBe('argocd');
    expect(tenants.spec).toMatchObject({
      project: 'platform',
      source: { repoURL, targetRevision: 'main', path: 'platform/test/tenants' },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 10 } },
    });
    expect(tenants.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  test('a Helm release becomes an Application with a Helm source, in the layer folder, with the release values as valuesObject', () => {
    const { app, delivery, layer } = argoCluster();
    const values = { replicas: 2, nested: { list: ['a'] } };
    const release = delivery.addHelmRelease(new Construct(layer, 'widget'), { chart, releaseName: 'widget', namespace: 'widgets', values });
    delivery.addHelmRelease(new Construct(layer, 'gadget'), { chart: { ...chart, chart: 'gadget' }, releaseName: 'gadget', namespace: 'widgets', values: {}, dependsOn: [release] });
    const files = app.render();

    const widget = findManifest(files, 'Application', 'widget');
    expect(files.find((f) => f.manifests.includes(widget))?.path).toBe('test/infrastructure/widget.yaml');
    expect(widget.spec.source).toEqual({ repoURL: 'https://charts.example.com', chart: 'widget', targetRevision: '1.2.3', helm: { releaseName: 'widget', valuesObject: values } });
    expect(widget.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'widgets' });
    // Within the layer's Application, a release waits for the releases it depends on.
    expect([wave(files, 'widget'), wave(files, 'gadget')]).toEqual(['0', '1']);
    // The chart's repository is allowed in the platform project.
    expect(findManifest(files, 'AppProject', 'platform').spec.sourceRepos).toEqual(['https://charts.example.com', repoURL]);
  });

  test('a chart from an OCI registry: repoURL without the oci:// scheme (Argo CD takes that for OCI); credentials are a documented step, not a Secret', () => {
    const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
    const delivery = new ArgoCdDelivery(app, 'delivery', {
      clusterFolder: 'test',
      repoURL,
      chartSources: { mirror: { url: 'oci://harbor.example.com/platform', secretRef: { name: 'harbor' } }, charts: { gadget: { url: 'https://charts.example.com' } } },
    });
    const layer = new Layer(app, 'infrastructure', { delivery, folder: 'test/infrastructure' });
    delivery.addHelmRelease(new Construct(layer, 'widget'), { chart, releaseName: 'widget', namespace: 'widgets', values: {} });
    delivery.addHelmRelease(new Construct(layer, 'gadget'), { chart: { ...chart, chart: 'gadget' }, releaseName: 'gadget', namespace: 'widgets', values: {} });
    const files = app.render();

    expect(findManifest(files, 'Application', 'widget').spec.source).toMatchObject({ repoURL: 'harbor.example.com/platform', chart: 'widget', targetRevision: '1.2.3' });
    expect(findManifest(files, 'Application', 'gadget').spec.source).toMatchObject({ repoURL: 'https://charts.example.com', chart: 'gadget' });
    expect(findManifest(files, 'AppProject', 'platform').spec.sourceRepos).toEqual(['harbor.example.com/platform', 'https://charts.example.com', repoURL]);
    expect(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Secret')).toEqual([]);
    const readme = files.find((f) => f.path === 'test/argocd/README.md')!.content;
    expect(readme).toContain('--enable-oci');
    expect(readme).toContain('- for `harbor.example.com/platform` (OCI registry): repository Secret `harbor` in `argocd` (charts.mirror)');
    expect(readme).not.toContain('charts.example.com` (');
  });

  test('carries exactly the values the Flux HelmRelease carries, from the same construct props', () => {
    const values = { a: { b: [1, 2] }, c: 'd' };
    const render = (make: (app: PlatformApp) => IDelivery, kind: string) => {
      const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
      const delivery = make(app);
      const layer = new Layer(app, 'infrastructure', { delivery, folder: 'test/infrastructure' });
      delivery.addHelmRelease(layer, { chart, releaseName: 'widget', namespace: 'widgets', values });
      const release = findManifest(app.render(), kind, 'widget');
      return kind === 'HelmRelease' ? release.spec.values : release.spec.source.helm.valuesObject;
    };
    expect(render((app) => new ArgoCdDelivery(app, 'delivery', { clusterFolder: 'test', repoURL }), 'Application')).toEqual(
      render((app) => new FluxDelivery(app, 'delivery', { clusterFolder: 'test' }), 'HelmRelease'),
    );
  });

  test('lets Argo CD create a release namespace only when the output does not render it', () => {
    const { app, delivery, layer } = argoCluster();
    new k8s.KubeNamespace(layer.sharedFile('namespaces'), 'ns', { metadata: { name: 'rendered' } });
    delivery.addHelmRelease(new Construct(layer, 'a'), { chart, releaseName: 'in-rendered', namespace: 'rendered', values: {} });
    delivery.addHelmRelease(new Construct(layer, 'b'), { chart, releaseName: 'in-other', namespace: 'other', values: {}, serverSideApply: true });
    const files = app.render();
    expect(findManifest(files, 'Application', 'in-rendered').spec.syncPolicy.syncOptions).toBeUndefined();
    expect(findManifest(files, 'Application', 'in-other').spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
  });

  test('turns controller-owned fields into ignoreDifferences that syncs respect', () => {
    const { app, delivery, layer } = argoCluster();
    const owned = { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] };
    delivery.addHelmRelease(layer, { chart, releaseName: 'widget', namespace: 'widgets', values: {}, controllerOwnedFields: [owned] });
    new Layer(app, 'namespaces', { delivery, folder: 'test/namespaces', controllerOwnedFields: [{ group: '', kind: 'Namespace', jsonPointers: ['/metadata/ownerReferences'] }] });
    const files = app.render();
    const widget = findManifest(files, 'Application', 'widget').spec;
    expect(widget.ignoreDifferences).toEqual([owned]);
    expect(widget.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    const namespaces = findManifest(files, 'Application', 'platform-namespaces').spec;
    expect(namespaces.ignoreDifferences).toEqual([{ group: '', kind: 'Namespace', jsonPointers: ['/metadata/ownerReferences'] }]);
    expect(namespaces.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true']);
    expect(findManifest(files, 'Application', 'platform-infrastructure').spec.ignoreDifferences).toBeUndefined();
  });

  test('syncs a layer with a ServiceAccount as that ServiceAccount: its own AppProject, and impersonation switched on in the argocd-cm patch', () => {
    const { app, delivery, layer } = argoCluster({ namespace: 'gitops' });
    new Layer(app, 'tenant-namespaces', { delivery, folder: 'test/tenant-namespaces', dependsOn: [layer], serviceAccountName: 'applier' });
    const files = app.render();
    expect(findManifest(files, 'Application', 'platform-tenant-namespaces').spec.project).toBe('platform-tenant-namespaces');
    expect(findManifest(files, 'AppProject', 'platform-tenant-namespaces').spec.destinationServiceAccounts).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: '*', defaultServiceAccount: 'gitops:applier' },
    ]);
    // Impersonation is global to an Argo CD: the platform project names the controller itself.
    expect(findManifest(files, 'AppProject', 'platform').spec.destinationServiceAccounts).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: '*', defaultServiceAccount: 'gitops:argocd-application-controller' },
    ]);
    const patch = YAML.parse(files.find((f) => f.path === 'test/argocd/argocd-cm.patch.yaml')!.content);
    expect(patch.data[IMPERSONATION_KEY]).toBe('true');
  });

  test('renders the health checks as an argocd-cm patch, and leaves impersonation alone when no layer needs it', () => {
    const { app } = argoCluster();
    const files = app.render();
    const patch = YAML.parse(files.find((f) => f.path === 'test/argocd/argocd-cm.patch.yaml')!.content);
    expect(Object.keys(patch)).toEqual(['data']);
    expect(Object.keys(patch.data)).toEqual(ARGOCD_HEALTH_CHECKS.map(healthCheckKey));
    expect(Object.keys(patch.data)).toEqual(
      expect.arrayContaining([
        'resource.customizations.health.argoproj.io_Application',
        'resource.customizations.health.capsule.clastix.io_Tenant',
        'resource.customizations.health.kyverno.io_ClusterPolicy',
        'resource.customizations.health.policies.kyverno.io_ValidatingPolicy',
        'resource.customizations.health.resources.teleport.dev_TeleportRoleV8',
      ]),
    );
    for (const check of ARGOCD_HEALTH_CHECKS) expect(patch.data[healthCheckKey(check)]).toBe(`${check.lua}\n`);
    // The patch and the root are applied by hand: the root Application must not sync them.
    expect(findManifest(files, 'Application', 'platform').spec.source.path).toBe('dist/test/argocd/apps');
  });

  test('names OCI Helm repositories the way Argo CD does, without the scheme', () => {
    expect(helmRepoURL('oci://ghcr.io/example/charts')).toBe('ghcr.io/example/charts');
    expect(helmRepoURL('https://charts.example.com')).toBe('https://charts.example.com');
  });
});

describe('syncWaves', () => {
  interface Node {
    readonly name: string;
    readonly dependsOn: Node[];
  }
  const node = (name: string, ...dependsOn: Node[]): Node => ({ name, dependsOn });

  test('orders every node after its dependencies; late placement ends side chains with the main chain', () => {
    const a = node('a');
    const b = node('b', a);
    const c = node('c', a, b);
    const d = node('d', c);
    const side = node('side');
    const sideChild = node('side-child', side);
    const nodes = [a, b, c, d, side, sideChild];
    const late = syncWaves(nodes, (n) => n.name);
    const early = syncWaves(nodes, (n) => n.name, 'early');
    for (const waves of [late, early]) {
      for (const n of nodes) for (const dep of n.dependsOn) expect(waves.get(n)!).toBeGreaterThan(waves.get(dep)!);
    }
    expect(nodes.map((n) => late.get(n))).toEqual([0, 1, 2, 3, 2, 3]);
    expect(nodes.map((n) => early.get(n))).toEqual([0, 1, 2, 3, 0, 1]);
  });

  test('rejects a dependency that is not delivered with the others', () => {
    const outside = node('outside');
    expect(() => syncWaves([node('a', outside)], (n) => n.name)).toThrow('a depends on outside, which is not delivered with it');
  });
});
