import * as path from 'path';
import { GlobalProxySettings } from '../../../imports/capsule-globalproxysettings-capsule.clastix.io';
import { ProxySetting } from '../../../imports/capsule-proxysettings-capsule.clastix.io';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { checkMetadataTemplates, checkOwners, checkQuotasAndLimits, checkRoleBindings, checkTenantFields, ownersRequired, TenantNamespace } from '../../capsule/tenant-rules';
import { checkClusterResources } from '../../capsule-proxy/proxy-rules';
import { SchemaValidator } from '../../core/config/schema';
import { displayPath, YamlFile } from '../../core/config/yaml-file';
import { Problem } from '../../core/errors';
import { loadCrdValidator } from '../../core/validation/crd-validators';
import { Explained, explainErrors, unknownFieldMessage } from '../../core/validation/explain';
import { VERSION_PROFILE_NAMES, VersionProfileName } from '../../versions';
import { ProfiledComponent, profiledUnknownFieldMessage, ProfileProblem, splitByProfile } from './profile-problems';
import { credentialProblems, withoutShadowed } from './credentials';
import { tenantNameProblems } from './name-checks';
import { tenantTeleportProblems } from './teleport-config';
import { PLATFORM_KEY, TENANT_KEY, TenantHeader, TenantPlatformSettings, tenantSpecFields } from './tenant-schema';

/**
 * Reading one tenant file, and the checks that need only that file. (Checks across tenants and
 * clusters are in cross-checks.ts.)
 */

/** One tenant, as declared in its file. */
export interface TenantDefinition {
  /** The file it was read from (for messages). */
  readonly file: string;
  readonly name: string;
  /** The Capsule Tenant spec (owners included), in Capsule's format. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Labels and annotations of the Tenant object (manifest-form files only). */
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly platform: TenantPlatformSettings;
  /** `platform.namespaces`, each as an object. */
  readonly namespaces: readonly TenantNamespace[];
  /** Locates a problem at `segments` of the tenant (with its line), for checks made after loading. */
  readonly problem?: (segments: readonly string[], message: string) => Problem;
  /**
   * What the CRDs of only some version profiles reject (a field only Capsule 0.14 has, under seed):
   * reported for each cluster the tenant is on that runs such a profile, naming the cluster.
   */
  readonly profileProblems?: Partial<Record<VersionProfileName, Array<(cluster?: string) => Problem>>>;
}

const tenantHeaderValidator = new SchemaValidator(TenantHeader);

/** A loaded tenant and how to point at its fields in its file. */
export interface LoadedTenant {
  readonly definition: TenantDefinition;
  readonly yaml: YamlFile;
  /** Maps a path relative to the tenant (spec fields at top level) to the path in the file. */
  readonly at: (segments: readonly string[]) => string[];
}

/** The parts of a tenant file, in either form. */
interface TenantParts {
  readonly name: unknown;
  readonly platform: unknown;
  readonly spec: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
  readonly at: (segments: readonly string[]) => string[];
  readonly problems: Problem[];
}

/**
 * A tenant file is either flat (`name`, the spec fields at top level, `platform`), or a Tenant
 * manifest as Capsule's documentation shows it (`apiVersion`, `kind`, `metadata`, `spec`) with an
 * optional `platform` beside it, so that examples can be pasted in unchanged.
 */
function tenantParts(yaml: YamlFile): TenantParts {
  const data = yaml.data;
  if (!('apiVersion' in data) && !('kind' in data)) {
    const { name, [PLATFORM_KEY]: platform, ...spec } = data;
    const problems: Problem[] = [];
    // The spec fields of any version profile; the CRD checks below say which profile has which.
    const fields = tenantSpecFields();
    const allowed = ['name', PLATFORM_KEY, ...Object.values(fields).flat()];
    for (const key of Object.keys(spec)) {
      if (!allowed.includes(key)) {
        problems.push(yaml.problem([key], profiledUnknownFieldMessage(fields, 'capsule', ['name', PLATFORM_KEY])));
        delete spec[key];
      }
    }
    return { name, platform, spec, at: (segments) => [...segments], problems };
  }

  const { apiVersion, kind, metadata, spec, [PLATFORM_KEY]: platform, ...rest } = data;
  const problems: Problem[] = Object.keys(rest).map((key) => yaml.problem([key], unknownFieldMessage(['apiVersion', 'kind', 'metadata', 'spec', PLATFORM_KEY])));
  if (apiVersion !== TenantV1Beta2.GVK.apiVersion || kind !== TenantV1Beta2.GVK.kind) {
    const hint = apiVersion === 'capsule.clastix.io/v1beta1' ? ' (convert v1beta1 examples to v1beta2 first)' : '';
    problems.push(yaml.problem(['apiVersion'], `a tenant manifest must be apiVersion ${TenantV1Beta2.GVK.apiVersion}, kind ${TenantV1Beta2.GVK.kind}${hint}`));
  }
  const meta = isObject(metadata) ? metadata : {};
  return {
    name: meta.name,
    platform,
    spec: isObject(spec) ? { ...spec } : {},
    metadata: meta,
    at: (segments) => (segments[0] === 'name' ? ['metadata', 'name', ...segments.slice(1)] : segments[0] === PLATFORM_KEY ? [...segments] : ['spec', ...segments]),
    problems,
  };
}


