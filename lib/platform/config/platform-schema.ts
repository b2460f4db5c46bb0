import { Static, Type } from '@sinclair/typebox';
import { CapsuleCertificates } from '../../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../../capsule-proxy/capsule-proxy';
import { CAPSULE_PROXY_FEATURE_GATES, PROXY_CLUSTER_SCOPED } from '../../capsule-proxy/proxy-rules';
import { CAPSULE_PROXY_OPTIONS, CapsuleProxyOptionName } from '../../capsule-proxy/proxy-options';
import { DnsLabel, DnsSubdomain, Duration, StrictObject, StringEnum } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import { ARGOCD_DEFAULTS } from '../../core/delivery/argocd/argocd-delivery';
import { FLUX_DEFAULTS } from '../../core/delivery/flux/flux-delivery';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { TeleportOperator } from '../../teleport/operator';
import { DEFAULT_POLICY_API, POLICY_APIS } from '../../kyverno/policies/catalog';
import { DEFAULT_VERSION_PROFILE, PROFILES, VERSION_PROFILE_NAMES } from '../../versions';
import { ChartsSettings } from './charts-schema';
import { ClientsSettings } from './clients-schema';
import { ClusterOidcSettings } from './oidc-schema';
import { CertManagerSettings, TrustManagerSettings } from './cert-schema';
import { KyvernoGlobalConfigSettings, KyvernoPolicySettings } from './kyverno-schema';
import { CapsuleProxyExposureSettings } from './exposure-schema';
import { PeopleSettings } from './people-schema';
import { CIDR_SHAPE, TenantDefaultsSettings } from './tenant-defaults-schema';

/**
 * Schema of `config/platform.yaml`. Defaults are the components' own (stated in the descriptions),
 * so a setting that is left out behaves exactly like the construct's default.
 */

const HelmValues = (component: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description: `Extra ${component} chart values, merged over the generated ones. Values the platform derives (listed in the error when touched) cannot be overridden.`,
  });

const HostPort = (description: string) => Type.String({ pattern: '^[^\\s:/]+:[0-9]{1,5}$', [PATTERN_HINT]: 'host:port, e.g. teleport.example.com:443', description });

const TeleportLabels = (description: string) => Type.Record(Type.String({ minLength: 1 }), Type.String(), { description });

