import { Capsule } from '../capsule/capsule';
import { CapsuleProxy } from '../capsule-proxy/capsule-proxy';
import { imageSources } from '../core/chart-images';
import { externalCertManager } from '../cert-manager/cert-manager';
import { Layer } from '../core/delivery/delivery';
import { helmValues, testCluster } from '../core/testing';
import { ProxyCa } from '../trust-manager/proxy-ca';
import { ProxyCaBundle } from '../trust-manager/proxy-ca-bundle';
import { TrustManager } from '../trust-manager/trust-manager';
import { TeleportKubeAgent, TeleportKubeAgentProps } from './kube-agent';

function setup(props: Partial<TeleportKubeAgentProps> = {}) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule });
  const agent = new TeleportKubeAgent(cluster.layer, 'agent', {
    namespace: 'capsule-system',
    proxyAddr: 'teleport.demo:443',
    kubeClusterName: 'teleport.demo',
    kubeApiProxy: proxy,
    ...props,
  });
  return { ...cluster, proxy, agent };
}

describe('TeleportKubeAgent', () => {
  test('installs chart teleport-kube-agent 18.2.0 after capsule-proxy', () => {
    const { app, agent } = setup();
    expect(agent.release).toMatchObject({ releaseName: 'teleport-agent', namespace: 'capsule-system', chart: { chart: 'teleport-kube-agent', version: '18.2.0' } });
    const release = app.render().flatMap((f) => f.manifests).find((m) => m.metadata.name === 'teleport-agent');
    expect(release?.spec).toMatchObject({ dependsOn: [{ name: 'capsule-proxy' }] });
  });

  test('reads its routing from the proxy, not from typed-in values', () => {
    const { app, proxy } = setup();
    const values = helmValues(app.render(), 'teleport-agent');
    const access = proxy.inClusterApiAccess();
    expect(values.extraEnv).toEqual(access.env);
    expect(values.extraVolumes).toEqual([access.volume]);
    expect(values.extraVolumeMounts).toEqual([access.volumeMount]);
  });

  test('joins with an existing Secret and never renders a token', () => {
    const { app, agent } = setup({ join: { method: 'token', secretName: 'agent-join' } });
    const values = helmValues(app.render(), 'teleport-agent');
    expect(values.joinTokenSecret).toEqual({ create: false, name: 'agent-join' });
    expect(values).not.toHaveProperty('authToken');
    expect(values).not.toHaveProperty('joinParams.tokenName');
    expect(agent.joinSecretName).toBe('agent-join');
    expect(setup().agent.joinSecretName).toBe('teleport-kube-agent-join-token');
  });

  test('joins with the kubernetes method: a public token name and the Teleport cluster as audience, no secret', () => {
    const { app, agent } = setup({ join: { method: 'kubernetes', tokenName: 'teleport-agent-demo', teleportClusterName: 'teleport.demo' } });
    const values = helmValues(app.render(), 'teleport-agent');
    expect(values.joinParams).toEqual({ method: 'kubernetes', tokenName: 'teleport-agent-demo' });
    expect(values.teleportClusterName).toBe('teleport.demo');
    // The chart always mounts a join Secret; for this method it creates one holding only the token name,
    // under a name of its own so that the Secret of a former token join cannot collide with it.
    expect(values.joinTokenSecret).toEqual({ create: true, name: 'teleport-agent-join-token-name' });
    expect(values).not.toHaveProperty('authToken');
    expect(agent.serviceAccount).toBe('capsule-system:teleport-agent');
    // The chart mounts the join token at /var/run/secrets/tokens; the capsule-proxy routing stays apart.
    expect(values.extraVolumeMounts.map((m: { mountPath: string }) => m.mountPath)).not.toContain(TeleportKubeAgent.CHART_JOIN_VOLUME.mountPath);
    expect(values.extraVolumes.map((v: { name: string }) => v.name)).not.toContain(TeleportKubeAgent.CHART_JOIN_VOLUME.name);
  });

  test("joins with one system role per service of its chart value roles", () => {
    expect(setup().agent.systemRoles).toEqual(['Kube']);
    expect(setup({ values: { roles: 'kube, app,discovery' } }).agent.systemRoles).toEqual(['Kube', 'App', 'Discovery']);
    expect(TeleportKubeAgent.systemRoles('kube,jamf')).toEqual({ problem: expect.stringMatching(/^must be a comma-separated list of kube, app, db, discovery \(got "kube,jamf"\)/) });
    const kubernetesJoin = { method: 'kubernetes', tokenName: 't', teleportClusterName: 'teleport.demo' } as const;
    expect(() => setup({ join: kubernetesJoin, values: { roles: 'kube,jamf' } })).toThrow(/values.roles must be a comma-separated list/);
  });

  test('refuses the Teleport cluster name in its values: it is the join audience', () => {
    expect(() => setup({ values: { teleportClusterName: 'x' } })).toThrow(/values.teleportClusterName cannot be overridden/);
  });

  test('refuses a token in its values', () => {
    expect(() => setup({ values: { authToken: 'abc' } })).toThrow(/values.authToken cannot be overridden: join tokens are secrets/);
  });

  test('runs as a ServiceAccount named after the release', () => {
    expect(setup({ releaseName: 'kube-agent' }).agent.serviceAccountName).toBe('kube-agent');
  });

  test('must run in the proxy namespace, where the proxy CA Secret is', () => {
    expect(() => setup({ namespace: 'teleport' })).toThrow(/must run in capsule-system to read the capsule-proxy CA/);
  });

  test("outside the proxy's namespace, reads the CA from the trust-manager Bundle's ConfigMap, in a layer after it", () => {
    const cluster = testCluster();
    const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
    const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule });
    const trustManager = new TrustManager(cluster.layer, 'trust-manager', { certManager: externalCertManager(), trustNamespace: proxy.namespace });
    const trust = new Layer(cluster.app, 'trust', { delivery: cluster.delivery, folder: 'test/trust', dependsOn: [cluster.layer] });
    const proxyCa = new ProxyCa({ proxy, bundle: () => (trust.node.tryFindChild('ca') as ProxyCaBundle | undefined) ?? new ProxyCaBundle(trust, 'ca', { trustManager, proxy }) });
    const base = { namespace: 'teleport', proxyAddr: 'teleport.demo:443', kubeClusterName: 'teleport.demo', kubeApiProxy: proxy, proxyCa };
    expect(() => new TeleportKubeAgent(cluster.layer, 'early', base)).toThrow(/layer infrastructure must depend on layer trust/);
    const agentLayer = new Layer(cluster.app, 'teleport-agent', { delivery: cluster.delivery, folder: 'test/teleport-agent', dependsOn: [trust] });
    new TeleportKubeAgent(agentLayer, 'agent', base);
    const files = cluster.app.render();
    expect(helmValues(files, 'teleport-agent').extraVolumes[0].projected.sources[1]).toEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const bundle = files.flatMap((f) => f.manifests).find((m) => m.kind === 'Bundle') as any;
    expect(bundle.spec.target.namespaceSelector.matchExpressions[0].values).toEqual(['teleport']);
  });

  test('talks to the API server directly without a proxy', () => {
    const { app } = setup({ kubeApiProxy: undefined });
    const values = helmValues(app.render(), 'teleport-agent');
    expect(values).not.toHaveProperty('extraEnv');
    expect(values).not.toHaveProperty('extraVolumes');
  });

  test('declares the images the chart runs: the agent (or its enterprise image), and the updater when enabled', () => {
    const images = (values?: Record<string, unknown>) => TeleportKubeAgent.images(values).map((s) => [s.image.workload, s.path, s.imageValue]);
    expect(images()).toEqual([['agent', 'image', 'public.ecr.aws/gravitational/teleport-distroless']]);
    expect(images({ enterprise: true, updater: { enabled: true } })).toEqual([
      ['agent (enterprise)', 'enterpriseImage', 'public.ecr.aws/gravitational/teleport-ent-distroless'],
      ['updater', 'updater.image', 'public.ecr.aws/gravitational/teleport-kube-agent-updater'],
    ]);
    expect(TeleportKubeAgent.images({ image: 'mirror.example.com/teleport' })[0]).toMatchObject({ overridden: true, registry: 'mirror.example.com' });
  });

  test('reads its images from the values it renders', () => {
    const values = { enterprise: true, enterpriseImage: 'mirror.example.com/teleport-ent' };
    const { app } = setup({ values });
    expect(imageSources(TeleportKubeAgent.IMAGES, helmValues(app.render(), 'teleport-agent'))).toEqual(TeleportKubeAgent.images(values));
  });
});
