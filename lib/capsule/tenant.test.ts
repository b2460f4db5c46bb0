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

describe('Tenant namespaces and owners', () => {
  test('creates namespaces carrying the tenant label, and owners added later are rendered', () => {
    const { app, layer, capsule } = setup(true);
    const oil = new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }], metadata: { labels: { team: 'energy' } } });
    const file = testFile(layer, 'oil-namespaces');
    oil.addNamespace(file, { name: 'oil-dev', labels: { environment: 'dev' }, annotations: { note: 'x' } });
    oil.addOwner({ kind: 'ServiceAccount', name: 'system:serviceaccount:flux-system:applier' });
    oil.addOwner({ kind: 'ServiceAccount', name: 'system:serviceaccount:flux-system:applier' });
    const files = app.render();
    expect(findManifest(files, 'Namespace', 'oil-dev').metadata).toEqual({
      name: 'oil-dev',
      labels: { 'capsule.clastix.io/tenant': 'oil', environment: 'dev' },
      annotations: { note: 'x' },
    });
    const tenant = findManifest(files, 'Tenant', 'oil');
    expect(tenant.metadata.labels).toEqual({ team: 'energy' });
    expect(tenant.spec.owners).toEqual([
      { kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'system:serviceaccount:flux-system:applier' },
    ]);
  });

  test('fails on namespaces Capsule would refuse', () => {
    const { app, layer, capsule } = setup(true);
    const oil = new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }] });
    oil.addNamespace(testFile(layer, 'ns'), { name: 'dev' });
    expect(() => app.render()).toThrow(/platform.namespaces\[0\].name: with forceTenantPrefix, namespaces of tenant 'oil' must be named oil-<name>/);
  });

  test('fails on reserved names, malformed ServiceAccount owners and unknown templates', () => {
    const { layer, capsule } = setup(true);
    const owners = [{ kind: 'User' as const, name: 'alice' }];
    expect(() => new Tenant(testFile(layer, 'a'), 't', { name: 'flux', capsule, owners, reservedNamespaces: ['flux-system'] })).toThrow(/would own namespaces named flux-\*/);
    expect(() => new Tenant(testFile(layer, 'b'), 't', { name: 'b', capsule, owners: [{ kind: 'ServiceAccount', name: 'ci:deployer' }] })).toThrow(/system:serviceaccount:<namespace>:<name>/);
    expect(
      () => new Tenant(testFile(layer, 'c'), 't', { name: 'c', capsule, owners, spec: { namespaceOptions: { additionalMetadataList: [{ labels: { a: '{{ tenant.uid }}' } }] } } }),
    ).toThrow(/unknown template \{\{ tenant.uid \}\}/);
  });

  test('reports legacy owner proxySettings to capsule-proxy', () => {
    const { layer, capsule } = setup();
    const seen: string[] = [];
    new Tenant(testFile(layer, 'oil'), 'tenant', {
      name: 'oil',
      capsule,
      capsuleProxy: { addLegacyProxySettingsUser: (where) => seen.push(where) },
      owners: [{ kind: 'User', name: 'alice', proxySettings: [{ kind: 'Nodes', operations: ['List'] }] }],
    });
    expect(seen).toEqual(['tenant oil: owners[0].proxySettings']);
  });
});
