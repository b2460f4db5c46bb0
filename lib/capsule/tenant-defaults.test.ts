import { findManifest, testCluster, testFile } from '../core/testing';
import { Capsule } from './capsule';
import { OPENCOST_TENANT_ANNOTATION, TENANT_LABEL } from './labels';
import { Tenant } from './tenant';
import { DEFAULT_LIMIT_RANGE, isolationPolicies, SKIPPED_DEFAULTS_ANNOTATION, TenantDefaults, TenantDefaultsOptOut, withTenantDefaults } from './tenant-defaults';

const owners = [{ kind: 'User' as const, name: 'alice' }];

/** The Tenant `name` as rendered (and strictly validated against the Tenant CRD) with `defaults`. */
function rendered(defaults: TenantDefaults, spec: Record<string, unknown> = {}, optOut?: TenantDefaultsOptOut, name = 'oil') {
  const { app, layer } = testCluster();
  const capsule = new Capsule(layer, 'capsule', { namespace: 'capsule-system' });
  new Tenant(testFile(layer, name), 'tenant', { name, capsule, owners, spec, defaults, optOut });
  return findManifest(app.render(), 'Tenant', name);
}

describe('tenant defaults', () => {
  test('isolate tenants by default: ingress only from the namespaces labelled with the same tenant, and a default LimitRange', () => {
    const tenant = rendered({});
    expect(tenant.spec.networkPolicies).toEqual({
      items: [{ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { [TENANT_LABEL]: 'oil' } } }] }] }],
    });
    expect(tenant.spec.limitRanges).toEqual({ items: [DEFAULT_LIMIT_RANGE] });
    expect(tenant.metadata.annotations).toBeUndefined();
    // Each tenant's policy names its own tenant.
    expect(rendered({}, {}, {}, 'gas').spec.networkPolicies.items[0].ingress[0].from[0].namespaceSelector.matchLabels[TENANT_LABEL]).toBe('gas');
  });

  test('let the monitoring namespace and the listed namespaces in, selected by their name label', () => {
    const one = rendered({ networkIsolation: { monitoringNamespace: 'monitoring' } }).spec.networkPolicies.items[0];
    expect(one.ingress[0].from[1]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
    const several = rendered({ networkIsolation: { monitoringNamespace: 'monitoring', fromNamespaces: ['ingress-nginx', 'monitoring'] } }).spec.networkPolicies.items[0];
    expect(several.ingress[0].from[1]).toEqual({
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress-nginx', 'monitoring'] }] },
    });
  });

  test('restrict egress only when asked: own tenant, the cluster DNS on port 53 (UDP and TCP), listed namespaces and CIDRs', () => {
    const items = rendered({ networkIsolation: { egress: { toNamespaces: ['otel'], toCidrs: ['0.0.0.0/0'] } } }).spec.networkPolicies.items;
    expect(items).toHaveLength(2);
    const egress = items[1];
    expect(egress.policyTypes).toEqual(['Egress']);
    expect(egress.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { [TENANT_LABEL]: 'oil' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'otel' } } },
    ]);
    expect(egress.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
    expect(egress.egress[2]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] });
    const dns = rendered({ networkIsolation: { egress: { dns: { namespace: 'dns', podLabels: { app: 'coredns' } } } } }).spec.networkPolicies.items[1];
    expect(dns.egress).toHaveLength(2);
    expect(dns.egress[1].to[0].podSelector).toEqual({ matchLabels: { app: 'coredns' } });
  });

  test("keep the tenant's own network policies after the defaults, so the defaults' copies keep their names", () => {
    const own = { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] };
    const items = rendered({}, { networkPolicies: { items: [own] } }).spec.networkPolicies.items;
    expect(items).toHaveLength(2);
    expect(items[0].ingress[0].from[0].namespaceSelector).toBeDefined();
    expect(items[1]).toEqual(own);
  });

  test("give way to the tenant's own limitRanges and resourceQuotas, and say so on the Tenant", () => {
    const limitRanges = { items: [{ limits: [{ type: 'Container', max: { cpu: '2' } }] }] };
    const quotas = { scope: 'Namespace', items: [{ hard: { pods: '10' } }] };
    const tenant = rendered({ resourceQuotas: { items: [{ hard: { pods: '50' } }] } }, { limitRanges, resourceQuotas: quotas });
    expect(tenant.spec.limitRanges).toEqual(limitRanges);
    expect(tenant.spec.resourceQuotas).toEqual(quotas);
    expect((tenant.metadata.annotations as any)[SKIPPED_DEFAULTS_ANNOTATION]).toBe("limitRange (the tenant's own limitRanges), resourceQuotas (the tenant's own resourceQuotas)");
    expect(rendered({ resourceQuotas: { scope: 'Tenant', items: [{ hard: { pods: '50' } }] } }).spec.resourceQuotas).toEqual({ scope: 'Tenant', items: [{ hard: { pods: '50' } }] });
  });

  test('are switched off per tenant, each opt-out named in the annotation', () => {
    const tenant = rendered({ tenantIdentity: {} }, {}, { networkIsolation: false, limitRange: false, tenantIdentity: false });
    expect(tenant.spec.networkPolicies).toBeUndefined();
    expect(tenant.spec.limitRanges).toBeUndefined();
    expect(tenant.spec.namespaceOptions).toBeUndefined();
    expect(tenant.metadata.annotations).toEqual({ [SKIPPED_DEFAULTS_ANNOTATION]: 'limitRange (opted out), networkIsolation (opted out), tenantIdentity (opted out)' });
  });

  test('are switched off per cluster with false, which no tenant then has to opt out of', () => {
    const tenant = rendered({ networkIsolation: false, limitRange: false }, {}, { networkIsolation: false });
    expect(tenant.spec).toEqual({ owners });
    expect(tenant.metadata.annotations).toBeUndefined();
  });

  test('annotate every tenant namespace for OpenCost with the tenant name (Capsule template), keeping other metadata and a value of its own', () => {
    const list = [{ labels: { team: 'a' } }];
    const tenant = rendered({ tenantIdentity: {} }, { namespaceOptions: { quota: 3, additionalMetadataList: list } });
    expect(tenant.spec.namespaceOptions).toEqual({ quota: 3, additionalMetadataList: [...list, { annotations: { [OPENCOST_TENANT_ANNOTATION]: '{{ tenant.name }}' } }] });
    const own = { namespaceOptions: { additionalMetadataList: [{ annotations: { [OPENCOST_TENANT_ANNOTATION]: 'energy' } }] } };
    const overridden = rendered({ tenantIdentity: {} }, own);
    expect(overridden.spec.namespaceOptions).toEqual(own.namespaceOptions);
    expect((overridden.metadata.annotations as any)[SKIPPED_DEFAULTS_ANNOTATION]).toBe(`tenantIdentity (the tenant's own ${OPENCOST_TENANT_ANNOTATION})`);
    expect(rendered({ tenantIdentity: { opencost: false } }).spec.namespaceOptions).toBeUndefined();
  });

  test('do not change the spec they are given', () => {
    const spec = { networkPolicies: { items: [{ podSelector: {} }] } };
    const copy = JSON.parse(JSON.stringify(spec));
    const limitRange = { limits: [{ type: 'Container', max: { cpu: '1' } }] };
    const result = withTenantDefaults('oil', spec, { limitRange });
    (result.spec.limitRanges as { items: Array<Record<string, unknown>> }).items[0].limits = [];
    expect(spec).toEqual(copy);
    expect(limitRange.limits).toHaveLength(1);
  });
});

