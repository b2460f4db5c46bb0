import * as os from 'os';
import * as path from 'path';
import { ArgoCdDelivery, SYNC_WAVE_ANNOTATION } from '../core/delivery/argocd/argocd-delivery';
import { Layer } from '../core/delivery/delivery';
import { FluxDelivery } from '../core/delivery/flux/flux-delivery';
import { PlatformApp } from '../core/output/platform-app';
import { findManifest, helmValues, testCluster } from '../core/testing';
import { CertManager } from './cert-manager';
import { addCertManager } from './platform-certificates';
import { SelfSignedCaIssuer } from './platform-issuer';

function fluxApp() {
  const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
  const delivery = new FluxDelivery(app, 'delivery', { clusterFolder: 'test' });
  return { app, delivery, folder: (name: string) => `test/${name}` };
}

describe('CertManager', () => {
  test('installs chart cert-manager v1.21.2 from charts.jetstack.io with its CRDs, into the namespace it creates', () => {
    const { app, layer } = testCluster();
    const certManager = new CertManager(layer, 'cert-manager');
    expect(certManager.release).toMatchObject({ releaseName: 'cert-manager', namespace: 'cert-manager', chart: { chart: 'cert-manager', version: 'v1.21.2', repositoryUrl: 'https://charts.jetstack.io' } });
    const files = app.render();
    expect(helmValues(files, 'cert-manager')).toEqual({ crds: { enabled: true, keep: true } });
    expect(findManifest(files, 'Namespace', 'cert-manager')).toBeDefined();
    expect(findManifest(files, 'HelmRepository', 'jetstack').spec.url).toBe('https://charts.jetstack.io');
  });

  test('the CRD switch and the namespace are owned; other values merge', () => {
    const { app, layer } = testCluster();
    for (const values of [{ crds: { enabled: false } }, { installCRDs: true }, { clusterResourceNamespace: 'x' }]) {
      expect(() => new CertManager(layer, `cm-${Object.keys(values)[0]}`, { values })).toThrow(/cannot be overridden/);
    }
    new CertManager(layer, 'cert-manager', { namespace: 'certs', values: { crds: { keep: false }, replicaCount: 2 } });
    expect(helmValues(app.render(), 'cert-manager')).toEqual({ crds: { enabled: true, keep: false }, replicaCount: 2 });
  });
});

