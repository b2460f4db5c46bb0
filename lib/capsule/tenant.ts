import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TenantV1Beta2 } from '../../imports/capsule-tenants-capsule.clastix.io';
import { fieldPath } from '../core/errors';
import { versionProfile } from '../core/version-profile';
import { Explained, throwIfProblems } from '../core/validation/explain';
import { ICapsule } from './capsule';
import { TENANT_LABEL } from './labels';
import { TenantDefaultsReplication } from './tenant-replication';
import { SKIPPED_DEFAULTS_ANNOTATION, TenantDefaults, TenantDefaultsOptOut, withTenantDefaults } from './tenant-defaults';
import { checkMetadataTemplates, checkOwners, checkTenantName, checkTenantNamespaces, ownersRequired, TenantNamespace } from './tenant-rules';

/** Who owns a tenant (Capsule `spec.owners[]`). */
export interface TenantOwner {
  /** `User`, `Group` or `ServiceAccount`. */
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  /** User name, group name, or for a ServiceAccount `system:serviceaccount:<namespace>:<name>`. */
  readonly name: string;
  /** Other owner fields (`clusterRoles`, `proxySettings`) in Capsule's format. */
  readonly [field: string]: unknown;
}

/** Something that must know about legacy owner `proxySettings` (capsule-proxy's feature gates). */
export interface ILegacyProxySettingsRegistry {
  addLegacyProxySettingsUser(where: string): void;
}

export interface TenantProps {
  /** Tenant name: a DNS-1123 label. */
  readonly name: string;
  /** The Capsule installation that serves the tenant. */
  readonly capsule: ICapsule;
  /** The tenant's owners; more can be added with `addOwner()`. */
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
  /**
   * Labels and annotations of the Tenant object itself.
   * @default - none
   */
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /**
   * Namespaces the tenant's name must not collide with (the platform's own).
   * @default - only Kubernetes' own namespaces
   */
  readonly reservedNamespaces?: readonly string[];
  /**
   * The capsule-proxy that serves the tenant, told about legacy owner `proxySettings`.
   * @default - not checked against capsule-proxy's feature gates
   */
  readonly capsuleProxy?: ILegacyProxySettingsRegistry;
  /**
   * The cluster's tenant defaults (network isolation, LimitRange, quotas, identity metadata), merged
   * into the rendered spec.
   * @default - none
   */
  readonly defaults?: TenantDefaults;
  /**
   * Defaults this tenant opts out of; each is named in the Tenant's `capsule-platform/skipped-defaults`
   * annotation.
   * @default - none
   */
  readonly optOut?: TenantDefaultsOptOut;
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
  private readonly ownerList: TenantOwner[];
  private readonly spec: Readonly<Record<string, unknown>>;
  private readonly namespaceList: TenantNamespace[] = [];
  private readonly reservedNamespaces: readonly string[];
  /** The defaults this tenant does not get, with the reason (`limitRange (opted out)`). */
  public readonly skippedDefaults: readonly string[];
  /** The replication of its defaults (Capsule ≥ 0.14, when it gets network isolation or a LimitRange). */
  public readonly defaultsReplication?: TenantDefaultsReplication;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    if (props.spec && 'owners' in props.spec) throw new Error(`tenant ${props.name}: pass owners as props.owners, not inside props.spec`);
    this.name = props.name;
    this.ownerList = [...props.owners];
    this.spec = props.spec ?? {};
    this.userGroup = props.userGroup ?? Tenant.defaultUserGroup(props.name);
    const explicitPrefix = this.spec.forceTenantPrefix;
    this.forceTenantPrefix = typeof explicitPrefix === 'boolean' ? explicitPrefix : props.capsule.forceTenantPrefix;
    this.reservedNamespaces = props.reservedNamespaces ?? [];
    throwIfProblems(`tenant ${props.name}`, [
      ...checkTenantName(props.name, { platformNamespaces: this.reservedNamespaces, forceTenantPrefix: this.forceTenantPrefix }),
      ...checkOwners(props.owners, { required: ownersRequired(versionProfile(this).name) }),
      ...checkMetadataTemplates(this.spec),
    ]);
    props.capsule.addUserGroup(this.userGroup);
    props.owners.forEach((owner, i) => {
      if (Array.isArray(owner.proxySettings) && owner.proxySettings.length) props.capsuleProxy?.addLegacyProxySettingsUser(`tenant ${props.name}: owners[${i}].proxySettings`);
    });

