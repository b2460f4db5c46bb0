import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Bundle } from '../../imports/trust-manager-bundles-trust.cert-manager.io';
import { IDelivery, Layer } from '../core/delivery/delivery';
import type { TrustManager } from './trust-manager';

/** A CA certificate kept in a key of a Secret, as capsule-proxy's TLS Secret keeps it (see `CapsuleProxy`). */
export interface CaSecretSource {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly tlsSecretName: string;
  /** The key the CA certificate is in (it depends on who issued the certificate). */
  readonly caKey: string;
  /** Name of the Service the certificate is for; the bundle is named after it. */
  readonly serviceName: string;
}

export interface ProxyCaBundleProps {
  /** The trust-manager that syncs the bundle. Its trust namespace must be the CA Secret's namespace. */
  readonly trustManager: TrustManager;
  /** The proxy whose CA is distributed (name, namespace and key are read from it, never retyped). */
  readonly proxy: CaSecretSource;
  /**
   * Name of the Bundle, and of the ConfigMap it writes into each target namespace.
   * @default '<proxy service name>-ca', e.g. 'capsule-proxy-ca'
   */
  readonly name?: string;
}

/** The label every namespace has (Kubernetes 1.21+): the bundle targets namespaces by name with it. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * A trust-manager `Bundle` that copies a proxy's CA certificate (from its TLS Secret, in
 * trust-manager's trust namespace) into a ConfigMap `configMapName` (key `key`) in every namespace
 * that a client added with `addNamespace`, so that clients outside the proxy's namespace can trust
 * it. A Secret can only be mounted in its own namespace; the ConfigMap holds only the public CA.
 *
 * The Bundle must be in a layer applied after trust-manager's (its CRD and webhook come with it).
 */
export class ProxyCaBundle extends Construct {
  /** The ConfigMap key the CA is written to: `ca.crt`, the name client-go and most clients expect. */
  public static readonly KEY = 'ca.crt';

  /** Name of the Bundle and of the ConfigMap in each target namespace. */
  public readonly configMapName: string;
  /** Key of the CA certificate in that ConfigMap. */
  public readonly key = ProxyCaBundle.KEY;
  /** The layer of the Bundle: clients that mount the ConfigMap are applied after it. */
  public readonly layer: Layer;
  private readonly targets = new Set<string>();

  constructor(scope: Construct, id: string, props: ProxyCaBundleProps) {
    super(scope, id);
    const { trustManager, proxy } = props;
    if (trustManager.trustNamespace !== proxy.namespace) {
      throw new Error(
        `the CA Secret ${proxy.tlsSecretName} is in namespace ${proxy.namespace}, but trust-manager reads Bundle sources only in its trust namespace ${trustManager.trustNamespace}: install trust-manager with app.trust.namespace ${proxy.namespace}`,
      );
    }
    this.layer = Layer.of(this);
    const trustManagerLayer = Layer.of(trustManager);
    if (!this.layer.isAfter(trustManagerLayer)) {
      throw new Error(`${this.node.path}: the Bundle needs trust-manager's CRD and webhook, so layer ${this.layer.name} must depend on layer ${trustManagerLayer.name}`);
    }
    this.configMapName = props.name ?? `${proxy.serviceName}-ca`;

    new Bundle(this.layer.addFile(this, 'file', this.configMapName), 'Bundle', {
      metadata: { name: this.configMapName },
      spec: {
        sources: [{ secret: { name: proxy.tlsSecretName, key: proxy.caKey } }],
        target: {
          configMap: { key: this.key },
          // Only the namespaces of the clients: without a selector, trust-manager writes the ConfigMap into every namespace.
          namespaceSelector: {
            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: Lazy.any({ produce: () => this.namespaces }) as unknown as string[] }],
          },
        },
      },
    });
    this.node.addValidation({ validate: () => (this.targets.size ? [] : [`Bundle ${this.configMapName} has no target namespace: add one with addNamespace`]) });
  }

  /** Makes the CA available in `namespace` (a ConfigMap `configMapName`, key `key`). */
  public addNamespace(namespace: string): void {
    this.targets.add(namespace);
  }

  /** The target namespaces, sorted. */
  public get namespaces(): string[] {
    return [...this.targets].sort();
  }
}

/**
 * The cluster's `ProxyCaBundle`, in a layer `trust` of its own after trust-manager's layer (Bundles
 * need trust-manager's CRD and webhook), both created on first use, so that a cluster whose
 * clients all run in the proxy's namespace renders neither.
 */
export function lazyProxyCaBundle(
  scope: Construct,
  options: { readonly delivery: IDelivery; readonly folder: string; readonly trustManager: TrustManager; readonly proxy: CaSecretSource },
): () => ProxyCaBundle {
  let bundle: ProxyCaBundle | undefined;
  return () => {
    if (!bundle) {
      const layer = new Layer(scope, 'trust', { delivery: options.delivery, folder: options.folder, dependsOn: [Layer.of(options.trustManager)] });
      bundle = new ProxyCaBundle(layer, 'proxy-ca', { trustManager: options.trustManager, proxy: options.proxy });
    }
    return bundle;
  };
}