export const FluxSettings = StrictObject(
  {
    namespace: Type.Optional(DnsLabel({ description: `Namespace of Flux and of the objects it reconciles for the platform. Default: ${FLUX_DEFAULTS.namespace}` })),
    sourceKind: Type.Optional(StringEnum(['GitRepository', 'OCIRepository', 'Bucket'] as const, { description: `Kind of the Flux source that carries the output. Default: ${FLUX_DEFAULTS.sourceKind}` })),
    sourceName: Type.Optional(DnsLabel({ description: `Name of the Flux source that carries the output. Default: ${FLUX_DEFAULTS.sourceName} (created by flux bootstrap)` })),
    pathPrefix: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Path of the published output folder (PLATFORM_OUT) inside that source. Default: ${FLUX_DEFAULTS.pathPrefix}` })),
    interval: Type.Optional(Duration({ description: `Reconcile interval of layers and Helm releases. Default: ${FLUX_DEFAULTS.interval}` })),
    decryption: Type.Optional(
      StrictObject(
        {
          provider: StringEnum(['sops'] as const, { description: 'Decryption engine (Flux knows only sops).' }),
          secretRef: Type.Optional(
            StrictObject({ name: DnsLabel({ description: 'Name of the Secret in the Flux namespace.' }) }, { description: 'Secret in the Flux namespace with the SOPS private keys (age, OpenPGP) or KMS credentials. Default: none (keyless cloud KMS)' }),
          ),
        },
        { description: 'Decrypt SOPS-encrypted Secrets on the layers that read Secrets from Git (the Teleport agent\'s layer). Default: no decryption' },
      ),
    ),
  },
  { description: 'Deliver with Flux (Kustomizations per layer, HelmReleases per chart).' },
);

export const ArgoCdSettings = StrictObject(
  {
    repoURL: Type.String({
      minLength: 1,
      pattern: '^(https?://|ssh://|git@)[^\\s]+$',
      [PATTERN_HINT]: 'a Git repository URL, e.g. https://github.com/example/gitops.git or git@github.com:example/gitops.git',
      description: 'URL of the Git repository Argo CD reads the output from.',
    }),
    targetRevision: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Branch, tag or commit of that repository. Default: ${ARGOCD_DEFAULTS.targetRevision}` })),
    path: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Path of the published output folder (PLATFORM_OUT) inside the repository. Default: ${ARGOCD_DEFAULTS.path}` })),
    namespace: Type.Optional(DnsLabel({ description: `Namespace of Argo CD, of its Applications and AppProjects. Default: ${ARGOCD_DEFAULTS.namespace}` })),
  },
  { description: 'Deliver with Argo CD (an app of apps: an Application per layer, an Application with a Helm source per chart).' },
);

export const DeliverySettings = StrictObject(
  { flux: Type.Optional(FluxSettings), argocd: Type.Optional(ArgoCdSettings) },
  { description: 'How the output reaches the clusters: flux or argocd, not both. Default: Flux with its defaults.' },
);

export const CapsuleSettings = StrictObject(
  {
    forceTenantPrefix: Type.Optional(Type.Boolean({ description: 'Require tenant namespaces to be named <tenant>-<name> (a tenant may opt out). Default: false' })),
    userGroups: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: "Capsule user groups in addition to each tenant's group. Default: none" })),
    deletionProtection: Type.Optional(
      Type.Boolean({
        description:
          'Keep Tenants and the namespaces created from Git in the cluster when they are removed from the configuration (Flux prune disabled on them): deleting one then takes a second, manual step. Default: true',
      }),
    ),
    certificates: Type.Optional(
      StringEnum([CapsuleCertificates.CONTROLLER, CapsuleCertificates.CERT_MANAGER] as const, {
        description:
          "Who issues Capsule's webhook certificate (Secret capsule-tls) and injects its CA: controller, Capsule's own TLS reconciler (needs nothing else), or cert-manager (must be installed). Default: controller under both versions (chart 0.14.0's own default is cert-manager, which the platform switches off)",
      }),
    ),
    values: Type.Optional(HelmValues('capsule')),
  },
  { description: 'Capsule (multi-tenancy operator).' },
);

const sinceChart = (name: CapsuleProxyOptionName) =>
  CAPSULE_PROXY_OPTIONS[name].profiles.length === VERSION_PROFILE_NAMES.length ? 'Both versions.' : `Versions ${CAPSULE_PROXY_OPTIONS[name].profiles.join(', ')} only (${PROFILES.current.charts.capsuleProxy.chart} chart ${PROFILES.current.charts.capsuleProxy.version}).`;
const ProxyNames = (name: CapsuleProxyOptionName, what: string) =>
  Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: `${what} (options.${name}, ${CAPSULE_PROXY_OPTIONS[name].flag}). ${sinceChart(name)} Default: none` });

export const CapsuleProxySettings = StrictObject(
  {
    certificates: Type.Optional(
      StringEnum([CapsuleProxyCertificates.CERTGEN, CapsuleProxyCertificates.CERT_MANAGER] as const, {
        description:
          "Who issues the proxy's serving certificate: the chart's certgen Job (CA in key 'ca') or cert-manager (CA in key 'ca.crt'; cert-manager must be installed). Default: the chart's, certgen under versions seed, cert-manager under versions current",
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
    exposure: Type.Optional(CapsuleProxyExposureSettings),
    ignoredUserGroups: Type.Optional(ProxyNames('ignoredUserGroups', 'Groups whose members capsule-proxy passes through with their own identity, unfiltered')),
    ignoredUsernames: Type.Optional(ProxyNames('ignoredUsernames', 'Users (or system:serviceaccount:<ns>:<name> usernames) capsule-proxy passes through unfiltered')),
    ignoredImpersonationGroups: Type.Optional(ProxyNames('ignoredImpersonationGroups', 'Groups dropped from incoming Impersonate-Group headers (after impersonationGroupRegexp)')),
    impersonationGroupRegexp: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Only impersonated groups matching this regular expression are kept: fewer SubjectAccessReviews when Teleport impersonates many groups (options.impersonationGroupRegexp, ${CAPSULE_PROXY_OPTIONS.impersonationGroupRegexp.flag}). ${sinceChart('impersonationGroupRegexp')} Default: every group`,
      }),
    ),
    trustedProxyCidrs: Type.Optional(
      Type.Array(Type.String({ pattern: CIDR_SHAPE, [PATTERN_HINT]: 'a CIDR such as 10.0.0.0/8' }), {
        uniqueItems: true,
        description: `CIDRs of the trusted proxies allowed to make requests to capsule-proxy (options.trustedProxyCidrs, ${CAPSULE_PROXY_OPTIONS.trustedProxyCidrs.flag}). ${sinceChart('trustedProxyCidrs')} Default: none`,
      }),
    ),
    values: Type.Optional(HelmValues('capsule-proxy')),
  },
  { description: 'capsule-proxy (tenant-filtered Kubernetes API proxy).' },
);

