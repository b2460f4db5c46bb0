import { checkMetadataTemplates, checkOwners, checkQuotasAndLimits, checkRoleBindings, checkTenantFields, checkTenantName, checkTenantNamespaces, findPrefixCollisions } from './tenant-rules';

const platform = { platformNamespaces: ['capsule-system', 'flux-system'], forceTenantPrefix: true };
const messages = (problems: Array<{ segments: string[]; message: string }>) => problems.map((p) => `${p.segments.join('.')}: ${p.message}`);

describe('checkTenantName', () => {
  test.each(['default', 'kube', 'kube-system', 'kube-team', 'capsule-system', 'flux-system'])('%s is reserved', (name) => {
    expect(messages(checkTenantName(name, platform))[0]).toMatch(/^name: '.*' is reserved/);
  });

  test('with the prefix in force, a name that is a dash-prefix of a platform namespace is refused', () => {
    expect(messages(checkTenantName('capsule', platform))).toEqual([
      'name: with forceTenantPrefix, tenant \'capsule\' would own namespaces named capsule-*, which includes capsule-system; choose another name',
    ]);
    expect(checkTenantName('capsule', { ...platform, forceTenantPrefix: false })).toEqual([]);
    expect(checkTenantName('oil', platform)).toEqual([]);
  });
});

describe('checkOwners', () => {
  test('ServiceAccount owners must be Kubernetes usernames', () => {
    expect(checkOwners([{ kind: 'ServiceAccount', name: 'system:serviceaccount:ci:deployer' }, { kind: 'User', name: 'deployer' }])).toEqual([]);
    expect(messages(checkOwners([{ kind: 'ServiceAccount', name: 'ci/deployer' }]))).toEqual([
      'owners.0.name: a ServiceAccount owner must be written system:serviceaccount:<namespace>:<name> (got "ci/deployer")',
    ]);
    expect(checkOwners([{ kind: 'ServiceAccount', name: 'system:serviceaccount:Bad_NS:x' }])).toHaveLength(1);
  });

  test('owners have a name and are listed once (same kind and name)', () => {
    expect(checkOwners([{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'alice' }])).toEqual([]);
    expect(messages(checkOwners([{ kind: 'User', name: 'alice' }, { kind: 'Group', name: '' }, { kind: 'User', name: 'alice' }]))).toEqual([
      'owners.1.name: must not be empty',
      'owners.2: User alice is already an owner (owners[0]); list each owner once',
    ]);
  });
});

describe('checkRoleBindings', () => {
  test('accepts bindings the API server accepts', () => {
    const spec = {
      additionalRoleBindings: [
        {
          clusterRoleName: 'view',
          subjects: [
            { kind: 'User', name: 'joe', apiGroup: 'rbac.authorization.k8s.io' },
            { kind: 'Group', name: 'devs' },
            { kind: 'ServiceAccount', name: 'ci', namespace: 'tools', apiGroup: '' },
          ],
        },
      ],
    };
    expect(checkRoleBindings(spec)).toEqual([]);
  });

  test('refuses an empty role, unknown or nameless subjects, and ServiceAccounts without a namespace', () => {
    const spec = {
      additionalRoleBindings: [
        {
          clusterRoleName: '',
          subjects: [
            { kind: 'Robot', name: 'r2d2' },
            { kind: 'User', name: '' },
            { kind: 'ServiceAccount', name: 'ci' },
            { kind: 'ServiceAccount', name: 'CI', namespace: 'Tools', apiGroup: 'rbac.authorization.k8s.io' },
            { kind: 'Group', name: 'devs', apiGroup: 'v1' },
          ],
        },
      ],
    };
    expect(messages(checkRoleBindings(spec))).toEqual([
      'additionalRoleBindings.0.clusterRoleName: must not be empty: name the ClusterRole the subjects get in each tenant namespace',
      'additionalRoleBindings.0.subjects.0.kind: must be one of "User", "Group", "ServiceAccount" (got "Robot")',
      'additionalRoleBindings.0.subjects.1.name: must not be empty',
      'additionalRoleBindings.0.subjects.2.namespace: a ServiceAccount subject needs the namespace of the ServiceAccount',
      'additionalRoleBindings.0.subjects.3.name: must be a ServiceAccount name: a DNS-1123 subdomain (got "CI")',
      'additionalRoleBindings.0.subjects.3.namespace: must be a namespace name: a DNS-1123 label (got "Tools")',
      'additionalRoleBindings.0.subjects.3.apiGroup: must be "" (or left out) for a ServiceAccount (got "rbac.authorization.k8s.io")',
      'additionalRoleBindings.0.subjects.4.apiGroup: must be "rbac.authorization.k8s.io" (or left out) for a Group (got "v1")',
    ]);
  });
});

