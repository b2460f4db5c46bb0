import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GlobalTenantResource } from '../../imports/current/capsule-globaltenantresources-capsule.clastix.io';
import { versionProfile } from '../core/version-profile';
import { TENANT_LABEL } from './labels';
import type { ReplicatedDefaults } from './tenant-defaults';

/**
 * A tenant's defaults (network isolation, LimitRange) the Capsule 0.14 way: a cluster-scoped
 * GlobalTenantResource (a replication, https://projectcapsule.dev/docs/replications/global/) that
 * Capsule applies into every namespace of the tenant, keeps there, and protects from changes by
 * tenant users (its webhook), as it did with the Tenant's `networkPolicies` / `limitRanges`, which
 * 0.14 deprecates ("Use Tenant Replications instead").
 *
 * The replicated objects get names of their own (`TenantDefaultsReplication.NAMES`), not the
 * `capsule-<tenant>-<n>` of 0.10's copies, so that on an upgrade from `seed` Capsule's removal of the
 * old copies and the replication's new ones never touch the same object.
 */
export interface TenantDefaultsReplicationProps {
  /** Tenant name: the replication is named after it and selects its namespaces. */
  readonly tenant: string;
  /** What to replicate (from `withTenantDefaults(…, { replicate: true })`). */
  readonly defaults: ReplicatedDefaults;
}

export class TenantDefaultsReplication extends Construct {
  /** Names of the replicated objects in each tenant namespace. */
  public static readonly NAMES = {
    /** By the policy's first type: `platform-isolation-ingress`, `platform-isolation-egress`. */
    networkPolicy: (policyType: string) => `platform-isolation-${policyType.toLowerCase()}`,
    limitRange: (index: number) => (index === 0 ? 'platform-limits' : `platform-limits-${index}`),
  };

  /** The GlobalTenantResource's name for `tenant`. */
  public static nameFor(tenant: string): string {
    return `${tenant}-defaults`;
  }

  /** Whether clusters of `scope`'s version profile replicate the defaults (Capsule ≥ 0.14) rather than put them on the Tenant. */
  public static replicates(scope: Construct): boolean {
    return versionProfile(scope).name !== 'seed';
  }

  public readonly name: string;
  private readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TenantDefaultsReplicationProps) {
    super(scope, id);
    if (!TenantDefaultsReplication.replicates(this)) throw new Error(`tenant ${props.tenant}: Capsule ${versionProfile(this).charts.capsule.version} replicates no GlobalTenantResource rawItems; its defaults go on the Tenant`);
    this.name = TenantDefaultsReplication.nameFor(props.tenant);
    const rawItems = [
      ...props.defaults.networkPolicies.map((spec) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: TenantDefaultsReplication.NAMES.networkPolicy(((spec.policyTypes as string[] | undefined) ?? ['Ingress'])[0]) },
        spec,
      })),
      ...props.defaults.limitRanges.map((spec, i) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: TenantDefaultsReplication.NAMES.limitRange(i) }, spec })),
    ];
    this.resource = new ApiObject(this, 'Resource', {
      ...GlobalTenantResource.GVK,
      metadata: { name: this.name },
      spec: {
        // The CRD's defaults, written out: one object per selected namespace, re-applied every minute.
        scope: 'Namespace',
        resyncPeriod: '60s',
        settings: {},
        resources: [{ namespaceSelector: { matchLabels: { [TENANT_LABEL]: props.tenant } }, rawItems }],
      },
    });
  }

  /**
   * Annotates the replication, e.g. with the delivery's keep-on-removal annotations: removing it
   * deletes its copies (`pruningOnDelete`), so it must stay as long as the Tenant it belongs to.
   */
  public addAnnotations(annotations: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(annotations)) this.resource.metadata.addAnnotation(key, value);
  }
}
