import * as path from 'path';
import { fieldPath, Problem } from '../../core/errors';
import type { Explained } from '../../core/validation/explain';
import { jwksProblem } from '../../teleport/join-token';
import { TeleportKubeAgent } from '../../teleport/kube-agent';
import { BOT_ROLE_PREFIX, PRESET_ROLES } from '../../teleport/role';
import { ruleProblems, WILDCARD } from '../../teleport/role-rules';
import type { TenantDefinition } from './load';
import type { ClusterSettings, PlatformSettings } from './platform-schema';
import { PLATFORM_KEY, TenantPlatformSettings, TenantTeleportRole } from './tenant-schema';

/**
 * Teleport settings: the defaults that several places derive from them (so they are computed once),
 * and the checks that a schema cannot express. Checks return field paths relative to the file's root
 * so the loader can point at the line.
 */

/** The Teleport cluster a cluster joins: `teleport.clusterName`, or the host of the agent's proxy address. */
export function teleportClusterName(cluster: ClusterSettings): string | undefined {
  const teleport = cluster.teleport;
  return teleport?.clusterName ?? teleport?.agent?.proxyAddr.replace(/:\d+$/, '');
}

/** Name of the agent's join token (kubernetes method). */
export function agentTokenName(cluster: ClusterSettings): string {
  const agent = cluster.teleport?.agent;
  return agent?.join?.tokenName ?? `${agent?.releaseName ?? TeleportKubeAgent.DEFAULT_RELEASE_NAME}-${cluster.name}`;
}

/** The name of a tenant's Teleport role. */
export function tenantRoleName(tenant: string, role: TenantTeleportRole): string {
  return role.name ?? `${tenant}-kube-access`;
}

/** Name of the cluster in Teleport: the agent's `kubeClusterName` or the dynamic `kube_cluster`'s. */
export function teleportKubeClusterName(cluster: ClusterSettings): string | undefined {
  const teleport = cluster.teleport;
  return teleport?.agent?.kubeClusterName ?? (teleport?.kubeCluster ? (teleport.kubeCluster.name ?? cluster.name) : undefined);
}

/** Problems in the `teleport` settings of `platform.yaml`, located by their path in the file. */
export function teleportSettingsProblems(settings: PlatformSettings): Explained[] {
  const problems: Explained[] = [];
  const managedBy = new Map<string, string>();
  const tokens = new Map<string, string>();
  const kubeClusters = new Map<string, string>();
  settings.clusters.forEach((cluster, i) => {
    const teleport = cluster.teleport;
    if (!teleport) return;
    const at = (path: string[], message: string) => problems.push({ segments: ['clusters', String(i), 'teleport', ...path], message });
    const { agent, operator, kubeCluster, kubernetesJoin } = teleport;
    const join = agent?.join;

    if (agent && kubeCluster) at(['kubeCluster'], 'a cluster is registered with Teleport either by teleport.agent or dynamically (kubeCluster), not both');
    if (!agent && !teleport.clusterName && (operator || kubeCluster)) at(['clusterName'], 'required without teleport.agent: it cannot be derived from the proxy address');
    if (operator && !agent && !operator.teleportAddress) at(['operator', 'teleportAddress'], 'required without teleport.agent: it cannot be derived from the proxy address');
    if (join?.method === 'token' && join.tokenName) at(['agent', 'join', 'tokenName'], 'only for method kubernetes; with method token the token is a secret kept in join.secretName');
    if (join?.method === 'kubernetes' && join.secretName) at(['agent', 'join', 'secretName'], 'only for method token; the kubernetes method needs no Secret');
    if (join?.method === 'kubernetes' && agent?.values?.roles !== undefined) {
      const roles = TeleportKubeAgent.systemRoles(agent.values.roles);
      if ('problem' in roles) at(['agent', 'values', 'roles'], roles.problem);
    }

    const needsTrust = [operator && "the operator's bot", join?.method === 'kubernetes' && 'the agent'].filter(Boolean);
    if (needsTrust.length && !kubernetesJoin) {
      at(['kubernetesJoin'], `required: ${needsTrust.join(' and ')} join(s) with the kubernetes method; set type static_jwks with jwks (kubectl get --raw /openid/v1/jwks), or type in_cluster`);
    }
    if (kubernetesJoin?.type === 'static_jwks') {
      const problem = kubernetesJoin.jwks === undefined ? 'required for type static_jwks: the output of `kubectl get --raw /openid/v1/jwks`' : jwksProblem(kubernetesJoin.jwks);
      if (problem) at(['kubernetesJoin', 'jwks'], problem);
    }
    if (kubernetesJoin?.type === 'in_cluster' && kubernetesJoin.jwks !== undefined) at(['kubernetesJoin', 'jwks'], 'only for type static_jwks; in_cluster verifies tokens with a TokenReview');

    const domain = teleportClusterName(cluster);
    if (!domain) return;
    const claim = (owners: Map<string, string>, key: string, path: string[], message: (other: string) => string) => {
      const other = owners.get(`${domain}\u0000${key}`);
      if (other !== undefined) at(path, message(other));
      else owners.set(`${domain}\u0000${key}`, cluster.name);
    };
    if (operator) {
      claim(managedBy, '', ['operator'], (other) => `Teleport cluster '${domain}' is already managed by the operator of cluster ${other}: Teleport roles are global to a Teleport cluster, so exactly one Kubernetes cluster per Teleport cluster runs the operator`);
    }
    if (join?.method === 'kubernetes') {
      claim(tokens, agentTokenName(cluster), ['agent', 'join', ...(join.tokenName ? ['tokenName'] : [])], (other) => `join token '${agentTokenName(cluster)}' is already the agent token of cluster ${other} in Teleport cluster '${domain}'; set join.tokenName`);
    }
    const kubeName = teleportKubeClusterName(cluster);
    if (kubeName) {
      claim(kubeClusters, kubeName, agent ? ['agent', 'kubeClusterName'] : ['kubeCluster'], (other) => `cluster ${other} is already registered as '${kubeName}' in Teleport cluster '${domain}'; names of Kubernetes clusters in Teleport must be unique`);
    }
  });
  return problems;
}

