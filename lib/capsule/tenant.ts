import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { TenantV1Beta2 } from '../../imports/capsule-tenants-capsule.clastix.io';
import { ICapsule } from './capsule';

/** Who owns a tenant (Capsule `spec.owners[]`). */
export interface TenantOwner {
  /** `User`, `Group` or `ServiceAccount`. */
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  /** User name, group name, or for a ServiceAccount `system:serviceaccount:<namespace>:<name>`. */
  readonly name: string;
  /** Other owner fields (`clusterRoles`, `proxySettings`) in Capsule's format. */
  readonly [field: string]: unknown;
}

export interface TenantProps {
  /** Tenant name: a DNS-1123 label. */
  readonly name: string;
  /** The Capsule installation that serves the tenant. */
  readonly capsule: ICapsule;
  /** The tenant's owners. */
  readonly owners: readonly TenantOwner[];
  /**
   * Capsule user group of the tenant's users; registered with Capsule so that its members are
   * Capsule users (and capsule-proxy filters what they see).
   * @default `tenant-<name>`
   */
  readonly userGroup?: string;
  /**
   * The other fields of the Tenant spec (`capsule.clastix.io/v1beta2`), in Capsule's own format.
   * @default - none
   */
  readonly spec?: Readonly<Record<string, unknown>>;
}

/**
 * A Capsule Tenant (`capsule.clastix.io/v1beta2`, the storage version).
 *
 * The spec is rendered as given, not through the generated `TenantV1Beta2` props: those expect
 * TypeScript-shaped values (quantities as objects) and silently drop wire-format ones, while tenant
 * specs come from YAML in Capsule's own format. The strict CRD validator checks the result.
 */
export class Tenant extends Construct {
  public static defaultUserGroup(tenantName: string): string {
    return `tenant-${tenantName}`;
  }

  public readonly name: string;
  public readonly userGroup: string;
  public readonly owners: readonly TenantOwner[];
  /** Whether namespaces of this tenant must be named `<name>-<something>`. */
  public readonly forceTenantPrefix: boolean;
  /** Kubernetes user names that own the tenant (User and ServiceAccount owners). */
  public readonly ownerUsers: readonly string[];
  /** Groups that own the tenant. */
  public readonly ownerGroups: readonly string[];
  /**
   * Kubernetes user names its `additionalRoleBindings` bind: the tenant's members (User subjects, and
   * ServiceAccount subjects as `system:serviceaccount:<namespace>:<name>`).
   */
  public readonly memberUsers: readonly string[];
  /** Groups its `additionalRoleBindings` bind. */
  public readonly memberGroups: readonly string[];
  /** Every group of the tenant: its Capsule user group, owner groups and member groups. */
  public readonly groups: readonly string[];

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    if (props.owners.length === 0) throw new Error(`tenant ${props.name} needs at least one owner`);
    if (props.spec && 'owners' in props.spec) throw new Error(`tenant ${props.name}: pass owners as props.owners, not inside props.spec`);
    this.name = props.name;
    this.owners = props.owners;
    this.userGroup = props.userGroup ?? Tenant.defaultUserGroup(props.name);
    const explicitPrefix = props.spec?.forceTenantPrefix;
    this.forceTenantPrefix = typeof explicitPrefix === 'boolean' ? explicitPrefix : props.capsule.forceTenantPrefix;
    props.capsule.addUserGroup(this.userGroup);

    const subjects = ((props.spec?.additionalRoleBindings ?? []) as Array<{ subjects?: RoleBindingSubject[] }>).flatMap((b) => b.subjects ?? []);
    this.ownerUsers = unique(props.owners.filter((o) => o.kind !== 'Group').map((o) => o.name));
    this.ownerGroups = unique(props.owners.filter((o) => o.kind === 'Group').map((o) => o.name));
    this.memberUsers = unique(
      subjects.flatMap((s) => (s.kind === 'User' ? [s.name] : s.kind === 'ServiceAccount' ? [`system:serviceaccount:${s.namespace}:${s.name}`] : [])),
    );
    this.memberGroups = unique(subjects.filter((s) => s.kind === 'Group').map((s) => s.name));
    this.groups = unique([this.userGroup, ...this.ownerGroups, ...this.memberGroups]);

    new ApiObject(this, 'Resource', {
      ...TenantV1Beta2.GVK,
      metadata: { name: props.name },
      spec: { owners: props.owners, ...props.spec },
    });
  }
}

/** A subject of an RBAC binding, as Capsule's `additionalRoleBindings` hold them. */
interface RoleBindingSubject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
