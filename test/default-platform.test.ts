import * as YAML from 'yaml';
import { findManifest, helmValues } from '../lib/core/testing';
import { kustomizeRootProblems, synth } from './helpers';

/**
 * The default configuration is the Capsule "Teleport" integration demo (seed 000). Each expected
 * value below is copied from that document, not from our output.
 */
const SEED_AGENT_VALUES = YAML.parse(`
proxyAddr: "teleport.demo:443"
kubeClusterName: "teleport.demo"
insecureSkipProxyTLSVerify: true
labels:
  capsule: "true"
extraEnv:
  - name: KUBERNETES_SERVICE_HOST
    value: capsule-proxy.capsule-system.svc
  - name: KUBERNETES_SERVICE_PORT
    value: "9001"
extraVolumes:
  - name: kube-api-access-capsule
    projected:
      sources:
        - serviceAccountToken:
            path: token
        - secret:
            items:
              - key: ca
                path: ca.crt
            name: capsule-proxy
        - downwardAPI:
            items:
              - fieldRef:
                  apiVersion: v1
                  fieldPath: metadata.namespace
                path: namespace
extraVolumeMounts:
  - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
    name: kube-api-access-capsule
    readOnly: true
`);

const { files } = synth();
const byPath = new Map(files.map((f) => [f.path, f]));

