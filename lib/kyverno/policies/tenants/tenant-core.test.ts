import { CRD_VALIDATORS } from '../../../../imports/validators';
import { TenantV1Beta2 } from '../../../../imports/capsule-tenants-capsule.clastix.io';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';
import { defaultApplies, define, tenantDefaultsPatch, TenantDefaults } from './tenant-core';

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

/**
 * `spec` with `patch` applied as Kyverno applies a strategic merge patch of maps with add-if-absent
 * anchors: plain keys are merged (created when absent), `+(key)` is set only when absent.
 */
function applyPatch(patch: Record<string, unknown>, spec: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(spec);
  for (const [key, value] of Object.entries(patch)) {
    const anchor = /^\+\((.*)\)$/.exec(key);
    if (anchor) {
      if (out[anchor[1]] === undefined) out[anchor[1]] = value;
    } else {
      out[key] = applyPatch(value as Record<string, unknown>, (out[key] as Record<string, unknown> | undefined) ?? {});
    }
  }
  return out;
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
          serviceOptions: { allowedServices: { '+(nodePort)': false } },
          ingressOptions: { '+(allowedClasses)': { matchLabels: { consumer: 'customer' } } },
          '+(storageClasses)': { matchLabels: { consumer: 'customer' } },
          '+(nodeSelector)': { nodepool: 'workers' },
        },
      },
    });
  });

  test('gives the NodePort default to a Tenant that only sets other Service types: they are independent switches', () => {
    const tenant = applyPatch(tenantDefaultsPatch(DEFAULTS), { serviceOptions: { allowedServices: { loadBalancer: false } } });
    expect(tenant.serviceOptions).toEqual({ allowedServices: { loadBalancer: false, nodePort: false } });
    const own = applyPatch(tenantDefaultsPatch(DEFAULTS), { serviceOptions: { allowedServices: { nodePort: true } } });
    expect(own.serviceOptions).toEqual({ allowedServices: { nodePort: true } });
  });

  test('keeps a class or label policy the Tenant sets itself entirely: it is one choice', () => {
    const own = {
      namespaceOptions: { forbiddenLabels: { denied: ['team'] } },
      priorityClasses: { allowed: ['high'] },
      ingressOptions: { allowedClasses: { allowed: ['nginx'] }, allowWildcardHostnames: false },
      storageClasses: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      nodeSelector: { pool: 'gpu' },
    };
    expect(applyPatch(tenantDefaultsPatch(DEFAULTS), own)).toEqual({ ...own, serviceOptions: { allowedServices: { nodePort: false } } });
    // Sibling options of the class policies don't stop the defaults.
    expect(applyPatch(tenantDefaultsPatch(DEFAULTS), { ingressOptions: { allowWildcardHostnames: false }, namespaceOptions: { quota: 3 } })).toMatchObject({
      ingressOptions: { allowWildcardHostnames: false, allowedClasses: { matchLabels: { consumer: 'customer' } } },
      namespaceOptions: { quota: 3, forbiddenLabels: { deniedRegex: '.*\\.example\\.com' } },
    });
  });

  test('defaultApplies, which the load-time checks use, agrees with the patch', () => {
    const specs: Array<Record<string, unknown>> = [
      {},
      { namespaceOptions: { quota: 3 } },
      { namespaceOptions: { forbiddenLabels: { denied: ['team'] } } },
      { serviceOptions: { allowedServices: { loadBalancer: false } } },
      { serviceOptions: { allowedServices: { nodePort: true } } },
      { ingressOptions: { allowWildcardHostnames: true } },
      { ingressOptions: { allowedClasses: { allowed: ['nginx'] } } },
      { priorityClasses: { allowed: ['high'] }, storageClasses: { allowed: ['fast'] }, nodeSelector: { pool: 'gpu' } },
    ];
    for (const name of Object.keys(DEFAULTS) as Array<keyof TenantDefaults>) {
      const patch = tenantDefaultsPatch({ [name]: DEFAULTS[name] });
      for (const spec of specs) expect([name, spec, defaultApplies(name, spec)]).toEqual([name, spec, JSON.stringify(applyPatch(patch, spec)) !== JSON.stringify(spec)]);
    }
  });

  test('sets only fields of the v1beta2 Tenant spec, with values its CRD accepts', () => {
    const validate = CRD_VALIDATORS[`${TenantV1Beta2.GVK.apiVersion}/${TenantV1Beta2.GVK.kind}`].load();
    const tenant = { ...TenantV1Beta2.GVK, metadata: { name: 'oil' }, spec: { owners: [{ kind: 'User', name: 'alice' }], ...applyPatch(tenantDefaultsPatch(DEFAULTS)) } };
    expect(validate(tenant) ? [] : validate.errors).toEqual([]);
  });
});
