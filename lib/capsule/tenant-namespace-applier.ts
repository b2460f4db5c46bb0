import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ICapsule } from './capsule';
import { Tenant } from './tenant';

export interface TenantNamespaceApplierProps {
  /** The Capsule installation whose tenants get the namespaces. */
  readonly capsule: ICapsule;
  /** Namespace of the ServiceAccount: the delivery tool's, which impersonates it. */
  readonly namespace: string;
  /**
   * Name of the ServiceAccount.
   * @default 'capsule-namespace-applier'
   */
  readonly name?: string;
}

/** A permission the applier needs on everything it applies besides namespaces. */
export interface ApplierGrant {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/**
 * The identity the GitOps tool impersonates to create tenant namespaces, so that Capsule really
 * attaches them to their tenant.
 *
 * Capsule 0.10 only assigns a namespace to a tenant (ownerReference, owner RoleBindings, quotas)
 * when a Capsule user who owns the tenant creates it; a namespace applied by a cluster-admin
 * controller stays unattached (projectcapsule/capsule#1765, #813). So this ServiceAccount:
 *
 * - is a Capsule user by **name** (`userNames`), not by group: its group would be
 *   `system:serviceaccounts:<namespace>`, which would turn every ServiceAccount of the delivery
 *   tool's namespace (the Flux controllers included) into Capsule users and break their own
 *   namespace handling;
 * - owns each tenant it creates namespaces for, with only the `capsule-namespace-deleter` role (so
 *   pruning works) instead of the owners' default `admin`;
 * - may read namespaces cluster-wide (apply and health checks); Capsule grants create/patch to
 *   Capsule users itself (ClusterRoleBinding capsule-namespace-provisioner).
 *
 * Capsule ≥ 0.12 has a native way: `CapsuleConfiguration.spec.administrators`, owners of every
 * tenant, for namespaces that carry the tenant label (which the platform's always do). There the
 * applier is an administrator (and a Capsule user) instead of an owner written into every Tenant, so
 * Tenants render exactly as their files say. The ServiceAccount itself stays: Flux's own controller
 * must not become a Capsule administrator, and the layer keeps its least-privilege identity.
 */
export class TenantNamespaceApplier extends Construct {
  public static readonly DEFAULT_NAME = 'capsule-namespace-applier';

  public readonly serviceAccountName: string;
  public readonly namespace: string;
  /** The username Kubernetes gives the ServiceAccount. */
  public readonly username: string;
  /** Whether the applier is a Capsule administrator (owner of every tenant), so tenants need no extra owner. */
  public readonly administrator: boolean;
  private readonly grants: ApplierGrant[] = [];

  constructor(scope: Construct, id: string, props: TenantNamespaceApplierProps) {
    super(scope, id);
    this.serviceAccountName = props.name ?? TenantNamespaceApplier.DEFAULT_NAME;
    this.namespace = props.namespace;
    this.username = `system:serviceaccount:${this.namespace}:${this.serviceAccountName}`;
    props.capsule.addUserName(this.username);
    this.administrator = props.capsule.supportsAdministrators;
    if (this.administrator) props.capsule.addAdministrator(this.username);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: this.serviceAccountName, namespace: this.namespace } });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: this.serviceAccountName },
      rules: Lazy.any({
        produce: () => [
          { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
          ...this.grants.map((g) => ({ apiGroups: [...g.apiGroups], resources: [...g.resources], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] })),
        ],
      }),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: this.serviceAccountName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.serviceAccountName },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
    });
  }

  /** Lets the applier manage `resources` too (e.g. ProxySettings it applies into tenant namespaces). */
  public allow(grant: ApplierGrant): void {
    const key = (g: ApplierGrant) => `${g.apiGroups.join()}|${g.resources.join()}`;
    if (!this.grants.some((g) => key(g) === key(grant))) this.grants.push(grant);
  }

  /**
   * Makes the applier an owner of `tenant`, so Capsule attaches the namespaces it creates to it
   * (nothing to do where it is an administrator).
   */
  public adopt(tenant: Tenant): void {
    if (this.administrator) return;
    tenant.addOwner({ kind: 'ServiceAccount', name: this.username, clusterRoles: ['capsule-namespace-deleter'] });
  }
}