/** Problems in a tenant file's `platform.teleport`, located by their path in the file. */
export function tenantTeleportProblems(platform: TenantPlatformSettings): Explained[] {
  const problems: Explained[] = [];
  (platform.teleport?.roles ?? []).forEach((role, i) => {
    const segments = [PLATFORM_KEY, 'teleport', 'roles', String(i)];
    if (role.name && (PRESET_ROLES as readonly string[]).includes(role.name)) {
      problems.push({ segments: [...segments, 'name'], message: `'${role.name}' is a Teleport preset role; a generated role would replace it. Choose another name` });
    }
    // `tctl bots add <bot>` creates the role bot-<bot> (the operator's bot included).
    if (role.name?.startsWith(BOT_ROLE_PREFIX)) {
      problems.push({ segments: [...segments, 'name'], message: `'${role.name}' has the form of the role Teleport creates for a bot (${BOT_ROLE_PREFIX}<bot>); a generated role would replace it. Choose another name` });
    }
    (role.kubernetes_users ?? []).forEach((user, j) => {
      if (user === WILDCARD) problems.push({ segments: [...segments, 'kubernetes_users', String(j)], message: "'*' would let the role's users act as any Kubernetes user; name the tenant's users" });
    });
    (role.kubernetes_resources ?? []).forEach((rule, j) => problems.push(...ruleProblems(rule, [...segments, 'kubernetes_resources', String(j)])));
  });
  return problems;
}

/** A problem at `segments` of a tenant's file, with its line when the loader can tell it. */
export function tenantProblem(tenant: TenantDefinition, segments: readonly string[], message: string): Problem {
  return tenant.problem?.(segments, message) ?? { file: tenant.file, field: fieldPath(segments), message };
}

/** Teleport role names are global: two tenant files must not declare the same one. */
export function tenantRoleNameClashes(tenants: readonly TenantDefinition[]): Problem[] {
  const problems: Problem[] = [];
  const declared = new Map<string, TenantDefinition>();
  for (const tenant of tenants) {
    (tenant.platform.teleport?.roles ?? []).forEach((role, i) => {
      const name = tenantRoleName(tenant.name, role);
      const other = declared.get(name);
      if (!other) declared.set(name, tenant);
      else {
        const segments = [PLATFORM_KEY, 'teleport', 'roles', String(i), 'name'];
        const message = `Teleport role '${name}' is already declared by tenant ${other.name} (tenants/${path.basename(other.file)}); role names are global to the Teleport cluster${role.name === undefined ? ` (this is the default name <tenant>-kube-access; set platform.teleport.roles[${i}].name)` : ''}`;
        problems.push(tenantProblem(tenant, segments, message));
      }
    });
  }
  return problems;
}
