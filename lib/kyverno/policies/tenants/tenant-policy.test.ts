import * as YAML from 'yaml';
import { CRD_VALIDATORS } from '../../../../imports/validators';
import { TenantV1Beta2 } from '../../../../imports/capsule-tenants-capsule.clastix.io';
import { renderPolicy, ruleOf, undeclaredVariables, yamlRule } from '../../testing';
import { define, OWNER_KINDS, PROXY_KINDS, PROXY_OPERATIONS } from './tenant-policy';

// Copied from seed 001, "1.5 - Kyverno" / "Adding Default Owners/Permissions to Tenant" (tests must
// not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-policy
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: tenant-owner
    preconditions:
      all:
      - key: "cluster:admin"
        operator: NotIn
        value: "{{ request.object.spec.owners[?kind == 'Group'].name }}"
    match:
      all:
      - resources:
          kinds:
          - "capsule.clastix.io/v1beta2/Tenant"
          operations:
          - CREATE
          - UPDATE
    mutate:
      patchesJson6902: |-
        - op: add
          path: "/spec/owners/-"
          value:
            name: "cluster:admin"
            kind: "Group"
  - name: tenant-proxy-settings
    match:
      any:
      - resources:
          kinds:
          - "capsule.clastix.io/v1beta2/Tenant"
          operations:
          - CREATE
          - UPDATE
    mutate:
      foreach:
      - list: "request.object.spec.owners"
        patchesJson6902: |-
          - path: /spec/owners/{{elementIndex}}/proxySettings
            op: add
            value:
              - kind: IngressClasses
                operations:
                - List
              - kind: StorageClasses
                operations:
                - List
              - kind: PriorityClasses
                operations:
                - List
              - kind: Nodes
                operations:
                - List
`;
const seedOwner = yamlRule(SEED, 'tenant-owner');
const seedProxy = yamlRule(SEED, 'tenant-proxy-settings');
const SEED_OWNER = { kind: 'Group', name: 'cluster:admin' } as const;

describe('tenant-policy', () => {
  const policy = renderPolicy({ 'tenant-policy': { owner: SEED_OWNER } });

  test("adds the owner with the seed's patch, only while it is missing (AnyNotIn: the seed's NotIn is deprecated)", () => {
    const rule = ruleOf(policy, 'tenant-owner');
    expect(YAML.parse(rule.mutate.patchesJson6902)).toEqual(YAML.parse(seedOwner.mutate.patchesJson6902));
    expect(rule.preconditions).toEqual({ all: [{ ...seedOwner.preconditions.all[0], operator: 'AnyNotIn' }] });
    expect(rule.match).toEqual({ any: seedOwner.match.all });
  });

  test("gives owners without proxySettings the seed's defaults, and keeps the ones a tenant sets", () => {
    const rule = ruleOf(policy, 'tenant-proxy-settings');
    const [foreach] = rule.mutate.foreach;
    expect(foreach.list).toBe(seedProxy.mutate.foreach[0].list);
    expect(YAML.parse(foreach.patchesJson6902)).toEqual(YAML.parse(seedProxy.mutate.foreach[0].patchesJson6902));
    expect(foreach.preconditions).toEqual({ all: [{ key: "{{ element.proxySettings || '' }}", operator: 'Equals', value: '' }] });
    expect(rule.match).toEqual(seedProxy.match);
  });

  test('runs the owner rule before the proxy settings rule, so the added owner gets them too', () => {
    expect(policy.spec.rules.map((r: { name: string }) => r.name)).toEqual(['tenant-owner', 'tenant-proxy-settings']);
    expect(undeclaredVariables(policy)).toEqual([]);
    expect(policy.spec.validationFailureAction).toBeUndefined(); // mutations only
  });

  test('takes owner and proxySettings from its options; [] gives no proxySettings rule', () => {
    const other = renderPolicy({ 'tenant-policy': { owner: { kind: 'User', name: 'admin@example.com' }, proxySettings: [] } });
    expect(other.spec.rules.map((r: { name: string }) => r.name)).toEqual(['tenant-owner']);
    const owner = ruleOf(other, 'tenant-owner');
    expect(owner.preconditions.all[0]).toEqual({ key: 'admin@example.com', operator: 'AnyNotIn', value: "{{ request.object.spec.owners[?kind == 'User'].name }}" });
    expect(() => define({ owner: { kind: 'Group', name: "it's" } })).toThrow(/may not contain quotes/);
  });

  test("adds what the Tenant CRD accepts, and its enums are the CRD's", () => {
    const key = `${TenantV1Beta2.GVK.apiVersion}/${TenantV1Beta2.GVK.kind}`;
    const owners = (CRD_VALIDATORS[key].schema() as any).properties.spec.properties.owners.items;
    expect(owners.properties.kind.enum).toEqual([...OWNER_KINDS]);
    expect(owners.properties.proxySettings.items.properties.kind.enum).toEqual([...PROXY_KINDS]);
    expect(owners.properties.proxySettings.items.properties.operations.items.enum).toEqual([...PROXY_OPERATIONS]);

    const [ownerPatch] = YAML.parse(ruleOf(policy, 'tenant-owner').mutate.patchesJson6902);
    const [proxyPatch] = YAML.parse(ruleOf(policy, 'tenant-proxy-settings').mutate.foreach[0].patchesJson6902);
    const validate = CRD_VALIDATORS[key].load();
    const tenant = { ...TenantV1Beta2.GVK, metadata: { name: 'oil' }, spec: { owners: [{ ...ownerPatch.value, proxySettings: proxyPatch.value }] } };
    expect(validate(tenant) ? [] : validate.errors).toEqual([]);
  });
});
