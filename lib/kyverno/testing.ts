import * as YAML from 'yaml';
import { Layer } from '../core/delivery/delivery';
import type { Manifest } from '../core/output/manifest-file';
import type { RenderedFile } from '../core/output/platform-app';
import { testCluster } from '../core/testing';
import { KyvernoGlobalConfig, PublicNamespaces } from './global-config';
import { Kyverno } from './kyverno';
import { KyvernoPolicies, PolicyApi, PolicySelection } from './policies/catalog';
import type { PolicyDefinition } from './policy';

/**
 * Test helpers for Kyverno policies: render them the way the platform does, and check the `{{ }}`
 * variables of every rule, which no schema covers (seed 001's capsule-pod-labels declared `tenant`
 * and used `tenant_name`: valid YAML, valid CRD, an error at every admission).
 */

/** Every policy enabled, with options other than the defaults wherever a policy has them. */
export const EVERY_POLICY: Required<PolicySelection> = {
  'enforce-no-host-users': { optOutLabel: 'example.com/allow-host-users' },
  'block-daemonset-create': { failureAction: 'Audit' },
  'restrict-controlplane-scheduling': { failureAction: 'Audit' },
  'default-emptydir-sizelimit': { sizeLimit: '1Gi' },
  'block-ephemeral-containers': { failureAction: 'Audit', scope: 'cluster' },
  'restrict-image-registries': { registries: ['registry.example.com:5000', '*.dkr.ecr.eu-west-1.amazonaws.com'], failureAction: 'Enforce', scope: 'cluster' },
  'always-pull-images': {},
  'capsule-pod-labels': { defaultTenant: 'platform', keepExisting: false },
  'flux-defaults': { serviceAccountName: 'flux-tenant' },
  'tenant-compare': { failureAction: 'Audit' },
  'tenant-core': {
    reservedNames: ['default', 'kube-system', 'platform'],
    defaults: {
      forbiddenNamespaceLabelsRegex: '.*\\.example\\.com',
      priorityClassLabels: { tier: 'tenant' },
      ingressClassLabels: { exposure: 'public' },
      storageClassLabels: { tier: 'tenant' },
      nodePortServices: false,
      nodeSelector: { 'node-role.example.com/tenant': 'true' },
    },
    failureAction: 'Audit',
  },
  'tenant-policy': { owner: { kind: 'User', name: 'platform-admin@example.com' }, proxySettings: [{ kind: 'RuntimeClasses', operations: ['List'] }] },
};

/**
 * Every policy enabled with its defaults: no options, except those a policy requires
 * (restrict-image-registries' registries, tenant-policy's owner).
 */
export const DEFAULT_POLICY: Required<PolicySelection> = {
  'enforce-no-host-users': {},
  'block-daemonset-create': {},
  'restrict-controlplane-scheduling': {},
  'default-emptydir-sizelimit': {},
  'block-ephemeral-containers': {},
  'restrict-image-registries': { registries: ['docker.io'] },
  'always-pull-images': {},
  'capsule-pod-labels': {},
  'flux-defaults': {},
  'tenant-compare': {},
  'tenant-core': {},
  'tenant-policy': { owner: { kind: 'Group', name: 'platform-admins' } },
};

/** The public namespaces the tests render EVERY_POLICY with. */
export const EXAMPLE_PUBLIC_NAMESPACES: PublicNamespaces = { label: 'example.com/public', value: 'true' };

/** A rendered ClusterPolicy, loosely typed for assertions. */
export interface RenderedPolicy {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations: Readonly<Record<string, string>> };
  readonly spec: any;
}

export interface RenderedPolicies {
  readonly files: readonly RenderedFile[];
  /** The ClusterPolicies by name. */
  readonly policies: ReadonlyMap<string, RenderedPolicy>;
  /** The CEL policies (api `cel`) by `<kind>/<name>`, e.g. `ValidatingPolicy/tenant-core`. */
  readonly celPolicies: ReadonlyMap<string, RenderedPolicy>;
  /** The global configuration ConfigMap. */
  readonly globalConfig: Manifest & Record<string, any>;
  /** The definitions the policies were rendered from, by name. */
  readonly definitions: ReadonlyMap<string, PolicyDefinition>;
}

/**
 * Renders `selection` as the platform does (Kyverno in `infrastructure`, the global configuration
 * and the policies in `policies`), validating every object strictly against its CRD.
 */
