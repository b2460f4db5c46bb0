/**
 * Helm stage: renders every HelmRelease of every synthesized platform with the real chart
 * (../shared/charts, packaged as Flux would download it), exactly the values the HelmRelease
 * carries, and the release name and namespace Flux's helm-controller uses. Fails on a
 * values.schema.json error, on a value key the chart does not define, and on integration facts
 * that the rendered objects contradict (integration.ts). The rendered objects are written to
 * chartOutputPath() for kubeconform and kyverno apply.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Manifest } from '../../lib/core/output/manifest-file';
import { ENGINES } from '../../lib/versions';
import { prepareChart, PreparedChart } from './charts';
import { engineVersion, runEngine } from './engines';
import { checkIntegration } from './integration';
import { chartOutputPath, SynthesizedPlatform } from './platforms';
import { Check, EngineReport } from './report';
import { StageContext } from './stages';
import { unknownValueKeys } from './values-keys';

/** A HelmRelease of the output, with what Flux derives from it. */
export interface Release {
  readonly platform: SynthesizedPlatform;
  /** Output file (relative to the platform's output folder). */
  readonly file: string;
  /** Cluster folder the file is in (the first path segment). */
  readonly cluster: string;
  readonly manifest: Manifest;
  readonly chart: string;
  readonly version: string;
  /** Helm release name as helm-controller computes it. */
  readonly releaseName: string;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
  readonly values: Record<string, unknown>;
}

/** A release rendered by `helm template`. */
export interface RenderedRelease extends Release {
  readonly objects: readonly Manifest[];
  readonly outputFile: string;
}

/** Flux caps release names at Helm's 53 characters by hashing; the run does not reproduce that. */
const MAX_RELEASE_NAME = 53;

/**
 * Release name and namespace as helm-controller (Flux v2) computes them: the namespace is
 * spec.targetNamespace, else the HelmRelease's own; the name is spec.releaseName, else
 * `<targetNamespace>-<name>` when a target namespace is set, else `<name>`.
 */
export function fluxRelease(manifest: Manifest): { releaseName: string; namespace: string } {
  const spec = (manifest.spec ?? {}) as { releaseName?: string; targetNamespace?: string };
  const namespace = spec.targetNamespace ?? manifest.metadata.namespace ?? 'default';
  const releaseName = spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${manifest.metadata.name}` : manifest.metadata.name);
  return { releaseName, namespace };
}

/** Every HelmRelease in the synthesized platforms. */
export function findReleases(platforms: readonly SynthesizedPlatform[]): Release[] {
  const releases: Release[] = [];
  for (const platform of platforms) {
    for (const file of platform.files) {
      for (const manifest of file.manifests) {
        if (manifest.kind !== 'HelmRelease' || !manifest.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) continue;
        const spec = manifest.spec as { chart?: { spec?: { chart?: string; version?: string } }; values?: Record<string, unknown> };
        releases.push({
          platform,
          file: file.path,
          cluster: file.path.split('/')[0],
          manifest,
          chart: spec.chart?.spec?.chart ?? '',
          version: spec.chart?.spec?.version ?? '',
          values: spec.values ?? {},
          ...fluxRelease(manifest),
        });
      }
    }
  }
  return releases;
}

export function subjectOf(release: Release): string {
  return `${release.platform.name}/${release.file}: HelmRelease ${release.manifest.metadata.name}`;
}

export function helmStage(context: StageContext): EngineReport[] {
  const releases = findReleases(context.platforms);
  const charts = new Map<string, PreparedChart>();
  const checks: Check[] = [];
  const rendered: RenderedRelease[] = [];
  let objects = 0;
  for (const release of releases) {
    const subject = subjectOf(release);
    const problem = renderProblem(release);
    if (problem) {
      checks.push({ subject, ok: false, message: problem });
      continue;
    }
    let chart: PreparedChart;
    try {
      chart = prepareChart(context.work, release.chart, release.version, charts);
    } catch (error) {
      checks.push({ subject, ok: false, message: `chart ${release.chart} ${release.version}: ${(error as Error).message}` });
      continue;
    }
    const missingOn = chart.missing.filter((m) => m.condition && conditionOn(release.values, chart, m.condition) && !SHARED_CONDITIONS.has(`${release.chart}:${m.name}`));
    const unknown = unknownValueKeys(release.values, chart.defaults);
    checks.push({
      subject: `${subject} values`,
      ok: unknown.length === 0 && missingOn.length === 0,
      message: [
        ...unknown.map((u) => `spec.values.${u.path}: ${u.reason} (chart ${release.chart} ${chart.version})`),
        ...missingOn.map((m) => `spec.values.${m.condition} enables ${m.name} ${m.version}, which is not available offline`),
      ].join('; '),
    });
    const result = template(context.work, release, chart);
    if ('error' in result) {
      checks.push({ subject: `${subject} helm template`, ok: false, message: result.error });
      continue;
    }
    objects += result.objects.length;
    rendered.push({ ...release, objects: result.objects, outputFile: result.outputFile });
    checks.push({ subject: `${subject} helm template`, ok: true, message: `${result.objects.length} objects` });
  }
  RENDERED.set(context.work, rendered);
  const integration = checkIntegration(context.platforms, rendered);
  const notes = [...new Set([...charts.values()].flatMap((c) => c.notes))];
  notes.push(`rendered with --kube-version ${ENGINES.kubernetes.version} and --include-crds (install.crds: CreateReplace), Helm's built-in API versions only`);
  return [
    {
      engine: 'helm template',
      version: engineVersion('helm'),
      scope: `${releases.length} releases, ${charts.size} charts, ${objects} objects`,
      checks,
      notes,
    },
    { engine: 'chart integration', version: engineVersion('helm'), scope: `${integration.length} facts on rendered charts`, checks: integration },
  ];
}

