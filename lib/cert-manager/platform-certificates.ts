import type { Construct } from 'constructs';
import { IDelivery, Layer } from '../core/delivery/delivery';
import { CertManager, externalCertManager, ICertManager } from './cert-manager';
import { ClusterIssuerRef, PlatformIssuerType, SelfSignedCaIssuer } from './platform-issuer';

/** A cluster's cert-manager settings (platform.yaml `certManager`), as this module needs them. */
export interface CertManagerOptions {
  readonly enabled?: boolean;
  readonly external?: boolean;
  readonly namespace?: string;
  readonly issuer?: { readonly type: `${PlatformIssuerType}`; readonly name?: string; readonly caDuration?: string; readonly caRenewBefore?: string };
  readonly values?: Record<string, unknown>;
}

/** cert-manager on a cluster, and what comes before the components that use it. */
export interface CertManagerSetup {
  readonly certManager: ICertManager;
  /**
   * The ClusterIssuer of the platform's certificates.
   * @default - each chart's own self-signed Issuer (issuer type `chart`)
   */
  readonly issuer?: ClusterIssuerRef;
  /** Layers that the layer of every cert-manager user must depend on (none for an external cert-manager with an existing issuer). */
  readonly before: readonly Layer[];
  /** The `cert-manager` layer (the release), when the platform installs cert-manager. */
  readonly certManagerLayer?: Layer;
  /** The `issuers` layer (the bootstrapped CA), for issuer type `self-signed-ca`. */
  readonly issuersLayer?: Layer;
}

/**
 * cert-manager for a cluster, or nothing when it has none (`certManager` neither `enabled` nor
 * `external`; the configuration loader rejects both at once).
 *
 * - `cert-manager` layer (enabled): the release and its namespace. A layer of its own, first:
 *   everything that renders cert-manager objects (charts included) needs its CRDs and webhook.
 * - `issuers` layer (issuer type self-signed-ca): the bootstrapped CA, after cert-manager. The
 *   infrastructure layer depends on it, because capsule-proxy's Pods only start once their
 *   certificate is issued, which needs the ClusterIssuer: in a later layer, it would never come.
 */
export function addCertManager(cluster: Construct, options: { readonly delivery: IDelivery; readonly folder: (layer: string) => string; readonly settings?: CertManagerOptions }): CertManagerSetup | undefined {
  const settings = options.settings;
  if (!settings?.enabled && !settings?.external) return undefined;
  let certManager: ICertManager;
  let certManagerLayer: Layer | undefined;
  if (settings.enabled) {
    certManagerLayer = new Layer(cluster, 'cert-manager', { delivery: options.delivery, folder: options.folder('cert-manager') });
    certManager = new CertManager(certManagerLayer, 'cert-manager', { namespace: settings.namespace, values: settings.values });
  } else {
    certManager = externalCertManager(settings.namespace);
  }

  const type = settings.issuer?.type ?? PlatformIssuerType.SELF_SIGNED_CA;
  if (type === PlatformIssuerType.CHART) return { certManager, before: certManagerLayer ? [certManagerLayer] : [], certManagerLayer };
  if (type === PlatformIssuerType.CLUSTER_ISSUER) {
    if (!settings.issuer?.name) throw new Error('certManager.issuer.name is required with type cluster-issuer (the configuration loader checks it)');
    return { certManager, issuer: { kind: 'ClusterIssuer', name: settings.issuer.name }, before: certManagerLayer ? [certManagerLayer] : [], certManagerLayer };
  }
  const issuersLayer = new Layer(cluster, 'issuers', {
    delivery: options.delivery,
    folder: options.folder('issuers'),
    dependsOn: certManagerLayer ? [certManagerLayer] : [],
    readinessChecks: SelfSignedCaIssuer.READINESS,
  });
  const ca = new SelfSignedCaIssuer(issuersLayer, 'platform-ca', {
    certManager,
    name: settings.issuer?.name,
    duration: settings.issuer?.caDuration,
    renewBefore: settings.issuer?.caRenewBefore,
  });
  return { certManager, issuer: ca.ref, before: [issuersLayer], certManagerLayer, issuersLayer };
}