    const subjects = ((props.spec?.additionalRoleBindings ?? []) as Array<{ subjects?: RoleBindingSubject[] }>).flatMap((b) => b.subjects ?? []);
    this.ownerUsers = unique(props.owners.filter((o) => o.kind !== 'Group').map((o) => o.name));
    this.ownerGroups = unique(props.owners.filter((o) => o.kind === 'Group').map((o) => o.name));
    this.memberUsers = unique(
      subjects.flatMap((s) => (s.kind === 'User' ? [s.name] : s.kind === 'ServiceAccount' ? [`system:serviceaccount:${s.namespace}:${s.name}`] : [])),
    );
    this.memberGroups = unique(subjects.filter((s) => s.kind === 'Group').map((s) => s.name));
    this.groups = unique([this.userGroup, ...this.ownerGroups, ...this.memberGroups]);

    // Capsule 0.14 deprecates the Tenant fields 0.10 copies defaults with: it replicates them instead.
    const replicate = TenantDefaultsReplication.replicates(this);
    const rendered = props.defaults ? withTenantDefaults(props.name, this.spec, props.defaults, props.optOut, { replicate }) : { spec: { ...this.spec }, skipped: [], replicated: undefined };
    this.skippedDefaults = rendered.skipped;
    const annotations = rendered.skipped.length ? { ...props.metadata?.annotations, [SKIPPED_DEFAULTS_ANNOTATION]: rendered.skipped.join(', ') } : props.metadata?.annotations;
    new ApiObject(this, 'Resource', {
      ...TenantV1Beta2.GVK,
      metadata: { name: props.name, ...props.metadata, ...(annotations ? { annotations } : {}) },
      // Lazy: owners may be added after construction (see TenantNamespaceApplier).
      // Without owners (Capsule ≥ 0.12 allows it) the field is left out, as the tenant file does.
      spec: { ...rendered.spec, owners: Lazy.any({ produce: () => (this.ownerList.length ? this.ownerList : undefined) }) },
    });
    const replicated = rendered.replicated;
    if (replicated && (replicated.networkPolicies.length || replicated.limitRanges.length)) {
      this.defaultsReplication = new TenantDefaultsReplication(this, 'defaults', { tenant: props.name, defaults: replicated });
    }
    this.node.addValidation({
      validate: () => explainedMessages(checkTenantNamespaces(this.name, this.namespaceList, this.spec, { platformNamespaces: this.reservedNamespaces, forceTenantPrefix: this.forceTenantPrefix })),
    });
  }

  /** The tenant's owners. */
  public get owners(): readonly TenantOwner[] {
    return [...this.ownerList];
  }

  /** Adds an owner (ignored if an owner with the same kind and name exists). */
  public addOwner(owner: TenantOwner): void {
    throwIfProblems(`tenant ${this.name}`, checkOwners([owner]));
    if (!this.ownerList.some((o) => o.kind === owner.kind && o.name === owner.name)) this.ownerList.push(owner);
  }

  /**
   * Creates a namespace of this tenant in `scope`. It carries the tenant label, so that Capsule
   * assigns it to this tenant when its creator owns several.
   */
  public addNamespace(scope: Construct, namespace: TenantNamespace): k8s.KubeNamespace {
    this.namespaceList.push(namespace);
    return new k8s.KubeNamespace(scope, namespace.name, {
      metadata: {
        name: namespace.name,
        labels: { ...namespace.labels, [TENANT_LABEL]: this.name },
        ...(namespace.annotations ? { annotations: { ...namespace.annotations } } : {}),
      },
    });
  }

  /** Namespaces created with `addNamespace()`. */
  public get namespaces(): readonly TenantNamespace[] {
    return [...this.namespaceList];
  }
}

function explainedMessages(problems: readonly Explained[]): string[] {
  return problems.map((p) => `${fieldPath(p.segments)}: ${p.message}`);
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
