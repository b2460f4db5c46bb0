import { Construct } from 'constructs';
import type { IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import type { ReadSecret } from '../core/delivery/encrypted-secrets';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { versionProfile } from '../core/version-profile';
import type { ProxyCa, ProxyCaReference } from '../trust-manager/proxy-ca';

/**
 * The agent joins with a `token`-method join token kept in an existing Secret (never rendered).
 * Create it out of band: `kubectl -n <namespace> create secret generic <secretName>
 * --from-literal=auth-token=<token>` (or with SOPS / External Secrets).
 */
export interface TokenJoin {
  readonly method: 'token';
  /**
   * Name of the existing Secret (key `auth-token`) in the agent's namespace.
   * @default 'teleport-kube-agent-join-token'
   */
  readonly secretName?: string;
}

/**
 * The agent joins with Teleport's `kubernetes` method: it proves its identity with a projected
 * ServiceAccount token, so no secret exists anywhere. The join token (a Teleport `token` resource or
 * `TeleportProvisionToken`) must allow the agent's ServiceAccount, `TeleportKubeAgent.serviceAccount`.
 */
export interface KubernetesJoin {
  readonly method: 'kubernetes';
  /** Name of the Teleport join token (public, not a secret). */
  readonly tokenName: string;
  /** Name of the Teleport cluster: the audience of the projected ServiceAccount token. */
  readonly teleportClusterName: string;
}

export type TeleportAgentJoin = TokenJoin | KubernetesJoin;

export interface TeleportKubeAgentProps {
  /** Namespace to install the agent into. */
  readonly namespace: string;
  /**
   * Helm release name; the chart names the agent's StatefulSet and ServiceAccount after it.
   * @default 'teleport-agent'
   */
  readonly releaseName?: string;
  /** Address of the Teleport Proxy Service, `host:port` (`proxyAddr`). */
  readonly proxyAddr: string;
  /** Name of the Kubernetes cluster in Teleport (`kubeClusterName`). */
  readonly kubeClusterName: string;
  /**
   * Teleport labels of the cluster; roles reach it through `kubernetes_labels` that match them.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Skip verifying the Teleport proxy's TLS certificate (demo setups with self-signed certificates).
   * @default false
   */
  readonly insecureSkipProxyTLSVerify?: boolean;
  /**
   * How the agent joins the Teleport cluster.
   * @default - token method with Secret 'teleport-kube-agent-join-token'
   */
  readonly join?: TeleportAgentJoin;
  /**
   * Route the agent's Kubernetes API calls through this proxy (e.g. capsule-proxy, so Teleport
   * users only see their tenants). The agent must run in the proxy's namespace, where the proxy's
   * CA Secret is.
   * @default - the agent talks to the API server directly
   */
  readonly kubeApiProxy?: IKubeApiProxy;
  /**
   * Where the agent finds the proxy's CA, when it runs outside the proxy's namespace: the
   * cluster's `ProxyCa`, which hands it the trust-manager Bundle's ConfigMap. The agent's layer
   * must then come after the Bundle's.
   * @default - the agent must run in the proxy's namespace, where the proxy's CA Secret is
   */
  readonly proxyCa?: ProxyCa;
  /**
   * Extra chart values, merged over the generated ones. Values in
   * `TeleportKubeAgent.OWNED_VALUES` cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

const TOKEN_IS_SECRET = 'join tokens are secrets and never rendered: use join.secretName (an existing Secret with key auth-token)';

/** Teleport's Kubernetes agent (chart `teleport-kube-agent`), which registers the cluster with Teleport. */
export class TeleportKubeAgent extends Construct {
  public static readonly DEFAULT_RELEASE_NAME = 'teleport-agent';
  public static readonly DEFAULT_JOIN_SECRET = 'teleport-kube-agent-join-token';
  /** The key the chart reads the join token from. */
  public static readonly JOIN_SECRET_KEY = 'auth-token';

  public static readonly OWNED_VALUES: OwnedValues = {
    authToken: TOKEN_IS_SECRET,
    secretName: 'set it with join.secretName',
    joinTokenSecret: 'set it with join.secretName',
    joinParams: 'set it with join',
    proxyAddr: 'set it with proxyAddr',
    kubeClusterName: 'set it with kubeClusterName',
    labels: 'set it with labels',
    insecureSkipProxyTLSVerify: 'set it with insecureSkipProxyTLSVerify',
    extraEnv: 'routes the agent through capsule-proxy',
    extraVolumes: 'routes the agent through capsule-proxy',
    extraVolumeMounts: 'routes the agent through capsule-proxy',
    'serviceAccount.name': "the agent's ServiceAccount is the release name",
    serviceAccountName: "the agent's ServiceAccount is the release name",
    teleportClusterName: 'set it with teleport.clusterName (kubernetes join)',
  };

  /**
   * With `teleportClusterName` set, the chart mounts the join ServiceAccount token as this volume at
   * this path (chart 18.1.5+); the proxy routing must not use either.
   */
  public static readonly CHART_JOIN_VOLUME = { name: 'join-sa-token', mountPath: '/var/run/secrets/tokens' };

  /** The agent's services (chart value `roles`) and the Teleport system role a join token grants each. */
  public static readonly SYSTEM_ROLES: Readonly<Record<string, string>> = { kube: 'Kube', app: 'App', db: 'Db', discovery: 'Discovery' };

  /**
   * The Teleport system roles that a join token must grant for the chart value `roles`
   * (comma-separated, default `kube`), or a problem naming the service the platform cannot map.
   */
  public static systemRoles(roles: unknown = 'kube'): { roles: string[] } | { problem: string } {
    const allowed = Object.keys(TeleportKubeAgent.SYSTEM_ROLES);
    const services = typeof roles === 'string' ? roles.split(',').map((r) => r.trim().toLowerCase()) : [];
    const unknown = services.filter((s) => !allowed.includes(s));
    if (services.length === 0 || unknown.length) {
      return { problem: `must be a comma-separated list of ${allowed.join(', ')} (got ${JSON.stringify(roles)}): a kubernetes join token grants the agent one system role per service` };
    }
    return { roles: [...new Set(services.map((s) => TeleportKubeAgent.SYSTEM_ROLES[s]))] };
  }

  /**
   * The images the chart runs (values.yaml; the agent's image also runs its post-delete hook). Not
   * listed: `alpine/k8s` of the post-upgrade hook, which only renders when upgrading a release that
   * still has a Deployment from older chart versions (the agent is a StatefulSet now).
   */
  public static readonly IMAGES: readonly ChartImage[] = [
    {
      workload: 'agent',
      value: 'image',
      form: 'reference',
      chartDefault: 'public.ecr.aws/gravitational/teleport-distroless',
      when: [{ path: 'enterprise', is: false, chartDefault: false }],
    },
    {
      workload: 'agent (enterprise)',
      value: 'enterpriseImage',
      form: 'reference',
      chartDefault: 'public.ecr.aws/gravitational/teleport-ent-distroless',
      when: [{ path: 'enterprise', is: true, chartDefault: false }],
    },
    {
      workload: 'updater',
      value: 'updater.image',
      form: 'reference',
      chartDefault: 'public.ecr.aws/gravitational/teleport-kube-agent-updater',
      when: [{ path: 'updater.enabled', is: true, chartDefault: false }],
    },
  ];

  /** The images the chart runs with the user's `values` (the platform sets no image values). */
  public static images(values: Record<string, unknown> = {}): ImageSource[] {
    return imageSources(TeleportKubeAgent.IMAGES, values);
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  /** The Teleport system roles the agent joins with (`Kube`, plus any service added in values `roles`). */
  public readonly systemRoles: readonly string[];
  /** The ServiceAccount the agent runs as (the chart names it after the release). */
  public readonly serviceAccountName: string;
  /** Teleport labels of the cluster. */
  public readonly labels: Readonly<Record<string, string>>;
  /**
   * The Secret the chart reads `auth-token` from: an existing Secret holding the token (token method),
   * or one the chart creates holding only the token's public name (kubernetes method; the chart
   * always mounts one). Distinct names keep a switch of method from colliding with the old Secret.
   */
  public readonly joinSecretName: string;
  /** The join Secret the user supplies (token method only), with the key the chart reads. */
  public readonly joinSecret?: ReadSecret;
  public readonly join: TeleportAgentJoin;

  constructor(scope: Construct, id: string, props: TeleportKubeAgentProps) {
    super(scope, id);
    const releaseName = props.releaseName ?? TeleportKubeAgent.DEFAULT_RELEASE_NAME;
    this.namespace = props.namespace;
    this.serviceAccountName = releaseName;
    this.labels = props.labels ?? {};
    const join = props.join ?? { method: 'token' };
    this.join = join;
    const systemRoles = TeleportKubeAgent.systemRoles(props.values?.roles);
    if ('problem' in systemRoles) {
      if (join.method === 'kubernetes') throw new Error(`teleport-kube-agent values.roles ${systemRoles.problem}`);
      this.systemRoles = [];
    } else this.systemRoles = systemRoles.roles;
    this.joinSecretName = join.method === 'token' ? (join.secretName ?? TeleportKubeAgent.DEFAULT_JOIN_SECRET) : `${releaseName}-join-token-name`;
    if (join.method === 'token') this.joinSecret = { namespace: this.namespace, name: this.joinSecretName, keys: [TeleportKubeAgent.JOIN_SECRET_KEY] };

    const proxy = props.kubeApiProxy;
    let ca: ProxyCaReference | undefined;
    if (proxy && proxy.namespace !== this.namespace) {
      if (!props.proxyCa) {
        throw new Error(
          `teleport-kube-agent must run in ${proxy.namespace} to read the capsule-proxy CA (it is in namespace ${this.namespace}); ` +
            "install it there, or give it the cluster's proxyCa (a trust-manager Bundle copies the CA into its namespace)",
        );
      }
      ca = props.proxyCa.for(this.namespace, 'teleport-kube-agent');
      const layer = Layer.of(this);
      if (layer !== ca.layer && !layer.isAfter(ca.layer)) throw new Error(`${this.node.path}: layer ${layer.name} must depend on layer ${ca.layer.name}, where the proxy's CA reaches namespace ${this.namespace}`);
    }
    const access = proxy?.inClusterApiAccess(undefined, ca);
    const chartJoin = TeleportKubeAgent.CHART_JOIN_VOLUME;
    if (join.method === 'kubernetes' && access && (access.volume.name === chartJoin.name || access.volumeMount.mountPath === chartJoin.mountPath)) {
      throw new Error(`the kubernetes join method mounts volume ${chartJoin.name} at ${chartJoin.mountPath}; the API proxy routing must use another name and path`);
    }

    const joinValues =
      join.method === 'token'
        ? { joinTokenSecret: { create: false, name: this.joinSecretName } }
        : {
            joinParams: { method: 'kubernetes', tokenName: join.tokenName },
            teleportClusterName: join.teleportClusterName,
            // The chart's Secret holds only the token's name; nothing secret is stored or rendered.
            joinTokenSecret: { create: true, name: this.joinSecretName },
          };
    const values: Record<string, unknown> = {
      proxyAddr: props.proxyAddr,
      kubeClusterName: props.kubeClusterName,
      insecureSkipProxyTLSVerify: props.insecureSkipProxyTLSVerify ?? false,
      ...joinValues,
      ...(props.labels ? { labels: { ...props.labels } } : {}),
      ...(access ? { extraEnv: access.env, extraVolumes: [access.volume], extraVolumeMounts: [access.volumeMount] } : {}),
    };
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: versionProfile(this).charts.teleportKubeAgent,
      releaseName,
      namespace: this.namespace,
      values: mergeValues(values, props.values, TeleportKubeAgent.OWNED_VALUES),
      dependsOn: proxy ? [proxy.release] : undefined,
    });
  }

  /** The agent's ServiceAccount as Teleport's kubernetes join method names it, `<namespace>:<name>`. */
  public get serviceAccount(): string {
    return `${this.namespace}:${this.serviceAccountName}`;
  }
}
