import { Construct } from 'constructs';
import { MutatingPolicy, MutatingPolicyProps } from '../../../imports/kyverno-mutatingpolicies-policies.kyverno.io';
import { ValidatingPolicy, ValidatingPolicyProps } from '../../../imports/kyverno-validatingpolicies-policies.kyverno.io';
import { Layer, ReadinessCheck } from '../../core/delivery/delivery';
import { celString, CelVariable, LabelSelector, MatchDefinition, MutateRule, Operation, PolicyDefinition, POD_SPEC, RuleDefinition, ValidateRule } from '../policy';
import { ANNOTATIONS, checkDefinition, maxVersion } from './cluster-policy';

/**
 * Renders policy definitions as Kyverno's CEL kinds (`policies.kyverno.io/v1`): the validate rules
 * of a definition as one ValidatingPolicy, its mutate rules as one MutatingPolicy, both named after
 * the definition (a definition with both, like tenant-core, renders both, in one file).
 *
 * A CEL policy has one `matchConstraints` for all its rules, where a ClusterPolicy has a match per
 * rule. The constraints are the union of the rules' kinds and operations; when the rules of one
 * kind match differently, each rule's body is guarded by its own match (kind, subresource,
 * operation), so every rule still sees exactly the requests it matched as a ClusterPolicy rule.
 * Rules of one kind must share their namespace selector (checked).
 */

/** The oldest Kyverno that serves `policies.kyverno.io/v1` (where ClusterPolicy became deprecated). */
export const CEL_MIN_VERSION = '1.17.0';

/**
 * What a ClusterPolicy matches when a rule names no operation. The CEL kinds match CREATE and
 * UPDATE then: a DELETE has no object to check or patch (`object` is null) and CONNECT carries no
 * object either, so neither can bring a violation in.
 */
export const DEFAULT_CEL_OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE'];

/**
 * The Pod controllers Kyverno's ClusterPolicy autogen covers by default, by API group and version,
 * with the path of their Pod template spec.
 */
export const POD_CONTROLLERS = [
  { group: 'apps', version: 'v1', resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
  { group: 'batch', version: 'v1', resources: ['cronjobs', 'jobs'] },
  { group: '', version: 'v1', resources: ['replicationcontrollers'] },
] as const;

/**
 * The spec of the Pod a request creates or changes: the Pod's own, or the template's of a Pod
 * controller (a CronJob's is one level deeper).
 */
export const POD_SPEC_OF_CONTROLLERS = "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec";

interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
}

/** The CEL objects of `definition`: a ValidatingPolicy for its validate rules, a MutatingPolicy for its mutate rules. */
export function renderCelPolicies(definition: PolicyDefinition): { validating?: ValidatingPolicyProps; mutating?: MutatingPolicyProps } {
  checkDefinition(definition);
  const validate = definition.rules.filter((r): r is ValidateRule => r.type === 'validate');
  const mutate = definition.rules.filter((r): r is MutateRule => r.type === 'mutate');
  return {
    validating: validate.length ? renderValidatingPolicy(definition, validate) : undefined,
    mutating: mutate.length ? renderMutatingPolicy(definition, mutate) : undefined,
  };
}

/**
 * The object name of the CEL policy that holds the `type` rules of `definition`: the definition's
 * name, except for the MutatingPolicy of a definition that also validates (tenant-core), which is
 * `<name>-mutate`. Policy reports and `kyverno test` results name a policy by name only, so the two
 * objects of one definition must not share it.
 */
export function celPolicyName(definition: PolicyDefinition, type: RuleDefinition['type']): string {
  const both = definition.rules.some((r) => r.type === 'validate') && definition.rules.some((r) => r.type === 'mutate');
  return both && type === 'mutate' ? `${definition.name}-mutate` : definition.name;
}

