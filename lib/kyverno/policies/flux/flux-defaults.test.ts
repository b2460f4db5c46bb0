import { TENANT_LABEL } from '../../../capsule/labels';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Select namespaces with label capsule.clastix.io/tenant"
// (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: flux-policies
spec:
  validationFailureAction: Enforce
  rules:
    # Enforcement (Mutate to Default)
    - name: Defaults Kustomizations/HelmReleases
      match:
        any:
        - resources:
            kinds:
              - Kustomization
              - HelmRelease
            operations:
              - CREATE
              - UPDATE
            namespaceSelector:
              matchExpressions:
                - key: "capsule.clastix.io/tenant"
                  operator: Exists
      mutate:
        patchStrategicMerge:
          spec:
            +(targetNamespace): "{{ request.object.metadata.namespace }}"
            +(serviceAccountName): "default"
`;
const seed = yamlRule(SEED, 'Defaults Kustomizations/HelmReleases');
const seedResources = seed.match.any[0].resources;

describe('flux-defaults', () => {
  const policy = renderPolicy({ 'flux-defaults': {} });

  test("gives Kustomizations of tenant namespaces the seed's targetNamespace and ServiceAccount defaults", () => {
    const rule = ruleOf(policy, 'kustomization-defaults');
    expect(rule.mutate).toEqual(seed.mutate);
    expect(rule.match.any[0].resources).toEqual({ ...seedResources, kinds: ['kustomize.toolkit.fluxcd.io/v1/Kustomization'] });
    expect(rule.match.any[0].resources.namespaceSelector.matchExpressions[0].key).toBe(TENANT_LABEL);
  });

  test('gives HelmReleases the ServiceAccount only: a targetNamespace would rename (reinstall) the release', () => {
    const rule = ruleOf(policy, 'helmrelease-defaults');
    expect(rule.mutate).toEqual({ patchStrategicMerge: { spec: { '+(serviceAccountName)': 'default' } } });
    expect(rule.match.any[0].resources).toEqual({ ...seedResources, kinds: ['helm.toolkit.fluxcd.io/v2/HelmRelease'] });
  });

  test('has no failure action (mutations only; the seed had a meaningless spec-level Enforce)', () => {
    expect(policy.spec.validationFailureAction).toBeUndefined();
    expect(policy.spec.rules.every((r: any) => r.mutate && !r.validate)).toBe(true);
  });

  test('takes the ServiceAccount from its options', () => {
    const other = renderPolicy({ 'flux-defaults': { serviceAccountName: 'flux-tenant' } });
    expect(ruleOf(other, 'helmrelease-defaults').mutate.patchStrategicMerge.spec['+(serviceAccountName)']).toBe('flux-tenant');
    expect(ruleOf(other, 'kustomization-defaults').mutate.patchStrategicMerge.spec['+(serviceAccountName)']).toBe('flux-tenant');
  });
});
