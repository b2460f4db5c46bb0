import * as fs from 'fs';
import * as path from 'path';
import type { ValidateFunction } from 'ajv';
import { CRD_VALIDATORS } from '../../../imports/validators';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { Capsule } from '../../capsule/capsule';
import { CapsuleProxy } from '../../capsule-proxy/capsule-proxy';
import { SchemaValidator } from '../../core/config/schema';
import { YamlFile } from '../../core/config/yaml-file';
import { PlatformError, Problem } from '../../core/errors';
import { ownedValueConflicts, OwnedValues } from '../../core/helm-values';
import { explainErrors, unknownFieldMessage } from '../../core/validation/explain';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { TeleportOperator } from '../../teleport/operator';
import { PlatformSettings } from './platform-schema';
import { teleportSettingsProblems, tenantRoleNameClashes, tenantTeleportProblems } from './teleport-config';
import { PLATFORM_KEY, TENANT_KEY, TenantHeader, TenantPlatformSettings, tenantSpecSchema } from './tenant-schema';

/** One tenant, as declared in its file. */
export interface TenantDefinition {
  /** The file it was read from (for messages). */
  readonly file: string;
  readonly name: string;
  /** The Capsule Tenant spec (owners included), in Capsule's format. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly platform: TenantPlatformSettings;
  /** Locates a problem at `segments` of the file (with its line), for checks made after loading. */
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
  return { settings, tenants };
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

function loadTenants(dir: string, problems: Problem[]): TenantDefinition[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const tenants: TenantDefinition[] = [];
  for (const fileName of files) {
    const tenant = loadTenant(path.join(dir, fileName), problems);
    if (tenant) tenants.push(tenant);
  }
  return tenants.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

let tenantValidator: ValidateFunction | undefined;

function loadTenant(file: string, problems: Problem[]): TenantDefinition | undefined {
  const yaml = YamlFile.read(displayPath(file));
  if (!(yaml instanceof YamlFile)) {
    problems.push(yaml);
    return undefined;
  }
  const found = yaml.problems(tenantHeaderValidator.check(yaml.data));
  if (!found.length) found.push(...yaml.problems(tenantTeleportProblems((yaml.data[PLATFORM_KEY] ?? {}) as TenantPlatformSettings)));

  const { name, [PLATFORM_KEY]: platform, ...spec } = yaml.data;
  const specSchema = tenantSpecSchema();
  const allowed = ['name', PLATFORM_KEY, ...Object.keys(specSchema.properties)];
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      found.push(yaml.problem([key], unknownFieldMessage(allowed)));
      delete spec[key];
    }
  }

  // The spec fields are checked by the Tenant CRD's own strict validator.
  tenantValidator ??= CRD_VALIDATORS[TENANT_KEY].load();
  const tenant = { ...TenantV1Beta2.GVK, metadata: { name: typeof name === 'string' ? name : 'x' }, spec };
  if (!tenantValidator(tenant)) {
    const explained = explainErrors(tenantValidator.errors ?? [], CRD_VALIDATORS[TENANT_KEY].schema(), tenant);
    for (const e of explained) {
      // metadata.name is checked (with the file's own message) by the header schema.
      if (e.segments[0] === 'spec') found.push(yaml.problem(e.segments.slice(1), e.message));
    }
  }

  const expected = path.basename(file).replace(/\.ya?ml$/, '');
  if (typeof name === 'string' && name !== expected) {
    found.push(yaml.problem(['name'], `tenant '${name}' must be declared in a file named ${name}.yaml (this file is ${path.basename(file)})`));
  }
  const all = withoutShadowed(credentialProblems(yaml), found);
  if (all.length) {
    problems.push(...all);
    return undefined;
  }
  return { file: yaml.file, name: name as string, spec, platform: (platform ?? {}) as TenantPlatformSettings, problem: (segments, message) => yaml.problem(segments, message) };
}

function crossChecks(settings: PlatformSettings, tenants: readonly TenantDefinition[]): Problem[] {
  const problems: Problem[] = [];
  const clusters = settings.clusters.map((c) => c.name);
  for (const tenant of tenants) {
    (tenant.platform.clusters ?? []).forEach((cluster, i) => {
      if (!clusters.includes(cluster)) {
        problems.push({ file: tenant.file, field: `${PLATFORM_KEY}.clusters[${i}]`, message: `unknown cluster '${cluster}'; clusters in ${PLATFORM_FILE}: ${clusters.join(', ')}` });
      }
    });
  }
  problems.push(...tenantRoleNameClashes(tenants));
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

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