describe('SelfSignedCaIssuer', () => {
  test("bootstraps a CA as cert-manager documents it: selfSigned ClusterIssuer, CA Certificate in cert-manager's namespace, CA ClusterIssuer", () => {
    const { app, layer } = testCluster();
    const ca = new SelfSignedCaIssuer(layer, 'ca', { certManager: { namespace: 'certs' }, name: 'example-ca' });
    expect(ca.ref).toEqual({ kind: 'ClusterIssuer', name: 'example-ca' });
    const files = app.render();
    const file = files.find((f) => f.path === 'test/infrastructure/example-ca.yaml')!;
    expect(file.manifests.map((m) => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`)).toEqual([
      'ClusterIssuer /example-ca-selfsigned',
      'Certificate certs/example-ca',
      'ClusterIssuer /example-ca',
    ]);
    expect(findManifest(files, 'ClusterIssuer', 'example-ca-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(findManifest(files, 'Certificate', 'example-ca').spec).toEqual({
      isCA: true,
      commonName: 'example-ca',
      secretName: 'example-ca',
      // 10 years, renewed a year ahead, with the same key: copied kubeconfigs keep verifying.
      duration: '87600h',
      renewBefore: '8760h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
      issuerRef: { kind: 'ClusterIssuer', name: 'example-ca-selfsigned', group: 'cert-manager.io' },
    });
    expect(findManifest(files, 'ClusterIssuer', 'example-ca').spec).toEqual({ ca: { secretName: ca.caSecretName } });
  });

  test('the CA lifetime and renewal are settable; renewBefore must be shorter, in hours', () => {
    const { app, layer } = testCluster();
    new SelfSignedCaIssuer(layer, 'ca', { certManager: { namespace: 'certs' }, duration: '43800h', renewBefore: '4380h' });
    expect(findManifest(app.render(), 'Certificate', 'platform-ca').spec).toMatchObject({ duration: '43800h', renewBefore: '4380h', privateKey: { rotationPolicy: 'Never' } });
    expect(() => new SelfSignedCaIssuer(testCluster().layer, 'ca', { certManager: { namespace: 'certs' }, duration: '720h', renewBefore: '720h' })).toThrow('renewBefore (720h) must be shorter than duration (720h)');
    expect(() => new SelfSignedCaIssuer(testCluster().layer, 'ca', { certManager: { namespace: 'certs' }, duration: '10y' })).toThrow("duration: '10y' is not a duration in hours");
  });
});

describe('addCertManager', () => {
  test('nothing without enabled or external', () => {
    const { app, delivery, folder } = fluxApp();
    expect(addCertManager(app, { delivery, folder, settings: undefined })).toBeUndefined();
    expect(addCertManager(app, { delivery, folder, settings: { namespace: 'x' } })).toBeUndefined();
  });

  test('enabled: a cert-manager layer first, the bootstrapped CA in issuers after it; users come after issuers', () => {
    const { app, delivery, folder } = fluxApp();
    const setup = addCertManager(app, { delivery, folder, settings: { enabled: true } })!;
    expect(setup.issuer).toEqual({ kind: 'ClusterIssuer', name: 'platform-ca' });
    expect(setup.before).toEqual([setup.issuersLayer]);
    expect(setup.issuersLayer!.dependsOn).toEqual([setup.certManagerLayer]);
    expect(setup.certManager.release?.releaseName).toBe('cert-manager');
    expect(setup.issuersLayer!.readinessChecks).toEqual(SelfSignedCaIssuer.READINESS);
  });

  test('external: no release; the CA is still bootstrapped (cert-manager is there), in a layer that waits for nothing', () => {
    const { app, delivery, folder } = fluxApp();
    const setup = addCertManager(app, { delivery, folder, settings: { external: true, namespace: 'certs' } })!;
    expect(setup.certManager).toEqual({ namespace: 'certs' });
    expect(setup.certManagerLayer).toBeUndefined();
    expect(setup.issuersLayer!.dependsOn).toEqual([]);
    expect(findManifest(app.render(), 'Certificate', 'platform-ca').metadata.namespace).toBe('certs');
  });

  test('an existing ClusterIssuer or the charts\' own issuers: no issuers layer, users only wait for cert-manager', () => {
    const existing = fluxApp();
    const withIssuer = addCertManager(existing.app, { ...existing, settings: { enabled: true, issuer: { type: 'cluster-issuer', name: 'corp-ca' } } })!;
    expect(withIssuer.issuer).toEqual({ kind: 'ClusterIssuer', name: 'corp-ca' });
    expect(withIssuer.issuersLayer).toBeUndefined();
    expect(withIssuer.before).toEqual([withIssuer.certManagerLayer]);
    const chart = fluxApp();
    const own = addCertManager(chart.app, { ...chart, settings: { external: true, issuer: { type: 'chart' } } })!;
    expect(own.issuer).toBeUndefined();
    expect(own.before).toEqual([]);
  });

  test('Argo CD: the waves follow the layers, cert-manager applied server-side', () => {
    const app = new PlatformApp({ outdir: path.join(os.tmpdir(), 'platform-test-unused') });
    const delivery = new ArgoCdDelivery(app, 'delivery', { clusterFolder: 'test', repoURL: 'https://git.example.com/gitops.git' });
    const setup = addCertManager(app, { delivery, folder: (n) => `test/${n}`, settings: { enabled: true } })!;
    new Layer(app, 'infrastructure', { delivery, folder: 'test/infrastructure', dependsOn: setup.before });
    const files = app.render();
    const wave = (name: string) => (findManifest(files, 'Application', name).metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION];
    expect([wave('platform-cert-manager'), wave('platform-issuers'), wave('platform-infrastructure')]).toEqual(['0', '1', '2']);
    expect(findManifest(files, 'Application', 'cert-manager').spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'RespectIgnoreDifferences=true']);
  });
});
