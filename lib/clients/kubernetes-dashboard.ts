import { Construct } from 'constructs';
import type { IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { CLIENT_VERSIONS } from '../versions';
import { ClientProxyCa, clientProxyCa, IProxyCaDistribution } from './proxy-ca';

export interface KubernetesDashboardProps {
  /** The proxy the dashboard's API and auth containers send Kubernetes API requests through. */
  readonly proxy: IKubeApiProxy;
  /**
   * Namespace to install the dashboard into.
   * @default - the proxy's namespace (where its CA Secret is)
   */
  readonly namespace?: string;
  /**
   * Helm release name; the chart names its objects `<release>-api`, `<release>-kong-proxy`, ….
   * @default 'kubernetes-dashboard'
   */
  readonly releaseName?: string;
  /**
   * Distributes the proxy's CA into `namespace` when that is not the proxy's.
   * @default - none: the dashboard must run in the proxy's namespace
   */
  readonly caDistribution?: IProxyCaDistribution;
  /**
   * Extra chart values, merged over the generated ones; `KubernetesDashboard.OWNED_VALUES` cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/** The chart's `/tmp` volume of every module (values.yaml): the lists below replace the chart's, so they keep it. */
const TMP_VOLUME = { name: 'tmp-volume', emptyDir: {} };
const TMP_MOUNT = { mountPath: '/tmp', name: 'tmp-volume' };

/**
 * Kubernetes Dashboard 7 (chart `kubernetes-dashboard`), routed through capsule-proxy as the seed's
 * Dashboard page does for the dashboard of chart 6: `KUBERNETES_SERVICE_HOST`/`PORT` and a
 * ServiceAccount mount holding the proxy's CA as `ca.crt`. Chart 7 splits the dashboard into
 * modules behind Kong; the two that call the Kubernetes API with the user's token, `api` and `auth`,
 * are routed (`web` reads only its settings ConfigMap with its ServiceAccount, the metrics scraper
 * only metrics).
 *
 * Users authenticate with a bearer token, which an auth proxy in front of Kong adds from an OIDC
 * login (the seed uses oauth2-proxy with `pass-access-token` and `set-authorization-header`); that
 * proxy and the Ingress are not part of this release.
 */
export class KubernetesDashboard extends Construct {
  public static readonly DEFAULT_RELEASE_NAME = 'kubernetes-dashboard';
  /** The chart modules routed through the proxy. */
  public static readonly ROUTED_MODULES = ['api', 'auth'] as const;

  public static readonly OWNED_VALUES: OwnedValues = {
    'app.mode': "the api module's ServiceAccount and routing need mode dashboard",
    ...Object.fromEntries(
      KubernetesDashboard.ROUTED_MODULES.flatMap((m) => [
        [`${m}.containers.env`, 'routes the dashboard through capsule-proxy'],
        [`${m}.containers.volumeMounts`, "mounts capsule-proxy's CA"],
        [`${m}.volumes`, "mounts capsule-proxy's CA"],
        [`${m}.automountServiceAccountToken`, "the routing replaces the ServiceAccount mount"],
      ]),
    ),
  };

  /** The images the chart runs (values.yaml of chart 7.13.0; Kong's from its chart 2.46.0). */
  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'auth', value: 'auth.image.repository', form: 'reference', chartDefault: 'docker.io/kubernetesui/dashboard-auth' },
    { workload: 'api', value: 'api.image.repository', form: 'reference', chartDefault: 'docker.io/kubernetesui/dashboard-api' },
    { workload: 'web', value: 'web.image.repository', form: 'reference', chartDefault: 'docker.io/kubernetesui/dashboard-web' },
    {
      workload: 'metrics scraper',
      value: 'metricsScraper.image.repository',
      form: 'reference',
      chartDefault: 'docker.io/kubernetesui/dashboard-metrics-scraper',
      when: [{ path: 'metricsScraper.enabled', is: true, chartDefault: true }],
    },
    { workload: 'kong', value: 'kong.image.repository', form: 'reference', chartDefault: 'kong', when: [{ path: 'kong.enabled', is: true, chartDefault: true }] },
  ];

  public static images(values: Record<string, unknown> = {}): ImageSource[] {
    return imageSources(KubernetesDashboard.IMAGES, values);
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  public readonly ca: ClientProxyCa;

  constructor(scope: Construct, id: string, props: KubernetesDashboardProps) {
    super(scope, id);
    const proxy = props.proxy;
    this.namespace = props.namespace ?? proxy.namespace;
    this.ca = clientProxyCa('the Kubernetes Dashboard', proxy, this.namespace, props.caDistribution);
    const access = proxy.inClusterApiAccess('kube-api-access-capsule', this.ca.source);
    // A fresh object per module: shared references would come out as YAML aliases.
    // (JSON copies: structuredClone's objects come from another realm under jest, which cdk8s mangles.)
    const routed = () => ({
      containers: { env: copy(access.env), volumeMounts: [copy(TMP_MOUNT), copy(access.volumeMount)] },
      volumes: [copy(TMP_VOLUME), copy(access.volume)],
      // The projected volume replaces the automatic mount at the same path (the ServiceAccount
      // admission plugin skips containers that already mount it), so the token still comes from it.
      automountServiceAccountToken: true,
    });
    const values = { app: { mode: 'dashboard' }, ...Object.fromEntries(KubernetesDashboard.ROUTED_MODULES.map((m) => [m, routed()])) };
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: CLIENT_VERSIONS.kubernetesDashboard,
      releaseName: props.releaseName ?? KubernetesDashboard.DEFAULT_RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues(values, props.values, KubernetesDashboard.OWNED_VALUES),
      dependsOn: [proxy.release],
    });
  }
}

/** A deep copy of wire-format (JSON) values. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
