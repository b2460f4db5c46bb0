import { MIRROR_REPOSITORY_NAME, resolveChartSource } from './chart-source';

const capsule = { repositoryName: 'projectcapsule', repositoryUrl: 'https://projectcapsule.github.io/charts', ociRepositoryUrl: 'oci://ghcr.io/projectcapsule/charts', chart: 'capsule', version: '0.10.9' };
const agent = { repositoryName: 'teleport', repositoryUrl: 'https://charts.releases.teleport.dev', chart: 'teleport-kube-agent', version: '18.2.0' };

describe('resolveChartSource', () => {
  test("by default, every chart comes from its upstream Helm repository, named as in lib/versions.ts", () => {
    expect(resolveChartSource(capsule)).toEqual({ type: 'helm', name: 'projectcapsule', url: 'https://projectcapsule.github.io/charts', setting: 'lib/versions.ts' });
  });

  test("source: oci takes upstream's OCI registry; a chart upstream publishes in none is refused", () => {
    expect(resolveChartSource(capsule, { charts: { capsule: { source: 'oci' } } })).toMatchObject({ type: 'oci', name: 'capsule', url: 'oci://ghcr.io/projectcapsule/charts' });
    expect(() => resolveChartSource(agent, { charts: { 'teleport-kube-agent': { source: 'oci' } } })).toThrow(
      'charts.teleport-kube-agent.source: upstream publishes chart teleport-kube-agent in no OCI registry; allowed: https',
    );
  });

  test('the mirror serves every chart, its kind by its scheme, with its Secrets; a chart of its own wins', () => {
    const oci = { mirror: { url: 'oci://harbor.example.com/charts/', secretRef: { name: 'harbor' } } };
    expect(resolveChartSource(agent, oci)).toEqual({ type: 'oci', name: 'teleport-kube-agent', url: 'oci://harbor.example.com/charts', secretRef: { name: 'harbor' }, setting: 'charts.mirror' });
    const https = { mirror: { url: 'https://artifactory.example.com/api/helm/virtual', certSecretRef: { name: 'corp-ca' } } };
    expect(resolveChartSource(capsule, https)).toMatchObject({ type: 'helm', name: MIRROR_REPOSITORY_NAME, url: 'https://artifactory.example.com/api/helm/virtual', certSecretRef: { name: 'corp-ca' } });

    const own = { ...oci, charts: { capsule: { url: 'https://charts.internal/capsule', secretRef: { name: 'internal' } } } };
    expect(resolveChartSource(capsule, own)).toEqual({ type: 'helm', name: 'capsule', url: 'https://charts.internal/capsule', secretRef: { name: 'internal' }, setting: 'charts.capsule' });
    // source picks an upstream location over the mirror.
    expect(resolveChartSource(capsule, { ...oci, charts: { capsule: { source: 'https' } } })).toMatchObject({ type: 'helm', name: 'projectcapsule', url: capsule.repositoryUrl });
    expect(resolveChartSource(capsule, { ...oci, charts: { capsule: { source: 'https' } } }).secretRef).toBeUndefined();
  });

  test('refuses source and url together', () => {
    expect(() => resolveChartSource(capsule, { charts: { capsule: { source: 'oci', url: 'oci://x/y' } } })).toThrow('charts.capsule: set either source');
  });
});
