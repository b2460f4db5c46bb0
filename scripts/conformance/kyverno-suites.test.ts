import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { POLICY_NAMES } from '../../lib/kyverno/policies/catalog';
import { ROOT } from './engines';
import { CEL_POLICIES, CLUSTER_POLICY, RENDERINGS } from './kyverno-renderings';
import { findSuites, namespaceProblems, OPTION_SETS, parseTestOutput, prepareSuite, unanswered } from './kyverno-suites';

// What the conformance run checks before it runs the Kyverno CLI, without the CLI (no Go needed):
// a suite per policy, every result naming a rule and resource that exist, every rule with its
// pass/fail/skip results for each option set.
describe('the kyverno test suites', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-suites-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const rendered = new Map(RENDERINGS.map((r) => [r, new Map(OPTION_SETS.map((set) => [set, r.render(set.selection, set.publicNamespaces)]))]));

  test('run against both renderings: ClusterPolicy and the CEL kinds', () => {
    expect(RENDERINGS.map((r) => r.name)).toEqual(['ClusterPolicy', 'CEL']);
  });

  test('every policy of the catalog has exactly one suite, and every suite belongs to a policy', () => {
    const { suites, problems } = findSuites(ROOT);
    expect(problems).toEqual([]);
    expect(suites.map((s) => s.policy)).toEqual(POLICY_NAMES);
    for (const suite of suites) expect(fs.existsSync(path.join(ROOT, suite.definitionFile))).toBe(true);
  });

  const cases = RENDERINGS.flatMap((r) => POLICY_NAMES.map((name) => [r.name, name] as const));
  test.each(cases)('%s %s: its results name real rules and resources, and cover pass, fail (or patched) and skip of every rule', (renderingName, name) => {
    const rendering = RENDERINGS.find((r) => r.name === renderingName)!;
    const suite = findSuites(ROOT).suites.find((s) => s.policy === name)!;
    const prepared = prepareSuite(ROOT, work, rendering, rendered.get(rendering)!, suite);
    expect(prepared.problems).toEqual([]);
    // Both option sets are tested, except where EVERY_POLICY renders the policy as the defaults do.
    const sets = new Set(prepared.tests.map((t) => t.optionSet.name));
    expect(sets.has('default options')).toBe(true);
    if (name !== 'always-pull-images') expect(sets.has('EVERY_POLICY options')).toBe(true);
  });

  test('a result naming a rule the policy does not have is a problem, not a pass', () => {
    const suite = findSuites(ROOT).suites.find((s) => s.policy === 'block-daemonset-create')!;
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-suite-copy-'));
    try {
      fs.cpSync(path.join(ROOT, path.dirname(suite.dir)), path.join(copy, path.dirname(suite.dir)), { recursive: true });
      const file = path.join(copy, suite.dir, 'kyverno-test.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/rule: block-daemonset-create/g, 'rule: block-daemonset-creation'));
      const prepared = prepareSuite(copy, work, CLUSTER_POLICY, rendered.get(CLUSTER_POLICY)!, suite);
      expect(prepared.problems).toContainEqual(expect.stringContaining('block-daemonset-create has no rule block-daemonset-creation'));
      expect(prepared.problems).toContainEqual(expect.stringContaining('rule block-daemonset-create (validate) has no result fail, skip with default options'));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('the CEL rendering restates each result for the CEL policy that holds its rule: no rule to match, one result per resource and operation', () => {
    const suite = findSuites(ROOT).suites.find((s) => s.policy === 'tenant-core')!;
    const prepared = prepareSuite(ROOT, work, CEL_POLICIES, rendered.get(CEL_POLICIES)!, suite);
    const every = prepared.tests.find((t) => t.optionSet === OPTION_SETS[1])!;
    const results = every.doc.results as Array<Record<string, unknown>>;
    // The same expectations as the ClusterPolicy's, per resource.
    expect(results).toContainEqual({ policy: 'tenant-core', rule: 'tenant-name', kind: 'Tenant', resources: ['platform'], result: 'fail', isValidatingPolicy: true });
    expect(results).toContainEqual({ policy: 'tenant-core', rule: 'tenant-name on UPDATE', kind: 'Tenant', resources: ['platform'], result: 'skip', operation: 'UPDATE', isValidatingPolicy: true });
    expect(results).toContainEqual({
      policy: 'tenant-core-mutate',
      rule: 'tenant-properties on UPDATE',
      kind: 'Tenant',
      resources: ['gas'],
      result: 'pass',
      patchedResources: 'patched-gas.yaml',
      operation: 'UPDATE',
      isMutatingPolicy: true,
    });
    // The written test file is what the CLI reads.
    expect(YAML.parse(fs.readFileSync(path.join(prepared.copy, '.kyverno-test', every.file), 'utf8')).results).toEqual(results);
    // Every rule's resources are still expected, none twice.
    const keys = results.map((r) => `${r.policy} ${r.operation ?? ''} ${(r.resources as string[])[0]}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('the CEL rendering merges the rules of one policy on a resource: fail when one fails, patched when one patches, refused when two patch differently', () => {
    const definition = rendered.get(CEL_POLICIES)!.get(OPTION_SETS[0])!.definitions.get('flux-defaults')!;
    const base = { policy: 'flux-defaults', kind: 'Kustomization', resources: ['oil-dev/apps'] };
    const merged = CEL_POLICIES.adaptResults!(
      [
        { ...base, rule: 'kustomization-defaults', result: 'pass', patchedResources: 'patched-apps.yaml' },
        { ...base, rule: 'helmrelease-defaults', result: 'skip' },
      ],
      definition,
    );
    expect(merged).toEqual([{ ...base, rule: 'kustomization-defaults+helmrelease-defaults', result: 'pass', patchedResources: 'patched-apps.yaml', isMutatingPolicy: true }]);
    expect(() =>
      CEL_POLICIES.adaptResults!(
        [
          { ...base, rule: 'kustomization-defaults', result: 'pass', patchedResources: 'a.yaml' },
          { ...base, rule: 'helmrelease-defaults', result: 'pass', patchedResources: 'b.yaml' },
        ],
        definition,
      ),
    ).toThrow(/different patched resources/);
    const scheduling = rendered.get(CEL_POLICIES)!.get(OPTION_SETS[0])!.definitions.get('restrict-controlplane-scheduling')!;
    const pod = { policy: 'restrict-controlplane-scheduling', kind: 'Pod', resources: ['oil-dev/a'] };
    expect(
      CEL_POLICIES.adaptResults!(
        [
          { ...pod, rule: 'restrict-controlplane-scheduling-master', result: 'pass' },
          { ...pod, rule: 'autogen-restrict-controlplane-scheduling-control-plane', result: 'fail' },
        ],
        scheduling,
      ).map((r) => [r.rule, r.result]),
    ).toEqual([['restrict-controlplane-scheduling-master+restrict-controlplane-scheduling-control-plane', 'fail']]);
  });

  test("accepts the CLI's Not found for a CEL policy only for an expected skip of a request its resource rules do not match", () => {
    const { policies, definitions } = rendered.get(CEL_POLICIES)!.get(OPTION_SETS[0])!;
    const policy = policies.get('tenant-core')!;
    const definition = definitions.get('tenant-core')!;
    const skip = { policy: 'tenant-core', rule: 'tenant-name on UPDATE', kind: 'Tenant', resources: ['default'], result: 'skip' as const, operation: 'UPDATE' };
    const row = { POLICY: 'tenant-core', RULE: 'tenant-name on UPDATE', RESOURCE: 'capsule.clastix.io/v1beta2/Tenant//default', RESULT: 'Fail', REASON: 'Not found' };
    expect(CEL_POLICIES.acceptRow!(row, [skip], policy, definition)).toMatch(/ValidatingPolicy tenant-core does not match UPDATE of tenants/);
    // The policy matches a CREATE: no response there is a failure.
    const create = { ...skip, rule: 'tenant-name', operation: undefined };
    expect(CEL_POLICIES.acceptRow!({ ...row, RULE: 'tenant-name' }, [create], policy, definition)).toBeUndefined();
    // Only a skip, only Not found.
    expect(CEL_POLICIES.acceptRow!(row, [{ ...skip, result: 'fail' }], policy, definition)).toBeUndefined();
    expect(CEL_POLICIES.acceptRow!({ ...row, REASON: 'Want skip, got fail' }, [skip], policy, definition)).toBeUndefined();
    expect(CLUSTER_POLICY.acceptRow).toBeUndefined();
  });

  test('the CEL rendering leaves out (and reports) a test that gives the old object as values, which the CLI does not pass to CEL policies; the ClusterPolicy runs it', () => {
    const suite = findSuites(ROOT).suites.find((s) => s.policy === 'always-pull-images')!;
    const cel = prepareSuite(ROOT, work, CEL_POLICIES, rendered.get(CEL_POLICIES)!, suite);
    expect(cel.excluded).toEqual([expect.stringMatching(/always-pull-images\/\.kyverno-test\/kubectl-debug\/kyverno-test\.yaml: it gives the old object of an UPDATE as values \(request\.oldObject\.spec\.ephemeralContainers\)/)]);
    expect(cel.tests.map((t) => t.file)).toEqual(['kyverno-test.yaml']);
    expect(fs.existsSync(path.join(cel.copy, '.kyverno-test', 'kubectl-debug', 'kyverno-test.yaml'))).toBe(false);
    const clusterPolicy = prepareSuite(ROOT, work, CLUSTER_POLICY, rendered.get(CLUSTER_POLICY)!, suite);
    expect(clusterPolicy.excluded).toEqual([]);
    expect(clusterPolicy.tests.map((t) => t.file)).toEqual(['kubectl-debug/kyverno-test.yaml', 'kyverno-test.yaml']);
    // block-ephemeral-containers' kubectl-debug test gives no old object: it runs in both.
    const block = findSuites(ROOT).suites.find((s) => s.policy === 'block-ephemeral-containers')!;
    expect(prepareSuite(ROOT, work, CEL_POLICIES, rendered.get(CEL_POLICIES)!, block).excluded).toEqual([]);
  });

  test('a namespace must have the same labels in every input a test gives it (apiCallResponses, values, clusterResources)', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-namespaces-'));
    try {
      fs.writeFileSync(
        path.join(copy, 'namespaces.yaml'),
        YAML.stringify({ kind: 'ClusterResource', spec: { resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'oil-dev', labels: { tenant: 'oil' } } }] } }),
      );
      const doc = {
        apiCallResponses: [{ urlPath: '/api/v1/namespaces/oil-dev', response: { body: { metadata: { name: 'oil-dev', labels: { tenant: 'oil' } } } } }],
        values: { namespaceSelector: [{ name: 'oil-dev', labels: { tenant: 'gas' } }] },
        clusterResources: ['namespaces.yaml'],
      };
      const problems = namespaceProblems('t.yaml', copy, { file: 'kyverno-test.yaml', doc, optionSet: OPTION_SETS[0] });
      expect(problems).toEqual([expect.stringContaining('t.yaml: namespace oil-dev has different labels in apiCallResponses')]);
      expect(problems[0]).toContain('values.namespaceSelector ([["tenant","gas"]])');
      doc.values.namespaceSelector[0].labels.tenant = 'oil';
      expect(namespaceProblems('t.yaml', copy, { file: 'kyverno-test.yaml', doc, optionSet: OPTION_SETS[0] })).toEqual([]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  // The Flux CRDs come from ../shared/crds, which a user's clone does not have: skipped (and reported by jest) without it.
  const withSharedCrds = fs.existsSync(path.join(ROOT, '..', 'shared', 'crds')) ? test : test.skip;
  withSharedCrds('gives a suite with clusterResources the CRDs of the custom kinds its policy matches (the CLI maps kinds from them)', () => {
    const suite = findSuites(ROOT).suites.find((s) => s.policy === 'tenant-compare')!;
    const prepared = prepareSuite(ROOT, work, CEL_POLICIES, rendered.get(CEL_POLICIES)!, suite);
    const resources = YAML.parse(fs.readFileSync(path.join(prepared.copy, 'platform-resources.yaml'), 'utf8'));
    const crds = resources.spec.crds as string[];
    expect(crds.map((f) => path.basename(f))).toEqual(['helm.toolkit.fluxcd.io_helmreleases.yaml', 'kustomize.toolkit.fluxcd.io_kustomizations.yaml']);
    for (const file of crds) {
      expect(path.isAbsolute(file)).toBe(true);
      expect(YAML.parse(fs.readFileSync(file, 'utf8')).kind).toBe('CustomResourceDefinition');
    }
    expect(resources.spec.resources.map((r: { kind: string }) => r.kind)).toEqual(['ConfigMap']);
  });

  test('reads the CLI output per test file, and finds expectations the CLI only answered with Excluded', () => {
    const row = (RULE: string, RESOURCE: string, REASON: string) => ({ POLICY: 'p', RULE, RESOURCE, RESULT: 'Pass', REASON });
    const stdout = [
      'Loading test  ( .kyverno-test/kyverno-test.yaml ) ...',
      '  Checking results ...',
      '',
      JSON.stringify([row('r', 'v1/Pod/ns/a', 'Ok')], null, 2),
      '',
      'Loading test  ( .kyverno-test/every-policy/kyverno-test.yaml ) ...',
      JSON.stringify([row('r', 'v1/Pod/ns/a', 'Excluded')], null, 2),
      'Test Summary: 2 tests passed and 0 tests failed',
    ].join('\n');
    const rows = parseTestOutput(stdout);
    expect([...rows.keys()]).toEqual(['.kyverno-test/kyverno-test.yaml', '.kyverno-test/every-policy/kyverno-test.yaml']);
    const fail = { policy: 'p', rule: 'r', kind: 'Pod', resources: ['ns/a'], result: 'fail' as const };
    expect(unanswered([fail], rows.get('.kyverno-test/kyverno-test.yaml')!)).toEqual([]);
    expect(unanswered([fail], rows.get('.kyverno-test/every-policy/kyverno-test.yaml')!)).toEqual(['r Pod ns/a (fail)']);
    expect(unanswered([{ ...fail, result: 'skip' }], rows.get('.kyverno-test/every-policy/kyverno-test.yaml')!)).toEqual([]);
    // CEL kinds: a response row names no rule; it answers the results of its policy.
    const cel = [{ ...row('', 'v1/Pod/ns/a', 'Ok') }];
    expect(unanswered([{ ...fail, rule: 'r+s' }], cel)).toEqual(['r+s Pod ns/a (fail)']);
    expect(unanswered([{ ...fail, rule: 'r+s' }], cel, true)).toEqual([]);
    expect(unanswered([{ ...fail, policy: 'q', rule: 'r+s' }], cel, true)).toEqual(['r+s Pod ns/a (fail)']);
  });
});
