import * as YAML from 'yaml';
import { testCluster } from '../core/testing';
import { KubeClusterRegistration, kubeconfigProblem } from './kube-cluster';
import { TctlFolder } from './tctl';

/** A throwaway kubeconfig: made-up server and token, shaped like the one get-kubeconfig.sh writes. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: edge
    cluster:
      server: https://capsule-proxy.edge.example:9001
      certificate-authority-data: Zm9v
contexts:
  - name: teleport
    context: { cluster: edge, user: teleport }
current-context: teleport
users:
  - name: teleport
    user: { token: not-a-real-token }
`;

function setup() {
  const { app } = testCluster();
  const tctl = new TctlFolder(app, 'tctl', { folder: 'test/tctl', title: 'cluster test' });
  const registration = new KubeClusterRegistration(app, 'kube-cluster', { name: 'edge', labels: { capsule: 'true' }, tctl, completeCommand: 'complete edge' });
  return { app, registration };
}

describe('KubeClusterRegistration', () => {
  test('renders the kube_cluster with its labels and without its kubeconfig', () => {
    const { app } = setup();
    const files = app.render();
    const file = files.find((f) => f.path === 'test/tctl/kube-cluster.yaml')!.content;
    expect(YAML.parse(file)).toEqual({ kind: 'kube_cluster', version: 'v3', metadata: { name: 'edge', labels: { capsule: 'true' } }, spec: {} });
    expect(file).toContain('# Apply with: tctl create -f kube-cluster.yaml');
    expect(file).toContain('complete edge <kubeconfig> | tctl create -f -');
    expect(files.map((f) => f.content).join('\n')).not.toContain('not-a-real-token');
  });

  test('completes the resource with the kubeconfig, base64-encoded', () => {
    const resource = setup().registration.withKubeconfig(KUBECONFIG);
    expect(resource.metadata).toEqual({ name: 'edge', labels: { capsule: 'true' } });
    expect(Buffer.from(String(resource.spec?.kubeconfig), 'base64').toString('utf8')).toBe(KUBECONFIG);
  });

  test('refuses a kubeconfig Teleport cannot use', () => {
    const { registration } = setup();
    expect(() => registration.withKubeconfig('a: [')).toThrow(/^not a usable kubeconfig: invalid YAML/);
    expect(kubeconfigProblem(KUBECONFIG.replace('current-context: teleport', ''))).toBe('no current-context: Teleport connects with the current context');
    expect(kubeconfigProblem(KUBECONFIG.replace('current-context: teleport', 'current-context: other'))).toBe("current-context 'other' is not in contexts");
    expect(kubeconfigProblem(KUBECONFIG.replace('server: https://capsule-proxy.edge.example:9001', 'insecure-skip-tls-verify: true'))).toBe(
      "context 'teleport' names cluster 'edge', which is missing or has no server",
    );
    expect(kubeconfigProblem(KUBECONFIG.replace('- name: teleport\n    user:', '- name: someone\n    user:'))).toBe("context 'teleport' names user 'teleport', which is not in users");
    expect(kubeconfigProblem('kind: Pod\n')).toBe('kind must be Config (got Pod)');
  });
});
