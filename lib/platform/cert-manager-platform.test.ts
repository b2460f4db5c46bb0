import * as path from 'path';
import { findManifest } from '../core/testing';
import { Manifest } from '../core/output/manifest-file';
import { loadPlatform } from './config/load';
import { ClusterPlatform } from './cluster-platform';
import { buildPlatform } from './synth';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'platform');

/** The example platform built in memory; `prepare` runs on each cluster before rendering (as a client would). */
function build(prepare: (cluster: ClusterPlatform) => void = () => undefined) {
  const app = buildPlatform(loadPlatform(EXAMPLE));
  const clusters = app.node.children.filter((c): c is ClusterPlatform => c instanceof ClusterPlatform);
  clusters.forEach(prepare);
  const files = app.render();
  const on = (cluster: string) => files.filter((f) => f.path.startsWith(`${cluster}/`));
  const kustomization = (cluster: string, layer: string) => findManifest(on(cluster), 'Kustomization', `platform-${layer}`) as Manifest & Record<string, any>;
  return { clusters, files, on, kustomization, cluster: (name: string) => clusters.find((c) => c.name === name)! };
}

describe('cert-manager and trust-manager on examples/platform (staging opts in, prod does not)', () => {
  test('staging: cert-manager first, then the platform CA, then infrastructure with trust-manager; prod has none of it', () => {
    const { on, kustomization, cluster } = build();
    expect(kustomization('staging', 'cert-manager').spec.dependsOn).toBeUndefined();
    expect(kustomization('staging', 'issuers').spec.dependsOn).toEqual([{ name: 'platform-cert-manager' }]);
    expect(kustomization('staging', 'issuers').spec.healthCheckExprs.map((c: any) => c.kind)).toEqual(['ClusterIssuer', 'Certificate']);
    expect(kustomization('staging', 'infrastructure').spec.dependsOn).toEqual([{ name: 'platform-issuers' }]);
    expect(findManifest(on('staging'), 'HelmRelease', 'trust-manager').spec.dependsOn).toEqual([{ name: 'cert-manager' }]);
    expect(findManifest(on('staging'), 'HelmRelease', 'capsule-proxy').spec.dependsOn).toEqual([{ name: 'capsule' }, { name: 'cert-manager' }]);
    expect(cluster('staging').trustManager?.trustNamespace).toBe(cluster('staging').capsuleProxy.namespace);

    expect(on('prod').some((f) => /\/(cert-manager|issuers|trust)\//.test(f.path))).toBe(false);
    expect(on('prod').flatMap((f) => f.manifests).filter((m) => m.kind === 'HelmRelease').map((m) => m.metadata.name)).not.toContain('trust-manager');
    expect(kustomization('prod', 'infrastructure').spec.dependsOn).toBeUndefined();
  });

  test("capsule-proxy's certificate is issued by the platform CA, whose Secret is in cert-manager's namespace", () => {
    const { on } = build();
    expect(findManifest(on('staging'), 'HelmRelease', 'capsule-proxy').spec.values.certManager).toEqual({ generateCertificates: true, issuer: { kind: 'ClusterIssuer', name: 'platform-ca' } });
    expect(findManifest(on('staging'), 'Certificate', 'platform-ca')).toMatchObject({ metadata: { namespace: 'cert-manager' }, spec: { isCA: true, secretName: 'platform-ca', issuerRef: { kind: 'ClusterIssuer', name: 'platform-ca-selfsigned' } } });
    expect(findManifest(on('staging'), 'ClusterIssuer', 'platform-ca').spec).toEqual({ ca: { secretName: 'platform-ca' } });
  });

  test('a client outside the proxy namespace gets the Bundle ConfigMap, in a trust layer after infrastructure', () => {
    const refs: Record<string, unknown> = {};
    const { on, kustomization } = build((c) => {
      if (c.name !== 'staging') return;
      const ca = c.proxyCa.for('headlamp', 'Headlamp');
      refs.staging = { kind: ca.kind, name: ca.name, key: ca.key, layer: ca.layer.name };
    });
    expect(refs.staging).toEqual({ kind: 'ConfigMap', name: 'capsule-proxy-ca', key: 'ca.crt', layer: 'trust' });
    expect(kustomization('staging', 'trust').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }]);
    expect(findManifest(on('staging'), 'Bundle', 'capsule-proxy-ca').spec).toEqual({
      sources: [{ secret: { name: 'capsule-proxy', key: 'ca.crt' } }],
      // tekton-pipelines: the example's Tekton Dashboard (clients.tektonDashboard.namespace).
      target: { configMap: { key: 'ca.crt' }, namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['headlamp', 'tekton-pipelines'] }] } },
    });
  });

  test('without trust-manager (prod), the same client is an error naming the setting', () => {
    expect(() =>
      build((c) => {
        if (c.name === 'prod') c.proxyCa.for('headlamp', 'Headlamp');
      }),
    ).toThrow("Headlamp runs in namespace headlamp, outside capsule-proxy's namespace capsule-system, and the proxy's CA Secret can only be mounted in capsule-system: set trustManager.enabled: true on cluster prod in platform.yaml");
  });
});
