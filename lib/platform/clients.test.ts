import { Layer } from '../core/delivery/delivery';
import { findManifest, helmValues } from '../core/testing';
import { proxyCluster, testDistribution } from '../clients/testing';
import { ProxyClients } from './clients';

const HEADLAMP = { oidc: { issuerURL: 'https://keycloak.example.com/realms/example', clientID: 'headlamp', clientSecretName: 'headlamp-oidc' } };

describe('ProxyClients', () => {
  test('enabled and namespaces: only configured clients count, in the proxy namespace unless set', () => {
    expect(ProxyClients.enabled(undefined)).toBe(false);
    expect(ProxyClients.enabled({})).toBe(false);
    expect(ProxyClients.enabled({ kubernetesDashboard: {} })).toBe(true);
    expect(ProxyClients.namespaces({ headlamp: HEADLAMP, tektonDashboard: { namespace: 'tekton-pipelines', authProxy: { podLabels: { app: 'oauth2-proxy' } } }, kubernetesDashboard: {} }, 'capsule-system')).toEqual(['capsule-system', 'tekton-pipelines']);
  });

  test('clients elsewhere: their namespaces carry the distribution labels, and the layer waits for the distribution', () => {
    const cluster = proxyCluster();
    const trust = new Layer(cluster.app, 'trust', { delivery: cluster.delivery, folder: 'test/trust' });
    const distribution = testDistribution(trust);
    const clients = new ProxyClients(cluster.app, 'proxy-clients', {
      delivery: cluster.delivery,
      folder: 'test/platform-clients',
      infrastructure: cluster.layer,
      proxy: cluster.proxy,
      clusterName: 'test',
      settings: { headlamp: { ...HEADLAMP, namespace: 'headlamp' }, tektonDashboard: { authProxy: { podLabels: { app: 'oauth2-proxy' } } } },
      caDistribution: distribution,
    });
    expect(clients.layer.dependsOn).toEqual([cluster.layer, trust]);
    const files = cluster.app.render();
    expect(findManifest(files, 'Namespace', 'headlamp').metadata).toEqual({
      name: 'headlamp',
      labels: { 'example.com/capsule-proxy-ca': 'true' },
      // Never deleted with the client (it may hold other things: tekton-pipelines holds Tekton).
      annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    });
    expect(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name)).toEqual(['headlamp']);
    expect(JSON.stringify(helmValues(files, 'headlamp').volumes)).toContain('"configMap":{"items":[{"key":"ca.crt","path":"ca.crt"}],"name":"capsule-proxy-ca"}');
    // The Tekton Dashboard stays in the proxy namespace and reads the proxy's own Secret.
    expect(clients.tektonDashboard!.ca.source).toEqual(cluster.proxy.caCertificate);
  });

  test('clients in the proxy namespace wait for the infrastructure only, and create no namespace', () => {
    const cluster = proxyCluster();
    const clients = new ProxyClients(cluster.app, 'proxy-clients', {
      delivery: cluster.delivery,
      folder: 'test/platform-clients',
      infrastructure: cluster.layer,
      proxy: cluster.proxy,
      clusterName: 'test',
      settings: { kubernetesDashboard: {} },
    });
    expect(clients.layer.dependsOn).toEqual([cluster.layer]);
    expect(cluster.app.render().flatMap((f) => f.manifests).filter((m) => m.kind === 'Namespace')).toEqual([]);
  });
});
