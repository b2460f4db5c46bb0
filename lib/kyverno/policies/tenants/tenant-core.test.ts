import { CRD_VALIDATORS } from '../../../../imports/validators';
import { TenantV1Beta2 } from '../../../../imports/capsule-tenants-capsule.clastix.io';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';
import { define, tenantDefaultsPatch, TenantDefaults } from './tenant-core';

// Copied from seed 001, "1.5 - Kyverno" / "Extended Validation and Defaulting" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-core
spec:
  validationFailureAction: Enforce
  rules:
  - name: tenant-name
    match:
      all:
      - resources:
          kinds:
          - "capsule.clastix.io/v1beta2/Tenant"
          operations:
          - CREATE
          - UPDATE
    validate:
      message: "Using this tenant name is not allowed."
      deny:
        conditions:
          - key: "{{ request.object.metadata.name }}"
            operator: In
            value: ["default", "cluster-system" ]
`;
const seed = yamlRule(SEED, 'tenant-name');

const DEFAULTS: Required<TenantDefaults> = {
  forbiddenNamespaceLabelsRegex: '.*\\.example\\.com',
  priorityClassLabels: { consumer: 'customer' },
  ingressClassLabels: { consumer: 'customer' },
  storageClassLabels: { consumer: 'customer' },
  nodePortServices: false,
  nodeSelector: { nodepool: 'workers' },
};

/** A Tenant spec with the defaults applied as Kyverno's add-if-absent anchors would to an empty Tenant. */
function applied(patch: Record<string, unknown>): Record<string, unknown> {
  const strip = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, c]) => [k.replace(/^\+\((.*)\)$/, '$1'), strip(c)])) : v;
  return strip(patch) as Record<string, unknown>;
}

describe('tenant-core', () => {
  test('rejects the reserved names on CREATE (names cannot change), with AnyIn instead of the deprecated In', () => {
    const rule = ruleOf(renderPolicy({ 'tenant-core': {} }), 'tenant-name');
    expect(rule.match.any[0].resources).toEqual({ kinds: seed.match.all[0].resources.kinds, operations: ['CREATE'] });
    expect(rule.validate.deny.conditions).toEqual({ any: [{ ...seed.validate.deny.conditions[0], operator: 'AnyIn' }] });
    expect(rule.validate.failureAction).toBe('Enforce');
  });

  test('takes the reserved names from its options', () => {
    const rule = ruleOf(renderPolicy({ 'tenant-core': { reservedNames: ['platform'], failureAction: 'Audit' } }), 'tenant-name');
    expect(rule.validate.deny.conditions.any[0].value).toEqual(['platform']);
    expect(rule.validate.failureAction).toBe('Audit');
    expect(() => define({ reservedNames: [] })).toThrow(/reservedNames must not be empty/);
  });

  test('sets no tenant property by default: none of the seed’s company values are baked in', () => {
    const policy = renderPolicy({ 'tenant-core': {} });
    expect(policy.spec.rules.map((r: { name: string }) => r.name)).toEqual(['tenant-name']);
    expect(JSON.stringify(policy)).not.toMatch(/company|customer|workers/);
  });

  test('adds each configured default only where the Tenant leaves the property out', () => {
    const rule = ruleOf(renderPolicy({ 'tenant-core': { defaults: DEFAULTS } }), 'tenant-properties');
    expect(rule.match.any[0].resources).toEqual({ kinds: ['capsule.clastix.io/v1beta2/Tenant'], operations: ['CREATE', 'UPDATE'] });
    expect(rule.mutate).toEqual({
      patchStrategicMerge: {
        spec: {
          namespaceOptions: { '+(forbiddenLabels)': { deniedRegex: '.*\\.example\\.com' } },
          '+(priorityClasses)': { matchLabels: { consumer: 'customer' } },
          serviceOptions: { '+(allowedServices)': { nodePort: false } },
          ingressOptions: { '+(allowedClasses)': { matchLabels: { consumer: 'customer' } } },
          '+(storageClasses)': { matchLabels: { consumer: 'customer' } },
          '+(nodeSelector)': { nodepool: 'workers' },
        },
      },
    });
  });

  test('sets only fields of the v1beta2 Tenant spec, with values its CRD accepts', () => {
    const validate = CRD_VALIDATORS[`${TenantV1Beta2.GVK.apiVersion}/${TenantV1Beta2.GVK.kind}`].load();
    const tenant = { ...TenantV1Beta2.GVK, metadata: { name: 'oil' }, spec: { owners: [{ kind: 'User', name: 'alice' }], ...applied(tenantDefaultsPatch(DEFAULTS)) } };
    expect(validate(tenant) ? [] : validate.errors).toEqual([]);
  });
});
