import * as YAML from 'yaml';
import type { PolicyDefinition, RuleDefinition } from '../../lib/kyverno/policy';
import { celPolicyName } from '../../lib/kyverno/render/cel-policy';
import { RenderedPolicies, renderPolicies } from '../../lib/kyverno/testing';
import type { ParsedTest, PolicyRendering, RenderedSet, TestResult, TestRow } from './kyverno-suites';

/**
 * The forms every `kyverno test` suite runs against (RENDERINGS): the ClusterPolicy and the CEL
 * kinds (ValidatingPolicy, MutatingPolicy), each rendered through the platform's own pipeline (CRD
 * validation included), with the same resources, inputs and expected results.
 *
 * The suites are written once, in the kyverno/policies style, naming the ClusterPolicy's rules.
 * For the CEL kinds `kyverno test` 1.19.0 reads a result differently, and the CEL rendering
 * restates the same expectations in that reading (celResults): a result names the CEL policy that
 * holds the rule (`celPolicyName`: tenant-core's mutate rule is MutatingPolicy tenant-core-mutate)
 * and no rule (the CLI checks every response of a CEL policy, cmd/cli/kubectl-kyverno/commands/test/
 * command.go isRulelessPolicyKind), one result per resource and operation, which fails when any of
 * the policy's rules fails there, patches when any patches, and is skipped when all are.
 */

/** What the platform renders for one option set, as the suites read it. */
function renderedSet(rendered: RenderedPolicies): RenderedSet {
  const content = (name: string) => rendered.files.find((f) => f.path.endsWith(`/${name}.yaml`))!.content;
  return {
    policies: new Map([...rendered.definitions.keys()].map((name) => [name, content(name)])),
    definitions: rendered.definitions,
    platformObjects: [rendered.globalConfig],
  };
}

/** The ClusterPolicy renderer (`kyverno.api: clusterpolicy`, the default); the suites are written for it. */
export const CLUSTER_POLICY: PolicyRendering = {
  name: 'ClusterPolicy',
  render: (selection, publicNamespaces) => renderedSet(renderPolicies(selection, publicNamespaces)),
};

/** The CEL renderer (`kyverno.api: cel`): ValidatingPolicy and MutatingPolicy. */
export const CEL_POLICIES: PolicyRendering = {
  name: 'CEL',
  render: (selection, publicNamespaces) => renderedSet(renderPolicies(selection, publicNamespaces, 'cel')),
  ruleless: true,
  adaptResults: celResults,
  acceptRow: notMatchedSkip,
  cannotRun: oldObjectAsValues,
};

/** The renderings every suite runs against; a new renderer adds its entry here. */
export const RENDERINGS: readonly PolicyRendering[] = [CLUSTER_POLICY, CEL_POLICIES];

/** The definition's rule a suite result names (an autogen copy names the Pod rule it was made from). */
function ruleOf(definition: PolicyDefinition, result: TestResult): RuleDefinition {
  const name = (result.rule ?? '').replace(/^autogen-(cronjob-)?/, '');
  const rule = definition.rules.find((r) => r.name === name);
  // suiteProblems has reported a result without a rule of the definition before this runs.
  if (!rule) throw new Error(`${definition.name} has no rule ${result.rule}`);
  return rule;
}

/**
 * The label a CEL result carries in `rule` (the CLI does not match on it for CEL kinds, it only
 * prints it in rows without a response): the rules it stands for, and its operation, so that such
 * a row names the expectation it answers.
 */
export function celResultLabel(rules: readonly string[], operation?: string): string {
  return `${rules.join('+')}${operation ? ` on ${operation}` : ''}`;
}

/** The suite's results as `kyverno test` reads them for the CEL kinds (see the file comment). */
export function celResults(results: readonly TestResult[], definition: PolicyDefinition): TestResult[] {
  interface Group {
    readonly policy: string;
    readonly type: RuleDefinition['type'];
    readonly kind: string;
    readonly resource: string;
    readonly operation?: string;
    readonly rules: Set<string>;
    readonly results: TestResult[];
  }
  const groups = new Map<string, Group>();
  for (const result of results) {
    const rule = ruleOf(definition, result);
    const policy = celPolicyName(definition, rule.type);
    for (const resource of result.resources ?? []) {
      // The CLI matches a result's resources by name whatever their kind (names are unique in a test).
      const key = [policy, result.operation ?? '', resource].join('|');
      if (!groups.has(key)) groups.set(key, { policy, type: rule.type, kind: result.kind, resource, operation: result.operation, rules: new Set(), results: [] });
      groups.get(key)!.rules.add(rule.name);
      groups.get(key)!.results.push(result);
    }
  }
  return [...groups.values()].map((group) => {
    const outcomes = new Set(group.results.map((r) => r.result));
    const patched = [...new Set(group.results.filter((r) => r.result === 'pass' && r.patchedResources).map((r) => r.patchedResources!))];
    if (patched.length > 1) {
      throw new Error(`${definition.name}: ${group.resource} has different patched resources for the rules of one MutatingPolicy (${patched.join(', ')}); the CLI compares the policy's whole patch`);
    }
    const result = (['error', 'fail', 'warn', 'pass'] as const).find((o) => outcomes.has(o)) ?? 'skip';
    return {
      policy: group.policy,
      rule: celResultLabel([...group.rules], group.operation),
      kind: group.kind,
      resources: [group.resource],
      result,
      ...(result === 'pass' && patched.length ? { patchedResources: patched[0] } : {}),
      ...(group.operation ? { operation: group.operation } : {}),
      ...(group.type === 'validate' ? { isValidatingPolicy: true } : { isMutatingPolicy: true }),
    };
  });
}

