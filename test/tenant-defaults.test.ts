import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { findManifest } from '../lib/core/testing';
import * as crdValidators from '../lib/core/validation/crd-validators';
import { TENANT_KEY } from '../lib/platform/config/tenant-schema';
import { configProblems as problems, configWith, FIXTURE_CONFIG, ROOT, synth } from './helpers';

/** The fixture with `edit` applied to its parsed platform.yaml (cluster demo). */
function withCluster(edit: (cluster: any) => void, files: Parameters<typeof configWith>[0] = {}): string {
  const platform = YAML.parse(fs.readFileSync(path.join(FIXTURE_CONFIG, 'platform.yaml'), 'utf8'));
  edit(platform.clusters[0]);
  return configWith({ 'platform.yaml': YAML.stringify(platform), ...files });
}

describe('tenantDefaults in platform.yaml', () => {
  test('left out, tenants are still isolated and get the default LimitRange', () => {
    const { files } = synth(withCluster((c) => delete c.tenantDefaults));
    const tenant = findManifest(files, 'Tenant', 'oil');
    expect(tenant.spec.networkPolicies.items).toEqual([
      { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'oil' } } }] }] },
    ]);
    expect(tenant.spec.limitRanges.items[0].limits[0]).toMatchObject({ type: 'Container', default: { cpu: '500m', memory: '512Mi' } });
    expect(tenant.spec.namespaceOptions).toBeUndefined();
  });

  test('a tenant opts out in its file, and its Tenant says which defaults it does without', () => {
    const { files } = synth(configWith({ 'tenants/oil.yaml': (old) => `${old}  tenantDefaults:\n    networkIsolation: false\n    tenantIdentity: false\n` }));
    const tenant = findManifest(files, 'Tenant', 'oil');
    expect(tenant.spec.networkPolicies).toBeUndefined();
    expect(tenant.spec.namespaceOptions).toBeUndefined();
    expect(tenant.spec.limitRanges).toBeDefined();
    expect(tenant.metadata.annotations).toEqual({ 'capsule-platform/skipped-defaults': 'networkIsolation (opted out), tenantIdentity (opted out)', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('tenantIdentity labels Pods through capsule-pod-labels, enabling it at its defaults when kyverno does not list it', () => {
    const { files } = synth(withCluster((c) => delete c.kyverno.policies['capsule-pod-labels']));
    const policy = findManifest(files, 'ClusterPolicy', 'capsule-pod-labels');
    // The label the Capsule constructs own (lib/capsule/labels.ts), from the namespace onto the Pod.
    expect(policy.spec.rules[0].mutate.patchStrategicMerge).toEqual({ metadata: { labels: { '+(capsule.clastix.io/tenant)': '{{ tenant_name }}' } } });
    const { files: without } = synth(withCluster((c) => {
      delete c.kyverno.policies['capsule-pod-labels'];
      c.tenantDefaults.tenantIdentity.pods = false;
    }));
    expect(without.some((f) => f.path === 'demo/policies/capsule-pod-labels.yaml')).toBe(false);
    expect(findManifest(without, 'Tenant', 'oil').spec.namespaceOptions.additionalMetadataList).toEqual([{ annotations: { 'opencost.projectcapsule.dev/tenant': '{{ tenant.name }}' } }]);
  });

  test('a limit range and quotas of the cluster are checked like a tenant\'s, at their line in platform.yaml', () => {
    const dir = withCluster((c) => {
      c.tenantDefaults.limitRange = { limits: [{ type: 'Container', default: { cpu: '1' }, max: { cpu: '500m' } }] };
      c.tenantDefaults.resourceQuotas = { scope: 'Everywhere', items: [] };
    });
    // Shape first (as for tenant files): the LimitRange's min/max rule is checked once the shapes are right.
    const found = problems(dir);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^platform\.yaml:\d+: clusters\[0\]\.tenantDefaults\.resourceQuotas\.scope: must be one of "Tenant", "Namespace" \(got "Everywhere"\)$/);
    expect(problems(withCluster((c) => (c.tenantDefaults.limitRange = { limits: [{ type: 'Container', default: { cpu: '1' }, max: { cpu: '500m' } }] })))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.tenantDefaults\.limitRange\.limits\[0\]/),
    ]);
    expect(problems(withCluster((c) => (c.tenantDefaults.limitRange = { limitz: [] })))).toEqual([
      expect.stringMatching(/clusters\[0\]\.tenantDefaults\.limitRange\.limits: required field is missing$/),
      expect.stringMatching(/clusters\[0\]\.tenantDefaults\.limitRange\.limitz: unknown field; allowed fields here: limits$/),
    ]);
  });

  test("a limit range is judged by the Tenant CRD of the cluster's version profile", () => {
    const load = jest.spyOn(crdValidators, 'loadCrdValidator');
    try {
      const limitRange = { limits: [{ type: 'Container', default: { cpu: 'lots' } }] };
      for (const versions of ['seed', 'current'] as const) {
        load.mockClear();
        expect(problems(withCluster((c) => {
          c.versions = versions;
          c.tenantDefaults.limitRange = limitRange;
        }))).toEqual([
          expect.stringMatching(/clusters\[0\]\.tenantDefaults\.limitRange\.limits\[0\]\.default\.cpu: must be a Kubernetes quantity/),
        ]);
        expect(load).toHaveBeenCalledWith(TENANT_KEY, versions);
      }
    } finally {
      load.mockRestore();
    }
  });

  test('an object where an object or false is allowed is explained by the object form: the inner field and its rule', () => {
    expect(problems(withCluster((c) => (c.tenantDefaults.networkIsolation.monitoringNamespace = 'Mon_itoring')))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.tenantDefaults\.networkIsolation\.monitoringNamespace: must be a DNS-1123 label: .* \(got "Mon_itoring"\)$/),
    ]);
    expect(problems(withCluster((c) => (c.tenantDefaults.tenantIdentity = { opencost: true, loki: true })))).toEqual([
      expect.stringMatching(/clusters\[0\]\.tenantDefaults\.tenantIdentity\.loki: unknown field; allowed fields here: opencost, pods$/),
    ]);
    // A scalar still gets the list of forms.
    expect(problems(withCluster((c) => (c.tenantDefaults.networkIsolation = 'on')))).toEqual([
      expect.stringMatching(/clusters\[0\]\.tenantDefaults\.networkIsolation: must be an object or a boolean \(got "on"\)$/),
    ]);
  });

  test('egress CIDRs are checked as addresses with a prefix length in range, at their line in platform.yaml', () => {
    const dir = withCluster((c) => (c.tenantDefaults.networkIsolation.egress = { toCidrs: ['0.0.0.0/33', 'fe80::/200', '999.1.1.1/8', '10.0.0.0/8', 'fd00::/8'] }));
    const lines = fs.readFileSync(path.join(dir, 'platform.yaml'), 'utf8').split('\n');
    const line = (cidr: string) => lines.findIndex((l) => l.includes(cidr)) + 1;
    expect(problems(dir)).toEqual([
      `platform.yaml:${line('0.0.0.0/33')}: clusters[0].tenantDefaults.networkIsolation.egress.toCidrs[0]: "0.0.0.0/33": the prefix length of an IPv4 CIDR is 0 to 32`,
      `platform.yaml:${line('fe80::/200')}: clusters[0].tenantDefaults.networkIsolation.egress.toCidrs[1]: "fe80::/200": the prefix length of an IPv6 CIDR is 0 to 128`,
      `platform.yaml:${line('999.1.1.1/8')}: clusters[0].tenantDefaults.networkIsolation.egress.toCidrs[2]: "999.1.1.1/8" is not a CIDR: an IPv4 or IPv6 address, '/', a prefix length (such as 10.0.0.0/8 or fd00::/8)`,
    ]);
  });

  test('labelling Pods needs Kyverno with capsule-pod-labels not switched off', () => {
    expect(problems(withCluster((c) => delete c.kyverno))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.tenantDefaults\.tenantIdentity: labels Pods with their tenant through the Kyverno policy capsule-pod-labels, but this cluster installs no Kyverno: add kyverno:, or set pods: false$/),
    ]);
    expect(problems(withCluster((c) => (c.kyverno.policies['capsule-pod-labels'].enabled = false)))).toEqual([
      expect.stringMatching(/tenantIdentity: labels Pods .* which kyverno\.policies\.capsule-pod-labels\.enabled switches off: enable it, or set pods: false$/),
    ]);
  });

  test('a tenant can only opt out (false) of defaults that exist', () => {
    const dir = configWith({ 'tenants/oil.yaml': (old) => `${old}  tenantDefaults:\n    networkIsolation: true\n    quotas: false\n` });
    expect(problems(dir)).toEqual([
      expect.stringMatching(/^tenants\/oil\.yaml:\d+: platform\.tenantDefaults\.networkIsolation: must be false/),
      expect.stringMatching(/^tenants\/oil\.yaml:\d+: platform\.tenantDefaults\.quotas: unknown field; allowed fields here: networkIsolation, limitRange, resourceQuotas, tenantIdentity$/),
    ]);
  });
});

