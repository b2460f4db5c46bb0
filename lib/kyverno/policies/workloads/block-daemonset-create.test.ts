import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderCelPolicies, renderPolicy, ruleOf, yamlRule } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Disallow Daemonsets" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-workload-restrictions
spec:
  validationFailureAction: Enforce
  rules:
  - name: block-daemonset-create
    match:
      any:
      - resources:
          kinds:
          - DaemonSet
          namespaceSelector:
            matchExpressions:
            - key: capsule.clastix.io/tenant
              operator: Exists
    preconditions:
      all:
      - key: "{{ request.operation || 'BACKGROUND' }}"
        operator: Equals
        value: CREATE
    validate:
      message: "Creating DaemonSets is not allowed in this cluster."
      deny:
        conditions:
          any:
          - key: "true"
            operator: Equals
            value: "true"
`;
const seed = yamlRule(SEED, 'block-daemonset-create');

describe('block-daemonset-create', () => {
  const policy = renderPolicy({ 'block-daemonset-create': {} });
  const rule = ruleOf(policy, 'block-daemonset-create');

  test("denies every new DaemonSet in tenant namespaces, with the seed's deny", () => {
    expect(policy.metadata.name).toBe('block-daemonset-create');
    expect(rule.match.any[0].resources).toEqual({
      kinds: ['apps/v1/DaemonSet'],
      operations: ['CREATE'],
      namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] },
    });
    expect(rule.match.any[0].resources.namespaceSelector).toEqual(seed.match.any[0].resources.namespaceSelector);
    expect(rule.validate.deny).toEqual(seed.validate.deny);
    expect(rule.validate.message).toBe('Creating DaemonSets is not allowed in tenant namespaces.');
  });

  test('has CREATE in match instead of the request.operation precondition', () => {
    expect(rule.preconditions).toBeUndefined();
    expect(seed.preconditions.all[0].key).toContain('request.operation');
  });

  test("enforces by default (the seed's spec-level Enforce), per rule, and can audit", () => {
    expect(rule.validate.failureAction).toBe(seed.validate.failureAction ?? 'Enforce');
    expect(policy.spec.validationFailureAction).toBeUndefined();
    expect(ruleOf(renderPolicy({ 'block-daemonset-create': { failureAction: 'Audit' } }), 'block-daemonset-create').validate.failureAction).toBe('Audit');
  });

  test('reports existing DaemonSets in the background scan', () => {
    expect(policy.spec.background).toBe(true);
    expect(policy.metadata.annotations).toMatchObject({ [ANNOTATIONS.subject]: 'DaemonSet', [ANNOTATIONS.minVersion]: '1.13.0' });
  });

  test('says in the ValidatingPolicy which PolicyException reaches it (each API has its own), and only there', () => {
    const cel = renderCelPolicies({ 'block-daemonset-create': {} }).get('ValidatingPolicy/block-daemonset-create')!;
    expect(cel.metadata.annotations[ANNOTATIONS.description]).toBe(
      `${policy.metadata.annotations[ANNOTATIONS.description]} As a ValidatingPolicy, its exceptions are policies.kyverno.io PolicyExceptions whose policyRefs name ` +
        'ValidatingPolicy block-daemonset-create; a kyverno.io/v2 PolicyException applies to the ClusterPolicy only.',
    );
    expect(policy.metadata.annotations[ANNOTATIONS.description]).not.toContain('policies.kyverno.io');
  });
});
