import { DNS_SUBDOMAIN } from '../core/config/schema';
import type { Explained } from '../core/validation/explain';
import { re2Problem } from '../core/validation/re2';

/**
 * Teleport role v8 `kubernetes_resources` and `kubernetes_labels`: what is valid, and how Teleport
 * matches them. Written against Teleport 18 (role v8, PR #54938): kinds are plural resource names,
 * `api_group` is required, and `kind: namespaces` is only the Namespace object itself.
 */

/** The verbs a `kubernetes_resources` rule may allow (Teleport's Kubernetes RBAC verbs). */
export const KUBERNETES_VERBS = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'exec', 'portforward'] as const;

/** A `kubernetes_resources` rule in Teleport's own (wire) format, as written in tenant files. */
export interface KubernetesResourceRule {
  readonly api_group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly verbs: readonly string[];
}

/** Teleport's `kubernetes_labels`: label → value, or list of values (any of them matches). */
export type KubernetesLabelSelector = Readonly<Record<string, string | readonly string[]>>;

export const WILDCARD = '*';

/** Built-in resources whose API group is unambiguous, by their v8 (plural) name. */
const KNOWN_GROUPS: Readonly<Record<string, string>> = {
  pods: '',
  secrets: '',
  configmaps: '',
  namespaces: '',
  services: '',
  serviceaccounts: '',
  nodes: '',
  persistentvolumes: '',
  persistentvolumeclaims: '',
  limitranges: '',
  resourcequotas: '',
  replicationcontrollers: '',
  deployments: 'apps',
  replicasets: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  ingresses: 'networking.k8s.io',
  networkpolicies: 'networking.k8s.io',
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io',
  horizontalpodautoscalers: 'autoscaling',
  poddisruptionbudgets: 'policy',
  storageclasses: 'storage.k8s.io',
  customresourcedefinitions: 'apiextensions.k8s.io',
  tenants: 'capsule.clastix.io',
};

/** Known cluster-scoped kinds: in v8 they match only rules without a namespace. */
const CLUSTER_SCOPED = new Set(['namespaces', 'nodes', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'certificatesigningrequests', 'storageclasses', 'customresourcedefinitions', 'tenants']);

/** Role v7's singular kinds and their v8 names, for a helpful error. */
const V7_KINDS: Readonly<Record<string, string>> = {
  pod: 'pods',
  secret: 'secrets',
  configmap: 'configmaps',
  namespace: 'namespaces',
  service: 'services',
  serviceaccount: 'serviceaccounts',
  kube_node: 'nodes',
  persistentvolume: 'persistentvolumes',
  persistentvolumeclaim: 'persistentvolumeclaims',
  deployment: 'deployments',
  replicaset: 'replicasets',
  statefulset: 'statefulsets',
  daemonset: 'daemonsets',
  clusterrole: 'clusterroles',
  kube_role: 'roles',
  clusterrolebinding: 'clusterrolebindings',
  rolebinding: 'rolebindings',
  cronjob: 'cronjobs',
  job: 'jobs',
  certificatesigningrequest: 'certificatesigningrequests',
  ingress: 'ingresses',
};

const PLURAL_KIND = /^[a-z][a-z0-9]*$/;
// API groups are DNS subdomains, like object names.
const API_GROUP = new RegExp(DNS_SUBDOMAIN);
// Object names and namespaces (DNS subdomains) with `*` wildcards.
const NAME_GLOB = /^[a-z0-9.*-]+$/;

/**
 * The rule as Teleport stores it: `name` defaults to `*`, `namespace` to `*` except for
 * cluster-scoped kinds (which v8 only matches without a namespace).
 */
export function completeRule(rule: KubernetesResourceRule): KubernetesResourceRule {
  const namespace = rule.namespace ?? (CLUSTER_SCOPED.has(rule.kind) ? undefined : WILDCARD);
  return {
    api_group: rule.api_group,
    kind: rule.kind,
    name: rule.name ?? WILDCARD,
    ...(namespace !== undefined ? { namespace } : {}),
    verbs: [...rule.verbs],
  };
}

