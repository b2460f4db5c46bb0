import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { POLICY_NAMES } from '../../lib/kyverno/policies/catalog';
import { ROOT } from './engines';
import { CLUSTER_POLICY, findSuites, OPTION_SETS, parseTestOutput, prepareSuite, unanswered } from './kyverno-suites';

// What the conformance run checks before it runs the Kyverno CLI, without the CLI (no Go needed):
// a suite per policy, every result naming a rule and resource that exist, every rule with its
// pass/fail/skip results for each option set.
describe('the kyverno test suites', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kyverno-suites-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const rendered = new Map(OPTION_SETS.map((set) => [set, CLUSTER_POLICY.render(set.selection, set.publicNamespaces)]));

  test('every policy of the catalog has exactly one suite, and every suite belongs to a policy', () => {
    const { suites, problems } = findSuites(ROOT);
    expect(problems).toEqual([]);
    expect(suites.map((s) => s.policy)).toEqual(POLICY_NAMES);
    for (const suite of suites) expect(fs.existsSync(path.join(ROOT, suite.definitionFile))).toBe(true);
  });

  test.each(POLICY_NAMES)('%s: its results name real rules and resources, and cover pass, fail (or patched) and skip of every rule', (name) => {
    const suite = findSuites(ROOT).suites.find((s) => s.policy === name)!;
    const prepared = prepareSuite(ROOT, work, CLUSTER_POLICY, rendered, suite);
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
      const prepared = prepareSuite(copy, work, CLUSTER_POLICY, rendered, suite);
      expect(prepared.problems).toContainEqual(expect.stringContaining('block-daemonset-create has no rule block-daemonset-creation'));
      expect(prepared.problems).toContainEqual(expect.stringContaining('rule block-daemonset-create (validate) has no result fail, skip with default options'));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
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
  });
});