describe('tenant defaults in the example platform', () => {
  const { files } = synth(path.join(ROOT, 'examples', 'platform'));

  test('prod restricts egress to the tenant, the DNS and the internet, and lets the ingress controller in', () => {
    const [ingress, egress] = findManifest(files, 'Tenant', 'oil').spec.networkPolicies.items;
    expect(ingress.ingress[0].from[1].namespaceSelector.matchExpressions[0].values).toEqual(['ingress-nginx', 'monitoring']);
    expect(egress.egress.map((rule: any) => rule.ports ?? rule.to[0].ipBlock ?? rule.to[0].namespaceSelector.matchLabels)).toEqual([
      { 'capsule.clastix.io/tenant': 'oil' },
      [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
      { cidr: '0.0.0.0/0' },
    ]);
  });

  test("gas opts out of network isolation on staging; oil's own LimitRange replaces the cluster's", () => {
    const gas = findManifest(files, 'Tenant', 'gas');
    expect(gas.spec.networkPolicies).toBeUndefined();
    expect((gas.metadata.annotations as any)['capsule-platform/skipped-defaults']).toBe('networkIsolation (opted out)');
    const oil = findManifest(files, 'Tenant', 'oil');
    expect(oil.spec.limitRanges.items[0].limits[0].default).toEqual({ cpu: '500m', memory: '512Mi' });
    expect((oil.metadata.annotations as any)['capsule-platform/skipped-defaults']).toBe("limitRange (the tenant's own limitRanges)");
    const solar = findManifest(files, 'Tenant', 'solar');
    expect(solar.spec.limitRanges.items[0].limits[0].default).toEqual({ cpu: '1', memory: '1Gi' });
  });
});

describe('tenantDefaults under versions current: replicated, not written into deprecated Tenant fields', () => {
  const current = (edit: (cluster: any) => void = () => undefined, files: Parameters<typeof configWith>[0] = {}) =>
    withCluster((c) => {
      c.versions = 'current';
      edit(c);
    }, files);
  const isolation = { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'oil' } } }] }] };

  test('network isolation and the LimitRange go into a GlobalTenantResource over the tenant\'s namespaces, kept as long as the Tenant', () => {
    const { files } = synth(current((c) => delete c.tenantDefaults));
    const tenant = findManifest(files, 'Tenant', 'oil');
    // Capsule 0.14 deprecates both fields ("Use Tenant Replications instead").
    expect(tenant.spec.networkPolicies).toBeUndefined();
    expect(tenant.spec.limitRanges).toBeUndefined();
    const replication = findManifest(files, 'GlobalTenantResource', 'oil-defaults');
    expect(replication).toEqual({
      apiVersion: 'capsule.clastix.io/v1beta2',
      kind: 'GlobalTenantResource',
      metadata: { name: 'oil-defaults', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      spec: {
        scope: 'Namespace',
        resyncPeriod: '60s',
        settings: {},
        resources: [
          {
            namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'oil' } },
            rawItems: [
              { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'platform-isolation-ingress' }, spec: isolation },
              {
                apiVersion: 'v1',
                kind: 'LimitRange',
                metadata: { name: 'platform-limits' },
                spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
              },
            ],
          },
        ],
      },
    });
    // Beside its Tenant, in the tenants layer (after Capsule's CRDs).
    expect(files.find((f) => f.manifests.includes(replication))!.path).toBe('demo/tenants/oil.yaml');
  });

  test('with egress restricted, both policies are replicated, named by their type', () => {
    const { files } = synth(current((c) => (c.tenantDefaults.networkIsolation.egress = { toCidrs: ['0.0.0.0/0'] })));
    const items = findManifest(files, 'GlobalTenantResource', 'oil-defaults').spec.resources[0].rawItems;
    expect(items.map((i: any) => `${i.kind}/${i.metadata.name}`)).toEqual(['NetworkPolicy/platform-isolation-ingress', 'NetworkPolicy/platform-isolation-egress', 'LimitRange/platform-limits']);
    expect(items[1].spec.policyTypes).toEqual(['Egress']);
  });

  test("a tenant's own limitRanges and opt-outs apply as under seed; a tenant with nothing to replicate gets no GlobalTenantResource", () => {
    const own = synth(current(() => undefined, { 'tenants/oil.yaml': (old: string) => old.replace('platform:\n', 'limitRanges:\n  items: [{limits: [{type: Pod, max: {cpu: "2"}}]}]\nplatform:\n') })).files;
    expect(findManifest(own, 'Tenant', 'oil').spec.limitRanges).toEqual({ items: [{ limits: [{ type: 'Pod', max: { cpu: '2' } }] }] });
    expect(findManifest(own, 'GlobalTenantResource', 'oil-defaults').spec.resources[0].rawItems.map((i: any) => i.kind)).toEqual(['NetworkPolicy']);
    const none = synth(current((c) => (c.tenantDefaults.limitRange = false), { 'tenants/oil.yaml': (old: string) => `${old}  tenantDefaults:\n    networkIsolation: false\n` })).files;
    expect(none.flatMap((f) => f.manifests).some((m) => m.kind === 'GlobalTenantResource')).toBe(false);
  });

  test('under seed nothing is replicated: the defaults stay on the Tenant, as Capsule 0.10.9 copies them', () => {
    const { files } = synth(withCluster((c) => delete c.tenantDefaults));
    expect(files.flatMap((f) => f.manifests).some((m) => m.kind === 'GlobalTenantResource')).toBe(false);
    expect(findManifest(files, 'Tenant', 'oil').spec.networkPolicies.items).toEqual([isolation]);
  });
});
