import * as YAML from 'yaml';
import { CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { findManifest, testFile } from '../core/testing';
import { validateManifest } from '../core/validation/manifests';
import { Gangplank, GangplankProps } from './gangplank';
import { clientsCluster, testDistribution } from './testing';

const OIDC = {
  authorizeURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/auth',
  tokenURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/token',
  clientID: 'gangplank',
  redirectURL: 'https://gangplank.example.com/callback',
};

function setup(props: Partial<GangplankProps> = {}, certificates?: CapsuleProxyCertificates) {
  const cluster = clientsCluster(certificates);
  const gangplank = new Gangplank(cluster.clients, 'gangplank', {
    proxy: cluster.proxy,
    file: testFile(cluster.clients, 'gangplank'),
    clusterName: 'demo',
    apiServerURL: 'https://capsule-proxy.example.com:443',
    oidc: OIDC,
    ...props,
  });
  const render = () => {
    const files = cluster.app.render();
    const deployment = findManifest(files, 'Deployment', 'gangplank');
    return { files, deployment, pod: deployment.spec.template.spec, config: YAML.parse(findManifest(files, 'ConfigMap', 'gangplank').data['config.yaml']) };
  };
  return { ...cluster, gangplank, render };
}

describe('Gangplank', () => {
  test("renders its config file with the seed's settings: capsule-proxy's external URL, the OIDC client, the kubeconfig CA path", () => {
    const { config, files } = setup({ oidc: { ...OIDC, scopes: ['openid', 'email', 'groups'], usernameClaim: 'email' } }).render();
    expect(config).toEqual({
      clusterName: 'demo',
      apiServerURL: 'https://capsule-proxy.example.com:443',
      authorizeURL: OIDC.authorizeURL,
      tokenURL: OIDC.tokenURL,
      clientID: 'gangplank',
      redirectURL: OIDC.redirectURL,
      scopes: ['openid', 'email', 'groups'],
      usernameClaim: 'email',
      clusterCAPath: '/etc/gangplank-ca/ca.crt',
    });
    // No secret in the output: the client secret and session key come from the existing Secret.
    expect(files.flatMap((f) => f.manifests).map((m) => m.kind)).not.toContain('Secret');
    expect(JSON.stringify(config)).not.toMatch(/clientSecret|sessionSecurityKey/);
  });

  test('reads the client secret and session key from an existing Secret, mounts config and CA, gets no ServiceAccount token', () => {
    const { pod, deployment } = setup({ secretName: 'gangplank-oidc' }).render();
    const [container] = pod.containers;
    expect(deployment.metadata.namespace).toBe('capsule-system');
    expect(container.image).toBe('registry.sighup.io/fury/gangplank:1.1.1');
    expect(container.command).toEqual(['gangplank', '-config', '/etc/gangplank/config.yaml']);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'gangplank-oidc' } }]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/gangplank', readOnly: true },
      { name: 'kubeconfig-ca', mountPath: '/etc/gangplank-ca', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: { name: 'gangplank' } },
      { name: 'kubeconfig-ca', projected: { sources: [{ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } }] } },
    ]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(Gangplank.SECRET_KEYS).toEqual(['GANGPLANK_CONFIG_CLIENT_SECRET', 'GANGPLANK_CONFIG_SESSION_SECURITY_KEY']);
  });

  test("hands out the CA key of the proxy's issuer, another Secret's key, or none", () => {
    const certManager = setup({}, CapsuleProxyCertificates.CERT_MANAGER).render();
    expect(certManager.pod.volumes[1].projected.sources).toEqual([{ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }]);

    const ingress = setup({ kubeconfigCA: { from: 'secret', name: 'proxy-ingress-tls', key: 'tls.crt' } }).render();
    expect(ingress.pod.volumes[1].projected.sources).toEqual([{ secret: { name: 'proxy-ingress-tls', items: [{ key: 'tls.crt', path: 'ca.crt' }] } }]);
    expect(ingress.config.clusterCAPath).toBe('/etc/gangplank-ca/ca.crt');

    const none = setup({ kubeconfigCA: { from: 'none' } }).render();
    expect(none.config).toMatchObject({ removeCAFromKubeconfig: true });
    expect(none.config.clusterCAPath).toBeUndefined();
    expect(none.pod.volumes.map((v: { name: string }) => v.name)).toEqual(['config']);
  });

  test('outside the proxy namespace, the proxy CA needs a distribution; another CA does not', () => {
    expect(() => setup({ namespace: 'gangplank' })).toThrow('install Gangplank in the capsule-proxy namespace (capsule-system) or enable trust-manager');
    expect(setup({ namespace: 'gangplank', kubeconfigCA: { from: 'none' } }).render().deployment.metadata.namespace).toBe('gangplank');
    const cluster = clientsCluster();
    new Gangplank(cluster.clients, 'gangplank', {
      proxy: cluster.proxy,
      file: testFile(cluster.clients, 'gangplank'),
      namespace: 'gangplank',
      caDistribution: testDistribution(cluster.layer),
      clusterName: 'demo',
      apiServerURL: 'https://capsule-proxy.example.com',
      oidc: OIDC,
    });
    const pod = findManifest(cluster.app.render(), 'Deployment', 'gangplank').spec.template.spec;
    expect(pod.volumes[1].projected.sources).toEqual([{ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }]);
  });

  test('checks its URLs', () => {
    expect(() => setup({ apiServerURL: 'capsule-proxy.example.com' })).toThrow('gangplank apiServerURL must be an https:// URL');
    expect(() => setup({ oidc: { ...OIDC, tokenURL: 'http://keycloak/token' } })).toThrow('gangplank oidc.tokenURL must be an https:// URL');
  });

  test('every object validates as a core kind', () => {
    const { files } = setup().render();
    const objects = files.filter((f) => f.path === 'test/clients/gangplank.yaml').flatMap((f) => f.manifests);
    expect(objects.map((m) => m.kind)).toEqual(['ConfigMap', 'Deployment', 'Service']);
    for (const m of objects) expect(validateManifest('gangplank.yaml', m)).toEqual([]);
    expect(findManifest(files, 'Service', 'gangplank').spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'gangplank', 'app.kubernetes.io/instance': 'gangplank' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('declares its image for the registry checks', () => {
    expect(Gangplank.images().map((i) => i.registry)).toEqual(['registry.sighup.io']);
    expect(Gangplank.images({ image: 'mirror.example.com/gangplank:1.1.1' })).toMatchObject([{ registry: 'mirror.example.com', overridden: true, path: 'image' }]);
  });
});