/** The releases the helm stage rendered in a run, by work folder (for the stages after it). */
const RENDERED = new Map<string, readonly RenderedRelease[]>();

/** What the helm stage rendered in the run of `work` (empty before it ran). */
export function renderedReleases(work: string): readonly RenderedRelease[] {
  return RENDERED.get(work) ?? [];
}

/**
 * Missing dependencies whose condition is shared with a present one and which only add CRDs:
 * kyverno-api shares `crds.install` with the local `crds` subchart, which must stay on.
 */
const SHARED_CONDITIONS = new Set(['kyverno:kyverno-api']);

function conditionOn(values: Record<string, unknown>, chart: PreparedChart, condition: string): boolean {
  // Helm: the first of the comma-separated paths that resolves to a boolean decides.
  for (const p of condition.split(',').map((s) => s.trim())) {
    const keys = p.split('.');
    const lookup = (root: unknown) => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
    const set = lookup(values);
    if (typeof set === 'boolean') return set;
    const byDefault = lookup(chart.defaults.value);
    if (typeof byDefault === 'boolean') return byDefault;
  }
  return false;
}

/** Why a release cannot be rendered faithfully, if it cannot. */
function renderProblem(release: Release): string | undefined {
  const spec = release.manifest.spec as Record<string, unknown>;
  if (!release.chart || !release.version) return 'spec.chart.spec.chart and .version must name the chart and an exact version';
  if (spec.valuesFrom) return 'spec.valuesFrom: values from ConfigMaps/Secrets are not rendered by the conformance run (the platform renders values inline)';
  if (spec.postRenderers) return 'spec.postRenderers are not applied by the conformance run';
  if (release.releaseName.length > MAX_RELEASE_NAME) return `release name ${release.releaseName} is longer than ${MAX_RELEASE_NAME} characters: Flux would shorten it`;
  return undefined;
}

function template(work: string, release: Release, chart: PreparedChart): { objects: Manifest[]; outputFile: string } | { error: string } {
  const outputFile = chartOutputPath(work, release.platform, { cluster: release.cluster, namespace: release.namespace, name: release.releaseName });
  // Beside, not inside, the rendered-chart folder (the stages after this one read all of that).
  const valuesFile = path.join(work, 'helm-values', path.relative(path.join(work, 'helm'), outputFile));
  fs.mkdirSync(path.dirname(outputFile), { recursive: true });
  fs.mkdirSync(path.dirname(valuesFile), { recursive: true });
  fs.writeFileSync(valuesFile, YAML.stringify(release.values));
  const result = runEngine('helm', [
    'template',
    release.releaseName,
    chart.archive,
    '--namespace',
    release.namespace,
    '--kube-version',
    ENGINES.kubernetes.version,
    '--include-crds',
    '--values',
    valuesFile,
  ]);
  if (result.status !== 0) return { error: `helm template ${release.chart} ${chart.version} failed: ${result.stderr.trim().replace(/\s*\n\s*/g, ' ')}` };
  fs.writeFileSync(outputFile, result.stdout);
  const objects: Manifest[] = [];
  for (const doc of YAML.parseAllDocuments(result.stdout)) {
    if (doc.errors.length) return { error: `helm template output does not parse: ${doc.errors[0].message}` };
    const object = doc.toJS();
    if (object !== null && object !== undefined) objects.push(object as Manifest);
  }
  return { objects, outputFile };
}
