import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { TENANT_LABEL } from '../../lib/capsule/labels';
import type { Manifest } from '../../lib/core/output/manifest-file';
import { engineVersion, ROOT, runEngine } from './engines';
import { parseTestOutput, sharedCrdFiles } from './kyverno-suites';
import { renderedReleases } from './helm';
import { SynthesizedPlatform } from './platforms';
import { Check, EngineReport } from './report';

/**
 * The policies each cluster of each configuration renders, against (a) its tenants, tenant
 * namespaces and representative tenant workloads (TENANT_WORKLOADS, placed in each tenant's
 * namespaces) and (b) every Pod-bearing object its charts render (from the helm stage): a `fail` or
 * `error` of any rule on any of them is a failed check naming the object and the policy file.
 *
 * The evaluation is `kyverno test` with a generated Test, not `kyverno apply`: Kyverno CLI 1.19.0's
 * offline client cannot serve `GET /api/v1/namespaces/<name>` (it parses `namespaces/<name>` as a
 * namespace prefix), so apply fails every rule with a namespace apiCall (capsule-pod-labels,
 * tenant-compare), while test mocks apiCalls (`apiCallResponses`: here, every namespace as rendered).
 * Each (rule, object) is listed as an expected `pass`; the CLI's `Want pass, got <actual>` is the
 * actual result; `skip` (or no response: the rule does not match) is fine.
 */

/** Representative workloads of a tenant, placed into each tenant namespace of every cluster. */
export const TENANT_WORKLOADS = path.join('test', 'fixtures', 'kyverno', 'tenant-workloads.yaml');

/** The policy kinds of both renderings (`kyverno.api`: clusterpolicy, cel). */
const POLICY_KINDS = new Set(['ClusterPolicy', 'ValidatingPolicy', 'MutatingPolicy']);

const POD_BEARING = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

/** Rules Kyverno generates from a Pod rule for controllers (autogen), by the controller kinds they match. */
const AUTOGEN = [
  { prefix: 'autogen-', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'] },
  { prefix: 'autogen-cronjob-', kinds: ['CronJob'] },
];

interface Subject {
  readonly object: Record<string, any>;
  /** What it is, for messages: the output file or chart it comes from. */
  readonly origin: string;
}

/** The clusters of a synthesized platform: their folder name and rendered files. */
function clusters(platform: SynthesizedPlatform): Map<string, SynthesizedPlatform['files']> {
  const byCluster = new Map<string, SynthesizedPlatform['files'][number][]>();
  for (const file of platform.files) {
    const [cluster] = file.path.split('/');
    if (!byCluster.has(cluster)) byCluster.set(cluster, []);
    byCluster.get(cluster)!.push(file);
  }
  return byCluster;
}

/** Objects of a multi-document YAML file. */
function readObjects(file: string): Record<string, any>[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o && typeof o === 'object' && o.kind);
}

/** The Pod-bearing objects the helm stage rendered for `cluster` of `platform`, in their release namespace. */
function chartObjects(work: string, platform: SynthesizedPlatform, cluster: string): Subject[] {
  return renderedReleases(work)
    .filter((r) => r.platform === platform && r.cluster === cluster)
    .flatMap((r) =>
      r.objects
        .filter((o) => POD_BEARING.has(o.kind))
        .map((o) => ({ object: { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? r.namespace } }, origin: `chart ${r.chart} of ${r.file}` })),
    );
}