describe('checkMetadataTemplates', () => {
  test('allows {{ tenant.name }} and {{ namespace }} in additionalMetadataList values', () => {
    const spec = {
      namespaceOptions: {
        additionalMetadata: { labels: { team: 'platform' } },
        additionalMetadataList: [{ labels: { team: '{{ tenant.name }}' }, annotations: { 'example.com/ns': '{{ tenant.name }}-{{ namespace }}' } }],
      },
    };
    expect(checkMetadataTemplates(spec)).toEqual([]);
  });

  test('refuses any other expression, naming the field', () => {
    const spec = { namespaceOptions: { additionalMetadataList: [{}, { labels: { owner: '{{ tenant.owner }}' } }] } };
    expect(messages(checkMetadataTemplates(spec))).toEqual([
      'namespaceOptions.additionalMetadataList.1.labels.owner: unknown template {{ tenant.owner }}; Capsule only substitutes {{ tenant.name }} and {{ namespace }}',
    ]);
  });

  // Capsule 0.10.9 (controllers/tenant/namespaces.go) runs fasttemplate with "{{ " and " }}" over
  // additionalMetadataList values only.
  test('refuses templates Capsule would leave as written: other spacing, keys, additionalMetadata, unbalanced braces', () => {
    const spec = {
      namespaceOptions: {
        additionalMetadata: { labels: { team: '{{ tenant.name }}' } },
        additionalMetadataList: [{ labels: { a: '{{tenant.name}}', b: '{{ namespace }', c: 'x-{{ namespace }}}}' }, annotations: { 'example.com/{{ namespace }}': 'x' } }],
      },
    };
    expect(messages(checkMetadataTemplates(spec))).toEqual([
      'namespaceOptions.additionalMetadata.labels.team: Capsule substitutes templates in additionalMetadataList only, not in additionalMetadata: this value would stay as written',
      'namespaceOptions.additionalMetadataList.0.labels.a: {{tenant.name}} stays as written: Capsule only substitutes {{ tenant.name }} and {{ namespace }}, with one space inside the braces',
      'namespaceOptions.additionalMetadataList.0.labels.b: unbalanced {{ and }}; Capsule only substitutes {{ tenant.name }} and {{ namespace }}',
      'namespaceOptions.additionalMetadataList.0.labels.c: unbalanced {{ and }}; Capsule only substitutes {{ tenant.name }} and {{ namespace }}',
      'namespaceOptions.additionalMetadataList.0.annotations.example.com/{{ namespace }}: Capsule substitutes templates in values only, not in keys',
    ]);
  });
});

