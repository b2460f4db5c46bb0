import * as YAML from 'yaml';
import { ALL_RESOURCES, roleSpec, tctlRole } from './role';

/**
 * The role of the Capsule "Teleport" demo (seed 000, `role.yaml` under "Create teleport role for
 * kubernetes cluster access"), copied here verbatim as the expected reference.
 */
const SEED_ROLE = YAML.parse(`
kind: role
metadata:
  labels:
    capsule: "true"
  name: kube-access
version: v8
spec:
  allow:
    kubernetes_groups:
    - tenant-oil
    kubernetes_labels:
      capsule: "true"
    kubernetes_resources:
    - api_group: '*'
      kind: '*'
      name: '*'
      namespace: '*'
      verbs:
      - '*'
    kubernetes_users:
    - alice
`);

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
