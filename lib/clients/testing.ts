import { Capsule } from '../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { Layer } from '../core/delivery/delivery';
import { testCluster } from '../core/testing';
import type { IProxyCaDistribution, ProxyCaTarget } from './proxy-ca';

/** Test helpers: capsule-proxy in `infrastructure` (namespace capsule-system) and a `clients` layer after it. */
export function clientsCluster(certificates?: CapsuleProxyCertificates) {
  const cluster = proxyCluster(certificates);
  const clients = new Layer(cluster.app, 'clients', { delivery: cluster.delivery, folder: 'test/clients', dependsOn: [cluster.layer] });
  return { ...cluster, clients };
}

/** Test helpers: capsule-proxy in `infrastructure` (namespace capsule-system), no other layer. */
export function proxyCluster(certificates?: CapsuleProxyCertificates) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule, certificates });
  return { ...cluster, proxy };
}

/** A stand-in for a trust-manager Bundle: ConfigMap `capsule-proxy-ca`, key `ca.crt`, in every labelled namespace. */
export function testDistribution(layer: Layer): IProxyCaDistribution & { readonly namespaces: string[] } {
  const namespaces: string[] = [];
  return {
    namespaces,
    distributeTo(namespace: string): ProxyCaTarget {
      if (!namespaces.includes(namespace)) namespaces.push(namespace);
      return { source: { kind: 'ConfigMap', name: 'capsule-proxy-ca', key: 'ca.crt' }, namespaceLabels: { 'example.com/capsule-proxy-ca': 'true' }, layer };
    },
  };
}
