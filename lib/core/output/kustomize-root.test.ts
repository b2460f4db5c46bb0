import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as YAML from 'yaml';
import { testCluster, testFile } from '../testing';
import { renderKustomization } from './kustomize-root';

describe('layer folders are kustomize roots', () => {
  test("list the layer's files with objects, sorted by path relative to the folder, subfolders included", () => {
    const { app, layer } = testCluster();
    new k8s.KubeNamespace(testFile(layer, 'zeta'), 'ns', { metadata: { name: 'zeta' } });
    new k8s.KubeNamespace(testFile(layer, 'roles/b'), 'ns', { metadata: { name: 'b' } });
    new k8s.KubeNamespace(testFile(layer, 'alpha'), 'ns', { metadata: { name: 'alpha' } });
    testFile(layer, 'empty'); // no objects: kustomize refuses an empty resource file
    const files = app.render();
    const root = files.find((f) => f.path === 'test/infrastructure/kustomization.yaml')!;
    expect(YAML.parse(root.content)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['alpha.yaml', 'roles/b.yaml', 'zeta.yaml'],
    });
    // Not a Kubernetes object: nothing to validate or apply.
    expect(root.manifests).toEqual([]);
  });

  test("the delivery's own folder is a kustomize root too", () => {
    const { app } = testCluster();
    const root = app.render().find((f) => f.path === 'test/flux/kustomization.yaml')!;
    // No chart installed, so helm-repositories.yaml has no objects and is left out.
    expect(YAML.parse(root.content).resources).toEqual(['layers.yaml']);
  });

  test('quotes a path only when YAML would read it as something else', () => {
    const text = renderKustomization(['a.yaml', 'roles/x:y.yaml', 'true']);
    expect(text).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - a.yaml\n  - "roles/x:y.yaml"\n  - "true"\n');
    expect(YAML.parse(renderKustomization(['true', 'null', '1.0'])).resources).toEqual(['true', 'null', '1.0']);
    expect(YAML.parse(renderKustomization([])).resources).toEqual([]);
  });
});
