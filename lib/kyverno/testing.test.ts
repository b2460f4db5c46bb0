import * as YAML from 'yaml';
import { missingConfigMapKeys, rootVariables, undeclaredVariables, variableExpressions } from './testing';

/** The monitoring policy exactly as seed 001 ("1.7 - Monitoring") has it: `tenant` declared, `tenant_name` used. */
const SEED_CAPSULE_POD_LABELS = YAML.parse(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: capsule-pod-labels
spec:
  background: false
  rules:
  - name: add-pod-label
    context:
      - name: tenant
        apiCall:
          method: GET
          urlPath: "/api/v1/namespaces/{{request.namespace}}"
          jmesPath: "not_null(metadata.labels.\\"capsule.clastix.io/tenant\\" || 'management')"
    match:
      all:
      - resources:
          kinds:
            - Pod
          operations:
            - CREATE
            - UPDATE
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(capsule.clastix.io/tenant): "{{ tenant_name }}"
`);

const policy = (rules: unknown[]) => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p', annotations: {} }, spec: { rules } });

describe('the {{ }} variable check', () => {
  test("catches seed 001's capsule-pod-labels, which uses tenant_name but declares tenant", () => {
    expect(undeclaredVariables(SEED_CAPSULE_POD_LABELS)).toEqual([
      'capsule-pod-labels/add-pod-label mutate: {{ tenant_name }} uses undeclared variable tenant_name',
    ]);
  });

  test('finds nested expressions innermost first and refuses unbalanced braces', () => {
    expect(variableExpressions('{{ images.containers."{{element.name}}".registry }}')).toEqual(['element.name', `images.containers."'nested'".registry`]);
    expect(variableExpressions('no variables')).toEqual([]);
    expect(() => variableExpressions('{{ request.object ')).toThrow(/unbalanced/);
  });

  test.each([
    ['request.object.spec.owners[?kind == \'Group\'].name', ['request']],
    ['element.keys(@)', ['element']],
    ["length(element.proxySettings || `[]`)", ['element']],
    ['target_labels."capsule.clastix.io/tenant" || \'\'', ['target_labels']],
    ['request.object.spec.[initContainers, containers][] | [?image == x]', ['request']],
    ["items[?metadata.name == 'a'].metadata.labels | [0]", ['items']],
    ['a && b || !c', ['a', 'b', 'c']],
    ['`true`', []],
  ])('reads the root variables of %s', (expression, roots) => {
    expect(rootVariables(expression)).toEqual(roots);
  });

  test('a context entry may only use the entries before it; element only exists in foreach', () => {
    const problems = undeclaredVariables(
      policy([
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          context: [
            { name: 'first', variable: { jmesPath: '{{ second }}' } },
            { name: 'second', variable: { value: 'x' } },
          ],
          validate: {
            message: '{{ element.name }}',
            foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ element.name }}', operator: 'Equals', value: '{{ first }}' }] } } }],
          },
        },
      ]),
    );
    expect(problems).toEqual([
      'p/r context first: {{ second }} uses undeclared variable second',
      'p/r validate: {{ element.name }} uses undeclared variable element',
    ]);
  });

  test('references to a ConfigMap key must name a key it has', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'kyverno' }, data: { known: 'x' } };
    const rules = [
      {
        name: 'r',
        match: {},
        context: [{ name: 'global', configMap: { name: 'cfg', namespace: 'kyverno' } }],
        preconditions: { all: [{ key: '{{ global.data.known }}', operator: 'Equals', value: '{{ global.data.unknown }}' }] },
      },
    ];
    expect(missingConfigMapKeys(policy(rules), [configMap])).toEqual(['p/r: global.data.unknown is not a key of ConfigMap kyverno/cfg']);
    expect(missingConfigMapKeys(policy(rules), [])).toEqual(['p/r: ConfigMap kyverno/cfg is not rendered']);
  });
});
