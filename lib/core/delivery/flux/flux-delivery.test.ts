import { Construct } from 'constructs';
import { findManifest, testCluster } from '../../testing';
import { Layer } from '../delivery';
import { FluxDelivery } from './flux-delivery';

const chart = { repositoryName: 'example', repositoryUrl: 'https://charts.example.com', chart: 'widget', version: '1.2.3' };

describe('FluxDelivery', () => {
  test('renders one Kustomization per layer, ordered with dependsOn and waiting for health', () => {
    const { app, delivery, layer } = testCluster();
    new Layer(app, 'tenants', { delivery, folder: 'test/tenants', dependsOn: [layer], serviceAccountName: 'tenant-applier' });
    const files = app.render();

    expect(files.find((f) => f.path === 'test/flux/layers.yaml')?.manifests.map((m) => m.metadata.name)).toEqual(['platform-infrastructure', 'platform-tenants']);
    const tenants = findManifest(files, 'Kustomization', 'platform-tenants');
    expect(tenants.metadata.namespace).toBe('flux-system');
    expect(tenants.spec).toMatchObject({
      path: './dist/test/tenants',
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      dependsOn: [{ name: 'platform-infrastructure' }],
      serviceAccountName: 'tenant-applier',
    });
    expect(findManifest(files, 'Kustomization', 'platform-infrastructure').spec.dependsOn).toBeUndefined();
  });

  test("waits for custom kinds by the layer's readiness checks (healthCheckExprs)", () => {
    const { app, delivery, layer } = testCluster();
    const ready = "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')";
    new Layer(app, 'policies', { delivery, folder: 'test/policies', dependsOn: [layer], readinessChecks: [{ apiVersion: 'example.com/v1', kind: 'Widget', ready }] });
    const files = app.render();
    expect(findManifest(files, 'Kustomization', 'platform-policies').spec).toMatchObject({
      wait: true,
      healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Widget', current: ready }],
    });
    expect(findManifest(files, 'Kustomization', 'platform-infrastructure').spec.healthCheckExprs).toBeUndefined();
  });

  test('takes the source, namespace and path prefix from its props', () => {
    const { app } = testCluster();
    const delivery = new FluxDelivery(app, 'other', { clusterFolder: 'prod', namespace: 'gitops', sourceName: 'fleet', sourceKind: 'OCIRepository', pathPrefix: 'clusters/', interval: '5m' });
    new Layer(app, 'apps', { delivery, folder: 'prod/apps' });
    const kustomization = findManifest(app.render(), 'Kustomization', 'platform-apps');
    expect(kustomization.metadata.namespace).toBe('gitops');
    expect(kustomization.spec).toMatchObject({ path: './clusters/prod/apps', interval: '5m', sourceRef: { kind: 'OCIRepository', name: 'fleet' } });
  });

  test('installs a chart as a HelmRelease with its exact version, release name and target namespace', () => {
    const { app, delivery, layer } = testCluster();
    const first = delivery.addHelmRelease(new Construct(layer, 'a'), { chart, releaseName: 'widget', namespace: 'widgets', values: { replicas: 2 } });
    delivery.addHelmRelease(new Construct(layer, 'b'), { chart, releaseName: 'widget-extra', namespace: 'widgets', values: {}, dependsOn: [first] });
    const files = app.render();

    const release = findManifest(files, 'HelmRelease', 'widget');
    expect(files.find((f) => f.path === 'test/infrastructure/widget.yaml')).toBeDefined();
    expect(release.metadata.namespace).toBe('flux-system');
    expect(release.spec).toMatchObject({
      releaseName: 'widget',
      targetNamespace: 'widgets',
      storageNamespace: 'widgets',
      chart: { spec: { chart: 'widget', version: '1.2.3', sourceRef: { kind: 'HelmRepository', name: 'example' } } },
      install: { crds: 'CreateReplace' },
      upgrade: { crds: 'CreateReplace' },
      values: { replicas: 2 },
    });
    expect(findManifest(files, 'HelmRelease', 'widget-extra').spec.dependsOn).toEqual([{ name: 'widget' }]);

    // One HelmRepository per repository, in the flux folder so it exists before any layer.
    const repositories = files.find((f) => f.path === 'test/flux/helm-repositories.yaml')!.manifests;
    expect(repositories).toHaveLength(1);
    expect(repositories[0]).toMatchObject({ kind: 'HelmRepository', metadata: { name: 'example', namespace: 'flux-system' }, spec: { url: 'https://charts.example.com' } });
  });

  test('fails when one repository name is used with two URLs', () => {
    const { delivery, layer } = testCluster();
    delivery.addHelmRelease(new Construct(layer, 'a'), { chart, releaseName: 'a', namespace: 'n', values: {} });
    expect(() =>
      delivery.addHelmRelease(new Construct(layer, 'b'), { chart: { ...chart, repositoryUrl: 'https://elsewhere' }, releaseName: 'b', namespace: 'n', values: {} }),
    ).toThrow("Helm repository 'example' would serve charts from two places: https://charts.example.com (lib/versions.ts) and https://elsewhere (lib/versions.ts)");
  });

  test('fails on a dependency that is not a release of the same cluster', () => {
    const { delivery, layer } = testCluster();
    const foreign = { chart, releaseName: 'elsewhere', namespace: 'n' };
    expect(() => delivery.addHelmRelease(new Construct(layer, 'a'), { chart, releaseName: 'a', namespace: 'n', values: {}, dependsOn: [foreign] })).toThrow(
      /dependency elsewhere is not a release of this cluster/,
    );
  });

  describe('chart sources', () => {
    const capsule = { ...chart, chart: 'capsule', version: '0.10.9', ociRepositoryUrl: 'oci://ghcr.io/projectcapsule/charts' };
    const layerOf = (chartSources: ConstructorParameters<typeof FluxDelivery>[2]['chartSources']) => {
      const { app } = testCluster();
      const delivery = new FluxDelivery(app, 'oci', { clusterFolder: 'prod', chartSources });
      return { app, delivery, layer: new Layer(app, 'infra', { delivery, folder: 'prod/infra' }) };
    };

    test('a chart from an OCI registry: an OCIRepository pinned to the chart version, named in the HelmRelease chartRef', () => {
      const { app, delivery, layer } = layerOf({ charts: { capsule: { source: 'oci' } } });
      const first = delivery.addHelmRelease(new Construct(layer, 'capsule'), { chart: capsule, releaseName: 'capsule', namespace: 'capsule-system', values: {} });
      delivery.addHelmRelease(new Construct(layer, 'widget'), { chart, releaseName: 'widget', namespace: 'widgets', values: {}, dependsOn: [first] });
      const files = app.render();

      const release = findManifest(files, 'HelmRelease', 'capsule');
      expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'capsule' });
      expect(release.spec.chart).toBeUndefined();
      // Readiness ordering is unchanged: dependents still name the release.
      expect(findManifest(files, 'HelmRelease', 'widget').spec).toMatchObject({ dependsOn: [{ name: 'capsule' }], chart: { spec: { sourceRef: { kind: 'HelmRepository', name: 'example' } } } });

      const sources = files.find((f) => f.path === 'prod/flux/helm-repositories.yaml')!.manifests;
      expect(sources.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['OCIRepository/capsule', 'HelmRepository/example']);
      expect(sources[0]).toEqual({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata: { name: 'capsule', namespace: 'flux-system' },
        spec: {
          interval: '1h',
          url: 'oci://ghcr.io/projectcapsule/charts/capsule',
          ref: { tag: '0.10.9' },
          layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        },
      });
      expect(files.find((f) => f.path === 'prod/flux/kustomization.yaml')!.content).toContain('  - helm-repositories.yaml');
    });

    test("a mirror serves every chart; a private one is reached with the Secrets it names (never rendered)", () => {
      const { app, delivery, layer } = layerOf({ mirror: { url: 'https://artifactory.example.com/helm', secretRef: { name: 'artifactory' }, certSecretRef: { name: 'corp-ca' } } });
      delivery.addHelmRelease(new Construct(layer, 'capsule'), { chart: capsule, releaseName: 'capsule', namespace: 'capsule-system', values: {} });
      delivery.addHelmRelease(new Construct(layer, 'widget'), { chart, releaseName: 'widget', namespace: 'widgets', values: {} });
      const files = app.render();
      const sources = files.find((f) => f.path === 'prod/flux/helm-repositories.yaml')!.manifests;
      expect(sources).toEqual([
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmRepository',
          metadata: { name: 'chart-mirror', namespace: 'flux-system' },
          spec: { interval: '1h', url: 'https://artifactory.example.com/helm', secretRef: { name: 'artifactory' }, certSecretRef: { name: 'corp-ca' } },
        },
      ]);
      expect(findManifest(files, 'HelmRelease', 'widget').spec.chart.spec).toEqual({ chart: 'widget', version: '1.2.3', sourceRef: { kind: 'HelmRepository', name: 'chart-mirror' } });
      expect(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Secret')).toEqual([]);
    });

    test('refuses charts of one Helm repository at two locations, naming the settings', () => {
      const { delivery, layer } = layerOf({ charts: { capsule: { source: 'https', secretRef: { name: 'a' } } } });
      delivery.addHelmRelease(new Construct(layer, 'capsule'), { chart: capsule, releaseName: 'capsule', namespace: 'capsule-system', values: {} });
      expect(() =>
        delivery.addHelmRelease(new Construct(layer, 'proxy'), { chart: { ...capsule, chart: 'capsule-proxy' }, releaseName: 'capsule-proxy', namespace: 'capsule-system', values: {} }),
      ).toThrow("Helm repository 'example' would serve charts from two places: https://charts.example.com, secretRef a (charts.capsule.source) and https://charts.example.com (lib/versions.ts)");
    });
  });
});
