import { Capsule } from '../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { externalCertManager } from '../cert-manager/cert-manager';
import { Layer } from '../core/delivery/delivery';
import { findManifest, helmValues, testCluster } from '../core/testing';
import { ProxyCa } from './proxy-ca';
import { ProxyCaBundle } from './proxy-ca-bundle';
import { TrustManager } from './trust-manager';

function setup(certificates = CapsuleProxyCertificates.CERT_MANAGER) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenants'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule, certificates });
  const trustManager = new TrustManager(cluster.layer, 'trust-manager', { certManager: externalCertManager(), trustNamespace: proxy.namespace });
  const trust = new Layer(cluster.app, 'trust', { delivery: cluster.delivery, folder: 'test/trust', dependsOn: [cluster.layer] });
  return { ...cluster, proxy, trustManager, trust };
}

describe('TrustManager', () => {
  test('installs chart trust-manager v0.24.0 with its CRD, reading sources from the trust namespace it is given', () => {
    const { app, trustManager } = setup();
    expect(trustManager.release).toMatchObject({ releaseName: 'trust-manager', namespace: 'cert-manager', chart: { chart: 'trust-manager', version: 'v0.24.0', repositoryUrl: 'https://charts.jetstack.io' } });
    expect(helmValues(app.render(), 'trust-manager')).toEqual({ crds: { enabled: true }, app: { trust: { namespace: 'capsule-system' } } });
  });

  test('the trust namespace cannot be overridden through values', () => {
    const { layer } = testCluster();
    expect(() => new TrustManager(layer, 'tm', { certManager: externalCertManager(), trustNamespace: 'capsule-system', values: { app: { trust: { namespace: 'cert-manager' } } } })).toThrow(
      /values.app.trust.namespace cannot be overridden/,
    );
  });
});

describe('ProxyCaBundle', () => {
  test.each([
    [CapsuleProxyCertificates.CERT_MANAGER, 'ca.crt'],
    [CapsuleProxyCertificates.CERTGEN, 'ca'],
  ])("copies the proxy's CA (%s: key %s of its TLS Secret) into ConfigMap capsule-proxy-ca, key ca.crt, of the namespaces added", (certificates, caKey) => {
    const { app, proxy, trustManager, trust } = setup(certificates);
    const bundle = new ProxyCaBundle(trust, 'proxy-ca', { trustManager, proxy });
    bundle.addNamespace('headlamp');
    bundle.addNamespace('dashboard');
    bundle.addNamespace('headlamp');
    expect(proxy.caKey).toBe(caKey);
    expect({ name: bundle.configMapName, key: bundle.key }).toEqual({ name: 'capsule-proxy-ca', key: 'ca.crt' });
    const files = app.render();
    const rendered = findManifest(files, 'Bundle', 'capsule-proxy-ca');
    expect(rendered.apiVersion).toBe('trust.cert-manager.io/v1alpha1');
    expect(rendered.metadata.namespace).toBeUndefined();
    expect(rendered.spec).toEqual({
      sources: [{ secret: { name: proxy.tlsSecretName, key: caKey } }],
      target: {
        configMap: { key: 'ca.crt' },
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['dashboard', 'headlamp'] }] },
      },
    });
    expect(files.find((f) => f.manifests.includes(rendered))?.path).toBe('test/trust/capsule-proxy-ca.yaml');
  });

  test('refuses a source outside the trust namespace, a layer not after trust-manager, and no target', () => {
    const { app, delivery, layer, proxy } = setup();
    const elsewhere = new TrustManager(layer, 'other', { certManager: externalCertManager(), trustNamespace: 'cert-manager' });
    const later = new Layer(app, 'later', { delivery, folder: 'test/later', dependsOn: [layer] });
    expect(() => new ProxyCaBundle(later, 'a', { trustManager: elsewhere, proxy })).toThrow(
      'the CA Secret capsule-proxy is in namespace capsule-system, but trust-manager reads Bundle sources only in its trust namespace cert-manager: install trust-manager with app.trust.namespace capsule-system',
    );
    const trustManager = new TrustManager(layer, 'tm', { certManager: externalCertManager(), trustNamespace: proxy.namespace });
    const unordered = new Layer(app, 'unordered', { delivery, folder: 'test/unordered' });
    expect(() => new ProxyCaBundle(unordered, 'b', { trustManager, proxy })).toThrow(/layer unordered must depend on layer infrastructure/);
    new ProxyCaBundle(later, 'c', { trustManager, proxy });
    expect(() => app.render()).toThrow(/Bundle capsule-proxy-ca has no target namespace/);
  });
});

describe('ProxyCa', () => {
  test("gives a client in the proxy's namespace the TLS Secret, any other the Bundle's ConfigMap, created on first use", () => {
    const { app, proxy, trustManager, trust, layer } = setup();
    let created = 0;
    let bundle: ProxyCaBundle | undefined;
    const ca = new ProxyCa({ proxy, bundle: () => ((bundle ??= (created++, new ProxyCaBundle(trust, 'proxy-ca', { trustManager, proxy })))) });

    const local = ca.for('capsule-system', 'teleport-kube-agent');
    expect({ kind: local.kind, name: local.name, key: local.key, layer: local.layer }).toEqual({ kind: 'Secret', name: 'capsule-proxy', key: 'ca.crt', layer });
    expect(local.projection()).toEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(created).toBe(0);

    const remote = ca.for('headlamp', 'Headlamp');
    expect({ kind: remote.kind, name: remote.name, key: remote.key, layer: remote.layer }).toEqual({ kind: 'ConfigMap', name: 'capsule-proxy-ca', key: 'ca.crt', layer: trust });
    expect(remote.volume('proxy-ca')).toEqual({ name: 'proxy-ca', configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(remote.projection('capsule-proxy.crt')).toEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'capsule-proxy.crt' }] } });
    ca.for('tekton-pipelines', 'Tekton Dashboard');
    expect(created).toBe(1);
    expect(findManifest(app.render(), 'Bundle', 'capsule-proxy-ca').spec.target.namespaceSelector.matchExpressions[0].values).toEqual(['headlamp', 'tekton-pipelines']);
  });

  test('without trust-manager, a client outside the proxy namespace is an error that says how to fix it', () => {
    const { proxy } = setup();
    const ca = new ProxyCa({ proxy, enableTrustManager: 'set trustManager.enabled: true on cluster test in platform.yaml' });
    expect(ca.for('capsule-system', 'agent').kind).toBe('Secret');
    expect(() => ca.for('headlamp', 'Headlamp')).toThrow(
      "Headlamp runs in namespace headlamp, outside capsule-proxy's namespace capsule-system, and the proxy's CA Secret can only be mounted in capsule-system: set trustManager.enabled: true on cluster test in platform.yaml (a trust-manager Bundle copies the CA into headlamp), or run Headlamp in capsule-system",
    );
  });
});
