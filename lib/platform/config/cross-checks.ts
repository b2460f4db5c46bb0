import * as path from 'path';
import { checkTenantName, checkTenantNamespaces, findPrefixCollisions } from '../../capsule/tenant-rules';
import { LEGACY_DISABLED_MESSAGE, PROXY_CLUSTER_SCOPED, proxySettingsUse } from '../../capsule-proxy/proxy-rules';
import * as capsulePodLabels from '../../kyverno/policies/monitoring/capsule-pod-labels';
import * as tenantCore from '../../kyverno/policies/tenants/tenant-core';
import * as tenantPolicy from '../../kyverno/policies/tenants/tenant-policy';
import * as restrictImageRegistries from '../../kyverno/policies/workloads/restrict-image-registries';
import { YamlFile } from '../../core/config/yaml-file';
import { re2Problem } from '../../core/validation/re2';
import { Problem } from '../../core/errors';
import { platformNamespaces } from '../namespaces';
import { platformImages } from '../platform-images';
import { clientChecks } from './clients-checks';
import { oidcProblems } from './oidc-schema';
import { certificateChecks } from './cert-checks';
import { ClusterSettings, PlatformSettings } from './platform-schema';
import { tenantRoleNameClashes } from './teleport-config';
import { effectivePolicySettings } from './tenant-defaults-checks';
import { LoadedTenant, TenantDefinition } from './tenant-file';
import { PLATFORM_KEY } from './tenant-schema';
import { DEFAULT_VERSION_PROFILE } from '../../versions';

export const PLATFORM_FILE = 'platform.yaml';

/** Checks that depend on the cluster a tenant is on, or on several tenants. */
export function crossChecks(settings: PlatformSettings, platformFile: YamlFile, tenants: readonly LoadedTenant[]): Problem[] {
  const problems: Problem[] = [];
  if (settings.delivery?.flux && settings.delivery.argocd) {
    problems.push(platformFile.problem(['delivery'], 'set either delivery.flux or delivery.argocd, not both: the output is for one GitOps tool'));
  }
  const clusters = settings.clusters.map((c) => c.name);
  const byName = new Map<string, LoadedTenant>();
  for (const tenant of tenants) {
    const { definition, yaml, at } = tenant;
    const first = byName.get(definition.name);
    if (first) problems.push(yaml.problem(at(['name']), `tenant '${definition.name}' is also declared in ${path.basename(first.yaml.file)}`));
    byName.set(definition.name, tenant);
    if (definition.platform.gitops && !definition.namespaces.length) {
      problems.push(yaml.problem([PLATFORM_KEY, 'gitops'], "needs a namespace to sync into: list the tenant's namespaces under platform.namespaces (the first holds the sync objects)"));
    }
    (definition.platform.clusters ?? []).forEach((cluster, i) => {
      if (!clusters.includes(cluster)) {
        problems.push(yaml.problem([PLATFORM_KEY, 'clusters', String(i)], `unknown cluster '${cluster}'; clusters in ${PLATFORM_FILE}: ${clusters.join(', ')}`));
      }
    });
  }
  settings.clusters.forEach((cluster, i) => {
    const onCluster = tenants.filter((t) => !t.definition.platform.clusters || t.definition.platform.clusters.includes(cluster.name));
    problems.push(...clusterChecks(cluster, i, settings, platformFile, onCluster));
  });
  problems.push(...tenantRoleNameClashes(tenants.map((t) => t.definition)));
  // A tenant on several clusters would otherwise report the same problem once per cluster.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    return !seen.has(key) && seen.add(key);
  });
}

