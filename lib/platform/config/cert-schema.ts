import { Static, Type } from '@sinclair/typebox';
import { CertManager } from '../../cert-manager/cert-manager';
import { ISSUER_TYPES, PlatformIssuerType, SelfSignedCaIssuer } from '../../cert-manager/platform-issuer';
import { DnsLabel, DnsSubdomain, StrictObject, StringEnum } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import { CERT_CHARTS } from '../../versions';

/** Schema of a cluster's `certManager` and `trustManager` settings in platform.yaml. */

const HelmValues = (component: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description: `Extra ${component} chart values, merged over the generated ones. Values the platform derives (listed in the error when touched) cannot be overridden.`,
  });

const Hours = (description: string) => Type.String({ pattern: '^[1-9][0-9]*h$', [PATTERN_HINT]: 'a duration in hours, e.g. 87600h', description });

export const CertManagerIssuerSettings = StrictObject(
  {
    type: StringEnum(ISSUER_TYPES, {
      description:
        `${PlatformIssuerType.SELF_SIGNED_CA}: the platform bootstraps a CA (a selfSigned ClusterIssuer signs a CA Certificate in cert-manager's namespace; a CA ClusterIssuer named \`name\` issues from it). ` +
        `${PlatformIssuerType.CLUSTER_ISSUER}: an existing ClusterIssuer \`name\` that writes ca.crt (a CA, Vault or Venafi issuer; ACME writes no CA, so clients could not verify the proxy). ` +
        `${PlatformIssuerType.CHART}: each chart's own self-signed Issuer (capsule-proxy: <release>-ca-issuer); no shared CA.`,
    }),
    name: Type.Optional(
      DnsSubdomain({ description: `${PlatformIssuerType.SELF_SIGNED_CA}: name of the CA ClusterIssuer (and of its Certificate and Secret). ${PlatformIssuerType.CLUSTER_ISSUER}: the existing ClusterIssuer (required). Default: ${SelfSignedCaIssuer.DEFAULT_NAME}` }),
    ),
    caDuration: Type.Optional(
      Hours(`${PlatformIssuerType.SELF_SIGNED_CA} only: lifetime of the CA certificate (its key is never rotated, so a renewal keeps kubeconfigs valid). Default: ${SelfSignedCaIssuer.DEFAULT_DURATION} (10 years)`),
    ),
    caRenewBefore: Type.Optional(
      Hours(`${PlatformIssuerType.SELF_SIGNED_CA} only: renew the CA certificate this long before it expires; shorter than caDuration. Default: ${SelfSignedCaIssuer.DEFAULT_RENEW_BEFORE} (1 year)`),
    ),
  },
  { description: `The issuer of the platform's certificates (capsule-proxy's serving certificate in cert-manager mode). Default: type ${PlatformIssuerType.SELF_SIGNED_CA}, name ${SelfSignedCaIssuer.DEFAULT_NAME}` },
);

export const CertManagerSettings = StrictObject(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: `Install cert-manager (chart ${CERT_CHARTS.certManager.chart} ${CERT_CHARTS.certManager.version}, with its CRDs) in a layer of its own, applied before everything that needs it. Default: false` }),
    ),
    external: Type.Optional(
      Type.Boolean({ description: 'cert-manager is already installed in the cluster (not by the platform): what needs it is rendered and nothing waits for it. Not together with enabled. Default: false' }),
    ),
    namespace: Type.Optional(
      DnsLabel({ description: `cert-manager's namespace, where ClusterIssuers read their Secrets (its cluster resource namespace). Created by the platform when enabled. Default: ${CertManager.DEFAULT_NAMESPACE}` }),
    ),
    issuer: Type.Optional(CertManagerIssuerSettings),
    values: Type.Optional(HelmValues('cert-manager')),
  },
  { description: 'cert-manager: installed by the platform (enabled) or already there (external). Needed by capsuleProxy.certificates cert-manager and by trustManager. Default: neither' },
);

export const TrustManagerSettings = StrictObject(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description:
          `Install trust-manager (chart ${CERT_CHARTS.trustManager.chart} ${CERT_CHARTS.trustManager.version}, with its Bundle CRD) into cert-manager's namespace, with capsule-proxy's namespace as its trust namespace, so that a Bundle copies the proxy's CA to clients in other namespaces. Needs certManager (its webhook certificate). Default: false`,
      }),
    ),
    values: Type.Optional(HelmValues('trust-manager')),
  },
  { description: "trust-manager: distributes capsule-proxy's CA to its clients outside the proxy's namespace. Default: not installed" },
);

export type CertManagerSettings = Static<typeof CertManagerSettings>;
export type TrustManagerSettings = Static<typeof TrustManagerSettings>;
