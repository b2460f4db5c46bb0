import { CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { findManifest, testFile } from '../core/testing';
import { validateManifest } from '../core/validation/manifests';
import { TektonDashboard, TektonDashboardProps } from './tekton-dashboard';
import { clientsCluster, testDistribution } from './testing';

function setup(props: Partial<TektonDashboardProps> = {}, certificates?: CapsuleProxyCertificates) {
  const cluster = clientsCluster(certificates);
  const dashboard = new TektonDashboard(cluster.clients, 'tekton', { proxy: cluster.proxy, file: testFile(cluster.clients, 'tekton-dashboard'), ...props });
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
      'ClusterRoleBinding/tekton-dashboard-backend-view',
      'ClusterRoleBinding/tekton-dashboard-tenant-view',
      'ClusterRoleBinding/tekton-dashboard-pipelines-view',
      'ClusterRoleBinding/tekton-dashboard-triggers-view',
      'CustomResourceDefinition/extensions.dashboard.tekton.dev',
      'ServiceAccount/tekton-dashboard',
      'ConfigMap/dashboard-info',
      'Role/tekton-dashboard-info',
      'RoleBinding/tekton-dashboard-info',
      'Deployment/tekton-dashboard',
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
    expect(bindings(objects)).toEqual({
      'tekton-dashboard-backend-view': 'tekton-dashboard-backend-view',
      'tekton-dashboard-tenant-view': 'tekton-dashboard-tenant-view',
      'tekton-dashboard-pipelines-view': 'tekton-aggregate-view',
      'tekton-dashboard-triggers-view': 'tekton-triggers-aggregate-view',
    });
    for (const b of objects.filter((o) => o.kind === 'ClusterRoleBinding')) expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'tekton-dashboard', namespace: 'capsule-system' }]);
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
    new TektonDashboard(cluster.clients, 'tekton', { proxy: cluster.proxy, file: testFile(cluster.clients, 'tekton'), namespace: 'tekton-pipelines', caDistribution: testDistribution(cluster.layer) });
    const elsewhere = findManifest(cluster.app.render(), 'Deployment', 'tekton-dashboard');
    expect(elsewhere.metadata.namespace).toBe('tekton-pipelines');
    expect(elsewhere.spec.template.spec.volumes[0].projected.sources).toContainEqual({ configMap: { name: 'capsule-proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });

  test('read/write adds the edit bindings, and the namespaces and logout URL reach the flags', () => {
    const { objects, container } = setup({ readOnly: false, pipelinesNamespace: 'pipelines', triggersNamespace: 'triggers', logoutURL: 'https://tekton.example.com/oauth2/sign_out' }).render();
    expect(bindings(objects)).toMatchObject({
      'tekton-dashboard-backend-edit': 'tekton-dashboard-backend-edit',
      'tekton-dashboard-pipelines-edit': 'tekton-aggregate-edit',
      'tekton-dashboard-triggers-edit': 'tekton-triggers-aggregate-edit',
    });
    expect(container.args).toEqual(expect.arrayContaining(['--read-only=false', '--pipelines-namespace=pipelines', '--triggers-namespace=triggers', '--logout-url=https://tekton.example.com/oauth2/sign_out']));
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
