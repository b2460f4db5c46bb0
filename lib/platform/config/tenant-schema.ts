import { Static, Type } from '@sinclair/typebox';
import { crdValidators } from '../../core/validation/crd-validators';
import { VERSION_PROFILE_NAMES, VersionProfileName } from '../../versions';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { DnsLabel, DnsSubdomain, StrictObject, StringEnum } from '../../core/config/schema';
import { TENANT_GITOPS_DEFAULTS } from '../../capsule/tenant-gitops';
import { PATTERN_HINT } from '../../core/validation/explain';
import { ALLOW_MIXED_SCRIPT } from '../../core/config/text-rules';
import { KUBERNETES_VERBS } from '../../teleport/role-rules';
import { TenantDefaultsOptOutSettings } from './tenant-defaults-schema';

/**
 * A tenant file (`config/tenants/<name>.yaml`) is the Tenant spec of its clusters' Capsule (0.10.9
 * under versions seed, 0.14.0 under current; one format, checked against each) at top level,
 * under the CRD's own names (so Capsule documentation examples can be pasted in), plus `name` and
 * the platform-only settings under `platform`.
 */

/** The key under which a tenant file holds settings that are not part of the Capsule Tenant. */
export const PLATFORM_KEY = 'platform';

const StringMap = (description: string) => Type.Record(Type.String(), Type.String(), { description });

export const TenantNamespaceSettings = Type.Union(
  [
    Type.String({ minLength: 1, description: 'Namespace name.' }),
    StrictObject({
      name: Type.String({ minLength: 1, description: 'Namespace name.' }),
      labels: Type.Optional(StringMap('Labels of the namespace (the tenant label is added by the platform).')),
      annotations: Type.Optional(StringMap('Annotations of the namespace.')),
    }),
  ],
  { description: 'A namespace to create for the tenant: its name, or name with labels and annotations.' },
);

/** Placeholder for a list whose items the CRD's own schema validates (and the editor schema inlines). */
const CrdItems = (description: string) => Type.Array(Type.Unknown(), { minItems: 1, description });

const KubernetesResourceRule = StrictObject(
  {
    api_group: Type.String({ description: "API group of the resource: '' for the core group (pods, secrets, namespaces...), apps, batch, a CRD's group, or '*'. Required in role v8." }),
    kind: Type.String({ minLength: 1, description: "Plural resource name (pods, deployments, a CRD's plural) or '*'. kind namespaces is only the Namespace objects (role v8)." }),
    name: Type.Optional(Type.String({ minLength: 1, description: "Object name: exact, a wildcard pattern (oil-*) or ^regex$. Default: '*'" })),
    namespace: Type.Optional(Type.String({ description: "Namespace: exact, a wildcard pattern (oil-*) or ^regex$. Default: '*', none for cluster-scoped kinds" })),
    verbs: Type.Array(StringEnum(KUBERNETES_VERBS), { minItems: 1, uniqueItems: true, description: 'Allowed verbs.' }),
  },
  { description: 'A kubernetes_resources rule of a Teleport role v8.' },
);

export const TenantTeleportRole = StrictObject(
  {
    name: Type.Optional(DnsSubdomain({ description: 'Teleport role name, global to the Teleport cluster. Default: <tenant>-kube-access' })),
    kubernetes_users: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        uniqueItems: true,
        description: "Kubernetes users Teleport impersonates; each must own the tenant or be a User subject of its additionalRoleBindings. Default: the tenant's User owners (ServiceAccount owners only if listed)",
      }),
    ),
    kubernetes_groups: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: "Kubernetes groups Teleport impersonates; each must be this tenant's (its userGroup, a Group owner or a Group subject of its additionalRoleBindings) and a Capsule user group. Default: [userGroup]",
      }),
    ),
    kubernetes_labels: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })]), {
        minProperties: 1,
        description: "Teleport labels of the Kubernetes clusters the role reaches (a value or a list of values, * and ^regex$ allowed). Default: the labels all of the tenant's Teleport clusters share",
      }),
    ),
    kubernetes_resources: Type.Optional(
      Type.Array(KubernetesResourceRule, { minItems: 1, description: "What the role allows. Default: everything (api_group, kind, name, namespace '*', verbs ['*']), as in the Capsule demo" }),
    ),
  },
  { description: 'A Teleport role (v8) that grants Kubernetes access to this tenant, in Teleport\'s own field names.' },
);

export type TenantTeleportRole = Static<typeof TenantTeleportRole>;

export const TenantTeleportSettings = StrictObject(
  { roles: Type.Array(TenantTeleportRole, { minItems: 1, description: 'Teleport roles of the tenant.' }) },
  { description: 'Who may reach the tenant through Teleport.' },
);

/**
 * The tenant's own GitOps repository, synced into its namespaces as a ServiceAccount that owns the
 * tenant (so Capsule and its RBAC confine what the repository can create).
 */
