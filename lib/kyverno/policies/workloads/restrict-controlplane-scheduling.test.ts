import { TENANT_LABEL } from '../../../capsule/labels';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Disallow Scheduling on Controle Planes" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-workload-restrictions
spec:
  validationFailureAction: Enforce
  rules:
  - name: restrict-controlplane-scheduling-master
    match:
      resources:
        kinds:
        - Pod
        namespaceSelector:
          matchExpressions:
          - key: capsule.clastix.io/tenant
            operator: Exists
    validate:
      message: Pods may not use tolerations which schedule on control plane nodes.
      pattern:
        spec:
          =(tolerations):
            - key: "!node-role.kubernetes.io/master"

  - name: restrict-controlplane-scheduling-control-plane
    match:
      resources:
        kinds:
        - Pod
        namespaceSelector:
          matchExpressions:
          - key: capsule.clastix.io/tenant
            operator: Exists
    validate:
      message: Pods may not use tolerations which schedule on control plane nodes.
      pattern:
        spec:
          =(tolerations):
            - key: "!node-role.kubernetes.io/control-plane"
`;

describe('restrict-controlplane-scheduling', () => {
  const policy = renderPolicy({ 'restrict-controlplane-scheduling': {} });

  test.each(['restrict-controlplane-scheduling-master', 'restrict-controlplane-scheduling-control-plane'])(
    "%s is the seed's rule, matched with match.any (the seed's bare match.resources is deprecated)",
    (name) => {
      const rule = ruleOf(policy, name);
      const seed = yamlRule(SEED, name);
      expect(rule.match).toEqual({ any: [{ resources: seed.match.resources }] });
      expect(rule.match.any[0].resources.namespaceSelector.matchExpressions).toEqual([{ key: TENANT_LABEL, operator: 'Exists' }]);
      expect(rule.validate).toEqual({ ...seed.validate, failureAction: 'Enforce' });
    },
  );

  test('is its own policy with both taints, enforced by default and configurable', () => {
    expect(policy.metadata.name).toBe('restrict-controlplane-scheduling');
    expect(policy.spec.rules).toHaveLength(2);
    const audit = renderPolicy({ 'restrict-controlplane-scheduling': { failureAction: 'Audit' } });
    expect(audit.spec.rules.map((r: any) => r.validate.failureAction)).toEqual(['Audit', 'Audit']);
  });
});
