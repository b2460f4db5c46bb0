import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { definePolicy, POLICY_NAMES, PolicyName } from '../policies/catalog';
import { celValue, DAEMONSET, MutateRule, POD, PolicyDefinition, ValidateRule } from '../policy';
import { EVERY_POLICY, examplePolicy, renderPolicies, RenderedPolicy } from '../testing';
import { CEL_MIN_VERSION, CEL_POLICY_READINESS, celPolicyName, DEFAULT_CEL_OPERATIONS, existingViolation, inlineVariables, matchGuard, POD_CONTROLLERS, renderCelPolicies } from './cel-policy';
import { ANNOTATIONS } from './cluster-policy';

const PUBLIC = { label: 'example.com/public', value: 'true' };
const FACTS = { globalConfig: { name: 'kyverno-global-config', namespace: 'kyverno', hasPublicNamespaces: true, keys: [] } };
// Rendering validates every object strictly against its CRD (policies.kyverno.io/v1 of Kyverno 1.19.0).
const every = renderPolicies(EVERY_POLICY, PUBLIC, 'cel');
const cel = [...every.celPolicies.values()];
const definitions = new Map(POLICY_NAMES.map((name) => [name, definePolicy(name, EVERY_POLICY[name] as never, FACTS)]));
const definitionOf = (policy: RenderedPolicy) => definitions.get(policy.metadata.name.replace(/-mutate$/, '') as PolicyName)!;
const rulesOf = (policy: RenderedPolicy) => definitionOf(policy).rules.filter((r) => r.type === (policy.kind === 'ValidatingPolicy' ? 'validate' : 'mutate'));

