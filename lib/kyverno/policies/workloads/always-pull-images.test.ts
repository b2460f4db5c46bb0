import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf, undeclaredVariables, yamlRule } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Image PullPolicy" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: always-pull-images
  annotations:
    policies.kyverno.io/title: Always Pull Images
    policies.kyverno.io/category: Sample
    policies.kyverno.io/severity: medium
    policies.kyverno.io/subject: Pod
    policies.kyverno.io/minversion: 1.6.0
spec:
  rules:
  - name: always-pull-images
    match:
      any:
      - resources:
          kinds:
          - Pod
          namespaceSelector:
            matchExpressions:
            - key: capsule.clastix.io/tenant
              operator: Exists
    mutate:
      patchStrategicMerge:
        spec:
          initContainers:
          - (name): "?*"
            imagePullPolicy: Always
          containers:
          - (name): "?*"
            imagePullPolicy: Always
          ephemeralContainers:
          - (name): "?*"
            imagePullPolicy: Always
`;
const seed = yamlRule(SEED, 'always-pull-images');
const tenants = { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] };

describe('always-pull-images', () => {
  const policy = renderPolicy({ 'always-pull-images': {} });

  test("sets Always on init and regular containers of new tenant Pods, with the seed's patch", () => {
    const rule = ruleOf(policy, 'always-pull-images');
    const { ephemeralContainers, ...podCreate } = seed.mutate.patchStrategicMerge.spec;
    expect(rule.mutate.patchStrategicMerge).toEqual({ spec: podCreate });
    expect(rule.match.any[0].resources).toEqual({ kinds: ['Pod'], operations: ['CREATE'], namespaceSelector: tenants });
    expect(ephemeralContainers).toBeDefined();
  });

  test('sets Always on the ephemeral container kubectl debug adds (an UPDATE of pods/ephemeralcontainers)', () => {
    const rule = ruleOf(policy, 'always-pull-ephemeral-images');
    expect(rule.match.any[0].resources).toEqual({ kinds: ['Pod/ephemeralcontainers'], operations: ['UPDATE'], namespaceSelector: tenants });
    const [each] = rule.mutate.foreach;
    expect(rule.mutate.foreach).toHaveLength(1);
    expect(each.list).toBe('request.object.spec.ephemeralContainers');
    expect(each.patchStrategicMerge).toEqual({ spec: { ephemeralContainers: [{ name: '{{ element.name }}', imagePullPolicy: 'Always' }] } });
    expect(rule.mutate.patchStrategicMerge).toBeUndefined();
  });

  test('leaves the ephemeral containers the Pod already has alone: the API server refuses any change to them', () => {
    const [each] = ruleOf(policy, 'always-pull-ephemeral-images').mutate.foreach;
    // Patched only when its name is not among the old Pod's; a Pod without any has the empty list, not null.
    expect(each.preconditions).toEqual({
      all: [{ key: '{{ element.name }}', operator: 'AnyNotIn', value: '{{ request.oldObject.spec.ephemeralContainers[].name || `[]` }}' }],
    });
    // The seed's wildcard patch (every ephemeral container) is gone.
    expect(JSON.stringify(each)).not.toContain('(name)');
    expect(undeclaredVariables(policy)).toEqual([]);
  });

  test('mutates Pods only, with the seed annotations', () => {
    expect(policy.metadata.annotations).toMatchObject({
      [ANNOTATIONS.title]: SEED.match(/title: (.*)/)![1],
      [ANNOTATIONS.severity]: 'medium',
      [ANNOTATIONS.subject]: 'Pod',
      [ANNOTATIONS.autogenControllers]: 'none',
    });
    expect(policy.spec.rules.every((r: any) => !r.validate)).toBe(true);
  });
});
