import { GlobalProxySettings } from '../../../imports/capsule-globalproxysettings-capsule.clastix.io';
import { ProxySetting } from '../../../imports/capsule-proxysettings-capsule.clastix.io';
import { YamlFile } from '../../core/config/yaml-file';
import { Problem } from '../../core/errors';
import { crdValidators } from '../../core/validation/crd-validators';
import { DEFAULT_VERSION_PROFILE, KYVERNO_CLUSTER_POLICY, PROFILES, VersionProfileName } from '../../versions';
import { ClusterSettings, PlatformSettings } from './platform-schema';
import { withTenantDefaults, TenantDefaultName } from '../../capsule/tenant-defaults';
import { profileRelease, ProfiledComponent } from './profile-problems';
import { tenantDefaults } from './tenant-defaults-checks';
import { LoadedTenant } from './tenant-file';
import { PLATFORM_KEY, TENANT_KEY } from './tenant-schema';

/**
 * Deprecations: what still works but is on its way out upstream. The synth reports each on one line
 * (file, field, what to do) and goes on; in strict mode (`--strict`, PLATFORM_STRICT=1) they fail it.
 *
 * - a version profile past upstream support (lib/versions.ts `pastSupport`);
 * - ClusterPolicy under a Kyverno that deprecates it (`KYVERNO_CLUSTER_POLICY`);
 * - a field of a tenant file that the CRD of its cluster's version marks deprecated, read from the
 *   CRD's own descriptions ("Deprecated: use …"), so each Capsule release brings its own list;
 * - a field the platform itself writes into Tenants from a cluster's tenantDefaults, judged the same
 *   way (under Capsule 0.14 network isolation and the LimitRange are replicated instead, so only
 *   resourceQuotas and tenantIdentity's namespace metadata remain).
 */
export function deprecations(settings: PlatformSettings, platformFile: YamlFile, tenants: readonly LoadedTenant[]): Problem[] {
  const found: Problem[] = [];
  settings.clusters.forEach((cluster, i) => {
    const profile = cluster.versions ?? DEFAULT_VERSION_PROFILE;
    const { pastSupport, charts } = PROFILES[profile];
    if (pastSupport) {
      const field = cluster.versions ? ['clusters', String(i), 'versions'] : ['clusters', String(i), 'name'];
      const which = cluster.versions ? `versions ${profile}` : `versions ${profile} (the default)`;
      found.push(platformFile.problem(field, `${which} ${pastSupport}: set versions: current on cluster ${cluster.name} (see docs/upgrading.md)`));
    }
    const kyverno = charts.kyverno.appVersion ?? charts.kyverno.version;
    if (cluster.kyverno && atLeast(kyverno, KYVERNO_CLUSTER_POLICY.deprecatedIn)) {
      found.push(
        platformFile.problem(
          ['clusters', String(i), 'kyverno'],
          `the policies are rendered as kyverno.io/v1 ClusterPolicy, deprecated since Kyverno ${KYVERNO_CLUSTER_POLICY.deprecatedIn} and planned for removal in ${KYVERNO_CLUSTER_POLICY.removedIn}; ` +
            `cluster ${cluster.name} runs Kyverno ${kyverno} (chart ${charts.kyverno.version}): keep Kyverno below ${KYVERNO_CLUSTER_POLICY.removedIn} until they move to policies.kyverno.io (ValidatingPolicy, MutatingPolicy)`,
        ),
      );
    }
    for (const use of tenantDefaultsDeprecations(cluster, profile)) {
      found.push(platformFile.problem(['clusters', String(i), 'tenantDefaults', use.setting], `rendered into every Tenant's ${use.field}, deprecated by ${profileRelease('capsule', profile)} (cluster ${cluster.name}): ${use.hint}`));
    }
  });

  // A tenant field: one line per file and field, naming every cluster it is deprecated on.
  const byField = new Map<string, { tenant: LoadedTenant; segments: string[]; hint: string; release: string; clusters: string[] }>();
  for (const tenant of tenants) {
    for (const cluster of settings.clusters.filter((c) => onCluster(tenant, c))) {
      const profile = cluster.versions ?? DEFAULT_VERSION_PROFILE;
      for (const use of tenantDeprecations(tenant, profile)) {
        const id = `${tenant.yaml.file}|${use.segments.join('.')}|${use.release}`;
        const entry = byField.get(id) ?? { tenant, ...use, clusters: [] };
        entry.clusters.push(cluster.name);
        byField.set(id, entry);
      }
    }
  }
  for (const { tenant, segments, hint, release, clusters } of byField.values()) {
    found.push(tenant.yaml.problem(tenant.at(segments), `deprecated by ${release} (cluster${clusters.length > 1 ? 's' : ''} ${clusters.join(', ')}): ${hint}`));
  }
  return found.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}

