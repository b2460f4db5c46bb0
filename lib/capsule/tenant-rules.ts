import type { VersionProfileName } from '../versions';
import type { Explained } from '../core/validation/explain';
import { ANNOTATION_KEY_RULE, isLabelKey, isLabelValue, LABEL_KEY_RULE, LABEL_VALUE_RULE } from '../core/validation/labels';
import { quantityValue } from '../core/validation/quantity';
import { re2Problem } from '../core/validation/re2';
import { TENANT_LABEL } from './labels';

/**
 * Rules a Tenant must follow that its CRD schema cannot express. Each returns the problems with
 * field paths relative to the tenant (spec fields at top level, as in tenant files), so the same
 * rule serves the YAML loader (which adds file and line) and the constructs (which throw).
 *
 * Capsule itself only enforces some of these at admission, after a GitOps sync; the rest would
 * silently misbehave (a namespace that cannot be created, a template left verbatim).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes' own namespaces; with the prefix in force, a tenant named `kube` would own `kube-*`. */
export const KUBERNETES_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The only expressions Capsule 0.10 substitutes in namespace metadata templates. */
export const METADATA_TEMPLATE_VARIABLES = ['tenant.name', 'namespace'] as const;

/** `system:serviceaccount:<namespace>:<name>`, the username Kubernetes gives a ServiceAccount. */
export const SERVICE_ACCOUNT_OWNER = /^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

export interface TenantNameContext {
  /** Namespaces the platform itself runs in, on the tenant's clusters. */
  readonly platformNamespaces: readonly string[];
  /** Whether namespaces of this tenant must be named `<tenant>-<name>`. */
  readonly forceTenantPrefix: boolean;
}

/** A tenant name may not be, or (with the prefix in force) be a prefix of, a namespace it must not own. */
export function checkTenantName(name: string, context: TenantNameContext): Explained[] {
  const taken = [...KUBERNETES_NAMESPACES, ...context.platformNamespaces];
  if (name === 'kube' || name.startsWith('kube-') || taken.includes(name)) {
    return [{ segments: ['name'], message: `'${name}' is reserved (default, kube-*, and the platform's namespaces: ${context.platformNamespaces.join(', ')})` }];
  }
  const shadowed = taken.filter((ns) => ns.startsWith(`${name}-`));
  if (context.forceTenantPrefix && shadowed.length) {
    return [{ segments: ['name'], message: `with forceTenantPrefix, tenant '${name}' would own namespaces named ${name}-*, which includes ${shadowed.join(', ')}; choose another name` }];
  }
  return [];
}

/**
 * Whether Tenants need at least one owner under `profile`: Capsule 0.10.9's CRD requires owners
 * ("Mandatory"; nothing else grants access to a tenant there); Capsule 0.12 made them optional,
 * as administrators, TenantOwners and `permissions` grant access too.
 */
export function ownersRequired(profile: VersionProfileName): boolean {
  return profile === 'seed';
}

/**
 * Owners become subjects of the RoleBindings Capsule creates in each tenant namespace: each needs a
 * name (ServiceAccounts written as Kubernetes usernames, or Capsule never matches them), once.
 */
