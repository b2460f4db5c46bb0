/**
 * kubeconform stage: `kubeconform -strict` over every synthesized Kubernetes object and every object
 * the charts render (the helm stage's output), against schemas generated offline (schemas.ts) from
 * the pinned Kubernetes OpenAPI, the CRDs each cluster's charts render, ../shared/crds and
 * cert-manager's. Only local folders are schema locations, so kubeconform never downloads; an object
 * without a schema fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import type { RenderedFile } from '../../lib/core/output/platform-app';
import { ENGINES } from '../../lib/versions';
import { certManagerCrds, engineVersion, kubernetesSource, runEngine, SHARED_DIR } from './engines';
import { renderedReleases } from './helm';
import { Check, EngineReport } from './report';
import { CrdSource, generateBuiltinSchemas, generateCrdSchemas, readCrdFiles, schemaLocation } from './schemas';
import type { SynthesizedPlatform } from './platforms';
import { StageContext } from './stages';

interface Target {
  /** Absolute path given to kubeconform. */
  readonly file: string;
  /** How the file is named in messages. */
  readonly label: string;
  /** Objects in the file (kubeconform must report each). */
  readonly objects: number;
}

interface Result {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped';
  msg: string;
  validationErrors?: Array<{ path: string; msg: string }>;
}

export function kubeconformStage(context: StageContext): EngineReport[] {
  const swagger = path.join(kubernetesSource(), 'api', 'openapi-spec', 'swagger.json');
  const releases = renderedReleases(context.work);
  const builtins = generateBuiltinSchemas(path.join(context.work, 'schemas', 'builtin'), swagger);
  const sharedCrds = readCrdFiles(path.join(SHARED_DIR, 'crds')).map((c) => ({ ...c, source: path.relative(path.join(SHARED_DIR, '..'), c.source) }));
  // For kinds no chart of the cluster installs: capsule-proxy's cert-manager mode and the platform CA
  // render cert-manager's kinds on clusters whose cert-manager is external.
  const certManager = readCrdFiles(certManagerCrds()).map((c) => ({ ...c, source: `cert-manager ${ENGINES['cert-manager'].version} ${path.basename(c.source)}` }));

  const checks: Check[] = [];
  const notes = new Map<string, string[]>();
  const notKubernetes: string[] = [];
  const allTargets: Target[] = [];
  const crdKinds = new Set<string>();
  for (const platform of context.platforms) {
    for (const file of platform.files.filter((f) => !f.manifests.length)) notKubernetes.push(`${platform.name}/${file.path}`);
    const clusters = [...new Set(platform.files.filter((f) => f.manifests.length).map((f) => clusterOf(f.path)))];
    for (const cluster of clusters) {
      // Each cluster is judged against the CRDs its own charts install (clusters may pin different
      // chart versions), then ../shared/crds and cert-manager's for kinds no chart of it installs.
      const inCluster = releases.filter((r) => r.platform === platform && r.cluster === cluster);
      const chartCrds: CrdSource[] = inCluster.flatMap((r) =>
        r.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((crd) => ({ crd, source: `chart ${r.chart} ${r.chartVersion}`, preferred: true })),
      );
      const where = `${platform.name}/${cluster}`;
      const custom = generateCrdSchemas(path.join(context.work, 'schemas', folderName(where)), builtins, [...chartCrds, ...sharedCrds, ...certManager]);
      for (const note of custom.notes) notes.set(note, [...(notes.get(note) ?? []), where]);
      custom.kinds.forEach((k) => crdKinds.add(k));
      const targets: Target[] = [
        ...platform.files
          .filter((f) => f.manifests.length && clusterOf(f.path) === cluster)
          .map((f) => asApplied(context.work, platform, f)),
        ...inCluster.map((r) => ({ file: r.outputFile, label: `${platform.name}/${r.file} (chart ${r.chart} rendered: ${path.basename(r.outputFile)})`, objects: r.objects.length })),
        ...replicatedTargets(platform, cluster, path.join(context.work, 'replicated', folderName(where))),
      ];
      allTargets.push(...targets);
      checks.push(...validate(targets, [custom.dir, builtins.dir]));
    }
  }
  const schemaNotes = [...notes].map(([note, where]) => `${note} (${where.join(', ')})`);
  return [report(checks, allTargets, schemaNotes, notKubernetes, builtins.kinds.size + crdKinds.size)];
}

/**
 * The file as the cluster gets it. A SOPS-encrypted Secret (copied verbatim from the configuration)
 * carries its `sops:` metadata, which kustomize-controller removes when it decrypts: kubeconform
 * judges the object without it (the values stay ciphertext, which is still a string of the right type).
 */
function asApplied(work: string, platform: SynthesizedPlatform, file: RenderedFile): Target {
  const label = `${platform.name}/${file.path}`;
  if (!file.manifests.some((m) => 'sops' in m)) return { file: path.join(platform.outDir, file.path), label, objects: file.manifests.length };
  const decrypted = path.join(work, 'sops-applied', platform.name.replace(/[^A-Za-z0-9._-]+/g, '_'), file.path);
  fs.mkdirSync(path.dirname(decrypted), { recursive: true });
  fs.writeFileSync(decrypted, file.manifests.map((m) => YAML.stringify(Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'sops')))).join('---\n'));
  return { file: decrypted, label: `${label} (as Flux applies it: sops metadata removed)`, objects: file.manifests.length };
}

/**
 * The objects Capsule replicates from the cluster's GlobalTenantResources / TenantResources
 * (`rawItems`, kept as unknown fields by their CRD): written to a file per replication, to be
 * judged as the objects they become in the tenant namespaces.
 */
