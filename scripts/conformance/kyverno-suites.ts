import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import type { PublicNamespaces } from '../../lib/kyverno/global-config';
import { POLICY_NAMES, PolicyName, PolicySelection } from '../../lib/kyverno/policies/catalog';
import type { PolicyDefinition } from '../../lib/kyverno/policy';
import { DEFAULT_POLICY, EVERY_POLICY, EXAMPLE_PUBLIC_NAMESPACES } from '../../lib/kyverno/testing';
import { engineVersion, runEngine, SHARED_DIR } from './engines';
import { RENDERINGS } from './kyverno-renderings';
import { readCrdFiles } from './schemas';
import { Check, EngineReport } from './report';

/**
 * `kyverno test` of every policy of the catalog, with the suites in the kyverno/policies layout:
 * `lib/kyverno/policies/<family>/<policy>/.kyverno-test/**\/kyverno-test.yaml`. A suite names the
 * policy by file (`../<policy>.yaml`, or `../<policy>.every-policy.yaml` for the EVERY_POLICY
 * options), which this stage renders into a temporary copy of the suite folder, once per rendering
 * in RENDERINGS and option set in OPTION_SETS.
 *
 * `kyverno test` 1.19 scores a result that names a rule or resource it never evaluated as a pass
 * (`Excluded`), so before running it every result is checked against the policy definition and the
 * suite's resources, and every rule must have its pass, fail (or patched) and skip results.
 */

/** A set of options every policy is rendered and tested with. */
export interface OptionSet {
  readonly name: string;
  /** Added to the file names the suite refers to: `<policy><suffix>.yaml`, `platform-resources<suffix>.yaml`. */
  readonly suffix: string;
  readonly selection: Required<PolicySelection>;
  readonly publicNamespaces?: PublicNamespaces;
}

export const OPTION_SETS: readonly OptionSet[] = [
  { name: 'default options', suffix: '', selection: DEFAULT_POLICY },
  { name: 'EVERY_POLICY options', suffix: '.every-policy', selection: EVERY_POLICY, publicNamespaces: EXAMPLE_PUBLIC_NAMESPACES },
];

/** One result of a suite (cli.kyverno.io/v1alpha1 Test `results[]`), as far as this stage reads it. */
export interface TestResult {
  policy: string;
  rule?: string;
  kind: string;
  resources: string[];
  result: 'pass' | 'fail' | 'skip' | 'warn' | 'error';
  patchedResources?: string;
  operation?: string;
  [field: string]: unknown;
}

/** What a rendering produces for one option set. */
export interface RenderedSet {
  /** Each enabled policy's file content (YAML), by policy name. */
  readonly policies: ReadonlyMap<string, string>;
  /** The definitions the policies were rendered from. */
  readonly definitions: ReadonlyMap<string, PolicyDefinition>;
  /** Objects the platform renders beside the policies that rules read at admission (the global configuration ConfigMap). */
  readonly platformObjects: readonly Record<string, unknown>[];
}

/**
 * A form the policies are rendered in (kyverno-renderings.ts). The suites are written for
 * ClusterPolicy (results name the policy and its rule); another rendering maps the results to its
 * own kinds and names.
 */
export interface PolicyRendering {
  /** As printed in check subjects, e.g. `ClusterPolicy`; also the work folder of its suite copies. */
  readonly name: string;
  render(selection: PolicySelection, publicNamespaces?: PublicNamespaces): RenderedSet;
  /**
   * The suite's results as they must read for this rendering.
   * @default - unchanged
   */
  adaptResults?(results: readonly TestResult[], definition: PolicyDefinition): TestResult[];
  /**
   * Whether the CLI reports this rendering's results per policy rather than per rule (the CEL
   * kinds): a row then names no rule, or the result's `rule` label.
   * @default false
   */
  readonly ruleless?: boolean;
  /**
   * Why a row the CLI failed is the expected result all the same (a documented CLI limitation,
   * checked against the rendered policy), or undefined when it is a failure.
   * @default - every failed row is a failure
   */
  acceptRow?(row: TestRow, results: readonly TestResult[], renderedPolicy: string, definition: PolicyDefinition): string | undefined;
  /**
   * Why the CLI cannot run `test` against this rendering (a documented CLI limitation), or
   * undefined. Such a test is left out of the run and listed in the summary's notes.
   * @default - every test runs
   */
  cannotRun?(test: ParsedTest): string | undefined;
}

