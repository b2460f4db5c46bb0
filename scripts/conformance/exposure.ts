/**
 * Integration facts of an exposed capsule-proxy (`capsuleProxy.exposure`), asserted on what the
 * capsule-proxy chart RENDERS and on the tenant kubeconfigs the synth wrote, against the settings
 * of platform.yaml (not against the values the platform computed from them):
 * - LoadBalancer: the Service in front of the proxy Pods is `type: LoadBalancer`, with the
 *   configured source ranges and annotations;
 * - Ingress: an Ingress rule for the host leads to that Service's port, without TLS termination
 *   (no `spec.tls`), with the class and the TLS passthrough annotations;
 * - the serving certificate (certgen Job `--host`, or cert-manager Certificate dnsNames/ipAddresses)
 *   names the host;
 * - every tenant of the cluster has a kubeconfig whose server is that URL, and the CA command
 *   reads the Secret and key the proxy's TLS mode writes.
 */
import * as YAML from 'yaml';
import { INGRESS_NGINX_PASSTHROUGH } from '../../lib/capsule-proxy/exposure';
import { KUBECONFIG_FOLDER } from '../../lib/capsule-proxy/kubeconfig';
import type { ClusterSettings } from '../../lib/platform/config/platform-schema';
import type { RenderedRelease } from './helm';
import type { SynthesizedPlatform } from './platforms';

type Exposure = NonNullable<NonNullable<ClusterSettings['capsuleProxy']>['exposure']>;
type Obj = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any };

/** The proxy's TLS facts as the chart renders them: the Secret served, its CA key, the names of its certificate. */
export interface RenderedTls {
  readonly secret: string;
  readonly caKey: string;
  readonly names?: readonly string[];
}

/** The Service that leads to the proxy Pods' `proxy` port. */
function proxyService(proxy: RenderedRelease): Obj {
  const objects = proxy.objects as unknown as Obj[];
  const pods = objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind)).map((w) => w.spec.template);
  const ports = new Set<unknown>(pods.flatMap((p) => (p.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).filter((port: any) => port.name === 'proxy').flatMap((port: any) => [port.containerPort, port.name]))));
  const services = objects.filter(
    (o) =>
      o.kind === 'Service' &&
      pods.some((p) => Object.entries(o.spec?.selector ?? {}).every(([k, v]) => p.metadata?.labels?.[k] === v)) &&
      (o.spec?.ports ?? []).some((p: any) => ports.has(p.targetPort ?? p.port)),
  );
  if (services.length !== 1) throw new Error(`the capsule-proxy chart (${proxy.outputFile}) renders ${services.length} Services in front of the proxy port, expected one`);
  return services[0];
}

