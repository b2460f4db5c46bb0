import type { CaCertificateSource, IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import type { Layer } from '../core/delivery/delivery';

/**
 * Copies the proxy's CA certificate into other namespaces (a trust-manager `Bundle`), for clients
 * that do not run in the proxy's namespace: a projected volume can only read its own namespace.
 */
export interface IProxyCaDistribution {
  /** The layer that applies the distribution: clients are applied after it. */
  readonly layer: Layer;
  /**
   * Makes the CA available in `namespace`.
   * @returns where a pod of `namespace` reads it, and the labels `namespace` must carry to receive it
   */
  distributeTo(namespace: string): ProxyCaTarget;
}

/** The proxy's CA as one namespace receives it. */
export interface ProxyCaTarget {
  readonly source: CaCertificateSource;
  /** Labels the namespace must carry for the distribution to reach it. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Where a client in `namespace` reads the proxy's CA, and what must exist first. */
export interface ClientProxyCa extends ProxyCaTarget {
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
  return { ...distribution.distributeTo(namespace), distributionLayer: distribution.layer };
}
