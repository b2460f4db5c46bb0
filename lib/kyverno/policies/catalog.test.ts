import { findDuplicates } from '../../core/validation/manifests';
import { ANNOTATIONS } from '../render/cluster-policy';
import { EVERY_POLICY, missingConfigMapKeys, renderPolicies, undeclaredVariables } from '../testing';
import { definePolicy, POLICY_NAMES } from './catalog';

// Rendering validates every object strictly against its CRD (kyverno.io/v1 ClusterPolicy of Kyverno
// 1.19.0, v1 ConfigMap scope); a schema violation throws here.
const all = renderPolicies(EVERY_POLICY, { label: 'example.com/public', value: 'true' });
const policies = [...all.policies.values()];

describe('the policy catalog', () => {
  test('holds the twelve policies of seed 001, each under the name it renders', () => {
    expect(POLICY_NAMES).toHaveLength(12);
    expect([...all.policies.keys()].sort()).toEqual([...POLICY_NAMES].sort());
    for (const name of POLICY_NAMES) expect(definePolicy(name, EVERY_POLICY[name] as never, { globalConfig: { name: 'c', namespace: 'n', hasPublicNamespaces: false, keys: [] } }).name).toBe(name);
  });

  test('renders each policy to its own file, and no two objects share a name', () => {
    expect(all.files.filter((f) => f.path.startsWith('test/policies/') && !f.path.endsWith('/kustomization.yaml')).map((f) => f.path)).toEqual(
      [...POLICY_NAMES, 'global-config'].sort().map((n) => `test/policies/${n}.yaml`),
    );
    expect(findDuplicates(all.files, () => 'test')).toEqual([]);
    const ruleNames = policies.flatMap((p) => p.spec.rules.map((r: { name: string }) => `${p.metadata.name}/${r.name}`));
    expect(new Set(ruleNames).size).toBe(ruleNames.length);
  });

  test('every {{ }} variable of every rule is declared where it is used', () => {
    expect(policies.flatMap(undeclaredVariables)).toEqual([]);
  });

  test('every key read from the global configuration is in the rendered ConfigMap', () => {
    expect(policies.flatMap((p) => missingConfigMapKeys(p, [all.globalConfig]))).toEqual([]);
  });

  test('carries the kyverno/policies annotations', () => {
    for (const policy of policies) {
      const annotations = policy.metadata.annotations;
      for (const key of [ANNOTATIONS.title, ANNOTATIONS.category, ANNOTATIONS.severity, ANNOTATIONS.subject, ANNOTATIONS.description, ANNOTATIONS.minVersion]) {
        expect([policy.metadata.name, key, annotations[key]]).toEqual([policy.metadata.name, key, expect.stringMatching(/\S/)]);
      }
      expect(['low', 'medium', 'high']).toContain(annotations[ANNOTATIONS.severity]);
    }
  });

  test('uses no deprecated form: spec-level failure action, bare match.resources, In/NotIn, bare condition lists', () => {
    for (const policy of policies) {
      expect(policy.spec.validationFailureAction).toBeUndefined();
      expect(policy.spec.validationFailureActionOverrides).toBeUndefined();
      for (const rule of policy.spec.rules) {
        expect(Object.keys(rule.match)).toEqual(['any']);
        const conditionLists = JSON.stringify(rule).match(/"(preconditions|conditions)":\[/g);
        expect(conditionLists).toBeNull();
        // Conditions have `value`; label selectors (`values`) keep their own In/NotIn.
        expect(JSON.stringify(rule)).not.toMatch(/"operator":"(In|NotIn)","value"/);
      }
    }
  });

  test('puts the configured failure action on every validate rule', () => {
    const actions = policies.flatMap((p) => p.spec.rules.filter((r: any) => r.validate).map((r: any) => [p.metadata.name, r.validate.failureAction]));
    expect(actions).toEqual([
      ['block-daemonset-create', 'Audit'],
      ['block-ephemeral-containers', 'Audit'],
      ['restrict-controlplane-scheduling', 'Audit'],
      ['restrict-controlplane-scheduling', 'Audit'],
      ['restrict-image-registries', 'Enforce'],
      ['tenant-compare', 'Audit'],
      ['tenant-core', 'Audit'],
    ]);
  });

  test.each(all.files.filter((f) => f.path.startsWith('test/policies/')).map((f) => [f.path, f.content]))('%s with every option set matches its snapshot', (_path, content) => {
    expect(content).toMatchSnapshot();
  });
});
