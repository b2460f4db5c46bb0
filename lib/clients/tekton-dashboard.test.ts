import { CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { findManifest, testFile } from '../core/testing';
import { validateManifest } from '../core/validation/manifests';
import { TektonDashboard, TektonDashboardProps } from './tekton-dashboard';
import { clientsCluster, testDistribution } from './testing';

const AUTH_PROXY = { podLabels: { 'app.kubernetes.io/name': 'oauth2-proxy' } };

function setup(props: Partial<TektonDashboardProps> = {}, certificates?: CapsuleProxyCertificates) {
  const cluster = clientsCluster(certificates);
  const dashboard = new TektonDashboard(cluster.clients, 'tekton', { proxy: cluster.proxy, file: testFile(cluster.clients, 'tekton-dashboard'), authProxy: AUTH_PROXY, ...props });
  const render = () => {
    const files = cluster.app.render();
    const objects = files.filter((f) => f.path === 'test/clients/tekton-dashboard.yaml').flatMap((f) => f.manifests) as Array<Record<string, any>>;
    const deployment = findManifest(files, 'Deployment', 'tekton-dashboard');
    return { files, objects, deployment, container: deployment.spec.template.spec.containers[0], pod: deployment.spec.template.spec };
  };
  return { ...cluster, dashboard, render };
}

const bindings = (objects: Array<Record<string, any>>) =>
  Object.fromEntries(objects.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => [o.metadata.name, o.roleRef.name]));

describe('TektonDashboard', () => {
  test('renders the release manifests (read-only flavour) with the installer defaults, in the proxy namespace', () => {
    const { objects, container, deployment } = setup().render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ClusterRole/tekton-dashboard-backend-edit',
      'ClusterRole/tekton-dashboard-backend-view',
      'ClusterRole/tekton-dashboard-tenant-view',
      'CustomResourceDefinition/extensions.dashboard.tekton.dev',
      'ServiceAccount/tekton-dashboard',
      'ConfigMap/dashboard-info',
      'Role/tekton-dashboard-info',
      'RoleBinding/tekton-dashboard-info',
      'Deployment/tekton-dashboard',
      'NetworkPolicy/tekton-dashboard',
      'Service/tekton-dashboard',
    ]);
    expect(deployment.metadata.namespace).toBe('capsule-system');
    expect(container.image).toBe('ghcr.io/tektoncd/dashboard/dashboard-9623576a202fe86c8b7d1bc489905f86:v0.68.0');
    expect(container.args).toEqual([
      '--default-namespace=',
      '--external-logs=',
      '--log-format=json',
      '--log-level=info',
      '--logout-url=',
      '--namespaces=',
      '--pipelines-namespace=tekton-pipelines',
      '--port=9097',
      '--read-only=true',
      '--stream-logs=true',
      '--triggers-namespace=tekton-pipelines',
    ]);
    // Upstream's least-privilege setup behind a token-forwarding proxy: no binding for the ServiceAccount.
    expect(bindings(objects)).toEqual({});
    expect(objects.filter((o) => /RoleBinding$/.test(o.kind)).flatMap((o) => o.subjects)).toEqual([{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(objects.find((o) => o.kind === 'ConfigMap')!.data).toEqual({ version: 'v0.68.0' });
  });

  test("applies the seed's patch: capsule-proxy's host and port, and the token with the proxy CA at the ServiceAccount path", () => {
    const { render, dashboard } = setup();
    const { container, pod } = render();
    expect(container.env).toEqual([
      { name: 'INSTALLED_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'KUBERNETES_SERVICE_HOST', value: 'capsule-proxy.capsule-system.svc' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '9001' },
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'token-ca', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
    expect(pod.volumes).toHaveLength(1);
    expect(pod.volumes[0].name).toBe('token-ca');
    expect(pod.volumes[0].projected.sources).toContainEqual({ serviceAccountToken: { path: 'token' } });
    expect(pod.volumes[0].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca', path: 'ca.crt' }] } });
    expect(dashboard.ca.source).toEqual({ kind: 'Secret', name: 'capsule-proxy', key: 'ca' });
  });

  test('under cert-manager the CA key is ca.crt; elsewhere the distributed ConfigMap', () => {
    const { pod } = setup({}, CapsuleProxyCertificates.CERT_MANAGER).render();
    expect(pod.volumes[0].projected.sources).toContainEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(() => setup({ namespace: 'tekton-pipelines' })).toThrow('install the Tekton Dashboard in the capsule-proxy namespace (capsule-system) or enable trust-manager');
    const cluster = clientsCluster();
    new TektonDashboard(cluster.clients, 'tekton', { proxy: cluster.proxy, file: testFile(cluster.clients, 'tekton'), namespace: 'tekton-pipelines', caDistribution: testDistribution(cluster.layer), authProxy: AUTH_PROXY });
    const elsewhere = findManifest(cluster.app.render(), 'Deployment', 'tekton-dashboard');
    expect(elsewhere.metadata.namespace).toBe('tekton-pipelines');
    expect(elsewhere.spec.template.spec.volumes[0].projected.sources).toContainEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('read/write binds nothing either, and the namespaces and logout URL reach the flags', () => {
    const { objects, container } = setup({ readOnly: false, pipelinesNamespace: 'pipelines', triggersNamespace: 'triggers', logoutURL: 'https://tekton.example.com/oauth2/sign_out' }).render();
    expect(bindings(objects)).toEqual({});
    expect(container.args).toEqual(expect.arrayContaining(['--read-only=false', '--pipelines-namespace=pipelines', '--triggers-namespace=triggers', '--logout-url=https://tekton.example.com/oauth2/sign_out']));
  });

  test('a NetworkPolicy admits ingress to the dashboard Pods only from the auth proxy, on the dashboard port', () => {
    const { objects, deployment } = setup().render();
    const policy = objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(policy.metadata.namespace).toBe('capsule-system');
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'capsule-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'oauth2-proxy' } } }],
        ports: [{ protocol: 'TCP', port: TektonDashboard.PORT }],
      },
    ]);
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.spec.ports[0].targetPort).toBe(TektonDashboard.PORT);
    const elsewhere = setup({ authProxy: { namespace: 'oauth2-proxy', podLabels: { app: 'tekton-oauth2-proxy' } } }).render().objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(elsewhere.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'oauth2-proxy' } }, podSelector: { matchLabels: { app: 'tekton-oauth2-proxy' } } }]);
    expect(() => setup({ authProxy: { podLabels: {} } })).toThrow('needs authProxy.podLabels');
  });

  test('every object validates as a core kind', () => {
    const { objects } = setup().render();
    for (const m of objects) expect(validateManifest('tekton-dashboard.yaml', m as any)).toEqual([]);
    const crd = objects.find((o) => o.kind === 'CustomResourceDefinition')!;
    expect(crd.spec.versions[0].schema).toEqual({ openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
  });

  test('declares its image for the registry checks', () => {
    expect(TektonDashboard.images().map((i) => i.registry)).toEqual(['ghcr.io']);
  });
});
