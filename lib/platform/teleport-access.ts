import * as path from 'path';
import type { Tenant } from '../capsule/tenant';
import { PlatformError, Problem } from '../core/errors';
import { AccessReport, ReachedTenant, TenantIdentity } from '../teleport/access-report';
import { kubernetesJoinTokenSpec, tctlToken } from '../teleport/join-token';
import { ALL_RESOURCES, KubernetesAccess, TeleportRoleDefinition, tctlRole } from '../teleport/role';
import { describeLabels, KubernetesLabelSelector, labelsMatch } from '../teleport/role-rules';
import type { ClusterPlatform } from './cluster-platform';
import { TENANTS_DIR, TenantDefinition } from './config/load';
import { tenantProblem, tenantRoleName } from './config/teleport-config';
import { PLATFORM_KEY, TenantTeleportRole } from './config/tenant-schema';
import * as md from '../core/output/markdown';
import { tctlUser, TeleportUserDefinition } from '../teleport/user';
import { personTeleportCluster } from './config/people-checks';
import type { PeopleSettings } from './config/people-schema';
import type { PlatformSettings } from './config/platform-schema';

/**
 * Labels of every role generated from a tenant file (seed 000's `kube-access` carries this one): they
 * mark the role as the platform's in Teleport (the operator copies a CR's labels to the role).
 */
export const TENANT_ROLE_LABELS: Readonly<Record<string, string>> = { capsule: 'true' };

/** A tenant role in one Teleport cluster, with everything its checks need. */
interface TenantRole {
  /** The tenant's facts (from its Tenant construct). */
  readonly tenant: Tenant;
  /** The tenant file, relative to the configuration folder. */
  readonly declaredIn: string;
  readonly name: string;
  readonly access: KubernetesAccess;
  readonly labelsDefaulted: boolean;
  readonly domain: TeleportDomain;
  /** The clusters the tenant exists on. */
  readonly home: readonly ClusterPlatform[];
  /** The clusters of the Teleport cluster that the role's kubernetes_labels select. */
  readonly reached: readonly ClusterPlatform[];
}

/** A broken invariant: the field of the role it is about, relative to the role. */
interface Violation {
  readonly field: readonly string[];
  readonly message: string;
}

/** A Teleport cluster and the Kubernetes clusters joined to it. */
interface TeleportDomain {
  readonly name: string;
  readonly clusters: ClusterPlatform[];
  /** The one cluster whose operator manages this Teleport cluster's roles and join tokens. */
  readonly operatorCluster?: ClusterPlatform;
}

/**
 * Wires Teleport access across clusters, once every cluster is built:
 *
 * - each tenant role becomes a `TeleportRoleV8` on the cluster whose operator manages the tenant's
 *   Teleport cluster (at most one per Teleport cluster: roles are global there, two operators would
 *   fight over them), and a tctl role in the `tctl/` folder of every cluster it reaches;
 * - each agent with the kubernetes join method gets its join token, the same way;
 * - every cluster gets an `ACCESS.md`.
 *
 * The invariants that tie Teleport to Capsule are checked here, and every violation is reported
 * against the tenant file and field it comes from: a role's groups are the tenant's own and Capsule
 * user groups on every cluster the role reaches (so capsule-proxy filters them), its users own the
 * tenant or are bound by its additionalRoleBindings, and its kubernetes_labels select at least one
 * of the tenant's clusters.
 * @throws PlatformError listing every violation
 */
export function wireTeleportAccess(clusters: readonly ClusterPlatform[], tenants: readonly TenantDefinition[], settings?: PlatformSettings): void {
  const wiring = new TeleportAccessWiring(clusters);
  const problems = tenants.flatMap((tenant) => (tenant.platform.teleport?.roles ?? []).flatMap((role, index) => wiring.addTenantRole(tenant, role, index)));
  if (problems.length) throw new PlatformError('invalid Teleport access:', problems);
  if (settings?.people) wiring.addPeople(settings, settings.people);
}

/** A cluster's tenants, indexed so that each role costs the same however many tenants there are. */
class TenantIndex {
  public readonly byName = new Map<string, Tenant>();
  private readonly byUser = new Map<string, Tenant[]>();
  private readonly byGroup = new Map<string, Tenant[]>();

