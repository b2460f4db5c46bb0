import { findManifest, helmValues, testCluster } from '../core/testing';
import { Kyverno } from './kyverno';

describe('Kyverno', () => {
  test('installs chart kyverno 3.9.0 (Kyverno 1.19) as release kyverno into its own namespace', () => {
    const { app, layer } = testCluster();
    const kyverno = new Kyverno(layer, 'kyverno');
    const files = app.render();

    expect(kyverno.release).toMatchObject({ releaseName: 'kyverno', namespace: 'kyverno', chart: { chart: 'kyverno', version: '3.9.0', repositoryUrl: 'https://kyverno.github.io/kyverno/' } });
    expect(findManifest(files, 'HelmRelease', 'kyverno').spec).toMatchObject({ targetNamespace: 'kyverno', install: { crds: 'CreateReplace' } });
    expect(findManifest(files, 'Namespace', 'kyverno').metadata).toEqual({ name: 'kyverno' });
    expect(files.find((f) => f.path === 'test/infrastructure/namespaces.yaml')?.manifests.map((m) => m.metadata.name)).toEqual(['kyverno']);
    expect(findManifest(files, 'HelmRepository', 'kyverno').spec).toMatchObject({ url: 'https://kyverno.github.io/kyverno/' });
  });

  test('pins the default registry that restrict-image-registries relies on', () => {
    const { app, layer } = testCluster();
    new Kyverno(layer, 'kyverno');
    expect(helmValues(app.render(), 'kyverno')).toEqual({ config: { defaultRegistry: 'docker.io', enableDefaultRegistryMutation: true } });
  });

  test('merges extra values but refuses to override the ones it owns', () => {
    const { app, layer } = testCluster();
    new Kyverno(layer, 'kyverno', { namespace: 'policy-engine', values: { admissionController: { replicas: 3 }, config: { excludeGroups: [] } } });
    expect(helmValues(app.render(), 'kyverno')).toEqual({
      admissionController: { replicas: 3 },
      config: { defaultRegistry: 'docker.io', enableDefaultRegistryMutation: true, excludeGroups: [] },
    });

    const other = testCluster();
    expect(() => new Kyverno(other.layer, 'a', { values: { config: { enableDefaultRegistryMutation: false } } })).toThrow(/counts images without a registry as docker.io/);
    expect(() => new Kyverno(other.layer, 'b', { values: { namespaceOverride: 'x' } })).toThrow(/namespace is created by the platform/);
  });
});
