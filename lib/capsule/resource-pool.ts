import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
// The seed's types: Capsule 0.10.9 and 0.14.0 serve the same capsule.clastix.io/v1beta2 kinds (the
// output is validated against the CRDs of the cluster's own profile).
import { ResourcePool } from '../../imports/capsule-resourcepools-capsule.clastix.io';
import { ResourcePoolClaim } from '../../imports/capsule-resourcepoolclaims-capsule.clastix.io';
import { TENANT_LABEL } from './labels';

/*
 * Capsule ResourcePools (`capsule.clastix.io/v1beta2`): a quota shared by the namespaces a pool
 * selects, which namespaces claim from with ResourcePoolClaims. Rendered as given (Capsule's own
 * format, validated by the strict CRD schema of the cluster's version), like the Tenant spec.
 * Both profiles have them: Capsule 0.10 introduced ResourcePools (chart 0.10.9 ships their CRDs and
 * webhooks), and their spec is the same in 0.14.0 (only descriptions and status columns differ).
 */

export interface TenantResourcePoolProps {
  /** Tenant name: the pool is named after it and, by default, selects its namespaces. */
  readonly tenant: string;
  /**
   * `spec` of the ResourcePool (`quota` required; `defaults`, `config`, `selectors`).
   * @default selectors - the tenant's namespaces (label `capsule.clastix.io/tenant: <tenant>`)
   */
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A ResourcePool named after a tenant, over the tenant's namespaces unless it selects others. */
export class TenantResourcePool extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: TenantResourcePoolProps) {
    super(scope, id);
    this.name = props.tenant;
    const selectors = props.spec.selectors ?? [{ matchLabels: { [TENANT_LABEL]: props.tenant } }];
    new ApiObject(this, 'Resource', { ...ResourcePool.GVK, metadata: { name: this.name }, spec: { ...props.spec, selectors } });
  }
}

export interface TenantResourcePoolClaimProps {
  /** Claim name. */
  readonly name: string;
  /** The tenant namespace that claims. */
  readonly namespace: string;
  /** The pool claimed from (`spec.pool`). */
  readonly pool: string;
  /** What is claimed (`spec.claim`, a resource list such as `requests.cpu: "2"`). */
  readonly claim: Readonly<Record<string, unknown>>;
}

/** A ResourcePoolClaim of a tenant namespace. */
export class TenantResourcePoolClaim extends Construct {
  constructor(scope: Construct, id: string, props: TenantResourcePoolClaimProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      ...ResourcePoolClaim.GVK,
      metadata: { name: props.name, namespace: props.namespace },
      spec: { pool: props.pool, claim: props.claim },
    });
  }
}
