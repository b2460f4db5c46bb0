import { missingConfigMapKeys, rootVariables, undeclaredVariables, variableExpressions } from './testing';

const policy = (rules: unknown[]) => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p', annotations: {} }, spec: { rules } });

describe('the {{ }} variable check', () => {
  // It catches seed 001's capsule-pod-labels (tenant declared, tenant_name used): see
  // policies/monitoring/capsule-pod-labels.test.ts, which holds the seed's text.

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
