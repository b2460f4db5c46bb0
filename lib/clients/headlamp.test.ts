import { CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { findManifest, helmValues } from '../core/testing';
import { Headlamp, HeadlampProps } from './headlamp';
import { clientsCluster, testDistribution } from './testing';

const OIDC = { issuerURL: 'https://keycloak.example.com/realms/example', clientID: 'headlamp', clientSecretName: 'headlamp-oidc' };

function setup(props: Partial<HeadlampProps> = {}, certificates?: CapsuleProxyCertificates) {
  const cluster = clientsCluster(certificates);
  const headlamp = new Headlamp(cluster.clients, 'headlamp', { proxy: cluster.proxy, ...props });
  return { ...cluster, headlamp, values: () => helmValues(cluster.app.render(), 'headlamp') };
}

const env = (values: Record<string, any>) => Object.fromEntries(values.env.map((e: { name: string; value: string }) => [e.name, e.value]));

/**
 * The OIDC arguments chart 0.45.0 gives Headlamp's container with config.oidc.externalSecret
 * (templates/deployment.yaml, the branch after `if not $oidc.externalSecret.enabled`), as the kubelet
 * expands `$(VAR)` from the container's env: values `env`, and OIDC_CLIENT_SECRET from the Secret
 * (envFrom). An undefined variable stays `$(VAR)`. Checked against `helm template` of the chart.
 */
function chartOidcArgs(v: Record<string, any>): string[] {
  const e = env(v);
  const oidc = { callbackURL: '', useAccessToken: false, ...v.config.oidc };
  const args = ['-oidc-client-id=$(OIDC_CLIENT_ID)', '-oidc-client-secret=$(OIDC_CLIENT_SECRET)', '-oidc-idp-issuer-url=$(OIDC_ISSUER_URL)'];
  if (oidc.externalSecret.hasScopes) args.push('-oidc-scopes=$(OIDC_SCOPES)');
  if (oidc.callbackURL !== '' || (e.OIDC_CALLBACK_URL ?? '') !== '') args.push('-oidc-callback-url=$(OIDC_CALLBACK_URL)');
  if (String(oidc.useAccessToken) === 'true' || e.OIDC_USE_ACCESS_TOKEN === 'true') args.push('-oidc-use-access-token=$(OIDC_USE_ACCESS_TOKEN)');
  const fromSecret: Record<string, string> = { [Headlamp.CLIENT_SECRET_KEY]: '<from Secret headlamp-oidc>' };
  return args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (ref, name: string) => e[name] ?? fromSecret[name] ?? ref));
}