/** Runs the cluster's policies on its tenants' and platform's objects; one check per policy and object. */
export function applyToPlatforms(platforms: readonly SynthesizedPlatform[], work: string, root: string = ROOT): EngineReport {
  const checks: Check[] = [];
  const notes: string[] = [];
  let policyCount = 0;
  let objectCount = 0;
  const workloads = readObjects(path.join(root, TENANT_WORKLOADS));
  for (const platform of platforms) {
    for (const [cluster, files] of clusters(platform)) {
      const charts = chartObjects(work, platform, cluster);
      if (charts.length === 0) notes.push(`${platform.name} ${cluster}: no chart output from the helm stage, platform Pods not checked`);
      const manifests = files.flatMap((f) => f.manifests.map((m) => ({ manifest: m as Manifest & Record<string, any>, file: f.path })));
      const policies = manifests.filter((m) => POLICY_KINDS.has(m.manifest.kind));
      if (policies.length === 0) {
        notes.push(`${platform.name} ${cluster}: no Kyverno policies enabled`);
        continue;
      }
      policyCount += policies.length;
      const namespaces: Record<string, any>[] = manifests.filter((m) => m.manifest.kind === 'Namespace').map((m) => m.manifest);
      const tenants = manifests.filter((m) => m.manifest.kind === 'Tenant');
      const subjects: Subject[] = tenants.map((t) => ({ object: t.manifest, origin: t.file }));
      // Tenant namespaces: those the platform renders, or else one the owner creates (Capsule labels it).
      for (const tenant of tenants) {
        const name = tenant.manifest.metadata.name;
        let own = namespaces.filter((n) => n.metadata.labels?.[TENANT_LABEL] === name);
        if (own.length === 0) {
          const created = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${name}-apps`, labels: { [TENANT_LABEL]: name } } };
          namespaces.push(created);
          own = [created];
        }
        for (const ns of own) {
          for (const w of workloads) subjects.push({ object: { ...w, metadata: { ...w.metadata, namespace: ns.metadata.name } }, origin: `${TENANT_WORKLOADS} in ${ns.metadata.name} (tenant ${name})` });
        }
      }
      subjects.push(...charts);
      objectCount += subjects.length;
      checks.push(...evaluate(path.join(work, 'kyverno-platform', platform.name.replace(/[/\\]/g, '_'), cluster), `${platform.name} ${cluster}`, policies, manifests, namespaces, subjects));
    }
  }
  return {
    engine: 'kyverno (platform)',
    version: engineVersion('kyverno'),
    scope: `${policyCount} policies on ${objectCount} tenant and platform objects`,
    checks,
    notes,
  };
}

function evaluate(
  dir: string,
  where: string,
  policies: ReadonlyArray<{ manifest: Manifest & Record<string, any>; file: string }>,
  manifests: ReadonlyArray<{ manifest: Manifest & Record<string, any>; file: string }>,
  namespaces: ReadonlyArray<Record<string, any>>,
  subjects: readonly Subject[],
): Check[] {
  fs.mkdirSync(dir, { recursive: true });
  const policyFiles = policies.map((p, i) => {
    const file = `policy-${i}.yaml`;
    fs.writeFileSync(path.join(dir, file), YAML.stringify(p.manifest));
    return file;
  });
  // Resource names must be unique in a test (the CLI matches results by name only).
  const named: Subject[] = subjects.map((s, i) => ({ ...s, object: { ...s.object, metadata: { ...s.object.metadata, name: `${String(s.object.kind).toLowerCase()}-${i}` } } }));
  fs.writeFileSync(path.join(dir, 'resources.yaml'), named.map((s) => YAML.stringify(s.object)).join('---\n'));
  const allNamespaces = new Map(namespaces.map((n) => [n.metadata.name, n]));
  // The CLI puts cluster-scoped objects (Tenants) into `default` and looks that namespace up.
  if (!allNamespaces.has('default')) allNamespaces.set('default', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  for (const s of named) {
    const ns = s.object.metadata.namespace;
    if (ns && !allNamespaces.has(ns)) allNamespaces.set(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const configMaps = manifests.filter((m) => m.manifest.kind === 'ConfigMap').map((m) => m.manifest);
  // With clusterResources the CLI maps kinds to resources only from the CRDs given there: a CEL
  // policy on Tenants needs theirs.
  const kinds = new Set(named.map((s) => `${s.object.apiVersion}/${s.object.kind}`));
  const crds = sharedCrdFiles((group, version, kind) => kinds.has(`${group}/${version}/${kind}`), path.join(dir, 'crds'));
  fs.writeFileSync(
    path.join(dir, 'cluster-resources.yaml'),
    YAML.stringify({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'ClusterResource', metadata: { name: 'platform' }, spec: { crds, resources: [...configMaps, ...allNamespaces.values()] } }),
  );
  const results = named.flatMap((s) =>
    policies.flatMap((p) => {
      const base = { policy: p.manifest.metadata.name, kind: s.object.kind, resources: [s.object.metadata.namespace ? `${s.object.metadata.namespace}/${s.object.metadata.name}` : s.object.metadata.name], result: 'pass' };
      // A CEL policy answers once per object, for all its validations or mutations (no rule names).
      if (p.manifest.kind !== 'ClusterPolicy') return [{ ...base, rule: p.manifest.metadata.name, [p.manifest.kind === 'ValidatingPolicy' ? 'isValidatingPolicy' : 'isMutatingPolicy']: true }];
      return (p.manifest.spec.rules as Array<{ name: string }>).flatMap((rule) => ruleNamesFor(rule.name, s.object.kind, p.manifest).map((name) => ({ ...base, rule: name })));
    }),
  );
  const test = {
    apiVersion: 'cli.kyverno.io/v1alpha1',
    kind: 'Test',
    metadata: { name: 'platform' },
    policies: policyFiles,
    resources: ['resources.yaml'],
    clusterResources: ['cluster-resources.yaml'],
    values: { namespaceSelector: [...allNamespaces.values()].map((n) => ({ name: n.metadata.name, labels: { 'kubernetes.io/metadata.name': n.metadata.name, ...(n.metadata.labels ?? {}) } })) },
    apiCallResponses: [...allNamespaces.values()].map((n) => ({
      urlPath: `/api/v1/namespaces/${n.metadata.name}`,
      response: { body: { ...n, metadata: { ...n.metadata, labels: { 'kubernetes.io/metadata.name': n.metadata.name, ...(n.metadata.labels ?? {}) } } } },
    })),
    results,
  };
  fs.writeFileSync(path.join(dir, 'kyverno-test.yaml'), YAML.stringify(test));
  const run = runEngine('kyverno', ['test', '.', '-o', 'json', '--detailed-results', '--remove-color'], { cwd: dir });
  const rows = parseTestOutput(run.stdout).get('kyverno-test.yaml');
  if (!rows) return [{ subject: where, ok: false, message: `kyverno test gave no results: ${(run.stdout + run.stderr).split('\n').slice(-10).join(' ')}` }];
  const loadErrors = run.stdout.split('\n').filter((l) => /^\s*ERROR: /.test(l));
  if (loadErrors.length) return [{ subject: where, ok: false, message: `kyverno test could not load the policies: ${loadErrors.join(' ')}` }];
  const policyFile = new Map(policies.map((p) => [p.manifest.metadata.name, p.file]));
  const celPolicies = new Set(policies.filter((p) => p.manifest.kind !== 'ClusterPolicy').map((p) => p.manifest.metadata.name));
  // One check per (policy, object): its rules' actual results.
  const verdicts = new Map<string, { subject: Subject; policy: string; bad: string[] }>();
  for (const row of rows) {
    const index = Number(row.RESOURCE.split('/').pop()!.split('-').pop());
    const subject = named[index];
    const key = `${row.POLICY} ${index}`;
    if (!verdicts.has(key)) verdicts.set(key, { subject, policy: row.POLICY, bad: [] });
    // `Not found`: the CLI dropped a CEL policy's empty response, the policy did not match the
    // object (policy_processor.go `hasSelector`; a ClusterPolicy rule gets `Excluded` then).
    const notMatched = row.REASON === 'Not found' && celPolicies.has(row.POLICY);
    const actual = row.RESULT === 'Pass' || notMatched ? 'pass' : (/got (\w+)/.exec(row.REASON)?.[1] ?? row.REASON);
    if (actual !== 'pass' && actual !== 'skip') verdicts.get(key)!.bad.push(`${row.RULE}: ${actual}${row.Message ? ` (${row.Message.replace(/\s+/g, ' ').slice(0, 400)})` : ''}`);
  }
  const images = (o: Record<string, any>): string[] => {
    const spec = o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((l) => (spec?.[l] ?? []).map((c: { image: string }) => c.image));
  };
  return [...verdicts.values()].map(({ subject, policy, bad }) => ({
    subject: `${where}: ${subject.object.kind} ${subject.object.metadata.namespace ?? ''}/${subjects[named.indexOf(subject)].object.metadata.name} (${subject.origin}) × ${policyFile.get(policy)}`,
    ok: bad.length === 0,
    ...(bad.length ? { message: `${bad.join('; ')} [images: ${images(subject.object).join(', ')}]` } : {}),
  }));
}

/** The rule names a result for `kind` uses: the rule itself for Pods and other kinds, its autogen copies for controllers. */
function ruleNamesFor(rule: string, kind: string, policy: Record<string, any>): string[] {
  const autogenOff = policy.metadata.annotations?.['pod-policies.kyverno.io/autogen-controllers'] === 'none';
  const matchesPods = (policy.spec.rules as any[]).find((r) => r.name === rule)?.match?.any?.some((m: any) => m.resources?.kinds?.includes('Pod'));
  if (!matchesPods || autogenOff) return [rule];
  const generated = AUTOGEN.filter((a) => a.kinds.includes(kind)).map((a) => `${a.prefix}${rule}`);
  return generated.length ? generated : [rule];
}

