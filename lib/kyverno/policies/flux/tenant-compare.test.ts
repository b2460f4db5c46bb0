import { TENANT_LABEL } from '../../../capsule/labels';
import { GLOBAL_CONFIG_KEYS, KyvernoGlobalConfig } from '../../global-config';
import { missingConfigMapKeys, renderPolicies, ruleOf, undeclaredVariables } from '../../testing';

const PUBLIC = { label: 'example.com/public', value: 'true' };

describe('tenant-compare', () => {
  const { policies, globalConfig } = renderPolicies({ 'tenant-compare': {} }, PUBLIC);
  const policy = policies.get('tenant-compare')!;
  const rule = ruleOf(policy, 'validate-target-namespace');

  test('checks Flux Kustomizations and HelmReleases of tenant namespaces on CREATE and UPDATE', () => {
    expect(rule.match.any[0].resources).toEqual({
      kinds: ['kustomize.toolkit.fluxcd.io/v1/Kustomization', 'helm.toolkit.fluxcd.io/v2/HelmRelease'],
      operations: ['CREATE', 'UPDATE'],
      namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] },
    });
  });

  test("reads the labels from the global configuration ConfigMap in Kyverno's namespace, by its keys", () => {
    expect(rule.context[0]).toEqual({ name: 'global', configMap: { name: KyvernoGlobalConfig.NAME, namespace: 'kyverno' } });
    expect(missingConfigMapKeys(policy, [globalConfig])).toEqual([]);
    expect(JSON.stringify(rule)).toContain(`global.data.${GLOBAL_CONFIG_KEYS.tenantLabel}`);
    // Outside match, the label is only read from the ConfigMap, never spelled in the rule.
    const { match: _match, ...logic } = rule;
    expect(JSON.stringify(logic)).not.toContain(TENANT_LABEL);
    expect(undeclaredVariables(policy)).toEqual([]);
  });

  test('looks the target namespace up without failing when it does not exist', () => {
    const labels = rule.context.find((c: { name: string }) => c.name === 'target_labels');
    expect(labels.apiCall).toEqual({ urlPath: '/api/v1/namespaces/{{ target_namespace }}', jmesPath: 'metadata.labels || `{}`', default: {} });
  });

  test("skips objects that target their own namespace (or none), and denies targets that are neither the tenant's nor public", () => {
    expect(rule.preconditions).toEqual({ all: [{ key: '{{ target_namespace }}', operator: 'NotEquals', value: '{{ request.object.metadata.namespace }}' }] });
    expect(rule.validate.deny.conditions).toEqual({
      all: [
        { key: `{{ target_labels."{{ global.data.${GLOBAL_CONFIG_KEYS.tenantLabel} }}" || '' }}`, operator: 'NotEquals', value: '{{ source_tenant }}' },
        { key: `{{ target_labels."{{ global.data.${GLOBAL_CONFIG_KEYS.publicLabel} }}" || '' }}`, operator: 'NotEquals', value: `{{ global.data.${GLOBAL_CONFIG_KEYS.publicValue} }}` },
      ],
    });
    expect(rule.validate.failureAction).toBe('Enforce');
    expect(policy.spec.background).toBe(true);
  });

  test('without public namespaces, only the same tenant is allowed and no public key is read', () => {
    const without = renderPolicies({ 'tenant-compare': { failureAction: 'Audit' } });
    const other = ruleOf(without.policies.get('tenant-compare')!, 'validate-target-namespace');
    expect(other.validate.deny.conditions.all).toHaveLength(1);
    expect(other.validate.failureAction).toBe('Audit');
    expect(without.globalConfig.data).toEqual({ [GLOBAL_CONFIG_KEYS.tenantLabel]: TENANT_LABEL });
    expect(missingConfigMapKeys(without.policies.get('tenant-compare')!, [without.globalConfig])).toEqual([]);
  });
});
