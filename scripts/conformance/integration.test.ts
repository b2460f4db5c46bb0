import type { RenderedRelease } from './helm';
import { CapsuleCertificates } from '../../lib/capsule/capsule';
import { agentCa, agentToProxy, bundleSources, capsuleGroups, capsuleWebhookTls, proxyConfiguration, proxyIssuer } from './integration';

// Rendered objects shaped as the capsule-proxy 0.9.12 and teleport-kube-agent 18.2.1 charts render them.
function proxy(tls: 'certgen' | 'cert-manager' = 'certgen'): RenderedRelease {
  const objects: any[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'capsule-proxy', namespace: 'capsule-system' }, spec: { selector: { app: 'proxy' }, ports: [{ port: 9001, targetPort: 9001 }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'capsule-proxy', namespace: 'capsule-system' },
      spec: {
        template: {
          metadata: { labels: { app: 'proxy' } },
          spec: {
            containers: [{ name: 'capsule-proxy', args: ['--capsule-configuration-name=default'], ports: [{ name: 'proxy', containerPort: 9001 }] }],
            volumes: [{ name: 'certs', secret: { secretName: 'capsule-proxy' } }],
          },
        },
      },
    },
  ];
  if (tls === 'certgen') {
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'capsule-proxy-certgen' },
      spec: { template: { spec: { containers: [{ name: 'post-install-job', args: ['create', '--host=capsule-proxy,capsule-proxy.capsule-system.svc', '--secret-name=capsule-proxy'] }] } } },
    });
  } else {
    objects.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'capsule-proxy-serving-cert' },
      spec: { secretName: 'capsule-proxy', dnsNames: ['capsule-proxy.capsule-system.svc'], issuerRef: { kind: 'ClusterIssuer', name: 'platform-ca' } },
    });
  }
  return { chart: 'capsule-proxy', namespace: 'capsule-system', objects, outputFile: 'proxy.yaml' } as unknown as RenderedRelease;
}

function agent(options: { host?: string; port?: string; key?: string; secret?: string } = {}): RenderedRelease {
  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'teleport-agent', namespace: 'capsule-system' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'teleport',
              env: [
                { name: 'KUBERNETES_SERVICE_HOST', value: options.host ?? 'capsule-proxy.capsule-system.svc' },
                { name: 'KUBERNETES_SERVICE_PORT', value: options.port ?? '9001' },
              ],
              volumeMounts: [{ name: 'kube-api-access-capsule', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
            },
          ],
          volumes: [
            {
              name: 'kube-api-access-capsule',
              projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { secret: { name: options.secret ?? 'capsule-proxy', items: [{ key: options.key ?? 'ca', path: 'ca.crt' }] } }] },
            },
          ],
        },
      },
    },
  };
  return { chart: 'teleport-kube-agent', namespace: 'capsule-system', objects: [statefulSet], outputFile: 'agent.yaml' } as unknown as RenderedRelease;
}

const capsule = (userGroups: string[]) =>
  ({ chart: 'capsule', namespace: 'capsule-system', outputFile: 'capsule.yaml', objects: [{ apiVersion: 'capsule.clastix.io/v1beta2', kind: 'CapsuleConfiguration', metadata: { name: 'default' }, spec: { userGroups } }] }) as unknown as RenderedRelease;