function replicatedTargets(platform: SynthesizedPlatform, cluster: string, dir: string): Target[] {
  const targets: Target[] = [];
  for (const file of platform.files.filter((f) => clusterOf(f.path) === cluster)) {
    for (const manifest of file.manifests.filter((m) => m.apiVersion.startsWith('capsule.clastix.io/') && (m.kind === 'GlobalTenantResource' || m.kind === 'TenantResource'))) {
      const resources = ((manifest as { spec?: { resources?: Array<{ rawItems?: unknown[] }> } }).spec?.resources ?? []);
      const items = resources.flatMap((r) => r.rawItems ?? []);
      if (!items.length) continue;
      fs.mkdirSync(dir, { recursive: true });
      const out = path.join(dir, `${manifest.kind}_${manifest.metadata.name}.yaml`);
      fs.writeFileSync(out, items.map((item) => YAML.stringify(item)).join('---\n'));
      targets.push({ file: out, label: `${platform.name}/${file.path} (${manifest.kind} ${manifest.metadata.name}, rawItems)`, objects: items.length });
    }
  }
  return targets;
}

function clusterOf(file: string): string {
  return file.split('/')[0];
}

function folderName(name: string): string {
  return name.replace(/^[/\\]+/, '').replace(/[/\\]/g, '_');
}

/** One kubeconform run over `targets`, the schema folders tried in order; a check per object. */
function validate(targets: readonly Target[], schemaDirs: readonly string[]): Check[] {
  const args = ['-strict', '-output', 'json', '-verbose', '-n', '2'];
  for (const dir of schemaDirs) args.push('-schema-location', schemaLocation(dir));
  const result = runEngine('kubeconform', [...args, ...targets.map((t) => t.file)]);
  const checks: Check[] = [];
  let results: Result[];
  try {
    results = (JSON.parse(result.stdout) as { resources?: Result[] }).resources ?? [];
  } catch {
    return [{ subject: `kubeconform ${targets.map((t) => t.label).join(', ')}`, ok: false, message: `unreadable output (exit ${result.status}): ${result.stderr.trim() || result.stdout.slice(0, 500)}` }];
  }
  const byFile = new Map<string, Result[]>();
  for (const r of results) byFile.set(r.filename, [...(byFile.get(r.filename) ?? []), r]);
  for (const target of targets) {
    // Status '' is a document without an object (helm's `# Source:` comments between two `---`).
    const found = (byFile.get(target.file) ?? []).filter((r) => r.status);
    for (const r of found) {
      const subject = `${target.label}: ${r.kind} ${r.name}`;
      checks.push(r.status === 'statusValid' ? { subject, ok: true } : { subject, ok: false, message: explain(r) });
    }
    // Every object must have been judged: nothing may be dropped or skipped on the way.
    if (found.length !== target.objects) checks.push({ subject: target.label, ok: false, message: `${target.objects} objects in the file, kubeconform judged ${found.length}` });
  }
  if (result.status !== 0 && checks.every((c) => c.ok)) checks.push({ subject: 'kubeconform', ok: false, message: `exit ${result.status}: ${result.stderr.trim()}` });
  return checks;
}

function report(checks: Check[], targets: readonly Target[], schemaNotes: readonly string[], notKubernetes: readonly string[], kinds = 0): EngineReport {
  const objects = targets.reduce((n, t) => n + t.objects, 0);
  return {
    engine: 'kubeconform -strict',
    version: engineVersion('kubeconform'),
    scope: `${objects} objects in ${targets.length} files, ${kinds} schemas`,
    checks,
    notes: [
      `schemas: Kubernetes ${ENGINES.kubernetes.version} OpenAPI (k8s.io/kubernetes api/openapi-spec/swagger.json), ../shared/crds, the charts' CRDs and cert-manager ${ENGINES['cert-manager'].version}'s CRDs (module source); CEL rules and webhooks are not evaluated`,
      ...schemaNotes,
      ...(notKubernetes.length ? [`not Kubernetes objects, not validated: ${notKubernetes.length} files (tctl resources, kubeconfig templates, Markdown, .sourceignore), e.g. ${notKubernetes.slice(0, 3).join(', ')}`] : []),
    ],
  };
}

/**
 * kubeconform's message, reduced to the causes: its `validationErrors` keep only the first level
 * (often `validation failed` at the root), so the nested causes are read from `msg`, leaving out
 * the alternatives that only say an optional field could also have been null.
 */
export function explain(result: { msg: string; status: string }): string {
  const causes = result.msg
    .split(/\s+- at /)
    .slice(1)
    .map((c) => c.trim())
    .filter((c) => !/: (anyOf failed|got \w+, want null|validation failed)$/.test(c));
  const located = causes.map((c) => c.replace(/^'([^']*)'/, (_, p: string) => p || '/'));
  // A Quantity is a number or a string of its grammar: say so once, not as two alternatives.
  const isQuantity = (c: string) => c.includes('does not match pattern') && c.includes('([KMGTPE]i)|[numkMGTPE]|');
  const quantity = new Set(located.filter(isQuantity).map((c) => c.split(': ')[0]));
  const readable = located
    .filter((c) => !(quantity.has(c.split(': ')[0]) && / want number$/.test(c)))
    .map((c) => (isQuantity(c) ? c.replace(/ does not match pattern .*$/, ' is not a quantity (e.g. 128Mi, 500m, 2)') : c));
  return causes.length ? readable.join('; ') : result.msg.replace(/^problem validating schema\. Check JSON formatting: /, '') || result.status;
}
