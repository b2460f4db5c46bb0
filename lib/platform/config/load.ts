import * as fs from 'fs';
import * as path from 'path';
import { Capsule } from '../../capsule/capsule';
import { CapsuleProxy } from '../../capsule-proxy/capsule-proxy';
import { CAPSULE_PROXY_OPTION_NAMES, optionProblems, unsupportedOption } from '../../capsule-proxy/proxy-options';
import { SchemaValidator } from '../../core/config/schema';
import { displayPath, YamlFile } from '../../core/config/yaml-file';
import { PlatformError, Problem } from '../../core/errors';
import { Headlamp } from '../../clients/headlamp';
import { KubernetesDashboard } from '../../clients/kubernetes-dashboard';
import { ownedValueConflicts, OwnedValues } from '../../core/helm-values';
import { Kyverno } from '../../kyverno/kyverno';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { TeleportOperator } from '../../teleport/operator';
import { DEFAULT_VERSION_PROFILE } from '../../versions';
import { chartsProblems } from './charts-schema';
import { credentialProblems, withoutShadowed } from './credentials';
import { crossChecks, PLATFORM_FILE } from './cross-checks';
import { deprecations } from './deprecations';
import { EncryptedSecrets, loadEncryptedSecrets } from './encrypted-secrets';
import { exposureSettingsProblems } from './exposure-checks';
import { platformNameProblems } from './name-checks';
import { PlatformSettings } from './platform-schema';
import { peopleProblems } from './people-checks';
import { teleportSettingsProblems } from './teleport-config';
import { cidrProblem, tenantDefaultsProblems } from './tenant-defaults-checks';
import { LoadedTenant, loadTenant, TenantDefinition } from './tenant-file';

export { PLATFORM_FILE } from './cross-checks';
export type { TenantDefinition } from './tenant-file';

/** Everything the platform is rendered from. */
export interface PlatformDefinition {
  readonly settings: PlatformSettings;
  /** Tenants, sorted by name. */
  readonly tenants: readonly TenantDefinition[];
  /** What is deprecated upstream (one line each: file, field, what to do); strict mode fails on them. */
  readonly deprecations: readonly Problem[];
  /** SOPS-encrypted Secrets of `secrets/<cluster>/`, by cluster. @default - none */
  readonly encryptedSecrets?: EncryptedSecrets;
}

export const TENANTS_DIR = 'tenants';

const platformValidator = new SchemaValidator(PlatformSettings);

/**
 * Reads and checks the configuration in `dir` (`platform.yaml` and `tenants/*.yaml`).
 * @throws PlatformError with every problem found, each naming the file, the field and what is allowed
 */
export function loadPlatform(dir: string): PlatformDefinition {
  const problems: Problem[] = [];
  const platform = loadSettings(path.join(dir, PLATFORM_FILE), dir, problems);
  const tenants = loadTenants(dir, problems);
  const encryptedSecrets = platform ? loadEncryptedSecrets(dir, platform.settings.clusters.map((c) => c.name), problems) : {};
  // People name tenant roles: only checked once every tenant file could be read (a broken file's roles are unknown).
  if (platform && !problems.length) problems.push(...platform.yaml.problems(peopleProblems(platform.settings, tenants.map((t) => t.definition))));
  if (platform) problems.push(...crossChecks(platform.settings, platform.yaml, tenants));
  // Without valid settings the clusters' versions are unknown: judge tenants by the default's CRDs.
  else for (const { definition } of tenants) problems.push(...(definition.profileProblems?.[DEFAULT_VERSION_PROFILE] ?? []).map((p) => p()));
  if (problems.length || !platform) {
    throw new PlatformError(`invalid configuration in ${displayPath(dir)}:`, sortProblems(problems));
  }
  return { settings: platform.settings, tenants: tenants.map((t) => t.definition), deprecations: deprecations(platform.settings, platform.yaml, tenants), encryptedSecrets };
}

