import * as fs from 'fs';
import * as path from 'path';
import type { ValidateFunction } from 'ajv';
import { CRD_VALIDATORS } from '../../../imports/validators';
import { GlobalProxySettings } from '../../../imports/capsule-globalproxysettings-capsule.clastix.io';
import { ProxySetting } from '../../../imports/capsule-proxysettings-capsule.clastix.io';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { Capsule } from '../../capsule/capsule';
import { checkMetadataTemplates, checkOwners, checkTenantName, checkTenantNamespaces, findPrefixCollisions, TenantNamespace } from '../../capsule/tenant-rules';
import { CapsuleProxy } from '../../capsule-proxy/capsule-proxy';
import { checkClusterResources, LEGACY_DISABLED_MESSAGE, PROXY_CLUSTER_SCOPED, proxySettingsUse } from '../../capsule-proxy/proxy-rules';
import { SchemaValidator } from '../../core/config/schema';
import { YamlFile } from '../../core/config/yaml-file';
import { PlatformError, Problem } from '../../core/errors';
import { ownedValueConflicts, OwnedValues } from '../../core/helm-values';
import { Explained, explainErrors, unknownFieldMessage } from '../../core/validation/explain';
import { Kyverno } from '../../kyverno/kyverno';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { TeleportOperator } from '../../teleport/operator';
import { platformNamespaces } from '../namespaces';
import { ClusterSettings, PlatformSettings } from './platform-schema';
import { teleportSettingsProblems, tenantRoleNameClashes, tenantTeleportProblems } from './teleport-config';
import { PLATFORM_KEY, TENANT_KEY, TenantHeader, TenantPlatformSettings, tenantSpecSchema } from './tenant-schema';

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
}

/** Everything the platform is rendered from. */
export interface PlatformDefinition {
  readonly settings: PlatformSettings;
  /** Tenants, sorted by name. */
  readonly tenants: readonly TenantDefinition[];
}

export const PLATFORM_FILE = 'platform.yaml';
export const TENANTS_DIR = 'tenants';

const platformValidator = new SchemaValidator(PlatformSettings);
const tenantHeaderValidator = new SchemaValidator(TenantHeader);

/** Keys whose string values are credentials; they never belong in configuration (or output). */
const CREDENTIAL_KEYS = new Set(['authToken', 'auth-token', 'token', 'joinToken', 'password', 'clientSecret', 'client-secret', 'privateKey', 'apiKey']);

/**
 * Reads and checks the configuration in `dir` (`platform.yaml` and `tenants/*.yaml`).
 * @throws PlatformError with every problem found, each naming the file, the field and what is allowed
 */
export function loadPlatform(dir: string): PlatformDefinition {
  const problems: Problem[] = [];
  const settings = loadSettings(path.join(dir, PLATFORM_FILE), problems);
  const tenants = loadTenants(path.join(dir, TENANTS_DIR), problems);
  if (settings) problems.push(...crossChecks(settings, tenants));
  if (problems.length || !settings) {
    throw new PlatformError(`invalid configuration in ${displayPath(dir)}:`, sortProblems(problems));
  }
  return { settings, tenants: tenants.map((t) => t.definition) };
}

function loadSettings(file: string, problems: Problem[]): PlatformSettings | undefined {
  const yaml = YamlFile.read(displayPath(file));
  if (!(yaml instanceof YamlFile)) {
    problems.push(yaml);
    return undefined;
  }
  const found = withoutShadowed(credentialProblems(yaml), yaml.problems(platformValidator.check(yaml.data)));
  if (found.length) {
    problems.push(...found);
    return undefined;
  }
  const settings = yaml.data as PlatformSettings;
  settings.clusters.forEach((cluster, i) => {
    const overrides: Array<[string[], Record<string, unknown> | undefined, OwnedValues]> = [
      [['capsule'], cluster.capsule?.values, Capsule.OWNED_VALUES],
      [['capsuleProxy'], cluster.capsuleProxy?.values, CapsuleProxy.OWNED_VALUES],
      [['teleport', 'agent'], cluster.teleport?.agent?.values, TeleportKubeAgent.OWNED_VALUES],
      [['kyverno'], cluster.kyverno?.values, Kyverno.OWNED_VALUES],
      [['teleport', 'operator'], cluster.teleport?.operator?.values, TeleportOperator.OWNED_VALUES],
    ];
    for (const [component, values, owned] of overrides) {
      for (const conflict of ownedValueConflicts(values ?? {}, owned)) {
        problems.push(yaml.problem(['clusters', String(i), ...component, 'values', ...conflict.path.split('.')], `cannot be overridden: ${conflict.reason}`));
      }
    }
  });
  problems.push(...yaml.problems(teleportSettingsProblems(settings)));
  const seen = new Set<string>();
  settings.clusters.forEach((cluster, i) => {
    if (seen.has(cluster.name)) problems.push(yaml.problem(['clusters', String(i), 'name'], `duplicate cluster name '${cluster.name}'; cluster names must be unique`));
    seen.add(cluster.name);
  });
  return settings;
}