  constructor(tenants: readonly Tenant[]) {
    const add = (map: Map<string, Tenant[]>, key: string, tenant: Tenant) => map.set(key, [...(map.get(key) ?? []), tenant]);
    for (const tenant of tenants) {
      this.byName.set(tenant.name, tenant);
      for (const user of new Set([...tenant.ownerUsers, ...tenant.memberUsers])) add(this.byUser, user, tenant);
      for (const group of new Set([...tenant.ownerGroups, ...tenant.memberGroups])) add(this.byGroup, group, tenant);
    }
  }

  /** The tenants one of `access`'s users or groups owns or is bound in. */
  public reachedBy(access: KubernetesAccess): Tenant[] {
    const found = new Set<Tenant>();
    for (const user of access.users) for (const t of this.byUser.get(user) ?? []) found.add(t);
    for (const group of access.groups) for (const t of this.byGroup.get(group) ?? []) found.add(t);
    return [...found];
  }
}

class TeleportAccessWiring {
  private readonly domains: Map<string, TeleportDomain>;
  private readonly reports: Map<ClusterPlatform, AccessReport>;
  private readonly withRoles = new Set<ClusterPlatform>();
  private readonly withUsers = new Set<ClusterPlatform>();
  private readonly indexes: Map<ClusterPlatform, TenantIndex>;

  constructor(private readonly clusters: readonly ClusterPlatform[]) {
    this.indexes = new Map(clusters.map((cluster) => [cluster, new TenantIndex(cluster.tenants)]));
    this.domains = teleportDomains(clusters);
    this.reports = new Map(clusters.map((cluster) => [cluster, accessReport(cluster, this.domains)]));
    for (const cluster of clusters) addAgentToken(cluster, this.domains);
  }

  /** Renders one role of a tenant file, or returns why it violates the invariants. */
  public addTenantRole(tenant: TenantDefinition, settings: TenantTeleportRole, index: number): Problem[] {
    const name = tenantRoleName(tenant.name, settings);
    const problems: Problem[] = [];
    const problem = ({ field, message }: Violation) => problems.push(tenantProblem(tenant, [PLATFORM_KEY, 'teleport', 'roles', String(index), ...field], message));

    const home = this.clusters.filter((c) => this.indexes.get(c)!.byName.has(tenant.name));
    const registered = home.filter((c) => c.teleportRegistration);
    if (!registered.length) {
      const message = `tenant ${tenant.name}'s clusters (${home.map((c) => c.name).join(', ')}) are not registered with Teleport (teleport.agent or teleport.kubeCluster), so role '${name}' would reach nothing`;
      problem({ field: [], message });
      return problems;
    }

    for (const domain of new Set(registered.map((c) => this.domains.get(c.teleportClusterName!)!))) {
      const tenantClusters = registered.filter((c) => domain.clusters.includes(c));
      const clusterLabels = settings.kubernetes_labels ?? sharedLabels(tenantClusters);
      if (!clusterLabels) {
        const message = `required: tenant ${tenant.name}'s clusters (${tenantClusters.map((c) => c.name).join(', ')}) share no Teleport label to default it from; set it, or give the clusters a common label`;
        problem({ field: ['kubernetes_labels'], message });
        continue;
      }
      const facts = this.indexes.get(tenantClusters[0])!.byName.get(tenant.name)!;
      const role: TenantRole = {
        tenant: facts,
        declaredIn: `${TENANTS_DIR}/${path.basename(tenant.file)}`,
        name,
        access: {
          // Only people by default: a ServiceAccount owner (e.g. a GitOps identity) must be named explicitly.
          users: settings.kubernetes_users ?? facts.owners.filter((o) => o.kind === 'User').map((o) => o.name),
          groups: settings.kubernetes_groups ?? [facts.userGroup],
          clusterLabels,
          resources: settings.kubernetes_resources ?? [ALL_RESOURCES],
        },
        labelsDefaulted: !settings.kubernetes_labels,
        domain,
        home,
        reached: domain.clusters.filter((c) => c.teleportRegistration && labelsMatch(clusterLabels, c.teleportRegistration.labels)),
      };
      const violations = this.violations(role);
      violations.forEach(problem);
      if (!violations.length) this.render(role);
    }
    return problems;
  }

