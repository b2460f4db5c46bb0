import { findManifest, testCluster, testFile } from '../core/testing';
import { Capsule } from './capsule';
import { Tenant } from './tenant';

function setup(forceTenantPrefix = false) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', forceTenantPrefix });
  return { ...cluster, capsule };
}

describe('Tenant', () => {
  test('renders a capsule.clastix.io/v1beta2 Tenant with its owners and spec unchanged', () => {
    const { app, layer, capsule } = setup();
    const spec = { namespaceOptions: { quota: 3 }, resourceQuotas: { scope: 'Tenant', items: [{ hard: { 'limits.cpu': '8' } }] } };
    new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }], spec });
    const tenant = findManifest(app.render(), 'Tenant', 'oil');
    expect(tenant.apiVersion).toBe('capsule.clastix.io/v1beta2');
    expect(tenant.metadata).toEqual({ name: 'oil' });
    expect(tenant.spec).toEqual({ owners: [{ kind: 'User', name: 'alice' }], ...spec });
  });

  test('registers its user group with Capsule (default tenant-<name>)', () => {
    const { capsule, layer } = setup();
    const oil = new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }] });
    expect(oil.userGroup).toBe('tenant-oil');
    expect(capsule.userGroups).toEqual(['tenant-oil']);
  });

  test('follows the global forceTenantPrefix unless its spec sets one, even false', () => {
    const { capsule, layer } = setup(true);
    const owners = [{ kind: 'User' as const, name: 'alice' }];
    expect(new Tenant(testFile(layer, 'a'), 'tenant', { name: 'a', capsule, owners }).forceTenantPrefix).toBe(true);
    expect(new Tenant(testFile(layer, 'b'), 'tenant', { name: 'b', capsule, owners, spec: { forceTenantPrefix: false } }).forceTenantPrefix).toBe(false);
  });

  test('knows who owns it and who its additionalRoleBindings bind (its members), as users and groups', () => {
    const { capsule, layer } = setup();
    const tenant = new Tenant(testFile(layer, 'oil'), 'tenant', {
      name: 'oil',
      capsule,
      owners: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'oil-admins' },
        { kind: 'ServiceAccount', name: 'system:serviceaccount:ci:deployer' },
      ],
      spec: {
        additionalRoleBindings: [
          {
            clusterRoleName: 'view',
            subjects: [
              { kind: 'User', name: 'bob' },
              { kind: 'Group', name: 'auditors' },
              { kind: 'ServiceAccount', name: 'robot', namespace: 'oil-ci' },
            ],
          },
        ],
      },
    });
    expect(tenant.ownerUsers).toEqual(['alice', 'system:serviceaccount:ci:deployer']);
    expect(tenant.ownerGroups).toEqual(['oil-admins']);
    expect(tenant.memberUsers).toEqual(['bob', 'system:serviceaccount:oil-ci:robot']);
    expect(tenant.memberGroups).toEqual(['auditors']);
    expect(tenant.groups).toEqual(['auditors', 'oil-admins', 'tenant-oil']);
  });

  test('fails without owners, or with owners inside spec', () => {
    const { capsule, layer } = setup();
    expect(() => new Tenant(testFile(layer, 'a'), 'tenant', { name: 'a', capsule, owners: [] })).toThrow(/needs at least one owner/);
    expect(() => new Tenant(testFile(layer, 'b'), 'tenant', { name: 'b', capsule, owners: [{ kind: 'User', name: 'x' }], spec: { owners: [] } })).toThrow(/props.owners/);
  });

  test('is rejected by the Tenant schema when the spec is wrong', () => {
    const { app, capsule, layer } = setup();
    new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'Robot' as 'User', name: 'r2d2' }] });
    expect(() => app.render()).toThrow(/spec.owners\[0\].kind: must be one of "User", "Group", "ServiceAccount" \(got "Robot"\)/);
  });
});