/** A loaded tenant and how to point at its fields in its file. */
interface LoadedTenant {
  readonly definition: TenantDefinition;
  readonly yaml: YamlFile;
  /** Maps a path relative to the tenant (spec fields at top level) to the path in the file. */
  readonly at: (segments: readonly string[]) => string[];
}

function loadTenants(dir: string, problems: Problem[]): LoadedTenant[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const tenants: LoadedTenant[] = [];
  for (const fileName of files) {
    const tenant = loadTenant(path.join(dir, fileName), problems);
    if (tenant) tenants.push(tenant);
  }
  return tenants.sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
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
    const allowed = ['name', PLATFORM_KEY, ...Object.keys(tenantSpecSchema().properties)];
    for (const key of Object.keys(spec)) {
      if (!allowed.includes(key)) {
        problems.push(yaml.problem([key], unknownFieldMessage(allowed)));
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

let tenantValidator: ValidateFunction | undefined;
let proxySettingValidator: ValidateFunction | undefined;
let globalProxySettingsValidator: ValidateFunction | undefined;

function loadTenant(file: string, problems: Problem[]): LoadedTenant | undefined {
  const yaml = YamlFile.read(displayPath(file));
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

  // The spec (and a manifest's metadata) is checked by the Tenant CRD's own strict validator.
  tenantValidator ??= CRD_VALIDATORS[TENANT_KEY].load();
  const metadata = { ...parts.metadata, name: name ?? 'x' };
  const tenant = { ...TenantV1Beta2.GVK, metadata, spec };
  if (!tenantValidator(tenant)) {
    for (const e of explainErrors(tenantValidator.errors ?? [], CRD_VALIDATORS[TENANT_KEY].schema(), tenant)) {
      if (e.segments[0] === 'spec') report([{ segments: e.segments.slice(1), message: e.message }]);
      // metadata.name is checked by the header schema; other metadata fields only exist in manifests.
      else if (e.segments[0] === 'metadata' && e.segments[1] !== 'name' && parts.metadata) found.push(yaml.problem(e.segments, e.message));
    }
  }
  report([...(Array.isArray(spec.owners) ? checkOwners(spec.owners) : []), ...checkMetadataTemplates(spec)]);

  if (platform.proxySettings) {
    proxySettingValidator ??= CRD_VALIDATORS[`${ProxySetting.GVK.apiVersion}/${ProxySetting.GVK.kind}`].load();
    report(crdProblems(proxySettingValidator, ProxySetting.GVK, { subjects: platform.proxySettings.subjects }, [PLATFORM_KEY, 'proxySettings']));
    platform.proxySettings.subjects.forEach((subject, i) =>
      report(checkClusterResources((subject as { clusterResources?: unknown })?.clusterResources, [PLATFORM_KEY, 'proxySettings', 'subjects', String(i), 'clusterResources'])),
    );
  }
  if (platform.globalProxySettings) {
    globalProxySettingsValidator ??= CRD_VALIDATORS[`${GlobalProxySettings.GVK.apiVersion}/${GlobalProxySettings.GVK.kind}`].load();
    report(crdProblems(globalProxySettingsValidator, GlobalProxySettings.GVK, { rules: platform.globalProxySettings.rules }, [PLATFORM_KEY, 'globalProxySettings']));
    platform.globalProxySettings.rules.forEach((rule, i) =>
      report(checkClusterResources((rule as { clusterResources?: unknown })?.clusterResources, [PLATFORM_KEY, 'globalProxySettings', 'rules', String(i), 'clusterResources'])),
    );
  }

  const expected = path.basename(file).replace(/\.ya?ml$/, '');
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
  };
  return { definition, yaml, at };
}

/** Validates `spec` as the spec of a `gvk` object; problems are placed under `base` in the tenant. */
function crdProblems(validate: ValidateFunction, gvk: { apiVersion: string; kind: string }, spec: Record<string, unknown>, base: string[]): Explained[] {
  const key = `${gvk.apiVersion}/${gvk.kind}`;
  const object = { ...gvk, metadata: CRD_VALIDATORS[key].scope === 'Namespaced' ? { name: 'x', namespace: 'x' } : { name: 'x' }, spec };
  if (validate(object)) return [];
  return explainErrors(validate.errors ?? [], CRD_VALIDATORS[key].schema(), object)
    .filter((e) => e.segments[0] === 'spec')
    .map((e) => ({ segments: [...base, ...e.segments.slice(1)], message: e.message }));
}

/** Checks that depend on the cluster a tenant is on, or on several tenants. */
function crossChecks(settings: PlatformSettings, tenants: readonly LoadedTenant[]): Problem[] {
  const problems: Problem[] = [];
  const clusters = settings.clusters.map((c) => c.name);
  const byName = new Map<string, LoadedTenant>();
  for (const tenant of tenants) {
    const { definition, yaml, at } = tenant;
    const first = byName.get(definition.name);
    if (first) problems.push(yaml.problem(at(['name']), `tenant '${definition.name}' is also declared in ${path.basename(first.yaml.file)}`));
    byName.set(definition.name, tenant);
    (definition.platform.clusters ?? []).forEach((cluster, i) => {
      if (!clusters.includes(cluster)) {
        problems.push(yaml.problem([PLATFORM_KEY, 'clusters', String(i)], `unknown cluster '${cluster}'; clusters in ${PLATFORM_FILE}: ${clusters.join(', ')}`));
      }
    });
  }
  settings.clusters.forEach((cluster, i) => {
    const onCluster = tenants.filter((t) => !t.definition.platform.clusters || t.definition.platform.clusters.includes(cluster.name));
    problems.push(...clusterChecks(cluster, i, settings, onCluster));
  });
  problems.push(...tenantRoleNameClashes(tenants.map((t) => t.definition)));
  // A tenant on several clusters would otherwise report the same problem once per cluster.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    return !seen.has(key) && seen.add(key);
  });
}

