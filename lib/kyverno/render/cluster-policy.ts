import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  ClusterPolicy,
  ClusterPolicyProps,
  ClusterPolicySpecRules,
  ClusterPolicySpecRulesContext,
  ClusterPolicySpecRulesMatchAnyResourcesOperations,
  ClusterPolicySpecRulesMutate,
  ClusterPolicySpecRulesMutateForeach,
  ClusterPolicySpecRulesValidate,
  ClusterPolicySpecRulesValidateFailureAction,
  ClusterPolicySpecRulesValidateForeach,
} from '../../../imports/kyverno-clusterpolicies-kyverno.io';
import { Layer, ReadinessCheck } from '../../core/delivery/delivery';
import type { Conditions, JsonPatchOperation, MatchDefinition, PolicyDefinition, ResourceKind, RuleDefinition } from '../policy';

/**
 * Renders policy definitions as `kyverno.io/v1` ClusterPolicy, the form Kyverno 1.19 enforces, in
 * the shape that stays valid as `kyverno.io/v2beta1` too: `match.any` (never the deprecated bare
 * `match.resources`), conditions in `any`/`all`, and the failure action on each validate rule
 * (`validate.failureAction`; the spec-level `validationFailureAction` is deprecated since 1.13).
 */

/** Kyverno versions that introduced a field this renderer emits. */
const FORM_MIN_VERSIONS = {
  /** `match.any[].resources.operations` */
  operations: '1.10.0',
  /** `validate.failureAction` */
  ruleFailureAction: '1.13.0',
};

/** kyverno/policies annotation keys. */
export const ANNOTATIONS = {
  title: 'policies.kyverno.io/title',
  category: 'policies.kyverno.io/category',
  severity: 'policies.kyverno.io/severity',
  subject: 'policies.kyverno.io/subject',
  minVersion: 'policies.kyverno.io/minversion',
  kubernetesVersion: 'kyverno.io/kubernetes-version',
  autogenControllers: 'pod-policies.kyverno.io/autogen-controllers',
  description: 'policies.kyverno.io/description',
} as const;

/** The ClusterPolicy of `definition`, in wire format (the generated props are wire format for this kind). */
export function renderClusterPolicy(definition: PolicyDefinition): ClusterPolicyProps {
  checkDefinition(definition);
  const usesOperations = definition.rules.some((r) => r.match.operations);
  const validates = definition.rules.some((r) => r.type === 'validate');
  const minVersion = maxVersion([
    definition.minVersion,
    ...(usesOperations ? [FORM_MIN_VERSIONS.operations] : []),
    ...(validates ? [FORM_MIN_VERSIONS.ruleFailureAction] : []),
  ]);
  // kyverno.io/kyverno-version (the version a policy was tested with) is left out: the policies are
  // tested by `npm run conformance` with the pinned CLI, which is not a property of the output.
  const annotations: Record<string, string> = {
    [ANNOTATIONS.title]: definition.title,
    [ANNOTATIONS.category]: definition.category,
    [ANNOTATIONS.severity]: definition.severity,
    [ANNOTATIONS.subject]: definition.subject,
    [ANNOTATIONS.minVersion]: minVersion,
    ...(definition.kubernetesVersion ? { [ANNOTATIONS.kubernetesVersion]: definition.kubernetesVersion } : {}),
    ...(definition.autogen || !matchesPods(definition) ? {} : { [ANNOTATIONS.autogenControllers]: 'none' }),
    [ANNOTATIONS.description]: definition.description,
  };
  return {
    metadata: { name: definition.name, annotations },
    spec: {
      background: definition.background,
      rules: definition.rules.map((rule) => renderRule(rule, definition)),
    },
  };
}

/**
 * A ClusterPolicy is in force once Kyverno has put it into its webhook configuration, which it
 * reports as condition Ready=True. The policy has no status.observedGeneration and no status at all
 * until Kyverno has seen it, so without this check a GitOps tool takes it as ready on creation.
 */
export const CLUSTER_POLICY_READINESS: ReadinessCheck = {
  apiVersion: ClusterPolicy.GVK.apiVersion,
  kind: ClusterPolicy.GVK.kind,
  ready: "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
};

export interface KyvernoClusterPolicyProps {
  readonly definition: PolicyDefinition;
}

/** One policy, rendered as a ClusterPolicy into `<layer>/<name>.yaml`. */
export class KyvernoClusterPolicy extends Construct {
  public readonly definition: PolicyDefinition;

  constructor(scope: Construct, id: string, props: KyvernoClusterPolicyProps) {
    super(scope, id);
    this.definition = props.definition;
    const file = Layer.of(this).addFile(this, 'File', props.definition.name);
    new ClusterPolicy(file, 'Resource', renderClusterPolicy(props.definition));
  }
}