/** Where each tenant default lands in the Tenant spec when it is not replicated (tenant-defaults.ts). */
const DEFAULT_FIELDS: Readonly<Record<string, TenantDefaultName>> = {
  networkPolicies: 'networkIsolation',
  limitRanges: 'limitRange',
  resourceQuotas: 'resourceQuotas',
  'namespaceOptions.additionalMetadataList': 'tenantIdentity',
};

/** The deprecated Tenant fields the cluster's tenantDefaults render, by the CRD of `profile`. */
function tenantDefaultsDeprecations(cluster: ClusterSettings, profile: VersionProfileName): Array<{ setting: TenantDefaultName; field: string; hint: string }> {
  if (!cluster.tenantDefaults) return [];
  // What the defaults add to a tenant that has none of its own, rendered as the cluster renders them.
  const { spec } = withTenantDefaults('x', {}, tenantDefaults(cluster), {}, { replicate: profile !== 'seed' });
  const schema = (crdValidators(profile)[TENANT_KEY]?.described?.() as Schema | undefined)?.properties?.spec;
  if (!schema) return [];
  return deprecatedIn(schema, spec, []).flatMap((use) => {
    const field = use.segments.join('.');
    const setting = DEFAULT_FIELDS[field];
    return setting ? [{ setting, field, hint: use.hint }] : [];
  });
}

/** The error that strict mode turns deprecations into. */
export const STRICT_SUMMARY = `deprecations are errors in strict mode (--strict or PLATFORM_STRICT=1); nothing was published. Each says what to do:`;

function onCluster(tenant: LoadedTenant, cluster: ClusterSettings): boolean {
  const clusters = tenant.definition.platform.clusters;
  return !clusters || clusters.includes(cluster.name);
}

interface DeprecatedUse {
  /** Relative to the tenant (spec fields at top level). */
  readonly segments: string[];
  readonly hint: string;
  readonly release: string;
}

/** The deprecated fields a tenant sets, by the CRDs of `profile`. */
function tenantDeprecations(tenant: LoadedTenant, profile: VersionProfileName): DeprecatedUse[] {
  const { spec, platform } = tenant.definition;
  const uses: DeprecatedUse[] = [];
  const check = (component: ProfiledComponent, key: string, schemaPath: string[], data: unknown, base: string[]) => {
    let schema = crdValidators(profile)[key]?.described?.();
    for (const step of schemaPath) schema = (schema as Schema | undefined)?.properties?.[step] as Schema | undefined;
    if (!schema) return;
    for (const found of deprecatedIn(schema as Schema, data, base)) uses.push({ ...found, release: profileRelease(component, profile) });
  };
  check('capsule', TENANT_KEY, ['spec'], spec, []);
  if (platform.proxySettings) {
    check('capsuleProxy', `${ProxySetting.GVK.apiVersion}/${ProxySetting.GVK.kind}`, ['spec', 'subjects'], platform.proxySettings.subjects, [PLATFORM_KEY, 'proxySettings', 'subjects']);
  }
  if (platform.globalProxySettings) {
    check('capsuleProxy', `${GlobalProxySettings.GVK.apiVersion}/${GlobalProxySettings.GVK.kind}`, ['spec', 'rules'], platform.globalProxySettings.rules, [PLATFORM_KEY, 'globalProxySettings', 'rules']);
  }
  return uses;
}

type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema };

const DEPRECATED = /^Deprecated:?\s*([^\n]*)/i;

/** Walks `data` along `schema`: every field set whose description starts with "Deprecated". */
function deprecatedIn(schema: Schema, data: unknown, segments: string[]): Array<{ segments: string[]; hint: string }> {
  if (Array.isArray(data)) return schema.items ? data.flatMap((item, i) => deprecatedIn(schema.items!, item, [...segments, String(i)])) : [];
  if (data === null || typeof data !== 'object') return [];
  const found: Array<{ segments: string[]; hint: string }> = [];
  for (const [field, value] of Object.entries(data)) {
    const child = schema.properties?.[field];
    if (!child) continue;
    const match = DEPRECATED.exec(child.description ?? '');
    if (match) found.push({ segments: [...segments, field], hint: hintOf(match[1]) });
    // Its own fields may be deprecated too (e.g. an allowedRegex inside a deprecated list).
    found.push(...deprecatedIn(child, value, [...segments, field]));
  }
  return found;
}

/** The CRD's hint as advice ("Use Rules Quota (…)" → "use Rules Quota (…)"). */
function hintOf(text: string): string {
  const hint = text.trim().replace(/\.$/, '');
  return hint ? hint.charAt(0).toLowerCase() + hint.slice(1) : 'it will be removed in a future release';
}

/** `a >= b` for dotted versions (a leading `v` ignored). */
function atLeast(a: string, b: string): boolean {
  const parse = (v: string) => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10));
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return true;
}
