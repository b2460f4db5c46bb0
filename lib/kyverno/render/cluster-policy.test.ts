import { ApiObject, JsonPatch } from 'cdk8s';
import * as YAML from 'yaml';
import { ClusterPolicy } from '../../../imports/kyverno-clusterpolicies-kyverno.io';
import { definePolicy, POLICY_NAMES } from '../policies/catalog';
import { DAEMONSET, MutateRule, POD, PolicyDefinition, ValidateRule } from '../policy';
import { EVERY_POLICY, examplePolicy } from '../testing';
import { testCluster } from '../../core/testing';
import { ANNOTATIONS, CLUSTER_POLICY_READINESS, KyvernoClusterPolicy, renderClusterPolicy, renderKind } from './cluster-policy';

const globalConfig = { name: 'kyverno-global-config', namespace: 'kyverno', hasPublicNamespaces: true, keys: [] };

const validateRule: ValidateRule = {
  type: 'validate',
  name: 'check',
  match: { kinds: [POD] },
  message: 'no',
  pattern: { spec: { 'X(hostPID)': 'null' } },
  cel: { validations: [{ expression: '!has(variables.podSpec.hostPID)' }] },
};
const mutateRule: MutateRule = {
  type: 'mutate',
  name: 'set',
  match: { kinds: [POD], operations: ['CREATE'] },
  patchStrategicMerge: { spec: { hostUsers: false } },
  cel: { jsonPatches: ["[JSONPatch{op: 'add', path: '/spec/hostUsers', value: false}]"] },
};
const definition = (overrides: Partial<PolicyDefinition>): PolicyDefinition => examplePolicy({ background: true, autogen: true, rules: [mutateRule], ...overrides });

describe('the ClusterPolicy renderer', () => {
  test('renders core kinds bare and other kinds with group and version', () => {
    expect(renderKind(POD)).toBe('Pod');
    expect(renderKind({ ...POD, resource: 'pods/ephemeralcontainers' })).toBe('Pod/ephemeralcontainers');
    expect(renderKind(DAEMONSET)).toBe('apps/v1/DaemonSet');
    expect(renderKind({ group: 'capsule.clastix.io', version: 'v1beta2', kind: 'Tenant', resource: 'tenants' })).toBe('capsule.clastix.io/v1beta2/Tenant');
  });

  test('puts the failure action on each validate rule, never on the spec, and matches with match.any', () => {
    const { spec } = renderClusterPolicy(definition({ failureAction: 'Enforce', rules: [validateRule, mutateRule] }));
    expect(spec).toEqual({
      background: true,
      rules: [
        { name: 'check', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Enforce', message: 'no', pattern: { spec: { 'X(hostPID)': 'null' } } } },
        { name: 'set', match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE'] } }] }, mutate: { patchStrategicMerge: { spec: { hostUsers: false } } } },
      ],
    });
  });

  test('raises minversion to what the rendered form needs', () => {
    const minVersion = (d: PolicyDefinition) => renderClusterPolicy(d).metadata!.annotations![ANNOTATIONS.minVersion];
    expect(minVersion(definition({ rules: [{ ...mutateRule, match: { kinds: [POD] } }] }))).toBe('1.6.0');
    expect(minVersion(definition({}))).toBe('1.10.0'); // match.any[].resources.operations
    expect(minVersion(definition({ failureAction: 'Audit', rules: [validateRule] }))).toBe('1.13.0'); // validate.failureAction
    expect(minVersion(definition({ minVersion: '1.14.2' }))).toBe('1.14.2');
  });

  test('turns autogen off by annotation only for policies that match Pods', () => {
    const annotations = (d: PolicyDefinition) => renderClusterPolicy(d).metadata!.annotations!;
    expect(annotations(definition({ autogen: false }))[ANNOTATIONS.autogenControllers]).toBe('none');
    expect(annotations(definition({ autogen: true }))).not.toHaveProperty([ANNOTATIONS.autogenControllers]);
    const daemonSets = definition({ autogen: false, rules: [{ ...mutateRule, match: { kinds: [DAEMONSET] } }] });
    expect(annotations(daemonSets)).not.toHaveProperty([ANNOTATIONS.autogenControllers]);
  });

  test('renders JSON patches as the YAML string Kyverno expects', () => {
    const jsonPatch: MutateRule = { ...mutateRule, patchStrategicMerge: undefined, patchesJson6902: [{ op: 'add', path: '/spec/owners/-', value: { kind: 'Group', name: 'admins' } }] };
    const rendered = renderClusterPolicy(definition({ autogen: false, rules: [jsonPatch] })).spec.rules![0].mutate!.patchesJson6902!;
    expect(YAML.parse(rendered)).toEqual([{ op: 'add', path: '/spec/owners/-', value: { kind: 'Group', name: 'admins' } }]);
  });

  test.each([
    [{ rules: [] }, /has no rules/],
    [{ rules: [mutateRule, mutateRule] }, /duplicate rule names/],
    [{ rules: [validateRule] }, /has validate rules but no failureAction/],
    [{ failureAction: 'Enforce' as const }, /has a failureAction but no validate rule/],
    [{ rules: [{ ...mutateRule, patchesJson6902: [{ op: 'remove' as const, path: '/spec/x' }] }] }, /rule set needs exactly one mutate body/],
    [{ rules: [{ ...mutateRule, patchStrategicMerge: undefined, patchesJson6902: [{ op: 'remove' as const, path: '/spec/x' }] }] }, /cannot autogen: set autogen to false/],
  ])('refuses a definition that Kyverno would reject or misread (%#)', (overrides, error) => {
    expect(() => renderClusterPolicy(definition(overrides))).toThrow(error);
  });

  // The generated class's toJson rebuilds the object field by field from the CRD schema; a field it
  // does not know would vanish silently. Every policy must survive it unchanged.
  test.each(POLICY_NAMES)('%s passes through the generated ClusterPolicy class unchanged', (name) => {
    const props = renderClusterPolicy(definePolicy(name, EVERY_POLICY[name] as never, { globalConfig }));
    const plain = JSON.parse(JSON.stringify(props));
    expect(JSON.parse(JSON.stringify(ClusterPolicy.manifest(props)))).toEqual({ ...ClusterPolicy.GVK, ...plain });
  });

  test('writes each policy to <layer>/<name>.yaml, validated strictly against the Kyverno 1.19 CRD', () => {
    const { app, layer } = testCluster();
    const policy = new KyvernoClusterPolicy(layer, 'example', { definition: definition({ failureAction: 'Audit', rules: [validateRule] }) });
    expect(app.render().find((f) => f.path === 'test/infrastructure/example.yaml')?.manifests).toHaveLength(1);

    const object = policy.node.findAll().find((c): c is ApiObject => c instanceof ApiObject)!;
    object.addJsonPatch(JsonPatch.add('/spec/rules/0/validate/failureAction', 'Warn'));
    expect(() => app.render()).toThrow(/example.yaml \(ClusterPolicy example\): spec.rules\[0\].validate.failureAction: must be one of "Audit", "Enforce"/);
  });

  test('a ClusterPolicy is ready once its Ready condition is True', () => {
    expect(CLUSTER_POLICY_READINESS).toEqual({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      ready: "has(status.conditions) && status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
    });
  });
});