  /**
   * Who holds the roles (checked by the loader: every role exists, every entry has a Teleport
   * cluster). Local users become `TeleportUser`s for the operator of their Teleport cluster and tctl
   * `user` resources on each of its clusters; SSO group mappings are only reported.
   */
  public addPeople(settings: PlatformSettings, people: PeopleSettings): void {
    const inDomain = (entry: { teleportCluster?: string }) => this.domains.get(personTeleportCluster(settings, entry) ?? '');
    for (const user of people.users ?? []) {
      const domain = inDomain(user);
      if (!domain) continue;
      const definition: TeleportUserDefinition = { name: user.name, roles: [...user.roles].sort() };
      domain.operatorCluster?.teleportOperator!.manageUser(domain.operatorCluster.teleportLayer, definition);
      for (const cluster of domain.clusters) {
        this.addTctlUser(cluster, definition, domain);
        this.reports.get(cluster)!.addPerson({ kind: 'user', name: user.name, roles: definition.roles });
      }
    }
    for (const connector of people.ssoConnectors ?? []) {
      const domain = inDomain(connector);
      if (!domain) continue;
      for (const mapping of connector.groupsToRoles) {
        for (const cluster of domain.clusters) {
          this.reports.get(cluster)!.addPerson({ kind: 'sso-group', name: mapping.group, connector: `${connector.name} (${connector.type})`, roles: [...mapping.roles].sort() });
        }
      }
    }
  }

  private addTctlUser(cluster: ClusterPlatform, user: TeleportUserDefinition, domain: TeleportDomain): void {
    cluster.tctl.addResource(`users/${user.name}`, () => tctlUser(user), ['Teleport user from people.users in platform.yaml.']);
    if (this.withUsers.has(cluster)) return;
    this.withUsers.add(cluster);
    cluster.tctl.addSection('Users', () =>
      [
        `\`users/\` holds the local Teleport users of \`people.users\` (see \`../ACCESS.md\`). They are managed by ${managedBy(domain)}.`,
        tctlAdvice(domain),
        'A new user has no password: send them the link of `tctl users reset <name>`.',
      ].join('\n'),
    );
  }

  /** How `role` breaks the invariants that tie Teleport to Capsule. */
  private violations(role: TenantRole): Violation[] {
    const { tenant, name, access, domain, home, reached } = role;
    const found: Violation[] = [];
    access.users.forEach((user, i) => {
      if (tenant.ownerUsers.includes(user) || tenant.memberUsers.includes(user)) return;
      const owner = this.otherTenant(tenant, (t) => t.ownerUsers.includes(user) || t.memberUsers.includes(user));
      const hint = owner ? ` (it belongs to tenant ${owner}; a tenant's role may only grant the tenant's own users)` : '';
      found.push({ field: ['kubernetes_users', String(i)], message: `'${user}' is neither an owner of tenant ${tenant.name} nor a User subject of its additionalRoleBindings${hint}` });
    });
    access.groups.forEach((group, i) => {
      if (tenant.groups.includes(group)) return;
      const owner = this.otherTenant(tenant, (t) => t.groups.includes(group));
      const message = `'${group}' is not a group of tenant ${tenant.name} (its userGroup ${tenant.userGroup}, Group owners, or Group subjects of additionalRoleBindings)${owner ? `; it belongs to tenant ${owner}` : ''}`;
      found.push({ field: ['kubernetes_groups', String(i)], message });
    });

    const labels = describeLabels(access.clusterLabels);
    if (!reached.some((c) => home.includes(c))) {
      const known = home.filter((c) => domain.clusters.includes(c) && c.teleportRegistration).map((c) => `${c.name}: ${describeLabels(c.teleportRegistration!.labels)}`);
      found.push({ field: ['kubernetes_labels'], message: `${labels} selects none of tenant ${tenant.name}'s clusters (${known.join('; ')}): the role would reach nothing` });
    }
    // capsule-proxy filters a request only if one of its groups is a Capsule user group. (Groups that
    // are not the tenant's are reported above.)
    for (const cluster of reached) {
      const missing = access.groups.filter((g) => tenant.groups.includes(g) && !cluster.capsule.hasUserGroup(g));
      if (!missing.length) continue;
      if (home.includes(cluster)) {
        for (const group of missing) {
          const message = `'${group}' is not a Capsule user group on cluster ${cluster.name}, so capsule-proxy would not filter what the role's users see; add it to that cluster's capsule.userGroups in platform.yaml, or grant ${tenant.userGroup}`;
          found.push({ field: ['kubernetes_groups', String(access.groups.indexOf(group))], message });
        }
      } else {
        const defaulted = role.labelsDefaulted ? " (the default: the labels the tenant's clusters share)" : '';
        const what = missing.length > 1 ? 'are not Capsule user groups' : 'is not a Capsule user group';
        const message = `${labels}${defaulted} also selects cluster ${cluster.name}, which does not have tenant ${tenant.name} and where ${missing.join(', ')} ${what}: capsule-proxy would not filter the role's users there. Narrow kubernetes_labels`;
        found.push({ field: ['kubernetes_labels'], message });
      }
    }
    const operatorCluster = domain.operatorCluster;
    if (operatorCluster?.teleportOperator!.roleName === name) {
      found.push({ field: ['name'], message: `'${name}' is the Teleport role of the operator's bot on cluster ${operatorCluster.name}; choose another name` });
    }
    return found;
  }