/** A `kind/resource` admission request, read from a result row's resource (`<apiVersion>/<kind>/<namespace>/<name>`). */
export function rowResource(resource: string): { apiVersion: string; kind: string; namespace: string; name: string } {
  const parts = resource.split('/');
  const [name, namespace, kind] = [parts.pop()!, parts.pop()!, parts.pop()!];
  return { apiVersion: parts.join('/'), kind, namespace, name };
}

interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
}

/**
 * Why the CLI's `Not found` for an expected skip is the CEL policy not matching the request, or
 * undefined when it is not that.
 *
 * `kyverno test` 1.19.0 drops the response of a CEL policy that matched nothing when its
 * matchConstraints are one plain resource rule (cmd/cli/kubectl-kyverno/processor/
 * policy_processor.go, `hasSelector`), and then reports the result as `Not found`; the same
 * policy with a namespace selector gets `Excluded`, as a ClusterPolicy rule that matches nothing
 * does. The row is accepted only for an expected skip whose operation the rendered policy's
 * resource rules do not list for the resource: the API server would not even send that request to
 * Kyverno.
 */
export function notMatchedSkip(row: TestRow, results: readonly TestResult[], renderedPolicy: string, definition: PolicyDefinition): string | undefined {
  if (row.REASON !== 'Not found') return undefined;
  const request = rowResource(row.RESOURCE);
  const expected = results.filter((r) => r.policy === row.POLICY && r.rule === row.RULE && r.resources.some((name) => name === request.name || name === `${request.namespace}/${request.name}`));
  if (expected.length !== 1 || expected[0].result !== 'skip') return undefined;
  const operation = expected[0].operation ?? 'CREATE';
  const [group, version] = request.apiVersion.includes('/') ? request.apiVersion.split('/') : ['', request.apiVersion];
  const resource = definition.rules.flatMap((r) => r.match.kinds).find((k) => k.group === group && k.version === version && k.kind === request.kind && !k.resource.includes('/'))?.resource;
  if (!resource) return undefined;
  const policy = YAML.parseAllDocuments(renderedPolicy)
    .map((d) => d.toJS())
    .find((p) => p?.metadata?.name === row.POLICY);
  if (!policy) return undefined;
  const rules: ResourceRule[] = policy?.spec?.matchConstraints?.resourceRules ?? [];
  const any = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);
  const matched = rules.some((r) => any(r.apiGroups, group) && any(r.apiVersions, version) && any(r.operations, operation) && any(r.resources, resource));
  return matched ? undefined : `${policy.kind} ${row.POLICY} does not match ${operation} of ${resource} (its matchConstraints.resourceRules); kyverno test 1.19.0 reports such a policy's skip as Not found`;
}

/**
 * Why a test cannot run against the CEL kinds: it gives the old object of an UPDATE as values
 * (`request.oldObject.*`, always-pull-images' kubectl-debug test: the Pod before `kubectl debug`
 * added a container). `kyverno test` 1.19.0 builds a CEL policy's UPDATE with the resource itself as
 * `oldObject` (cmd/cli/kubectl-kyverno/processor/operation.go, AdmissionRequestShape) and values do
 * not reach CEL expressions; it also sends no subresource (policy_processor.go passes none to
 * celengine.Request), so a rule on `pods/ephemeralcontainers` is never even matched. The test would
 * report `Excluded`, a pass that checks nothing; it is left out and listed instead.
 */
export function oldObjectAsValues(test: ParsedTest): string | undefined {
  const values = test.doc.values ?? {};
  const keys = [
    ...Object.keys(values.globalValues ?? {}),
    ...((values.policies ?? []) as Array<{ resources?: Array<{ values?: Record<string, unknown> }> }>).flatMap((p) => (p.resources ?? []).flatMap((r) => Object.keys(r.values ?? {}))),
  ];
  const old = [...new Set(keys.filter((k) => k.startsWith('request.oldObject')))];
  if (old.length === 0) return undefined;
  return (
    `it gives the old object of an UPDATE as values (${old.join(', ')}), which kyverno test 1.19.0 does not pass to CEL policies ` +
    '(their UPDATE has the resource itself as oldObject, and no subresource), so its rules have no CLI check in the CEL rendering'
  );
}
