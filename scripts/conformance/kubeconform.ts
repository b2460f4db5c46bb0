/**
 * kubeconform stage: `kubeconform -strict` over every synthesized Kubernetes object and every object
 * the charts render (the helm stage's output), against schemas generated offline (schemas.ts) from
 * the pinned Kubernetes OpenAPI, ../shared/crds and the CRDs the charts render. Only that local
 * folder is a schema location, so kubeconform never downloads; an object without a schema fails.
 */
import * as path from 'path';
import { ENGINES } from '../../lib/versions';
import { certManagerCrds, engineVersion, kubernetesSource, runEngine, SHARED_DIR } from './engines';
import { renderedReleases } from './helm';
import { Check, EngineReport } from './report';
import { CrdSource, generateSchemas, readCrdFiles, schemaLocation } from './schemas';
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
  const chartCrds: CrdSource[] = releases.flatMap((r) =>
    r.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((crd) => ({ crd, source: `chart ${r.chart} (${path.relative(context.work, r.outputFile)})`, preferred: true })),
  );
  const sharedCrds = readCrdFiles(path.join(SHARED_DIR, 'crds')).map((c) => ({ ...c, source: path.relative(path.join(SHARED_DIR, '..'), c.source) }));
  // cert-manager is not installed by the platform, but capsule-proxy's cert-manager mode renders its resources.
  const certManager = readCrdFiles(certManagerCrds()).map((c) => ({ ...c, source: `cert-manager ${ENGINES['cert-manager'].version} ${path.basename(c.source)}` }));
  const schemas = generateSchemas(path.join(context.work, 'schemas'), swagger, [...sharedCrds, ...certManager, ...chartCrds]);

  const targets: Target[] = [];
  const notKubernetes: string[] = [];
  for (const platform of context.platforms) {
    for (const file of platform.files) {
      if (file.manifests.length) targets.push({ file: path.join(platform.outDir, file.path), label: `${platform.name}/${file.path}`, objects: file.manifests.length });
      else notKubernetes.push(`${platform.name}/${file.path}`);
    }
  }
  for (const release of releases) {
    targets.push({ file: release.outputFile, label: `${release.platform.name}/${release.file} (chart ${release.chart} rendered: ${path.basename(release.outputFile)})`, objects: release.objects.length });
  }

  const result = runEngine('kubeconform', ['-strict', '-output', 'json', '-verbose', '-n', '2', '-schema-location', schemaLocation(schemas.dir), ...targets.map((t) => t.file)]);
  const checks: Check[] = [];
  let results: Result[];
  try {
    results = (JSON.parse(result.stdout) as { resources?: Result[] }).resources ?? [];
  } catch {
    return [report([{ subject: 'kubeconform', ok: false, message: `unreadable output (exit ${result.status}): ${result.stderr.trim() || result.stdout.slice(0, 500)}` }], targets, schemas.notes, notKubernetes)];
  }
  const byFile = new Map<string, Result[]>();
  for (const r of results) byFile.set(r.filename, [...(byFile.get(r.filename) ?? []), r]);
  for (const target of targets) {
    // Status '' is a document without an object (helm's `# Source:` comments between two `---`).
    const found = (byFile.get(target.file) ?? []).filter((r) => r.status);
    for (const r of found) {
      const subject = `${target.label}: ${r.kind} ${r.name}`;
      if (r.status === 'statusValid') checks.push({ subject, ok: true });
      else {
        checks.push({ subject, ok: false, message: explain(r) });
      }
    }
    // Every object must have been judged: nothing may be dropped or skipped on the way.
    if (found.length !== target.objects) checks.push({ subject: target.label, ok: false, message: `${target.objects} objects in the file, kubeconform judged ${found.length}` });
  }
  if (result.status !== 0 && checks.every((c) => c.ok)) checks.push({ subject: 'kubeconform', ok: false, message: `exit ${result.status}: ${result.stderr.trim()}` });
  return [report(checks, targets, schemas.notes, notKubernetes, schemas.kinds.size)];
}

function report(checks: Check[], targets: readonly Target[], schemaNotes: readonly string[], notKubernetes: readonly string[], kinds = 0): EngineReport {
  const objects = targets.reduce((n, t) => n + t.objects, 0);
  return {
    engine: 'kubeconform -strict',
    version: engineVersion('kubeconform'),
    scope: `${objects} objects in ${targets.length} files, ${kinds} schemas`,
    checks,
    notes: [
      `schemas: Kubernetes ${ENGINES.kubernetes.version} OpenAPI (k8s.io/kubernetes api/openapi-spec/swagger.json), ../shared/crds, the charts' CRDs and cert-manager ${ENGINES['cert-manager'].version}'s CRDs (the platform does not install cert-manager); CEL rules and webhooks are not evaluated`,
      ...schemaNotes,
      ...(notKubernetes.length ? [`not Kubernetes objects, not validated: ${notKubernetes.length} files (tctl resources, Markdown, .sourceignore), e.g. ${notKubernetes.slice(0, 3).join(', ')}`] : []),
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
  return causes.length ? causes.map((c) => c.replace(/^'([^']*)'/, (_, p: string) => p || '/')).join('; ') : result.msg.replace(/^problem validating schema\. Check JSON formatting: /, '') || result.status;
}
