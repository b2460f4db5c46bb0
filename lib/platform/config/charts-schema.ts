import { Static, TSchema, Type } from '@sinclair/typebox';
import { ChartSource, ChartSourceSettings, MIRROR_REPOSITORY_NAME, resolveChartSource, sameSource } from '../../core/delivery/chart-source';
import { DnsSubdomain, StrictObject, StringEnum } from '../../core/config/schema';
import { Explained, PATTERN_HINT } from '../../core/validation/explain';
import { DEFAULT_VERSION_PROFILE, HelmChart, PROFILES, VERSION_PROFILE_NAMES, VersionProfileName } from '../../versions';

/**
 * Schema of a cluster's `charts` setting: where its charts are fetched from. The charts themselves
 * (names, versions) are the version profile's (lib/versions.ts); only the location is configured.
 */

const SecretRef = (what: string) =>
  Type.Optional(StrictObject({ name: DnsSubdomain({ description: 'Name of the Secret.' }) }, { description: `${what} Never rendered: the Secret must exist.` }));

const SECRET_REF = 'An existing Secret in the delivery namespace with the credentials (Flux: kubernetes.io/dockerconfigjson for an OCI registry, username/password for a Helm repository; Argo CD: the name to give its repository Secret, listed in argocd/README.md). Default: anonymous';
const CERT_SECRET_REF = 'An existing Secret (key ca.crt) with the CA of a private registry or repository (Flux spec.certSecretRef). Default: the system CAs';

const LocationUrl = (description: string) =>
  Type.String({
    pattern: '^(oci|https?)://[^\\s/]+(/[^\\s]*)?$',
    [PATTERN_HINT]: 'oci://<host>/<path> (an OCI registry, charts at <url>/<chart>) or https://<host>/<path> (a Helm repository)',
    description,
  });

const MirrorSettings = StrictObject(
  {
    url: LocationUrl(
      `Fetch every chart from here: oci://<host>/<path> (an OCI registry; each chart at <url>/<chart>:<version>, as helm push creates it) or https://... (one Helm repository serving every chart, e.g. an Artifactory virtual repository; Flux HelmRepository ${MIRROR_REPOSITORY_NAME}).`,
    ),
    secretRef: SecretRef(SECRET_REF),
    certSecretRef: SecretRef(CERT_SECRET_REF),
  },
  { description: "Every chart of the cluster from an internal mirror (Harbor, Artifactory) instead of upstream; a chart's own entry wins. Default: upstream" },
);

/** Every chart any profile installs, by chart name, with whether upstream publishes it in an OCI registry under every profile. */
function chartNames(): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const profile of VERSION_PROFILE_NAMES) {
    for (const chart of Object.values(PROFILES[profile].charts) as HelmChart[]) {
      names.set(chart.chart, (names.get(chart.chart) ?? true) && chart.ociRepositoryUrl !== undefined);
    }
  }
  return names;
}

function chartSettings(chart: string, oci: boolean): TSchema {
  const sources = oci ? (['https', 'oci'] as const) : (['https'] as const);
  return StrictObject(
    {
      source: Type.Optional(
        StringEnum(sources, {
          description: oci
            ? `Which upstream location: https (its Helm repository, Flux HelmRepository) or oci (its OCI registry, Flux OCIRepository + HelmRelease chartRef). Excludes url; wins over mirror. Default: mirror if set, else https`
            : `Upstream publishes ${chart} only in its Helm repository: https. Excludes url; wins over mirror. Default: mirror if set, else https`,
        }),
      ),
      url: Type.Optional(LocationUrl(`Fetch ${chart} from here instead (oci://... or https://...). Excludes source. Default: mirror if set, else upstream`)),
      secretRef: SecretRef(`${SECRET_REF}; default when the chart comes from the mirror: the mirror's.`),
      certSecretRef: SecretRef(`${CERT_SECRET_REF}; default when the chart comes from the mirror: the mirror's.`),
    },
    { description: `Where chart ${chart} comes from (its version stays the version profile's).` },
  );
}

export const ChartsSettings = StrictObject(
  {
    mirror: Type.Optional(MirrorSettings),
    ...Object.fromEntries([...chartNames()].map(([chart, oci]) => [chart, Type.Optional(chartSettings(chart, oci))])),
  },
  { description: 'Where the cluster fetches its Helm charts from (see docs/charts.md). Default: every chart from its upstream Helm repository.' },
);

export type ChartsSettings = Static<typeof ChartsSettings>;

/** The `charts` setting of a cluster as the delivery takes it. */
export function chartSourceSettings(charts: ChartsSettings | undefined): ChartSourceSettings | undefined {
  if (!charts) return undefined;
  const { mirror, ...perChart } = charts as { mirror?: ChartSourceSettings['mirror'] } & Record<string, unknown>;
  return { mirror, charts: perChart as ChartSourceSettings['charts'] };
}

/**
 * What the schema cannot say about `charts` settings: `source` and `url` exclude each other, and
 * charts of one Helm repository share its location (they are served by one Flux HelmRepository).
 */
export function chartsProblems(clusters: readonly { readonly charts?: ChartsSettings; readonly versions?: VersionProfileName }[]): Explained[] {
  const problems: Explained[] = [];
  clusters.forEach((cluster, i) => {
    const at = (segments: string[], message: string) => problems.push({ segments: ['clusters', String(i), 'charts', ...segments], message });
    let exclusive = false;
    for (const [chart, entry] of Object.entries(cluster.charts ?? {})) {
      if (chart === 'mirror' || !entry) continue;
      const own = entry as { source?: string; url?: string };
      if (own.source !== undefined && own.url !== undefined) {
        at([chart, 'url'], 'set either source (an upstream location) or url (another location), not both');
        exclusive = true;
      }
    }
    if (exclusive) return;
    // The charts this cluster installs under its profile, each where it will be fetched from.
    const settings = chartSourceSettings(cluster.charts);
    const byName = new Map<string, { chart: string; source: ChartSource }>();
    for (const chart of Object.values(PROFILES[cluster.versions ?? DEFAULT_VERSION_PROFILE].charts) as HelmChart[]) {
      const source = resolveChartSource(chart, settings);
      const key = `${source.type}/${source.name}`;
      const other = byName.get(key);
      if (other && !sameSource(other.source, source)) {
        // Located at the chart that has settings of its own (the other follows the default or the mirror).
        const [set, unset] = (cluster.charts as Record<string, unknown> | undefined)?.[chart.chart] ? [chart.chart, other.chart] : [other.chart, chart.chart];
        at([set], `chart ${set} and chart ${unset} come from one Helm repository (${source.name}), so they need the same location and Secrets; set the same url, source and secretRef for both`);
      }
      if (!other) byName.set(key, { chart: chart.chart, source });
    }
  });
  return problems;
}
