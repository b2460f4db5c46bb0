import { TENANT_LABEL } from '../capsule/labels';

/**
 * The definition model of a policy: what it is for, what it matches and what it does, independent
 * of the Kyverno kind it is rendered as.
 *
 * Identity, documentation, options, matching (kinds with their API resource, operations, namespace
 * selector), failure action, background scanning and autogen are engine-neutral: the ClusterPolicy
 * renderer (render/cluster-policy.ts) reads them today, and a renderer for Kyverno's CEL kinds
 * (ValidatingPolicy/MutatingPolicy, policies.kyverno.io/v1) would map them to matchConstraints,
 * validationActions, evaluation.background and autogen.podControllers. The rule logic is written
 * twice, side by side in each rule: in Kyverno's JMESPath dialect (patterns, conditions, patches),
 * which the ClusterPolicy renderer reads, and in CEL (`cel`), which the ValidatingPolicy and
 * MutatingPolicy renderer (render/cel-policy.ts) reads.
 */

/** What Kyverno does when a validate rule fails: report it (`Audit`) or reject the request (`Enforce`). */
export type FailureAction = 'Audit' | 'Enforce';
export const FAILURE_ACTIONS: readonly FailureAction[] = ['Audit', 'Enforce'];

/** Admission operations (`match.any[].resources.operations`). */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** An API kind, with the resource (plural) a CEL renderer's `resourceRules` needs. */
export interface ResourceKind {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Resource name, e.g. `pods`; `pods/ephemeralcontainers` for a subresource. */
  readonly resource: string;
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/** Which requests a rule applies to. */
export interface MatchDefinition {
  readonly kinds: readonly ResourceKind[];
  /**
   * Admission operations the rule applies to.
   * @default - every operation
   */
  readonly operations?: readonly Operation[];
  /**
   * Namespaces (by their labels) whose objects the rule applies to.
   * @default - every namespace
   */
  readonly namespaceSelector?: LabelSelector;
}

/**
 * Condition operators. `In`/`NotIn` are deprecated in Kyverno 1.19 (admission warning) and are
 * deliberately not in this list.
 */
export type ConditionOperator = 'Equals' | 'NotEquals' | 'AnyIn' | 'AllIn' | 'AnyNotIn' | 'AllNotIn' | 'GreaterThan' | 'GreaterThanOrEquals' | 'LessThan' | 'LessThanOrEquals';

export interface Condition {
  readonly key: unknown;
  readonly operator: ConditionOperator;
  readonly value: unknown;
}

/** Conditions in the `any`/`all` form (a bare list is deprecated). */
export interface Conditions {
  readonly any?: readonly Condition[];
  readonly all?: readonly Condition[];
}

/** A context entry (variable) of a rule. */
export type ContextEntry =
  | { readonly name: string; readonly configMap: { readonly name: string; readonly namespace: string } }
  | { readonly name: string; readonly apiCall: { readonly urlPath: string; readonly jmesPath?: string; readonly default?: unknown } }
  | { readonly name: string; readonly variable: { readonly jmesPath?: string; readonly value?: unknown; readonly default?: unknown } };

/** One RFC 6902 operation; the renderer turns a list of them into Kyverno's `patchesJson6902` string. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: unknown;
}

/** A named CEL expression (`variables[]` of the CEL kinds; read as `variables.<name>`). */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/**
 * The CEL body of a rule, read by the CEL renderer. Expressions see `object`, `oldObject`,
 * `request`, `namespaceObject`, `variables` and Kyverno's CEL libraries (`resource.Get`, ...).
 * Rules that read a Pod spec read `variables.podSpec` (see `POD_SPEC`): the renderer sets it to the
 * Pod's spec, or to the Pod template's spec of a Pod controller when the policy autogens.
 */
interface CelBodyBase {
  /**
   * Variables of the rule (its JMESPath `context`), unique in the policy.
   * @default - none
   */
  readonly variables?: readonly CelVariable[];
  /**
   * When the rule applies (its JMESPath `preconditions`): all must be true, else the rule is skipped.
   * @default - always
   */
  readonly conditions?: readonly string[];
}

/** The CEL body of a validate rule: it passes when every expression is true. */
export interface CelValidateBody extends CelBodyBase {
  readonly validations: ReadonlyArray<{
    readonly expression: string;
    /** A CEL string expression for the message, when it names values (the JMESPath `{{ }}`). */
    readonly messageExpression?: string;
  }>;
}

/**
 * The CEL body of a mutate rule: CEL expressions that each evaluate to a list of `JSONPatch{op,
 * path, value}` operations (RFC 6902), applied in order. JSON patches rather than apply
 * configurations: they say exactly which field changes, also on custom resources whose schema the
 * engine may not have, and an empty list is "no change".
 */
export interface CelMutateBody extends CelBodyBase {
  readonly jsonPatches: readonly string[];
}

interface RuleBase {
  /** Rule name, unique in its policy (at most 63 characters; autogen prefixes add more). */
  readonly name: string;
  readonly match: MatchDefinition;
  /** Variables, loaded in order before the preconditions. */
  readonly context?: readonly ContextEntry[];
  readonly preconditions?: Conditions;
}

export interface ValidateForeach {
  /** JMESPath of the list; each item is `element`, its index `elementIndex`. */
  readonly list: string;
  readonly deny?: { readonly conditions: Conditions };
  readonly pattern?: Record<string, unknown>;
}

export interface ValidateRule extends RuleBase {
  readonly type: 'validate';
  readonly message: string;
  /** Exactly one of `pattern`, `deny` and `foreach`. */
  readonly pattern?: Record<string, unknown>;
  readonly deny?: { readonly conditions: Conditions };
  readonly foreach?: readonly ValidateForeach[];
  /** The same rule in CEL (for ValidatingPolicy). */
  readonly cel: CelValidateBody;
}

export interface MutateForeach {
  readonly list: string;
  readonly preconditions?: Conditions;
  readonly patchStrategicMerge?: Record<string, unknown>;
  readonly patchesJson6902?: readonly JsonPatchOperation[];
}

export interface MutateRule extends RuleBase {
  readonly type: 'mutate';
  /** Exactly one of `patchStrategicMerge`, `patchesJson6902` and `foreach`. */
  readonly patchStrategicMerge?: Record<string, unknown>;
  readonly patchesJson6902?: readonly JsonPatchOperation[];
  readonly foreach?: readonly MutateForeach[];
  /** The same rule in CEL (for MutatingPolicy). */
  readonly cel: CelMutateBody;
}

export type RuleDefinition = ValidateRule | MutateRule;

export type Severity = 'low' | 'medium' | 'high';

/** A policy: metadata in the kyverno/policies conventions, behaviour, and rules. */
export interface PolicyDefinition {
  /** Object name, also the key that enables it in `platform.yaml`. */
  readonly name: string;
  readonly title: string;
  /** kyverno/policies category, e.g. `Multi-Tenancy`; comma-separated for several. */
  readonly category: string;
  readonly severity: Severity;
  /** Kinds the policy is about, e.g. `Pod`. */
  readonly subject: string;
  /** What it does and why, in plain sentences. */
  readonly description: string;
  /**
   * Where the CEL rendering differs from the ClusterPolicy one, in plain sentences: appended to the
   * description of the CEL kinds only.
   * @default - it does not differ
   */
  readonly celNote?: string;
  /**
   * Oldest Kyverno version the rule logic needs. The renderer raises it to what its output form
   * needs (e.g. per-rule `validate.failureAction` needs 1.13.0).
   */
  readonly minVersion: string;
  /** Kubernetes versions the policy is meant for (`kyverno.io/kubernetes-version`). */
  readonly kubernetesVersion?: string;
  /** Failure action of the validate rules. Required exactly when there are validate rules. */
  readonly failureAction?: FailureAction;
  /** Whether existing objects are scanned in the background and reported on. */
  readonly background: boolean;
  /**
   * Whether Kyverno may generate copies of the Pod rules for Pod controllers (Deployments, ...).
   * Mutations of Pods don't need them: mutating the Pod itself keeps controller templates equal to
   * what GitOps applied (no drift, no rollouts). Ignored for policies that match no Pods.
   */
  readonly autogen: boolean;
  readonly rules: readonly RuleDefinition[];
}

/** The kind of a generated class (`X.GVK`), with its resource name. */
export function resourceKind(gvk: { readonly apiVersion: string; readonly kind: string }, resource: string): ResourceKind {
  const [group, version] = gvk.apiVersion.includes('/') ? gvk.apiVersion.split('/') : ['', gvk.apiVersion];
  return { group, version, kind: gvk.kind, resource };
}

// Built-in kinds the policies match.
export const POD = resourceKind({ apiVersion: 'v1', kind: 'Pod' }, 'pods');
export const DAEMONSET = resourceKind({ apiVersion: 'apps/v1', kind: 'DaemonSet' }, 'daemonsets');

/** Namespaces of Capsule tenants: Capsule labels each of them with the tenant's name. */
export function tenantNamespaces(): LabelSelector {
  return { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] };
}

