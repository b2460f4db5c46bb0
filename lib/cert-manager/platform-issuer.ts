import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/cert-manager-certificates-cert-manager.io';
import { ClusterIssuer } from '../../imports/cert-manager-clusterissuers-cert-manager.io';
import { Layer, ReadinessCheck } from '../core/delivery/delivery';
import type { ICertManager } from './cert-manager';

/** How the platform's certificates are issued (`certManager.issuer.type`). */
export enum PlatformIssuerType {
  /** The platform bootstraps a CA: a selfSigned ClusterIssuer signs a CA Certificate, a CA ClusterIssuer issues from it. */
  SELF_SIGNED_CA = 'self-signed-ca',
  /** An existing ClusterIssuer, by name. */
  CLUSTER_ISSUER = 'cluster-issuer',
  /** Each chart's own self-signed Issuer (no shared CA). */
  CHART = 'chart',
}

export const ISSUER_TYPES = [PlatformIssuerType.SELF_SIGNED_CA, PlatformIssuerType.CLUSTER_ISSUER, PlatformIssuerType.CHART] as const;

/** A cert-manager ClusterIssuer, as charts take it (`issuerRef`). */
export interface ClusterIssuerRef {
  readonly kind: 'ClusterIssuer';
  readonly name: string;
}

/** Ready once cert-manager reports the object Ready (it sets no status.observedGeneration, so kstatus alone would not wait). */
const readyCondition = "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')";

export interface SelfSignedCaIssuerProps {
  /** The cert-manager that runs the issuers; the CA's Secret goes into its namespace (its cluster resource namespace). */
  readonly certManager: ICertManager;
  /**
   * Name of the CA ClusterIssuer, of the CA Certificate and of its Secret. The selfSigned
   * ClusterIssuer is `<name>-selfsigned`.
   * @default 'platform-ca'
   */
  readonly name?: string;
  /**
   * Lifetime of the CA certificate (cert-manager `duration`), in hours.
   * @default '87600h' (10 years)
   */
  readonly duration?: string;
  /**
   * How long before its expiry the CA certificate is renewed (`renewBefore`), in hours; shorter than `duration`.
   * @default '8760h' (1 year)
   */
  readonly renewBefore?: string;
}

/** Hours of a duration written as `<n>h`. */
function hours(value: string, field: string): number {
  const match = /^([1-9][0-9]*)h$/.exec(value);
  if (!match) throw new Error(`${field}: '${value}' is not a duration in hours such as 87600h`);
  return Number(match[1]);
}

/**
 * A CA the platform bootstraps with cert-manager, as cert-manager documents it (Bootstrapping CA
 * Issuers): a selfSigned ClusterIssuer signs a CA Certificate (ECDSA P-256) whose Secret is in
 * cert-manager's namespace, where a ClusterIssuer reads it; the CA ClusterIssuer `ref` then issues
 * every platform certificate that asks for it, so that all of them chain to one CA.
 *
 * The CA lives long (10 years) and keeps its key on renewal (`rotationPolicy: Never`; since
 * cert-manager 1.18 the default is Always): a renewed CA certificate has the same key and subject,
 * so the kubeconfigs and bundles that hold the previous one keep verifying the proxy until that one
 * expires (`renewBefore` later). cert-manager's 90-day default would break copied kubeconfigs.
 *
 * The objects need cert-manager's CRDs and webhook: their layer must come after cert-manager's.
 */
export class SelfSignedCaIssuer extends Construct {
  public static readonly DEFAULT_NAME = 'platform-ca';
  public static readonly DEFAULT_DURATION = '87600h';
  public static readonly DEFAULT_RENEW_BEFORE = '8760h';

  /** What a layer with these objects waits for. */
  public static readonly READINESS: readonly ReadinessCheck[] = [
    { apiVersion: ClusterIssuer.GVK.apiVersion, kind: ClusterIssuer.GVK.kind, ready: readyCondition },
    { apiVersion: Certificate.GVK.apiVersion, kind: Certificate.GVK.kind, ready: readyCondition },
  ];

  /** The CA ClusterIssuer. */
  public readonly ref: ClusterIssuerRef;
  /** The Secret (in cert-manager's namespace) holding the CA. */
  public readonly caSecretName: string;

  constructor(scope: Construct, id: string, props: SelfSignedCaIssuerProps) {
    super(scope, id);
    const name = props.name ?? SelfSignedCaIssuer.DEFAULT_NAME;
    const selfSigned = `${name}-selfsigned`;
    const duration = props.duration ?? SelfSignedCaIssuer.DEFAULT_DURATION;
    const renewBefore = props.renewBefore ?? SelfSignedCaIssuer.DEFAULT_RENEW_BEFORE;
    if (hours(renewBefore, 'renewBefore') >= hours(duration, 'duration')) {
      throw new Error(`renewBefore (${renewBefore}) must be shorter than duration (${duration}) of the CA ${name}`);
    }
    this.caSecretName = name;
    this.ref = { kind: 'ClusterIssuer', name };
    const file = Layer.of(this).addFile(this, 'file', name);
    new ClusterIssuer(file, 'selfsigned', { metadata: { name: selfSigned }, spec: { selfSigned: {} } });
    new Certificate(file, 'ca', {
      metadata: { name, namespace: props.certManager.namespace },
      spec: {
        isCa: true,
        commonName: name,
        secretName: this.caSecretName,
        duration,
        renewBefore,
        privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.NEVER },
        issuerRef: { kind: 'ClusterIssuer', name: selfSigned, group: 'cert-manager.io' },
      },
    });
    new ClusterIssuer(file, 'issuer', { metadata: { name }, spec: { ca: { secretName: this.caSecretName } } });
  }
}