describe('Headlamp', () => {
  test('installs chart headlamp 0.45.0 from its Helm repository in the proxy namespace, after capsule-proxy', () => {
    const { app, headlamp } = setup();
    expect(headlamp.release).toMatchObject({ releaseName: 'headlamp', namespace: 'capsule-system', chart: { chart: 'headlamp', version: '0.45.0' } });
    const files = app.render();
    const release = findManifest(files, 'HelmRelease', 'headlamp');
    expect(release.spec).toMatchObject({ targetNamespace: 'capsule-system', dependsOn: [{ name: 'capsule-proxy' }] });
    expect(findManifest(files, 'HelmRepository', 'headlamp').spec.url).toBe('https://kubernetes-sigs.github.io/headlamp/');
    expect(files.find((f) => f.path === 'test/clients/headlamp.yaml')).toBeDefined();
  });

  test('talks to capsule-proxy in-cluster, with the proxy host and port the CapsuleProxy construct owns', () => {
    const { values, proxy } = setup();
    const v = values();
    expect(v.config.inCluster).toBe(true);
    expect(env(v)).toMatchObject({ KUBERNETES_SERVICE_HOST: 'capsule-proxy.capsule-system.svc', KUBERNETES_SERVICE_PORT: '9001' });
    expect(env(v).KUBERNETES_SERVICE_HOST).toBe(proxy.serviceHost);
    // The ServiceAccount mount is replaced by one whose ca.crt is the proxy's CA.
    expect(v.volumeMounts[0]).toEqual({ name: 'kube-api-access-capsule', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(v.volumes[0].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } });
    // No cluster-admin for the ServiceAccount: users act with their own tokens.
    expect(v.clusterRoleBinding).toEqual({ create: false });
  });

  test("adds the proxy CA to Go's trust store with SSL_CERT_DIR, keeping the system CAs, without -insecure-ssl", () => {
    const v = setup().values();
    expect(env(v).SSL_CERT_DIR).toBe('/etc/ssl/certs:/etc/capsule-proxy');
    expect(v.volumeMounts[1]).toEqual({ name: 'capsule-proxy-ca', mountPath: '/etc/capsule-proxy', readOnly: true });
    expect(v.volumes[1]).toEqual({ name: 'capsule-proxy-ca', projected: { sources: [{ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } }] } });
    expect(JSON.stringify(v)).not.toContain('insecure');
  });

  test("trusts the CA key of the proxy's issuer: ca with certgen, ca.crt with cert-manager", () => {
    for (const [certificates, key] of [[CapsuleProxyCertificates.CERTGEN, 'ca'], [CapsuleProxyCertificates.CERT_MANAGER, 'ca.crt']] as const) {
      const { values, proxy } = setup({}, certificates);
      const v = values();
      expect(proxy.caCertificate.key).toBe(key);
      for (const volume of v.volumes) expect(volume.projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key, path: 'ca.crt' }] } });
    }
  });

  test('OIDC: public settings as the env vars the chart turns into flags, the client secret from the existing Secret', () => {
    const v = setup({ oidc: { ...OIDC, scopes: ['openid', 'profile', 'email', 'groups'], callbackURL: 'https://headlamp.example.com/oidc-callback', useAccessToken: true } }).values();
    expect(v.config.oidc).toEqual({ secret: { create: false }, externalSecret: { enabled: true, name: 'headlamp-oidc', hasScopes: true } });
    expect(env(v)).toMatchObject({
      OIDC_ISSUER_URL: OIDC.issuerURL,
      OIDC_CLIENT_ID: 'headlamp',
      OIDC_SCOPES: 'openid,profile,email,groups',
      OIDC_CALLBACK_URL: 'https://headlamp.example.com/oidc-callback',
      OIDC_USE_ACCESS_TOKEN: 'true',
    });
    // OIDC_CLIENT_SECRET comes from the Secret (envFrom), never from values.
    expect(Object.keys(env(v))).not.toContain(Headlamp.CLIENT_SECRET_KEY);
    expect(JSON.stringify(v)).not.toMatch(/clientSecret/);
  });

  test('OIDC: the chart turns callbackURL and useAccessToken into -oidc-callback-url and -oidc-use-access-token, fully expanded', () => {
    const v = setup({ oidc: { ...OIDC, scopes: ['openid', 'groups'], callbackURL: 'https://headlamp.example.com/oidc-callback', useAccessToken: true } }).values();
    expect(chartOidcArgs(v)).toEqual([
      '-oidc-client-id=headlamp',
      '-oidc-client-secret=<from Secret headlamp-oidc>',
      '-oidc-idp-issuer-url=https://keycloak.example.com/realms/example',
      '-oidc-scopes=openid,groups',
      '-oidc-callback-url=https://headlamp.example.com/oidc-callback',
      '-oidc-use-access-token=true',
    ]);
    // The chart's own config.oidc.callbackURL/useAccessToken would add these flags with externalSecret
    // but define no variable for them: they stay unset.
    expect(v.config.oidc).not.toHaveProperty('callbackURL');
    expect(v.config.oidc).not.toHaveProperty('useAccessToken');
    // Without them, neither flag (-oidc-use-access-token defaults to false, the callback to <host>/oidc-callback).
    expect(chartOidcArgs(setup({ oidc: { ...OIDC, useAccessToken: false } }).values())).toEqual([
      '-oidc-client-id=headlamp',
      '-oidc-client-secret=<from Secret headlamp-oidc>',
      '-oidc-idp-issuer-url=https://keycloak.example.com/realms/example',
    ]);
  });

  test('without OIDC the chart creates no OIDC Secret and no OIDC flag source', () => {
    const v = setup().values();
    expect(v.config.oidc).toEqual({ secret: { create: false } });
    expect(Object.keys(env(v)).filter((n) => n.startsWith('OIDC_'))).toEqual([]);
  });

  test('checks the OIDC URLs', () => {
    expect(() => setup({ oidc: { ...OIDC, issuerURL: 'http://keycloak' } })).toThrow('headlamp oidc.issuerURL must be an https:// URL (got "http://keycloak")');
  });

  test('outside the proxy namespace: an error without a CA distribution, the distributed ConfigMap with one', () => {
    expect(() => setup({ namespace: 'headlamp' })).toThrow(
      'Headlamp runs in namespace headlamp, but the capsule-proxy CA (Secret capsule-proxy, key ca) is only in capsule-system: install Headlamp in the capsule-proxy namespace (capsule-system) or enable trust-manager',
    );
    const cluster = clientsCluster();
    const distribution = testDistribution(cluster.layer);
    const headlamp = new Headlamp(cluster.clients, 'headlamp', { proxy: cluster.proxy, namespace: 'headlamp', caDistribution: distribution });
    expect(distribution.namespaces).toEqual(['headlamp']);
    expect(headlamp.ca.distributionLayer).toBe(cluster.layer);
    const v = helmValues(cluster.app.render(), 'headlamp');
    for (const volume of v.volumes) expect(volume.projected.sources).toContainEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(JSON.stringify(v.volumes)).not.toContain('"secret"');
  });

  test('user values merge, but not over the routing or OIDC', () => {
    const v = setup({ values: { replicaCount: 2, ingress: { enabled: true } } }).values();
    expect(v).toMatchObject({ replicaCount: 2, ingress: { enabled: true }, config: { inCluster: true } });
    expect(() => setup({ values: { env: [] } })).toThrow('values.env cannot be overridden');
    expect(() => setup({ values: { config: { oidc: { clientSecret: 'x' } } } })).toThrow('values.config.oidc cannot be overridden: set it with clients.headlamp.oidc');
  });

  test('declares the images it runs: ghcr.io, and node from docker.io with the plugins manager', () => {
    expect(Headlamp.images().map((i) => i.registry)).toEqual(['ghcr.io']);
    expect(Headlamp.images({ pluginsManager: { enabled: true } }).map((i) => i.registry)).toEqual(['ghcr.io', 'docker.io']);
  });
});