export function checkOwners(owners: readonly unknown[], options: { required?: boolean } = {}): Explained[] {
  // Capsule 0.12 made owners optional (administrators, TenantOwners and rules grant access too).
  if (owners.length === 0 && options.required !== false) return [{ segments: ['owners'], message: 'a tenant needs at least one owner' }];
  const problems: Explained[] = [];
  const seen = new Map<string, number>();
  owners.forEach((owner, i) => {
    const { kind, name } = (owner ?? {}) as { kind?: unknown; name?: unknown };
    if (typeof name !== 'string') return;
    if (name === '') problems.push({ segments: ['owners', String(i), 'name'], message: 'must not be empty' });
    else if (kind === 'ServiceAccount' && !SERVICE_ACCOUNT_OWNER.test(name)) {
      problems.push({
        segments: ['owners', String(i), 'name'],
        message: `a ServiceAccount owner must be written system:serviceaccount:<namespace>:<name> (got ${JSON.stringify(name)})`,
      });
    }
    const key = `${String(kind)}/${name}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push({ segments: ['owners', String(i)], message: `${String(kind)} ${name} is already an owner (owners[${first}]); list each owner once` });
    else seen.set(key, i);
  });
  return problems;
}

export const SUBJECT_KINDS = ['User', 'Group', 'ServiceAccount'] as const;
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `additionalRoleBindings` become RoleBindings in each tenant namespace; the API server refuses a
 * binding without a role or with a malformed subject (ValidateRoleBindingSubject). A ServiceAccount
 * subject without a namespace would mean the ServiceAccount of that name in every tenant namespace:
 * the platform needs it explicit (Teleport's kubernetes_users name it system:serviceaccount:<ns>:<name>).
 */
export function checkRoleBindings(spec: Readonly<Record<string, unknown>>): Explained[] {
  const bindings = spec.additionalRoleBindings;
  if (!Array.isArray(bindings)) return [];
  const problems: Explained[] = [];
  bindings.forEach((binding, i) => {
    if (!isMap(binding)) return;
    const at = ['additionalRoleBindings', String(i)];
    if (binding.clusterRoleName === '') problems.push({ segments: [...at, 'clusterRoleName'], message: 'must not be empty: name the ClusterRole the subjects get in each tenant namespace' });
    if (!Array.isArray(binding.subjects)) return;
    binding.subjects.forEach((subject, j) => {
      if (!isMap(subject)) return;
      const where = [...at, 'subjects', String(j)];
      const { kind, name, namespace, apiGroup } = subject;
      if (name === '') problems.push({ segments: [...where, 'name'], message: 'must not be empty' });
      if (typeof kind === 'string' && !(SUBJECT_KINDS as readonly string[]).includes(kind)) {
        problems.push({ segments: [...where, 'kind'], message: `must be one of ${SUBJECT_KINDS.map((k) => `"${k}"`).join(', ')} (got ${JSON.stringify(kind)})` });
      } else if (kind === 'ServiceAccount') {
        if (typeof name === 'string' && name !== '' && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) {
          problems.push({ segments: [...where, 'name'], message: `must be a ServiceAccount name: a DNS-1123 subdomain (got ${JSON.stringify(name)})` });
        }
        if (namespace === undefined || namespace === '') problems.push({ segments: [...where, 'namespace'], message: 'a ServiceAccount subject needs the namespace of the ServiceAccount' });
        else if (typeof namespace === 'string' && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
          problems.push({ segments: [...where, 'namespace'], message: `must be a namespace name: a DNS-1123 label (got ${JSON.stringify(namespace)})` });
        }
        if (apiGroup !== undefined && apiGroup !== '') problems.push({ segments: [...where, 'apiGroup'], message: `must be "" (or left out) for a ServiceAccount (got ${JSON.stringify(apiGroup)})` });
      } else if (kind === 'User' || kind === 'Group') {
        if (apiGroup !== undefined && apiGroup !== '' && apiGroup !== RBAC_GROUP) {
          problems.push({ segments: [...where, 'apiGroup'], message: `must be "${RBAC_GROUP}" (or left out) for a ${kind} (got ${JSON.stringify(apiGroup)})` });
        }
      }
    });
  });
  return problems;
}

/**
 * Namespace metadata templates, as Capsule 0.10.9 substitutes them (controllers/tenant/namespaces.go):
 * in the values of `additionalMetadataList` only (neither in keys nor in the deprecated
 * `additionalMetadata`), with the delimiters `{{ ` and ` }}`, and only `tenant.name` and
 * `namespace`. Anything else stays as written (an invalid label value, a literal annotation) or,
 * for an unknown name, becomes empty.
 */
export function checkMetadataTemplates(spec: Readonly<Record<string, unknown>>): Explained[] {
  const options = (spec.namespaceOptions ?? {}) as { additionalMetadata?: unknown; additionalMetadataList?: unknown };
  const blocks: Array<[string[], unknown, boolean]> = [[['namespaceOptions', 'additionalMetadata'], options.additionalMetadata, false]];
  if (Array.isArray(options.additionalMetadataList)) {
    options.additionalMetadataList.forEach((entry, i) => blocks.push([['namespaceOptions', 'additionalMetadataList', String(i)], entry, true]));
  }
  const problems: Explained[] = [];
  for (const [segments, block, substituted] of blocks) {
    for (const field of ['labels', 'annotations']) {
      const map = (block as Record<string, unknown> | undefined)?.[field];
      if (!map || typeof map !== 'object') continue;
      for (const [key, value] of Object.entries(map)) {
        const at = [...segments, field, key];
        if (key.includes('{{')) problems.push({ segments: at, message: 'Capsule substitutes templates in values only, not in keys' });
        else if (typeof value !== 'string' || !value.includes('{{')) continue;
        else if (!substituted) {
          problems.push({ segments: at, message: 'Capsule substitutes templates in additionalMetadataList only, not in additionalMetadata: this value would stay as written' });
        } else {
          const problem = templateProblem(value);
          if (problem) problems.push({ segments: at, message: problem });
        }
      }
    }
  }
  return problems;
}

const TEMPLATE = /\{\{(.*?)\}\}/g;
const SUBSTITUTED = `Capsule only substitutes ${METADATA_TEMPLATE_VARIABLES.map((v) => `{{ ${v} }}`).join(' and ')}`;

/** Why Capsule would not substitute every template in `value` as meant. */
function templateProblem(value: string): string | undefined {
  for (const [text, inner] of value.matchAll(TEMPLATE)) {
    const name = inner.trim();
    if (!(METADATA_TEMPLATE_VARIABLES as readonly string[]).includes(name)) return `unknown template {{ ${name} }}; ${SUBSTITUTED}`;
    if (inner !== ` ${name} `) return `${text} stays as written: ${SUBSTITUTED}, with one space inside the braces`;
  }
  const rest = value.replace(TEMPLATE, '');
  return rest.includes('{{') || rest.includes('}}') ? `unbalanced {{ and }}; ${SUBSTITUTED}` : undefined;
}

/** A namespace the platform creates for a tenant. */
export interface TenantNamespace {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Namespaces created from Git must be ones Capsule will accept for the tenant: prefixed when the
 * prefix is in force, within the namespace quota, free of forbidden labels and annotations, and not
 * one of the cluster's own.
 */
export function checkTenantNamespaces(
  tenant: string,
  namespaces: readonly TenantNamespace[],
  spec: Readonly<Record<string, unknown>>,
  context: TenantNameContext,
): Explained[] {
  const problems: Explained[] = [];
  const at = (i: number, ...rest: string[]) => ['platform', 'namespaces', String(i), ...rest];
  const options = (spec.namespaceOptions ?? {}) as {
    quota?: number;
    forbiddenLabels?: { denied?: string[]; deniedRegex?: string };
    forbiddenAnnotations?: { denied?: string[]; deniedRegex?: string };
  };
  const seen = new Set<string>();
  namespaces.forEach((ns, i) => {
    if (!DNS_LABEL.test(ns.name) || ns.name.length > 63) {
      problems.push({ segments: at(i, 'name'), message: `must be a DNS-1123 label (got ${JSON.stringify(ns.name)})` });
      return;
    }
    if (seen.has(ns.name)) problems.push({ segments: at(i, 'name'), message: `namespace '${ns.name}' is listed twice` });
    seen.add(ns.name);
    if ((KUBERNETES_NAMESPACES as readonly string[]).includes(ns.name) || ns.name.startsWith('kube-') || context.platformNamespaces.includes(ns.name)) {
      problems.push({ segments: at(i, 'name'), message: `'${ns.name}' is a namespace of Kubernetes or of the platform` });
    } else if (context.forceTenantPrefix && !ns.name.startsWith(`${tenant}-`)) {
      problems.push({ segments: at(i, 'name'), message: `with forceTenantPrefix, namespaces of tenant '${tenant}' must be named ${tenant}-<name> (got '${ns.name}')` });
    }
    if (ns.labels && TENANT_LABEL in ns.labels) {
      problems.push({ segments: at(i, 'labels', TENANT_LABEL), message: 'set by the platform (the tenant the namespace is listed under)' });
    }
    problems.push(...forbidden(ns.labels, options.forbiddenLabels, at(i, 'labels'), 'label'));
    problems.push(...forbidden(ns.annotations, options.forbiddenAnnotations, at(i, 'annotations'), 'annotation'));
  });
  if (options.quota !== undefined && namespaces.length > options.quota) {
    problems.push({ segments: ['platform', 'namespaces'], message: `${namespaces.length} namespaces exceed namespaceOptions.quota (${options.quota}); Capsule would refuse the extra ones` });
  }
  return problems;
}

function forbidden(
  map: Readonly<Record<string, string>> | undefined,
  rule: { denied?: string[]; deniedRegex?: string } | undefined,
  segments: string[],
  what: string,
): Explained[] {
  if (!map || !rule) return [];
  const regex = rule.deniedRegex ? safeRegex(rule.deniedRegex) : undefined;
  return Object.keys(map)
    .filter((key) => rule.denied?.includes(key) || regex?.test(key))
    .map((key) => ({ segments: [...segments, key], message: `the tenant forbids this ${what} (namespaceOptions.forbidden${what === 'label' ? 'Labels' : 'Annotations'})` }));
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/**
 * Pairs of tenants where one name is a dash-prefix of the other (`oil`, `oil-prod`) and the prefix
 * is in force for either: Capsule could not tell whose `oil-prod-x` is.
 */
export function findPrefixCollisions(tenants: ReadonlyArray<{ name: string; forceTenantPrefix: boolean }>): Array<[string, string]> {
  const byName = new Map(tenants.map((t) => [t.name, t]));
  const collisions: Array<[string, string]> = [];
  for (const long of tenants) {
    const parts = long.name.split('-');
    for (let n = 1; n < parts.length; n++) {
      const short = byName.get(parts.slice(0, n).join('-'));
      if (short && (short.forceTenantPrefix || long.forceTenantPrefix)) collisions.push([short.name, long.name]);
    }
  }
  return collisions.sort(([a1, b1], [a2, b2]) => a1.localeCompare(a2) || b1.localeCompare(b2));
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/**
 * The checks made in one walk over a tenant's settings: its spec (`base` empty) or another part of
 * its file (`base` says where). The CRD schema only says these are strings; Capsule's webhook, or the
 * API server when Capsule copies them into namespaces, Pods, Services or quotas, refuses them.
 * - every `*Regex` field (`deniedRegex`, `allowedRegex`...) must compile in Go's RE2 (approximated, see re2.ts);
 * - every `labels`, `matchLabels` and `nodeSelector` map holds valid label keys and values, and every
 *   `annotations` map valid keys (except templates Capsule substitutes, see checkMetadataTemplates);
 * - every `matchExpressions` entry is a valid label selector requirement.
 */
export function checkTenantFields(root: unknown, base: readonly string[] = []): Explained[] {
  const problems: Explained[] = [];
  const visit = (value: unknown, segments: string[]) => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...segments, String(i)]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const at = [...segments, key];
        if (key.endsWith('Regex') && typeof child === 'string') {
          const problem = re2Problem(child);
          if (problem) problems.push({ segments: at, message: problem });
        } else if ((key === 'labels' || key === 'matchLabels' || key === 'nodeSelector') && isMap(child)) {
          problems.push(...labelMapProblems(child, at, 'label', base.length === 0 && isMetadataTemplateBlock(segments)));
        } else if (key === 'annotations' && isMap(child)) {
          problems.push(...labelMapProblems(child, at, 'annotation', base.length === 0 && isMetadataTemplateBlock(segments)));
        } else if (key === 'matchExpressions' && Array.isArray(child) && segments[segments.length - 1] !== 'scopeSelector') {
          // (A ResourceQuota's scopeSelector is not a label selector: checkQuotasAndLimits.)
          child.forEach((requirement, i) => problems.push(...requirementProblems(requirement, [...at, String(i)])));
        } else visit(child, at);
      }
    }
  };
  visit(root, [...base]);
  return problems;
}

/** `namespaceOptions.additionalMetadata` or an item of `additionalMetadataList`, where templates are checked instead. */
function isMetadataTemplateBlock(segments: readonly string[]): boolean {
  return (
    segments[0] === 'namespaceOptions' &&
    ((segments.length === 2 && segments[1] === 'additionalMetadata') || (segments.length === 3 && segments[1] === 'additionalMetadataList'))
  );
}

function labelMapProblems(map: Record<string, unknown>, segments: string[], kind: 'label' | 'annotation', templated: boolean): Explained[] {
  const problems: Explained[] = [];
  for (const [key, value] of Object.entries(map)) {
    const at = [...segments, key];
    if (!(templated && key.includes('{{')) && !isLabelKey(key)) {
      problems.push({ segments: at, message: kind === 'label' ? `not a valid label key; ${LABEL_KEY_RULE}` : `not a valid annotation key; ${ANNOTATION_KEY_RULE}` });
    }
    if (kind === 'label' && typeof value === 'string' && !(templated && value.includes('{{')) && !isLabelValue(value)) {
      problems.push({ segments: at, message: `${quoteLabelValue(value)} is not a valid label value; ${LABEL_VALUE_RULE}` });
    }
  }
  return problems;
}

/** A label selector requirement (`{key, operator, values}`), as Kubernetes validates it. */
function requirementProblems(requirement: unknown, segments: string[]): Explained[] {
  if (!isMap(requirement)) return [];
  const { key, operator, values } = requirement;
  const problems: Explained[] = [];
  if (typeof key === 'string' && !isLabelKey(key)) problems.push({ segments: [...segments, 'key'], message: `${JSON.stringify(key)} is not a valid label key; ${LABEL_KEY_RULE}` });
  problems.push(...operatorProblems(operator, values, segments));
  if (Array.isArray(values)) {
    values.forEach((value, i) => {
      if (typeof value === 'string' && !isLabelValue(value)) {
        problems.push({ segments: [...segments, 'values', String(i)], message: `${quoteLabelValue(value)} is not a valid label value; ${LABEL_VALUE_RULE}` });
      }
    });
  }
  return problems;
}

/** The operator of a selector requirement, and the values it needs (label and scope selectors alike). */
function operatorProblems(operator: unknown, values: unknown, segments: string[]): Explained[] {
  if (typeof operator !== 'string') return [];
  const count = Array.isArray(values) ? values.length : 0;
  if (!(SELECTOR_OPERATORS as readonly string[]).includes(operator)) {
    return [{ segments: [...segments, 'operator'], message: `must be one of ${SELECTOR_OPERATORS.map((o) => `"${o}"`).join(', ')} (got ${JSON.stringify(operator)})` }];
  }
  if ((operator === 'In' || operator === 'NotIn') && count === 0) return [{ segments: [...segments, 'values'], message: `must not be empty when operator is ${operator}` }];
  if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) return [{ segments: [...segments, 'values'], message: `must be empty when operator is ${operator}` }];
  return [];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The scopes a ResourceQuota may have (k8s.io/api/core/v1 ResourceQuotaScope). */
export const RESOURCE_QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'] as const;
// Scopes that are true or false of a Pod, so a scope selector can only ask that they hold.
const EXISTS_ONLY_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'CrossNamespacePodAffinity'];
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

export const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'] as const;
const LIMIT_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
// Each pair [a, b] must have a <= b for every resource both set (the API server's LimitRange rules).
const LIMIT_ORDER: ReadonlyArray<readonly [(typeof LIMIT_FIELDS)[number], (typeof LIMIT_FIELDS)[number]]> = [
  ['min', 'max'],
  ['min', 'defaultRequest'],
  ['defaultRequest', 'max'],
  ['defaultRequest', 'default'],
  ['min', 'default'],
  ['default', 'max'],
];

/**
 * Capsule copies `resourceQuotas.items` and `limitRanges.items` into every tenant namespace as
 * ResourceQuotas and LimitRanges; the API server validates those (ValidateResourceQuotaSpec,
 * ValidateLimitRange), so what it would refuse is refused here, in the tenant file.
 */
export function checkQuotasAndLimits(spec: Readonly<Record<string, unknown>>): Explained[] {
  const problems: Explained[] = [];
  const quotas = (spec.resourceQuotas as { items?: unknown } | undefined)?.items;
  if (Array.isArray(quotas)) quotas.forEach((quota, i) => problems.push(...quotaProblems(quota, ['resourceQuotas', 'items', String(i)])));
  const ranges = (spec.limitRanges as { items?: unknown } | undefined)?.items;
  if (Array.isArray(ranges)) {
    ranges.forEach((range, i) => {
      const limits = isMap(range) ? range.limits : undefined;
      if (Array.isArray(limits)) problems.push(...limitsProblems(limits, ['limitRanges', 'items', String(i), 'limits']));
    });
  }
  return problems;
}

function quotaProblems(quota: unknown, segments: string[]): Explained[] {
  if (!isMap(quota)) return [];
  const problems = negativeQuantities(quota.hard, [...segments, 'hard']);
  const scopes = Array.isArray(quota.scopes) ? quota.scopes : [];
  scopes.forEach((scope, i) => {
    if (typeof scope === 'string' && !(RESOURCE_QUOTA_SCOPES as readonly string[]).includes(scope)) {
      problems.push({ segments: [...segments, 'scopes', String(i)], message: `must be one of ${RESOURCE_QUOTA_SCOPES.map((s) => `"${s}"`).join(', ')} (got ${JSON.stringify(scope)})` });
    }
  });
  problems.push(...conflictingScopes(scopes, [...segments, 'scopes']));
  const expressions = isMap(quota.scopeSelector) ? quota.scopeSelector.matchExpressions : undefined;
  if (Array.isArray(expressions)) {
    const at = [...segments, 'scopeSelector', 'matchExpressions'];
    expressions.forEach((expression, i) => {
      if (!isMap(expression)) return;
      const { scopeName, operator, values } = expression;
      if (typeof scopeName === 'string' && !(RESOURCE_QUOTA_SCOPES as readonly string[]).includes(scopeName)) {
        problems.push({ segments: [...at, String(i), 'scopeName'], message: `must be one of ${RESOURCE_QUOTA_SCOPES.map((s) => `"${s}"`).join(', ')} (got ${JSON.stringify(scopeName)})` });
      } else if (typeof scopeName === 'string' && EXISTS_ONLY_SCOPES.includes(scopeName) && operator !== 'Exists' && typeof operator === 'string') {
        problems.push({ segments: [...at, String(i), 'operator'], message: `must be "Exists" for scope ${scopeName}, which a Pod either has or has not (got ${JSON.stringify(operator)})` });
        return;
      }
      problems.push(...operatorProblems(operator, values, [...at, String(i)]));
    });
    problems.push(...conflictingScopes(expressions.map((e) => (isMap(e) ? e.scopeName : undefined)), at));
  }
  return problems;
}

function conflictingScopes(scopes: readonly unknown[], segments: string[]): Explained[] {
  return CONFLICTING_SCOPES.filter((pair) => pair.every((scope) => scopes.includes(scope))).map(([a, b]) => ({
    segments,
    message: `a quota cannot have both ${a} and ${b}: they exclude each other`,
  }));
}

function limitsProblems(limits: readonly unknown[], segments: string[]): Explained[] {
  const problems: Explained[] = [];
  const types = new Set<unknown>();
  limits.forEach((limit, i) => {
    if (!isMap(limit)) return;
    const at = [...segments, String(i)];
    const { type } = limit;
    if (typeof type === 'string' && !(LIMIT_TYPES as readonly string[]).includes(type)) {
      problems.push({ segments: [...at, 'type'], message: `must be one of ${LIMIT_TYPES.map((t) => `"${t}"`).join(', ')} (got ${JSON.stringify(type)})` });
    } else if (types.has(type)) {
      problems.push({ segments: [...at, 'type'], message: `a LimitRange has one entry per type: ${String(type)} is already limited above` });
    }
    types.add(type);
    for (const field of LIMIT_FIELDS) problems.push(...negativeQuantities(limit[field], [...at, field]));
    if (type === 'Pod') {
      for (const field of ['default', 'defaultRequest']) {
        if (isMap(limit[field]) && Object.keys(limit[field] as object).length) {
          problems.push({ segments: [...at, field], message: 'not allowed when type is Pod: defaults apply to containers, so put them in an entry of type Container' });
        }
      }
    }
    if (type === 'PersistentVolumeClaim' && !has(limit.min, 'storage') && !has(limit.max, 'storage')) {
      problems.push({ segments: at, message: 'a PersistentVolumeClaim limit needs min.storage or max.storage' });
    }
    for (const [low, high] of LIMIT_ORDER) {
      // (A Pod entry's defaults are refused above, not compared.)
      if (type === 'Pod' && [low, high].some((f) => f === 'default' || f === 'defaultRequest')) continue;
      const lows = isMap(limit[low]) ? (limit[low] as Record<string, unknown>) : {};
      const highs = isMap(limit[high]) ? (limit[high] as Record<string, unknown>) : {};
      for (const [resource, amount] of Object.entries(lows)) {
        const a = quantityValue(amount);
        const b = quantityValue(highs[resource]);
        if (a !== undefined && b !== undefined && a > b) {
          problems.push({ segments: [...at, low, resource], message: `${low} ${String(amount)} is greater than ${high} ${String(highs[resource])}` });
        }
      }
    }
    const ratios = isMap(limit.maxLimitRequestRatio) ? limit.maxLimitRequestRatio : {};
    for (const [resource, ratio] of Object.entries(ratios)) {
      const value = quantityValue(ratio);
      if (value !== undefined && value >= 0 && value < 1) problems.push({ segments: [...at, 'maxLimitRequestRatio', resource], message: `must be at least 1: a limit is never below its request (got ${String(ratio)})` });
    }
  });
  return problems;
}

/** Amounts below zero in a resource map (the API server refuses them in quotas and limit ranges). */
function negativeQuantities(map: unknown, segments: string[]): Explained[] {
  if (!isMap(map)) return [];
  return Object.entries(map)
    .filter(([, amount]) => (quantityValue(amount) ?? 0) < 0)
    .map(([resource, amount]) => ({ segments: [...segments, resource], message: `must not be negative (got ${JSON.stringify(amount)})` }));
}

function has(map: unknown, key: string): boolean {
  return isMap(map) && map[key] !== undefined;
}

/** A label value for a message: quoted whole up to 100 characters (a 64-character value shows why), shortened beyond. */
function quoteLabelValue(value: string): string {
  return value.length <= 100 ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, 40))}... (${value.length} characters)`;
}