export const AgentJoinSettings = StrictObject(
  {
    method: StringEnum(['token', 'kubernetes'] as const, {
      description: 'token: a join token kept in an existing Secret. kubernetes: the agent proves its identity with its ServiceAccount token (no secret at all; needs teleport.kubernetesJoin).',
    }),
    secretName: Type.Optional(DnsLabel({ description: `token method: existing Secret (key ${TeleportKubeAgent.JOIN_SECRET_KEY}) in the agent's namespace. Default: ${TeleportKubeAgent.DEFAULT_JOIN_SECRET}` })),
    tokenName: Type.Optional(
      DnsSubdomain({ description: `kubernetes method: name of the Teleport join token the platform renders for the agent (public). Default: <releaseName>-<cluster name>, e.g. ${TeleportKubeAgent.DEFAULT_RELEASE_NAME}-demo` }),
    ),
  },
  { description: 'How the agent joins Teleport. A join token itself never goes into configuration or output.' },
);

export const TeleportAgentSettings = StrictObject(
  {
    proxyAddr: HostPort('Teleport Proxy Service address, host:port.'),
    kubeClusterName: Type.String({ minLength: 1, description: 'Name of this Kubernetes cluster in Teleport.' }),
    labels: Type.Optional(TeleportLabels('Teleport labels of the cluster; roles match them with kubernetes_labels. Default: none')),
    insecureSkipProxyTLSVerify: Type.Optional(Type.Boolean({ description: "Don't verify the Teleport proxy's certificate (demo only). Default: false" })),
    join: Type.Optional(AgentJoinSettings),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name (also the agent's ServiceAccount). Default: ${TeleportKubeAgent.DEFAULT_RELEASE_NAME}` })),
    values: Type.Optional(HelmValues('teleport-kube-agent')),
  },
  { description: 'teleport-kube-agent, routed through capsule-proxy so Teleport users only see their tenants.' },
);

export const KyvernoSettings = StrictObject(
  {
    api: Type.Optional(
      StringEnum(POLICY_APIS, {
        description:
          `The Kyverno API the policies are rendered as. clusterpolicy: kyverno.io/v1 ClusterPolicy (deprecated, to be removed in Kyverno 1.20); cel: policies.kyverno.io/v1 ValidatingPolicy and MutatingPolicy. Kyverno 1.19 enforces both. Default: ${DEFAULT_POLICY_API}`,
      }),
    ),
    globalConfig: Type.Optional(KyvernoGlobalConfigSettings),
    policies: Type.Optional(KyvernoPolicySettings),
    values: Type.Optional(HelmValues('kyverno')),
  },
  { description: 'Kyverno (chart kyverno 3.9.0 under both version profiles) and the policy library; omit to install neither.' },
);

export const KubernetesJoinSettings = StrictObject(
  {
    type: StringEnum(['static_jwks', 'in_cluster'] as const, {
      description: "static_jwks: Teleport checks tokens against this cluster's public keys (jwks). in_cluster: with a TokenReview, only if the Teleport Auth Service runs in this cluster.",
    }),
    jwks: Type.Optional(Type.String({ minLength: 1, description: 'static_jwks: the output of `kubectl get --raw /openid/v1/jwks` (public keys only). Update it when the cluster rotates its ServiceAccount signing keys.' })),
  },
  { description: "How Teleport verifies this cluster's ServiceAccount tokens for the kubernetes join method (the operator's bot, an agent with join.method kubernetes)." },
);

export const TeleportOperatorSettings = StrictObject(
  {
    namespace: Type.Optional(DnsLabel({ description: `Namespace of the operator and of the Teleport custom resources (restricted Pod Security). Default: ${TeleportOperator.DEFAULT_NAMESPACE}` })),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name; the operator's ServiceAccount is named after it. Default: ${TeleportOperator.DEFAULT_RELEASE_NAME}` })),
    teleportAddress: Type.Optional(HostPort('Teleport Proxy (host:443) or Auth Service (host:3025) address. Default: teleport.agent.proxyAddr')),
    botName: Type.Optional(DnsLabel({ description: `Name of the operator's Teleport bot and of its role; its join token is <botName>-bot. Default: ${TeleportOperator.DEFAULT_BOT_NAME}` })),
    values: Type.Optional(HelmValues('teleport-operator')),
  },
  {
    description:
      'The Teleport Kubernetes operator: it manages the Teleport roles (and agent join tokens) of the Teleport cluster as custom resources. At most one cluster per Teleport cluster runs it, because Teleport roles are global to the Teleport cluster.',
  },
);

export const KubeClusterSettings = StrictObject(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Name of the kube_cluster in Teleport. Default: the cluster name' })),
    labels: Type.Optional(TeleportLabels('Teleport labels of the kube_cluster; roles match them with kubernetes_labels. Default: none')),
  },
  { description: 'Register the cluster dynamically (a tctl kube_cluster resource; its kubeconfig is added at apply time by npm run teleport:kube-cluster) instead of with teleport.agent.' },
);