export function renderPolicies(selection: PolicySelection, publicNamespaces?: PublicNamespaces, api?: PolicyApi): RenderedPolicies {
  const { app, delivery, layer } = testCluster();
  const kyverno = new Kyverno(layer, 'kyverno');
  const policiesLayer = new Layer(app, 'policies', { delivery, folder: 'test/policies', dependsOn: [layer] });
  const globalConfig = new KyvernoGlobalConfig(policiesLayer, 'global-config', { kyverno, publicNamespaces });
  const rendered = new KyvernoPolicies(policiesLayer, 'policies', { globalConfig, policies: selection, api });
  const files = app.render();
  const manifests = files.flatMap((f) => f.manifests);
  return {
    files,
    policies: new Map(manifests.filter((m) => m.kind === 'ClusterPolicy').map((m) => [m.metadata.name, m as unknown as RenderedPolicy])),
    celPolicies: new Map(
      manifests.filter((m) => m.kind === 'ValidatingPolicy' || m.kind === 'MutatingPolicy').map((m) => [`${m.kind}/${m.metadata.name}`, m as unknown as RenderedPolicy]),
    ),
    globalConfig: manifests.find((m) => m.kind === 'ConfigMap')! as Manifest & Record<string, any>,
    definitions: new Map(rendered.policies.map((p) => [p.definition.name, p.definition])),
  };
}

/** The one rendered policy of `selection`. */
export function renderPolicy(selection: PolicySelection, publicNamespaces?: PublicNamespaces): RenderedPolicy {
  const { policies } = renderPolicies(selection, publicNamespaces);
  if (policies.size !== 1) throw new Error(`expected one policy, got ${[...policies.keys()].join(', ')}`);
  return [...policies.values()][0];
}

/** The CEL policies of `selection` (api `cel`), by `<kind>/<name>`. */
export function renderCelPolicies(selection: PolicySelection, publicNamespaces?: PublicNamespaces): ReadonlyMap<string, RenderedPolicy> {
  return renderPolicies(selection, publicNamespaces, 'cel').celPolicies;
}

/** The rule `name` of a rendered policy. */
export function ruleOf(policy: RenderedPolicy, name: string): Record<string, any> {
  const rule = policy.spec.rules.find((r: { name: string }) => r.name === name);
  if (!rule) throw new Error(`policy ${policy.metadata.name} has no rule ${name}`);
  return rule;
}

/** Variables Kyverno provides to every rule (foreach items add `element` and `elementIndex`). */
const BUILT_INS = ['request', 'images', 'serviceAccountName', 'serviceAccountNamespace'];
const FOREACH_BUILT_INS = ['element', 'elementIndex'];

/**
 * Every `{{ }}` expression in `text`, innermost first (Kyverno substitutes nested variables from
 * the inside out). An inner expression is replaced by a string literal in the outer one.
 * @throws if the braces do not balance
 */
export function variableExpressions(text: string): string[] {
  const found: string[] = [];
  const innermost = /\{\{((?:(?!\{\{|\}\}).)*)\}\}/s;
  let rest = text;
  for (let match = innermost.exec(rest); match; match = innermost.exec(rest)) {
    found.push(match[1].trim());
    rest = rest.slice(0, match.index) + "'nested'" + rest.slice(match.index + match[0].length);
  }
  if (rest.includes('{{') || rest.includes('}}')) throw new Error(`unbalanced {{ }} in ${JSON.stringify(text)}`);
  return found;
}

/**
 * The variables a JMESPath expression reads from the root: identifiers at the top level of the
 * expression that are not a field of something (`a.b`), a function (`f(`), inside a filter or
 * multi-select (`[? ]`, `[a, b]`, `{a: b}`: relative to the current element), or after a pipe.
 */
export function rootVariables(expression: string): string[] {
  // Literals and quoted identifiers cannot be root variables: blank them out (same length).
  const code = expression.replace(/'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"/g, (s) => ' '.repeat(s.length));
  const roots: string[] = [];
  let depth = 0;
  let afterPipe = false;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === '|' && code[i + 1] !== '|' && code[i - 1] !== '|' && depth === 0) afterPipe = true;
    else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(code[i - 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i))![0];
      const before = code.slice(0, i).trimEnd().slice(-1);
      const after = code.slice(i + name.length).trimStart()[0];
      if (depth === 0 && !afterPipe && before !== '.' && after !== '(') roots.push(name);
      i += name.length - 1;
    }
  }
  return [...new Set(roots)];
}

