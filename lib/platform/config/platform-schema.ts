import { Static, Type } from '@sinclair/typebox';
import { CapsuleProxy, CapsuleProxyCertificates } from '../../capsule-proxy/capsule-proxy';
import { CAPSULE_PROXY_FEATURE_GATES, PROXY_CLUSTER_SCOPED } from '../../capsule-proxy/proxy-rules';
import { DnsLabel, Duration, StrictObject, StringEnum } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import { FLUX_DEFAULTS } from '../../core/delivery/flux/flux-delivery';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { KyvernoGlobalConfigSettings, KyvernoPolicySettings } from './kyverno-schema';

/**
 * Schema of `config/platform.yaml`. Defaults are the components' own (stated in the descriptions),
 * so a setting that is left out behaves exactly like the construct's default.
 */

const HelmValues = (component: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description: `Extra ${component} chart values, merged over the generated ones. Values the platform derives (listed in the error when touched) cannot be overridden.`,
  });

export const FluxSettings = StrictObject(
  {
    namespace: Type.Optional(DnsLabel({ description: `Namespace of Flux and of the objects it reconciles for the platform. Default: ${FLUX_DEFAULTS.namespace}` })),
    sourceKind: Type.Optional(StringEnum(['GitRepository', 'OCIRepository', 'Bucket'] as const, { description: `Kind of the Flux source that carries the output. Default: ${FLUX_DEFAULTS.sourceKind}` })),
    sourceName: Type.Optional(DnsLabel({ description: `Name of the Flux source that carries the output. Default: ${FLUX_DEFAULTS.sourceName} (created by flux bootstrap)` })),
    pathPrefix: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Path of the published output folder (PLATFORM_OUT) inside that source. Default: ${FLUX_DEFAULTS.pathPrefix}` })),
    interval: Type.Optional(Duration({ description: `Reconcile interval of layers and Helm releases. Default: ${FLUX_DEFAULTS.interval}` })),
  },
  { description: 'Deliver with Flux (Kustomizations per layer, HelmReleases per chart).' },
);

export const DeliverySettings = StrictObject({ flux: Type.Optional(FluxSettings) }, { description: 'How the output reaches the clusters. Default: Flux with its defaults.' });

export const CapsuleSettings = StrictObject(
  {
    forceTenantPrefix: Type.Optional(Type.Boolean({ description: 'Require tenant namespaces to be named <tenant>-<name> (a tenant may opt out). Default: false' })),
    userGroups: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: "Capsule user groups in addition to each tenant's group. Default: none" })),
    values: Type.Optional(HelmValues('capsule')),
  },
  { description: 'Capsule (multi-tenancy operator).' },
);

export const CapsuleProxySettings = StrictObject(
  {
    certificates: Type.Optional(
      StringEnum([CapsuleProxyCertificates.CERTGEN, CapsuleProxyCertificates.CERT_MANAGER] as const, {
        description: "Who issues the proxy's serving certificate: the chart's certgen Job (CA in key 'ca') or cert-manager (CA in key 'ca.crt'; cert-manager must be installed). Default: certgen",
      }),
    ),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name; the Service and TLS Secret are named after it. Default: ${CapsuleProxy.DEFAULT_RELEASE_NAME}` })),
    featureGates: Type.Optional(
      StrictObject(
        Object.fromEntries(CAPSULE_PROXY_FEATURE_GATES.map((gate) => [gate, Type.Optional(Type.Boolean())])),
        { description: `capsule-proxy feature gates (--feature-gates). ${PROXY_CLUSTER_SCOPED} is switched on by the tenants' proxy settings that need it. Default: all off` },
      ),
    ),
    extraArgs: Type.Optional(Type.Array(Type.String({ pattern: '^--', [PATTERN_HINT]: 'a command-line flag starting with --' }), { description: 'Extra command-line flags for capsule-proxy. Default: none' })),
    values: Type.Optional(HelmValues('capsule-proxy')),
  },
  { description: 'capsule-proxy (tenant-filtered Kubernetes API proxy).' },
);

export const TokenJoinSettings = StrictObject(
  {
    method: StringEnum(['token'] as const, { description: 'Join with a token kept in an existing Secret.' }),
    secretName: Type.Optional(DnsLabel({ description: `Existing Secret (key ${TeleportKubeAgent.JOIN_SECRET_KEY}) in the agent's namespace. Default: ${TeleportKubeAgent.DEFAULT_JOIN_SECRET}` })),
  },
  { description: 'The join token itself never goes into configuration or output.' },
);

export const TeleportAgentSettings = StrictObject(
  {
    proxyAddr: Type.String({ pattern: '^[^\\s:/]+:[0-9]{1,5}$', [PATTERN_HINT]: 'host:port, e.g. teleport.example.com:443', description: 'Teleport Proxy Service address, host:port.' }),
    kubeClusterName: Type.String({ minLength: 1, description: 'Name of this Kubernetes cluster in Teleport.' }),
    labels: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Teleport labels of the cluster; roles match them with kubernetes_labels. Default: none' })),
    insecureSkipProxyTLSVerify: Type.Optional(Type.Boolean({ description: "Don't verify the Teleport proxy's certificate (demo only). Default: false" })),
    join: Type.Optional(TokenJoinSettings),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name (also the agent's ServiceAccount). Default: ${TeleportKubeAgent.DEFAULT_RELEASE_NAME}` })),
    values: Type.Optional(HelmValues('teleport-kube-agent')),
  },
  { description: 'teleport-kube-agent, routed through capsule-proxy so Teleport users only see their tenants.' },
);

export const KyvernoSettings = StrictObject(
  {
    globalConfig: Type.Optional(KyvernoGlobalConfigSettings),
    policies: Type.Optional(KyvernoPolicySettings),
    values: Type.Optional(HelmValues('kyverno')),
  },
  { description: 'Kyverno (chart kyverno 3.9.0) and the policy library; omit to install neither.' },
);

export const ClusterSettings = StrictObject({
  name: DnsLabel({ description: 'Cluster name; its output goes to <PLATFORM_OUT>/<name>/.' }),
  capsule: Type.Optional(CapsuleSettings),
  capsuleProxy: Type.Optional(CapsuleProxySettings),
  teleport: Type.Optional(StrictObject({ agent: Type.Optional(TeleportAgentSettings) }, { description: 'Teleport access to the cluster.' })),
  kyverno: Type.Optional(KyvernoSettings),
});

export const PlatformSettings = StrictObject(
  {
    delivery: Type.Optional(DeliverySettings),
    clusters: Type.Array(ClusterSettings, { minItems: 1, description: 'The clusters to render.' }),
  },
  { title: 'platform.yaml', description: 'The multi-tenant platform: delivery and one entry per cluster.' },
);

export type PlatformSettings = Static<typeof PlatformSettings>;
export type ClusterSettings = Static<typeof ClusterSettings>;
export type FluxSettings = Static<typeof FluxSettings>;
export type KyvernoSettings = Static<typeof KyvernoSettings>;
