import * as path from 'path';
import * as YAML from 'yaml';
import { findManifest, helmValues } from '../lib/core/testing';
import { configWith, kustomizeRootProblems, ROOT, synth } from './helpers';

/**
 * Tenants written as Capsule's documentation writes them. The first two are the examples of the
 * Capsule ecosystem pages (seed 001, "Image Registry" and "OpenCost"); the others use every other
 * field of the v1beta2 spec the way the documentation's examples do.
 */
const DOCUMENTATION_TENANTS = [
  `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
spec:
  containerRegistries:
    allowed:
    - "docker.io"
    - "public.ecr.aws"
    - "quay.io"
    - "mcr.microsoft.com"
  owners:
  - name: alice
    kind: User
`,
  `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
spec:
  namespaceOptions:
    additionalMetadataList:
    - annotations:
        opencost.projectcapsule.dev/tenant: "{{ tenant.name }}"
  owners:
  - name: alice
    kind: User
`,
  `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: wind
  labels:
    environment: production
spec:
  owners:
  - name: alice
    kind: User
    clusterRoles: [admin, capsule-namespace-deleter]
    proxySettings:
    - kind: StorageClasses
      operations: [List]
  - name: system:serviceaccount:tenant-system:robot
    kind: ServiceAccount
  - name: wind-admins
    kind: Group
  forceTenantPrefix: false
  cordoned: false
  preventDeletion: true
  nodeSelector:
    pool: renewable
  imagePullPolicies: [Always]
  namespaceOptions:
    quota: 3
    additionalMetadata:
      labels:
        capsule.clastix.io/tenant-owner: wind
    forbiddenLabels:
      denied: [foo.acme.net]
      deniedRegex: ".*.acme.net"
    forbiddenAnnotations:
      denied: [foo.acme.net/bar]
  additionalRoleBindings:
  - clusterRoleName: view
    subjects:
    - apiGroup: rbac.authorization.k8s.io
      kind: User
      name: joe
  resourceQuotas:
    scope: Namespace
    items:
    - hard:
        limits.cpu: "8"
        limits.memory: 16Gi
        requests.cpu: "8"
        requests.memory: 16Gi
    - hard:
        pods: "10"
  limitRanges:
    items:
    - limits:
      - type: Pod
        min:
          cpu: 50m
          memory: 5Mi
        max:
          cpu: "1"
          memory: 1Gi
  networkPolicies:
    items:
    - policyTypes: [Ingress, Egress]
      podSelector: {}
      ingress:
      - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: wind
        - podSelector: {}
        - ipBlock:
            cidr: 192.168.0.0/16
      egress:
      - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [192.168.0.0/16]
        ports:
        - port: 443
          protocol: TCP
  ingressOptions:
    allowWildcardHostnames: false
    hostnameCollisionScope: Tenant
    allowedClasses:
      matchLabels:
        env: production
    allowedHostnames:
      allowed: [wind.example.com]
      allowedRegex: ^.*\\.wind\\.example\\.com$
  storageClasses:
    allowed: [ceph-rbd]
    default: ceph-rbd
  priorityClasses:
    allowedRegex: ^wind-.*$
  runtimeClasses:
    matchLabels:
      sandboxed: "true"
  gatewayOptions:
    allowedClasses:
      matchLabels:
        env: production
  serviceOptions:
    additionalMetadata:
      annotations:
        team: wind
    allowedServices:
      nodePort: false
      externalName: false
      loadBalancer: true
    externalIPs:
      allowed: [10.20.0.0/16]
  podOptions:
    additionalMetadata:
      labels:
        energy: renewable
`,
];

/** The same tenant as a flat tenant file: `name`, the spec fields at top level. */
function flat(manifest: string): string {
  const { metadata, spec } = YAML.parse(manifest);
  return YAML.stringify({ name: metadata.name, ...spec });
}