/** Every string in `value`, deeply (object keys included: anchors like `+(key)` can hold variables). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

interface Scope {
  readonly where: string;
  readonly values: unknown;
  readonly declared: readonly string[];
}

/** What each part of a rule may refer to: context entries only after they are loaded, `element` only in foreach. */
function scopes(rule: Record<string, any>): Scope[] {
  const context: Array<{ name: string }> = rule.context ?? [];
  const names = context.map((c) => c.name);
  const out: Scope[] = context.map((entry, i) => ({ where: `context ${entry.name}`, values: entry, declared: [...BUILT_INS, ...names.slice(0, i)] }));
  const ruleLevel = [...BUILT_INS, ...names];
  // Kyverno substitutes no variables in match: any there is a mistake.
  out.push({ where: 'match', values: rule.match, declared: [] });
  out.push({ where: 'preconditions', values: rule.preconditions, declared: ruleLevel });
  for (const kind of ['validate', 'mutate'] as const) {
    const { foreach, ...body } = rule[kind] ?? {};
    out.push({ where: kind, values: body, declared: ruleLevel });
    (foreach ?? []).forEach((item: Record<string, any>, i: number) => {
      const local = (item.context ?? []).map((c: { name: string }) => c.name);
      out.push({ where: `${kind}.foreach[${i}]`, values: item, declared: [...ruleLevel, ...FOREACH_BUILT_INS, ...local] });
    });
  }
  return out;
}

/** Every `{{ }}` variable of every rule of `policy` that is not declared where it is used. */
export function undeclaredVariables(policy: RenderedPolicy): string[] {
  const problems: string[] = [];
  for (const rule of policy.spec.rules) {
    for (const { where, values, declared } of scopes(rule)) {
      for (const text of strings(values)) {
        for (const expression of variableExpressions(text)) {
          for (const root of rootVariables(expression)) {
            if (!declared.includes(root)) problems.push(`${policy.metadata.name}/${rule.name} ${where}: {{ ${expression} }} uses undeclared variable ${root}`);
          }
        }
      }
    }
  }
  return problems;
}

/**
 * References `<entry>.data.<key>` to a configMap context entry whose ConfigMap is not among
 * `configMaps`, or has no such key.
 */
export function missingConfigMapKeys(policy: RenderedPolicy, configMaps: ReadonlyArray<Manifest & Record<string, any>>): string[] {
  const problems: string[] = [];
  for (const rule of policy.spec.rules) {
    for (const entry of (rule.context ?? []).filter((c: Record<string, any>) => c.configMap)) {
      const { name, namespace } = entry.configMap;
      const configMap = configMaps.find((c) => c.metadata.name === name && c.metadata.namespace === namespace);
      if (!configMap) {
        problems.push(`${policy.metadata.name}/${rule.name}: ConfigMap ${namespace}/${name} is not rendered`);
        continue;
      }
      const reference = new RegExp(`\\b${entry.name}\\.data\\.([A-Za-z0-9_]+)`, 'g');
      for (const text of strings(rule)) {
        for (const [, key] of text.matchAll(reference)) {
          if (!(key in (configMap.data ?? {}))) problems.push(`${policy.metadata.name}/${rule.name}: ${entry.name}.data.${key} is not a key of ConfigMap ${namespace}/${name}`);
        }
      }
    }
  }
  return problems;
}

/**
 * The rule `name` of a policy given as YAML: tests copy seed 001's documents into their own source
 * (a user's clone has no ../shared) and compare with them.
 */
export function yamlRule(yaml: string, name: string): Record<string, any> {
  const rule = (YAML.parse(yaml).spec.rules as Array<Record<string, any>>).find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name} in the given YAML`);
  return rule;
}

/**
 * A made-up policy definition for renderer tests, to reach what the catalog does not: the
 * metadata is fixed, `overrides` set the rest (rules, background, autogen, ...).
 */
export function examplePolicy(overrides: Partial<PolicyDefinition> & Pick<PolicyDefinition, 'rules' | 'background' | 'autogen'>): PolicyDefinition {
  return {
    name: 'example',
    title: 'Example',
    category: 'Other',
    severity: 'low',
    subject: 'Pod',
    description: 'An example.',
    minVersion: '1.6.0',
    ...overrides,
  };
}
