import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { CERT_CHARTS } from '../versions';

/** cert-manager as the components that need it see it, whether the platform installs it or it was there already. */
export interface ICertManager {
  /**
   * Namespace cert-manager runs in: its cluster resource namespace, where ClusterIssuers read their
   * Secrets (the CA of a CA ClusterIssuer).
   */
  readonly namespace: string;
  /**
   * The release that installs it, when the platform does; releases that render cert-manager
   * objects depend on it.
   * @default - installed out of band (`certManager.external`)
   */
  readonly release?: IHelmRelease;
}

export interface CertManagerProps {
  /**
   * Namespace to install cert-manager into; this construct creates it.
   * @default 'cert-manager'
   */
  readonly namespace?: string;
  /**
   * Extra chart values, merged over the generated ones. Values in `CertManager.OWNED_VALUES` cannot
   * be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/**
 * cert-manager (chart `cert-manager` of charts.jetstack.io, see CERT_CHARTS), installed as release
 * `cert-manager` into its own namespace, which this construct creates, with its CRDs.
 *
 * The ClusterIssuer and Issuer CRDs are about 330 KB each, over the 262144-byte limit of the
 * `last-applied-configuration` annotation of client-side apply: Argo CD applies the release
 * server-side. cert-manager's cainjector writes the webhook configurations' `caBundle`.
 */
export class CertManager extends Construct implements ICertManager {
  public static readonly RELEASE_NAME = 'cert-manager';
  public static readonly DEFAULT_NAMESPACE = 'cert-manager';

  public static readonly OWNED_VALUES: OwnedValues = {
    'crds.enabled': "the platform's Certificates and ClusterIssuers, and the charts that render them, need cert-manager's CRDs, installed with the release",
    installCRDs: 'deprecated alias of crds.enabled and crds.keep, which the platform sets',
    namespace: 'the platform creates the namespace, and ClusterIssuers read their Secrets from it',
    clusterResourceNamespace: "ClusterIssuers read their Secrets (the platform CA) from cert-manager's namespace",
  };

  public readonly release: IHelmRelease;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: CertManagerProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? CertManager.DEFAULT_NAMESPACE;
    const layer = Layer.of(this);
    new k8s.KubeNamespace(layer.sharedFile('namespaces'), `${id}-namespace`, { metadata: { name: this.namespace } });

    // crds.keep (the chart's default) keeps the CRDs, and with them every Certificate, when the release is uninstalled.
    const values = { crds: { enabled: true, keep: true } };
    this.release = layer.delivery.addHelmRelease(this, {
      chart: CERT_CHARTS.certManager,
      releaseName: CertManager.RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues(values, props.values, CertManager.OWNED_VALUES),
      serverSideApply: true,
      // The cainjector injects the webhook's CA (annotation cert-manager.io/inject-ca-from-secret).
      controllerOwnedFields: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
        group: 'admissionregistration.k8s.io',
        kind,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      })),
    });
  }
}

/** A cert-manager installed out of band (`certManager.external`), in `namespace`. */
export function externalCertManager(namespace: string = CertManager.DEFAULT_NAMESPACE): ICertManager {
  return { namespace };
}
