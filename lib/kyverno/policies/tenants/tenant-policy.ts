import { celPatch, celString, celValue, jmesPathString, PolicyDefinition, RuleDefinition } from '../../policy';
import { TENANT } from './tenant';

export const NAME = 'tenant-policy';

// The enums of the Tenant CRD (v1beta2 `spec.owners[]`), checked against it by the tests.
export const OWNER_KINDS = ['User', 'Group', 'ServiceAccount'] as const;
export const PROXY_KINDS = ['Nodes', 'StorageClasses', 'IngressClasses', 'PriorityClasses', 'RuntimeClasses', 'PersistentVolumes'] as const;
export const PROXY_OPERATIONS = ['List', 'Update', 'Delete'] as const;

/** An owner of every Tenant (Capsule `spec.owners[]`). */
export interface DefaultOwner {
  readonly kind: (typeof OWNER_KINDS)[number];
  /** User or group name, or `system:serviceaccount:<namespace>:<name>`. */
  readonly name: string;
}

/** What an owner may do through capsule-proxy with a cluster-scoped kind (Capsule `proxySettings[]`). */
export interface ProxySetting {
  readonly kind: (typeof PROXY_KINDS)[number];
  readonly operations: ReadonlyArray<(typeof PROXY_OPERATIONS)[number]>;
}

export interface Options {
  /** The owner added to every Tenant that doesn't have it. */
  readonly owner: DefaultOwner;
  /**
   * proxySettings given to each owner that has none; `[]` gives none.
   * @default - List on IngressClasses, StorageClasses, PriorityClasses and Nodes (seed 001)
   */
  readonly proxySettings?: readonly ProxySetting[];
}

export const DEFAULTS = {
  proxySettings: [
    { kind: 'IngressClasses', operations: ['List'] },
    { kind: 'StorageClasses', operations: ['List'] },
    { kind: 'PriorityClasses', operations: ['List'] },
    { kind: 'Nodes', operations: ['List'] },
  ],
} as const satisfies Partial<Options>;

/** Characters that an owner name may not have: they would change the JMESPath or the wildcard match. */
export const OWNER_NAME = "^[^'\"\\\\{}*?\\s]+$";

/** A default owner and default owner proxySettings for every Tenant (seed 001, "Adding Default Owners/Permissions to Tenant"). */
export function define(options: Options): PolicyDefinition {
  const { owner } = options;
  if (!new RegExp(OWNER_NAME).test(owner.name)) throw new Error(`${NAME}: owner name '${owner.name}' may not contain quotes, braces, wildcards or spaces`);
  const proxySettings = options.proxySettings ?? DEFAULTS.proxySettings;
  const rules: RuleDefinition[] = [
    {
      type: 'mutate',
      name: 'tenant-owner',
      match: { kinds: [TENANT], operations: ['CREATE', 'UPDATE'] },
      // Append only while the owner is missing: every update (Capsule's, Flux's next apply) would
      // otherwise append it again, a list growing without end. AnyNotIn replaces the seed's
      // deprecated NotIn.
      preconditions: {
        all: [{ key: owner.name, operator: 'AnyNotIn', value: `{{ request.object.spec.owners[?kind == ${jmesPathString(owner.kind)}].name }}` }],
      },
      patchesJson6902: [{ op: 'add', path: '/spec/owners/-', value: { name: owner.name, kind: owner.kind } }],
      cel: {
        conditions: [`!object.spec.?owners.orValue([]).exists(o, o.kind == ${celString(owner.kind)} && o.name == ${celString(owner.name)})`],
        jsonPatches: [`[${celPatch('add', celString('/spec/owners/-'), celValue({ name: owner.name, kind: owner.kind }))}]`],
      },
    },
  ];
  if (proxySettings.length) {
    rules.push({
      type: 'mutate',
      name: 'tenant-proxy-settings',
      match: { kinds: [TENANT], operations: ['CREATE', 'UPDATE'] },
      foreach: [
        {
          // Runs after tenant-owner, on the owners including the one it added.
          list: 'request.object.spec.owners',
          // The seed replaced every owner's proxySettings on every update, including the ones a
          // tenant file sets on purpose; only owners without any get the defaults.
          preconditions: { all: [{ key: "{{ element.proxySettings || '' }}", operator: 'Equals', value: '' }] },
          patchesJson6902: [{ op: 'add', path: '/spec/owners/{{elementIndex}}/proxySettings', value: proxySettings.map((p) => ({ kind: p.kind, operations: [...p.operations] })) }],
        },
      ],
      cel: {
        // Runs on the Tenant as tenant-owner left it (mutations apply in order). JMESPath's `|| ''`
        // takes a missing, null and empty list alike.
        jsonPatches: [
          "object.spec.?owners.orValue([]).filter(o, o.?proxySettings.orValue([]) == null || size(o.?proxySettings.orValue([])) == 0)" +
            `.map(o, ${celPatch('add', "'/spec/owners/' + string(object.spec.owners.indexOf(o)) + '/proxySettings'", celValue(proxySettings.map((p) => ({ kind: p.kind, operations: [...p.operations] }))))})`,
        ],
      },
    });
  }
  return {
    name: NAME,
    title: 'Tenant Default Owner',
    category: 'Multi-Tenancy',
    severity: 'medium',
    subject: 'Tenant',
    description:
      `Adds ${owner.kind} ${owner.name} as an owner of every Tenant` +
      (proxySettings.length
        ? `, and lets owners without proxySettings ${proxySettings.map((p) => `${p.operations.join('/')} ${p.kind}`).join(', ')} through capsule-proxy.`
        : '.'),
    minVersion: '1.10.0',
    background: false,
    autogen: false,
    rules,
  };
}
