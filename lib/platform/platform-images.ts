import { Capsule } from '../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import type { ImageSource } from '../core/chart-images';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import { TeleportOperator } from '../teleport/operator';
import { CLIENT_VERSIONS, DEFAULT_VERSION_PROFILE, HelmChart, PROFILES, VersionProfileName } from '../versions';
import { Gangplank } from '../clients/gangplank';
import { Headlamp } from '../clients/headlamp';
import { KubernetesDashboard } from '../clients/kubernetes-dashboard';
import { TektonDashboard } from '../clients/tekton-dashboard';
import type { ClusterSettings } from './config/platform-schema';

/** A chart the platform installs on a cluster, with the images it runs there. */
export interface PlatformChartImages {
  /** The component, for messages. */
  readonly component: string;
  /** The chart, or none for the manifests the platform renders itself (Gangplank, Tekton Dashboard). */
  readonly chart?: HelmChart;
  /** Where its values (or, without a chart, its image setting) are set in the cluster's settings, e.g. `['capsule', 'values']`. */
  readonly valuesSetting: readonly string[];
  readonly images: readonly ImageSource[];
}

/**
 * The images of the charts (and of the manifests of capsule-proxy clients) the platform installs on
 * `cluster` (as ClusterPlatform does), with the cluster's value overrides. Kyverno's own chart is left out: Kyverno's policies never apply in its
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
  const clients = cluster.clients ?? {};
  if (clients.headlamp) {
    charts.push({ component: 'Headlamp', chart: CLIENT_VERSIONS.headlamp, valuesSetting: ['clients', 'headlamp', 'values'], images: Headlamp.images(clients.headlamp.values) });
  }
  if (clients.kubernetesDashboard) {
    const values = clients.kubernetesDashboard.values;
    charts.push({ component: 'Kubernetes Dashboard', chart: CLIENT_VERSIONS.kubernetesDashboard, valuesSetting: ['clients', 'kubernetesDashboard', 'values'], images: KubernetesDashboard.images(values) });
  }
  if (clients.gangplank) charts.push({ component: 'Gangplank', valuesSetting: ['clients', 'gangplank'], images: Gangplank.images(clients.gangplank) });
  if (clients.tektonDashboard) charts.push({ component: 'Tekton Dashboard', valuesSetting: ['clients', 'tektonDashboard'], images: TektonDashboard.images(clients.tektonDashboard) });
  return charts;
}