function renderValidatingPolicy(definition: PolicyDefinition, rules: readonly ValidateRule[]): ValidatingPolicyProps {
  const group = renderGroup(definition, rules);
  // Existing violations (see existingViolation): a policy of one validation skips such an update,
  // as the ClusterPolicy rule does; with several, each validation passes it on its own.
  const enforce = definition.failureAction === 'Enforce';
  const single = rules.flatMap((r) => r.cel.validations).length === 1;
  const validations = rules.flatMap((rule) =>
    rule.cel.validations.map((v) => {
      if (!v.messageExpression && rule.message.includes('{{')) throw new Error(`policy ${definition.name} rule ${rule.name}: a message with variables needs a CEL messageExpression`);
      const guard = group.guard(rule);
      const expression = guard ? `!(${guard}) || (${v.expression})` : v.expression;
      return {
        expression: enforce && !single ? `${existingViolation(expression, group.variables ?? [])} || (${expression})` : expression,
        ...(v.messageExpression ? { messageExpression: v.messageExpression } : { message: rule.message }),
      };
    }),
  );
  return {
    metadata: { name: celPolicyName(definition, 'validate'), annotations: celAnnotations(definition) },
    spec: {
      validationActions: [definition.failureAction === 'Enforce' ? 'Deny' : 'Audit'],
      evaluation: { background: { enabled: definition.background } },
      // Controllers are matched explicitly (see renderGroup): nothing is left to Kyverno's autogen.
      autogen: { podControllers: { controllers: [] } },
      matchConstraints: group.matchConstraints,
      matchConditions:
        enforce && single
          ? [...(group.matchConditions ?? []), { name: 'not-an-existing-violation', expression: `!${existingViolation(validations[0].expression, group.variables ?? [])}` }]
          : group.matchConditions,
      variables: group.variables,
      validations,
    } as ValidatingPolicyProps['spec'],
  };
}

function renderMutatingPolicy(definition: PolicyDefinition, rules: readonly MutateRule[]): MutatingPolicyProps {
  const group = renderGroup(definition, rules);
  const patches = rules.flatMap((rule) =>
    rule.cel.jsonPatches.map((patch) => {
      if (patch.includes(POD_SPEC)) throw new Error(`policy ${definition.name} rule ${rule.name}: a mutation patches object.spec; ${POD_SPEC} is for validations`);
      const guard = group.guard(rule);
      return guard ? `(${guard}) ? (${patch}) : []` : patch;
    }),
  );
  // A ClusterPolicy mutate rule whose patch changes nothing (every field already set, an anchor
  // that does not apply) is skipped; a MutatingPolicy would report it applied. The policy applies
  // only when some patch is not empty, on the object as it came: a later patch sees what an earlier
  // one changed, but when the earlier changes nothing both see the same object. matchConditions are
  // evaluated before the variables, so the variables are written out.
  const changes = {
    name: 'changes-something',
    expression: patches.map((p) => `size(${inlineVariables(p, group.variables ?? [])}) > 0`).join(' || '),
  };
  return {
    metadata: { name: celPolicyName(definition, 'mutate'), annotations: celAnnotations(definition) },
    spec: {
      evaluation: { background: { enabled: definition.background } },
      autogen: { podControllers: { controllers: [] } },
      matchConstraints: group.matchConstraints,
      matchConditions: [...(group.matchConditions ?? []), changes],
      variables: group.variables,
      mutations: patches.map((expression) => ({ patchType: 'JSONPatch', jsonPatch: { expression } })),
    } as MutatingPolicyProps['spec'],
  };
}

