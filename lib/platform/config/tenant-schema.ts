import { Static, Type } from '@sinclair/typebox';
import { CRD_VALIDATORS } from '../../../imports/validators';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { DnsLabel, DnsSubdomain, StrictObject, StringEnum } from '../../core/config/schema';
import { ALLOW_MIXED_SCRIPT } from '../../core/config/text-rules';
import { KUBERNETES_VERBS } from '../../teleport/role-rules';
import { TenantDefaultsOptOutSettings } from './tenant-defaults-schema';

/**
 * A tenant file (`config/tenants/<name>.yaml`) is the Tenant spec of Capsule 0.10.9 at top level,
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
    tenantDefaults: Type.Optional(TenantDefaultsOptOutSettings),
    teleport: Type.Optional(TenantTeleportSettings),
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

/** The strict schema of `Tenant.spec` (from the CRD), whose fields a tenant file holds at top level. */
export function tenantSpecSchema(): { properties: Record<string, unknown>; required?: string[] } {
  const schema = CRD_VALIDATORS[TENANT_KEY].schema() as { properties: { spec: { properties: Record<string, unknown>; required?: string[] } } };
  return schema.properties.spec;
}