function loadSettings(file: string, root: string, problems: Problem[]): { settings: PlatformSettings; yaml: YamlFile } | undefined {
  const yaml = YamlFile.read(displayPath(file), { root });
  if (!(yaml instanceof YamlFile)) {
    problems.push(yaml);
    return undefined;
  }
  const schemaProblems = yaml.problems(platformValidator.check(yaml.data));
  problems.push(...withoutShadowed(credentialProblems(yaml), schemaProblems));
  // The checks below need the file to have the right shape; a credential does not stop them.
  if (schemaProblems.length) return undefined;
  const settings = yaml.data as PlatformSettings;
  settings.clusters.forEach((cluster, i) => {
    const overrides: Array<[string[], Record<string, unknown> | undefined, OwnedValues]> = [
      [['capsule'], cluster.capsule?.values, Capsule.ownedValues(cluster.versions ?? DEFAULT_VERSION_PROFILE)],
      [['capsuleProxy'], cluster.capsuleProxy?.values, CapsuleProxy.OWNED_VALUES],
      [['teleport', 'agent'], cluster.teleport?.agent?.values, TeleportKubeAgent.OWNED_VALUES],
      [['kyverno'], cluster.kyverno?.values, Kyverno.OWNED_VALUES],
      [['teleport', 'operator'], cluster.teleport?.operator?.values, TeleportOperator.OWNED_VALUES],
      [['clients', 'headlamp'], cluster.clients?.headlamp?.values, Headlamp.OWNED_VALUES],
      [['clients', 'kubernetesDashboard'], cluster.clients?.kubernetesDashboard?.values, KubernetesDashboard.OWNED_VALUES],
    ];
    for (const [component, values, owned] of overrides) {
      for (const conflict of ownedValueConflicts(values ?? {}, owned)) {
        problems.push(yaml.problem(['clusters', String(i), ...component, 'values', ...conflict.path.split('.')], `cannot be overridden: ${conflict.reason}`));
      }
    }
  });
  settings.clusters.forEach((cluster, i) => problems.push(...capsuleProxyOptionProblems(cluster, i).map(([segments, message]) => yaml.problem(segments, message))));
  problems.push(...yaml.problems(teleportSettingsProblems(settings)));
  problems.push(...yaml.problems(chartsProblems(settings.clusters)));
  problems.push(...yaml.problems(platformNameProblems(settings)));
  problems.push(...yaml.problems(settings.clusters.flatMap((cluster, i) => tenantDefaultsProblems(cluster, i))));
  problems.push(...yaml.problems(settings.clusters.flatMap((cluster, i) => exposureSettingsProblems(cluster, i))));
  const seen = new Set<string>();
  settings.clusters.forEach((cluster, i) => {
    if (seen.has(cluster.name)) problems.push(yaml.problem(['clusters', String(i), 'name'], `duplicate cluster name '${cluster.name}'; cluster names must be unique`));
    seen.add(cluster.name);
  });
  return { settings, yaml };
}

/** capsule-proxy options the cluster's chart lacks, regular expressions that do not compile, malformed CIDRs. */
function capsuleProxyOptionProblems(cluster: PlatformSettings['clusters'][number], index: number): Array<[string[], string]> {
  const proxy = cluster.capsuleProxy ?? {};
  const at = (...segments: string[]) => ['clusters', String(index), 'capsuleProxy', ...segments];
  const profile = cluster.versions ?? DEFAULT_VERSION_PROFILE;
  const problems: Array<[string[], string]> = [];
  for (const name of CAPSULE_PROXY_OPTION_NAMES.filter((n) => proxy[n] !== undefined)) {
    const unsupported = unsupportedOption(name, profile, `cluster ${cluster.name}`);
    if (unsupported) problems.push([at(name), unsupported]);
  }
  for (const { name, message } of optionProblems(proxy)) problems.push([at(name), message]);
  (proxy.trustedProxyCidrs ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.push([at('trustedProxyCidrs', String(i)), problem]);
  });
  return problems;
}

/** A tenant file: `<name>.yaml` or `<name>.yml`, the extension in any case, not hidden. */
const TENANT_FILE = /^[^.].*\.ya?ml$/i;
/** Files in tenants/ that are not configuration and are left alone: Git placeholders, Finder's, documentation. */
const IGNORED_FILES = /^(\.gitkeep|\.keep|\.gitignore|\.DS_Store|.*\.md)$/i;

/**
 * Every entry of tenants/ is read or refused, never skipped without a word: a tenant that someone
 * thinks is onboarded must be. Tenant files are `tenants/<name>.yaml` (flat); subfolders, editor
 * backups, hidden and other files are refused with what to do instead (docs/input-limits.md).
 */
function tenantFiles(configDir: string, problems: Problem[]): string[] {
  const dir = path.join(configDir, TENANTS_DIR);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    problems.push({ file: displayPath(dir), message: code === 'ENOTDIR' ? `${TENANTS_DIR} must be a folder of tenant files` : `cannot read folder (${code ?? String(error)})` });
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = path.join(dir, entry.name);
    const refuse = (message: string) => problems.push({ file: displayPath(file), message });
    if (entry.isDirectory()) {
      refuse(`subfolders of ${TENANTS_DIR}/ are not read; a tenant file is ${TENANTS_DIR}/<name>.yaml: move the files of ${entry.name}/ up into ${TENANTS_DIR}/`);
    } else if (IGNORED_FILES.test(entry.name)) {
      continue;
    } else if (TENANT_FILE.test(entry.name)) {
      files.push(file);
    } else {
      const backupOf = /^\.?#?(.+\.ya?ml)(~|#|\.(bak|orig|rej|swp|swo|tmp|old|save))$/i.exec(entry.name)?.[1] ?? /^\.(.+\.ya?ml)$/i.exec(entry.name)?.[1];
      refuse(
        backupOf
          ? `not read: a hidden file or editor backup of ${backupOf}; remove it (or close the editor), or rename it to ${backupOf.replace(/^\./, '')} to read it`
          : `not read: files in ${TENANTS_DIR}/ are tenant files named <name>.yaml or <name>.yml (or .md notes); remove or rename it`,
      );
    }
  }
  return files;
}

function loadTenants(configDir: string, problems: Problem[]): LoadedTenant[] {
  const tenants: LoadedTenant[] = [];
  for (const file of tenantFiles(configDir, problems)) {
    const tenant = loadTenant(file, problems, configDir);
    if (tenant) tenants.push(tenant);
  }
  return tenants.sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}