describe('integration facts on rendered charts', () => {
  test('the agent reaches the Service the proxy chart renders, on a port a proxy container serves, by a name its certificate carries', () => {
    expect(agentToProxy(agent(), proxy())).toEqual([]);
    expect(() => agentToProxy(agent({ host: 'capsule-proxy.other.svc' }), proxy())).toThrow('names Service other/capsule-proxy, but the capsule-proxy chart (proxy.yaml) renders: capsule-proxy.capsule-system');
    expect(agentToProxy(agent({ port: '443' }), proxy())).toEqual(['KUBERNETES_SERVICE_PORT=443, but Service capsule-proxy exposes 9001']);
    expect(agentToProxy(agent({ host: 'capsule-proxy.capsule-system.svc.cluster.local' }), proxy())[0]).toContain("which capsule-proxy's certificate does not name");
  });

  test("the agent reads the CA key the proxy's TLS mode writes: ca (certgen), ca.crt (cert-manager)", () => {
    expect(agentCa(agent({ key: 'ca' }), proxy('certgen'))).toEqual([]);
    expect(agentCa(agent({ key: 'ca.crt' }), proxy('cert-manager'))).toEqual([]);
    expect(agentCa(agent({ key: 'ca' }), proxy('cert-manager'))).toEqual([
      'the agent reads key ca of Secret capsule-proxy, but cert-manager Certificate capsule-proxy-serving-cert writes the CA to key ca.crt',
    ]);
    expect(agentCa(agent({ key: 'ca.crt' }), proxy('certgen'))).toEqual(['the agent reads key ca.crt of Secret capsule-proxy, but certgen Job capsule-proxy-certgen writes the CA to key ca']);
    expect(agentCa(agent({ secret: 'other' }), proxy())).toEqual(['the agent projects Secret other, the proxy serves with Secret capsule-proxy']);
  });

  test("the CapsuleConfiguration lists every tenant's user group; capsule-proxy reads it", () => {
    expect(capsuleGroups(capsule(['tenant-oil']), [{ tenant: 'oil', group: 'tenant-oil' }])).toEqual([]);
    expect(capsuleGroups(capsule(['tenant-oil']), [{ tenant: 'gas', group: 'tenant-gas' }])).toEqual([
      "tenant gas's user group tenant-gas is not a Capsule user group of CapsuleConfiguration default (spec.userGroups and spec.users groups: tenant-oil)",
    ]);
    // Capsule 0.14: groups are spec.users entries of kind Group.
    const v014 = capsule([]);
    (v014.objects[0] as any).spec = { users: [{ kind: 'Group', name: 'tenant-gas' }, { kind: 'User', name: 'tenant-oil' }] };
    expect(capsuleGroups(v014, [{ tenant: 'gas', group: 'tenant-gas' }])).toEqual([]);
    expect(capsuleGroups(v014, [{ tenant: 'oil', group: 'tenant-oil' }])).toHaveLength(1);
    expect(proxyConfiguration(capsule([]), proxy())).toEqual([]);
  });

  test("Capsule's webhook certificate has exactly the issuer capsule.certificates chose", () => {
    // As chart 0.14.0 renders it: the CapsuleConfiguration, the webhook configurations and, with cert-manager, Issuer and Certificate.
    const rendered = (options: { reconciler: boolean; certificate: boolean; inject?: string }) => {
      const annotations = options.inject ? { 'cert-manager.io/inject-ca-from': options.inject } : undefined;
      const objects: any[] = [
        { apiVersion: 'capsule.clastix.io/v1beta2', kind: 'CapsuleConfiguration', metadata: { name: 'default' }, spec: { enableTLSReconciler: options.reconciler, overrides: { TLSSecretName: 'capsule-tls' } } },
        { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'capsule-validating-webhook-configuration', annotations } },
      ];
      if (options.certificate) {
        objects.push({
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'capsule-webhook-cert', namespace: 'capsule-system' },
          spec: { secretName: 'capsule-tls', dnsNames: ['capsule-webhook-service.capsule-system.svc'] },
        });
      }
      return { chart: 'capsule', namespace: 'capsule-system', outputFile: 'capsule.yaml', objects } as unknown as RenderedRelease;
    };
    expect(capsuleWebhookTls(rendered({ reconciler: true, certificate: false }), CapsuleCertificates.CONTROLLER)).toEqual([]);
    expect(capsuleWebhookTls(rendered({ reconciler: false, certificate: true, inject: 'capsule-system/capsule-webhook-cert' }), CapsuleCertificates.CERT_MANAGER)).toEqual([]);
    // Chart 0.14.0's defaults on a cluster that chose the reconciler.
    expect(capsuleWebhookTls(rendered({ reconciler: false, certificate: true, inject: 'capsule-system/capsule-webhook-cert' }), CapsuleCertificates.CONTROLLER)).toEqual([
      'capsule.certificates is controller, but the chart renders cert-manager Certificate capsule-webhook-cert',
    ]);
    expect(capsuleWebhookTls(rendered({ reconciler: false, certificate: false }), CapsuleCertificates.CONTROLLER)).toEqual([
      "nobody issues Capsule's webhook certificate: the TLS reconciler is off and no cert-manager Certificate writes Secret capsule-tls",
    ]);
    expect(capsuleWebhookTls(rendered({ reconciler: true, certificate: true, inject: 'capsule-system/capsule-webhook-cert' }), CapsuleCertificates.CERT_MANAGER)).toEqual([
      "both Capsule's TLS reconciler and cert-manager Certificate capsule-webhook-cert write Secret capsule-tls",
    ]);
    expect(capsuleWebhookTls(rendered({ reconciler: true, certificate: false, inject: 'capsule-system/capsule-webhook-cert' }), CapsuleCertificates.CONTROLLER)).toEqual([
      "ValidatingWebhookConfiguration capsule-validating-webhook-configuration asks cert-manager to inject capsule-system/capsule-webhook-cert, but Capsule's reconciler owns its caBundle",
    ]);
    expect(capsuleWebhookTls(rendered({ reconciler: false, certificate: true }), CapsuleCertificates.CERT_MANAGER)).toEqual([
      'ValidatingWebhookConfiguration capsule-validating-webhook-configuration injects the CA from nowhere, not from Certificate capsule-system/capsule-webhook-cert',
    ]);
  });
});

