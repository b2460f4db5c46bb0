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
    ).toThrow(/Helm repository 'example' is used with two URLs/);
  });

  test('fails on a dependency that is not a release of the same cluster', () => {
    const { delivery, layer } = testCluster();
    const foreign = { chart, releaseName: 'elsewhere', namespace: 'n' };
    expect(() => delivery.addHelmRelease(new Construct(layer, 'a'), { chart, releaseName: 'a', namespace: 'n', values: {}, dependsOn: [foreign] })).toThrow(
      /dependency elsewhere is not a release of this cluster/,
    );
  });
});
