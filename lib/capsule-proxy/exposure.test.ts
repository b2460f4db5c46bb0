import { Capsule } from '../capsule/capsule';
import { helmValues, testCluster } from '../core/testing';
import { CapsuleProxy, CapsuleProxyCertificates } from './capsule-proxy';
import { CapsuleProxyExposure, CapsuleProxyExposureType, exposureProblems, INGRESS_NGINX_PASSTHROUGH, ProxyExposure } from './exposure';

const LB: CapsuleProxyExposure = { type: CapsuleProxyExposureType.LOAD_BALANCER, host: 'proxy.example.com' };
const INGRESS: CapsuleProxyExposure = { type: CapsuleProxyExposureType.INGRESS, host: 'proxy.example.com', className: 'nginx' };

function setup(props: Partial<ConstructorParameters<typeof CapsuleProxy>[2]> = {}) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule, ...props });
  return { proxy, values: () => helmValues(cluster.app.render(), 'capsule-proxy') };
}

describe('capsule-proxy exposure', () => {
  test('LoadBalancer with certgen: the Service type, source ranges and annotations, the host as a certgen SAN, the URL on the Service port', () => {
    const { proxy, values } = setup({ exposure: { ...LB, loadBalancerSourceRanges: ['10.0.0.0/8'], annotations: { 'example.com/lb': 'internal' } } });
    expect(values()).toEqual({
      service: { port: 9001, type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal' }, loadBalancerSourceRanges: ['10.0.0.0/8'] },
      options: { capsuleConfigurationName: 'default', generateCertificates: true, additionalSANs: ['proxy.example.com'] },
      certManager: { generateCertificates: false },
    });
    expect(proxy.exposure!.url).toBe('https://proxy.example.com:9001');
  });

  test('LoadBalancer with cert-manager: the host in the Certificate dnsNames, an IP address in ipAddresses', () => {
    expect(setup({ certificates: CapsuleProxyCertificates.CERT_MANAGER, exposure: LB }).values().certManager).toEqual({ generateCertificates: true, certificate: { dnsNames: ['proxy.example.com'] } });
    const ip = setup({ certificates: CapsuleProxyCertificates.CERT_MANAGER, exposure: { ...LB, host: '192.0.2.10' } });
    expect(ip.values().certManager).toEqual({ generateCertificates: true, certificate: { ipAddresses: ['192.0.2.10'] } });
    expect(ip.proxy.exposure!.url).toBe('https://192.0.2.10:9001');
    expect(setup({ exposure: { ...LB, host: '2001:db8::1' } }).proxy.exposure!.url).toBe('https://[2001:db8::1]:9001');
  });

  test('Ingress: the chart Ingress with the host, the class and the TLS passthrough annotations, no TLS termination; the URL on 443', () => {
    const { proxy, values } = setup({ exposure: INGRESS });
    expect(values().ingress).toEqual({ enabled: true, className: 'nginx', annotations: INGRESS_NGINX_PASSTHROUGH, hosts: [{ host: 'proxy.example.com', paths: ['/'] }] });
    expect(values().service).toEqual({ port: 9001 });
    expect(values().options.additionalSANs).toEqual(['proxy.example.com']);
    expect(proxy.exposure!.url).toBe('https://proxy.example.com');
  });

  test('Ingress with cert-manager: the chart adds the Ingress hosts to the Certificate itself, so nothing more is set', () => {
    const values = setup({ certificates: CapsuleProxyCertificates.CERT_MANAGER, exposure: INGRESS }).values();
    expect(values.certManager).toEqual({ generateCertificates: true });
    expect(ProxyExposure.certificateNames(values, { serviceName: 'capsule-proxy', namespace: 'capsule-system', port: 9001, certManager: true })).toEqual([
      'proxy.example.com',
      'capsule-proxy',
      'capsule-proxy.capsule-system.svc',
    ]);
  });

  test('annotations replace the ingress-nginx default', () => {
    expect(setup({ exposure: { ...INGRESS, annotations: { 'haproxy.org/ssl-passthrough': 'true' } } }).values().ingress.annotations).toEqual({
      'haproxy.org/ssl-passthrough': 'true',
    });
  });

  test('without exposure, nothing changes (a ClusterIP Service, no extra SAN)', () => {
    const { proxy, values } = setup();
    expect(proxy.exposure).toBeUndefined();
    expect(values()).toEqual({ service: { port: 9001 }, options: { capsuleConfigurationName: 'default', generateCertificates: true }, certManager: { generateCertificates: false } });
  });

  test.each([
    ['service.type', { service: { type: 'NodePort' } }],
    ['ingress.enabled', { ingress: { enabled: true } }],
    ['ingress.tls', { ingress: { tls: [{ secretName: 'x' }] } }],
    ['options.additionalSANs', { options: { additionalSANs: ['other'] } }],
    ['certManager.certificate.dnsNames', { certManager: { certificate: { dnsNames: ['other'] } } }],
  ])('refuses values.%s, which the exposure owns, exposed or not', (path, values) => {
    expect(() => setup({ values })).toThrow(`values.${path} cannot be overridden`);
    expect(() => setup({ values, exposure: LB })).toThrow(`values.${path} cannot be overridden`);
  });

  test('refuses a certificate that would not name the host (includeInternalServiceNames does not matter; the check reads the final values)', () => {
    const exposure = new ProxyExposure(LB, { serviceName: 'capsule-proxy', namespace: 'capsule-system', port: 9001, certManager: true });
    expect(exposure.certificateProblems({ certManager: { certificate: {} } })).toEqual([
      'the proxy\'s certificate would not name proxy.example.com (it names capsule-proxy, capsule-proxy.capsule-system.svc), so kubectl would refuse https://proxy.example.com:9001',
    ]);
    expect(exposure.certificateProblems(exposure.values)).toEqual([]);
  });

  test.each<[string, CapsuleProxyExposure, string[]]>([
    ['a wildcard host', { ...LB, host: '*.example.com' }, ['host']],
    ['a host with a port', { ...LB, host: 'proxy.example.com:443' }, ['host']],
    ['an upper-case host', { ...INGRESS, host: 'Proxy.example.com' }, ['host']],
    ['an IP address behind an Ingress', { ...INGRESS, host: '192.0.2.1' }, ['host']],
    ['source ranges on an Ingress', { ...INGRESS, loadBalancerSourceRanges: ['10.0.0.0/8'] }, ['loadBalancerSourceRanges']],
    ['a class on a LoadBalancer', { ...LB, className: 'nginx' }, ['className']],
  ])('refuses %s', (_name, exposure, fields) => {
    expect(exposureProblems(exposure).map((p) => p.field)).toEqual(fields);
    expect(() => setup({ exposure })).toThrow(/^capsule-proxy exposure: /);
  });
});
