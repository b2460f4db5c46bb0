import { Capsule } from '../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import type { ImageSource } from '../core/chart-images';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import { TeleportOperator } from '../teleport/operator';
import { DEFAULT_VERSION_PROFILE, HelmChart, PROFILES, VersionProfileName } from '../versions';
import type { ClusterSettings } from './config/platform-schema';

/** A chart the platform installs on a cluster, with the images it runs there. */
export interface PlatformChartImages {
  /** The component, for messages. */
  readonly component: string;
  readonly chart: HelmChart;
  /** Where its values are set in the cluster's settings, e.g. `['capsule', 'values']`. */
  readonly valuesSetting: readonly string[];
  readonly images: readonly ImageSource[];
}

/**
 * The images of the charts the platform installs on `cluster` (as ClusterPlatform does), with the
 * cluster's value overrides. Kyverno's own chart is left out: Kyverno's policies never apply in its
 * namespace (the chart excludes it). Flux is not installed by the platform, so its images are unknown.
 */
export function platformImages(cluster: ClusterSettings): PlatformChartImages[] {
  const profile = (cluster.versions ?? DEFAULT_VERSION_PROFILE) as VersionProfileName;
  const CHARTS = PROFILES[profile].charts;
  const charts: PlatformChartImages[] = [
    { component: 'Capsule', chart: CHARTS.capsule, valuesSetting: ['capsule', 'values'], images: Capsule.images(cluster.capsule?.values) },
    {
      component: 'capsule-proxy',
      chart: CHARTS.capsuleProxy,
      valuesSetting: ['capsuleProxy', 'values'],
      images: CapsuleProxy.images({ certificates: cluster.capsuleProxy?.certificates as CapsuleProxyCertificates | undefined, values: cluster.capsuleProxy?.values, profile }),
    },
  ];
  const { agent, operator } = cluster.teleport ?? {};
  if (agent) {
    charts.push({ component: 'teleport-kube-agent', chart: CHARTS.teleportKubeAgent, valuesSetting: ['teleport', 'agent', 'values'], images: TeleportKubeAgent.images(agent.values) });
  }
  if (operator) {
    charts.push({ component: 'teleport-operator', chart: CHARTS.teleportOperator, valuesSetting: ['teleport', 'operator', 'values'], images: TeleportOperator.images(operator.values) });
  }
  return charts;
}
