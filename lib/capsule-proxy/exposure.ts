import { isIP } from 'net';
import type { OwnedValues } from '../core/helm-values';

/** How capsule-proxy is reached from outside the cluster (kubectl users). */
export enum CapsuleProxyExposureType {
  /** The chart's Service as `type: LoadBalancer`: clients connect to `https://<host>:<service port>`. */
  LOAD_BALANCER = 'LoadBalancer',
  /** The chart's Ingress, passing TLS through to the proxy: clients connect to `https://<host>` (443). */
  INGRESS = 'Ingress',
}

/** capsule-proxy's exposure, as the CapsuleProxy construct takes it. */
export interface CapsuleProxyExposure {
  readonly type: CapsuleProxyExposureType;
  /**
   * The name (or, with a LoadBalancer, the IP address) clients connect to. It is added to the proxy's
   * serving certificate and is the server of the tenant kubeconfigs.
   */
  readonly host: string;
  /**
   * Annotations of the Service (LoadBalancer) or of the Ingress.
   * @default - LoadBalancer: none; Ingress: `INGRESS_NGINX_PASSTHROUGH` (ingress-nginx's TLS passthrough)
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Client CIDRs the load balancer admits (`service.loadBalancerSourceRanges`). LoadBalancer only.
   * @default - the provider's default (usually everyone)
   */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * IngressClass of the Ingress (`ingress.className`). Ingress only.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
}

/**
 * capsule-proxy terminates TLS itself (client certificates, and its own serving certificate that
 * clients trust), so an Ingress must pass the TLS stream through rather than terminate it. These are
 * ingress-nginx's annotations for that (its controller must run with `--enable-ssl-passthrough`).
 */
export const INGRESS_NGINX_PASSTHROUGH: Readonly<Record<string, string>> = {
  'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
};

/** The HTTPS port an Ingress controller serves on. */
export const INGRESS_PORT = 443;

const OWNED = 'set it with capsuleProxy.exposure: the certificate names and the tenant kubeconfigs follow it';

/**
 * Chart values (both charts, 0.9.12 and 0.14.0) that decide how the proxy is reached and which
 * names its certificate carries. The exposure owns them even when it is not set, so that nothing
 * exposes the proxy behind the kubeconfigs' (and the certificate's) back.
 */
export const EXPOSURE_OWNED_VALUES: OwnedValues = {
  'service.type': OWNED,
  'service.annotations': OWNED,
  'service.loadBalancerIP': OWNED,
  'service.loadBalancerSourceRanges': OWNED,
  'ingress.enabled': OWNED,
  'ingress.className': OWNED,
  'ingress.hosts': OWNED,
  'ingress.annotations': OWNED,
  'ingress.tls': 'capsule-proxy terminates TLS itself: its Ingress passes TLS through (capsuleProxy.exposure)',
  'options.additionalSANs': OWNED,
  'certManager.certificate.dnsNames': OWNED,
  'certManager.certificate.ipAddresses': OWNED,
};

/** What the exposure needs to know about the proxy. */
export interface ExposedProxy {
  /** The chart's fullname: the Service, and the in-cluster names of the certificate. */
  readonly serviceName: string;
  readonly namespace: string;
  /** The Service port (`service.port`). */
  readonly port: number;
  /** Whether cert-manager issues the serving certificate (else the certgen Job does). */
  readonly certManager: boolean;
}

/**
 * The chart values and the facts (URL, certificate names) of an exposed capsule-proxy, computed
 * once from the exposure settings.
 */
export class ProxyExposure {
  public readonly type: CapsuleProxyExposureType;
  public readonly host: string;
  /** The port clients connect to. */
  public readonly port: number;
  /** The URL clients connect to, e.g. `https://capsule-proxy.example.com`. */
  public readonly url: string;
  /** The chart values that expose the proxy and put `host` into its certificate. */
  public readonly values: Record<string, unknown>;

