/**
 * Integration facts asserted on what the charts RENDER (not on the values the platform passes):
 * - the teleport-kube-agent Pod's KUBERNETES_SERVICE_HOST/PORT reach the Service the capsule-proxy
 *   chart renders (name, namespace, port, and a container port behind it), whose certificate names
 *   that host;
 * - the agent's projected CA volume reads the Secret and key the proxy's TLS mode writes (certgen
 *   Job: key `ca`; cert-manager Certificate: key `ca.crt`), in the agent's own namespace;
 * - Capsule's CapsuleConfiguration lists every tenant's user group, and capsule-proxy reads that
 *   CapsuleConfiguration;
 * - an exposed capsule-proxy (LoadBalancer or Ingress) is reachable at its host with a certificate
 *   for it, and the tenant kubeconfigs point there (exposure.ts).
 * - capsule-proxy's cert-manager Certificate names a ClusterIssuer the output renders (or the
 *   existing one the configuration declares);
 * - trust-manager's trust namespace (its Deployment's --trust-namespace, its Role on Secrets there)
 *   is the namespace of the Secret each Bundle reads, which is capsule-proxy's TLS Secret, with
 *   the key its TLS mode writes the CA to;
 * - exactly one issuer owns Capsule's webhook certificate (its TLS reconciler, or a cert-manager
 *   Certificate whose CA the webhook configurations inject), and it is the one `capsule.certificates` chose.
 */
import { Manifest } from '../../lib/core/output/manifest-file';
import { loadPlatform } from '../../lib/platform/config/load';
import { CapsuleCertificates } from '../../lib/capsule/capsule';
import { Tenant } from '../../lib/capsule/tenant';
import { exposureProblems } from './exposure';
import type { RenderedRelease } from './helm';
import { SynthesizedPlatform } from './platforms';
import { Check } from './report';

type Obj = Manifest & { spec?: any };

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function checkIntegration(platforms: readonly SynthesizedPlatform[], releases: readonly RenderedRelease[]): Check[] {
  const checks: Check[] = [];
  for (const platform of platforms) {
    const definition = loadPlatform(platform.configDir);
    const clusters = [...new Set(releases.filter((r) => r.platform === platform).map((r) => r.cluster))];
    for (const cluster of clusters) {
      const inCluster = releases.filter((r) => r.platform === platform && r.cluster === cluster);
      const byChart = (chart: string) => inCluster.find((r) => r.chart === chart);
      const capsule = byChart('capsule');
      const proxy = byChart('capsule-proxy');
      const agent = byChart('teleport-kube-agent');
      const where = `${platform.name}/${cluster}`;
      if (agent && proxy) {
        checks.push(fact(`${where}: teleport-kube-agent reaches the capsule-proxy Service`, () => agentToProxy(agent, proxy)));
        checks.push(fact(`${where}: teleport-kube-agent trusts the CA capsule-proxy's TLS mode writes`, () => agentCa(agent, proxy)));
      }
      const exposure = definition.settings.clusters.find((c) => c.name === cluster)?.capsuleProxy?.exposure;
      if (proxy && exposure) {
        const tenants = definition.tenants.filter((t) => !t.platform.clusters || t.platform.clusters.includes(cluster)).map((t) => t.name);
        const subject = `${where}: capsule-proxy is exposed by ${exposure.type} at ${exposure.host}, its certificate names it, the tenant kubeconfigs point at it`;
        checks.push(fact(subject, () => exposureProblems(exposure, proxy, proxyTls(proxy), { platform, cluster, tenants })));
      }
      const platformObjects = platform.files.filter((f) => f.path.startsWith(`${cluster}/`)).flatMap((f) => f.manifests) as Obj[];
      const settings = definition.settings.clusters.find((c) => c.name === cluster);
      if (proxy && proxyTls(proxy)?.writer.startsWith('cert-manager')) {
        checks.push(fact(`${where}: capsule-proxy's certificate is issued by a ClusterIssuer the cluster has`, () => proxyIssuer(proxy, platformObjects, settings?.certManager?.issuer)));
      }
      const trustManager = byChart('trust-manager');
      if (trustManager && proxy) {
        checks.push(fact(`${where}: trust-manager's Bundles read capsule-proxy's CA in its trust namespace`, () => bundleSources(trustManager, proxy, platformObjects)));
      }
      if (capsule) {
        const tenants = definition.tenants.filter((t) => !t.platform.clusters || t.platform.clusters.includes(cluster));
        const groups = tenants.map((t) => ({ tenant: t.name, group: t.platform.userGroup ?? Tenant.defaultUserGroup(t.name) }));
        checks.push(fact(`${where}: CapsuleConfiguration carries the tenants' user groups`, () => capsuleGroups(capsule, groups)));
        if (proxy) checks.push(fact(`${where}: capsule-proxy reads the CapsuleConfiguration Capsule renders`, () => proxyConfiguration(capsule, proxy)));
        const mode = (settings?.capsule?.certificates as CapsuleCertificates | undefined) ?? CapsuleCertificates.CONTROLLER;
        checks.push(fact(`${where}: Capsule's webhook certificate has exactly one issuer (capsule.certificates: ${mode})`, () => capsuleWebhookTls(capsule, mode)));
      }
    }
  }
  return checks;
}

