import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { caProjection, IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import type { ReadSecret } from '../core/delivery/encrypted-secrets';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { CLIENT_VERSIONS } from '../versions';
import { ClientProxyCa, clientProxyCa, IProxyCaDistribution } from './proxy-ca';

/** Headlamp's OIDC login (a confidential client; the API server must accept its tokens, see docs/clients.md). */
export interface HeadlampOidc {
  /** Issuer URL, e.g. `https://keycloak.example.com/realms/example` (`-oidc-idp-issuer-url`). */
  readonly issuerURL: string;
  /** Client ID (`-oidc-client-id`). */
  readonly clientID: string;
  /**
   * Existing Secret in Headlamp's namespace whose key `OIDC_CLIENT_SECRET` holds the client secret
   * (the chart's `config.oidc.externalSecret`; it becomes an environment variable of that name).
   */
  readonly clientSecretName: string;
  /**
   * Scopes to request (`-oidc-scopes`, comma-separated).
   * @default - Headlamp's default (profile, email)
   */
  readonly scopes?: readonly string[];
  /**
   * Callback URL registered with the provider (`-oidc-callback-url`).
   * @default - derived by Headlamp from the request (`<host>/oidc-callback`)
   */
  readonly callbackURL?: string;
  /**
   * Send the access token instead of the ID token to the Kubernetes API (`-oidc-use-access-token`).
   * @default false
   */
  readonly useAccessToken?: boolean;
}

export interface HeadlampProps {
  /** The proxy Headlamp sends every Kubernetes API request through. */
  readonly proxy: IKubeApiProxy;
  /**
   * Namespace to install Headlamp into.
   * @default - the proxy's namespace (where its CA Secret is; the seed recommends it)
   */
  readonly namespace?: string;
  /**
   * Helm release name; the chart names its Deployment, Service and ServiceAccount after it.
   * @default 'headlamp'
   */
  readonly releaseName?: string;
  /**
   * Distributes the proxy's CA into `namespace` when that is not the proxy's.
   * @default - none: Headlamp must run in the proxy's namespace
   */
  readonly caDistribution?: IProxyCaDistribution;
  /**
   * OIDC login.
   * @default - none: users paste a token
   */
  readonly oidc?: HeadlampOidc;
  /**
   * Extra chart values, merged over the generated ones; `Headlamp.OWNED_VALUES` cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

const ROUTING = 'routes Headlamp through capsule-proxy and trusts its CA';

/**
 * Headlamp (chart `headlamp`) as the seed's Headlamp page wires it: in-cluster mode, with client-go
 * pointed at capsule-proxy (`KUBERNETES_SERVICE_HOST`/`PORT`) and the ServiceAccount mount replaced
 * by one that holds the proxy's CA as `ca.crt`, so every user's request is filtered to their tenants.
 *
 * The seed also adds the proxy CA to the Go trust store (Headlamp verifies some connections with
 * it, headlamp#3707): it copies /etc/ssl with an alpine init container. Here `SSL_CERT_DIR` adds
 * the directory of a CA-only mount to the system roots instead (Go reads the system bundle and
 * every `SSL_CERT_DIR` entry), which needs no extra image and keeps the system CAs (the OIDC
 * issuer's). The seed's `-insecure-ssl` is not used: the proxy's certificate is verified.
 */
export class Headlamp extends Construct {
  public static readonly DEFAULT_RELEASE_NAME = 'headlamp';
  /** The key of the client secret in `HeadlampOidc.clientSecretName` (an environment variable name). */
  public static readonly CLIENT_SECRET_KEY = 'OIDC_CLIENT_SECRET';
  /** Where the proxy's CA alone is mounted, for `SSL_CERT_DIR`. */
  public static readonly CA_DIR = '/etc/capsule-proxy';
  /** The image's system CA directory, kept first in `SSL_CERT_DIR`. */
  public static readonly SYSTEM_CA_DIR = '/etc/ssl/certs';

  public static readonly OWNED_VALUES: OwnedValues = {
    'config.inCluster': ROUTING,
    'config.oidc': 'set it with clients.headlamp.oidc (the client secret stays in an existing Secret)',
    env: ROUTING,
    volumes: ROUTING,
    volumeMounts: ROUTING,
  };

  /** The images the chart runs (values.yaml, templates/deployment.yaml of chart 0.45.0). */
  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'headlamp', value: 'image.registry', form: 'registry', chartDefault: 'ghcr.io' },
    {
      workload: 'plugins manager',
      value: 'pluginsManager.baseImage',
      form: 'reference',
      chartDefault: 'node',
      when: [{ path: 'pluginsManager.enabled', is: true, chartDefault: false }],
    },
  ];

  public static images(values: Record<string, unknown> = {}): ImageSource[] {
    return imageSources(Headlamp.IMAGES, values);
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  /** Where Headlamp reads the proxy's CA. */
  public readonly ca: ClientProxyCa;
  /** The Secret with the OIDC client secret, which the user supplies (with `oidc` only). */
  public readonly clientSecret?: ReadSecret;

  constructor(scope: Construct, id: string, props: HeadlampProps) {
    super(scope, id);
    const proxy = props.proxy;
    this.namespace = props.namespace ?? proxy.namespace;
    this.ca = clientProxyCa('Headlamp', proxy, this.namespace, props.caDistribution);
    const oidc = props.oidc;
    if (oidc) {
      checkOidc(oidc);
      this.clientSecret = { namespace: this.namespace, name: oidc.clientSecretName, keys: [Headlamp.CLIENT_SECRET_KEY] };
    }

    const access = proxy.inClusterApiAccess('kube-api-access-capsule', this.ca.source);
    const caVolume: k8s.Volume = { name: 'capsule-proxy-ca', projected: { sources: [caProjection(this.ca.source)] } };
    const caMount: k8s.VolumeMount = { name: 'capsule-proxy-ca', mountPath: Headlamp.CA_DIR, readOnly: true };
    const env: k8s.EnvVar[] = [
      { name: 'SSL_CERT_DIR', value: `${Headlamp.SYSTEM_CA_DIR}:${Headlamp.CA_DIR}` },
      ...(oidc ? oidcEnv(oidc) : []),
    ];
    const values: Record<string, unknown> = {
      config: {
        inCluster: true,
        oidc: oidc
          ? // The chart reads OIDC_CLIENT_SECRET from the user's Secret (envFrom); the public settings are plain env.
            { secret: { create: false }, externalSecret: { enabled: true, name: this.clientSecret!.name, hasScopes: Boolean(oidc.scopes?.length) } }
          : { secret: { create: false } },
      },
      env: [...access.env, ...env.map((e) => k8s.toJson_EnvVar(e))],
      volumes: [access.volume, k8s.toJson_Volume(caVolume)],
      volumeMounts: [access.volumeMount, k8s.toJson_VolumeMount(caMount)],
      // Users act with their own OIDC tokens; the chart's default cluster-admin binding for the
      // ServiceAccount is not needed (and would be reachable by anyone with -unsafe-use-service-account-token).
      clusterRoleBinding: { create: false },
    };
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: CLIENT_VERSIONS.headlamp,
      releaseName: props.releaseName ?? Headlamp.DEFAULT_RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues(values, props.values, Headlamp.OWNED_VALUES),
      dependsOn: [proxy.release],
    });
  }
}

