import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { findManifest, helmValues } from '../lib/core/testing';
import { platformImages } from '../lib/platform/platform-images';
import { loadPlatform } from '../lib/platform/config/load';
import { configProblems as problems, configWith, FIXTURE_CONFIG, ROOT, synth } from './helpers';

const HEADLAMP = { oidc: { issuerURL: 'https://keycloak.example.com/realms/example', clientID: 'headlamp', clientSecretName: 'headlamp-oidc' } };
const TEKTON = { authProxy: { podLabels: { 'app.kubernetes.io/name': 'oauth2-proxy' } } };
const GANGPLANK = {
  apiServerURL: 'https://capsule-proxy.example.com:443',
  oidc: {
    authorizeURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/auth',
    tokenURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/token',
    clientID: 'gangplank',
    redirectURL: 'https://gangplank.example.com/callback',
  },
};

/** The fixture (cluster demo) with `clients` set. */
function withClients(clients: unknown, edit: (cluster: any) => void = () => {}): string {
  const platform = YAML.parse(fs.readFileSync(path.join(FIXTURE_CONFIG, 'platform.yaml'), 'utf8'));
  platform.clusters[0].clients = clients;
  edit(platform.clusters[0]);
  return configWith({ 'platform.yaml': YAML.stringify(platform) });
}