describe('checkTenantFields: labels, annotations and selectors', () => {
  const KEY = "not a valid label key; a label key is an optional DNS subdomain prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
  const value = (v: string) => `${JSON.stringify(v)} is not a valid label value; a label value is empty, or at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;

  test('accepts valid maps and selectors everywhere', () => {
    const selector = { matchLabels: { 'example.com/tier': 'gold', empty: '' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }, { key: 'b', operator: 'DoesNotExist' }, { key: 'c', operator: 'Exists', values: [] }] };
    const spec = {
      nodeSelector: { 'node-role.kubernetes.io/worker': '' },
      storageClasses: selector,
      networkPolicies: { items: [{ podSelector: selector, ingress: [{ from: [{ namespaceSelector: selector }] }] }] },
      podOptions: { additionalMetadata: { labels: { a: 'b' }, annotations: { 'example.com/any': 'any value at all' } } },
      namespaceOptions: { additionalMetadataList: [{ labels: { team: '{{ tenant.name }}' }, namespaceSelector: selector }] },
    };
    expect(checkTenantFields(spec)).toEqual([]);
    expect(checkTenantFields({ namespaces: [{ name: 'oil-dev', labels: { a: 'b' } }] }, ['platform'])).toEqual([]);
  });

  test.each(['example.com/', '-bad', 'a b', 'Example.com/x', '/x', 'a/b/c', `x/${'a'.repeat(64)}`, `${'a'.repeat(254)}/x`])('refuses the label key %j', (key) => {
    expect(messages(checkTenantFields({ podOptions: { additionalMetadata: { labels: { [key]: 'x' } } } }))).toEqual([`podOptions.additionalMetadata.labels.${key}: ${KEY}`]);
  });

  test('refuses label values, annotation keys and requirements, in the spec and under platform', () => {
    const spec = {
      storageClasses: { matchLabels: { 'bad key': 'v v' }, matchExpressions: [{ key: 'a', operator: 'Maybe' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c d', operator: 'NotIn', values: ['ok', 'not ok'] }] },
      gatewayOptions: { allowedClasses: { matchExpressions: [{ key: 'a', operator: 'In' }] } },
      namespaceOptions: { additionalMetadataList: [{ annotations: { 'bad key': 'x' } }] },
      nodeSelector: { pool: `${'a'.repeat(64)}` },
    };
    expect(messages(checkTenantFields(spec))).toEqual([
      `storageClasses.matchLabels.bad key: ${KEY}`,
      `storageClasses.matchLabels.bad key: ${value('v v')}`,
      'storageClasses.matchExpressions.0.operator: must be one of "In", "NotIn", "Exists", "DoesNotExist" (got "Maybe")',
      'storageClasses.matchExpressions.1.values: must be empty when operator is Exists',
      `storageClasses.matchExpressions.2.key: "c d" ${KEY.replace('not a valid', 'is not a valid')}`,
      `storageClasses.matchExpressions.2.values.1: ${value('not ok')}`,
      'gatewayOptions.allowedClasses.matchExpressions.0.values: must not be empty when operator is In',
      "namespaceOptions.additionalMetadataList.0.annotations.bad key: not a valid annotation key; an annotation key is an optional DNS subdomain prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric",
      `nodeSelector.pool: ${value('a'.repeat(64))}`,
    ]);
    expect(messages(checkTenantFields({ namespaces: [{ name: 'oil-dev', labels: { 'bad key': 'x' } }] }, ['platform']))).toEqual([`platform.namespaces.0.labels.bad key: ${KEY}`]);
  });

  test('every *Regex field compiles as RE2, wherever it is', () => {
    const spec = { containerRegistries: { allowedRegex: '^registry\\.(?i)example\\.com$' }, namespaceOptions: { forbiddenLabels: { deniedRegex: 'a\\Z' } }, x: [{ deniedRegex: '[[:foo:]]' }] };
    expect(messages(checkTenantFields(spec)).map((m) => m.split(':')[0])).toEqual(['namespaceOptions.forbiddenLabels.deniedRegex', 'x.0.deniedRegex']);
  });

  test('templates are left to checkMetadataTemplates, in the metadata blocks only', () => {
    const spec = { namespaceOptions: { additionalMetadataList: [{ labels: { a: '{{tenant.name}}' }, namespaceSelector: { matchLabels: { a: '{{ tenant.name }}' } } }] } };
    expect(messages(checkTenantFields(spec))).toEqual([`namespaceOptions.additionalMetadataList.0.namespaceSelector.matchLabels.a: ${value('{{ tenant.name }}')}`]);
  });
});

describe('checkQuotasAndLimits', () => {
  test('accepts what the API server accepts', () => {
    const spec = {
      resourceQuotas: {
        items: [
          { hard: { pods: 10, 'requests.storage': '100Gi', cpu: '-0' }, scopes: ['NotBestEffort', 'Terminating'] },
          { hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, { scopeName: 'BestEffort', operator: 'Exists' }] } },
        ],
      },
      limitRanges: {
        items: [
          {
            limits: [
              { type: 'Pod', min: { cpu: '50m' }, max: { cpu: '1' } },
              { type: 'Container', min: { cpu: '10m' }, defaultRequest: { cpu: '100m' }, default: { cpu: '200m' }, max: { cpu: 1 }, maxLimitRequestRatio: { cpu: 4 } },
              { type: 'PersistentVolumeClaim', max: { storage: '10Gi' } },
            ],
          },
        ],
      },
    };
    expect(checkQuotasAndLimits(spec)).toEqual([]);
  });

  test('refuses negative amounts, unknown scopes and limit types, and selector rules', () => {
    const spec = {
      resourceQuotas: {
        items: [
          {
            hard: { pods: -5, 'requests.storage': '-1Gi' },
            scopes: ['Foo', 'Terminating', 'NotTerminating'],
            scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }, { scopeName: 'BestEffort', operator: 'In', values: ['x'] }, { scopeName: 'Nope', operator: 'Exists' }] },
          },
        ],
      },
      limitRanges: { items: [{ limits: [{ type: 'Node', max: { cpu: -2 } }, { type: 'Container', min: { memory: '2Gi' }, max: { memory: '1Gi' }, maxLimitRequestRatio: { cpu: '500m' } }] }] },
    };
    expect(messages(checkQuotasAndLimits(spec))).toEqual([
      'resourceQuotas.items.0.hard.pods: must not be negative (got -5)',
      'resourceQuotas.items.0.hard.requests.storage: must not be negative (got "-1Gi")',
      'resourceQuotas.items.0.scopes.0: must be one of "Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass" (got "Foo")',
      'resourceQuotas.items.0.scopes: a quota cannot have both Terminating and NotTerminating: they exclude each other',
      'resourceQuotas.items.0.scopeSelector.matchExpressions.0.values: must not be empty when operator is In',
      'resourceQuotas.items.0.scopeSelector.matchExpressions.1.operator: must be "Exists" for scope BestEffort, which a Pod either has or has not (got "In")',
      'resourceQuotas.items.0.scopeSelector.matchExpressions.2.scopeName: must be one of "Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass" (got "Nope")',
      'limitRanges.items.0.limits.0.type: must be one of "Pod", "Container", "PersistentVolumeClaim" (got "Node")',
      'limitRanges.items.0.limits.0.max.cpu: must not be negative (got -2)',
      'limitRanges.items.0.limits.1.min.memory: min 2Gi is greater than max 1Gi',
      'limitRanges.items.0.limits.1.maxLimitRequestRatio.cpu: must be at least 1: a limit is never below its request (got 500m)',
    ]);
  });

  test('a LimitRange has one entry per type, no Pod defaults, and storage bounds for claims', () => {
    const spec = { limitRanges: { items: [{ limits: [{ type: 'Pod', default: { cpu: 1 }, max: { cpu: '500m' } }, { type: 'Pod' }, { type: 'PersistentVolumeClaim', max: { cpu: 1 } }] }] } };
    expect(messages(checkQuotasAndLimits(spec))).toEqual([
      'limitRanges.items.0.limits.0.default: not allowed when type is Pod: defaults apply to containers, so put them in an entry of type Container',
      'limitRanges.items.0.limits.1.type: a LimitRange has one entry per type: Pod is already limited above',
      'limitRanges.items.0.limits.2: a PersistentVolumeClaim limit needs min.storage or max.storage',
    ]);
  });
});

describe('checkTenantNamespaces', () => {
  test('namespaces must be prefixed when the prefix is in force', () => {
    expect(messages(checkTenantNamespaces('oil', [{ name: 'oil-dev' }, { name: 'dev' }], {}, platform))).toEqual([
      "platform.namespaces.1.name: with forceTenantPrefix, namespaces of tenant 'oil' must be named oil-<name> (got 'dev')",
    ]);
    expect(checkTenantNamespaces('oil', [{ name: 'dev' }], {}, { ...platform, forceTenantPrefix: false })).toEqual([]);
  });

  test('namespaces must fit the quota, be unique, not be the platform\'s, and avoid forbidden metadata', () => {
    const spec = { namespaceOptions: { quota: 1, forbiddenLabels: { denied: ['team'], deniedRegex: '^internal/' } } };
    const found = messages(
      checkTenantNamespaces('oil', [{ name: 'oil-a', labels: { team: 'x', 'internal/cost': 'y', ok: 'z' } }, { name: 'oil-a' }, { name: 'flux-system' }, { name: 'Oil' }], spec, platform),
    );
    expect(found).toEqual([
      'platform.namespaces.0.labels.team: the tenant forbids this label (namespaceOptions.forbiddenLabels)',
      'platform.namespaces.0.labels.internal/cost: the tenant forbids this label (namespaceOptions.forbiddenLabels)',
      "platform.namespaces.1.name: namespace 'oil-a' is listed twice",
      "platform.namespaces.2.name: 'flux-system' is a namespace of Kubernetes or of the platform",
      'platform.namespaces.3.name: must be a DNS-1123 label (got "Oil")',
      'platform.namespaces: 4 namespaces exceed namespaceOptions.quota (1); Capsule would refuse the extra ones',
    ]);
  });

  test('the tenant label is the platform\'s to set', () => {
    expect(messages(checkTenantNamespaces('oil', [{ name: 'oil-a', labels: { 'capsule.clastix.io/tenant': 'gas' } }], {}, platform))).toEqual([
      'platform.namespaces.0.labels.capsule.clastix.io/tenant: set by the platform (the tenant the namespace is listed under)',
    ]);
  });
});

describe('findPrefixCollisions', () => {
  test('finds dash-prefixes when the prefix is in force for either tenant', () => {
    const tenants = [
      { name: 'oil', forceTenantPrefix: true },
      { name: 'oil-prod', forceTenantPrefix: false },
      { name: 'oilfield', forceTenantPrefix: true },
      { name: 'gas', forceTenantPrefix: false },
      { name: 'gas-eu', forceTenantPrefix: false },
      { name: 'oil-prod-eu', forceTenantPrefix: false },
    ];
    expect(findPrefixCollisions(tenants)).toEqual([
      ['oil', 'oil-prod'],
      ['oil', 'oil-prod-eu'],
    ]);
  });
});