function clusterChecks(cluster: ClusterSettings, index: number, settings: PlatformSettings, platformFile: YamlFile, tenants: readonly LoadedTenant[]): Problem[] {
  const problems: Problem[] = [];
  const reserved = platformNamespaces(cluster, settings.delivery);
  const prefixed = (t: TenantDefinition) => (typeof t.spec.forceTenantPrefix === 'boolean' ? t.spec.forceTenantPrefix : (cluster.capsule?.forceTenantPrefix ?? false));
  const onCluster = ` (cluster ${cluster.name})`;
  const namespaceOwner = new Map<string, string>();
  const profile = cluster.versions ?? DEFAULT_VERSION_PROFILE;

  for (const { definition: t, yaml, at } of tenants) {
    // Fields (and values) the CRDs of this cluster's versions reject, though another profile's accept them.
    for (const problem of t.profileProblems?.[profile] ?? []) problems.push(problem(cluster.name));
    const context = { platformNamespaces: reserved, forceTenantPrefix: prefixed(t) };
    for (const e of [...checkTenantName(t.name, context), ...checkTenantNamespaces(t.name, t.namespaces, t.spec, context)]) {
      problems.push(yaml.problem(at(e.segments), e.message));
    }
    t.namespaces.forEach((ns, i) => {
      const owner = namespaceOwner.get(ns.name);
      if (owner && owner !== t.name) problems.push(yaml.problem([PLATFORM_KEY, 'namespaces', String(i)], `namespace '${ns.name}' is already created by tenant '${owner}'${onCluster}`));
      namespaceOwner.set(ns.name, t.name);
    });
    const proxySettings = t.platform.proxySettings;
    if (proxySettings) {
      const names = t.namespaces.map((ns) => ns.name);
      const target = proxySettings.namespace ?? names[0];
      if (!target) problems.push(yaml.problem([PLATFORM_KEY, 'proxySettings'], 'a ProxySetting must live in a namespace of the tenant: list one under platform.namespaces'));
      else if (!names.includes(target)) problems.push(yaml.problem([PLATFORM_KEY, 'proxySettings', 'namespace'], `must be one of the tenant's namespaces: ${names.join(', ')}`));
    }
  }

  const byName = new Map(tenants.map((t) => [t.definition.name, t]));
  for (const [short, long] of findPrefixCollisions(tenants.map((t) => ({ name: t.definition.name, forceTenantPrefix: prefixed(t.definition) })))) {
    const { yaml, at } = byName.get(long)!;
    problems.push(yaml.problem(at(['name']), `tenant '${long}' starts with '${short}-': with forceTenantPrefix, namespaces ${long}-* would match the prefixes of both tenants${onCluster}; rename one`));
  }

  // capsule-proxy: ProxyClusterScoped is needed by clusterResources and disables legacy proxySettings.
  const uses = tenants.map((t) => ({ tenant: t, use: proxySettingsUse({ spec: t.definition.spec, proxySetting: t.definition.platform.proxySettings, globalProxySettings: t.definition.platform.globalProxySettings }) }));
  const gate = cluster.capsuleProxy?.featureGates?.[PROXY_CLUSTER_SCOPED];
  const needsGate = uses.some((u) => u.use.clusterScoped.length);
  for (const { tenant, use } of uses) {
    if (gate === false) {
      for (const segments of use.clusterScoped) {
        problems.push(tenant.yaml.problem(tenant.at(segments), `needs capsule-proxy's ${PROXY_CLUSTER_SCOPED} feature gate, which clusters[${index}].capsuleProxy.featureGates switches off${onCluster}`));
      }
    }
    if (needsGate || gate === true) {
      for (const segments of use.legacy) problems.push(tenant.yaml.problem(tenant.at(segments), `${LEGACY_DISABLED_MESSAGE}${onCluster}`));
    }
  }

  problems.push(...kyvernoChecks(cluster, index, platformFile, tenants, needsGate || gate === true));
  problems.push(...certificateChecks(cluster, index, platformFile));
  return problems;
}

/**
 * Kyverno policies that act on Tenants would refuse, or silently undo, what a tenant file asks for;
 * the synth refuses it first, with the file and the setting involved.
 */