/** A check from a function that returns the problems it finds. */
function fact(subject: string, problems: () => string[]): Check {
  try {
    const found = problems();
    return { subject, ok: found.length === 0, message: found.join('; ') };
  } catch (error) {
    return { subject, ok: false, message: (error as Error).message };
  }
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function workloads(release: RenderedRelease): Obj[] {
  return (release.objects as Obj[]).filter((o) => WORKLOADS.has(o.kind) && o.spec?.template?.spec);
}

function namespaceOf(object: Obj, release: RenderedRelease): string {
  return object.metadata.namespace ?? release.namespace;
}

/** The agent's Teleport container and its Pod spec. */
function agentPod(agent: RenderedRelease): { pod: any; container: any; workload: Obj } {
  const [workload] = workloads(agent);
  if (!workload) throw new Error(`${agent.outputFile}: the teleport-kube-agent chart renders no Deployment or StatefulSet`);
  const pod = workload.spec.template.spec;
  const container = (pod.containers ?? []).find((c: any) => c.name === 'teleport') ?? pod.containers?.[0];
  if (!container) throw new Error(`${agent.outputFile}: ${workload.kind} ${workload.metadata.name} has no container`);
  return { pod, container, workload };
}

function env(container: any, name: string): string | undefined {
  const entry = (container.env ?? []).find((e: any) => e.name === name);
  return entry?.value;
}

/** `<service>.<namespace>.svc[.cluster.local]`, `<service>.<namespace>` or `<service>` (the Pod's namespace). */
function parseServiceHost(host: string, podNamespace: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?\.?$/.exec(host);
  return m ? { name: m[1], namespace: m[2] ?? podNamespace } : undefined;
}

function proxyService(agent: RenderedRelease, proxy: RenderedRelease): { service: Obj; host: string; port: number } {
  const { container, workload } = agentPod(agent);
  const host = env(container, 'KUBERNETES_SERVICE_HOST');
  const portText = env(container, 'KUBERNETES_SERVICE_PORT');
  if (!host || !portText) throw new Error(`${agent.outputFile}: ${workload.kind} ${workload.metadata.name} container ${container.name} does not set KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT: it would talk to the API server directly, not through capsule-proxy`);
  const target = parseServiceHost(host, namespaceOf(workload, agent));
  if (!target) throw new Error(`KUBERNETES_SERVICE_HOST=${host} is not a Service DNS name`);
  const services = (proxy.objects as Obj[]).filter((o) => o.kind === 'Service');
  const service = services.find((s) => s.metadata.name === target.name && namespaceOf(s, proxy) === target.namespace);
  if (!service) {
    const rendered = services.map((s) => `${s.metadata.name}.${namespaceOf(s, proxy)}`).join(', ') || 'none';
    throw new Error(`KUBERNETES_SERVICE_HOST=${host} names Service ${target.namespace}/${target.name}, but the capsule-proxy chart (${proxy.outputFile}) renders: ${rendered}`);
  }
  return { service, host, port: Number(portText) };
}

export function agentToProxy(agent: RenderedRelease, proxy: RenderedRelease): string[] {
  const { service, host, port } = proxyService(agent, proxy);
  const servicePort = (service.spec?.ports ?? []).find((p: any) => p.port === port);
  if (!servicePort) return [`KUBERNETES_SERVICE_PORT=${port}, but Service ${service.metadata.name} exposes ${(service.spec?.ports ?? []).map((p: any) => p.port).join(', ')}`];
  // The Service must lead to a container port of a proxy Pod it selects.
  const selector: Record<string, string> = service.spec?.selector ?? {};
  const selected = workloads(proxy).filter((w) => Object.entries(selector).every(([k, v]) => w.spec.template.metadata?.labels?.[k] === v));
  if (!selected.length) return [`Service ${service.metadata.name} selects no Pod the capsule-proxy chart renders (selector ${JSON.stringify(selector)})`];
  const target = servicePort.targetPort ?? servicePort.port;
  const served = selected.some((w) =>
    (w.spec.template.spec.containers ?? []).some((c: any) => (c.ports ?? []).some((p: any) => p.containerPort === target || (p.name && p.name === target))),
  );
  if (!served) return [`Service ${service.metadata.name} port ${port} targets ${target}, which no container of the capsule-proxy Pods exposes`];
  const problems: string[] = [];
  const names = certificateNames(proxy);
  if (names && !names.includes(host)) problems.push(`the agent connects to ${host}, which capsule-proxy's certificate does not name (${names.join(', ')})`);
  return problems;
}

/** How the proxy's TLS Secret is written: its name, the key holding the CA, and the names the certificate carries. */
interface ProxyTls {
  readonly secret: string;
  readonly caKey: string;
  readonly writer: string;
  readonly names?: string[];
}

export function proxyTls(proxy: RenderedRelease): ProxyTls | undefined {
  const objects = proxy.objects as Obj[];
  // The Secret the proxy serves with: the secret volume of its Pods.
  const secrets = workloads(proxy).flatMap((w) => (w.spec.template.spec.volumes ?? []).filter((v: any) => v.secret).map((v: any) => v.secret.secretName as string));
  for (const secret of secrets) {
    const certificate = objects.find((o) => o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/') && o.spec?.secretName === secret);
    if (certificate) return { secret, caKey: 'ca.crt', writer: `cert-manager Certificate ${certificate.metadata.name}`, names: [...(certificate.spec.dnsNames ?? []), ...(certificate.spec.ipAddresses ?? [])] };
    const job = objects.find((o) => o.kind === 'Job' && jobArgs(o).includes(`--secret-name=${secret}`));
    if (job) {
      const hosts = jobArgs(job).find((a) => a.startsWith('--host='));
      // kube-webhook-certgen stores the CA under the literal key "ca".
      return { secret, caKey: 'ca', writer: `certgen Job ${job.metadata.name}`, names: hosts?.slice('--host='.length).split(',') };
    }
  }
  return undefined;
}

function jobArgs(job: Obj): string[] {
  return (job.spec?.template?.spec?.containers ?? []).flatMap((c: any) => [...(c.command ?? []), ...(c.args ?? [])]);
}

function certificateNames(proxy: RenderedRelease): string[] | undefined {
  return proxyTls(proxy)?.names;
}

export function agentCa(agent: RenderedRelease, proxy: RenderedRelease): string[] {
  const { pod, container, workload } = agentPod(agent);
  const mount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === SERVICE_ACCOUNT_DIR);
  if (!mount) return [`${workload.kind} ${workload.metadata.name}: nothing is mounted at ${SERVICE_ACCOUNT_DIR}, so the agent trusts the API server's CA, not capsule-proxy's`];
  const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
  const sources: any[] = volume?.projected?.sources ?? [];
  const secretSource = sources.find((s) => s.secret)?.secret;
  if (!secretSource) return [`volume ${mount.name} mounted at ${SERVICE_ACCOUNT_DIR} projects no Secret (the proxy's CA)`];
  const item = (secretSource.items ?? []).find((i: any) => i.path === 'ca.crt');
  if (!item) return [`volume ${mount.name}: no item of Secret ${secretSource.name} is projected to ca.crt`];
  const tls = proxyTls(proxy);
  if (!tls) return [`the capsule-proxy chart (${proxy.outputFile}) renders neither a cert-manager Certificate nor a certgen Job for the Secret its Pods serve with`];
  const problems: string[] = [];
  if (secretSource.name !== tls.secret) problems.push(`the agent projects Secret ${secretSource.name}, the proxy serves with Secret ${tls.secret}`);
  if (item.key !== tls.caKey) problems.push(`the agent reads key ${item.key} of Secret ${secretSource.name}, but ${tls.writer} writes the CA to key ${tls.caKey}`);
  if (namespaceOf(workload, agent) !== proxy.namespace) problems.push(`the agent runs in ${namespaceOf(workload, agent)}, the proxy's Secret is in ${proxy.namespace}: a projected volume reads Secrets of its own namespace only`);
  if (!sources.some((s) => s.serviceAccountToken)) problems.push(`volume ${mount.name} projects no serviceAccountToken`);
  return problems;
}

function capsuleConfiguration(capsule: RenderedRelease): Obj {
  const configuration = (capsule.objects as Obj[]).find((o) => o.kind === 'CapsuleConfiguration');
  if (!configuration) throw new Error(`the capsule chart (${capsule.outputFile}) renders no CapsuleConfiguration`);
  return configuration;
}

export function capsuleGroups(capsule: RenderedRelease, tenants: ReadonlyArray<{ tenant: string; group: string }>): string[] {
  const configuration = capsuleConfiguration(capsule);
  // Capsule 0.10 lists groups in spec.userGroups; 0.14 in spec.users (kind Group), userGroups deprecated.
  const groups: string[] = [
    ...(configuration.spec?.userGroups ?? []),
    ...((configuration.spec?.users ?? []) as Array<{ kind?: string; name?: string }>).filter((u) => u.kind === 'Group').map((u) => String(u.name)),
  ];
  const problems = tenants
    .filter((t) => !groups.includes(t.group))
    .map((t) => `tenant ${t.tenant}'s user group ${t.group} is not a Capsule user group of CapsuleConfiguration ${configuration.metadata.name} (spec.userGroups and spec.users groups: ${groups.join(', ') || 'none'})`);
  if (!tenants.length && !groups.length) problems.push(`CapsuleConfiguration ${configuration.metadata.name} has no user groups`);
  return problems;
}

export function proxyConfiguration(capsule: RenderedRelease, proxy: RenderedRelease): string[] {
  const name = capsuleConfiguration(capsule).metadata.name;
  const args = workloads(proxy).flatMap((w) => (w.spec.template.spec.containers ?? []).flatMap((c: any) => c.args ?? []));
  const flag = args.find((a: string) => a.startsWith('--capsule-configuration-name='));
  if (!flag) return [`capsule-proxy's Pods take no --capsule-configuration-name (rendered args: ${args.join(' ')})`];
  const used = flag.slice('--capsule-configuration-name='.length);
  return used === name ? [] : [`capsule-proxy reads CapsuleConfiguration ${used}, Capsule renders ${name}`];
}

/** The Certificate capsule-proxy serves with names an issuer: its own Issuer, or a ClusterIssuer of the output or declared to exist. */
export function proxyIssuer(proxy: RenderedRelease, platformObjects: readonly Obj[], issuer?: { type: string; name?: string }): string[] {
  const tls = proxyTls(proxy)!;
  const certificate = (proxy.objects as Obj[]).find((o) => o.kind === 'Certificate' && o.spec?.secretName === tls.secret)!;
  const ref = certificate.spec.issuerRef ?? {};
  if (ref.kind === 'ClusterIssuer') {
    if (platformObjects.some((o) => o.kind === 'ClusterIssuer' && o.metadata.name === ref.name)) return [];
    if (issuer?.type === 'cluster-issuer' && issuer.name === ref.name) return [];
    return [`Certificate ${certificate.metadata.name} asks ClusterIssuer ${ref.name}, which neither the output renders nor the configuration declares (certManager.issuer)`];
  }
  const own = (proxy.objects as Obj[]).find((o) => o.kind === (ref.kind ?? 'Issuer') && o.metadata.name === ref.name);
  return own ? [] : [`Certificate ${certificate.metadata.name} asks ${ref.kind ?? 'Issuer'} ${ref.name}, which the capsule-proxy chart does not render`];
}

export function bundleSources(trustManager: RenderedRelease, proxy: RenderedRelease, platformObjects: readonly Obj[]): string[] {
  const args = workloads(trustManager).flatMap((w) => (w.spec.template.spec.containers ?? []).flatMap((c: any) => c.args ?? []));
  const flag = args.find((a: string) => a.startsWith('--trust-namespace='));
  if (!flag) return [`the trust-manager chart (${trustManager.outputFile}) renders no --trust-namespace`];
  const trustNamespace = flag.slice('--trust-namespace='.length);
  const problems: string[] = [];
  const readsSecrets = (trustManager.objects as Obj[]).some(
    (o) => o.kind === 'Role' && o.metadata.namespace === trustNamespace && ((o as any).rules ?? []).some((r: any) => r.resources?.includes('secrets') && r.verbs?.includes('get')),
  );
  if (!readsSecrets) problems.push(`the trust-manager chart grants no Role on Secrets in its trust namespace ${trustNamespace}`);
  const tls = proxyTls(proxy);
  if (!tls) return [...problems, `the capsule-proxy chart (${proxy.outputFile}) renders neither a cert-manager Certificate nor a certgen Job for the Secret its Pods serve with`];
  if (proxy.namespace !== trustNamespace) problems.push(`capsule-proxy's Secret ${tls.secret} is in ${proxy.namespace}, trust-manager reads sources only in ${trustNamespace}`);
  for (const bundle of platformObjects.filter((o) => o.kind === 'Bundle')) {
    for (const source of bundle.spec?.sources ?? []) {
      if (!source.secret) continue;
      if (source.secret.name !== tls.secret) problems.push(`Bundle ${bundle.metadata.name} reads Secret ${source.secret.name}, capsule-proxy serves with Secret ${tls.secret}`);
      else if (source.secret.key !== tls.caKey) problems.push(`Bundle ${bundle.metadata.name} reads key ${source.secret.key} of Secret ${tls.secret}, but ${tls.writer} writes the CA to key ${tls.caKey}`);
    }
  }
  return problems;
}

const INJECT_CA = 'cert-manager.io/inject-ca-from';
const WEBHOOK_CONFIGURATIONS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);