/** Problems of the exposure of `proxy` (rendered) and of the kubeconfigs of `platform` for `cluster`. */
export function exposureProblems(
  exposure: Exposure,
  proxy: RenderedRelease,
  tls: RenderedTls | undefined,
  kubeconfigs: { platform: SynthesizedPlatform; cluster: string; tenants: readonly string[] },
): string[] {
  const problems: string[] = [];
  const objects = proxy.objects as unknown as Obj[];
  const service = proxyService(proxy);
  const servicePort = (service.spec.ports as any[]).find((p) => p.name === 'proxy') ?? service.spec.ports[0];
  let url: string;
  if (exposure.type === 'LoadBalancer') {
    url = `https://${exposure.host.includes(':') ? `[${exposure.host}]` : exposure.host}:${servicePort.port}`;
    if (service.spec.type !== 'LoadBalancer') problems.push(`Service ${service.metadata.name} is type ${service.spec.type ?? 'ClusterIP'}, not LoadBalancer`);
    const ranges = service.spec.loadBalancerSourceRanges ?? [];
    if (JSON.stringify(ranges) !== JSON.stringify(exposure.loadBalancerSourceRanges ?? [])) problems.push(`Service ${service.metadata.name} admits ${JSON.stringify(ranges)}, configured ${JSON.stringify(exposure.loadBalancerSourceRanges ?? [])}`);
    problems.push(...missingAnnotations(`Service ${service.metadata.name}`, service, exposure.annotations ?? {}));
    if (objects.some((o) => o.kind === 'Ingress')) problems.push('the chart also renders an Ingress');
  } else {
    url = `https://${exposure.host}`;
    const ingresses = objects.filter((o) => o.kind === 'Ingress' && (o.spec?.rules ?? []).some((r: any) => r.host === exposure.host));
    if (ingresses.length !== 1) return [`the capsule-proxy chart renders ${ingresses.length} Ingresses with a rule for host ${exposure.host}, expected one`];
    const [ingress] = ingresses;
    if (ingress.apiVersion !== 'networking.k8s.io/v1') problems.push(`Ingress ${ingress.metadata.name} is ${ingress.apiVersion}, not networking.k8s.io/v1`);
    const paths: any[] = ingress.spec.rules.find((r: any) => r.host === exposure.host).http?.paths ?? [];
    const backends = paths.map((p) => p.backend?.service);
    if (!backends.length || backends.some((b) => b?.name !== service.metadata.name || b?.port?.number !== servicePort.port)) {
      problems.push(`Ingress ${ingress.metadata.name} leads to ${JSON.stringify(backends)}, not to Service ${service.metadata.name} port ${servicePort.port}`);
    }
    if (ingress.spec.tls?.length) problems.push(`Ingress ${ingress.metadata.name} terminates TLS (spec.tls), but capsule-proxy terminates TLS itself`);
    if (exposure.className !== undefined && ingress.spec.ingressClassName !== exposure.className) problems.push(`Ingress ${ingress.metadata.name} has class ${ingress.spec.ingressClassName}, configured ${exposure.className}`);
    problems.push(...missingAnnotations(`Ingress ${ingress.metadata.name}`, ingress, exposure.annotations ?? INGRESS_NGINX_PASSTHROUGH));
    if (service.spec.type && service.spec.type !== 'ClusterIP') problems.push(`Service ${service.metadata.name} is type ${service.spec.type}; behind an Ingress it stays ClusterIP`);
  }
  if (!tls?.names) problems.push(`the chart renders no certificate for the Secret the proxy serves with, so nothing names ${exposure.host}`);
  else if (!tls.names.includes(exposure.host)) problems.push(`the proxy's certificate names ${tls.names.join(', ')}, not ${exposure.host}`);

  if (exposure.kubeconfigs === false) return problems;
  const { platform, cluster, tenants } = kubeconfigs;
  const folder = `${cluster}/${KUBECONFIG_FOLDER}/`;
  const files = new Map(platform.files.filter((f) => f.path.startsWith(folder)).map((f) => [f.path.slice(folder.length), f.content]));
  for (const tenant of tenants) {
    const content = files.get(`${tenant}.yaml`);
    if (content === undefined) {
      problems.push(`no kubeconfig ${folder}${tenant}.yaml for tenant ${tenant}`);
      continue;
    }
    const config = YAML.parse(content);
    const servers = (config.clusters ?? []).map((c: any) => c.cluster?.server);
    if (servers.length !== 1 || servers[0] !== url) problems.push(`${folder}${tenant}.yaml points at ${servers.join(', ')}, not ${url}`);
    if (tls && !content.includes(`get secret ${tls.secret} -o jsonpath='{.data.${tls.caKey.replace(/\./g, '\\.')}}'`)) {
      problems.push(`${folder}${tenant}.yaml does not tell how to read the CA from key ${tls.caKey} of Secret ${tls.secret}, where the chart writes it`);
    }
  }
  if (!files.has('.sourceignore')) problems.push(`${folder}.sourceignore is missing: Flux would put the kubeconfigs into its artifact`);
  return problems;
}

function missingAnnotations(what: string, object: Obj, expected: Readonly<Record<string, string>>): string[] {
  const actual = object.metadata.annotations ?? {};
  return Object.entries(expected)
    .filter(([k, v]) => actual[k] !== v)
    .map(([k, v]) => `${what} lacks annotation ${k}: "${v}"`);
}
