import * as YAML from 'yaml';
import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';
import { define } from './default-emptydir-sizelimit';

// Copied from seed 001, "1.5 - Kyverno" / "Enforce EmptDir Requests/Limits" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenant-workload-restrictions
spec:
  rules:
    - name: default-emptydir-sizelimit
      match:
        any:
        - resources:
            kinds:
            - Pod
            namespaceSelector:
              matchExpressions:
              - key: capsule.clastix.io/tenant
                operator: Exists
      mutate:
        foreach:
        - list: "request.object.spec.volumes[]"
          preconditions:
            all:
            - key: "{{element.keys(@)}}"
              operator: AnyIn
              value: emptyDir
            - key: "{{element.emptyDir.sizeLimit || ''}}"
              operator: Equals
              value: ''
          patchesJson6902: |-
            - path: "/spec/volumes/{{elementIndex}}/emptyDir/sizeLimit"
              op: add
              value: 250Mi
`;
const seed = yamlRule(SEED, 'default-emptydir-sizelimit');

describe('default-emptydir-sizelimit', () => {
  const policy = renderPolicy({ 'default-emptydir-sizelimit': {} });
  const rule = ruleOf(policy, 'default-emptydir-sizelimit');
  const foreach = rule.mutate.foreach[0];

  test("adds the seed's 250Mi to emptyDir volumes without a limit, with the seed's list and preconditions", () => {
    expect(foreach.list).toBe(seed.mutate.foreach[0].list);
    expect(foreach.preconditions).toEqual(seed.mutate.foreach[0].preconditions);
    expect(YAML.parse(foreach.patchesJson6902)).toEqual(YAML.parse(seed.mutate.foreach[0].patchesJson6902));
  });

  test('takes the size from its options', () => {
    const other = ruleOf(renderPolicy({ 'default-emptydir-sizelimit': { sizeLimit: '1Gi' } }), 'default-emptydir-sizelimit');
    expect(YAML.parse(other.mutate.foreach[0].patchesJson6902)).toEqual([{ op: 'add', path: '/spec/volumes/{{elementIndex}}/emptyDir/sizeLimit', value: '1Gi' }]);
    expect(() => define({ sizeLimit: '0' })).toThrow(/positive quantity/);
    expect(() => define({ sizeLimit: '250MB' })).toThrow(/positive quantity/);
  });

  test('matches new Pods of tenant namespaces only (volumes are immutable: the seed matched every operation)', () => {
    expect(rule.match.any[0].resources).toEqual({
      kinds: seed.match.any[0].resources.kinds,
      operations: ['CREATE'],
      namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] },
    });
  });

  test('says that it cannot autogen (JSON patches), like upstream add-emptydir-sizelimit', () => {
    expect(policy.metadata.annotations[ANNOTATIONS.autogenControllers]).toBe('none');
    expect(policy.spec.background).toBe(false);
  });
});
