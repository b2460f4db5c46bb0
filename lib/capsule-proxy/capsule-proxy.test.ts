import { Capsule } from '../capsule/capsule';
import { imageSources } from '../core/chart-images';
import { helmValues, testCluster } from '../core/testing';
import type { VersionProfileName } from '../versions';
import { CapsuleProxy, CapsuleProxyCertificates } from './capsule-proxy';

function setup(props: Partial<ConstructorParameters<typeof CapsuleProxy>[2]> = {}, versions?: VersionProfileName) {
  const cluster = testCluster(versions);
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule, ...props });
  return { ...cluster, capsule, proxy };
}

describe('CapsuleProxy', () => {
  test('installs chart capsule-proxy 0.9.12 after Capsule, in its namespace', () => {
    const { app, proxy } = setup();
    expect(proxy.release).toMatchObject({ releaseName: 'capsule-proxy', namespace: 'capsule-system', chart: { chart: 'capsule-proxy', version: '0.9.12' } });
    const files = app.render();
    expect(files.flatMap((f) => f.manifests).find((m) => m.metadata.name === 'capsule-proxy')?.spec).toMatchObject({ dependsOn: [{ name: 'capsule' }] });
    expect(helmValues(files, 'capsule-proxy')).toEqual({
      service: { port: 9001 },
      options: { capsuleConfigurationName: 'default', generateCertificates: true },
      certManager: { generateCertificates: false },
    });
  });

  test('owns the facts its clients depend on', () => {
    const { proxy } = setup();
    expect(proxy.serviceHost).toBe('capsule-proxy.capsule-system.svc');
    expect(proxy.port).toBe(9001);
    expect(proxy.tlsSecretName).toBe('capsule-proxy');
    expect(proxy.caKey).toBe('ca');
  });

  test('derives names from the release name the way the chart does', () => {
    const { proxy } = setup({ releaseName: 'tenant-api' });
    expect(proxy.serviceHost).toBe('tenant-api-capsule-proxy.capsule-system.svc');
    expect(proxy.inClusterApiAccess().volume).toMatchObject({ projected: { sources: [{}, { secret: { name: 'tenant-api-capsule-proxy' } }, {}] } });
  });

  test('with cert-manager, enables only cert-manager and reads the CA from ca.crt', () => {
    const { app, proxy } = setup({ certificates: CapsuleProxyCertificates.CERT_MANAGER });
    expect(proxy.caKey).toBe('ca.crt');
    expect(helmValues(app.render(), 'capsule-proxy')).toMatchObject({ options: { generateCertificates: false }, certManager: { generateCertificates: true } });
    expect(proxy.inClusterApiAccess().volume).toMatchObject({ projected: { sources: [{}, { secret: { items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, {}] } });
  });

  test('routes an in-cluster client through the proxy with env, a projected volume and the default token mount path', () => {
    const { proxy } = setup();
    expect(proxy.inClusterApiAccess()).toEqual({
      env: [
        { name: 'KUBERNETES_SERVICE_HOST', value: 'capsule-proxy.capsule-system.svc' },
        { name: 'KUBERNETES_SERVICE_PORT', value: '9001' },
      ],
      volume: {
        name: 'kube-api-access-capsule',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token' } },
            { secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
      volumeMount: { name: 'kube-api-access-capsule', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    });
  });

  test('refuses overrides of the values its clients depend on', () => {
    expect(() => setup({ values: { service: { port: 8443 } } })).toThrow(/values.service.port cannot be overridden/);
    expect(() => setup({ values: { options: { generateCertificates: false } } })).toThrow(/capsuleProxy.certificates/);
  });

  test('declares the images the chart runs: the proxy from ghcr.io, certgen from registry.k8s.io only when it issues the certificate', () => {
    const registries = (props: Parameters<typeof CapsuleProxy.images>[0]) => CapsuleProxy.images(props).map((s) => [s.image.workload, s.registry]);
    expect(registries({})).toEqual([
      ['proxy', 'ghcr.io'],
      ['certgen Job', 'registry.k8s.io'],
      ['CRD lifecycle Job', 'docker.io'],
    ]);
    expect(registries({ certificates: CapsuleProxyCertificates.CERT_MANAGER })).toEqual([
      ['proxy', 'ghcr.io'],
      ['CRD lifecycle Job', 'docker.io'],
    ]);
    expect(registries({ values: { crds: { install: false }, image: { registry: 'mirror.example.com' }, jobs: { certs: { registry: 'k8s.example.com' } } } })).toEqual([
      ['proxy', 'mirror.example.com'],
      ['certgen Job', 'k8s.example.com'],
    ]);
  });

  test.each([CapsuleProxyCertificates.CERTGEN, CapsuleProxyCertificates.CERT_MANAGER])('reads its images from the values it renders (%s)', (certificates) => {
    const values = { image: { registry: 'mirror.example.com' } };
    const { app } = setup({ certificates, values });
    expect(imageSources(CapsuleProxy.IMAGES, helmValues(app.render(), 'capsule-proxy'))).toEqual(CapsuleProxy.images({ certificates, values }));
  });
});

describe('capsule-proxy request options', () => {
  const options = {
    ignoredUserGroups: ['platform-admins'],
    ignoredUsernames: ['system:serviceaccount:monitoring:prometheus'],
    ignoredImpersonationGroups: ['system:authenticated'],
    impersonationGroupRegexp: '^tenant-',
    trustedProxyCidrs: ['10.0.0.0/8'],
  };

  test('render as the chart 0.14.0 values that become flags, next to the derived ones', () => {
    const { app } = setup(options, 'current');
    expect(helmValues(app.render(), 'capsule-proxy').options).toEqual({ capsuleConfigurationName: 'default', ...options, generateCertificates: false });
  });

  test('only ignoredUserGroups exists in chart 0.9.12: the others are refused under seed, naming the version that has them', () => {
    expect(helmValues(setup({ ignoredUserGroups: ['platform-admins'] }).app.render(), 'capsule-proxy').options.ignoredUserGroups).toEqual(['platform-admins']);
    expect(() => setup({ ignoredUsernames: ['bob'] })).toThrow(
      'only capsule-proxy 0.14.0 (versions: current) has ignoredUsernames (chart value options.ignoredUsernames, flag --ignored-username); the cluster runs capsule-proxy 0.9.12 (versions: seed)',
    );
    expect(() => setup({ trustedProxyCidrs: ['10.0.0.0/8'], impersonationGroupRegexp: 'x' })).toThrow(/impersonationGroupRegexp[\s\S]*trustedProxyCidrs/);
  });

  test('are owned: values cannot set them behind the typed settings', () => {
    expect(() => setup({ values: { options: { ignoredUsernames: ['bob'] } } }, 'current')).toThrow('values.options.ignoredUsernames cannot be overridden: set it with capsuleProxy.ignoredUsernames');
  });

  test('a regular expression that does not compile is refused', () => {
    expect(() => setup({ impersonationGroupRegexp: '^(tenant-' }, 'current')).toThrow(/impersonationGroupRegexp: not a regular expression/);
  });
});