  /** The role's custom resource (if an operator manages its Teleport cluster), tctl copies and report entries. */
  private render({ tenant, declaredIn, name, access, domain, reached }: TenantRole): void {
    const role: TeleportRoleDefinition = { name, labels: TENANT_ROLE_LABELS, access };
    const operatorCluster = domain.operatorCluster;
    operatorCluster?.teleportOperator!.manageRole(operatorCluster.teleportLayer, role);
    for (const cluster of reached) {
      this.addTctlRole(cluster, role, tenant.name, declaredIn, domain);
      this.reports.get(cluster)!.addRole({ role, declaredIn, tenants: reachedTenants(this.indexes.get(cluster)!, access) });
    }
  }

  private addTctlRole(cluster: ClusterPlatform, role: TeleportRoleDefinition, tenant: string, declaredIn: string, domain: TeleportDomain): void {
    cluster.tctl.addResource(`roles/${role.name}`, () => tctlRole(role), [`Teleport role of tenant ${tenant} (${declaredIn}).`]);
    if (this.withRoles.has(cluster)) return;
    this.withRoles.add(cluster);
    cluster.tctl.addSection('Roles', () =>
      [
        '`roles/` holds the Teleport roles, generated from the tenant files, that reach this cluster (see',
        `\`../ACCESS.md\`). They are managed by ${managedBy(domain)}.`,
        tctlAdvice(domain),
      ].join('\n'),
    );
  }

  /** The first other tenant (on any cluster) for which `test` holds, for "it belongs to ..." hints. */
  private otherTenant(tenant: Tenant, test: (tenant: Tenant) => boolean): string | undefined {
    return this.clusters.flatMap((c) => c.tenants).find((t) => t.name !== tenant.name && test(t))?.name;
  }
}

function teleportDomains(clusters: readonly ClusterPlatform[]): Map<string, TeleportDomain> {
  const domains = new Map<string, TeleportDomain>();
  for (const cluster of clusters) {
    if (!cluster.teleportClusterName) continue;
    const domain = domains.get(cluster.teleportClusterName) ?? { name: cluster.teleportClusterName, clusters: [] };
    domains.set(domain.name, { ...domain, clusters: [...domain.clusters, cluster], operatorCluster: domain.operatorCluster ?? (cluster.teleportOperator ? cluster : undefined) });
  }
  return domains;
}

/** Who creates a Teleport cluster's roles and join tokens, for READMEs and reports. */
function managedBy(domain: TeleportDomain | undefined): string {
  const operator = domain?.operatorCluster;
  return operator
    ? `the Teleport operator of cluster ${md.code(operator.name)} (custom resources in ${md.code(`${operator.layerFolder('teleport')}/`)}, namespace ${md.code(operator.teleportOperator!.namespace)})`
    : `a Teleport admin with tctl: no cluster of Teleport cluster ${md.code(domain?.name ?? '')} runs the operator`;
}

/** What to do with the tctl copies of resources that `domain` manages. */
function tctlAdvice(domain: TeleportDomain | undefined): string {
  return domain?.operatorCluster
    ? 'The files here are for review and for setups without the operator: do not also `tctl create` them, the operator does not adopt resources it did not create.'
    : 'Apply them with `tctl create -f <file>` (which replaces an existing resource) and delete dropped ones with `tctl rm`.';
}

