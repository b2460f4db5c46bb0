/**
 * Every pinned upstream chart version, in one place, grouped in version profiles. (API versions of custom resources are pinned by
 * the CRDs in cdk8s.yaml and owned by the generated classes in imports/, e.g. `HelmRelease.GVK`.)
 *
 * Chart value names in lib/ are written against exactly these chart versions: bumping one means
 * re-reading that chart's values.yaml and reviewing the snapshot diff. The CRDs in cdk8s.yaml are
 * pinned to the same releases (a test checks that the two agree).
 */

/** A Helm chart in a Helm repository. */
export interface HelmChart {
  /** Name of the Flux HelmRepository (or Argo CD repository alias) that serves the chart. */
  readonly repositoryName: string;
  /** URL of the Helm repository. */
  readonly repositoryUrl: string;
  /**
   * OCI registry path upstream publishes the chart under as well (the chart is `<url>/<chart>:<version>`),
   * which a cluster can choose instead of the Helm repository (`charts.<chart>.source: oci`).
   * @default - upstream publishes no OCI chart
   */
  readonly ociRepositoryUrl?: string;
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /**
   * Version of the application the chart installs, where it differs from the chart version (its
   * CRDs in cdk8s.yaml are pinned to it).
   * @default - the chart version
   */
  readonly appVersion?: string;
}

// projectcapsule's release workflow publishes every chart to both (../shared/notes/capsule.md §1.1);
// Kyverno's chart is published to ghcr.io/kyverno/charts too; Teleport publishes its charts only to
// its Helm repository.
const PROJECTCAPSULE = { repositoryName: 'projectcapsule', repositoryUrl: 'https://projectcapsule.github.io/charts', ociRepositoryUrl: 'oci://ghcr.io/projectcapsule/charts' };
const TELEPORT = { repositoryName: 'teleport', repositoryUrl: 'https://charts.releases.teleport.dev' };
const KYVERNO = { repositoryName: 'kyverno', repositoryUrl: 'https://kyverno.github.io/kyverno/', ociRepositoryUrl: 'oci://ghcr.io/kyverno/charts' };

/** The Helm charts a cluster installs, one pinned version each. */
export interface ProfileCharts {
  readonly capsule: HelmChart;
  readonly capsuleProxy: HelmChart;
  readonly teleportKubeAgent: HelmChart;
  readonly teleportOperator: HelmChart;
  readonly kyverno: HelmChart;
}

/** The names a cluster's `versions` setting takes. */
export const VERSION_PROFILE_NAMES = ['seed', 'current'] as const;
export type VersionProfileName = (typeof VERSION_PROFILE_NAMES)[number];

/**
 * One coherent set of upstream versions: the charts, and (through `importsFolder`) the CRDs, types
 * and strict validators generated for them. Chart values and rules that differ between profiles
 * are chosen by the components from `name`.
 */
export interface VersionProfile {
  readonly name: VersionProfileName;
  /** What the profile is, for documentation and messages. */
  readonly description: string;
  readonly charts: ProfileCharts;
  /**
   * Why the profile is behind upstream support, reported as a deprecation at synth for every
   * cluster that runs it.
   * @default - not behind
   */
  readonly pastSupport?: string;
  /**
   * Folder under imports/ holding the profile's own CRD types and validators (the `<folder>/` prefix
   * of its entries in cdk8s.yaml); kinds it does not import there are shared with the root imports/.
   */
  readonly importsFolder: string;
}

/** The seed's pins. */
const SEED_CHARTS = {
  /** Capsule 0.10.9 (chart version = app version). */
  capsule: { ...PROJECTCAPSULE, chart: 'capsule', version: '0.10.9' },
  /** capsule-proxy 0.9.12; its CA lands in Secret key `ca` (certgen) or `ca.crt` (cert-manager). */
  capsuleProxy: { ...PROJECTCAPSULE, chart: 'capsule-proxy', version: '0.9.12' },
  /** Teleport 18 agent; the chart version is the Teleport version. */
  teleportKubeAgent: { ...TELEPORT, chart: 'teleport-kube-agent', version: '18.2.0' },
  /** Teleport 18 operator, same version line as the agent. */
  teleportOperator: { ...TELEPORT, chart: 'teleport-operator', version: '18.2.0' },
  /** Kyverno 1.19: the last line in which ClusterPolicy is still enforced (1.20 stops). */
  kyverno: { ...KYVERNO, chart: 'kyverno', version: '3.9.0', appVersion: '1.19.0' },
} as const satisfies ProfileCharts;

/** Current upstream, as far as its chart sources are pinned here. */
const CURRENT_CHARTS = {
  /** Capsule 0.14.0; its chart defaults to cert-manager for the webhook certificate. */
  capsule: { ...PROJECTCAPSULE, chart: 'capsule', version: '0.14.0' },
  /** capsule-proxy 0.14.0; its chart defaults to cert-manager (CA in Secret key `ca.crt`). */
  capsuleProxy: { ...PROJECTCAPSULE, chart: 'capsule-proxy', version: '0.14.0' },
  teleportKubeAgent: { ...TELEPORT, chart: 'teleport-kube-agent', version: '18.2.1' },
  teleportOperator: { ...TELEPORT, chart: 'teleport-operator', version: '18.2.1' },
  kyverno: { ...KYVERNO, chart: 'kyverno', version: '3.9.0', appVersion: '1.19.0' },
} as const satisfies ProfileCharts;

