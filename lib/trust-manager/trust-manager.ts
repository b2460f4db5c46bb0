import { Construct } from 'constructs';
import type { ICertManager } from '../cert-manager/cert-manager';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { CERT_CHARTS } from '../versions';

export interface TrustManagerProps {
  /**
   * The cert-manager that issues trust-manager's webhook certificate (the chart renders a
   * cert-manager Issuer and Certificate for it); the release is installed after it.
   */
  readonly certManager: ICertManager;
  /**
   * trust-manager's trust namespace (`app.trust.namespace`): the only namespace Bundles read their
   * source Secrets and ConfigMaps from. It must exist before trust-manager is installed. The
   * platform passes the namespace of the CA it distributes (capsule-proxy's), see `ProxyCaBundle`.
   */
  readonly trustNamespace: string;
  /**
   * Namespace to install trust-manager into (it must exist).
   * @default - cert-manager's namespace, as trust-manager's own documentation installs it
   */
  readonly namespace?: string;
  /**
   * Extra chart values, merged over the generated ones. Values in `TrustManager.OWNED_VALUES`
   * cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/**
 * trust-manager (chart `trust-manager` of charts.jetstack.io, see CERT_CHARTS), installed as release
 * `trust-manager` with its Bundle CRD (`trust.cert-manager.io/v1alpha1`; the v0.24.0 chart does
 * not install ClusterBundle). trust-manager reads sources only in its trust namespace (the chart's
 * Role there grants it every Secret of that namespace) and writes targets in every namespace.
 */
export class TrustManager extends Construct {
  public static readonly RELEASE_NAME = 'trust-manager';
  /** The chart names its webhook configuration and Service `trust-manager.name` (nameOverride or the chart name). */
  public static readonly WEBHOOK_NAME = 'trust-manager';

  public static readonly OWNED_VALUES: OwnedValues = {
    'crds.enabled': "the platform's Bundles need the Bundle CRD, installed with the release",
    'app.trust.namespace': "Bundles read their sources there: it is the namespace of the CA the platform distributes (capsule-proxy's)",
    nameOverride: 'the platform knows the webhook configuration by the chart name',
  };

  public readonly release: IHelmRelease;
  /** Namespace trust-manager runs in. */
  public readonly namespace: string;
  /** The only namespace Bundle sources may be in. */
  public readonly trustNamespace: string;

  constructor(scope: Construct, id: string, props: TrustManagerProps) {
    super(scope, id);
    this.namespace = props.namespace ?? props.certManager.namespace;
    this.trustNamespace = props.trustNamespace;
    const values = { crds: { enabled: true }, app: { trust: { namespace: this.trustNamespace } } };
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: CERT_CHARTS.trustManager,
      releaseName: TrustManager.RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues(values, props.values, TrustManager.OWNED_VALUES),
      // The webhook's Certificate needs cert-manager's CRDs and webhook.
      dependsOn: props.certManager.release ? [props.certManager.release] : [],
      // cert-manager's cainjector writes the webhook's caBundle (annotation cert-manager.io/inject-ca-from).
      controllerOwnedFields: [
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: TrustManager.WEBHOOK_NAME, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      ],
    });
  }
}
