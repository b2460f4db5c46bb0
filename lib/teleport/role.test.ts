import { ALL_RESOURCES, roleSpec, tctlRole } from './role';
import { SEED_000_ROLE as SEED_ROLE } from './testing';

const demo = {
  name: 'kube-access',
  labels: { capsule: 'true' },
  access: { users: ['alice'], groups: ['tenant-oil'], clusterLabels: { capsule: 'true' }, resources: [ALL_RESOURCES] },
};

describe('Teleport roles', () => {
  test("the demo's access renders exactly seed 000's kube-access role", () => {
    expect(tctlRole(demo)).toEqual(SEED_ROLE);
  });

  test('omit kubernetes_users when there are none (Teleport then impersonates the Teleport user name)', () => {
    const role = tctlRole({ ...demo, labels: {}, access: { ...demo.access, users: [] } });
    expect(role.spec?.allow).not.toHaveProperty('kubernetes_users');
    expect(role.metadata).toEqual({ name: 'kube-access' });
  });

  test('fill in rule defaults the way Teleport stores them', () => {
    const spec = roleSpec({ ...demo.access, resources: [{ api_group: '', kind: 'namespaces', name: 'oil-*', verbs: ['get'] }] });
    expect(spec.allow?.kubernetesResources).toEqual([{ apiGroup: '', kind: 'namespaces', name: 'oil-*', namespace: undefined, verbs: ['get'] }]);
  });
});