export const POLICIES_DIR = path.join('lib', 'kyverno', 'policies');
export const SUITE_DIR = '.kyverno-test';
export const TEST_FILE = 'kyverno-test.yaml';

/** A policy's suite folder and definition file, relative to `root`. */
export interface Suite {
  readonly policy: PolicyName;
  /** e.g. `lib/kyverno/policies/workloads/block-daemonset-create/.kyverno-test` */
  readonly dir: string;
  /** e.g. `lib/kyverno/policies/workloads/block-daemonset-create.ts` */
  readonly definitionFile: string;
}

/** The suites under `root`; problems (a policy without a suite, a suite without a policy) are failed checks. */
export function findSuites(root: string): { suites: Suite[]; problems: Check[] } {
  const suites: Suite[] = [];
  const problems: Check[] = [];
  const base = path.join(root, POLICIES_DIR);
  const families = fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
  for (const family of families) {
    for (const entry of fs.readdirSync(path.join(base, family.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = path.join(POLICIES_DIR, family.name, entry.name, SUITE_DIR);
      if (!fs.existsSync(path.join(root, dir))) continue;
      if (!(POLICY_NAMES as string[]).includes(entry.name)) {
        problems.push({ subject: dir, ok: false, message: `suite of ${entry.name}, which is not a policy of the catalog (lib/kyverno/policies/catalog.ts)` });
        continue;
      }
      suites.push({ policy: entry.name as PolicyName, dir, definitionFile: path.join(POLICIES_DIR, family.name, `${entry.name}.ts`) });
    }
  }
  for (const name of POLICY_NAMES.filter((n) => !suites.some((s) => s.policy === n))) {
    problems.push({ subject: `policy ${name}`, ok: false, message: `has no kyverno test suite (${POLICIES_DIR}/<family>/${name}/${SUITE_DIR}/${TEST_FILE})` });
  }
  return { suites: suites.sort((a, b) => POLICY_NAMES.indexOf(a.policy) - POLICY_NAMES.indexOf(b.policy)), problems };
}

/** Every `kyverno-test.yaml` under `dir` (recursively), relative to it, sorted. */
function testFiles(dir: string, sub = ''): string[] {
  return fs
    .readdirSync(path.join(dir, sub), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? testFiles(dir, path.join(sub, e.name)) : e.name === TEST_FILE ? [path.join(sub, e.name)] : []));
}

export interface ParsedTest {
  /** Relative to the suite folder. */
  readonly file: string;
  readonly doc: Record<string, any>;
  readonly optionSet: OptionSet;
}

/**
 * The resources a test loads: `kind` and `name`/`namespace/name` keys, as results refer to them.
 * `kyverno test` 1.19 matches a result's resources by name whatever their kind, so `namespace/name`
 * must be unique in a test (`duplicates`).
 */
function resourceKeys(suiteCopy: string, testFile: string, doc: Record<string, any>, duplicates: string[] = []): Set<string> {
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const file of (doc.resources ?? []) as string[]) {
    const full = path.join(suiteCopy, path.dirname(testFile), file);
    if (!fs.existsSync(full)) continue;
    for (const object of YAML.parseAllDocuments(fs.readFileSync(full, 'utf8')).map((d) => d.toJS())) {
      if (!object?.metadata?.name) continue;
      const name = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      if (names.has(name)) duplicates.push(`${file}: ${object.kind} ${name}`);
      names.add(name);
      keys.add(`${object.kind}/${object.metadata.name}`);
      if (object.metadata.namespace) keys.add(`${object.kind}/${object.metadata.namespace}/${object.metadata.name}`);
    }
  }
  return keys;
}

/**
 * The rules a result may name: the definition's, and for Pod rules with autogen the rules Kyverno
 * generates for controllers (the ClusterPolicy's names; the CEL rendering matches the controllers
 * itself and maps them back).
 */
function ruleNames(definition: PolicyDefinition): string[] {
  const names = definition.rules.map((r) => r.name);
  if (!definition.autogen) return names;
  const podRules = definition.rules.filter((r) => r.match.kinds.some((k) => k.group === '' && k.kind === 'Pod')).map((r) => r.name);
  return [...names, ...podRules.flatMap((n) => [`autogen-${n}`, `autogen-cronjob-${n}`])];
}

/**
 * Test annotation listing validate rules that deny every resource they match (block-daemonset-create):
 * they can have no `pass` result, and the summary says so.
 */
export const NO_PASS = 'conformance.capsule-platform/no-pass-rules';