/**
 * Who issues Capsule's webhook certificate (Secret `spec.overrides.TLSSecretName`): Capsule's TLS
 * reconciler (`spec.enableTLSReconciler`) or a cert-manager Certificate, never both and never
 * neither; with cert-manager, every webhook configuration injects that Certificate's CA, without it none.
 */
export function capsuleWebhookTls(capsule: RenderedRelease, expected: CapsuleCertificates): string[] {
  const configuration = capsuleConfiguration(capsule);
  const secret: string | undefined = configuration.spec?.overrides?.TLSSecretName;
  const reconciler = configuration.spec?.enableTLSReconciler === true;
  const objects = capsule.objects as Obj[];
  const certificate = objects.find((o) => o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/') && o.spec?.secretName === secret);
  const problems: string[] = [];
  if (reconciler && certificate) problems.push(`both Capsule's TLS reconciler and cert-manager Certificate ${certificate.metadata.name} write Secret ${secret}`);
  if (!reconciler && !certificate) problems.push(`nobody issues Capsule's webhook certificate: the TLS reconciler is off and no cert-manager Certificate writes Secret ${secret}`);
  const rendered = certificate ? CapsuleCertificates.CERT_MANAGER : CapsuleCertificates.CONTROLLER;
  if (!problems.length && rendered !== expected) {
    problems.push(`capsule.certificates is ${expected}, but the chart renders ${certificate ? `cert-manager Certificate ${certificate.metadata.name}` : "Capsule's TLS reconciler"}`);
  }
  const namespace = capsule.namespace;
  const injected = certificate ? `${namespace}/${certificate.metadata.name}` : undefined;
  for (const webhook of objects.filter((o) => WEBHOOK_CONFIGURATIONS.has(o.kind))) {
    const from = (webhook.metadata.annotations as Record<string, string> | undefined)?.[INJECT_CA];
    if (from !== injected) {
      problems.push(injected ? `${webhook.kind} ${webhook.metadata.name} injects the CA from ${from ?? 'nowhere'}, not from Certificate ${injected}` : `${webhook.kind} ${webhook.metadata.name} asks cert-manager to inject ${from}, but Capsule's reconciler owns its caBundle`);
    }
  }
  if (certificate) {
    const host = `capsule-webhook-service.${namespace}.svc`;
    if (!(certificate.spec.dnsNames ?? []).includes(host)) problems.push(`Certificate ${certificate.metadata.name} does not name the webhook Service ${host}`);
  }
  return problems;
}