/** What the rules of one CEL policy share: match constraints, conditions, variables; and each rule's guard. */
function renderGroup(definition: PolicyDefinition, rules: readonly RuleDefinition[]) {
  const where = `policy ${definition.name}`;
  const selectors = new Set(rules.map((r) => JSON.stringify(r.match.namespaceSelector ?? null)));
  if (selectors.size > 1) throw new Error(`${where}: the ${rules[0].type} rules of a CEL policy must share one namespaceSelector`);
  const pods = rules.some((r) => r.match.kinds.some((k) => k.group === '' && k.resource === 'pods'));
  if (rules[0].type === 'mutate' && definition.autogen && pods) throw new Error(`${where}: autogen of mutate rules is not rendered for the CEL kinds; set autogen to false`);
  const controllers = rules[0].type === 'validate' && definition.autogen && pods;

  const resourceRules: ResourceRule[] = [];
  const add = (group: string, version: string, operations: readonly string[], resource: string) => {
    const same = resourceRules.find((r) => r.apiGroups[0] === group && r.apiVersions[0] === version && r.operations.join() === operations.join());
    if (same) {
      if (!same.resources.includes(resource)) same.resources.push(resource);
    } else resourceRules.push({ apiGroups: [group], apiVersions: [version], operations: [...operations], resources: [resource] });
  };
  for (const rule of rules) {
    const operations = rule.match.operations ?? DEFAULT_CEL_OPERATIONS;
    for (const kind of rule.match.kinds) {
      add(kind.group, kind.version, operations, kind.resource);
      // A ClusterPolicy validate rule on Pods also sees `kubectl debug` (an UPDATE of the
      // pods/ephemeralcontainers subresource, whose object is the Pod); a CEL policy only with the
      // subresource named.
      if (rule.type === 'validate' && kind.group === '' && kind.resource === 'pods' && operations.includes('UPDATE')) add('', 'v1', operations, 'pods/ephemeralcontainers');
      // ClusterPolicy autogen, explicitly: Kyverno 1.19 autogens a CEL policy only when `pods` is
      // its one resource, which would leave the ephemeral containers subresource out.
      if (controllers && kind.group === '' && kind.resource === 'pods') for (const c of POD_CONTROLLERS) for (const r of c.resources) add(c.group, c.version, operations, r);
    }
  }

  const variables: CelVariable[] = [
    ...(pods && rules[0].type === 'validate' ? [{ name: POD_SPEC.split('.')[1], expression: controllers ? POD_SPEC_OF_CONTROLLERS : 'object.spec' }] : []),
    ...rules.flatMap((r) => r.cel.variables ?? []),
  ];
  const names = variables.map((v) => v.name);
  if (new Set(names).size !== names.length) throw new Error(`${where}: CEL variable names must be unique in the policy (${names.join(', ')})`);

  // One rule: its conditions are the policy's matchConditions (not met: skipped, as a precondition).
  // Several: each rule's match and conditions guard its own body.
  const matches = new Set(rules.map((r) => JSON.stringify({ kinds: r.match.kinds, operations: r.match.operations })));
  const single = rules.length === 1;
  const conditions = single ? rules[0].cel.conditions ?? [] : [];
  // matchConditions are evaluated before the variables exist.
  for (const c of conditions) if (c.includes('variables.')) throw new Error(`${where} rule ${rules[0].name}: a CEL condition cannot read variables (${c})`);
  return {
    matchConstraints: { namespaceSelector: renderSelector(rules[0].match.namespaceSelector), resourceRules },
    matchConditions: conditions.length ? conditions.map((expression, i) => ({ name: conditions.length > 1 ? `${rules[0].name}-${i + 1}` : rules[0].name, expression })) : undefined,
    variables: variables.length ? variables : undefined,
    guard: (rule: RuleDefinition): string | undefined => {
      if (single) return undefined;
      const parts = [...(matches.size > 1 ? [matchGuard(rule.match)] : []), ...(rule.cel.conditions ?? []).map((c) => `(${c})`)];
      return parts.length ? parts.join(' && ') : undefined;
    },
  };
}

/**
 * Kyverno (`allowExistingViolations`, on by default) does not block an update of an object that
 * already violated an Enforce rule before it, so that a Pod created before the policy can still be
 * labelled or have its finalizers removed; a ValidatingPolicy would deny it. The CEL form says the
 * same: this condition is true for an UPDATE whose old object fails the same expression (variables
 * written out, since they are computed from the new object).
 */
export function existingViolation(expression: string, variables: readonly CelVariable[]): string {
  const old = inlineVariables(expression, variables).replace(/\bobject\b/g, 'oldObject');
  return `(request.operation == 'UPDATE' && oldObject != null && !(${old}))`;
}

