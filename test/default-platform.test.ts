import * as YAML from 'yaml';
import { findManifest, helmValues } from '../lib/core/testing';
import { synth } from './helpers';

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
      'demo/flux/layers.yaml',
      'demo/infrastructure/capsule-proxy.yaml',
      'demo/infrastructure/capsule.yaml',
      'demo/infrastructure/namespaces.yaml',
      'demo/infrastructure/teleport-agent.yaml',
      'demo/tctl/.sourceignore',
      'demo/tctl/README.md',
      'demo/tctl/operator-bot-token.yaml',
      'demo/tctl/operator-role.yaml',
      'demo/tctl/roles/kube-access.yaml',
      'demo/teleport-operator/namespaces.yaml',
      'demo/teleport-operator/teleport-operator.yaml',
      'demo/teleport/roles/kube-access.yaml',
      'demo/tenants/oil.yaml',
    ]);
    expect(findManifest(files, 'Kustomization', 'platform-teleport-operator').spec.path).toBe('./dist/demo/teleport-operator');
    expect(findManifest(files, 'Kustomization', 'platform-teleport').spec.path).toBe('./dist/demo/teleport');
  });

  test('creates namespace capsule-system, and teleport-iac for the Teleport operator (seed 003)', () => {
    expect(byPath.get('demo/infrastructure/namespaces.yaml')?.manifests).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'capsule-system' } }]);
    expect(byPath.get('demo/teleport-operator/namespaces.yaml')?.manifests).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'teleport-iac', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    ]);
  });

  test('declares the two Helm repositories of the demo', () => {
    const urls = byPath.get('demo/flux/helm-repositories.yaml')?.manifests.map((m) => [m.metadata.name, (m.spec as { url: string }).url]);
    expect(urls).toEqual([
      ['projectcapsule', 'https://projectcapsule.github.io/charts'],
      ['teleport', 'https://charts.releases.teleport.dev'],
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

  test('declares tenant oil owned by User alice', () => {
    expect(byPath.get('demo/tenants/oil.yaml')?.manifests).toEqual([
      { apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', metadata: { name: 'oil' }, spec: { owners: [{ kind: 'User', name: 'alice' }] } },
    ]);
  });

  test('has Flux apply the tenants only after the infrastructure is healthy', () => {
    const infrastructure = findManifest(files, 'Kustomization', 'platform-infrastructure');
    const tenants = findManifest(files, 'Kustomization', 'platform-tenants');
    expect(infrastructure.spec).toMatchObject({ path: './dist/demo/infrastructure', wait: true, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
    expect(infrastructure.spec.dependsOn).toBeUndefined();
    expect(tenants.spec).toMatchObject({ path: './dist/demo/tenants', wait: true, dependsOn: [{ name: 'platform-infrastructure' }] });
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