function clusterChecks(cluster: ClusterSettings, index: number, settings: PlatformSettings, tenants: readonly LoadedTenant[]): Problem[] {
  const problems: Problem[] = [];
  const reserved = platformNamespaces(cluster, settings.delivery?.flux);
  const prefixed = (t: TenantDefinition) => (typeof t.spec.forceTenantPrefix === 'boolean' ? t.spec.forceTenantPrefix : (cluster.capsule?.forceTenantPrefix ?? false));
  const onCluster = ` (cluster ${cluster.name})`;
  const namespaceOwner = new Map<string, string>();

  for (const { definition: t, yaml, at } of tenants) {
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
  return problems;
}

function credentialProblems(yaml: YamlFile): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, segments: string[]) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, String(i)]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (CREDENTIAL_KEYS.has(key) && typeof child === 'string' && child.length > 0) {
          const hint = segments.includes('teleport')
            ? ` (Teleport join tokens: create Secret ${TeleportKubeAgent.DEFAULT_JOIN_SECRET} with key ${TeleportKubeAgent.JOIN_SECRET_KEY} out of band and set join.secretName)`
            : '';
          problems.push(yaml.problem([...segments, key], `looks like a credential: secrets never go into configuration or output; reference an existing Secret instead${hint}`));
        } else visit(child, [...segments, key]);
      }
    }
  };
  visit(yaml.data, []);
  return problems;
}

/** `primary` plus the `others` that are not about a field `primary` already reports. */
function withoutShadowed(primary: Problem[], others: Problem[]): Problem[] {
  const fields = new Set(primary.map((p) => p.field));
  return [...primary, ...others.filter((p) => !fields.has(p.field))];
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
