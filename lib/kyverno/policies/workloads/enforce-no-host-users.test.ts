import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Mutate User Namespace" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-workload-restrictions
spec:
  rules:
    - name: enforce-no-host-users
      match:
        any:
        - resources:
            kinds:
            - Pod
            namespaceSelector:
              matchExpressions:
              - key: capsule.clastix.io/tenant
                operator: Exists
      preconditions:
        all:
        - key: "{{request.operation || 'BACKGROUND'}}"
          operator: AnyIn
          value:
            - CREATE
            - UPDATE
      skipBackgroundRequests: true
      mutate:
        patchStrategicMerge:
          spec:
            hostUsers: false
`;
const seed = yamlRule(SEED, 'enforce-no-host-users');

describe('enforce-no-host-users', () => {
  const policy = renderPolicy({ 'enforce-no-host-users': {} });
  const rule = ruleOf(policy, 'enforce-no-host-users');

  test('is its own policy (the seed named four documents tenant-workload-restrictions)', () => {
    expect(policy.metadata.name).toBe('enforce-no-host-users');
    expect(policy.spec.rules.map((r: { name: string }) => r.name)).toEqual(['enforce-no-host-users']);
  });

  test("patches new Pods of tenant namespaces with the seed's hostUsers: false", () => {
    expect(rule.mutate).toEqual(seed.mutate);
    expect(rule.match.any[0].resources.kinds).toEqual(seed.match.any[0].resources.kinds);
    expect(rule.match.any[0].resources.namespaceSelector).toEqual({ matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] });
    expect(rule.match.any[0].resources.namespaceSelector).toEqual(seed.match.any[0].resources.namespaceSelector);
  });

  test('matches CREATE only, in match, instead of a request.operation precondition for CREATE and UPDATE', () => {
    // hostUsers is immutable: on UPDATE the patch can only be a no-op or break the update.
    expect(rule.match.any[0].resources.operations).toEqual(['CREATE']);
    expect(JSON.stringify(rule)).not.toContain('request.operation');
    expect(rule.skipBackgroundRequests).toBeUndefined(); // true is the CRD default
  });

  test('leaves Pods that share a host namespace alone (Kubernetes rejects hostUsers: false for them)', () => {
    expect(rule.preconditions).toEqual({
      all: ['hostNetwork', 'hostPID', 'hostIPC'].map((f) => ({ key: `{{ request.object.spec.${f} || \`false\` }}`, operator: 'Equals', value: false })),
    });
  });

  test('exempts namespaces labelled with the opt-out label =true, by namespace (as the seed text says)', () => {
    const withOptOut = ruleOf(renderPolicy({ 'enforce-no-host-users': { optOutLabel: 'example.com/allow-host-users' } }), 'enforce-no-host-users');
    expect(withOptOut.match.any[0].resources.namespaceSelector.matchExpressions).toEqual([
      { key: TENANT_LABEL, operator: 'Exists' },
      { key: 'example.com/allow-host-users', operator: 'NotIn', values: ['true'] },
    ]);
    expect(withOptOut.match.any[0].resources.selector).toBeUndefined();
  });

  test('mutates Pods only: no autogen copies for controllers, no background scan', () => {
    expect(policy.metadata.annotations[ANNOTATIONS.autogenControllers]).toBe('none');
    expect(policy.spec.background).toBe(false);
    expect(rule.validate).toBeUndefined();
  });

  test('is annotated for Kubernetes 1.33 (user namespaces on by default) and Kyverno 1.10 (match operations)', () => {
    expect(policy.metadata.annotations).toMatchObject({
      [ANNOTATIONS.title]: 'Enforce No Host Users',
      [ANNOTATIONS.subject]: 'Pod',
      [ANNOTATIONS.minVersion]: '1.10.0',
      [ANNOTATIONS.kubernetesVersion]: '1.33',
    });
  });
});
