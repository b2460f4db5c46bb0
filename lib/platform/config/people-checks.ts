import { nameProblem } from '../../core/config/text-rules';
import { Explained } from '../../core/validation/explain';
import { PRESET_ROLES } from '../../teleport/role';
import type { PlatformSettings } from './platform-schema';
import { teleportClusterName, tenantRoleName } from './teleport-config';
import type { TenantDefinition } from './tenant-file';

/** The Teleport cluster a `people` entry belongs to: its own setting, or the platform's only one. */
export function personTeleportCluster(settings: PlatformSettings, entry: { readonly teleportCluster?: string }): string | undefined {
  if (entry.teleportCluster) return entry.teleportCluster;
  const domains = teleportClusters(settings);
  return domains.length === 1 ? domains[0] : undefined;
}

function teleportClusters(settings: PlatformSettings): string[] {
  return [...new Set(settings.clusters.map(teleportClusterName).filter((d): d is string => d !== undefined))].sort();
}

/**
 * Problems of `people:` (at their path in platform.yaml): each entry names a Teleport cluster of the
 * platform, and each role it grants is a role of a tenant on that Teleport cluster or a Teleport
 * preset role, so that nobody is given a role that does not exist (the operator would report it
 * only after the sync); user names are unique per Teleport cluster; connector and group names follow
 * the name rules of users and groups (name-checks.ts), since they are compared with what the
 * identity provider sends and printed in ACCESS.md.
 */
export function peopleProblems(settings: PlatformSettings, tenants: readonly TenantDefinition[]): Explained[] {
  const people = settings.people;
  if (!people) return [];
  const domains = teleportClusters(settings);
  const roles = new Map<string, Set<string>>(domains.map((d) => [d, new Set<string>()]));
  for (const tenant of tenants) {
    const home = settings.clusters.filter((c) => !tenant.platform.clusters || tenant.platform.clusters.includes(c.name));
    for (const domain of new Set(home.map(teleportClusterName))) {
      if (domain) for (const role of tenant.platform.teleport?.roles ?? []) roles.get(domain)!.add(tenantRoleName(tenant.name, role));
    }
  }

  const problems: Explained[] = [];
  const check = (entry: { teleportCluster?: string }, base: string[], granted: Array<[readonly string[], string[]]>) => {
    const domain = personTeleportCluster(settings, entry);
    if (!domain) {
      const message = domains.length ? `required: the platform has several Teleport clusters (${domains.join(', ')})` : 'no cluster is registered with Teleport (clusters[].teleport)';
      problems.push({ segments: [...base, ...(domains.length ? ['teleportCluster'] : [])], message });
      return undefined;
    }
    if (!roles.has(domain)) {
      problems.push({ segments: [...base, 'teleportCluster'], message: `unknown Teleport cluster '${domain}'; the platform's: ${domains.join(', ') || 'none'}` });
      return undefined;
    }
    for (const [names, segments] of granted) {
      names.forEach((role, i) => {
        if (roles.get(domain)!.has(role) || (PRESET_ROLES as readonly string[]).includes(role)) return;
        const known = [...roles.get(domain)!].sort();
        problems.push({
          segments: [...segments, String(i)],
          message: `'${role}' is neither a role of a tenant file on Teleport cluster ${domain} (${known.join(', ') || 'none'}) nor a Teleport preset role`,
        });
      });
    }
    return domain;
  };

  const seen = new Map<string, number>();
  (people.users ?? []).forEach((user, i) => {
    const base = ['people', 'users', String(i)];
    const domain = check(user, base, [[user.roles, [...base, 'roles']]]);
    const key = `${domain}\u0000${user.name}`;
    if (domain && seen.has(key)) problems.push({ segments: [...base, 'name'], message: `user '${user.name}' is already declared (people.users[${seen.get(key)}]) for Teleport cluster ${domain}` });
    else seen.set(key, i);
  });
  (people.ssoConnectors ?? []).forEach((connector, i) => {
    const base = ['people', 'ssoConnectors', String(i)];
    const name = (value: string, what: string, segments: string[]) => {
      const problem = nameProblem(value, what);
      if (problem) problems.push({ segments, message: problem });
    };
    name(connector.name, 'a connector name', [...base, 'name']);
    connector.groupsToRoles.forEach((m, j) => name(m.group, 'a group name', [...base, 'groupsToRoles', String(j), 'group']));
    check(connector, base, connector.groupsToRoles.map((m, j) => [m.roles, [...base, 'groupsToRoles', String(j), 'roles']]));
  });
  return problems;
}
