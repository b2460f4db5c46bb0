import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_IMAGE_REGISTRY } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { versionProfile } from '../core/version-profile';

/** Kyverno as the policies see it. */
export interface IKyverno {
  readonly release: IHelmRelease;
  /** Namespace Kyverno runs in (and where its global configuration lives). */
  readonly namespace: string;
}

export interface KyvernoProps {
  /**
   * Namespace to install Kyverno into; this construct creates it.
   * @default 'kyverno'
   */
  readonly namespace?: string;
  /**
   * Extra chart values, merged over the generated ones. Values in `Kyverno.OWNED_VALUES` cannot be
   * overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/**
 * Kyverno (chart `kyverno` 3.9.0, Kyverno 1.19), installed as release `kyverno` into its own
 * namespace, which this construct creates (in the layer's `namespaces.yaml`).
 *
 * The chart installs Kyverno's CRDs as templates. The ClusterPolicy and Policy CRDs are about 1.4 MB
 * each, far over the 262144-byte limit of the `last-applied-configuration` annotation that
 * client-side apply writes: Flux's helm-controller installs them with Helm (no such annotation),
 * while Argo CD would need `ServerSideApply=true`.
 */
export class Kyverno extends Construct implements IKyverno {
  public static readonly RELEASE_NAME = 'kyverno';
  public static readonly DEFAULT_NAMESPACE = 'kyverno';
  /**
   * The registry Kyverno assumes for images without one (`images.*.registry`): the container
   * runtimes' (docker.io), so that a policy sees the registry an image is really pulled from.
   */
  public static readonly DEFAULT_REGISTRY = DEFAULT_IMAGE_REGISTRY;

  public static readonly OWNED_VALUES: OwnedValues = {
    // restrict-image-registries reads images.<list>.<name>.registry, which is the default registry
    // for an image without one only if both are set as below (the chart's defaults, pinned).
    'config.defaultRegistry': 'restrict-image-registries counts images without a registry as docker.io',
    'config.enableDefaultRegistryMutation': 'restrict-image-registries counts images without a registry as docker.io (with it off, their registry is empty)',
    namespaceOverride: 'the namespace is created by the platform and holds the global configuration the policies read',
  };

  public readonly release: IHelmRelease;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: KyvernoProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? Kyverno.DEFAULT_NAMESPACE;
    const layer = Layer.of(this);
    new k8s.KubeNamespace(layer.sharedFile('namespaces'), `${id}-namespace`, { metadata: { name: this.namespace } });

    const values = {
      config: { defaultRegistry: Kyverno.DEFAULT_REGISTRY, enableDefaultRegistryMutation: true },
    };
    this.release = layer.delivery.addHelmRelease(this, {
      chart: versionProfile(this).charts.kyverno,
      releaseName: Kyverno.RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues(values, props.values, Kyverno.OWNED_VALUES),
    });
  }
}
