/**
 * Every pinned upstream chart version, in one place. (API versions of custom resources are pinned by
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

const PROJECTCAPSULE = { repositoryName: 'projectcapsule', repositoryUrl: 'https://projectcapsule.github.io/charts' };
const TELEPORT = { repositoryName: 'teleport', repositoryUrl: 'https://charts.releases.teleport.dev' };
const KYVERNO = { repositoryName: 'kyverno', repositoryUrl: 'https://kyverno.github.io/kyverno/' };

/** The Helm charts the platform installs. */
export const CHARTS = {
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
} as const satisfies Record<string, HelmChart>;

/**
 * The upstream engines that judge the output (`npm run conformance`, `npm run e2e`), built from the
 * Go module proxy by scripts/engines.sh. They live in lib/engines.json so that script reads the same
 * pins; the Kyverno CLI is the release of the Kyverno chart's appVersion (a test checks).
 */
export { default as ENGINES } from './engines.json';