/** Where a policy for workloads applies. */
export type PolicyScope = 'tenants' | 'cluster';
export const POLICY_SCOPES: readonly PolicyScope[] = ['tenants', 'cluster'];

/** The namespace selector of `scope`: tenant namespaces, or none (every namespace Kyverno sees). */
export function scopeSelector(scope: PolicyScope): LabelSelector | undefined {
  return scope === 'tenants' ? tenantNamespaces() : undefined;
}

/** A JMESPath raw string literal of `value` (`'...'`), for values that come from options. */
export function jmesPathString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A JMESPath quoted identifier of `name` (`"..."`), for label keys with dots and slashes. */
export function jmesPathField(name: string): string {
  return JSON.stringify(name);
}

/** The spec a Pod rule's CEL body reads: the Pod's, or the Pod template's of a controller (autogen). */
export const POD_SPEC = 'variables.podSpec';

/** A CEL string literal of `value`. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A CEL literal of a JSON value (strings, numbers, booleans, null, lists, maps with string keys).
 * CEL lists and maps are typed by their elements: where those differ, each is marked `dyn()`.
 */
export function celValue(value: unknown): string {
  if (typeof value === 'string') return celString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const kind = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);
  const elements = (values: readonly unknown[]) => {
    const mixed = new Set(values.map(kind)).size > 1;
    return values.map((v) => (mixed ? `dyn(${celValue(v)})` : celValue(v)));
  };
  if (Array.isArray(value)) return `[${elements(value).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  const rendered = elements(entries.map(([, v]) => v));
  return `{${entries.map(([k], i) => `${celString(k)}: ${rendered[i]}`).join(', ')}}`;
}

/** A CEL `JSONPatch` operation. */
export function celPatch(op: JsonPatchOperation['op'], path: string, value?: string): string {
  return `JSONPatch{op: ${celString(op)}, path: ${path}${value === undefined ? '' : `, value: ${value}`}}`;
}