function accessReport(cluster: ClusterPlatform, domains: Map<string, TeleportDomain>): AccessReport {
  return new AccessReport(cluster, 'access-report', {
    path: `${cluster.name}/ACCESS.md`,
    title: `cluster ${cluster.name}`,
    facts: () => {
      const registration = cluster.teleportRegistration;
      if (!registration) return ['Not registered with Teleport (no `teleport.agent` or `teleport.kubeCluster`).'];
      return [
        `Teleport cluster: ${md.code(cluster.teleportClusterName ?? '')}`,
        `Registered as ${md.code(registration.name)} by ${registration.via}, with labels ${md.code(describeLabels(registration.labels))}`,
        `Roles are managed by ${managedBy(domains.get(cluster.teleportClusterName!))}`,
      ];
    },
  });
}

/** The join token of an agent that joins with the kubernetes method. */
function addAgentToken(cluster: ClusterPlatform, domains: Map<string, TeleportDomain>): void {
  const agent = cluster.teleportAgent;
  if (!agent || agent.join.method !== 'kubernetes') return;
  const name = agent.join.tokenName;
  const spec = kubernetesJoinTokenSpec({ roles: agent.systemRoles, serviceAccount: agent.serviceAccount, trust: cluster.kubernetesJoinTrust! });
  const domain = domains.get(cluster.teleportClusterName!);
  const operatorCluster = domain?.operatorCluster;
  operatorCluster?.teleportOperator!.manageToken(operatorCluster.teleportLayer, name, spec);
  const file = cluster.tctl.addResource(`tokens/${name}`, () => tctlToken(name, spec), [`Join token of teleport-kube-agent: only ServiceAccount ${agent.serviceAccount} can use it.`]);
  cluster.tctl.addSection('Agent join token', () =>
    [
      `The agent joins with the kubernetes method and the join token ${md.code(name)} (${md.code(file)}): only its`,
      `ServiceAccount ${md.code(agent.serviceAccount)} can use it, and nothing secret exists. It is managed by ${managedBy(domain)}.`,
      tctlAdvice(domain),
      '',
      operatorCluster === cluster
        ? 'Flux installs the agent in the `teleport` layer, together with its token, once the operator is ready.'
        : `The token must exist before Flux installs the agent: the agent keeps retrying to join, but its HelmRelease gives up after the install timeout and its retries (then \`flux reconcile helmrelease ${agent.release.releaseName} --force\`).`,
    ].join('\n'),
  );
}


/**
 * Default `kubernetes_labels`: the labels every one of `clusters` has; a label whose value differs
 * between them selects any of those values. Undefined if they share no label.
 */
function sharedLabels(clusters: readonly ClusterPlatform[]): KubernetesLabelSelector | undefined {
  const labels = clusters.map((c) => c.teleportRegistration!.labels);
  const keys = Object.keys(labels[0]).filter((key) => labels.every((l) => key in l)).sort();
  if (!keys.length) return undefined;
  return Object.fromEntries(
    keys.map((key) => {
      const values = [...new Set(labels.map((l) => l[key]))].sort();
      return [key, values.length === 1 ? values[0] : values];
    }),
  );
}

/** The tenants of a cluster that the role's users and groups own or are bound in. */
function reachedTenants(index: TenantIndex, access: KubernetesAccess): ReachedTenant[] {
  return index
    .reachedBy(access)
    .map((tenant) => ({
      tenant: tenant.name,
      via: [
        ...access.users.flatMap((name) => identity('user', name, tenant.ownerUsers, tenant.memberUsers)),
        ...access.groups.flatMap((name) => identity('group', name, tenant.ownerGroups, tenant.memberGroups)),
      ],
      through: [
        ...access.users.flatMap((u) => (tenant.ownerUsers.includes(u) ? [`${md.text(u)} (owner)`] : tenant.memberUsers.includes(u) ? [`${md.text(u)} (member)`] : [])),
        ...access.groups.flatMap((g) => (tenant.ownerGroups.includes(g) ? [`${md.text(g)} (owner)`] : tenant.memberGroups.includes(g) ? [`${md.text(g)} (member)`] : [])),
      ],
      namespaces: tenant.forceTenantPrefix ? `${tenant.name}-*` : 'any name',
    }))
    .filter((t) => t.through.length)
    .sort((a, b) => a.tenant.localeCompare(b.tenant));
}

/** `name` as a tenant identity of `kind`, if the tenant owns or binds it. */
function identity(kind: TenantIdentity['kind'], name: string, owners: readonly string[], members: readonly string[]): TenantIdentity[] {
  return owners.includes(name) ? [{ kind, name, relation: 'owner' }] : members.includes(name) ? [{ kind, name, relation: 'member' }] : [];
}