/**
 * What is wrong with `rule` under role v8 semantics; `segments` locate the rule in its file. Structure
 * (required fields, verb names) is checked by the schema; this adds what a schema cannot say well.
 */
export function ruleProblems(rule: KubernetesResourceRule, segments: readonly string[]): Explained[] {
  const problems: Explained[] = [];
  const at = (field: string, message: string) => problems.push({ segments: [...segments, field], message });

  const plural = V7_KINDS[rule.kind];
  if (plural) at('kind', `role v8 names kinds by their plural resource name: use '${plural}' (got '${rule.kind}', a role v7 kind)`);
  else if (rule.kind !== WILDCARD && !PLURAL_KIND.test(rule.kind)) {
    at('kind', `must be '*' or a plural resource name in lowercase, e.g. pods, deployments, a CRD's plural (got '${rule.kind}')`);
  }

  const group = rule.api_group;
  if (group.includes('/')) at('api_group', `is the API group without its version, e.g. 'apps' for apps/v1 and '' for v1 (got '${group}')`);
  else if (group !== WILDCARD && group !== '' && !API_GROUP.test(group)) at('api_group', `must be '', '*' or an API group such as apps or networking.k8s.io (got '${group}')`);
  else {
    const known = KNOWN_GROUPS[rule.kind];
    if (known !== undefined && group !== WILDCARD && group !== known) {
      at('api_group', `${rule.kind} are in the ${known === '' ? "core API group: use api_group ''" : `API group '${known}'`} (got '${group}')`);
    }
  }

  for (const field of ['name', 'namespace'] as const) {
    const value = rule[field];
    // An empty namespace is how Teleport's docs write rules for cluster-scoped kinds.
    if (value === undefined || (field === 'namespace' && value === '')) continue;
    const problem = patternProblem(value);
    if (problem) at(field, problem);
  }
  if (rule.kind === 'namespaces' && rule.namespace !== undefined && rule.namespace !== '') {
    at('namespace', "kind namespaces matches the Namespace objects themselves, which have no namespace: select them with name (role v8)");
  }
  if (rule.verbs.includes(WILDCARD) && rule.verbs.length > 1) at('verbs', "'*' already allows every verb; list either '*' or the verbs");
  return problems;
}

/**
 * Why `pattern` is not a valid Teleport name pattern (exact name, `*` wildcard, or `^regex$` in RE2
 * syntax), or undefined if it is.
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('^') || pattern.endsWith('$')) {
    if (!(pattern.startsWith('^') && pattern.endsWith('$'))) return `a regular expression must start with ^ and end with $ (got '${pattern}')`;
    return re2Problem(pattern, 'Teleport');
  }
  if (!NAME_GLOB.test(pattern)) return `must be a name, a wildcard pattern with * (e.g. oil-*) or a ^regular expression$ (got '${pattern}')`;
  return undefined;
}

/** Whether `value` matches a Teleport pattern: `^regex$`, or a glob where `*` matches anything. */
export function matchesPattern(pattern: string, value: string): boolean {
  if (pattern.startsWith('^') && pattern.endsWith('$')) return new RegExp(pattern).test(value);
  const glob = pattern.split(WILDCARD).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${glob.join('.*')}$`).test(value);
}

/**
 * Whether `kubernetes_labels` select a Kubernetes cluster with `labels`, as Teleport decides it: every
 * selector key must be a label of the cluster whose value matches one of the selector's values; the
 * key `*` with value `*` selects every cluster.
 */
export function labelsMatch(selector: KubernetesLabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, values]) => {
    const list = typeof values === 'string' ? [values] : values;
    if (key === WILDCARD) return list.includes(WILDCARD);
    const value = labels[key];
    return value !== undefined && list.some((pattern) => matchesPattern(pattern, value));
  });
}

/** `a=b, c=d|e` for messages and reports. */
export function describeLabels(labels: KubernetesLabelSelector): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '(no labels)';
  return entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : value.join('|')}`).join(', ');
}
