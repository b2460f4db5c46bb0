import type { Explained } from '../core/validation/explain';

/**
 * How capsule-proxy 0.9.12 reads proxy settings (internal/modules/utils/clusterscope.go and
 * internal/features): rules the CRD schema cannot express.
 */

/** The feature gate that registers generic routes for cluster-scoped resources. */
export const PROXY_CLUSTER_SCOPED = 'ProxyClusterScoped';

/** Feature gates of capsule-proxy 0.9.12 (all alpha, off by default). */
export const CAPSULE_PROXY_FEATURE_GATES = ['ProxyClusterScoped', 'ProxyAllNamespaced', 'SkipImpersonationReview'] as const;
export type CapsuleProxyFeatureGate = (typeof CAPSULE_PROXY_FEATURE_GATES)[number];

const API_GROUP_HINT = 'capsule-proxy matches apiGroups against <group>/<version>: write "storage.k8s.io/*" or "storage.k8s.io/v1", "/v1" for the core group, or "*"';

/**
 * `apiGroups` entries are anchored patterns (`*` = any text) matched against `<group>/<version>`,
 * so an entry without a `/` (`""`, `storage.k8s.io`) never matches anything.
 */
export function checkClusterResources(clusterResources: unknown, segments: readonly string[]): Explained[] {
  if (!Array.isArray(clusterResources)) return [];
  const problems: Explained[] = [];
  clusterResources.forEach((rule, i) => {
    const apiGroups = (rule as { apiGroups?: unknown })?.apiGroups;
    if (!Array.isArray(apiGroups)) return;
    apiGroups.forEach((group, j) => {
      if (typeof group === 'string' && group !== '*' && !group.includes('/')) {
        problems.push({ segments: [...segments, String(i), 'apiGroups', String(j)], message: `${JSON.stringify(group)} never matches; ${API_GROUP_HINT}` });
      }
    });
  });
  return problems;
}

/** Where a tenant uses proxy settings, by the feature gate they need or are disabled by. */
export interface ProxySettingsUse {
  /** Field paths of `clusterResources` rules: they only work with ProxyClusterScoped. */
  readonly clusterScoped: string[][];
  /** Field paths of legacy `proxySettings` (Nodes, StorageClasses...): ProxyClusterScoped disables them. */
  readonly legacy: string[][];
}

/**
 * Finds the proxy settings a tenant uses: in its owners, in its ProxySetting subjects and in its
 * GlobalProxySettings rules (paths relative to the tenant file).
 */
export function proxySettingsUse(tenant: {
  spec: Readonly<Record<string, unknown>>;
  proxySetting?: { subjects?: unknown[] };
  globalProxySettings?: { rules?: unknown[] };
}): ProxySettingsUse {
  const use: ProxySettingsUse = { clusterScoped: [], legacy: [] };
  ((tenant.spec.owners ?? []) as Array<{ proxySettings?: unknown[] }>).forEach((owner, i) => {
    if (owner?.proxySettings?.length) use.legacy.push(['owners', String(i), 'proxySettings']);
  });
  (tenant.proxySetting?.subjects ?? []).forEach((subject, i) => {
    const s = subject as { proxySettings?: unknown[]; clusterResources?: unknown[] };
    if (s?.proxySettings?.length) use.legacy.push(['platform', 'proxySettings', 'subjects', String(i), 'proxySettings']);
    if (s?.clusterResources?.length) use.clusterScoped.push(['platform', 'proxySettings', 'subjects', String(i), 'clusterResources']);
  });
  (tenant.globalProxySettings?.rules ?? []).forEach((rule, i) => {
    if ((rule as { clusterResources?: unknown[] })?.clusterResources?.length) {
      use.clusterScoped.push(['platform', 'globalProxySettings', 'rules', String(i), 'clusterResources']);
    }
  });
  // GlobalProxySettings are only read with the gate, whatever their rules contain.
  if (tenant.globalProxySettings && !use.clusterScoped.length) use.clusterScoped.push(['platform', 'globalProxySettings']);
  return use;
}

export const LEGACY_DISABLED_MESSAGE =
  `ignored by capsule-proxy once ${PROXY_CLUSTER_SCOPED} is enabled (other proxy settings on this cluster need it): ` +
  'express it as clusterResources instead';
