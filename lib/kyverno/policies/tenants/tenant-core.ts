import { celPatch, celString, celValue, FailureAction, PolicyDefinition, RuleDefinition } from '../../policy';
import { TENANT } from './tenant';

export const NAME = 'tenant-core';

/**
 * Tenant properties the platform gives every Tenant that doesn't set them itself. Each default is
 * one object of the Tenant spec, added only when the Tenant has none there (its parents are created
 * as needed): a tenant file that sets that object keeps its own, entirely.
 */
export interface TenantDefaults {
  /**
   * Regex of namespace label keys tenant owners may not set. Added as
   * `namespaceOptions.forbiddenLabels: {deniedRegex}` when the Tenant has no
   * `namespaceOptions.forbiddenLabels`; a Tenant with its own (even only `denied`) keeps it.
   */
  readonly forbiddenNamespaceLabelsRegex?: string;
  /**
   * Labels of the PriorityClasses tenants may use. Added as `priorityClasses: {matchLabels}` when the
   * Tenant has no `priorityClasses`; a Tenant with its own class policy keeps it.
   */
  readonly priorityClassLabels?: Readonly<Record<string, string>>;
  /**
   * Labels of the IngressClasses tenants may use. Added as `ingressOptions.allowedClasses:
   * {matchLabels}` when the Tenant has no `ingressOptions.allowedClasses`; its other
   * `ingressOptions` don't matter.
   */
  readonly ingressClassLabels?: Readonly<Record<string, string>>;
  /**
   * Labels of the StorageClasses tenants may use. Added as `storageClasses: {matchLabels}` when the
   * Tenant has no `storageClasses`.
   */
  readonly storageClassLabels?: Readonly<Record<string, string>>;
  /**
   * Whether tenants may create NodePort Services. Added as `serviceOptions.allowedServices.nodePort`
   * when the Tenant has no `nodePort` there: the allowed Service types are independent switches, so
   * a Tenant that only sets `allowedServices.loadBalancer` still gets this one.
   */
  readonly nodePortServices?: boolean;
  /** Node labels every tenant Pod is scheduled by. Added as `nodeSelector` when the Tenant has none. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/**
 * Where each default goes: the object at `path` in the Tenant spec, added only when absent. The
 * policy's patch and the load-time checks (which must know when a default reaches a Tenant) both
 * read this table. A class or label policy is one choice (the whole object: a Tenant's own
 * `allowed` list must not gain the default's `matchLabels`); `nodePort` is a leaf, because the
 * allowed Service types are independent switches.
 */
export const DEFAULT_PLACES: { readonly [K in keyof TenantDefaults]-?: { readonly path: readonly string[]; readonly value: (option: NonNullable<TenantDefaults[K]>) => unknown } } = {
  forbiddenNamespaceLabelsRegex: { path: ['namespaceOptions', 'forbiddenLabels'], value: (regex) => ({ deniedRegex: regex }) },
  priorityClassLabels: { path: ['priorityClasses'], value: (labels) => ({ matchLabels: { ...labels } }) },
  ingressClassLabels: { path: ['ingressOptions', 'allowedClasses'], value: (labels) => ({ matchLabels: { ...labels } }) },
  storageClassLabels: { path: ['storageClasses'], value: (labels) => ({ matchLabels: { ...labels } }) },
  nodePortServices: { path: ['serviceOptions', 'allowedServices', 'nodePort'], value: (allowed) => allowed },
  nodeSelector: { path: ['nodeSelector'], value: (labels) => ({ ...labels }) },
};

/** Whether the default `name` reaches a Tenant with `spec`: the spec has nothing at its place. */
export function defaultApplies(name: keyof TenantDefaults, spec: Readonly<Record<string, unknown>>): boolean {
  let value: unknown = spec;
  for (const key of DEFAULT_PLACES[name].path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined;
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
 * The properties of the Tenant spec (v1beta2) that `defaults` sets, as a strategic merge patch: each
 * at its place in `DEFAULT_PLACES`, with the add-if-absent anchor (`+(key)`) on the last key, so
 * that the parents are merged (created if absent) and the object itself only added if absent.
 */
export function tenantDefaultsPatch(defaults: TenantDefaults): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const name of Object.keys(DEFAULT_PLACES) as Array<keyof TenantDefaults>) {
    const option = defaults[name];
    if (option === undefined) continue;
    const { path, value } = DEFAULT_PLACES[name] as { path: readonly string[]; value: (o: unknown) => unknown };
    let parent = spec;
    for (const key of path.slice(0, -1)) parent = (parent[key] ??= {}) as Record<string, unknown>;
    parent[`+(${path[path.length - 1]})`] = value(option);
  }
  return spec;
}

/**
 * The same defaults as CEL JSON patches, one expression per default: the object is added at the
 * first level of its path that the Tenant lacks, with the rest of the path around it (what the
 * strategic merge patch does by creating the parents).
 */
export function celTenantDefaults(defaults: TenantDefaults): string[] {
  const patches: string[] = [];
  const firstKeys = new Set<string>();
  for (const name of Object.keys(DEFAULT_PLACES) as Array<keyof TenantDefaults>) {
    const option = defaults[name];
    if (option === undefined) continue;
    const { path, value } = DEFAULT_PLACES[name] as { path: readonly string[]; value: (o: unknown) => unknown };
    // Two defaults under one new parent would each add the parent, the second replacing the first.
    if (firstKeys.has(path[0])) throw new Error(`${NAME}: two defaults share spec.${path[0]}; their CEL patches would overwrite each other`);
    firstKeys.add(path[0]);
    // From the object itself outwards: the outermost missing level is tested first.
    let patch = '[]';
    for (let depth = path.length; depth >= 1; depth--) {
      let nested: unknown = value(option);
      for (const key of path.slice(depth).reverse()) nested = { [key]: nested };
      const at = path.slice(0, depth);
      patch = `!has(object.spec.${at.join('.')}) ? [${celPatch('add', celString(`/spec/${at.join('/')}`), celValue(nested))}] : ${patch === '[]' ? '[]' : `(${patch})`}`;
    }
    patches.push(patch);
  }
  return patches;
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
      cel: { validations: [{ expression: `!(object.metadata.name in ${celValue(reservedNames)})` }] },
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
      cel: { jsonPatches: celTenantDefaults(options.defaults ?? {}) },
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
