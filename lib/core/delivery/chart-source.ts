import type { HelmChart } from '../../versions';

/** An existing Secret, by name, in the delivery tool's namespace. Never rendered. */
export interface SecretReference {
  readonly name: string;
}

/** A place charts are fetched from: an OCI registry path or a Helm repository, with how to reach it. */
export interface ChartLocation {
  /**
   * `oci://<host>/<path>`: an OCI registry path, the chart at `<url>/<chart>:<version>` (what
   * `helm push <chart>.tgz oci://<host>/<path>` creates). `https://…` (or `http://…`): a Helm
   * repository with an index.yaml that lists the chart.
   */
  readonly url: string;
  /**
   * Secret with the credentials: for an OCI registry a `kubernetes.io/dockerconfigjson` Secret, for a
   * Helm repository one with `username` and `password` (Flux's `spec.secretRef`).
   * @default - anonymous
   */
  readonly secretRef?: SecretReference;
  /**
   * Secret with the CA (`ca.crt`) that signed the server's certificate, for a private CA (Flux's
   * `spec.certSecretRef`).
   * @default - the system's CAs
   */
  readonly certSecretRef?: SecretReference;
}

/** Where one chart comes from, when not from the cluster's mirror or its upstream Helm repository. */
export interface ChartSourceOverride {
  /**
   * Which upstream location: `https`, the chart's Helm repository, or `oci`, the OCI registry path
   * upstream publishes it under (`HelmChart.ociRepositoryUrl`). Excludes `url`.
   * @default - the mirror if there is one, else `https`
   */
  readonly source?: 'https' | 'oci';
  /**
   * Fetch the chart from here instead (an internal mirror of this chart). Excludes `source`.
   * @default - the mirror if there is one, else upstream
   */
  readonly url?: string;
  /** @default - the mirror's, when the chart comes from the mirror; else anonymous */
  readonly secretRef?: SecretReference;
  /** @default - the mirror's, when the chart comes from the mirror; else the system's CAs */
  readonly certSecretRef?: SecretReference;
}

/**
 * Where a cluster fetches its charts from. The charts (names, versions) stay those of the version
 * profile (lib/versions.ts); only their location changes.
 */
export interface ChartSourceSettings {
  /**
   * Every chart from this location instead of upstream (an air-gapped site's Harbor or Artifactory).
   * @default - upstream
   */
  readonly mirror?: ChartLocation;
  /**
   * Per chart, by chart name (e.g. `capsule`), a location that wins over `mirror`.
   * @default - none
   */
  readonly charts?: Readonly<Record<string, ChartSourceOverride | undefined>>;
}

/** Where a chart is fetched from, resolved for one cluster. */
export interface ChartSource {
  /** `oci`: an OCI artifact per chart (Flux OCIRepository); `helm`: a Helm repository index (Flux HelmRepository). */
  readonly type: 'oci' | 'helm';
  /**
   * Name of the Flux source object: for `helm` the repository's (shared by the charts it serves),
   * for `oci` the chart's.
   */
  readonly name: string;
  /** For `helm` the repository URL; for `oci` the registry path the chart is under (`<url>/<chart>`). */
  readonly url: string;
  readonly secretRef?: SecretReference;
  readonly certSecretRef?: SecretReference;
  /** The setting that chose this location, for messages (e.g. `charts.mirror`). */
  readonly setting: string;
}

/** Name of the Flux HelmRepository of a cluster's mirror. */
export const MIRROR_REPOSITORY_NAME = 'chart-mirror';

/** Whether a chart location URL is an OCI registry path. */
export function isOciUrl(url: string): boolean {
  return url.startsWith('oci://');
}

/** The OCI reference of `chart` under `source` (`oci://<host>/<path>/<chart>`). */
export function ociChartUrl(source: ChartSource, chart: HelmChart): string {
  return `${source.url}/${chart.chart}`;
}

/**
 * Where `chart` is fetched from under `settings`: the chart's own override, else the mirror, else
 * upstream's Helm repository. With the default settings every chart comes from its upstream Helm
 * repository, named as in lib/versions.ts.
 * @throws Error naming the setting when upstream publishes no OCI chart, or `source` and `url` are both set
 */
export function resolveChartSource(chart: HelmChart, settings: ChartSourceSettings = {}): ChartSource {
  const own = settings.charts?.[chart.chart];
  const setting = `charts.${chart.chart}`;
  const refs = (fallback?: ChartLocation) => ({
    secretRef: own?.secretRef ?? fallback?.secretRef,
    certSecretRef: own?.certSecretRef ?? fallback?.certSecretRef,
  });
  if (own?.url !== undefined && own.source !== undefined) {
    throw new Error(`${setting}: set either source (an upstream location) or url (another location), not both`);
  }
  if (own?.url !== undefined) return located(chart, { url: own.url, ...refs() }, setting, chart.chart);
  if (own?.source === 'oci') {
    if (!chart.ociRepositoryUrl) throw new Error(`${setting}.source: upstream publishes chart ${chart.chart} in no OCI registry; allowed: https (or set url to a mirror)`);
    return located(chart, { url: chart.ociRepositoryUrl, ...refs() }, `${setting}.source`, chart.chart);
  }
  if (own?.source === undefined && settings.mirror) return located(chart, { url: settings.mirror.url, ...refs(settings.mirror) }, 'charts.mirror', MIRROR_REPOSITORY_NAME);
  return { type: 'helm', name: chart.repositoryName, url: chart.repositoryUrl, ...refs(), setting: own?.source ? `${setting}.source` : 'lib/versions.ts' };
}

/** A source at `location`: OCI by its scheme, else a Helm repository named `helmName`. */
function located(chart: HelmChart, location: ChartLocation, setting: string, helmName: string): ChartSource {
  const url = location.url.replace(/\/+$/, '');
  const refs = { secretRef: location.secretRef, certSecretRef: location.certSecretRef };
  return isOciUrl(url) ? { type: 'oci', name: chart.chart, url, ...refs, setting } : { type: 'helm', name: helmName, url, ...refs, setting };
}

/** Whether two sources of the same Flux name are the same object. */
export function sameSource(a: ChartSource, b: ChartSource): boolean {
  return a.type === b.type && a.url === b.url && a.secretRef?.name === b.secretRef?.name && a.certSecretRef?.name === b.certSecretRef?.name;
}
