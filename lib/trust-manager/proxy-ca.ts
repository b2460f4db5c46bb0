import { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { Layer } from '../core/delivery/delivery';
import type { CaSecretSource, ProxyCaBundle } from './proxy-ca-bundle';

/** Where a client finds the proxy's CA certificate in its own namespace. */
export interface ProxyCaReference {
  /** The proxy's TLS Secret (client in the proxy's namespace) or the trust-manager ConfigMap (anywhere else). */
  readonly kind: 'Secret' | 'ConfigMap';
  /** Name of the Secret or ConfigMap. */
  readonly name: string;
  /** Key of the CA certificate in it. */
  readonly key: string;
  /** The layer that renders (or makes) it: the client's layer must depend on it. */
  readonly layer: Layer;
  /** A projected-volume source (wire format) that puts the CA at `path`. */
  projection(path?: string): Record<string, unknown>;
  /** A volume `name` (wire format) with the CA at `path`. */
  volume(name: string, path?: string): Record<string, unknown>;
}

export interface ProxyCaProps {
  /** The proxy (its CA Secret's name, key and namespace are read from it). */
  readonly proxy: CaSecretSource & IConstruct;
  /**
   * The Bundle that distributes the CA to other namespaces, created on first use.
   * @default - trust-manager is not enabled: clients outside the proxy's namespace are an error
   */
  readonly bundle?: () => ProxyCaBundle;
  /**
   * How the user enables trust-manager, for the error (e.g. the setting in platform.yaml).
   * @default 'enable trust-manager'
   */
  readonly enableTrustManager?: string;
}

/** The CA file name clients read, as in a ServiceAccount mount. */
const CA_PATH = 'ca.crt';

/**
 * Hands each capsule-proxy client the proxy's CA in the client's namespace: the proxy's TLS Secret
 * itself in the proxy's namespace, elsewhere the ConfigMap of the trust-manager `ProxyCaBundle`
 * (to which the client's namespace is added). A Secret cannot be mounted from another namespace, so
 * without trust-manager a client outside the proxy's namespace is an error.
 */
export class ProxyCa {
  private readonly proxy: CaSecretSource & IConstruct;
  private readonly bundle?: () => ProxyCaBundle;
  private readonly enableTrustManager: string;

  constructor(props: ProxyCaProps) {
    this.proxy = props.proxy;
    this.bundle = props.bundle;
    this.enableTrustManager = props.enableTrustManager ?? 'enable trust-manager';
  }

  /** The CA for `client` (named in errors) running in `namespace`. @throws if that needs trust-manager and it is not enabled */
  public for(namespace: string, client: string): ProxyCaReference {
    const proxy = this.proxy;
    if (namespace === proxy.namespace) return reference('Secret', proxy.tlsSecretName, proxy.caKey, Layer.of(proxy));
    const problem = proxyCaProblem({ client, namespace, proxyNamespace: proxy.namespace, trustManager: this.bundle !== undefined, enableTrustManager: this.enableTrustManager });
    if (problem) throw new Error(problem);
    const bundle = this.bundle!();
    bundle.addNamespace(namespace);
    return reference('ConfigMap', bundle.configMapName, bundle.key, bundle.layer);
  }
}

/**
 * Why `client` in `namespace` cannot get the proxy's CA, if it cannot: for configuration checks
 * that want to report it against the client's setting before anything is constructed.
 */
export function proxyCaProblem(options: {
  readonly client: string;
  readonly namespace: string;
  readonly proxyNamespace: string;
  readonly trustManager: boolean;
  readonly enableTrustManager?: string;
}): string | undefined {
  if (options.namespace === options.proxyNamespace || options.trustManager) return undefined;
  return (
    `${options.client} runs in namespace ${options.namespace}, outside capsule-proxy's namespace ${options.proxyNamespace}, and the proxy's CA Secret ` +
    `can only be mounted in ${options.proxyNamespace}: ${options.enableTrustManager ?? 'enable trust-manager'} (a trust-manager Bundle copies the CA into ${options.namespace}), or run ${options.client} in ${options.proxyNamespace}`
  );
}

function reference(kind: 'Secret' | 'ConfigMap', name: string, key: string, layer: Layer): ProxyCaReference {
  const items = (path: string) => [{ key, path }];
  return {
    kind,
    name,
    key,
    layer,
    projection: (path = CA_PATH) =>
      k8s.toJson_VolumeProjection(kind === 'Secret' ? { secret: { name, items: items(path) } } : { configMap: { name, items: items(path) } })!,
    volume: (volumeName: string, path = CA_PATH) =>
      k8s.toJson_Volume(kind === 'Secret' ? { name: volumeName, secret: { secretName: name, items: items(path) } } : { name: volumeName, configMap: { name, items: items(path) } })!,
  };
}