// Shaped as the trust-manager v0.24.0 chart renders them.
function trustManager(trustNamespace = 'capsule-system'): RenderedRelease {
  const objects: any[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'trust-manager', namespace: 'cert-manager' },
      spec: { template: { spec: { containers: [{ name: 'trust-manager', args: ['--log-level=1', `--trust-namespace=${trustNamespace}`] }] } } },
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'trust-manager', namespace: trustNamespace }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }] },
  ];
  return { chart: 'trust-manager', namespace: 'cert-manager', objects, outputFile: 'trust-manager.yaml' } as unknown as RenderedRelease;
}

const bundle = (key: string, name = 'capsule-proxy') => ({ apiVersion: 'trust.cert-manager.io/v1alpha1', kind: 'Bundle', metadata: { name: 'capsule-proxy-ca' }, spec: { sources: [{ secret: { name, key } }] } }) as any;

describe('cert-manager and trust-manager facts', () => {
  test("capsule-proxy's Certificate asks a ClusterIssuer the output renders or the configuration declares", () => {
    const platformCa = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'platform-ca' } } as any;
    expect(proxyIssuer(proxy('cert-manager'), [platformCa])).toEqual([]);
    expect(proxyIssuer(proxy('cert-manager'), [], { type: 'cluster-issuer', name: 'platform-ca' })).toEqual([]);
    expect(proxyIssuer(proxy('cert-manager'), [])).toEqual([
      'Certificate capsule-proxy-serving-cert asks ClusterIssuer platform-ca, which neither the output renders nor the configuration declares (certManager.issuer)',
    ]);
  });

  test("Bundles read capsule-proxy's TLS Secret, with the key its TLS mode writes, in trust-manager's trust namespace", () => {
    expect(bundleSources(trustManager(), proxy('cert-manager'), [bundle('ca.crt')])).toEqual([]);
    expect(bundleSources(trustManager(), proxy('certgen'), [bundle('ca')])).toEqual([]);
    expect(bundleSources(trustManager(), proxy('certgen'), [bundle('ca.crt')])).toEqual([
      'Bundle capsule-proxy-ca reads key ca.crt of Secret capsule-proxy, but certgen Job capsule-proxy-certgen writes the CA to key ca',
    ]);
    expect(bundleSources(trustManager(), proxy('cert-manager'), [bundle('ca.crt', 'other')])).toEqual(['Bundle capsule-proxy-ca reads Secret other, capsule-proxy serves with Secret capsule-proxy']);
    expect(bundleSources(trustManager('cert-manager'), proxy('cert-manager'), [])).toEqual(["capsule-proxy's Secret capsule-proxy is in capsule-system, trust-manager reads sources only in cert-manager"]);
  });
});
