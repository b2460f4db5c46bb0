import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { caProjection, CaCertificateSource, IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import type { ReadSecret } from '../core/delivery/encrypted-secrets';
import { ManifestFile } from '../core/output/manifest-file';
import { CLIENT_VERSIONS } from '../versions';
import { ClientProxyCa, clientProxyCa, IProxyCaDistribution } from './proxy-ca';

/** Gangplank's OAuth2/OIDC client (a confidential client; the API server must accept its tokens). */
export interface GangplankOidc {
  /** URL that starts the authorization flow (`authorizeURL`), e.g. `https://keycloak/realms/x/protocol/openid-connect/auth`. */
  readonly authorizeURL: string;
  /** URL that issues tokens (`tokenURL`). */
  readonly tokenURL: string;
  /** Client ID (`clientID`). */
  readonly clientID: string;
  /** Where the provider redirects back to: Gangplank's own `/callback` URL (`redirectURL`). */
  readonly redirectURL: string;
  /**
   * Scopes to request (`scopes`).
   * @default - Gangplank's: openid, profile, email, offline_access
   */
  readonly scopes?: readonly string[];
  /**
   * JWT claim that names the user in the kubeconfig (`usernameClaim`); match the API server's username claim.
   * @default - Gangplank's: nickname
   */
  readonly usernameClaim?: string;
  /**
   * Audience to request (`audience`).
   * @default - none
   */
  readonly audience?: string;
}

/** The CA Gangplank writes into the kubeconfigs it hands out, for `apiServerURL`. */
export type GangplankKubeconfigCa =
  /** capsule-proxy's own CA: `apiServerURL` reaches the proxy's certificate (LoadBalancer, TLS passthrough). */
  | { readonly from: 'capsule-proxy' }
  /** A key of an existing Secret in Gangplank's namespace, e.g. the Ingress's TLS Secret, key `tls.crt` (the seed's example). */
  | { readonly from: 'secret'; readonly name: string; readonly key: string }
  /** None (`removeCAFromKubeconfig`): `apiServerURL` has a publicly trusted certificate. */
  | { readonly from: 'none' };

export interface GangplankProps {
  /** The proxy Gangplank's kubeconfigs point at (through `apiServerURL`). */
  readonly proxy: IKubeApiProxy;
  /** The output file the objects go into. */
  readonly file: ManifestFile;
  /**
   * Namespace to install Gangplank into.
   * @default - the proxy's namespace
   */
  readonly namespace?: string;
  /**
   * Name of the Deployment, Service, ConfigMap.
   * @default 'gangplank'
   */
  readonly name?: string;
  /** Cluster name shown to users and used in the kubeconfig (`clusterName`). */
  readonly clusterName: string;
  /**
   * capsule-proxy's URL as users reach it from outside the cluster (`apiServerURL`), e.g.
   * `https://capsule-proxy.example.com:443`. Must be the exposure's URL when the proxy is exposed.
   * @default - the proxy's `externalUrl` (required when the proxy is not exposed)
   */
  readonly apiServerURL?: string;
  readonly oidc: GangplankOidc;
  /**
   * Existing Secret in Gangplank's namespace with keys `GANGPLANK_CONFIG_CLIENT_SECRET` and
   * `GANGPLANK_CONFIG_SESSION_SECURITY_KEY` (loaded as environment variables, as the seed does).
   * @default 'gangplank'
   */
  readonly secretName?: string;
  /**
   * The CA written into the kubeconfigs.
   * @default { from: 'capsule-proxy' }
   */
  readonly kubeconfigCA?: GangplankKubeconfigCa;
  /**
   * Distributes the proxy's CA into `namespace` when that is not the proxy's (kubeconfigCA capsule-proxy).
   * @default - none
   */
  readonly caDistribution?: IProxyCaDistribution;
  /**
   * Image reference with tag.
   * @default - registry.sighup.io/fury/gangplank at the version in lib/versions.ts
   */
  readonly image?: string;
}

/**
 * Gangplank (sighupio/gangplank), which logs users in with OIDC and hands them a kubeconfig for
 * capsule-proxy, as the seed's Gangplank page configures it: the non-secret settings in its config
 * file, the client secret and session key from an existing Secret (`envFrom`), and the kubeconfig CA
 * at `clusterCAPath`. Rendered as manifests that follow the repository's chart (0.2.0): the chart is
 * not published in a Helm repository, and it would render the secrets from values into Git.
 * Gangplank never calls the Kubernetes API, so its pod gets no ServiceAccount token.
 */
export class Gangplank extends Construct {
  public static readonly DEFAULT_NAME = 'gangplank';
  /** Keys of the Secret, as Gangplank's environment variables. */
  public static readonly SECRET_KEYS = ['GANGPLANK_CONFIG_CLIENT_SECRET', 'GANGPLANK_CONFIG_SESSION_SECURITY_KEY'] as const;
  public static readonly PORT = 8080;
  public static readonly CONFIG_DIR = '/etc/gangplank';
  public static readonly CA_DIR = '/etc/gangplank-ca';

  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'gangplank', value: 'image', form: 'reference', chartDefault: `${CLIENT_VERSIONS.gangplank.image}:${CLIENT_VERSIONS.gangplank.tag}` },
  ];

  /** The image Gangplank runs with `settings` (its `image` setting). */
  public static images(settings: { readonly image?: string } = {}): ImageSource[] {
    return imageSources(Gangplank.IMAGES, settings);
  }

  public readonly name: string;
  public readonly namespace: string;
  /** Where the CA at `clusterCAPath` comes from; none with `kubeconfigCA` `none`. */
  public readonly kubeconfigCaSource?: CaCertificateSource;
  /** How Gangplank reads the proxy's CA, when it hands that one out. */
  public readonly ca?: ClientProxyCa;
  /** The configuration file Gangplank reads (`config.yaml`). */
  public readonly config: Record<string, unknown>;
  /** The Secret with the client secret and session key, which the user supplies (`envFrom`). */
  public readonly secret: ReadSecret;

  constructor(scope: Construct, id: string, props: GangplankProps) {
    super(scope, id);
    const { oidc } = props;
    this.name = props.name ?? Gangplank.DEFAULT_NAME;
    this.namespace = props.namespace ?? props.proxy.namespace;
    this.secret = { namespace: this.namespace, name: props.secretName ?? Gangplank.DEFAULT_NAME, keys: [...Gangplank.SECRET_KEYS] };
    const apiServerURL = props.apiServerURL ?? props.proxy.externalUrl;
    if (!apiServerURL) throw new Error('gangplank apiServerURL is required: capsule-proxy is not exposed (capsuleProxy.exposure), so there is no URL to derive it from');
    if (props.proxy.externalUrl && apiServerURL !== props.proxy.externalUrl) {
      throw new Error(`gangplank apiServerURL ${apiServerURL} is not capsule-proxy's exposed URL ${props.proxy.externalUrl}: leave it out to use the exposure's`);
    }
    for (const [field, url] of [
      ['apiServerURL', apiServerURL],
      ['oidc.authorizeURL', oidc.authorizeURL],
      ['oidc.tokenURL', oidc.tokenURL],
      ['oidc.redirectURL', oidc.redirectURL],
    ] as const) {
      if (!/^https:\/\/[^\s/]+/.test(url)) throw new Error(`gangplank ${field} must be an https:// URL (got ${JSON.stringify(url)})`);
    }
    const caChoice = props.kubeconfigCA ?? { from: 'capsule-proxy' };
    if (caChoice.from === 'capsule-proxy') {
      this.ca = clientProxyCa('Gangplank', props.proxy, this.namespace, props.caDistribution);
      this.kubeconfigCaSource = this.ca.source;
    } else if (caChoice.from === 'secret') {
      this.kubeconfigCaSource = { kind: 'Secret', name: caChoice.name, key: caChoice.key };
    }

    // Gangplank's config file; keys are its yaml names (internal/config/config.go). No secrets here.
    this.config = {
      clusterName: props.clusterName,
      apiServerURL,
      authorizeURL: oidc.authorizeURL,
      tokenURL: oidc.tokenURL,
      clientID: oidc.clientID,
      redirectURL: oidc.redirectURL,
      ...(oidc.scopes?.length ? { scopes: [...oidc.scopes] } : {}),
      ...(oidc.usernameClaim ? { usernameClaim: oidc.usernameClaim } : {}),
      ...(oidc.audience ? { audience: oidc.audience } : {}),
      ...(this.kubeconfigCaSource ? { clusterCAPath: `${Gangplank.CA_DIR}/ca.crt` } : { removeCAFromKubeconfig: true }),
    };

    const labels = { 'app.kubernetes.io/name': 'gangplank', 'app.kubernetes.io/instance': this.name };
    const metadata = { name: this.name, namespace: this.namespace, labels };
    new k8s.KubeConfigMap(props.file, `${id}-config`, { metadata, data: { 'config.yaml': YAML.stringify(this.config) } });

    const volumes: k8s.Volume[] = [{ name: 'config', configMap: { name: this.name } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'config', mountPath: Gangplank.CONFIG_DIR, readOnly: true }];
    if (this.kubeconfigCaSource) {
      volumes.push({ name: 'kubeconfig-ca', projected: { sources: [caProjection(this.kubeconfigCaSource)] } });
      mounts.push({ name: 'kubeconfig-ca', mountPath: Gangplank.CA_DIR, readOnly: true });
    }
    new k8s.KubeDeployment(props.file, `${id}-deployment`, {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'gangplank',
                image: props.image ?? Gangplank.IMAGES[0].chartDefault,
                command: ['gangplank', '-config', `${Gangplank.CONFIG_DIR}/config.yaml`],
                envFrom: [{ secretRef: { name: this.secret.name } }],
                ports: [{ name: 'http', containerPort: Gangplank.PORT, protocol: 'TCP' }],
                livenessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('http') } },
                readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('http') } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    });
    new k8s.KubeService(props.file, `${id}-service`, {
      metadata,
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
    });
  }
}