export const TeleportSettings = StrictObject(
  {
    clusterName: Type.Optional(
      Type.String({ minLength: 1, pattern: '^[^\\s/:]+$', [PATTERN_HINT]: 'a Teleport cluster name, e.g. teleport.example.com', description: 'Name of the Teleport cluster (tctl status). Default: the host of teleport.agent.proxyAddr' }),
    ),
    kubernetesJoin: Type.Optional(KubernetesJoinSettings),
    agent: Type.Optional(TeleportAgentSettings),
    kubeCluster: Type.Optional(KubeClusterSettings),
    operator: Type.Optional(TeleportOperatorSettings),
  },
  { description: 'Teleport access to the cluster.' },
);

export const ClusterSettings = StrictObject({
  name: DnsLabel({ description: 'Cluster name; its output goes to <PLATFORM_OUT>/<name>/.' }),
  versions: Type.Optional(
    StringEnum(VERSION_PROFILE_NAMES, {
      description: `The upstream versions the cluster runs (lib/versions.ts): ${VERSION_PROFILE_NAMES.map((n) => `${n}, ${PROFILES[n].description}`).join('; ')}. See docs/upgrading.md. Default: ${DEFAULT_VERSION_PROFILE}`,
    }),
  ),
  capsule: Type.Optional(CapsuleSettings),
  capsuleProxy: Type.Optional(CapsuleProxySettings),
  teleport: Type.Optional(TeleportSettings),
  kyverno: Type.Optional(KyvernoSettings),
  certManager: Type.Optional(CertManagerSettings),
  trustManager: Type.Optional(TrustManagerSettings),
  tenantDefaults: Type.Optional(TenantDefaultsSettings),
  oidc: Type.Optional(ClusterOidcSettings),
  charts: Type.Optional(ChartsSettings),
  clients: Type.Optional(ClientsSettings),
});

export const PlatformSettings = StrictObject(
  {
    delivery: Type.Optional(DeliverySettings),
    clusters: Type.Array(ClusterSettings, { minItems: 1, description: 'The clusters to render.' }),
    people: Type.Optional(PeopleSettings),
  },
  { title: 'platform.yaml', description: 'The multi-tenant platform: delivery and one entry per cluster.' },
);

export type PlatformSettings = Static<typeof PlatformSettings>;
export type ClusterSettings = Static<typeof ClusterSettings>;
export type FluxSettings = Static<typeof FluxSettings>;
export type ArgoCdSettings = Static<typeof ArgoCdSettings>;
export type DeliverySettings = Static<typeof DeliverySettings>;
export type KyvernoSettings = Static<typeof KyvernoSettings>;