/**
 * The OIDC settings as the environment variables the chart turns into flags. Chart 0.45.0
 * (templates/deployment.yaml) scans values `env` for OIDC_CALLBACK_URL (non-empty) and
 * OIDC_USE_ACCESS_TOKEN (`"true"`) and then adds `-oidc-callback-url=$(OIDC_CALLBACK_URL)` and
 * `-oidc-use-access-token=$(OIDC_USE_ACCESS_TOKEN)`, which the kubelet expands from this env; with
 * `externalSecret` the chart's own `config.oidc.callbackURL`/`useAccessToken` would add the same
 * flags but define no such variable, leaving `$(…)` unexpanded.
 */
function oidcEnv(oidc: HeadlampOidc): k8s.EnvVar[] {
  return [
    { name: 'OIDC_ISSUER_URL', value: oidc.issuerURL },
    { name: 'OIDC_CLIENT_ID', value: oidc.clientID },
    ...(oidc.scopes?.length ? [{ name: 'OIDC_SCOPES', value: oidc.scopes.join(',') }] : []),
    ...(oidc.callbackURL ? [{ name: 'OIDC_CALLBACK_URL', value: oidc.callbackURL }] : []),
    ...(oidc.useAccessToken ? [{ name: 'OIDC_USE_ACCESS_TOKEN', value: 'true' }] : []),
  ];
}

function checkOidc(oidc: HeadlampOidc): void {
  for (const [field, url] of [['issuerURL', oidc.issuerURL], ['callbackURL', oidc.callbackURL]] as const) {
    if (url !== undefined && !/^https:\/\/[^\s/]+/.test(url)) throw new Error(`headlamp oidc.${field} must be an https:// URL (got ${JSON.stringify(url)})`);
  }
}