describe('the CEL rendering (api: cel)', () => {
  test('renders every policy of the catalog: validate rules as a ValidatingPolicy, mutate rules as a MutatingPolicy, in one file (<name>-mutate when it has both)', () => {
    const expected = POLICY_NAMES.flatMap((name) => {
      const types = new Set(definitions.get(name)!.rules.map((r) => r.type));
      return [...(types.has('validate') ? [`ValidatingPolicy/${name}`] : []), ...(types.has('mutate') ? [`MutatingPolicy/${types.size > 1 ? `${name}-mutate` : name}`] : [])];
    });
    expect([...every.celPolicies.keys()].sort()).toEqual(expected.sort());
    expect(every.policies.size).toBe(0);
    const tenantCore = every.files.find((f) => f.path === 'test/policies/tenant-core.yaml')!;
    expect(tenantCore.manifests.map((m) => `${m.apiVersion}/${m.kind}/${m.metadata.name}`)).toEqual([
      'policies.kyverno.io/v1/ValidatingPolicy/tenant-core',
      'policies.kyverno.io/v1/MutatingPolicy/tenant-core-mutate',
    ]);
    expect(celPolicyName(definitions.get('tenant-core')!, 'mutate')).toBe('tenant-core-mutate');
    expect(celPolicyName(definitions.get('tenant-policy')!, 'mutate')).toBe('tenant-policy');
  });

  test('maps the failure action to validationActions (Enforce: Deny, Audit: Audit)', () => {
    for (const policy of cel.filter((p) => p.kind === 'ValidatingPolicy')) {
      expect([policy.metadata.name, policy.spec.validationActions]).toEqual([policy.metadata.name, [definitionOf(policy).failureAction === 'Enforce' ? 'Deny' : 'Audit']]);
    }
    const enforced = renderPolicies({ 'block-daemonset-create': {} }, undefined, 'cel').celPolicies.get('ValidatingPolicy/block-daemonset-create')!;
    expect(enforced.spec.validationActions).toEqual(['Deny']);
    expect(cel.filter((p) => p.kind === 'MutatingPolicy').every((p) => p.spec.validationActions === undefined)).toBe(true);
  });

  test('maps background to evaluation.background.enabled, and never leaves autogen to Kyverno', () => {
    for (const policy of cel) {
      expect([policy.metadata.name, policy.spec.evaluation]).toEqual([policy.metadata.name, { background: { enabled: definitionOf(policy).background } }]);
      expect(policy.spec.autogen).toEqual({ podControllers: { controllers: [] } });
    }
  });

  test("matches each rule's kinds and operations (none given: CREATE and UPDATE), with its namespace selector", () => {
    for (const policy of cel) {
      const { resourceRules, namespaceSelector } = policy.spec.matchConstraints;
      const rules = rulesOf(policy);
      expect([policy.metadata.name, namespaceSelector]).toEqual([policy.metadata.name, rules[0].match.namespaceSelector && JSON.parse(JSON.stringify(rules[0].match.namespaceSelector))]);
      for (const rule of rules) {
        for (const kind of rule.match.kinds) {
          const operations = rule.match.operations ?? DEFAULT_CEL_OPERATIONS;
          const covering = resourceRules.find(
            (r: any) => r.apiGroups[0] === kind.group && r.apiVersions[0] === kind.version && r.resources.includes(kind.resource) && r.operations.join() === operations.join(),
          );
          expect([policy.metadata.name, rule.name, kind.resource, covering !== undefined]).toEqual([policy.metadata.name, rule.name, kind.resource, true]);
        }
      }
    }
    expect(every.celPolicies.get('MutatingPolicy/always-pull-images')!.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] },
    ]);
  });

  test('validate rules on Pods also see kubectl debug (pods/ephemeralcontainers), and autogen matches the Pod controllers by their template', () => {
    const blockEphemeral = every.celPolicies.get('ValidatingPolicy/block-ephemeral-containers')!;
    const resources = blockEphemeral.spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources);
    expect(resources).toEqual(expect.arrayContaining(['pods', 'pods/ephemeralcontainers', ...POD_CONTROLLERS.flatMap((c) => c.resources)]));
    expect(resources).toHaveLength(2 + 7);
    expect(blockEphemeral.spec.variables[0]).toEqual({ name: 'podSpec', expression: expect.stringContaining('object.spec.jobTemplate.spec.template.spec') });
    expect(blockEphemeral.spec.validations[0].expression).toBe('!has(variables.podSpec.ephemeralContainers)');
    // Mutations of Pods never autogen (as with ClusterPolicies: no drift from GitOps): Pods only.
    const hostUsers = every.celPolicies.get('MutatingPolicy/enforce-no-host-users')!;
    expect(hostUsers.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }]);
    expect(hostUsers.spec.variables).toBeUndefined();
  });

  test("puts a single rule's conditions into matchConditions (not met: skipped), and guards each rule of a policy whose rules match differently", () => {
    const hostUsers = every.celPolicies.get('MutatingPolicy/enforce-no-host-users')!;
    expect(hostUsers.spec.matchConditions.map((c: any) => c.expression)).toEqual([
      '!object.spec.?hostNetwork.orValue(false)',
      '!object.spec.?hostPID.orValue(false)',
      '!object.spec.?hostIPC.orValue(false)',
      `size(${hostUsers.spec.mutations[0].jsonPatch.expression}) > 0`,
    ]);
    const flux = every.celPolicies.get('MutatingPolicy/flux-defaults')!;
    expect(flux.spec.matchConditions.map((c: any) => c.name)).toEqual(['changes-something']);
    expect(flux.spec.mutations.map((m: any) => m.jsonPatch.expression.split(' ? ')[0])).toEqual([
      "((object.apiVersion == 'kustomize.toolkit.fluxcd.io/v1' && object.kind == 'Kustomization' && request.?subResource.orValue('') == '') && request.operation in ['CREATE', 'UPDATE'])",
      "((object.apiVersion == 'kustomize.toolkit.fluxcd.io/v1' && object.kind == 'Kustomization' && request.?subResource.orValue('') == '') && request.operation in ['CREATE', 'UPDATE'])",
      "((object.apiVersion == 'helm.toolkit.fluxcd.io/v2' && object.kind == 'HelmRelease' && request.?subResource.orValue('') == '') && request.operation in ['CREATE', 'UPDATE'])",
    ]);
    expect(flux.spec.mutations.every((m: any) => m.patchType === 'JSONPatch' && m.jsonPatch.expression.endsWith(' : []'))).toBe(true);
    // Same match for both rules: no guard, and tenant-owner's condition guards only its own patch.
    const owner = every.celPolicies.get('MutatingPolicy/tenant-policy')!;
    expect(owner.spec.mutations[0].jsonPatch.expression).toMatch(/^\(\(!object\.spec\.\?owners.*\)\) \? \(\[JSONPatch\{op: 'add', path: '\/spec\/owners\/-'/);
    expect(owner.spec.mutations[1].jsonPatch.expression).toMatch(/^object\.spec\.\?owners/);
    expect(matchGuard({ kinds: [{ ...POD, resource: 'pods/ephemeralcontainers' }], operations: ['UPDATE'] })).toBe(
      "(object.apiVersion == 'v1' && object.kind == 'Pod' && request.?subResource.orValue('') == 'ephemeralcontainers') && request.operation in ['UPDATE']",
    );
  });

  test('a MutatingPolicy applies only when one of its patches changes something (a ClusterPolicy rule that changes nothing is skipped)', () => {
    for (const policy of cel.filter((p) => p.kind === 'MutatingPolicy')) {
      const changes = policy.spec.matchConditions.find((c: any) => c.name === 'changes-something');
      const patches = policy.spec.mutations.map((m: any) => `size(${inlineVariables(m.jsonPatch.expression, policy.spec.variables ?? [])}) > 0`);
      expect([policy.metadata.name, changes.expression]).toEqual([policy.metadata.name, patches.join(' || ')]);
    }
    const labels = every.celPolicies.get('MutatingPolicy/capsule-pod-labels')!;
    expect(labels.spec.matchConditions[0].expression).toContain("(namespaceObject.metadata.?labels[?'capsule.clastix.io/tenant'].orValue('platform'))");
    expect(inlineVariables('variables.b + 1', [{ name: 'a', expression: '2' }, { name: 'b', expression: 'variables.a * 3' }])).toBe('((2) * 3) + 1');
    expect(() => inlineVariables('variables.c', [])).toThrow(/not a variable/);
  });

  test('lets an update of an object that already violated an Enforce rule through, as Kyverno does for ClusterPolicies', () => {
    const ephemeral = renderPolicies({ 'block-ephemeral-containers': {} }, undefined, 'cel').celPolicies.get('ValidatingPolicy/block-ephemeral-containers')!;
    // One validation: such an update is skipped (matchConditions), as the ClusterPolicy rule is.
    expect(ephemeral.spec.matchConditions).toEqual([
      { name: 'not-an-existing-violation', expression: "!(request.operation == 'UPDATE' && oldObject != null && !(!has((oldObject.kind == 'Pod' ? oldObject.spec : oldObject.kind == 'CronJob' ? oldObject.spec.jobTemplate.spec.template.spec : oldObject.spec.template.spec).ephemeralContainers)))" },
    ]);
    expect(ephemeral.spec.validations[0].expression).toBe('!has(variables.podSpec.ephemeralContainers)');
    // Several: each validation lets it pass by itself.
    const controlPlane = renderPolicies({ 'restrict-controlplane-scheduling': {} }, undefined, 'cel').celPolicies.get('ValidatingPolicy/restrict-controlplane-scheduling')!;
    expect(controlPlane.spec.matchConditions).toBeUndefined();
    for (const v of controlPlane.spec.validations) expect(v.expression).toMatch(/^\(request\.operation == 'UPDATE' && oldObject != null && !\(.*oldObject\.spec.*\)\) \|\| \(/);
    // Audit reports them, in both forms.
    for (const policy of cel.filter((p) => p.kind === 'ValidatingPolicy' && p.spec.validationActions[0] === 'Audit')) {
      expect(JSON.stringify([policy.spec.matchConditions, policy.spec.validations])).not.toContain('oldObject != null');
    }
    expect(existingViolation('object.a == variables.x', [{ name: 'x', expression: 'object.b' }])).toBe("(request.operation == 'UPDATE' && oldObject != null && !(oldObject.a == (oldObject.b)))");
  });

  test('keeps messages; a message with {{ }} variables is a CEL messageExpression', () => {
    for (const policy of cel.filter((p) => p.kind === 'ValidatingPolicy')) {
      const messages = rulesOf(policy).map((r) => (r as ValidateRule).message);
      for (const v of policy.spec.validations) {
        if (v.message) expect(messages).toContain(v.message);
        else expect(v.messageExpression).toMatch(/variables\./);
      }
    }
    const compare = every.celPolicies.get('ValidatingPolicy/tenant-compare')!;
    expect(compare.spec.validations[0].messageExpression).toContain("' or a public namespace ('");
    expect(JSON.stringify(cel)).not.toContain('{{');
  });

  test('every variables.<name> read by an expression is a variable of its policy, declared before the variables that read it', () => {
    for (const policy of cel) {
      const declared: string[] = [];
      for (const v of policy.spec.variables ?? []) {
        for (const [, used] of v.expression.matchAll(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g)) expect([policy.metadata.name, v.name, used, declared.includes(used)]).toEqual([policy.metadata.name, v.name, used, true]);
        declared.push(v.name);
      }
      const bodies = JSON.stringify([policy.spec.validations, policy.spec.mutations]);
      for (const [, used] of bodies.matchAll(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g)) expect([policy.metadata.name, used, declared.includes(used)]).toEqual([policy.metadata.name, used, true]);
      // matchConditions are evaluated before variables exist.
      expect(JSON.stringify(policy.spec.matchConditions ?? [])).not.toContain('variables.');
    }
  });

  test('reads every key of the global configuration that the ClusterPolicy reads', () => {
    const compare = every.celPolicies.get('ValidatingPolicy/tenant-compare')!;
    expect(compare.spec.variables[0].expression).toBe("resource.Get('v1', 'configmaps', 'kyverno', 'kyverno-global-config')");
    for (const [, key] of JSON.stringify(compare.spec).matchAll(/data\[\\?'([a-z_]+)\\?'\]/g)) expect(Object.keys(every.globalConfig.data)).toContain(key);
  });

  test('carries the kyverno/policies annotations, at least Kyverno 1.17 (policies.kyverno.io/v1), without the ClusterPolicy autogen annotation', () => {
    for (const policy of cel) {
      const annotations = policy.metadata.annotations;
      for (const key of [ANNOTATIONS.title, ANNOTATIONS.category, ANNOTATIONS.severity, ANNOTATIONS.subject, ANNOTATIONS.description]) {
        expect([policy.metadata.name, key, annotations[key]]).toEqual([policy.metadata.name, key, expect.stringMatching(/\S/)]);
      }
      expect(annotations[ANNOTATIONS.minVersion]).toBe(CEL_MIN_VERSION);
      expect(annotations[ANNOTATIONS.autogenControllers]).toBeUndefined();
      const { description, celNote } = definitionOf(policy);
      expect(annotations[ANNOTATIONS.description]).toBe(celNote ? `${description} ${celNote}` : description);
    }
  });

  test('writes CEL literals of option values, dyn() where a list or map mixes types', () => {
    expect(celValue({ kind: 'Nodes', operations: ['List'] })).toBe("{'kind': dyn('Nodes'), 'operations': dyn(['List'])}");
    expect(celValue(["it's", 'a\\b'])).toBe("['it\\'s', 'a\\\\b']");
    expect(celValue({ matchLabels: { a: 'b' } })).toBe("{'matchLabels': {'a': 'b'}}");
  });

  test.each(every.files.filter((f) => f.path.startsWith('test/policies/') && !f.path.endsWith('global-config.yaml')).map((f) => [f.path, f.content]))(
    '%s with every option set matches its snapshot',
    (_path, content) => {
      expect(content).toMatchSnapshot();
    },
  );
});

// Definitions made up to reach what the catalog does not.
const validate: ValidateRule = { type: 'validate', name: 'check', match: { kinds: [POD] }, message: 'no', pattern: {}, cel: { validations: [{ expression: 'true' }] } };
const mutate: MutateRule = { type: 'mutate', name: 'set', match: { kinds: [POD], operations: ['CREATE'] }, patchStrategicMerge: {}, cel: { jsonPatches: ['[]'] } };
const definition = (overrides: Partial<PolicyDefinition>): PolicyDefinition => examplePolicy({ background: false, autogen: false, rules: [mutate], ...overrides });

describe('renderCelPolicies', () => {
  test.each<[string, Partial<PolicyDefinition>, RegExp]>([
    ['rules of one kind with different namespace selectors', { rules: [mutate, { ...mutate, name: 'other', match: { ...mutate.match, namespaceSelector: { matchLabels: { a: 'b' } } } }] }, /must share one namespaceSelector/],
    ['a condition that reads a variable', { rules: [{ ...mutate, cel: { variables: [{ name: 'x', expression: '1' }], conditions: ['variables.x == 1'], jsonPatches: ['[]'] } }] }, /cannot read variables/],
    ['two rules declaring the same variable', { rules: [mutate, { ...mutate, name: 'b', cel: { variables: [{ name: 'x', expression: '1' }], jsonPatches: ['[]'] } }].map((r) => ({ ...r, cel: { ...r.cel, variables: [{ name: 'x', expression: '1' }] } })) }, /must be unique/],
    ['a message with variables but no messageExpression', { failureAction: 'Audit', rules: [{ ...validate, message: 'bad {{ request.object.metadata.name }}' }] }, /needs a CEL messageExpression/],
    ['autogen of a Pod mutation', { autogen: true }, /autogen of mutate rules is not rendered/],
    ['a mutation that reads variables.podSpec', { rules: [{ ...mutate, cel: { jsonPatches: ['variables.podSpec'] } }] }, /is for validations/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => renderCelPolicies(definition(overrides))).toThrow(message);
  });

  test('appends the celNote to the description of the CEL kinds only', () => {
    const { mutating } = renderCelPolicies(definition({ celNote: 'In CEL it differs.' }));
    expect(mutating!.metadata!.annotations![ANNOTATIONS.description]).toBe('An example. In CEL it differs.');
  });

  test('without autogen, a validate rule on Pods matches Pods only and reads their own spec', () => {
    const { validating } = renderCelPolicies(definition({ failureAction: 'Audit', rules: [validate] }));
    expect(validating!.spec!.matchConstraints!.resourceRules!.map((r) => r.resources)).toEqual([['pods', 'pods/ephemeralcontainers']]);
    expect(validating!.spec!.variables).toEqual([{ name: 'podSpec', expression: 'object.spec' }]);
    const daemonSets = renderCelPolicies(definition({ failureAction: 'Audit', autogen: true, rules: [{ ...validate, match: { kinds: [DAEMONSET] } }] }));
    expect(daemonSets.validating!.spec!.matchConstraints!.resourceRules!.map((r) => r.resources)).toEqual([['daemonsets']]);
    expect(daemonSets.validating!.spec!.variables).toBeUndefined();
  });
});

describe('CEL_POLICY_READINESS', () => {
  // The status field it reads must be in the v1 schema of both CRDs. The generated validators leave
  // status out, so this reads the CRD mirror (../shared/crds, or CRD_MIRROR) when there is one.
  const mirror = path.resolve(__dirname, '../../..', process.env.CRD_MIRROR ?? '../shared/crds', 'kyverno');
  const withMirror = fs.existsSync(mirror) ? test : test.skip;
  const statusOf = (kind: string) => {
    const crd = YAML.parse(fs.readFileSync(path.join(mirror, `policies.kyverno.io_${kind.toLowerCase().replace(/y$/, "ie")}s.yaml`), 'utf8'));
    return crd.spec.versions.find((v: { name: string }) => v.name === 'v1').schema.openAPIV3Schema.properties.status.properties;
  };

  test('checks both CEL kinds, at policies.kyverno.io/v1', () => {
    expect(CEL_POLICY_READINESS.map((c) => `${c.apiVersion}/${c.kind}`)).toEqual(['policies.kyverno.io/v1/ValidatingPolicy', 'policies.kyverno.io/v1/MutatingPolicy']);
    for (const check of CEL_POLICY_READINESS) expect(check.ready).toBe('has(status.conditionStatus) && has(status.conditionStatus.ready) && status.conditionStatus.ready == true');
  });

  withMirror.each(CEL_POLICY_READINESS.map((c) => c.kind))('reads status.conditionStatus.ready, a boolean of the v1 status of %s', (kind) => {
    expect(statusOf(kind).conditionStatus.properties.ready.type).toBe('boolean');
  });
});
