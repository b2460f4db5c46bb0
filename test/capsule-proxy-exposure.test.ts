import * as YAML from 'yaml';
import { KUSTOMIZATION_FILE } from '../lib/core/output/kustomize-root';
import { readOutputTree } from '../lib/core/output/output-tree';
import { computePlan } from '../lib/platform/plan/plan';
import { configProblems, configWith, synth } from './helpers';

/** The default configuration with capsule-proxy exposed by `exposure` (YAML lines under capsuleProxy, indented 6). */
const exposed = (exposure: string, extra = '') => ({
  // oil creates two namespaces from Git: a context for each.
  'tenants/oil.yaml': (old: string) => old.replace('platform:\n', 'platform:\n  namespaces: [oil-dev, oil-prod]\n'),
  'platform.yaml': (old: string) => old.replace('    capsuleProxy:\n      certificates: certgen\n', `    capsuleProxy:\n      certificates: certgen\n${extra}      exposure:\n${exposure}`),
});
const LB = '        type: LoadBalancer\n        host: proxy.demo.example.com\n';
const INGRESS = '        type: Ingress\n        host: proxy.demo.example.com\n        className: nginx\n';

describe('capsule-proxy exposure (capsuleProxy.exposure in platform.yaml)', () => {
  test('writes a kubeconfig template per tenant to demo/kubeconfigs/, outside every layer, never applied', () => {
    const { files, outDir } = synth(configWith(exposed(LB)));
    const folder = files.filter((f) => f.path.startsWith('demo/kubeconfigs/')).map((f) => f.path);
    expect(folder).toEqual(['demo/kubeconfigs/.sourceignore', 'demo/kubeconfigs/README.md', 'demo/kubeconfigs/oil.yaml']);
    // No kustomization.yaml lists them, and no layer's folder holds them.
    for (const file of files.filter((f) => f.path.endsWith(KUSTOMIZATION_FILE))) expect(file.content).not.toContain('kubeconfigs');
    expect(files.find((f) => f.path === 'demo/kubeconfigs/.sourceignore')!.content).toMatch(/^\*$/m);
    const kubeconfig = YAML.parse(files.find((f) => f.path === 'demo/kubeconfigs/oil.yaml')!.content);
    expect(kubeconfig).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'demo', cluster: { server: 'https://proxy.demo.example.com:9001', 'certificate-authority': 'demo-capsule-proxy-ca.crt' } }],
      users: [{ name: 'demo-oidc', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl', args: ['oidc-login', 'get-token', '--oidc-issuer-url=<OIDC_ISSUER_URL>', '--oidc-client-id=<OIDC_CLIENT_ID>'] } } }],
      'current-context': 'demo-oil-dev',
    });
    expect(kubeconfig.contexts.map((c: any) => [c.name, c.context.namespace])).toEqual([
      ['demo-oil-dev', 'oil-dev'],
      ['demo-oil-prod', 'oil-prod'],
    ]);
    // The CA is fetched from where the proxy's TLS mode (certgen: key ca) writes it.
    expect(files.find((f) => f.path === 'demo/kubeconfigs/oil.yaml')!.content).toContain("kubectl -n capsule-system get secret capsule-proxy -o jsonpath='{.data.ca}' | base64 -d > demo-capsule-proxy-ca.crt");
    // The plan counts no object in them.
    const tree = readOutputTree(outDir);
    const plan = computePlan(new Map([...tree].filter(([p]) => !p.startsWith('demo/kubeconfigs/'))), tree, { before: 'a', after: 'b' });
    expect(plan.otherFiles.added).toEqual(['demo/kubeconfigs/.sourceignore', 'demo/kubeconfigs/README.md', 'demo/kubeconfigs/oil.yaml']);
    expect(plan.clusters.flatMap((c) => c.layers)).toEqual([]);
  });

  test('the same configuration writes the same kubeconfigs', () => {
    const config = configWith(exposed(INGRESS));
    const kubeconfigs = () => synth(config).files.filter((f) => f.path.includes('/kubeconfigs/')).map((f) => [f.path, f.content]);
    expect(kubeconfigs()).toEqual(kubeconfigs());
  });

  test('an Ingress on 443; OIDC settings fill in the credential plugin; kubeconfigs: false writes none', () => {
    const oidc = '        oidc:\n          issuerURL: https://sso.example.com/realms/demo\n          clientID: kubectl\n';
    const { files } = synth(configWith(exposed(INGRESS + oidc)));
    const kubeconfig = YAML.parse(files.find((f) => f.path === 'demo/kubeconfigs/oil.yaml')!.content);
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://proxy.demo.example.com');
    expect(kubeconfig.users[0].user.exec.args).toEqual(['oidc-login', 'get-token', '--oidc-issuer-url=https://sso.example.com/realms/demo', '--oidc-client-id=kubectl']);
    const none = synth(configWith(exposed(INGRESS + '        kubeconfigs: false\n'))).files;
    expect(none.filter((f) => f.path.includes('/kubeconfigs/'))).toEqual([]);
  });

  test('settings that cannot be rendered are refused, naming the line and the field', () => {
    expect(configProblems(exposed('        type: Ingress\n        host: 192.0.2.1\n'))).toEqual([
      "platform.yaml:20: clusters[0].capsuleProxy.exposure.host: '192.0.2.1': an Ingress rule's host must be a DNS name, not an IP address (use type LoadBalancer)",
    ]);
    expect(configProblems(exposed(LB + '        className: nginx\n        loadBalancerSourceRanges: [10.0.0.0/33]\n'))).toEqual([
      'platform.yaml:21: clusters[0].capsuleProxy.exposure.className: for type Ingress only',
      'platform.yaml:22: clusters[0].capsuleProxy.exposure.loadBalancerSourceRanges[0]: "10.0.0.0/33": the prefix length of an IPv4 CIDR is 0 to 32',
    ]);
    expect(configProblems(exposed(LB, '      values:\n        ingress:\n          enabled: true\n'))).toEqual([
      'platform.yaml:20: clusters[0].capsuleProxy.values.ingress.enabled: cannot be overridden: set it with capsuleProxy.exposure: the certificate names and the tenant kubeconfigs follow it',
    ]);
  });
});
