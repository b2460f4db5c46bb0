import * as path from 'path';
import { describeValue } from '../../core/errors';
import { ALLOW_MIXED_SCRIPT, nameProblem, TELEPORT_KUBE_CLUSTER_NAME, TELEPORT_LABEL_KEY } from '../../core/config/text-rules';
import type { Explained } from '../../core/validation/explain';
import { re2Problem } from '../../core/validation/re2';
import * as tenantCore from '../../kyverno/policies/tenants/tenant-core';
import type { PlatformSettings } from './platform-schema';
import { PLATFORM_KEY } from './tenant-schema';

/**
 * Names that become Kubernetes users and groups, Teleport names and labels, and paths, checked by
 * the rules of what reads them (docs/input-limits.md). Schemas check types and simple patterns;
 * these are the rules a pattern cannot say well (scripts, where a path leads).
 */

type Visit = (value: unknown, segments: string[]) => void;

const strings = (list: unknown, segments: string[], check: Visit) => {
  if (Array.isArray(list)) list.forEach((v, i) => check(v, [...segments, String(i)]));
};

/** Problems in `platform.yaml`, with segments relative to the file's root. */
export function platformNameProblems(settings: PlatformSettings): Explained[] {
  const problems: Explained[] = [];
  const prefix = settings.delivery?.flux?.pathPrefix;
  if (prefix !== undefined) {
    const problem = pathPrefixProblem(prefix);
    if (problem) problems.push({ segments: ['delivery', 'flux', 'pathPrefix'], message: problem });
  }
  settings.clusters.forEach((cluster, i) => {
    const at = (...segments: string[]) => ['clusters', String(i), ...segments];
    strings(cluster.capsule?.userGroups, at('capsule', 'userGroups'), (group, segments) => {
      const problem = typeof group === 'string' ? nameProblem(group, 'a group name') : undefined;
      if (problem) problems.push({ segments, message: problem });
    });
    const teleport = cluster.teleport;
    const kubeName = (name: string | undefined, segments: string[]) => {
      if (name !== undefined && !TELEPORT_KUBE_CLUSTER_NAME.test(name)) {
        problems.push({ segments, message: `${describeValue(name)} is not a Teleport kube_cluster name: letters, digits, '.', '_' and '-' only (Teleport uses it as a file name in ~/.tsh)` });
      }
    };
    kubeName(teleport?.agent?.kubeClusterName, at('teleport', 'agent', 'kubeClusterName'));
    kubeName(teleport?.kubeCluster?.name, at('teleport', 'kubeCluster', 'name'));
    for (const [labels, segments] of [
      [teleport?.agent?.labels, at('teleport', 'agent', 'labels')],
      [teleport?.kubeCluster?.labels, at('teleport', 'kubeCluster', 'labels')],
    ] as const) {
      problems.push(...teleportLabelProblems(labels, segments));
    }
    const regex = cluster.kyverno?.policies?.[tenantCore.NAME]?.defaults?.forbiddenNamespaceLabelsRegex;
    const problem = regex === undefined ? undefined : re2Problem(regex);
    if (problem) problems.push({ segments: at('kyverno', 'policies', tenantCore.NAME, 'defaults', 'forbiddenNamespaceLabelsRegex'), message: problem });
  });
  return problems;
}

/**
 * Why `prefix` (the output's path inside the Flux source) is not a path inside the repository: Flux
 * resolves it against the source's root, so `..` or an absolute path would point outside the
 * artifact (source-controller refuses it, and a reviewer cannot tell where it leads).
 */
export function pathPrefixProblem(prefix: string): string | undefined {
  const allowed = 'a relative path inside the Flux source, such as ./dist or ./clusters/platform';
  if (prefix.includes('\\')) return `${describeValue(prefix)} has a backslash; Flux paths use '/': write ${allowed}`;
  if (path.posix.isAbsolute(prefix)) return `${describeValue(prefix)} is absolute; Flux resolves paths against the root of its source: write ${allowed}`;
  const normalized = path.posix.normalize(prefix);
  if (normalized === '..' || normalized.startsWith('../')) return `${describeValue(prefix)} leads outside the Flux source (the GitOps repository); write ${allowed}`;
  return undefined;
}

function teleportLabelProblems(labels: Readonly<Record<string, unknown>> | undefined, segments: readonly string[]): Explained[] {
  const problems: Explained[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!TELEPORT_LABEL_KEY.test(key)) {
      problems.push({ segments: [...segments, key], message: "key is not a Teleport label key: letters, digits and '/', '.', '_', ':', '*', '-' only" });
    } else {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, i) => {
        const problem = typeof v === 'string' ? nameProblem(v, 'a label value') : undefined;
        if (problem) problems.push({ segments: [...segments, key, ...(Array.isArray(value) ? [String(i)] : [])], message: problem });
      });
    }
  }
  return problems;
}

/**
 * Problems in the names of a tenant (owners, role binding and proxy subjects, its user group,
 * Teleport users, groups and labels). Segments are relative to the tenant: spec fields at the top.
 */
export function tenantNameProblems(spec: Readonly<Record<string, unknown>>, platform: Readonly<Record<string, unknown>>): Explained[] {
  const problems: Explained[] = [];
  const allowMixed = platform[ALLOW_MIXED_SCRIPT] === true;
  const name = (what: string): Visit => (value, segments) => {
    const problem = typeof value === 'string' ? nameProblem(value, what, allowMixed) : undefined;
    if (problem) problems.push({ segments, message: problem });
  };
  const subjects = (list: unknown, segments: string[]) =>
    strings(list, segments, (subject, at) => name(`a ${kindOf(subject)} name`)(field(subject, 'name'), [...at, 'name']));

  subjects(spec.owners, ['owners']);
  strings(spec.additionalRoleBindings, ['additionalRoleBindings'], (binding, at) => subjects(field(binding, 'subjects'), [...at, 'subjects']));
  name('a group name')(platform.userGroup, [PLATFORM_KEY, 'userGroup']);
  subjects(field(platform.proxySettings, 'subjects'), [PLATFORM_KEY, 'proxySettings', 'subjects']);
  strings(field(platform.globalProxySettings, 'rules'), [PLATFORM_KEY, 'globalProxySettings', 'rules'], (rule, at) => subjects(field(rule, 'subjects'), [...at, 'subjects']));
  strings(field(platform.teleport, 'roles'), [PLATFORM_KEY, 'teleport', 'roles'], (role, at) => {
    strings(field(role, 'kubernetes_users'), [...at, 'kubernetes_users'], name('a user name'));
    strings(field(role, 'kubernetes_groups'), [...at, 'kubernetes_groups'], name('a group name'));
    const labels = field(role, 'kubernetes_labels');
    if (labels !== null && typeof labels === 'object' && !Array.isArray(labels)) problems.push(...teleportLabelProblems(labels as Record<string, unknown>, [...at, 'kubernetes_labels']));
  });
  return problems;
}

function field(object: unknown, key: string): unknown {
  return object !== null && typeof object === 'object' && !Array.isArray(object) ? (object as Record<string, unknown>)[key] : undefined;
}

function kindOf(subject: unknown): string {
  const kind = field(subject, 'kind');
  return kind === 'Group' ? 'group' : kind === 'ServiceAccount' ? 'ServiceAccount' : 'user';
}