function renderRule(rule: RuleDefinition, policy: PolicyDefinition): ClusterPolicySpecRules {
  const base = {
    name: rule.name,
    match: { any: [{ resources: renderMatch(rule.match) }] },
    context: rule.context?.map((c) => c as ClusterPolicySpecRulesContext),
    preconditions: renderConditions(rule.preconditions),
  };
  if (rule.type === 'validate') {
    const validate: ClusterPolicySpecRulesValidate = {
      failureAction: policy.failureAction as ClusterPolicySpecRulesValidateFailureAction,
      message: rule.message,
      pattern: rule.pattern,
      deny: rule.deny && { conditions: renderConditions(rule.deny.conditions) },
      foreach: rule.foreach?.map(
        (f): ClusterPolicySpecRulesValidateForeach => ({
          list: f.list,
          deny: f.deny && { conditions: renderConditions(f.deny.conditions) },
          pattern: f.pattern,
        }),
      ),
    };
    return { ...base, validate };
  }
  const mutate: ClusterPolicySpecRulesMutate = {
    patchStrategicMerge: rule.patchStrategicMerge,
    patchesJson6902: rule.patchesJson6902 && renderJsonPatch(rule.patchesJson6902),
    foreach: rule.foreach?.map(
      (f) =>
        ({
          list: f.list,
          preconditions: renderConditions(f.preconditions),
          patchStrategicMerge: f.patchStrategicMerge,
          patchesJson6902: f.patchesJson6902 && renderJsonPatch(f.patchesJson6902),
        }) as ClusterPolicySpecRulesMutateForeach,
    ),
  };
  return { ...base, mutate };
}

function renderMatch(match: MatchDefinition) {
  return {
    kinds: match.kinds.map(renderKind),
    operations: match.operations?.map((o) => o as ClusterPolicySpecRulesMatchAnyResourcesOperations),
    namespaceSelector: match.namespaceSelector && {
      matchLabels: match.namespaceSelector.matchLabels && { ...match.namespaceSelector.matchLabels },
      matchExpressions: match.namespaceSelector.matchExpressions?.map((e) => ({ key: e.key, operator: e.operator, values: e.values && [...e.values] })),
    },
  };
}

/**
 * Core kinds as a bare kind (`Pod`: what autogen and the upstream policies use), others fully
 * qualified (`apps/v1/DaemonSet`, `capsule.clastix.io/v1beta2/Tenant`), so that the version the
 * rule's paths were written against is the version it matches. A subresource renders as
 * `Kind/subresource`.
 */
export function renderKind(kind: ResourceKind): string {
  const subresource = kind.resource.includes('/') ? `/${kind.resource.split('/')[1]}` : '';
  return kind.group === '' ? `${kind.kind}${subresource}` : `${kind.group}/${kind.version}/${kind.kind}${subresource}`;
}

function renderConditions(conditions: Conditions | undefined): any {
  if (!conditions) return undefined;
  const copy = (list: NonNullable<Conditions['any']>) => list.map((c) => ({ key: c.key, operator: c.operator, value: c.value }));
  // preconditions and deny conditions are schemaless: nothing downstream drops an undefined key.
  return { ...(conditions.any ? { any: copy(conditions.any) } : {}), ...(conditions.all ? { all: copy(conditions.all) } : {}) };
}

/** Kyverno takes RFC 6902 patches as a YAML (or JSON) string. */
function renderJsonPatch(operations: readonly JsonPatchOperation[]): string {
  return YAML.stringify(operations.map((o) => ({ op: o.op, path: o.path, ...(o.value === undefined ? {} : { value: o.value }) })));
}

/** Mistakes in a definition that the CRD schema cannot catch. */
export function checkDefinition(definition: PolicyDefinition): void {
  const problems: string[] = [];
  const names = definition.rules.map((r) => r.name);
  if (names.length === 0) problems.push('has no rules');
  if (new Set(names).size !== names.length) problems.push(`has duplicate rule names (${names.join(', ')})`);
  const validates = definition.rules.some((r) => r.type === 'validate');
  if (validates && !definition.failureAction) problems.push('has validate rules but no failureAction');
  if (!validates && definition.failureAction) problems.push('has a failureAction but no validate rule');
  const jsonPatches = definition.rules.some((r) => r.type === 'mutate' && (r.patchesJson6902 || r.foreach?.some((f) => f.patchesJson6902)));
  // Kyverno turns autogen off for the whole policy when any rule has a JSON patch; say so explicitly.
  if (jsonPatches && definition.autogen && matchesPods(definition)) problems.push('uses patchesJson6902, which Kyverno cannot autogen: set autogen to false');
  for (const rule of definition.rules) {
    const bodies = rule.type === 'validate' ? [rule.pattern, rule.deny, rule.foreach] : [rule.patchStrategicMerge, rule.patchesJson6902, rule.foreach];
    if (bodies.filter((b) => b !== undefined).length !== 1) problems.push(`rule ${rule.name} needs exactly one ${rule.type} body`);
    if (rule.match.kinds.length === 0) problems.push(`rule ${rule.name} matches no kind`);
  }
  if (problems.length) throw new Error(`policy ${definition.name} ${problems.join('; ')}`);
}

/** Autogen (copies of Pod rules for Pod controllers) only concerns policies that match Pods. */
function matchesPods(definition: PolicyDefinition): boolean {
  return definition.rules.some((r) => r.match.kinds.some((k) => k.group === '' && k.kind === 'Pod'));
}

export function maxVersion(versions: readonly string[]): string {
  const parse = (v: string) => v.split('.').map(Number);
  return versions.reduce((a, b) => {
    const [pa, pb] = [parse(a), parse(b)];
    for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0) ? a : b;
    return a;
  });
}