/**
 * The version profiles, selected per cluster with `versions` in platform.yaml.
 *
 * - `seed`: the pins of the seed documents (the Capsule Teleport integration page), kept
 *   reproducible byte for byte; the default.
 * - `current`: the newest releases whose exact chart sources are pinned in ../shared/charts, so
 *   that `npm run conformance` renders what is deployed. Teleport 18.2.1 is the newest Teleport
 *   chart source there (18.2.0, the seed's, is not); Kyverno 3.9.0 is the only Kyverno chart source,
 *   and the last line that still enforces ClusterPolicy (3.10 / Kyverno 1.20 stops), so both
 *   profiles share it.
 */
export const PROFILES: Readonly<Record<VersionProfileName, VersionProfile>> = {
  seed: {
    name: 'seed',
    description: 'the seed pins: Capsule 0.10.9, capsule-proxy 0.9.12, Teleport charts 18.2.0, Kyverno chart 3.9.0',
    importsFolder: '',
    charts: SEED_CHARTS,
    // projectcapsule publishes fixes only as new releases (no maintained older minor lines; its
    // SECURITY.md names none): a pin four minors behind gets none of them.
    pastSupport:
      'pins Capsule 0.10.9 (2025-09) and capsule-proxy 0.9.12, four minor releases behind upstream 0.14.0 (2026-08); projectcapsule ships fixes only in new releases, so these get none',
  },
  current: {
    name: 'current',
    description: 'current upstream: Capsule 0.14.0, capsule-proxy 0.14.0, Teleport charts 18.2.1, Kyverno chart 3.9.0',
    importsFolder: 'current',
    charts: CURRENT_CHARTS,
  },
};

/** A container image the platform renders manifests for itself (upstream ships no Helm chart for it). */
export interface PinnedImage {
  /** Image reference without its tag. */
  readonly image: string;
  /** Exact tag (the upstream release). */
  readonly tag: string;
}

/**
 * The capsule-proxy clients (lib/clients/), opt-in per cluster. Their versions do not depend on the
 * cluster's version profile: they talk to capsule-proxy's Kubernetes API, which both profiles serve.
 */
export const CLIENT_VERSIONS = {
  /** Headlamp 0.45.0 (chart version = app version; image ghcr.io/headlamp-k8s/headlamp:v0.45.0). */
  headlamp: { repositoryName: 'headlamp', repositoryUrl: 'https://kubernetes-sigs.github.io/headlamp/', chart: 'headlamp', version: '0.45.0' },
  /** Kubernetes Dashboard chart 7.13.0: dashboard-api 1.13.0, -auth 1.3.0, -web 1.7.0, Kong chart 2.46.0. */
  kubernetesDashboard: { repositoryName: 'kubernetes-dashboard', repositoryUrl: 'https://kubernetes.github.io/dashboard/', chart: 'kubernetes-dashboard', version: '7.13.0' },
  /**
   * Gangplank 1.1.1 (sighupio/gangplank). Its own chart is not published in a Helm repository; capsule-proxy 0.14.0's chart embeds
   * one (gangplank.enabled, image v1.2.0) that renders the session key as a Secret from values, so the platform renders the manifests.
   */
  gangplank: { image: 'registry.sighup.io/fury/gangplank', tag: '1.1.1' },
  /**
   * Tekton Dashboard v0.68.0 (tektoncd/dashboard), which ships manifests (release.yaml), no chart; its
   * config/ is unchanged up to v0.71.0. The image name is ko's (hash of the import path).
   */
  tektonDashboard: { image: 'ghcr.io/tektoncd/dashboard/dashboard-9623576a202fe86c8b7d1bc489905f86', tag: 'v0.68.0' },
} as const satisfies Record<string, HelmChart | PinnedImage>;
const JETSTACK = { repositoryName: 'jetstack', repositoryUrl: 'https://charts.jetstack.io' };

/**
 * cert-manager and trust-manager, which a cluster installs when it opts in (`certManager`,
 * `trustManager` in platform.yaml): the same pins under every version profile. Their chart sources
 * are not in ../shared/charts, so `npm run conformance` cannot render them with helm; their values
 * are asserted on the rendered HelmRelease instead. Jetstack's chart versions carry the `v`.
 */
export const CERT_CHARTS = {
  /**
   * cert-manager v1.21.2: the release whose CRDs (deploy/crds of the Go module, lib/engines.json)
   * the imports and kubeconform judge Certificates and ClusterIssuers by (a test checks).
   */
  certManager: { ...JETSTACK, chart: 'cert-manager', version: 'v1.21.2' },
  /** trust-manager v0.24.0: its chart installs the Bundle CRD (trust.cert-manager.io/v1alpha1) pinned in cdk8s.yaml. */
  trustManager: { ...JETSTACK, chart: 'trust-manager', version: 'v0.24.0' },
} as const satisfies Record<string, HelmChart>;

/**
 * Upstream deprecations the synth reports (Kyverno releases as its appVersion, without the `v`):
 * `kyverno.io` ClusterPolicy is deprecated since Kyverno 1.17 (CEL policy types `policies.kyverno.io`
 * GA) and planned for removal in 1.20 (../shared/notes/kyverno-flux-argo.md §1.2: only critical fixes in 1.18 and 1.19).
 */
export const KYVERNO_CLUSTER_POLICY = { deprecatedIn: '1.17.0', removedIn: '1.20.0' } as const;

/** The profile of a cluster that does not choose one: the seed's pins, so that its output never moves. */
export const DEFAULT_VERSION_PROFILE: VersionProfileName = 'seed';

/** The charts of the default profile (`seed`). Components read their cluster's profile instead. */
export const CHARTS = SEED_CHARTS;

/**
 * The upstream engines that judge the output (`npm run conformance`), built from the
 * Go module proxy by scripts/engines.sh. They live in lib/engines.json so that script reads the same
 * pins; the Kyverno CLI is the release of the Kyverno chart's appVersion (a test checks).
 */
export { default as ENGINES } from './engines.json';
