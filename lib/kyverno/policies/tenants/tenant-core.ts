import { FailureAction, PolicyDefinition, RuleDefinition } from '../../policy';
import { TENANT } from './tenant';

export const NAME = 'tenant-core';

/**
 * Tenant properties the platform gives every Tenant that doesn't set them itself. Each default is
 * added only when the Tenant leaves that property out entirely, so a tenant file can still choose
 * its own value.
 */
export interface TenantDefaults {
  /** Regex of namespace label keys tenant owners may not set (`namespaceOptions.forbiddenLabels.deniedRegex`). */
  readonly forbiddenNamespaceLabelsRegex?: string;
  /** Labels of the PriorityClasses tenants may use (`priorityClasses.matchLabels`). */
  readonly priorityClassLabels?: Readonly<Record<string, string>>;
  /** Labels of the IngressClasses tenants may use (`ingressOptions.allowedClasses.matchLabels`). */
  readonly ingressClassLabels?: Readonly<Record<string, string>>;
  /** Labels of the StorageClasses tenants may use (`storageClasses.matchLabels`). */
  readonly storageClassLabels?: Readonly<Record<string, string>>;
  /** Whether tenants may create NodePort Services (`serviceOptions.allowedServices.nodePort`). */
  readonly nodePortServices?: boolean;
  /** Node labels every tenant Pod is scheduled by (`nodeSelector`). */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

export interface Options {
  /**
   * Names no Tenant may have.
   * @default ['default', 'cluster-system']
   */
  readonly reservedNames?: readonly string[];
  /**
   * Tenant property defaults.
   * @default - none
   */
  readonly defaults?: TenantDefaults;
  /** @default 'Enforce' */
  readonly failureAction?: FailureAction;
}

export const DEFAULTS = { reservedNames: ['default', 'cluster-system'], failureAction: 'Enforce' } as const satisfies Options;

/**
 * The properties of the Tenant spec (v1beta2) that `defaults` sets, each as a strategic merge patch
 * that adds it only if absent (`+(key)`), at the level where a tenant file would set it.
 */
export function tenantDefaultsPatch(defaults: TenantDefaults): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const add = (parent: string | undefined, key: string, value: unknown) => {
    if (value === undefined) return;
    if (!parent) spec[`+(${key})`] = value;
    else spec[parent] = { ...(spec[parent] as object | undefined), [`+(${key})`]: value };
  };
  add('namespaceOptions', 'forbiddenLabels', defaults.forbiddenNamespaceLabelsRegex === undefined ? undefined : { deniedRegex: defaults.forbiddenNamespaceLabelsRegex });
  add(undefined, 'priorityClasses', defaults.priorityClassLabels && { matchLabels: { ...defaults.priorityClassLabels } });
  add('serviceOptions', 'allowedServices', defaults.nodePortServices === undefined ? undefined : { nodePort: defaults.nodePortServices });
  add('ingressOptions', 'allowedClasses', defaults.ingressClassLabels && { matchLabels: { ...defaults.ingressClassLabels } });
  add(undefined, 'storageClasses', defaults.storageClassLabels && { matchLabels: { ...defaults.storageClassLabels } });
  add(undefined, 'nodeSelector', defaults.nodeSelector && { ...defaults.nodeSelector });
  return spec;
}

/** Reserved tenant names and tenant property defaults (seed 001, "Extended Validation and Defaulting"). */
export function define(options: Options = {}): PolicyDefinition {
  const reservedNames = [...(options.reservedNames ?? DEFAULTS.reservedNames)];
  if (reservedNames.length === 0) throw new Error(`${NAME}: reservedNames must not be empty`);
  const defaults = tenantDefaultsPatch(options.defaults ?? {});
  const rules: RuleDefinition[] = [
    {
      type: 'validate',
      name: 'tenant-name',
      // CREATE only (the seed also matched UPDATE): a name cannot change, and denying updates would
      // block even the finalizer removal of a reserved-name Tenant that predates the policy.
      match: { kinds: [TENANT], operations: ['CREATE'] },
      message: `Using this tenant name is not allowed (reserved: ${reservedNames.join(', ')}).`,
      // AnyIn replaces the seed's deprecated `In`.
      deny: { conditions: { any: [{ key: '{{ request.object.metadata.name }}', operator: 'AnyIn', value: reservedNames }] } },
    },
  ];
  if (Object.keys(defaults).length) {
    rules.push({
      type: 'mutate',
      name: 'tenant-properties',
      // The seed used patchesJson6902 `add`, which replaces what the Tenant set on every update,
      // and baked in company values (.*company.ch, nodepool: workers). Add-if-absent anchors keep
      // a tenant's own choice; UPDATE gives Tenants that predate the policy their defaults.
      match: { kinds: [TENANT], operations: ['CREATE', 'UPDATE'] },
      patchStrategicMerge: { spec: defaults },
    });
  }
  return {
    name: NAME,
    title: 'Tenant Names And Defaults',
    category: 'Multi-Tenancy',
    severity: 'medium',
    subject: 'Tenant',
    description:
      `Rejects Tenants named ${reservedNames.join(', ')}` +
      (rules.length > 1 ? ', and gives Tenants the platform defaults for properties they leave out.' : '.'),
    minVersion: '1.10.0',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    background: true,
    autogen: false,
    rules,
  };
}