export const TenantGitOpsSettings = StrictObject(
  {
    url: Type.String({
      minLength: 1,
      pattern: '^(https?://|ssh://)[^\\s]+$',
      [PATTERN_HINT]: 'an http(s):// or ssh:// Git URL, e.g. https://github.com/example/oil-apps.git',
      description: "URL of the tenant's Git repository.",
    }),
    branch: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Branch to sync. Default: ${TENANT_GITOPS_DEFAULTS.branch}` })),
    path: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: `Folder of the repository to apply. Default: ${TENANT_GITOPS_DEFAULTS.path} (the whole repository)` })),
    secretRef: Type.Optional(
      StrictObject(
        { name: DnsSubdomain({ description: 'Name of the Secret.' }) },
        {
          description:
            "Credentials of the repository, by reference only (never in Git). Flux: a Secret of that name in the tenant's first namespace. Argo CD: the name of the repository Secret you create in Argo CD's namespace.",
        },
      ),
    ),
  },
  { description: "The tenant's own GitOps repository, applied into its first namespace as the tenant (needs platform.namespaces). Default: none" },
);

export const TenantPlatformSettings = StrictObject(
  {
    userGroup: Type.Optional(Type.String({ minLength: 1, description: "Capsule user group of the tenant's users. Default: tenant-<name>" })),
    clusters: Type.Optional(Type.Array(DnsLabel(), { minItems: 1, uniqueItems: true, description: 'Clusters the tenant exists on. Default: every cluster' })),
    namespaces: Type.Optional(
      Type.Array(TenantNamespaceSettings, {
        description:
          'Namespaces to create from Git. Named <tenant>-<name> when the tenant prefix is in force. Flux creates them as a Capsule user that owns the tenant, so Capsule attaches them to it.',
      }),
    ),
    proxySettings: Type.Optional(
      StrictObject(
        {
          namespace: Type.Optional(Type.String({ minLength: 1, description: 'Tenant namespace to put the ProxySetting in (one of namespaces). Default: the first of namespaces' })),
          subjects: CrdItems('spec.subjects of a capsule.clastix.io/v1beta1 ProxySetting: who may list which cluster-scoped resources through capsule-proxy.'),
        },
        { description: 'A ProxySetting for the tenant (capsule-proxy).' },
      ),
    ),
    globalProxySettings: Type.Optional(
      StrictObject(
        { rules: CrdItems('spec.rules of a capsule.clastix.io/v1beta1 GlobalProxySettings. Switches on the ProxyClusterScoped feature gate.') },
        { description: 'A GlobalProxySettings named after the tenant (capsule-proxy).' },
      ),
    ),
    resourcePool: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'spec of a capsule.clastix.io/v1beta2 ResourcePool named after the tenant (quota required; defaults, config; selectors default to the tenant\'s namespaces). Capsule 0.10.9 and 0.14.0 alike.',
      }),
    ),
    resourcePoolClaims: Type.Optional(
      Type.Array(
        StrictObject({
          namespace: Type.String({ minLength: 1, description: 'The tenant namespace that claims (one of namespaces).' }),
          name: Type.Optional(DnsSubdomain({ description: 'Claim name. Default: the pool name' })),
          pool: Type.Optional(DnsSubdomain({ description: "ResourcePool claimed from. Default: the tenant's resourcePool" })),
          claim: Type.Record(Type.String(), Type.Unknown(), { description: 'What is claimed: a resource list, e.g. requests.cpu: "2".' }),
        }),
        { minItems: 1, description: 'ResourcePoolClaims in the tenant namespaces (capsule.clastix.io/v1beta2). Capsule 0.10.9 and 0.14.0 alike.' },
      ),
    ),
    tenantDefaults: Type.Optional(TenantDefaultsOptOutSettings),
    teleport: Type.Optional(TenantTeleportSettings),
    gitops: Type.Optional(TenantGitOpsSettings),
    [ALLOW_MIXED_SCRIPT]: Type.Optional(
      Type.Boolean({
        description:
          'Allow owner, user and group names that mix Latin letters with Cyrillic, Greek, Armenian or Cherokee ones (which look alike, so a mixed name is usually a spoofed one). Set it only for real names, e.g. a directory group that is written so. Default: false',
      }),
    ),
  },
  { description: 'Platform settings of the tenant (not part of the Capsule Tenant).' },
);

export type TenantPlatformSettings = Static<typeof TenantPlatformSettings>;

export const TenantHeader = Type.Object({
  name: DnsLabel({ description: 'Tenant name; must match the file name.' }),
  [PLATFORM_KEY]: Type.Optional(TenantPlatformSettings),
});

/** apiVersion/kind key of the Tenant version tenant files are written in. */
export const TENANT_KEY = `${TenantV1Beta2.GVK.apiVersion}/${TenantV1Beta2.GVK.kind}`;

/** The fields of `Tenant.spec` in each version profile's Tenant CRD; a tenant file holds those of any at top level. */
export function tenantSpecFields(): Record<VersionProfileName, string[]> {
  return Object.fromEntries(
    VERSION_PROFILE_NAMES.map((profile) => {
      const schema = crdValidators(profile)[TENANT_KEY].schema() as { properties: { spec: { properties: Record<string, unknown> } } };
      return [profile, Object.keys(schema.properties.spec.properties)];
    }),
  ) as Record<VersionProfileName, string[]>;
}
