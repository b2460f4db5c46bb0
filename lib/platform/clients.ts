import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { CapsuleProxy } from '../capsule-proxy/capsule-proxy';
import { Gangplank } from '../clients/gangplank';
import { Headlamp } from '../clients/headlamp';
import { KubernetesDashboard } from '../clients/kubernetes-dashboard';
import type { IProxyCaDistribution } from '../clients/proxy-ca';
import { TektonDashboard } from '../clients/tekton-dashboard';
import { IDelivery, Layer } from '../core/delivery/delivery';
import type { ReadSecret, SecretReader } from '../core/delivery/encrypted-secrets';
import type { ProxyCa } from '../trust-manager/proxy-ca';
import type { ClientsSettings } from './config/clients-schema';
import { ClusterOidcSettings, withIssuer } from './config/oidc-schema';

export interface ProxyClientsProps {
  readonly delivery: IDelivery;
  /** Output folder of the layer, e.g. `demo/clients`. */
  readonly folder: string;
  /** The layer with capsule-proxy (and its namespace). */
  readonly infrastructure: Layer;
  readonly proxy: CapsuleProxy;
  /** Name of the cluster, Gangplank's default cluster name. */
  readonly clusterName: string;
  readonly settings: ClientsSettings;
  /**
   * The cluster's OIDC issuer, for clients whose settings name none.
   * @default - none: each client names its own
   */
  readonly oidc?: ClusterOidcSettings;
  /**
   * Distributes the proxy's CA to clients outside its namespace.
   * @default - none: every client must run in the proxy's namespace
   */
  readonly caDistribution?: IProxyCaDistribution;
}

/**
 * The `clients` layer: the capsule-proxy clients a cluster enables (Headlamp, Kubernetes Dashboard,
 * Gangplank, Tekton Dashboard), after `infrastructure` (capsule-proxy and its CA Secret) and, when a
 * client runs in another namespace, after the layer that distributes the CA. The namespaces of
 * clients outside the proxy's namespace are created here, with the labels the distribution needs.
 */
export class ProxyClients extends Construct {
  /** Whether `settings` enables any client (the layer exists only then). */
  public static enabled(settings: ClientsSettings | undefined): settings is ClientsSettings {
    return Boolean(settings && Object.values(settings).some((c) => c !== undefined));
  }

  /** The namespaces the enabled clients run in (the proxy's, unless set). */
  public static namespaces(settings: ClientsSettings | undefined, proxyNamespace: string): string[] {
    if (!settings) return [];
    return [...new Set(Object.values(settings).filter((c) => c !== undefined).map((c) => c.namespace ?? proxyNamespace))].sort();
  }

  public readonly layer: Layer;
  public readonly headlamp?: Headlamp;
  public readonly kubernetesDashboard?: KubernetesDashboard;
  public readonly gangplank?: Gangplank;
  public readonly tektonDashboard?: TektonDashboard;
  /** The Secrets the clients read from the user, which may be kept encrypted in Git (applied with this layer). */
  public readonly secretReaders: readonly SecretReader[];

  constructor(scope: Construct, id: string, props: ProxyClientsProps) {
    super(scope, id);
    const { settings, proxy, caDistribution } = props;
    // Namespaces outside the proxy's receive its CA from the distribution (labelled so that it
    // reaches them), which the layer then waits for. A client that needs the CA there checks that
    // a distribution exists; Gangplank handing out another CA needs none.
    const others = ProxyClients.namespaces(settings, proxy.namespace).filter((ns) => ns !== proxy.namespace);
    const targets = new Map(others.map((ns) => [ns, caDistribution?.distributeTo(ns)]));
    const distributionLayers = [...new Set([...targets.values()].flatMap((t) => (t ? [t.layer] : [])))];
    this.layer = new Layer(scope, 'clients', {
      delivery: props.delivery,
      folder: props.folder,
      dependsOn: [props.infrastructure, ...distributionLayers],
      // Headlamp's OIDC client secret and Gangplank's Secret: the delivery decrypts them when they are kept in Git.
      readsSecretsFromGit: Boolean(settings.headlamp?.oidc || settings.gangplank),
    });
    const layer = this.layer;
    const common = { proxy, caDistribution };

    if (settings.headlamp) {
      const h = settings.headlamp;
      this.headlamp = new Headlamp(layer, 'headlamp', {
        ...common,
        namespace: h.namespace,
        releaseName: h.releaseName,
        oidc: h.oidc && withIssuer(h.oidc, { name: props.clusterName, oidc: props.oidc }),
        values: h.values,
      });
    }
    if (settings.kubernetesDashboard) {
      const d = settings.kubernetesDashboard;
      this.kubernetesDashboard = new KubernetesDashboard(layer, 'kubernetes-dashboard', {
        ...common,
        namespace: d.namespace,
        releaseName: d.releaseName,
        values: d.values,
      });
    }
    if (settings.gangplank) {
      const g = settings.gangplank;
      this.gangplank = new Gangplank(this, 'gangplank', {
        ...common,
        file: layer.addFile(layer, 'gangplank-file', 'gangplank'),
        namespace: g.namespace,
        name: g.name,
        clusterName: g.clusterName ?? props.clusterName,
        apiServerURL: g.apiServerURL,
        oidc: g.oidc,
        secretName: g.secretName,
        kubeconfigCA: g.kubeconfigCA,
        image: g.image,
      });
    }
    if (settings.tektonDashboard) {
      const t = settings.tektonDashboard;
      this.tektonDashboard = new TektonDashboard(this, 'tekton-dashboard', {
        ...common,
        file: layer.addFile(layer, 'tekton-dashboard-file', 'tekton-dashboard'),
        namespace: t.namespace,
        readOnly: t.readOnly,
        pipelinesNamespace: t.pipelinesNamespace,
        triggersNamespace: t.triggersNamespace,
        logoutURL: t.logoutURL,
        authProxy: t.authProxy,
        image: t.image,
      });
    }

    const reads: [ReadSecret | undefined, string][] = [
      [this.headlamp?.clientSecret, 'Headlamp (clients.headlamp.oidc.clientSecretName)'],
      [this.gangplank?.secret, 'Gangplank (clients.gangplank.secretName)'],
    ];
    this.secretReaders = reads.flatMap(([secret, reader]) => (secret ? [{ ...secret, reader, layer }] : []));
    if (Boolean(this.secretReaders.length) !== layer.readsSecretsFromGit) throw new Error('clients layer: readsSecretsFromGit must match the Secrets its clients read');

    // A client's namespace may hold more than the client (tekton-pipelines holds Tekton itself):
    // the delivery leaves it in place when the client goes away.
    const keep = props.delivery.keepOnRemovalAnnotations;
    for (const namespace of others) {
      const labels = targets.get(namespace)?.namespaceLabels ?? {};
      new k8s.KubeNamespace(layer.sharedFile('namespaces'), `namespace-${namespace}`, {
        metadata: { name: namespace, annotations: { ...keep }, ...(Object.keys(labels).length ? { labels: { ...labels } } : {}) },
      });
    }
  }
}

/**
 * The cluster's trust-manager `ProxyCaBundle` (through `ProxyCa`, which creates it on first use) as
 * the clients' CA distribution: it selects its target namespaces by name, so they need no labels.
 */
export function trustManagerDistribution(proxyCa: ProxyCa): IProxyCaDistribution {
  return {
    distributeTo(namespace: string) {
      const ca = proxyCa.for(namespace, 'capsule-proxy clients');
      return { source: { kind: ca.kind, name: ca.name, key: ca.key }, namespaceLabels: {}, layer: ca.layer };
    },
  };
}
