import { CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { findManifest, helmValues } from '../core/testing';
import { KubernetesDashboard, KubernetesDashboardProps } from './kubernetes-dashboard';
import { clientsCluster, testDistribution } from './testing';

function setup(props: Partial<KubernetesDashboardProps> = {}, certificates?: CapsuleProxyCertificates) {
  const cluster = clientsCluster(certificates);
  const dashboard = new KubernetesDashboard(cluster.clients, 'dashboard', { proxy: cluster.proxy, ...props });
  return { ...cluster, dashboard, values: () => helmValues(cluster.app.render(), 'kubernetes-dashboard') };
}

describe('KubernetesDashboard', () => {
  test('installs chart kubernetes-dashboard 7.13.0 in the proxy namespace, after capsule-proxy', () => {
    const { app, dashboard } = setup();
    expect(dashboard.release).toMatchObject({ releaseName: 'kubernetes-dashboard', namespace: 'capsule-system', chart: { chart: 'kubernetes-dashboard', version: '7.13.0' } });
    const files = app.render();
    expect(findManifest(files, 'HelmRelease', 'kubernetes-dashboard').spec).toMatchObject({ targetNamespace: 'capsule-system', dependsOn: [{ name: 'capsule-proxy' }] });
    expect(findManifest(files, 'HelmRepository', 'kubernetes-dashboard').spec.url).toBe('https://kubernetes.github.io/dashboard/');
  });

  test('routes the api and auth modules (the ones that carry the user token) through capsule-proxy', () => {
    const { values, proxy } = setup();
    const v = values();
    expect(v.app).toEqual({ mode: 'dashboard' });
    for (const module of ['api', 'auth']) {
      expect(v[module].containers.env).toEqual([
        { name: 'KUBERNETES_SERVICE_HOST', value: proxy.serviceHost },
        { name: 'KUBERNETES_SERVICE_PORT', value: '9001' },
      ]);
      // The chart's own /tmp volume stays: these lists replace the chart's.
      expect(v[module].containers.volumeMounts).toEqual([
        { mountPath: '/tmp', name: 'tmp-volume' },
        { name: 'kube-api-access-capsule', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ]);
      expect(v[module].volumes[0]).toEqual({ name: 'tmp-volume', emptyDir: {} });
      expect(v[module].volumes[1].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } });
    }
    expect(v.web).toBeUndefined();
    expect(v.metricsScraper).toBeUndefined();
  });

  test('under cert-manager, the CA key is ca.crt', () => {
    const v = setup({}, CapsuleProxyCertificates.CERT_MANAGER).values();
    expect(v.api.volumes[1].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('the two modules get separate copies (no YAML aliases in the output)', () => {
    const { app } = setup();
    const file = app.render().find((f) => f.path === 'test/clients/kubernetes-dashboard.yaml')!;
    expect(file.content).not.toMatch(/[&*]a\d/);
  });

  test('outside the proxy namespace it needs a CA distribution', () => {
    expect(() => setup({ namespace: 'kubernetes-dashboard' })).toThrow('install the Kubernetes Dashboard in the capsule-proxy namespace (capsule-system) or enable trust-manager');
    const cluster = clientsCluster();
    new KubernetesDashboard(cluster.clients, 'dashboard', { proxy: cluster.proxy, namespace: 'kubernetes-dashboard', caDistribution: testDistribution(cluster.layer) });
    const v = helmValues(cluster.app.render(), 'kubernetes-dashboard');
    expect(v.auth.volumes[1].projected.sources).toContainEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('user values merge, but not over the routing', () => {
    expect(setup({ values: { kong: { proxy: { type: 'LoadBalancer' } }, api: { scaling: { replicas: 2 } } } }).values()).toMatchObject({
      kong: { proxy: { type: 'LoadBalancer' } },
      api: { scaling: { replicas: 2 }, containers: { env: expect.any(Array) } },
    });
    expect(() => setup({ values: { auth: { volumes: [] } } })).toThrow('values.auth.volumes cannot be overridden');
    expect(() => setup({ values: { api: { containers: { env: [] } } } })).toThrow('values.api.containers.env cannot be overridden');
  });

  test('declares the images it runs: the dashboard modules and Kong, from docker.io', () => {
    expect(KubernetesDashboard.images().map((i) => `${i.image.workload} ${i.registry}`)).toEqual([
      'auth docker.io',
      'api docker.io',
      'web docker.io',
      'metrics scraper docker.io',
      'kong docker.io',
    ]);
    expect(KubernetesDashboard.images({ api: { image: { repository: 'registry.example.com/dashboard-api' } }, metricsScraper: { enabled: false } }).map((i) => i.registry)).toEqual([
      'docker.io',
      'registry.example.com',
      'docker.io',
      'docker.io',
    ]);
  });
});