  constructor(
    exposure: CapsuleProxyExposure,
    private readonly proxy: ExposedProxy,
  ) {
    const problems = exposureProblems(exposure);
    if (problems.length) throw new Error(`capsule-proxy exposure: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.type = exposure.type;
    this.host = exposure.host;
    const ingress = exposure.type === CapsuleProxyExposureType.INGRESS;
    this.port = ingress ? INGRESS_PORT : proxy.port;
    const hostPart = isIP(this.host) === 6 ? `[${this.host}]` : this.host;
    this.url = `https://${hostPart}${this.port === INGRESS_PORT ? '' : `:${this.port}`}`;
    this.values = ingress ? this.ingressValues(exposure) : this.loadBalancerValues(exposure);
  }

  private loadBalancerValues(exposure: CapsuleProxyExposure): Record<string, unknown> {
    const service: Record<string, unknown> = { type: 'LoadBalancer' };
    if (exposure.annotations && Object.keys(exposure.annotations).length) service.annotations = { ...exposure.annotations };
    if (exposure.loadBalancerSourceRanges?.length) service.loadBalancerSourceRanges = [...exposure.loadBalancerSourceRanges];
    return { service, ...this.sanValues(false) };
  }

  private ingressValues(exposure: CapsuleProxyExposure): Record<string, unknown> {
    const ingress: Record<string, unknown> = {
      enabled: true,
      ...(exposure.className ? { className: exposure.className } : {}),
      annotations: { ...(exposure.annotations ?? INGRESS_NGINX_PASSTHROUGH) },
      // No ingress.tls (owned, left empty): the Ingress would terminate TLS with a certificate of its own.
      hosts: [{ host: this.host, paths: ['/'] }],
    };
    return { ingress, ...this.sanValues(true) };
  }

  /**
   * The values that put `host` into the serving certificate. certgen: `options.additionalSANs`
   * (kube-webhook-certgen's `--host` takes names and IP addresses alike). cert-manager: the chart
   * already lists the Ingress hosts in the Certificate's dnsNames; for a LoadBalancer the host goes
   * to `certManager.certificate.dnsNames`, or `ipAddresses` for an IP address.
   */
  private sanValues(ingress: boolean): Record<string, unknown> {
    if (!this.proxy.certManager) return { options: { additionalSANs: [this.host] } };
    if (ingress) return {};
    const field = isIP(this.host) ? 'ipAddresses' : 'dnsNames';
    return { certManager: { certificate: { [field]: [this.host] } } };
  }

  /**
   * The names (and IP addresses) the chart puts into the serving certificate with the final release
   * `values`, read as templates/certgen-job.yaml and templates/certmanager.yaml read them.
   */
  public static certificateNames(values: Record<string, any>, proxy: ExposedProxy): string[] {
    const internal = [proxy.serviceName, `${proxy.serviceName}.${proxy.namespace}.svc`];
    if (!proxy.certManager) return [...(values.options?.additionalSANs ?? []), ...internal];
    const certificate = values.certManager?.certificate ?? {};
    return [
      ...(values.ingress?.enabled ? (values.ingress.hosts ?? []).map((h: { host: string }) => h.host) : []),
      ...(certificate.dnsNames ?? []),
      ...(certificate.includeInternalServiceNames === false ? [] : internal),
      ...(certificate.ipAddresses ?? []),
    ];
  }

  /** Why the release `values` would not give clients a certificate for the exposed host. */
  public certificateProblems(values: Record<string, any>): string[] {
    const names = ProxyExposure.certificateNames(values, this.proxy);
    if (names.includes(this.host)) return [];
    return [`the proxy's certificate would not name ${this.host} (it names ${names.join(', ')}), so kubectl would refuse ${this.url}`];
  }
}

// RFC 1123 host name, as an Ingress rule host must be (no wildcard: a kubeconfig names one server).
const HOST_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A problem of one field of the exposure settings. */
export interface ExposureProblem {
  /** The field, as named in `CapsuleProxyExposure` (and in platform.yaml). */
  readonly field: keyof CapsuleProxyExposure;
  readonly message: string;
}

/** Why `exposure` cannot be rendered, field by field. */
export function exposureProblems(exposure: CapsuleProxyExposure): ExposureProblem[] {
  const problems: ExposureProblem[] = [];
  const at = (field: keyof CapsuleProxyExposure, message: string) => problems.push({ field, message });
  const ip = isIP(exposure.host) !== 0;
  const loadBalancer = exposure.type === CapsuleProxyExposureType.LOAD_BALANCER;
  if (!ip && !(HOST_NAME.test(exposure.host) && exposure.host.length <= 253)) {
    at('host', `'${exposure.host}' must be a lowercase DNS name (no wildcard, port or scheme)${loadBalancer ? ' or an IP address' : ''}`);
  }
  if (!loadBalancer) {
    if (ip) at('host', `'${exposure.host}': an Ingress rule's host must be a DNS name, not an IP address (use type LoadBalancer)`);
    if (exposure.loadBalancerSourceRanges) at('loadBalancerSourceRanges', "for type LoadBalancer only (restrict an Ingress with its controller's annotations)");
  }
  if (loadBalancer && exposure.className !== undefined) at('className', 'for type Ingress only');
  return problems;
}
