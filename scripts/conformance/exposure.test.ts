import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CapsuleProxyExposureType } from '../../lib/capsule-proxy/exposure';
import { addTemplateReads, readValuesTree } from './charts';
import { exposureProblems } from './exposure';
import type { RenderedRelease } from './helm';
import type { SynthesizedPlatform } from './platforms';

// Rendered objects shaped as the capsule-proxy charts render them (0.14.0 with an Ingress).
function proxy(edit: { service?: any; ingress?: any; sans?: string[] } = {}): RenderedRelease {
  const objects: any[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'capsule-proxy' }, spec: { type: 'ClusterIP', selector: { app: 'proxy' }, ports: [{ name: 'proxy', port: 9001, targetPort: 9001 }], ...edit.service } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'capsule-proxy-metrics-service' }, spec: { selector: { app: 'proxy' }, ports: [{ name: 'metrics', port: 8080, targetPort: 8080 }] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'capsule-proxy' }, spec: { template: { metadata: { labels: { app: 'proxy' } }, spec: { containers: [{ ports: [{ name: 'proxy', containerPort: 9001 }, { name: 'metrics', containerPort: 8080 }] }] } } } },
  ];
  if (edit.ingress !== null) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'capsule-proxy', annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true', 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'proxy.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'capsule-proxy', port: { number: 9001 } } } }] } }], ...edit.ingress },
    });
  }
  return { chart: 'capsule-proxy', namespace: 'capsule-system', objects, outputFile: 'proxy.yaml' } as unknown as RenderedRelease;
}

const TLS = { secret: 'capsule-proxy', caKey: 'ca.crt', names: ['proxy.example.com', 'capsule-proxy', 'capsule-proxy.capsule-system.svc'] };
const INGRESS = { type: CapsuleProxyExposureType.INGRESS, host: 'proxy.example.com', className: 'nginx' };
const LB = { type: CapsuleProxyExposureType.LOAD_BALANCER, host: 'proxy.example.com', loadBalancerSourceRanges: ['10.0.0.0/8'] };

function kubeconfigs(server: string, files: string[] = ['oil.yaml', '.sourceignore']) {
  const content = `# kubectl -n capsule-system get secret capsule-proxy -o jsonpath='{.data.ca\\.crt}' | base64 -d > x\nclusters:\n  - name: demo\n    cluster:\n      server: ${server}\n`;
  const platform = { files: files.map((f) => ({ path: `demo/kubeconfigs/${f}`, content, manifests: [] })) } as unknown as SynthesizedPlatform;
  return { platform, cluster: 'demo', tenants: ['oil'] };
}

describe('exposure facts on the rendered capsule-proxy chart', () => {
  test('an Ingress passing TLS through to the proxy Service, a certificate for the host, kubeconfigs pointing at it: no problem', () => {
    expect(exposureProblems(INGRESS, proxy(), TLS, kubeconfigs('https://proxy.example.com'))).toEqual([]);
  });

  test('an Ingress that terminates TLS, on a removed API, without the passthrough annotations, leading elsewhere', () => {
    const ingress = { tls: [{ secretName: 'x' }], rules: [{ host: 'proxy.example.com', http: { paths: [{ backend: { service: { name: 'other', port: { number: 80 } } } }] } }] };
    const rendered = proxy({ ingress });
    (rendered.objects[3] as any).apiVersion = 'networking.k8s.io/v1beta1';
    (rendered.objects[3] as any).metadata.annotations = {};
    expect(exposureProblems(INGRESS, rendered, TLS, kubeconfigs('https://proxy.example.com'))).toEqual([
      'Ingress capsule-proxy is networking.k8s.io/v1beta1, not networking.k8s.io/v1',
      'Ingress capsule-proxy leads to [{"name":"other","port":{"number":80}}], not to Service capsule-proxy port 9001',
      'Ingress capsule-proxy terminates TLS (spec.tls), but capsule-proxy terminates TLS itself',
      'Ingress capsule-proxy lacks annotation nginx.ingress.kubernetes.io/ssl-passthrough: "true"',
      'Ingress capsule-proxy lacks annotation nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"',
    ]);
  });

  test('a LoadBalancer: the Service type and source ranges as configured, the URL on the Service port', () => {
    const lb = proxy({ ingress: null, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] } });
    expect(exposureProblems(LB, lb, TLS, kubeconfigs('https://proxy.example.com:9001'))).toEqual([]);
    expect(exposureProblems(LB, proxy({ ingress: null }), TLS, kubeconfigs('https://proxy.example.com'))).toEqual([
      'Service capsule-proxy is type ClusterIP, not LoadBalancer',
      'Service capsule-proxy admits [], configured ["10.0.0.0/8"]',
      'demo/kubeconfigs/oil.yaml points at https://proxy.example.com, not https://proxy.example.com:9001',
    ]);
  });

  test('a certificate without the host, a missing kubeconfig, a CA read from the wrong key, no .sourceignore', () => {
    expect(exposureProblems(INGRESS, proxy(), { ...TLS, names: ['capsule-proxy'] }, kubeconfigs('https://proxy.example.com', []))).toEqual([
      "the proxy's certificate names capsule-proxy, not proxy.example.com",
      'no kubeconfig demo/kubeconfigs/oil.yaml for tenant oil',
      'demo/kubeconfigs/.sourceignore is missing: Flux would put the kubeconfigs into its artifact',
    ]);
    expect(exposureProblems(INGRESS, proxy(), { ...TLS, caKey: 'ca' }, kubeconfigs('https://proxy.example.com'))).toEqual([
      'demo/kubeconfigs/oil.yaml does not tell how to read the CA from key ca of Secret capsule-proxy, where the chart writes it',
    ]);
  });
});

test('values the chart templates read count as defined where values.yaml leaves them out (capsule-proxy: service.loadBalancerSourceRanges)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
  fs.mkdirSync(path.join(dir, 'templates'));
  fs.writeFileSync(path.join(dir, 'values.yaml'), 'service:\n  type: ClusterIP\nimage: nginx\n');
  fs.writeFileSync(path.join(dir, 'templates', 'service.yaml'), '{{ .Values.service.loadBalancerSourceRanges }} {{ $.Values.service.type }} {{ .Values.image.tag }} {{ .Values.other.deep }}');
  const tree = readValuesTree(path.join(dir, 'values.yaml'));
  // Not below a scalar (image), not a path whose parent values.yaml lacks (other.deep).
  expect(addTemplateReads(tree, path.join(dir, 'templates'))).toEqual(['service.loadBalancerSourceRanges']);
  expect(tree.children.get('service')!.children.has('loadBalancerSourceRanges')).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });
});
