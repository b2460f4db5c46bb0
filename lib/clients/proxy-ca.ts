import type { CaCertificateSource, IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import type { Layer } from '../core/delivery/delivery';

/**
 * Copies the proxy's CA certificate into other namespaces (a trust-manager `Bundle`), for clients
 * that do not run in the proxy's namespace: a projected volume can only read its own namespace.
 */
export interface IProxyCaDistribution {
  /**
   * Makes the CA available in `namespace` (may create the distribution on first use).
   * @returns where a pod of `namespace` reads it, the labels `namespace` must carry to receive it,
   *   and the layer that applies the distribution
   */
  distributeTo(namespace: string): ProxyCaTarget;
}

/** The proxy's CA as one namespace receives it. */
export interface ProxyCaTarget {
  readonly source: CaCertificateSource;
  /** Labels the namespace must carry for the distribution to reach it. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The layer that applies the distribution: clients there are applied after it. */
  readonly layer: Layer;
}

/** Where a client in `namespace` reads the proxy's CA, and what must exist first. */
export interface ClientProxyCa {
  readonly source: CaCertificateSource;
  /** Labels the client's namespace must carry. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** The layer distributing the CA, when the client is outside the proxy's namespace. */
  readonly distributionLayer?: Layer;
}

/**
 * Where `client`, running in `namespace`, reads `proxy`'s CA: the proxy's own TLS Secret in the
 * proxy's namespace (the key depends on who issued the certificate), the distribution's ConfigMap
 * anywhere else.
 * @throws if the client is outside the proxy's namespace and nothing distributes the CA
 */
export function clientProxyCa(client: string, proxy: IKubeApiProxy, namespace: string, distribution?: IProxyCaDistribution): ClientProxyCa {
  if (namespace === proxy.namespace) return { source: proxy.caCertificate, namespaceLabels: {} };
  if (!distribution) {
    const ca = proxy.caCertificate;
    throw new Error(
      `${client} runs in namespace ${namespace}, but the capsule-proxy CA (${ca.kind} ${ca.name}, key ${ca.key}) is only in ${proxy.namespace}: ` +
        `install ${client} in the capsule-proxy namespace (${proxy.namespace}) or enable trust-manager`,
    );
  }
  const { source, namespaceLabels, layer } = distribution.distributeTo(namespace);
  return { source, namespaceLabels, distributionLayer: layer };
}
