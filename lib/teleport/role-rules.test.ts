import { completeRule, KubernetesResourceRule, labelsMatch, matchesPattern, ruleProblems } from './role-rules';

const rule = (r: Partial<KubernetesResourceRule>): KubernetesResourceRule => ({ api_group: '*', kind: '*', verbs: ['get'], ...r });
const messages = (r: Partial<KubernetesResourceRule>) => ruleProblems(rule(r), ['rules', '0']).map((p) => `${p.segments.slice(2).join('.')}: ${p.message}`);

describe('role v8 kubernetes_resources rules', () => {
  test('accept a tenant narrowing itself to its own namespaces', () => {
    expect(messages({ kind: '*', namespace: 'oil-*', name: '*', verbs: ['*'] })).toEqual([]);
    expect(messages({ api_group: '', kind: 'namespaces', name: '^oil-[a-z0-9-]+$', verbs: ['get', 'list', 'watch'] })).toEqual([]);
    expect(messages({ api_group: 'apps', kind: 'deployments', namespace: 'oil-prod', verbs: ['get', 'patch'] })).toEqual([]);
    expect(messages({ api_group: 'capsule.clastix.io', kind: 'tenants', name: 'oil', verbs: ['get'] })).toEqual([]);
    expect(messages({ api_group: '', kind: 'namespaces', name: 'oil-*', namespace: '' })).toEqual([]);
  });

  test('name kinds by their plural resource name (v7 singular kinds get the v8 name)', () => {
    expect(messages({ kind: 'pod' })).toEqual(["kind: role v8 names kinds by their plural resource name: use 'pods' (got 'pod', a role v7 kind)"]);
    expect(messages({ kind: 'kube_node' })).toEqual(["kind: role v8 names kinds by their plural resource name: use 'nodes' (got 'kube_node', a role v7 kind)"]);
    expect(messages({ kind: 'Deployment' })[0]).toMatch(/^kind: must be '\*' or a plural resource name in lowercase/);
  });

  test('check api_group against the kind', () => {
    expect(messages({ api_group: 'apps/v1', kind: 'deployments' })).toEqual(["api_group: is the API group without its version, e.g. 'apps' for apps/v1 and '' for v1 (got 'apps/v1')"]);
    expect(messages({ api_group: '', kind: 'deployments' })).toEqual(["api_group: deployments are in the API group 'apps' (got '')"]);
    expect(messages({ api_group: 'apps', kind: 'pods' })).toEqual(["api_group: pods are in the core API group: use api_group '' (got 'apps')"]);
    expect(messages({ api_group: 'Apps', kind: 'crontabs' })[0]).toMatch(/^api_group: must be '', '\*' or an API group/);
  });

  test('check wildcard and regular expression syntax of name and namespace', () => {
    expect(messages({ namespace: '^oil-(dev$' })).toEqual(['namespace: "^oil-(dev$" is not a valid regular expression (unterminated group)']);
    // Go's RE2 syntax, not JavaScript's: inline flags anywhere, no lookaround.
    expect(messages({ namespace: '^oil-(?i)dev$' })).toEqual([]);
    expect(messages({ namespace: 'oil-.*$' })).toEqual(["namespace: a regular expression must start with ^ and end with $ (got 'oil-.*$')"]);
    expect(messages({ name: '^(?!kube-).*$' })).toEqual([`name: "^(?!kube-).*$" uses lookaround, which Go's RE2 (and so Teleport) does not support`]);
    expect(messages({ name: 'Oil_*' })[0]).toMatch(/^name: must be a name, a wildcard pattern with \* \(e.g. oil-\*\) or a \^regular expression\$/);
  });

  test('kind namespaces selects Namespace objects by name, never by namespace', () => {
    expect(messages({ api_group: '', kind: 'namespaces', namespace: 'oil-*' })).toEqual([
      'namespace: kind namespaces matches the Namespace objects themselves, which have no namespace: select them with name (role v8)',
    ]);
  });

  test("'*' among other verbs is redundant", () => {
    expect(messages({ verbs: ['*', 'get'] })).toEqual(["verbs: '*' already allows every verb; list either '*' or the verbs"]);
  });

  test('defaults: any name, any namespace, no namespace for cluster-scoped kinds', () => {
    expect(completeRule({ api_group: '', kind: 'pods', verbs: ['get'] })).toEqual({ api_group: '', kind: 'pods', name: '*', namespace: '*', verbs: ['get'] });
    expect(completeRule({ api_group: '', kind: 'namespaces', verbs: ['list'] })).toEqual({ api_group: '', kind: 'namespaces', name: '*', verbs: ['list'] });
  });
});

describe('Teleport matching', () => {
  test('patterns are globs with * or ^regular expressions$', () => {
    expect(matchesPattern('oil-*', 'oil-dev')).toBe(true);
    expect(matchesPattern('oil-*', 'gas-dev')).toBe(false);
    expect(matchesPattern('oil.dev', 'oilxdev')).toBe(false);
    expect(matchesPattern('^oil-(dev|prod)$', 'oil-prod')).toBe(true);
    expect(matchesPattern('^oil-(dev|prod)$', 'oil-test')).toBe(false);
  });

  test('kubernetes_labels need every key, with one of its values', () => {
    const cluster = { capsule: 'true', env: 'prod' };
    expect(labelsMatch({ capsule: 'true' }, cluster)).toBe(true);
    expect(labelsMatch({ capsule: 'true', env: ['dev', 'prod'] }, cluster)).toBe(true);
    expect(labelsMatch({ capsule: 'true', env: 'dev' }, cluster)).toBe(false);
    expect(labelsMatch({ region: '*' }, cluster)).toBe(false);
    expect(labelsMatch({ env: 'p*' }, cluster)).toBe(true);
    expect(labelsMatch({ '*': '*' }, {})).toBe(true);
  });
});
