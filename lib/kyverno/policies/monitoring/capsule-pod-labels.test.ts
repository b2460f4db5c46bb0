import * as YAML from 'yaml';
import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf, undeclaredVariables, yamlRule } from '../../testing';

// Copied from seed 001, "1.7 - Monitoring" (tests must not read ../shared). Its context entry is
// `tenant`, its patch uses `tenant_name`.
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: capsule-pod-labels
spec:
  background: false
  rules:
  - name: add-pod-label
    context:
      - name: tenant
        apiCall:
          method: GET
          urlPath: "/api/v1/namespaces/{{request.namespace}}"
          jmesPath: "not_null(metadata.labels.\\"capsule.clastix.io/tenant\\" || 'management')"
    match:
      all:
      - resources:
          kinds:
            - Pod
          operations:
            - CREATE
            - UPDATE
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(capsule.clastix.io/tenant): "{{ tenant_name }}"
`;
const seed = yamlRule(SEED, 'add-pod-label');

describe('capsule-pod-labels', () => {
  const policy = renderPolicy({ 'capsule-pod-labels': {} });
  const rule = ruleOf(policy, 'add-pod-label');

  test("the variable check catches the seed's bug: tenant declared, tenant_name used", () => {
    expect(undeclaredVariables(YAML.parse(SEED))).toEqual(['capsule-pod-labels/add-pod-label mutate: {{ tenant_name }} uses undeclared variable tenant_name']);
  });

  test('declares the variable its patch uses', () => {
    expect(rule.context.map((c: { name: string }) => c.name)).toEqual(['tenant_name']);
    expect(rule.mutate.patchStrategicMerge).toEqual(seed.mutate.patchStrategicMerge);
    expect(undeclaredVariables(policy)).toEqual([]);
  });

  test("reads the tenant from the Pod's namespace, management when it has none", () => {
    expect(rule.context[0].apiCall).toEqual({
      urlPath: seed.context[0].apiCall.urlPath,
      jmesPath: `metadata.labels."${TENANT_LABEL}" || 'management'`,
    });
  });

  test("labels every Pod on CREATE and UPDATE, as the seed, with match.any", () => {
    expect(rule.match).toEqual({ any: seed.match.all });
    expect(policy.spec.background).toBe(false);
    expect(policy.metadata.annotations[ANNOTATIONS.autogenControllers]).toBe('none');
  });

  test('takes the default tenant from its options, and can replace a label the Pod brings', () => {
    const other = ruleOf(renderPolicy({ 'capsule-pod-labels': { defaultTenant: 'platform', keepExisting: false } }), 'add-pod-label');
    expect(other.context[0].apiCall.jmesPath).toBe(`metadata.labels."${TENANT_LABEL}" || 'platform'`);
    expect(other.mutate.patchStrategicMerge).toEqual({ metadata: { labels: { [TENANT_LABEL]: '{{ tenant_name }}' } } });
  });
});