/** `expression` with each `variables.<name>` replaced by the variable's own expression (which may read earlier ones). */
export function inlineVariables(expression: string, variables: readonly CelVariable[]): string {
  const byName = new Map(variables.map((v) => [v.name, v.expression]));
  let result = expression;
  for (let depth = 0; /variables\.[A-Za-z_]/.test(result); depth++) {
    if (depth > variables.length) throw new Error(`cannot write out the variables of ${expression}`);
    result = result.replace(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => {
      const value = byName.get(name);
      if (value === undefined) throw new Error(`${whole} is not a variable of its policy`);
      return `(${value})`;
    });
  }
  return result;
}

/** A CEL condition that is true exactly for the requests `match` names (kind, subresource, operation). */
export function matchGuard(match: MatchDefinition): string {
  const kinds = match.kinds.map((k) => {
    const subresource = k.resource.includes('/') ? k.resource.split('/')[1] : '';
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    return `(object.apiVersion == ${celString(apiVersion)} && object.kind == ${celString(k.kind)} && request.?subResource.orValue('') == ${celString(subresource)})`;
  });
  const kind = kinds.length > 1 ? `(${kinds.join(' || ')})` : kinds[0];
  return match.operations ? `${kind} && request.operation in [${match.operations.map(celString).join(', ')}]` : kind;
}

function renderSelector(selector: LabelSelector | undefined) {
  return (
    selector && {
      matchLabels: selector.matchLabels && { ...selector.matchLabels },
      matchExpressions: selector.matchExpressions?.map((e) => ({ key: e.key, operator: e.operator, values: e.values && [...e.values] })),
    }
  );
}

/** The kyverno/policies annotations; autogen is in the spec, and the CEL kinds need Kyverno 1.17. */
function celAnnotations(definition: PolicyDefinition): Record<string, string> {
  return {
    [ANNOTATIONS.title]: definition.title,
    [ANNOTATIONS.category]: definition.category,
    [ANNOTATIONS.severity]: definition.severity,
    [ANNOTATIONS.subject]: definition.subject,
    [ANNOTATIONS.minVersion]: maxVersion([definition.minVersion, CEL_MIN_VERSION]),
    ...(definition.kubernetesVersion ? { [ANNOTATIONS.kubernetesVersion]: definition.kubernetesVersion } : {}),
    [ANNOTATIONS.description]: definition.celNote ? `${definition.description} ${definition.celNote}` : definition.description,
  };
}

/**
 * The CEL kinds report readiness in `status.conditionStatus.ready` (true once Kyverno has put the
 * policy into its webhook configuration). Like a ClusterPolicy, they have no
 * status.observedGeneration, so without these checks a GitOps tool takes them as ready on creation.
 */
const CEL_READY = 'has(status.conditionStatus) && has(status.conditionStatus.ready) && status.conditionStatus.ready == true';
export const CEL_POLICY_READINESS: readonly ReadinessCheck[] = [
  { apiVersion: ValidatingPolicy.GVK.apiVersion, kind: ValidatingPolicy.GVK.kind, ready: CEL_READY },
  { apiVersion: MutatingPolicy.GVK.apiVersion, kind: MutatingPolicy.GVK.kind, ready: CEL_READY },
];

export interface KyvernoCelPolicyProps {
  readonly definition: PolicyDefinition;
}

/** One policy, rendered as a ValidatingPolicy and/or MutatingPolicy into `<layer>/<name>.yaml`. */
export class KyvernoCelPolicy extends Construct {
  public readonly definition: PolicyDefinition;

  constructor(scope: Construct, id: string, props: KyvernoCelPolicyProps) {
    super(scope, id);
    this.definition = props.definition;
    const { validating, mutating } = renderCelPolicies(props.definition);
    const file = Layer.of(this).addFile(this, 'File', props.definition.name);
    if (validating) new ValidatingPolicy(file, 'Validating', validating);
    if (mutating) new MutatingPolicy(file, 'Mutating', mutating);
  }
}