/**
 * Reads the tenant file `file`; its problems are added to `problems`. `root` is the configuration
 * folder, inside which symbolic links may point (default: the file's folder).
 */
export function loadTenant(file: string, problems: Problem[], root?: string): LoadedTenant | undefined {
  const yaml = YamlFile.read(displayPath(file), { root });
  if (!(yaml instanceof YamlFile)) {
    problems.push(yaml);
    return undefined;
  }
  const parts = tenantParts(yaml);
  const { at, spec } = parts;
  const found = [...parts.problems];
  const report = (explained: readonly Explained[]) => found.push(...explained.map((e) => yaml.problem(at(e.segments), e.message)));

  report(tenantHeaderValidator.check({ name: parts.name, ...(parts.platform === undefined ? {} : { [PLATFORM_KEY]: parts.platform }) }));
  // Role rules (verbs, kinds, patterns) are only checked once the settings have the right shape.
  if (!found.length) report(tenantTeleportProblems((isObject(parts.platform) ? parts.platform : {}) as TenantPlatformSettings));
  const name = typeof parts.name === 'string' ? parts.name : undefined;
  const platform = (isObject(parts.platform) ? parts.platform : {}) as TenantPlatformSettings;

  // The spec (and a manifest's metadata) is checked by the Tenant CRD's own strict validator, of
  // every version profile: what only some reject is reported for the clusters that run those.
  const metadata = { ...parts.metadata, name: name ?? 'x' };
  const tenant = { ...TenantV1Beta2.GVK, metadata, spec };
  // Spec problems are placed relative to the tenant (at() maps them), metadata ones as they are.
  const METADATA = '\u0000metadata';
  const tenantProblems = (profile: VersionProfileName): Explained[] => {
    const crd = loadCrdValidator(TENANT_KEY, profile)!;
    // An explicit `owners: []` passes both CRDs' schemas; only the versions that grant access otherwise accept it.
    const noOwners = Array.isArray(spec.owners) && spec.owners.length === 0 && ownersRequired(profile) ? [{ segments: ['owners'], message: 'needs at least one owner' }] : [];
    if (crd.validate(tenant)) return noOwners;
    return noOwners.concat(explainErrors(crd.validate.errors ?? [], crd.entry.schema(), tenant).flatMap((e) =>
      e.segments[0] === 'spec'
        ? [{ segments: e.segments.slice(1), message: e.message }]
        : // metadata.name is checked by the header schema; other metadata fields only exist in manifests.
          e.segments[0] === 'metadata' && e.segments[1] !== 'name' && parts.metadata
          ? [{ segments: [METADATA, ...e.segments], message: e.message }]
          : [],
    ));
  };
  const profileProblems: Partial<Record<VersionProfileName, ProfileProblem[]>> = {};
  const place = (segments: readonly string[]) => (segments[0] === METADATA ? segments.slice(1) : at(segments));
  const byProfile = (component: ProfiledComponent, check: (profile: VersionProfileName) => Explained[]) => {
    const split = splitByProfile(Object.fromEntries(VERSION_PROFILE_NAMES.map((p) => [p, check(p)])) as Record<VersionProfileName, Explained[]>, component);
    found.push(...split.common.map((e) => yaml.problem(place(e.segments), e.message)));
    for (const [profile, list] of Object.entries(split.byProfile) as Array<[VersionProfileName, ProfileProblem[]]>) {
      profileProblems[profile] = [...(profileProblems[profile] ?? []), ...list];
    }
  };
  byProfile('capsule', tenantProblems);
  report([...(Array.isArray(spec.owners) ? checkOwners(spec.owners, { required: false }) : []), ...checkMetadataTemplates(spec), ...checkRoleBindings(spec), ...checkTenantFields(spec), ...checkQuotasAndLimits(spec)]);
  // Labels and selectors under platform (namespaces, proxy settings) follow the same rules; a
  // manifest's metadata.labels are checked by the CRD validator, its annotation keys here.
  if (isObject(parts.platform)) report(checkTenantFields(parts.platform, [PLATFORM_KEY]));
  report(tenantNameProblems(spec, isObject(parts.platform) ? parts.platform : {}));
  if (parts.metadata && isObject(parts.metadata.annotations)) {
    found.push(...yaml.problems(checkTenantFields({ annotations: parts.metadata.annotations }, ['metadata'])));
  }

  if (platform.proxySettings) {
    const subjects = platform.proxySettings.subjects;
    byProfile('capsuleProxy', (profile) => crdProblems(profile, ProxySetting.GVK, { subjects }, [PLATFORM_KEY, 'proxySettings']));
    platform.proxySettings.subjects.forEach((subject, i) =>
      report(checkClusterResources((subject as { clusterResources?: unknown })?.clusterResources, [PLATFORM_KEY, 'proxySettings', 'subjects', String(i), 'clusterResources'])),
    );
  }
  if (platform.globalProxySettings) {
    const rules = platform.globalProxySettings.rules;
    byProfile('capsuleProxy', (profile) => crdProblems(profile, GlobalProxySettings.GVK, { rules }, [PLATFORM_KEY, 'globalProxySettings']));
    platform.globalProxySettings.rules.forEach((rule, i) =>
      report(checkClusterResources((rule as { clusterResources?: unknown })?.clusterResources, [PLATFORM_KEY, 'globalProxySettings', 'rules', String(i), 'clusterResources'])),
    );
  }

  // ResourcePools: judged by the CRDs of every profile (Capsule 0.10.9 and 0.14.0 both have them).
  if (platform.resourcePool) {
    const poolSpec = platform.resourcePool;
    byProfile('capsule', (profile) => crdProblems(profile, { apiVersion: 'capsule.clastix.io/v1beta2', kind: 'ResourcePool' }, poolSpec, [PLATFORM_KEY, 'resourcePool']));
  }
  (platform.resourcePoolClaims ?? []).forEach((c, i) => {
    const names = (platform.namespaces ?? []).map((ns) => (typeof ns === 'string' ? ns : ns.name));
    if (!names.includes(c.namespace)) report([{ segments: [PLATFORM_KEY, 'resourcePoolClaims', String(i), 'namespace'], message: `must be one of the tenant's namespaces: ${names.join(', ') || 'none listed under platform.namespaces'}` }]);
    if (!c.pool && !platform.resourcePool) report([{ segments: [PLATFORM_KEY, 'resourcePoolClaims', String(i), 'pool'], message: 'name the pool, or give the tenant a resourcePool' }]);
    const claim = { pool: c.pool ?? 'x', claim: c.claim };
    byProfile('capsule', (profile) => crdProblems(profile, { apiVersion: 'capsule.clastix.io/v1beta2', kind: 'ResourcePoolClaim' }, claim, [PLATFORM_KEY, 'resourcePoolClaims', String(i)]));
  });

  const expected = path.basename(file).replace(/\.ya?ml$/i, '');
  if (name !== undefined && name !== expected) {
    report([{ segments: ['name'], message: `tenant '${name}' must be declared in a file named ${name}.yaml (this file is ${path.basename(file)})` }]);
  }
  const all = withoutShadowed(credentialProblems(yaml), found);
  if (all.length || name === undefined) {
    problems.push(...all);
    return undefined;
  }
  const { labels, annotations } = (parts.metadata ?? {}) as TenantDefinition['metadata'] & object;
  const definition: TenantDefinition = {
    file: yaml.file,
    name,
    spec,
    ...(labels || annotations ? { metadata: { labels, annotations } } : {}),
    platform,
    namespaces: (platform.namespaces ?? []).map((ns) => (typeof ns === 'string' ? { name: ns } : ns)),
    problem: (segments, message) => yaml.problem(at(segments), message),
    profileProblems: Object.fromEntries(
      Object.entries(profileProblems).map(([profile, list]) => [profile, list.map((p) => (cluster?: string) => yaml.problem(place(p.segments), p.message(cluster)))]),
    ),
  };
  return { definition, yaml, at };
}

/** Validates `spec` as the spec of a `gvk` object under `profile`; problems are placed under `base` in the tenant. */
function crdProblems(profile: VersionProfileName, gvk: { apiVersion: string; kind: string }, spec: Record<string, unknown>, base: string[]): Explained[] {
  const { validate, entry } = loadCrdValidator(`${gvk.apiVersion}/${gvk.kind}`, profile)!;
  const object = { ...gvk, metadata: entry.scope === 'Namespaced' ? { name: 'x', namespace: 'x' } : { name: 'x' }, spec };
  if (validate(object)) return [];
  return explainErrors(validate.errors ?? [], entry.schema(), object)
    .filter((e) => e.segments[0] === 'spec')
    .map((e) => ({ segments: [...base, ...e.segments.slice(1)], message: e.message }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
