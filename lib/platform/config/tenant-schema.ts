import { Static, Type } from '@sinclair/typebox';
import { CRD_VALIDATORS } from '../../../imports/validators';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { DnsLabel, StrictObject } from '../../core/config/schema';

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
