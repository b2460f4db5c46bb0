import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PlatformError } from '../errors';
import { PlatformApp } from './platform-app';
import { ManifestFile, TextFile } from './manifest-file';

function app() {
  return new PlatformApp({ outdir: '/nonexistent' });
}

describe('PlatformApp.render', () => {
  test('renders each ManifestFile and TextFile to its own path, sorted', () => {
    const a = app();
    new k8s.KubeNamespace(new ManifestFile(a, 'z', { path: 'c1/z.yaml' }), 'ns', { metadata: { name: 'team-z' } });
    new TextFile(a, 'readme', { path: 'c1/README.md', content: () => '# hello\n' });
    const files = a.render();
    expect(files.map((f) => f.path)).toEqual(['c1/README.md', 'c1/z.yaml']);
    expect(files[1].content).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-z\n');
  });

  test('fails when an object has no explicit name', () => {
    const a = app();
    const file = new ManifestFile(a, 'f', { path: 'c1/f.yaml' });
    expect(() => new ApiObject(file, 'unnamed', { apiVersion: 'v1', kind: 'ConfigMap' })).toThrow(/has no metadata.name/);
  });

  test('validates every object and reports all problems at once', () => {
    const a = app();
    const file = new ManifestFile(a, 'f', { path: 'c1/f.yaml' });
    new ApiObject(file, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'x' } });
    new ApiObject(file, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } });
    new ApiObject(file, 'tenant', { apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', metadata: { name: 'oil', namespace: 'oops' }, spec: { owners: [] } });
    new ApiObject(file, 'unknown', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    let error: PlatformError | undefined;
    try {
      a.render();
    } catch (e) {
      error = e as PlatformError;
    }
    expect(error?.problems.map((p) => `${p.file} ${p.field ?? ''} ${p.message}`)).toEqual([
      'c1/f.yaml (Secret x/token)  Secrets are never rendered: reference an existing Secret instead',
      'c1/f.yaml (ServiceAccount sa) metadata.namespace ServiceAccount is namespaced; set a namespace',
      'c1/f.yaml (Tenant oops/oil) metadata.namespace unknown field; allowed fields here: name, labels, annotations, finalizers',
      'c1/f.yaml (Widget w)  no schema for example.com/v1/Widget: import its CRD in cdk8s.yaml (npm run import) before rendering it',
    ]);
  });

  test('fails on two objects with the same kind, namespace and name in one cluster, but not across clusters', () => {
    const a = app();
    new k8s.KubeNamespace(new ManifestFile(a, 'one', { path: 'c1/one.yaml' }), 'ns', { metadata: { name: 'same' } });
    new k8s.KubeNamespace(new ManifestFile(a, 'other', { path: 'c2/one.yaml' }), 'ns', { metadata: { name: 'same' } });
    expect(() => a.render()).not.toThrow();
    new k8s.KubeNamespace(new ManifestFile(a, 'two', { path: 'c1/two.yaml' }), 'ns', { metadata: { name: 'same' } });
    expect(() => a.render()).toThrow(/c1\/two.yaml \(Namespace same\): duplicate object: already defined in c1\/one.yaml/);
  });

  test('fails when two constructs write the same path', () => {
    const a = app();
    new ManifestFile(a, 'one', { path: 'c1/x.yaml' });
    new ManifestFile(a, 'two', { path: 'c1/x.yaml' });
    expect(() => a.render()).toThrow(/c1\/x.yaml: written by both one and two/);
  });
});