function kyvernoChecks(cluster: ClusterSettings, index: number, platformFile: YamlFile, tenants: readonly LoadedTenant[], clusterScopedProxy: boolean): Problem[] {
  const problems: Problem[] = [];
  const policies = effectivePolicySettings(cluster);
  const setting = (name: string, ...field: string[]) => `clusters[${index}].kyverno.policies.${name}${field.length ? `.${field.join('.')}` : ''} in ${PLATFORM_FILE}`;
  const onCluster = ` (cluster ${cluster.name})`;

  const core = policies?.[tenantCore.NAME];
  if (core && core.enabled !== false) {
    const reserved: readonly string[] = core.reservedNames ?? tenantCore.DEFAULTS.reservedNames;
    const action = core.failureAction ?? tenantCore.DEFAULTS.failureAction;
    const outcome = action === 'Enforce' ? 'the Tenant would be refused at admission' : `the Tenant would be reported as a policy violation (failureAction ${action})`;
    for (const { definition: t, yaml, at } of tenants) {
      if (reserved.includes(t.name)) {
        problems.push(yaml.problem(at(['name']), `'${t.name}' is reserved by the Kyverno policy ${tenantCore.NAME} (${setting(tenantCore.NAME, 'reservedNames')}): ${outcome}${onCluster}`));
      }
    }
    const deniedRegex = core.defaults?.forbiddenNamespaceLabelsRegex;
    // A pattern Go would refuse is reported where it is written (platformTextProblems); JavaScript
    // may still refuse one Go accepts ((?i) flags), and then no label is matched here.
    const denied = deniedRegex === undefined || re2Problem(deniedRegex) ? undefined : safeRegExp(deniedRegex);
    if (denied) {
      for (const { definition: t, yaml } of tenants) {
        // A Tenant with forbidden labels of its own doesn't get the default (nor its regex).
        if (!tenantCore.defaultApplies('forbiddenNamespaceLabelsRegex', t.spec)) continue;
        t.namespaces.forEach((ns, i) => {
          for (const key of Object.keys(ns.labels ?? {}).filter((k) => denied.test(k))) {
            const message = `matches the forbidden namespace labels that ${tenantCore.NAME} gives the tenant (${setting(tenantCore.NAME, 'defaults', 'forbiddenNamespaceLabelsRegex')}): Capsule would refuse the namespace${onCluster}`;
            problems.push(yaml.problem([PLATFORM_KEY, 'namespaces', String(i), 'labels', key], message));
          }
        });
      }
    }
  }

  const policy = policies?.[tenantPolicy.NAME];
  const legacyDefaults = policy && policy.enabled !== false ? (policy.proxySettings ?? tenantPolicy.DEFAULTS.proxySettings) : [];
  if (clusterScopedProxy && legacyDefaults.length) {
    const segments = ['clusters', String(index), 'kyverno', 'policies', tenantPolicy.NAME, ...(policy?.proxySettings ? ['proxySettings'] : [])];
    const message = `gives tenant owners legacy proxySettings, which capsule-proxy ignores once ${PROXY_CLUSTER_SCOPED} is enabled on this cluster (tenants' clusterResources or GlobalProxySettings need it); set proxySettings: [] here`;
    problems.push(platformFile.problem(segments, message));
  }

  problems.push(...platformRegistryChecks(cluster, index, platformFile));
  problems.push(...clientChecks(cluster, index, platformFile));
  problems.push(...oidcProblems(cluster, index, platformFile));

  const labels = policies?.[capsulePodLabels.NAME];
  if (labels && labels.enabled !== false) {
    const defaultTenant = labels.defaultTenant ?? capsulePodLabels.DEFAULTS.defaultTenant;
    for (const { definition: t, yaml, at } of tenants) {
      if (t.name === defaultTenant) {
        const message = `'${t.name}' is the tenant label ${capsulePodLabels.NAME} gives Pods outside tenants (${setting(capsulePodLabels.NAME, 'defaultTenant')}): this tenant's logs would mix with the platform's; rename one${onCluster}`;
        problems.push(yaml.problem(at(['name']), message));
      }
    }
  }
  return problems;
}

/**
 * restrict-image-registries with scope `cluster` and Enforce also refuses the Pods of the platform's
 * own charts (Capsule, capsule-proxy, Teleport) when their registries are not allowed: the synth
 * reports which registries are missing and which chart value needs them. (Audit only reports them.)
 */
function platformRegistryChecks(cluster: ClusterSettings, index: number, platformFile: YamlFile): Problem[] {
  const policy = cluster.kyverno?.policies?.[restrictImageRegistries.NAME];
  if (!policy || policy.enabled === false) return [];
  const scope = policy.scope ?? restrictImageRegistries.DEFAULTS.scope;
  const action = policy.failureAction ?? restrictImageRegistries.DEFAULTS.failureAction;
  if (scope !== 'cluster' || action !== 'Enforce') return [];

  const needs = new Map<string, string[]>();
  for (const chart of platformImages(cluster)) {
    for (const source of chart.images) {
      if (restrictImageRegistries.allowsRegistry(policy.registries, source.registry)) continue;
      const value = source.overridden ? `clusters[${index}].${[...chart.valuesSetting, source.path].join('.')}` : `chart default of ${source.path}`;
      needs.set(source.registry, [...(needs.get(source.registry) ?? []), `${chart.component} ${source.image.workload} (${value})`]);
    }
  }
  const segments = ['clusters', String(index), 'kyverno', 'policies', restrictImageRegistries.NAME, 'registries'];
  return [...needs.keys()].sort().map((registry) =>
    platformFile.problem(
      segments,
      `does not allow ${registry}, which the platform's own Pods pull from: ${needs.get(registry)!.join(', ')}; with scope cluster and failureAction Enforce, ` +
        `Kyverno would refuse them: add ${registry} here, or set scope: tenants (cluster ${cluster.name})`,
    ),
  );
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