describe('withTenantDefaults with replicate (Capsule 0.14)', () => {
  const own = { networkPolicies: { items: [{ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }] } };

  test('keeps isolation and the LimitRange out of the spec, returns them to replicate, and leaves the tenant\'s own policies as written', () => {
    const { spec, replicated, skipped } = withTenantDefaults('oil', own, { networkIsolation: { egress: {} } }, {}, { replicate: true });
    expect(spec).toEqual(own);
    expect(replicated.networkPolicies.map((p) => p.policyTypes)).toEqual([['Ingress'], ['Egress']]);
    expect(replicated.networkPolicies).toEqual(isolationPolicies('oil', { egress: {} }));
    expect(replicated.limitRanges).toEqual([DEFAULT_LIMIT_RANGE]);
    expect(skipped).toEqual([]);
  });

  test('opt-outs and own limitRanges replicate nothing of that default; quotas and identity still go into the spec', () => {
    const spec = { limitRanges: { items: [{ limits: [] }] } };
    const rendered = withTenantDefaults('oil', spec, { resourceQuotas: { scope: 'Tenant', items: [] }, tenantIdentity: {} }, { networkIsolation: false }, { replicate: true });
    expect(rendered.replicated).toEqual({ networkPolicies: [], limitRanges: [] });
    expect(rendered.skipped).toEqual(['limitRange (the tenant\'s own limitRanges)', 'networkIsolation (opted out)']);
    expect(rendered.spec).toMatchObject({ limitRanges: spec.limitRanges, resourceQuotas: { scope: 'Tenant', items: [] }, namespaceOptions: { additionalMetadataList: [expect.any(Object)] } });
  });
});