describe('clients in platform.yaml', () => {
  test('the default configuration has no clients layer', () => {
    const { files } = synth();
    expect(files.filter((f) => f.path.startsWith('demo/clients/'))).toEqual([]);
    expect(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Kustomization' && m.metadata.name === 'platform-clients')).toEqual([]);
  });

  test('enabled clients go into their own layer, applied after the infrastructure (capsule-proxy and its CA Secret)', () => {
    const { files } = synth(withClients({ headlamp: HEADLAMP, gangplank: GANGPLANK, kubernetesDashboard: {}, tektonDashboard: TEKTON }));
    expect(files.filter((f) => f.path.startsWith('demo/clients/')).map((f) => f.path)).toEqual([
      'demo/clients/gangplank.yaml',
      'demo/clients/headlamp.yaml',
      'demo/clients/kubernetes-dashboard.yaml',
      'demo/clients/kustomization.yaml',
      'demo/clients/tekton-dashboard.yaml',
    ]);
    const layer = findManifest(files, 'Kustomization', 'platform-clients');
    expect(layer.spec).toMatchObject({ path: './dist/demo/clients', dependsOn: [{ name: 'platform-infrastructure' }], wait: true });
    // The seed profile's capsule-proxy issues with certgen: every client trusts key "ca" of Secret capsule-proxy.
    expect(JSON.stringify(helmValues(files, 'headlamp').volumes)).toContain('{"key":"ca","path":"ca.crt"}');
    expect(findManifest(files, 'ConfigMap', 'gangplank').data['config.yaml']).toContain('clusterName: demo');
    expect(findManifest(files, 'Deployment', 'tekton-dashboard').metadata.namespace).toBe('capsule-system');
    expect(findManifest(files, 'NetworkPolicy', 'tekton-dashboard').spec.ingress[0].from[0].podSelector.matchLabels).toEqual(TEKTON.authProxy.podLabels);
  });

  test('the Tekton Dashboard needs its auth proxy: the only Pods its NetworkPolicy admits', () => {
    expect(problems(withClients({ tektonDashboard: {} })).join('\n')).toMatch(/platform\.yaml.*clusters\[0\]\.clients\.tektonDashboard.*authProxy/);
    expect(problems(withClients({ tektonDashboard: { authProxy: { podLabels: {} } } })).join('\n')).toMatch(/clusters\[0\]\.clients\.tektonDashboard\.authProxy\.podLabels/);
  });

  test('under versions current (cert-manager by default), the clients trust key ca.crt', () => {
    const { files } = synth(withClients({ kubernetesDashboard: {} }, (c) => {
      c.versions = 'current';
      c.capsuleProxy = { certificates: 'cert-manager' };
      c.certManager = { external: true };
    }));
    expect(helmValues(files, 'kubernetes-dashboard').api.volumes[1].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('a client outside the capsule-proxy namespace is refused, naming the file, the field and what to do', () => {
    expect(problems(withClients({ headlamp: { ...HEADLAMP, namespace: 'headlamp' } }))).toEqual([
      expect.stringMatching(
        /^platform\.yaml:\d+: clusters\[0\]\.clients\.headlamp\.namespace: Headlamp cannot read the capsule-proxy CA in namespace headlamp .*: install Headlamp in the capsule-proxy namespace \(capsule-system, the default\) or enable trust-manager with trustManager.enabled: true, which copies the CA there \(cluster demo\)$/,
      ),
    ]);
    // Gangplank that hands out another CA needs none in its namespace; the clients layer creates that namespace.
    const { files } = synth(withClients({ gangplank: { ...GANGPLANK, namespace: 'gangplank', kubeconfigCA: { from: 'none' } } }));
    expect(files.find((f) => f.path === 'demo/clients/namespaces.yaml')!.manifests).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gangplank', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } }]);
    expect(findManifest(files, 'Deployment', 'gangplank').metadata.namespace).toBe('gangplank');
    // It is the platform's: no tenant may be named after it.
    expect(problems(withClients({ gangplank: { ...GANGPLANK, namespace: 'oil', kubeconfigCA: { from: 'none' } } })).join('\n')).toMatch(/tenants\/oil\.yaml.*oil/);
  });

  test("with trust-manager, a client elsewhere reads the proxy CA from the Bundle's ConfigMap, after the trust layer", () => {
    const { files } = synth(withClients({ headlamp: { ...HEADLAMP, namespace: 'headlamp' }, tektonDashboard: TEKTON }, (c) => {
      c.certManager = { enabled: true };
      c.trustManager = { enabled: true };
    }));
    const bundle = findManifest(files, 'Bundle', 'capsule-proxy-ca');
    // The certgen CA key of the proxy's Secret, into the client's namespace only.
    expect(bundle.spec.sources).toEqual([{ secret: { name: 'capsule-proxy', key: 'ca' } }]);
    expect(bundle.spec.target.namespaceSelector.matchExpressions[0].values).toEqual(['headlamp']);
    const volumes = helmValues(files, 'headlamp').volumes;
    for (const v of volumes) expect(v.projected.sources).toContainEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(findManifest(files, 'HelmRelease', 'headlamp').spec.targetNamespace).toBe('headlamp');
    expect(findManifest(files, 'Kustomization', 'platform-clients').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }, { name: 'platform-trust' }]);
    expect(findManifest(files, 'Namespace', 'headlamp').metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    // The Tekton Dashboard stays next to the proxy and reads its Secret.
    expect(findManifest(files, 'Deployment', 'tekton-dashboard').spec.template.spec.volumes[0].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } });
  });

  test('OIDC settings are typed and checked; secrets are only referenced', () => {
    const http = problems(withClients({ headlamp: { oidc: { ...HEADLAMP.oidc, issuerURL: 'http://keycloak' } } }));
    expect(http).toEqual([expect.stringContaining('clusters[0].clients.headlamp.oidc.issuerURL: must be an https:// URL')]);
    const inline = problems(withClients({ headlamp: { oidc: { ...HEADLAMP.oidc, clientSecret: 'hunter2' } } }));
    expect(inline.join('\n')).toContain('clusters[0].clients.headlamp.oidc');
    expect(inline.join('\n')).not.toContain('hunter2');
    const missing = problems(withClients({ gangplank: { oidc: GANGPLANK.oidc } }));
    expect(missing.join('\n')).toContain('clusters[0].clients.gangplank');
    expect(missing.join('\n')).toContain('apiServerURL');
  });

  test("Gangplank's apiServerURL is capsule-proxy's exposed URL, owned by the exposure: derived, never retyped", () => {
    const { oidc } = GANGPLANK;
    const expose = (c: any) => { c.capsuleProxy = { ...c.capsuleProxy, exposure: { type: 'LoadBalancer', host: 'capsule-proxy.demo.example.com' } }; };
    const { files } = synth(withClients({ gangplank: { oidc } }, expose));
    expect(YAML.parse(findManifest(files, 'ConfigMap', 'gangplank').data['config.yaml']).apiServerURL).toBe('https://capsule-proxy.demo.example.com:9001');
    expect(problems(withClients({ gangplank: GANGPLANK }, expose))).toEqual([
      expect.stringMatching(/clusters\[0\]\.clients\.gangplank\.apiServerURL: .*capsuleProxy\.exposure \(host capsule-proxy\.demo\.example\.com\).*remove apiServerURL/),
    ]);
  });

  test("one OIDC issuer per cluster: Headlamp and the tenant kubeconfigs read the cluster's oidc.issuerURL, never a copy", () => {
    const issuer = 'https://sso.example.com/realms/demo';
    const { oidc: headlampOidc } = HEADLAMP;
    const { issuerURL: _own, ...withoutIssuer } = headlampOidc;
    const onCluster = (c: any) => {
      c.oidc = { issuerURL: issuer };
      c.capsuleProxy = { ...c.capsuleProxy, exposure: { type: 'LoadBalancer', host: 'capsule-proxy.demo.example.com', oidc: { clientID: 'kubectl' } } };
    };
    const { files } = synth(withClients({ headlamp: { oidc: withoutIssuer } }, onCluster));
    expect(helmValues(files, 'headlamp').env).toContainEqual({ name: 'OIDC_ISSUER_URL', value: issuer });
    const kubeconfigs = files.filter((f) => f.path.startsWith('demo/kubeconfigs/') && f.path.endsWith('.yaml'));
    expect(kubeconfigs.length).toBeGreaterThan(0);
    for (const kubeconfig of kubeconfigs) expect(JSON.stringify(kubeconfig)).toContain(`--oidc-issuer-url=${issuer}`);
    expect(problems(withClients({ headlamp: HEADLAMP }, onCluster))).toEqual([
      expect.stringMatching(/clusters\[0\]\.clients\.headlamp\.oidc\.issuerURL: the issuer is clusters\[0\]\.oidc\.issuerURL \(https:\/\/sso\.example\.com\/realms\/demo\).*remove issuerURL here/),
    ]);
    expect(problems(withClients({ headlamp: { oidc: withoutIssuer } }))).toEqual([
      expect.stringMatching(/clusters\[0\]\.clients\.headlamp\.oidc: needs the OIDC issuer: set clusters\[0\]\.oidc\.issuerURL/),
    ]);
  });

  test('values the platform derives cannot be overridden', () => {
    expect(problems(withClients({ headlamp: { ...HEADLAMP, values: { env: [] } } }))).toEqual([
      expect.stringMatching(/clusters\[0\]\.clients\.headlamp\.values\.env: cannot be overridden: routes Headlamp through capsule-proxy/),
    ]);
    expect(problems(withClients({ kubernetesDashboard: { values: { api: { volumes: [] } } } }))).toEqual([
      expect.stringMatching(/clusters\[0\]\.clients\.kubernetesDashboard\.values\.api\.volumes: cannot be overridden/),
    ]);
  });

  test("the clients' images count for restrict-image-registries (scope cluster, Enforce)", () => {
    const cluster = loadPlatform(withClients({ gangplank: { ...GANGPLANK, image: 'mirror.example.com/gangplank:1.1.1' }, tektonDashboard: TEKTON })).settings.clusters[0];
    const clients = platformImages(cluster).filter((c) => !c.chart);
    expect(clients.map((c) => [c.component, c.images.map((i) => i.registry)])).toEqual([
      ['Gangplank', ['mirror.example.com']],
      ['Tekton Dashboard', ['ghcr.io']],
    ]);
    const enforced = problems(
      withClients({ gangplank: GANGPLANK }, (c) => {
        c.kyverno.policies['restrict-image-registries'] = { enabled: true, scope: 'cluster', failureAction: 'Enforce', registries: ['docker.io', 'ghcr.io', 'public.ecr.aws', 'registry.k8s.io'] };
      }),
    );
    expect(enforced).toEqual([expect.stringContaining('does not allow registry.sighup.io, which the platform\'s own Pods pull from: Gangplank gangplank (chart default of image)')]);
  });

  test('examples/platform enables Headlamp and Gangplank on prod, the Kubernetes and Tekton Dashboards on staging', () => {
    const { files } = synth(path.join(ROOT, 'examples', 'platform'));
    const layers = (cluster: string) => files.filter((f) => f.path.startsWith(`${cluster}/clients/`) && f.path !== `${cluster}/clients/kustomization.yaml`).map((f) => path.basename(f.path));
    expect(layers('prod')).toEqual(['gangplank.yaml', 'headlamp.yaml']);
    expect(layers('staging')).toEqual(['kubernetes-dashboard.yaml', 'namespaces.yaml', 'tekton-dashboard.yaml']);
    // Staging's Tekton Dashboard runs in tekton-pipelines: trust-manager copies the proxy CA there.
    expect(findManifest(files, 'Bundle', 'capsule-proxy-ca').spec.target.namespaceSelector.matchExpressions[0].values).toEqual(['tekton-pipelines']);
  });
});