/** The fixture's platform.yaml with every tenant default switched off, so a Tenant renders exactly as written. */
const WITHOUT_DEFAULTS = (old: string) =>
  old.replace(/    tenantDefaults:\n[\s\S]*$/, '    tenantDefaults:\n      networkIsolation: false\n      limitRange: false\n      tenantIdentity: false\n');

/** `tenant` as rendered with the default capsule.deletionProtection: Flux leaves it in the cluster when it leaves Git. */
function protectedFromPruning(tenant: any): any {
  return { ...tenant, metadata: { ...tenant.metadata, annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', ...tenant.metadata.annotations } } };
}

describe('tenant files', () => {
  test.each(DOCUMENTATION_TENANTS.map((t) => [YAML.parse(t).metadata.name, t]))('the documentation example %s renders equal to its source', (name, manifest) => {
    const { files } = synth(configWith({ 'platform.yaml': WITHOUT_DEFAULTS, 'tenants/oil.yaml': null, [`tenants/${name}.yaml`]: manifest }));
    expect(findManifest(files, 'Tenant', name)).toEqual(protectedFromPruning(YAML.parse(manifest)));
  });

  test.each(DOCUMENTATION_TENANTS.filter((t) => !YAML.parse(t).metadata.labels).map((t) => [YAML.parse(t).metadata.name, t]))(
    'the flat file of %s renders the same Tenant',
    (name, manifest) => {
      const { files } = synth(configWith({ 'platform.yaml': WITHOUT_DEFAULTS, 'tenants/oil.yaml': null, [`tenants/${name}.yaml`]: flat(manifest) }));
      expect(findManifest(files, 'Tenant', name)).toEqual(protectedFromPruning(YAML.parse(manifest)));
    },
  );

  test.each(DOCUMENTATION_TENANTS.map((t) => [YAML.parse(t).metadata.name, t]))("with the cluster's tenant defaults, %s keeps every field it sets", (name, manifest) => {
    const { files } = synth(configWith({ 'tenants/oil.yaml': null, [`tenants/${name}.yaml`]: manifest }));
    const source = YAML.parse(manifest);
    const tenant = findManifest(files, 'Tenant', name);
    // Only fields the source leaves out are added; the tenant's own limitRanges win over the default,
    // its own OpenCost annotation is not added twice.
    for (const [field, value] of Object.entries(source.spec)) {
      if (field === 'networkPolicies') expect(tenant.spec.networkPolicies.items.slice(1)).toEqual((value as any).items);
      else if (field === 'namespaceOptions') expect(tenant.spec.namespaceOptions).toMatchObject(value as object);
      else expect(tenant.spec[field]).toEqual(value);
    }
    expect(tenant.spec.networkPolicies.items[0].ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': name } } });
    const annotations = (tenant.spec.namespaceOptions.additionalMetadataList as any[]).filter((m) => m.annotations?.['opencost.projectcapsule.dev/tenant']);
    expect(annotations).toHaveLength(1);
  });

  test('capsule.deletionProtection: false lets Flux prune Tenants and tenant namespaces', () => {
    const { files } = synth(
      configWith({
        'platform.yaml': (old) => old.replace('forceTenantPrefix: true', 'forceTenantPrefix: true\n      deletionProtection: false'),
        'tenants/oil.yaml': (old) => `${old}  namespaces: [oil-dev]\n`,
      }),
    );
    expect(findManifest(files, 'Tenant', 'oil').metadata.annotations).toBeUndefined();
    expect(findManifest(files, 'Namespace', 'oil-dev').metadata.annotations).toBeUndefined();
  });

  test('forceTenantPrefix is only rendered when the file sets it, and an explicit false is kept', () => {
    const { files } = synth(
      configWith({
        'tenants/gas.yaml': 'name: gas\nowners: [{kind: User, name: bob}]\nforceTenantPrefix: false\nplatform:\n  namespaces: [pipelines]\n',
      }),
    );
    expect(findManifest(files, 'Tenant', 'oil').spec).not.toHaveProperty('forceTenantPrefix');
    expect(findManifest(files, 'Tenant', 'gas').spec.forceTenantPrefix).toBe(false);
    // The global prefix is in force on this cluster, but gas opted out: an unprefixed namespace is fine.
    expect(findManifest(files, 'Namespace', 'pipelines').metadata.labels).toEqual({ 'capsule.clastix.io/tenant': 'gas' });
  });
});

describe('the example platform (examples/platform)', () => {
  const { files } = synth(path.join(ROOT, 'examples', 'platform'));
  const paths = files.map((f) => f.path);

  test('makes every folder Flux applies a kustomize root listing exactly its files, sorted', () => {
    expect(kustomizeRootProblems(files, './platform')).toEqual([]);
  });

  test('renders each tenant in its own files, only on its clusters', () => {
    expect(paths.filter((p) => /\/tenant(s|-namespaces|-gitops)\//.test(p) && !p.endsWith('/kustomization.yaml'))).toEqual([
      'prod/tenant-gitops/oil.yaml',
      'prod/tenant-namespaces/oil.yaml',
      'prod/tenants/oil.yaml',
      'prod/tenants/solar.yaml',
      'staging/tenant-namespaces/gas.yaml',
      'staging/tenants/gas.yaml',
    ]);
  });

  test('creates tenant namespaces as a Capsule user that owns the tenant, after the tenants', () => {
    const applier = 'system:serviceaccount:flux-system:capsule-namespace-applier';
    const layer = findManifest(files.filter((f) => f.path.startsWith('prod/')), 'Kustomization', 'platform-tenant-namespaces');
    expect(layer.spec).toMatchObject({ path: './platform/prod/tenant-namespaces', serviceAccountName: 'capsule-namespace-applier', dependsOn: [{ name: 'platform-tenants' }] });
    const prod = files.filter((f) => f.path.startsWith('prod/'));
    expect(helmValues(prod, 'capsule').manager.options).toMatchObject({ userNames: [applier, 'system:serviceaccount:oil-dev:gitops'], capsuleUserGroups: ['platform-admins', 'tenant-oil', 'tenant-solar'] });
    expect(findManifest(prod, 'Tenant', 'oil').spec.owners).toContainEqual({ kind: 'ServiceAccount', name: applier, clusterRoles: ['capsule-namespace-deleter'] });
    // solar creates no namespaces from Git: it is left exactly as written.
    expect(findManifest(prod, 'Tenant', 'solar').spec.owners).toEqual([{ name: 'alice', kind: 'User' }]);
    expect(findManifest(prod, 'Namespace', 'oil-prod').metadata.labels).toEqual({ 'capsule.clastix.io/tenant': 'oil', environment: 'production' });
    // Removing it from the tenant file leaves it (and its workloads) in the cluster until deleted by hand.
    expect(findManifest(prod, 'Namespace', 'oil-prod').metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('puts the ProxySetting in a tenant namespace and switches on the gate it needs', () => {
    const prod = files.filter((f) => f.path.startsWith('prod/'));
    expect(findManifest(prod, 'ProxySetting', 'oil').metadata.namespace).toBe('oil-dev');
    expect(helmValues(prod, 'capsule-proxy').options.extraArgs).toEqual(['--feature-gates=ProxyClusterScoped=true', '--client-connection-qps=50']);
    // staging has no rule that needs the gate, so gas's legacy owner proxySettings still work there.
    const staging = files.filter((f) => f.path.startsWith('staging/'));
    expect(helmValues(staging, 'capsule-proxy').options).not.toHaveProperty('extraArgs');
    // Issued by the platform CA (certManager.enabled, issuer self-signed-ca).
    expect(helmValues(staging, 'capsule-proxy').certManager).toEqual({ generateCertificates: true, issuer: { kind: 'ClusterIssuer', name: 'platform-ca' } });
  });
});