export function noPassRules(doc: Record<string, any>): string[] {
  const value: string | undefined = doc.metadata?.annotations?.[NO_PASS];
  return value ? value.split(',').map((r) => r.trim()).filter(Boolean) : [];
}

/** Structural problems of a suite's tests for one option set: unknown rules and resources, rules without pass/fail/skip. */
export function suiteProblems(suite: Suite, suiteCopy: string, tests: readonly ParsedTest[], set: OptionSet, definition: PolicyDefinition): string[] {
  const problems: string[] = [];
  const rules = ruleNames(definition);
  const seen = new Map<string, Set<string>>(definition.rules.map((r) => [r.name, new Set<string>()]));
  const noPass = new Set<string>();
  for (const test of tests.filter((t) => t.optionSet === set)) {
    for (const rule of noPassRules(test.doc)) noPass.add(rule);
    const where = path.join(suite.dir, test.file);
    const duplicates: string[] = [];
    const resources = resourceKeys(suiteCopy, test.file, test.doc, duplicates);
    for (const d of duplicates) problems.push(`${where}: resource name used twice (kyverno test matches results by name only): ${d}`);
    problems.push(...namespaceProblems(where, suiteCopy, test));
    const results = (test.doc.results ?? []) as TestResult[];
    if (results.length === 0) problems.push(`${where}: has no results`);
    for (const r of results) {
      const what = `${where}: result ${r.policy}/${r.rule} ${r.result}`;
      if (r.policy !== suite.policy) problems.push(`${what}: names policy ${r.policy}, the suite is for ${suite.policy}`);
      if (!r.rule || !rules.includes(r.rule)) problems.push(`${what}: ${definition.name} has no rule ${r.rule ?? '(none)'} (rules: ${rules.join(', ')})`);
      for (const resource of r.resources ?? []) {
        if (!resources.has(`${r.kind}/${resource}`)) problems.push(`${what}: no ${r.kind} ${resource} in the test's resources`);
      }
      if (r.patchedResources && !fs.existsSync(path.join(suiteCopy, path.dirname(test.file), r.patchedResources))) problems.push(`${what}: patched resource ${r.patchedResources} does not exist`);
      const outcomes = r.rule ? seen.get(r.rule) : undefined;
      if (outcomes) outcomes.add(r.patchedResources && r.result === 'pass' ? 'patched' : r.result);
    }
  }
  for (const rule of definition.rules) {
    const outcomes = seen.get(rule.name)!;
    const needed = rule.type === 'validate' ? [...(noPass.has(rule.name) ? [] : ['pass']), 'fail', 'skip'] : ['patched', 'skip'];
    if (noPass.has(rule.name) && outcomes.has('pass')) problems.push(`${suite.dir}: rule ${rule.name} is declared in ${NO_PASS} but has a pass result`);
    const missing = needed.filter((n) => !outcomes.has(n));
    if (missing.length) {
      problems.push(`${suite.dir}: rule ${rule.name} (${rule.type}) has no result ${missing.map((m) => (m === 'patched' ? 'pass with patchedResources' : m)).join(', ')} with ${set.name}`);
    }
  }
  return problems;
}

/**
 * A test describes a namespace to each rendering in the form it reads: ClusterPolicy apiCalls
 * read mocked `apiCallResponses`, CEL policies read `namespaceObject` from
 * `values.namespaceSelector`/`values.namespaces` (which also decide namespace selectors) and
 * `resource.List`/`resource.Get` from `clusterResources`. A namespace described in several of them
 * must have the same labels in each, so both renderings judge the same cluster.
 */
export function namespaceProblems(where: string, suiteCopy: string, test: ParsedTest): string[] {
  const seen = new Map<string, Array<{ source: string; labels: Record<string, string> }>>();
  const add = (name: string | undefined, source: string, labels: Record<string, string> | undefined) => {
    if (!name) return;
    if (!seen.has(name)) seen.set(name, []);
    seen.get(name)!.push({ source, labels: labels ?? {} });
  };
  const { doc } = test;
  for (const entry of (doc.apiCallResponses ?? []) as Array<Record<string, any>>) {
    const name = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(entry.urlPath ?? '')?.[1];
    add(name, 'apiCallResponses', entry.response?.body?.metadata?.labels);
  }
  for (const n of (doc.values?.namespaceSelector ?? []) as Array<Record<string, any>>) add(n.name, 'values.namespaceSelector', n.labels);
  for (const n of (doc.values?.namespaces ?? []) as Array<Record<string, any>>) add(n.metadata?.name, 'values.namespaces', n.metadata?.labels);
  for (const file of (doc.clusterResources ?? []) as string[]) {
    const full = path.join(suiteCopy, path.dirname(test.file), file);
    if (!fs.existsSync(full)) continue;
    for (const object of (YAML.parse(fs.readFileSync(full, 'utf8'))?.spec?.resources ?? []) as Array<Record<string, any>>) {
      if (object?.kind === 'Namespace') add(object.metadata?.name, `clusterResources ${file}`, object.metadata?.labels);
    }
  }
  const problems: string[] = [];
  const canonical = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  for (const [name, entries] of seen) {
    if (new Set(entries.map((e) => canonical(e.labels))).size > 1) {
      problems.push(`${where}: namespace ${name} has different labels in ${entries.map((e) => `${e.source} (${canonical(e.labels)})`).join(', ')}; each rendering reads another of them`);
    }
  }
  return problems;
}