describe('the default platform (seed 000)', () => {
  test('is laid out per cluster, in layers, with stable file names', () => {
    expect(files.map((f) => f.path)).toEqual([
      'demo/ACCESS.md',
      'demo/flux/helm-repositories.yaml',
      'demo/flux/kustomization.yaml',
      'demo/flux/layers.yaml',
      'demo/infrastructure/capsule-proxy.yaml',
      'demo/infrastructure/capsule.yaml',
      'demo/infrastructure/kustomization.yaml',
      'demo/infrastructure/kyverno.yaml',
      'demo/infrastructure/namespaces.yaml',
      'demo/policies/always-pull-images.yaml',
      'demo/policies/block-daemonset-create.yaml',
      'demo/policies/block-ephemeral-containers.yaml',
      'demo/policies/capsule-pod-labels.yaml',
      'demo/policies/default-emptydir-sizelimit.yaml',
      'demo/policies/enforce-no-host-users.yaml',
      'demo/policies/global-config.yaml',
      'demo/policies/kustomization.yaml',
      'demo/policies/restrict-controlplane-scheduling.yaml',
      'demo/policies/restrict-image-registries.yaml',
      'demo/tctl/.sourceignore',
      'demo/tctl/README.md',
      'demo/tctl/operator-bot-token.yaml',
      'demo/tctl/operator-role.yaml',
      'demo/tctl/roles/kube-access.yaml',
      'demo/teleport-agent/kustomization.yaml',
      'demo/teleport-agent/teleport-agent.yaml',
      'demo/teleport-operator/kustomization.yaml',
      'demo/teleport-operator/namespaces.yaml',
      'demo/teleport-operator/teleport-operator.yaml',
      'demo/teleport/kustomization.yaml',
      'demo/teleport/roles/kube-access.yaml',
      'demo/tenants/kustomization.yaml',
      'demo/tenants/oil.yaml',
    ]);
    expect(findManifest(files, 'Kustomization', 'platform-teleport-operator').spec.path).toBe('./dist/demo/teleport-operator');
    expect(findManifest(files, 'Kustomization', 'platform-teleport').spec.path).toBe('./dist/demo/teleport');
  });

  test('gives the Teleport agent its own layer that nothing waits for, after the namespace of its join Secret', () => {
    const layers = files.find((f) => f.path === 'demo/flux/layers.yaml')!.manifests as ReadonlyArray<Record<string, any>>;
    expect(findManifest(files, 'Kustomization', 'platform-teleport-agent').spec).toMatchObject({ path: './dist/demo/teleport-agent', wait: true, dependsOn: [{ name: 'platform-infrastructure' }] });
    expect(layers.filter((k) => (k.spec.dependsOn ?? []).some((d: { name: string }) => d.name === 'platform-teleport-agent'))).toEqual([]);
    // The token join method reads an existing Secret in the agent's namespace, which infrastructure creates.
    const agent = findManifest(files, 'HelmRelease', 'teleport-agent');
    const namespaces = files.find((f) => f.path === 'demo/infrastructure/namespaces.yaml')!.manifests.map((m) => m.metadata.name);
    expect(namespaces).toContain(agent.spec.targetNamespace);
    // No decryption unless configured.
    expect(layers.filter((k) => k.spec.decryption)).toEqual([]);
  });

  test('makes every folder Flux applies a kustomize root listing exactly its files, sorted', () => {
    expect(kustomizeRootProblems(files, './dist')).toEqual([]);
    expect(YAML.parse(byPath.get('demo/teleport/kustomization.yaml')!.content).resources).toEqual(['roles/kube-access.yaml']);
    expect(YAML.parse(byPath.get('demo/flux/kustomization.yaml')!.content).resources).toEqual(['helm-repositories.yaml', 'layers.yaml']);
  });

  test('creates namespaces capsule-system and kyverno, and teleport-iac for the Teleport operator (seed 003)', () => {
    expect(byPath.get('demo/infrastructure/namespaces.yaml')?.manifests).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capsule-system' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kyverno' } },
    ]);
    expect(byPath.get('demo/teleport-operator/namespaces.yaml')?.manifests).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'teleport-iac', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    ]);
  });

  test('declares the Helm repositories of the demo and of Kyverno', () => {
    const urls = byPath.get('demo/flux/helm-repositories.yaml')?.manifests.map((m) => [m.metadata.name, (m.spec as { url: string }).url]);
    expect(urls).toEqual([
      ['projectcapsule', 'https://projectcapsule.github.io/charts'],
      ['teleport', 'https://charts.releases.teleport.dev'],
      ['kyverno', 'https://kyverno.github.io/kyverno/'],
    ]);
  });

  test('installs capsule 0.10.9 as release capsule in capsule-system with the seed values', () => {
    const release = findManifest(files, 'HelmRelease', 'capsule');
    expect(release.spec).toMatchObject({
      releaseName: 'capsule',
      targetNamespace: 'capsule-system',
      chart: { spec: { chart: 'capsule', version: '0.10.9', sourceRef: { kind: 'HelmRepository', name: 'projectcapsule' } } },
      install: { crds: 'CreateReplace' },
      upgrade: { crds: 'CreateReplace' },
    });
    expect(release.spec.dependsOn).toBeUndefined();
    // capsule-values.yaml of the seed
    expect(helmValues(files, 'capsule')).toEqual({ manager: { options: { capsuleUserGroups: ['tenant-oil'], forceTenantPrefix: true } } });
  });

  test('installs capsule-proxy 0.9.12 as release capsule-proxy after capsule', () => {
    const release = findManifest(files, 'HelmRelease', 'capsule-proxy');
    expect(release.spec).toMatchObject({
      releaseName: 'capsule-proxy',
      targetNamespace: 'capsule-system',
      chart: { spec: { chart: 'capsule-proxy', version: '0.9.12', sourceRef: { name: 'projectcapsule' } } },
      dependsOn: [{ name: 'capsule' }],
    });
    // The seed installs it with chart defaults; we pin the defaults the agent relies on.
    expect(helmValues(files, 'capsule-proxy')).toEqual({
      service: { port: 9001 },
      options: { capsuleConfigurationName: 'default', generateCertificates: true },
      certManager: { generateCertificates: false },
    });
  });

  test('installs teleport-kube-agent 18.2.0 after capsule-proxy with the seed values, the token in an existing Secret', () => {
    const release = findManifest(files, 'HelmRelease', 'teleport-agent');
    expect(release.spec).toMatchObject({
      releaseName: 'teleport-agent',
      targetNamespace: 'capsule-system',
      chart: { spec: { chart: 'teleport-kube-agent', version: '18.2.0', sourceRef: { name: 'teleport' } } },
      dependsOn: [{ name: 'capsule-proxy' }],
    });
    expect(helmValues(files, 'teleport-agent')).toEqual({
      ...SEED_AGENT_VALUES,
      joinTokenSecret: { create: false, name: 'teleport-kube-agent-join-token' },
    });
  });

  test('declares tenant oil owned by User alice, with the cluster\'s tenant defaults, kept in the cluster if its file is removed (Flux prune disabled)', () => {
    const [tenant, ...rest] = byPath.get('demo/tenants/oil.yaml')!.manifests as any[];
    expect(rest).toEqual([]);
    expect(tenant).toMatchObject({ apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', metadata: { name: 'oil' } });
    expect(tenant.metadata).toEqual({ name: 'oil', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
    expect(tenant.spec.owners).toEqual([{ kind: 'User', name: 'alice' }]);
    // Isolated from other tenants, open to its own namespaces and to monitoring (tenantDefaults).
    expect(tenant.spec.networkPolicies.items).toEqual([
      {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'oil' } } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
            ],
          },
        ],
      },
    ]);
    expect(tenant.spec.limitRanges.items).toHaveLength(1);
    // Seed 001, OpenCost: the annotation Capsule puts on every namespace of the tenant.
    expect(tenant.spec.namespaceOptions).toEqual({ additionalMetadataList: [{ annotations: { 'opencost.projectcapsule.dev/tenant': '{{ tenant.name }}' } }] });
    expect(Object.keys(tenant.spec).sort()).toEqual(['limitRanges', 'namespaceOptions', 'networkPolicies', 'owners']);
  });

  test('has Flux apply the policies after the infrastructure, and the tenants after both', () => {
    const infrastructure = findManifest(files, 'Kustomization', 'platform-infrastructure');
    const policies = findManifest(files, 'Kustomization', 'platform-policies');
    const tenants = findManifest(files, 'Kustomization', 'platform-tenants');
    expect(infrastructure.spec).toMatchObject({ path: './dist/demo/infrastructure', wait: true, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
    expect(infrastructure.spec.dependsOn).toBeUndefined();
    // The policies are ready once Kyverno has put each into its webhooks (condition Ready).
    expect(policies.spec).toMatchObject({
      path: './dist/demo/policies',
      wait: true,
      prune: true,
      dependsOn: [{ name: 'platform-infrastructure' }],
      healthCheckExprs: [{ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', current: expect.stringContaining("c.type == 'Ready' && c.status == 'True'") }],
    });
    expect(tenants.spec).toMatchObject({ path: './dist/demo/tenants', wait: true, dependsOn: [{ name: 'platform-infrastructure' }, { name: 'platform-policies' }] });
  });

  test('installs kyverno 3.9.0 (Kyverno 1.19) as release kyverno in namespace kyverno', () => {
    expect(findManifest(files, 'HelmRelease', 'kyverno').spec).toMatchObject({
      releaseName: 'kyverno',
      targetNamespace: 'kyverno',
      chart: { spec: { chart: 'kyverno', version: '3.9.0', sourceRef: { kind: 'HelmRepository', name: 'kyverno' } } },
    });
    expect(helmValues(files, 'kyverno')).toEqual({ config: { defaultRegistry: 'docker.io', enableDefaultRegistryMutation: true } });
  });

  test("enables the workload policies 1-8 of seed 001 with the seed's values", () => {
    const policies = files.flatMap((f) => f.manifests).filter((m) => m.kind === 'ClusterPolicy') as Array<Record<string, any>>;
    const byName = new Map(policies.map((p) => [p.metadata.name, p]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'enforce-no-host-users',
        'block-daemonset-create',
        'restrict-controlplane-scheduling',
        'default-emptydir-sizelimit',
        'block-ephemeral-containers',
        'restrict-image-registries',
        'always-pull-images',
        'capsule-pod-labels',
      ].sort(),
    );
    const failureActions = (name: string) => byName.get(name)!.spec.rules.map((r: any) => r.validate.failureAction);
    expect(failureActions('block-daemonset-create')).toEqual(['Enforce']);
    expect(failureActions('restrict-controlplane-scheduling')).toEqual(['Enforce', 'Enforce']);
    expect(failureActions('block-ephemeral-containers')).toEqual(['Enforce']);
    expect(failureActions('restrict-image-registries')).toEqual(['Audit']);
    const registries = byName.get('restrict-image-registries')!.spec.rules[0].validate.foreach.map((f: any) => f.deny.conditions.any[0].value);
    expect(registries).toEqual(Array(3).fill(['docker.io', 'public.ecr.aws', 'quay.io', 'mcr.microsoft.com']));
    expect(YAML.parse(byName.get('default-emptydir-sizelimit')!.spec.rules[0].mutate.foreach[0].patchesJson6902)[0].value).toBe('250Mi');
    expect(byName.get('capsule-pod-labels')!.spec.rules[0].context[0].apiCall.jmesPath).toMatch(/\|\| 'management'$/);
  });

  test("renders Kyverno's global configuration with the tenant label, without public namespaces", () => {
    expect(byPath.get('demo/policies/global-config.yaml')?.manifests).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kyverno-global-config', namespace: 'kyverno' }, data: { tenant_identifier_label: 'capsule.clastix.io/tenant' } },
    ]);
  });

  test('renders no Secret and no token', () => {
    const all = files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/kind: Secret\b/);
    expect(all).not.toMatch(/authToken|tokenName/);
  });

  test.each(files.map((f) => [f.path, f.content]))('%s matches its snapshot', (_path, content) => {
    expect(content).toMatchSnapshot();
  });
});
