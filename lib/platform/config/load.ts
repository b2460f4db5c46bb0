import * as fs from 'fs';
import * as path from 'path';
import { Capsule } from '../../capsule/capsule';
import { CapsuleProxy } from '../../capsule-proxy/capsule-proxy';
import { SchemaValidator } from '../../core/config/schema';
import { displayPath, YamlFile } from '../../core/config/yaml-file';
import { PlatformError, Problem } from '../../core/errors';
import { ownedValueConflicts, OwnedValues } from '../../core/helm-values';
import { Kyverno } from '../../kyverno/kyverno';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { TeleportOperator } from '../../teleport/operator';
import { DEFAULT_VERSION_PROFILE } from '../../versions';
import { credentialProblems, withoutShadowed } from './credentials';
import { crossChecks, PLATFORM_FILE } from './cross-checks';
import { PlatformSettings } from './platform-schema';
import { teleportSettingsProblems } from './teleport-config';
import { tenantDefaultsProblems } from './tenant-defaults-checks';
import { LoadedTenant, loadTenant, TenantDefinition } from './tenant-file';

export { PLATFORM_FILE } from './cross-checks';
export type { TenantDefinition } from './tenant-file';

/** Everything the platform is rendered from. */
export interface PlatformDefinition {
  readonly settings: PlatformSettings;
  /** Tenants, sorted by name. */
  readonly tenants: readonly TenantDefinition[];
}

export const TENANTS_DIR = 'tenants';

const platformValidator = new SchemaValidator(PlatformSettings);

/**
 * Reads and checks the configuration in `dir` (`platform.yaml` and `tenants/*.yaml`).
 * @throws PlatformError with every problem found, each naming the file, the field and what is allowed
 */
export function loadPlatform(dir: string): PlatformDefinition {
  const problems: Problem[] = [];
  const platform = loadSettings(path.join(dir, PLATFORM_FILE), problems);
  const tenants = loadTenants(path.join(dir, TENANTS_DIR), problems);
  if (platform) problems.push(...crossChecks(platform.settings, platform.yaml, tenants));
  if (problems.length || !platform) {
    throw new PlatformError(`invalid configuration in ${displayPath(dir)}:`, sortProblems(problems));
  }
  return { settings: platform.settings, tenants: tenants.map((t) => t.definition) };
}

function loadSettings(file: string, problems: Problem[]): { settings: PlatformSettings; yaml: YamlFile } | undefined {
  const yaml = YamlFile.read(displayPath(file));
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
    ];
    for (const [component, values, owned] of overrides) {
      for (const conflict of ownedValueConflicts(values ?? {}, owned)) {
        problems.push(yaml.problem(['clusters', String(i), ...component, 'values', ...conflict.path.split('.')], `cannot be overridden: ${conflict.reason}`));
      }
    }
  });
  problems.push(...yaml.problems(teleportSettingsProblems(settings)));
  problems.push(...yaml.problems(settings.clusters.flatMap((cluster, i) => tenantDefaultsProblems(cluster, i))));
  const seen = new Set<string>();
  settings.clusters.forEach((cluster, i) => {
    if (seen.has(cluster.name)) problems.push(yaml.problem(['clusters', String(i), 'name'], `duplicate cluster name '${cluster.name}'; cluster names must be unique`));
    seen.add(cluster.name);
  });
  return { settings, yaml };
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

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}