let sharedCrds: ReturnType<typeof readCrdFiles> | undefined;

/**
 * The CRDs of ../shared/crds that define a kind `wanted` (group, served version, kind) accepts,
 * each written to its own file in `dir`; their absolute paths, for a ClusterResource's `crds` (the
 * CLI resolves those against the test's folder, which differs between the tests of a suite).
 */
export function sharedCrdFiles(wanted: (group: string, version: string, kind: string) => boolean, dir: string): string[] {
  // Without ../shared (a clone on its own) there are none; the conformance run needs it anyway (charts).
  sharedCrds ??= fs.existsSync(path.join(SHARED_DIR, 'crds')) ? readCrdFiles(path.join(SHARED_DIR, 'crds')) : [];
  const files: string[] = [];
  for (const { crd } of sharedCrds) {
    const spec = crd.spec as { group: string; names: { kind: string; plural: string }; versions: Array<{ name: string }> };
    if (!spec.versions.some((v) => wanted(spec.group, v.name, spec.names.kind))) continue;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${spec.group}_${spec.names.plural}.yaml`);
    fs.writeFileSync(file, YAML.stringify(crd));
    files.push(file);
  }
  return files;
}

/** One row of `kyverno test -o json --detailed-results`. */
export interface TestRow {
  readonly POLICY: string;
  readonly RULE: string;
  readonly RESOURCE: string;
  readonly RESULT: string;
  readonly REASON: string;
  readonly Message?: string;
}

/** Splits `kyverno test -o json` output into the rows of each test file (by the `Loading test ( path )` lines). */
export function parseTestOutput(stdout: string): Map<string, TestRow[]> {
  const byFile = new Map<string, TestRow[]>();
  const blocks = stdout.split(/^Loading test +\( (.+?) \) \.\.\.$/m);
  for (let i = 1; i < blocks.length; i += 2) {
    const body = blocks[i + 1];
    const start = body.search(/^\[/m);
    const end = body.search(/^\]/m);
    if (start < 0 || end < start) continue;
    byFile.set(path.normalize(blocks[i]), JSON.parse(body.slice(start, end + 1)) as TestRow[]);
  }
  return byFile;
}

/** The kyverno CLI's exact file reference a test uses for a rendered file, relative to the test file. */
function policyReference(testFile: string, fileName: string): string {
  return path.relative(path.dirname(path.join(SUITE_DIR, testFile)), fileName);
}

/** Runs every suite against every rendering and option set; one check per test result, plus the structural checks. */
/** A suite copied into the work folder with its policy rendered beside it, ready for `kyverno test`. */
export interface PreparedSuite {
  /** The folder `kyverno test` runs in (holds the rendered files and the `.kyverno-test` copy). */
  readonly copy: string;
  readonly tests: readonly ParsedTest[];
  /** Problems that keep the suite from running (unknown rules or resources, missing results). */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  /** `policy/rule` of every rule the definitions have, over the option sets. */
  readonly rules: readonly string[];
  /** Tests the rendering cannot run (`cannotRun`), with the reason: left out of the copy. */
  readonly excluded: readonly string[];
}

/** Copies `suite` to `work`, renders its policy for every option set beside it, and checks its structure. */
export function prepareSuite(root: string, work: string, rendering: PolicyRendering, rendered: ReadonlyMap<OptionSet, RenderedSet>, suite: Suite): PreparedSuite {
  const copy = path.join(work, 'kyverno-test', rendering.name, suite.policy);
  const suiteCopy = path.join(copy, SUITE_DIR);
  fs.mkdirSync(copy, { recursive: true });
  fs.cpSync(path.join(root, suite.dir), suiteCopy, { recursive: true });
  const tests: ParsedTest[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  const rules = new Set<string>();
  for (const file of testFiles(suiteCopy)) {
    const doc = YAML.parse(fs.readFileSync(path.join(suiteCopy, file), 'utf8'));
    const sets = OPTION_SETS.filter((set) => (doc.policies ?? []).includes(policyReference(file, `${suite.policy}${set.suffix}.yaml`)));
    if (sets.length !== 1 || doc.policies.length !== 1) {
      problems.push(`${path.join(suite.dir, file)}: policies must be exactly one of ${OPTION_SETS.map((s) => policyReference(file, `${suite.policy}${s.suffix}.yaml`)).join(', ')}`);
      continue;
    }
    tests.push({ file, doc, optionSet: sets[0] });
    for (const rule of noPassRules(doc)) notes.push(`${suite.policy}/${rule} denies every resource it matches: it has fail and skip results, no pass`);
  }
  const defaults = rendered.get(OPTION_SETS[0])!.policies.get(suite.policy)!;
  for (const set of OPTION_SETS) {
    const { policies, definitions, platformObjects } = rendered.get(set)!;
    const policy = policies.get(suite.policy)!;
    const definition = definitions.get(suite.policy)!;
    definition.rules.forEach((r) => rules.add(`${suite.policy}/${r.name}`));
    fs.writeFileSync(path.join(copy, `${suite.policy}${set.suffix}.yaml`), policy);
    // The CRDs of the custom kinds the policy matches: in a test with clusterResources the CLI
    // maps kinds to resources from these only (a CEL policy on Flux kinds fails without them).
    const kinds = definition.rules.flatMap((r) => r.match.kinds);
    const crds = sharedCrdFiles((group, version, kind) => kinds.some((k) => k.group === group && k.version === version && k.kind === kind), path.join(copy, 'crds'));
    const clusterResource = { apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'ClusterResource', metadata: { name: 'platform-resources' }, spec: { crds, resources: platformObjects } };
    fs.writeFileSync(path.join(copy, `platform-resources${set.suffix}.yaml`), YAML.stringify(clusterResource));
    // Options that render the same policy as the defaults need no suite of their own.
    if (set !== OPTION_SETS[0] && policy === defaults && !tests.some((t) => t.optionSet === set)) continue;
    problems.push(...suiteProblems(suite, suiteCopy, tests, set, definition));
    if (rendering.adaptResults) {
      for (const test of tests.filter((t) => t.optionSet === set)) {
        test.doc.results = rendering.adaptResults(test.doc.results, definition);
        fs.writeFileSync(path.join(suiteCopy, test.file), YAML.stringify(test.doc));
      }
    }
  }
  // The structure above is checked on every test; a test the CLI cannot run for this rendering is
  // then left out of the copy, and reported.
  const excluded: string[] = [];
  const runnable = tests.filter((test) => {
    const why = rendering.cannotRun?.(test);
    if (why) {
      fs.rmSync(path.join(suiteCopy, test.file));
      excluded.push(`${path.join(suite.dir, test.file)}: ${why}`);
    }
    return !why;
  });
  return { copy, tests: runnable, problems, notes, rules: [...rules], excluded };
}

/** Runs every suite against every rendering and option set; one check per test result, plus the structural checks. */
export function runSuites(root: string, work: string, renderings: readonly PolicyRendering[] = RENDERINGS): EngineReport {
  const { suites, problems } = findSuites(root);
  const checks: Check[] = [...problems];
  const results = new Map<string, number>(renderings.map((r) => [r.name, 0]));
  const notRun = new Map<string, number>(renderings.map((r) => [r.name, 0]));
  const rules = new Set<string>();
  const notes = new Set<string>();
  for (const rendering of renderings) {
    const rendered = new Map(OPTION_SETS.map((set) => [set, rendering.render(set.selection, set.publicNamespaces)]));
    for (const suite of suites) {
      const prepared = prepareSuite(root, work, rendering, rendered, suite);
      prepared.rules.forEach((r) => rules.add(r));
      prepared.notes.forEach((n) => notes.add(n));
      prepared.excluded.forEach((e) => notes.add(`[${rendering.name}] not run: ${e}`));
      notRun.set(rendering.name, notRun.get(rendering.name)! + prepared.excluded.length);
      const subject = (file: string) => `${path.join(suite.dir, file)} [${rendering.name}]`;
      if (prepared.problems.length) {
        checks.push(...prepared.problems.map((message) => ({ subject: `${suite.dir} [${rendering.name}]`, ok: false, message: `${message} (policy: ${suite.definitionFile})` })));
        continue;
      }
      const run = runEngine('kyverno', ['test', SUITE_DIR, '-o', 'json', '--detailed-results', '--remove-color'], { cwd: prepared.copy });
      const rows = parseTestOutput(run.stdout);
      const mine: Check[] = [];
      // Rows the CLI failed that acceptRow explains: the CLI's exit status counts them as failures.
      let accepted = 0;
      for (const test of prepared.tests) {
        const got = rows.get(path.join(SUITE_DIR, test.file)) ?? [];
        results.set(rendering.name, results.get(rendering.name)! + got.length);
        const { policies, definitions } = rendered.get(test.optionSet)!;
        for (const row of got) {
          // RESULT is the CLI's verdict on the expectation: Pass when the rule's result is the expected one.
          const because = row.RESULT === 'Pass' ? undefined : rendering.acceptRow?.(row, test.doc.results, policies.get(suite.policy)!, definitions.get(suite.policy)!);
          if (because) {
            accepted++;
            notes.add(`[${rendering.name}] ${path.join(suite.dir, test.file)}: ${row.POLICY} ${row.RULE} ${row.RESOURCE}: ${because}`);
          }
          const ok = row.RESULT === 'Pass' || because !== undefined;
          mine.push({
            subject: `${subject(test.file)}: ${row.POLICY}${row.RULE ? `/${row.RULE}` : ''} ${row.RESOURCE}`,
            ok,
            ...(ok ? {} : { message: `${row.REASON}${row.Message ? `: ${oneLine(row.Message)}` : ''} (policy: ${suite.definitionFile}, rendered with ${test.optionSet.name})` }),
          });
        }
        // The CLI reports `Excluded` (no rule response) as a pass, and may report a result more than
        // once (once per operation it evaluates): every expected pass or fail needs a real response.
        for (const missing of unanswered(test.doc.results as TestResult[], got, rendering.ruleless)) {
          mine.push({ subject: subject(test.file), ok: false, message: `kyverno test gave no response for ${missing} (policy: ${suite.definitionFile}): ${tail(run.stdout + run.stderr)}` });
        }
      }
      checks.push(...mine);
      // A non-zero exit is expected only for the accepted rows (the CLI counts them as failed tests).
      const failed = Number(/Test Summary: \d+ tests passed and (\d+) tests failed/.exec(run.stdout)?.[1] ?? NaN);
      const expectedExit = accepted > 0 ? failed === accepted : run.status === 0;
      if (!expectedExit && mine.every((c) => c.ok)) {
        checks.push({ subject: `${suite.dir} [${rendering.name}]`, ok: false, message: `kyverno test exited ${run.status}${accepted ? ` (${accepted} accepted rows, ${failed} failed)` : ''}: ${tail(run.stdout + run.stderr)}` });
      }
    }
  }
  return {
    engine: 'kyverno test',
    version: engineVersion('kyverno'),
    scope: `${suites.length} policies, ${rules.size} rules, ${OPTION_SETS.length} option sets, ${renderings.length} renderings: ${[...results].map(([name, n]) => `${name} ${n}${notRun.get(name) ? ` (${notRun.get(name)} test file not run, see notes)` : ''}`).join(', ')} results`,
    checks,
    notes: [...notes],
  };
}

/**
 * Expected results (rule, resource) without a row of theirs; a pass or fail also needs a row that
 * is not `Excluded`. With `ruleless` (CEL kinds) a response row names no rule: a row answers the
 * results of its policy, by the result's `rule` label where it has one.
 */
export function unanswered(results: readonly TestResult[], rows: readonly TestRow[], ruleless = false): string[] {
  const missing: string[] = [];
  for (const r of results) {
    for (const resource of r.resources ?? []) {
      const mine = rows.filter((row) => row.POLICY === r.policy && (row.RULE === r.rule || (ruleless && row.RULE === '')) && row.RESOURCE.endsWith(`/${resource}`));
      const answered = r.result === 'skip' ? mine.length > 0 : mine.some((row) => row.REASON !== 'Excluded');
      if (!answered) missing.push(`${r.rule} ${r.kind} ${resource} (${r.result}${r.operation ? ` on ${r.operation}` : ''})`);
    }
  }
  return missing;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 600);
}

function tail(text: string): string {
  return oneLine(text.split('\n').slice(-15).join('\n'));
}
