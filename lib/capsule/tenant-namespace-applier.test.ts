import { findManifest, helmValues, testCluster, testFile } from '../core/testing';
import { Capsule } from './capsule';
import { Tenant } from './tenant';
import { TenantNamespaceApplier } from './tenant-namespace-applier';

describe('TenantNamespaceApplier', () => {
  test('is a Capsule user by name, owns the tenants it adopts with only the namespace-deleter role, and may read namespaces', () => {
    const { app, layer } = testCluster();
    const capsule = new Capsule(layer, 'capsule', { namespace: 'capsule-system' });
    const applier = new TenantNamespaceApplier(testFile(layer, 'applier'), 'applier', { capsule, namespace: 'flux-system' });
    const oil = new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }] });
    applier.adopt(oil);
    applier.allow({ apiGroups: ['capsule.clastix.io'], resources: ['proxysettings'] });
    const files = app.render();

    expect(applier.username).toBe('system:serviceaccount:flux-system:capsule-namespace-applier');
    expect(helmValues(files, 'capsule').manager.options.userNames).toEqual(['system:serviceaccount:flux-system:capsule-namespace-applier']);
    // Not its group: that would make every ServiceAccount in flux-system a Capsule user.
    expect(helmValues(files, 'capsule').manager.options.capsuleUserGroups).toEqual(['tenant-oil']);
    expect(findManifest(files, 'Tenant', 'oil').spec.owners).toContainEqual({
      kind: 'ServiceAccount',
      name: 'system:serviceaccount:flux-system:capsule-namespace-applier',
      clusterRoles: ['capsule-namespace-deleter'],
    });
    expect(findManifest(files, 'ServiceAccount', 'capsule-namespace-applier').metadata.namespace).toBe('flux-system');
    expect(findManifest(files, 'ClusterRole', 'capsule-namespace-applier').rules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['capsule.clastix.io'], resources: ['proxysettings'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ]);
    expect(findManifest(files, 'ClusterRoleBinding', 'capsule-namespace-applier')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'capsule-namespace-applier' },
      subjects: [{ kind: 'ServiceAccount', name: 'capsule-namespace-applier', namespace: 'flux-system' }],
    });
  });
});
