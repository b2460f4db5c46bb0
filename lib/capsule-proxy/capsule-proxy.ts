import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ICapsule } from '../capsule/capsule';
import type { ICertManager } from '../cert-manager/cert-manager';
import type { ClusterIssuerRef } from '../cert-manager/platform-issuer';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { deepMerge, helmFullname, mergeValues, OwnedValues } from '../core/helm-values';
import { versionProfile } from '../core/version-profile';
import type { VersionProfileName } from '../versions';
import { CapsuleProxyExposure, EXPOSURE_OWNED_VALUES, ProxyExposure } from './exposure';
import { CAPSULE_PROXY_OPTION_NAMES, CapsuleProxyOptions, optionProblems, optionValue, optionValues, unsupportedOption } from './proxy-options';
import { CapsuleProxyFeatureGate, LEGACY_DISABLED_MESSAGE, PROXY_CLUSTER_SCOPED } from './proxy-rules';

/** How capsule-proxy's serving certificate is issued (and so where its CA ends up). */
export enum CapsuleProxyCertificates {
  /** The chart's certgen Job (chart 0.9.x default, still available in 0.14): the CA is in Secret key `ca`. */
  CERTGEN = 'certgen',
  /** cert-manager (must be installed; chart default since 0.11): the CA is in Secret key `ca.crt`. */
  CERT_MANAGER = 'cert-manager',
}

/**
 * What a pod needs so that its in-cluster Kubernetes client talks to a proxy instead of the API
 * server, in Helm-values (wire) format: the env vars client-go reads, and a projected volume that
 * replaces the default ServiceAccount mount (token, the proxy's CA as `ca.crt`, namespace).
 */
export interface InClusterApiAccess {
  readonly env: Record<string, unknown>[];
  readonly volume: Record<string, unknown>;
  readonly volumeMount: Record<string, unknown>;
}

/**
 * Where a pod reads the proxy's CA certificate from: a key of a Secret or ConfigMap in the pod's own
 * namespace (projected volumes only read their own namespace).
 */
export interface CaCertificateSource {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key: string;
}

/** `InClusterApiAccess` as typed pod spec parts (cdk8s-plus-28 `k8s` types). */
export interface InClusterApiSpec {
  readonly env: k8s.EnvVar[];
  readonly volume: k8s.Volume;
  readonly volumeMount: k8s.VolumeMount;
}

/** A Kubernetes API proxy that in-cluster clients can be routed through. */
export interface IKubeApiProxy {
  /** The proxy's release; clients should be installed after it. */
  readonly release: IHelmRelease;
  /** Namespace of the proxy. Its CA Secret can only be projected into pods of this namespace. */
  readonly namespace: string;
  /** The proxy's CA in its own namespace: its TLS Secret and the key its issuer writes the CA to. */
  readonly caCertificate: CaCertificateSource;
  /**
   * The URL users reach the proxy at from outside the cluster (`exposure`), e.g. for the kubeconfigs
   * clients hand out.
   * @default - none: not exposed
   */
  readonly externalUrl?: string;
  /**
   * Env vars, volume and mount that route an in-cluster client through the proxy, trusting the CA
   * from `ca` (in the client's namespace).
   * @param ca - default: `caCertificate`, for clients in the proxy's namespace
   */
  inClusterApiAccess(volumeName?: string, ca?: CaCertificateSource): InClusterApiAccess;
  /** The same as typed pod spec parts. */
  inClusterApiSpec(volumeName?: string, ca?: CaCertificateSource): InClusterApiSpec;
}

/** The request-handling options (proxy-options.ts) are typed props; those chart 0.9.12 lacks are refused under `seed`. */
export interface CapsuleProxyProps extends CapsuleProxyOptions {
  /** The Capsule installation the proxy serves; it is installed after it, in its namespace. */
  readonly capsule: ICapsule;
  /**
   * Helm release name. The chart names its Service and TLS Secret after it.
   * @default 'capsule-proxy'
   */
  readonly releaseName?: string;
  /**
   * How the serving certificate is issued.
   * @default - the chart's default: CapsuleProxyCertificates.CERTGEN under `seed` (chart 0.9.12),
   *   CapsuleProxyCertificates.CERT_MANAGER under `current` (chart 0.14.0)
   */
  readonly certificates?: CapsuleProxyCertificates;
  /**
   * The cert-manager that issues the serving certificate (cert-manager mode): the release is
   * installed after it, when the platform installs it.
   * @default - cert-manager is installed out of band (the configuration loader checks that a
   *   cluster in cert-manager mode has one)
   */
  readonly certManager?: ICertManager;
  /**
   * The ClusterIssuer of the serving certificate (cert-manager mode; `certManager.issuer`). Its
   * Secret's `ca.crt` is then that issuer's CA.
   * @default - the chart's own self-signed Issuer `<fullname>-ca-issuer`
   */
  readonly issuer?: ClusterIssuerRef;
  /**
   * Feature gates to switch on or off. Proxy settings that need a gate switch it on themselves;
   * switching such a gate off explicitly is an error.
   * @default - all gates at their default (off), except those proxy settings require
   */
  readonly featureGates?: Partial<Record<CapsuleProxyFeatureGate, boolean>>;
  /**
   * Extra command-line flags for the proxy, after the feature gates (`options.extraArgs`).
   * @default - none
   */
  readonly extraArgs?: readonly string[];
  /**
   * Expose the proxy outside the cluster (a LoadBalancer Service or an Ingress passing TLS through),
   * with the host in its certificate.
   * @default - not exposed: a ClusterIP Service only
   */
  readonly exposure?: CapsuleProxyExposure;
  /**
   * Extra chart values, merged over the generated ones. Values in `CapsuleProxy.OWNED_VALUES`
   * cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/** The default mount path of a ServiceAccount token, where client-go's in-cluster config looks. */
const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * capsule-proxy (chart `capsule-proxy`): the Kubernetes API front door that filters what Capsule
 * users see to their tenants. It owns the facts its clients depend on (Service host and port, TLS
 * Secret, CA key), and renders the chart values that produce them.
 */
export class CapsuleProxy extends Construct implements IKubeApiProxy {
  public static readonly DEFAULT_RELEASE_NAME = 'capsule-proxy';
  /** The chart's Service port (`service.port`). */
  public static readonly PORT = 9001;

  public static readonly OWNED_VALUES: OwnedValues = {
    'service.port': "clients' KUBERNETES_SERVICE_PORT is derived from it",
    'options.enableSSL': 'clients are given the proxy CA and connect with TLS',
    'options.generateCertificates': 'set it with capsuleProxy.certificates',
    'certManager.generateCertificates': 'set it with capsuleProxy.certificates',
    'certManager.issuer': 'set it with certManager.issuer',
    'options.certificateVolumeName': "clients read the CA from the chart's TLS Secret",
    'options.capsuleConfigurationName': "derived from Capsule's CapsuleConfiguration",
    'options.extraArgs': 'set it with capsuleProxy.featureGates and capsuleProxy.extraArgs (proxy settings add the gates they need)',
    fullnameOverride: "clients' KUBERNETES_SERVICE_HOST and CA Secret are derived from the release name",
    nameOverride: "clients' KUBERNETES_SERVICE_HOST and CA Secret are derived from the release name",
    ...EXPOSURE_OWNED_VALUES,
    ...Object.fromEntries(CAPSULE_PROXY_OPTION_NAMES.map((name) => [optionValue(name), `set it with capsuleProxy.${name}`])),
  };

  /** The images the chart runs (charts 0.9.12 and 0.14.0 alike: values.yaml, templates/_helpers.tpl and _jobs.tpl). */
  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'proxy', value: 'image.registry', form: 'registry', chartDefault: 'ghcr.io' },
    {
      workload: 'certgen Job',
      value: 'global.jobs.certs.image.registry',
      // The template prefers jobs.certs.registry (`default`), and first merges the deprecated `jobs`
      // over global.jobs.certs (mergeOverwrite), so jobs.image.registry wins over the current name.
      aliases: ['jobs.certs.registry', 'jobs.image.registry'],
      form: 'registry',
      chartDefault: 'registry.k8s.io',
      when: [
        { path: 'options.enableSSL', is: true, chartDefault: true },
        { path: 'options.generateCertificates', is: true, chartDefault: true },
      ],
    },
    {
      workload: 'CRD lifecycle Job',
      value: 'global.jobs.kubectl.image.registry',
      form: 'registry',
      chartDefault: 'docker.io',
      when: [{ path: 'crds.install', is: true, chartDefault: true }],
    },
  ];

  /** The chart's own default issuer under `profile` (cert-manager since chart 0.11.0). */
  public static defaultCertificates(profile: VersionProfileName): CapsuleProxyCertificates {
    return profile === 'seed' ? CapsuleProxyCertificates.CERTGEN : CapsuleProxyCertificates.CERT_MANAGER;
  }

  /** The chart values that select the certificate issuer: both would write the same Secret, so exactly one is on. */
  public static certificateValues(certificates: CapsuleProxyCertificates) {
    const certManager = certificates === CapsuleProxyCertificates.CERT_MANAGER;
    return { options: { generateCertificates: !certManager }, certManager: { generateCertificates: certManager } };
  }

  /** The images the chart runs with `certificates` (certgen runs a Job) and the user's `values`. */
  public static images(
    props: { readonly certificates?: CapsuleProxyCertificates; readonly values?: Record<string, unknown>; readonly profile?: VersionProfileName } = {},
  ): ImageSource[] {
    const certificates = CapsuleProxy.certificateValues(props.certificates ?? CapsuleProxy.defaultCertificates(props.profile ?? 'seed'));
    return imageSources(CapsuleProxy.IMAGES, deepMerge(certificates, props.values ?? {}));
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  public readonly certificates: CapsuleProxyCertificates;
  /** Name of the Service (and of the TLS Secret): the chart's fullname. */
  public readonly serviceName: string;
  /** In-cluster DNS name of the Service, which the serving certificate is valid for. */
  public readonly serviceHost: string;
  public readonly port = CapsuleProxy.PORT;
  /** The Secret holding the serving certificate and its CA. */
  public readonly tlsSecretName: string;
  /** The key of the CA certificate in `tlsSecretName`, which depends on who issued it. */
  public readonly caKey: string;
  /** How the proxy is reached from outside the cluster, if it is exposed. */
  public readonly exposure?: ProxyExposure;
  private readonly gates = new Map<CapsuleProxyFeatureGate, boolean>();
  private readonly requiredGates = new Map<CapsuleProxyFeatureGate, string>();
  private readonly legacyUsers: string[] = [];

  constructor(scope: Construct, id: string, props: CapsuleProxyProps) {
    super(scope, id);
    const releaseName = props.releaseName ?? CapsuleProxy.DEFAULT_RELEASE_NAME;
    this.namespace = props.capsule.namespace;
    const profile = versionProfile(this);
    this.certificates = props.certificates ?? CapsuleProxy.defaultCertificates(profile.name);
    this.serviceName = helmFullname(releaseName, profile.charts.capsuleProxy.chart);
    this.serviceHost = `${this.serviceName}.${this.namespace}.svc`;
    this.tlsSecretName = this.serviceName;
    // kube-webhook-certgen always stores the CA under "ca"; cert-manager under "ca.crt".
    this.caKey = this.certificates === CapsuleProxyCertificates.CERTGEN ? 'ca' : 'ca.crt';

    const unsupported = CAPSULE_PROXY_OPTION_NAMES.filter((name) => props[name] !== undefined).flatMap((name) => unsupportedOption(name, profile.name) ?? []);
    const invalid = optionProblems(props).map((p) => `${p.name}: ${p.message}`);
    if (unsupported.length || invalid.length) throw new Error([...unsupported, ...invalid].join('; '));

    for (const [gate, enabled] of Object.entries(props.featureGates ?? {})) this.gates.set(gate as CapsuleProxyFeatureGate, enabled);
    const extraArgs = props.extraArgs ?? [];
    if (extraArgs.some((a) => a.startsWith('--feature-gates'))) throw new Error('set capsule-proxy feature gates with featureGates, not extraArgs');

    const certificateValues = CapsuleProxy.certificateValues(this.certificates);
    const values = {
      service: { port: this.port },
      options: {
        capsuleConfigurationName: props.capsule.configurationName,
        ...optionValues(props),
        ...certificateValues.options,
        extraArgs: Lazy.any({ produce: () => this.renderArgs(extraArgs) }),
      },
      certManager: {
        ...certificateValues.certManager,
        ...(this.certificates === CapsuleProxyCertificates.CERT_MANAGER && props.issuer ? { issuer: { kind: props.issuer.kind, name: props.issuer.name } } : {}),
      },
    };
    const exposed = { serviceName: this.serviceName, namespace: this.namespace, port: this.port, certManager: this.certificates === CapsuleProxyCertificates.CERT_MANAGER };
    this.exposure = props.exposure && new ProxyExposure(props.exposure, exposed);
    const releaseValues = mergeValues(this.exposure ? deepMerge(values, this.exposure.values) : values, props.values, CapsuleProxy.OWNED_VALUES);
    const certificateProblems = this.exposure?.certificateProblems(releaseValues) ?? [];
    if (certificateProblems.length) throw new Error(`capsule-proxy exposure: ${certificateProblems.join('; ')}`);
    // The chart renders cert-manager Certificates (and Issuers): cert-manager must be ready first.
    const certManagerRelease = this.certificates === CapsuleProxyCertificates.CERT_MANAGER ? props.certManager?.release : undefined;
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: profile.charts.capsuleProxy,
      releaseName,
      namespace: this.namespace,
      values: releaseValues,
      dependsOn: [props.capsule.release, ...(certManagerRelease ? [certManagerRelease] : [])],
    });
    this.node.addValidation({ validate: () => this.validateGates() });
  }

  /** Switches `gate` on because `reason` (e.g. a tenant's proxy settings) needs it. */
  public requireFeatureGate(gate: CapsuleProxyFeatureGate, reason: string): void {
    if (!this.requiredGates.has(gate)) this.requiredGates.set(gate, reason);
  }

  /** Records legacy proxy settings (owner `proxySettings`), which ProxyClusterScoped disables. */
  public addLegacyProxySettingsUser(where: string): void {
    this.legacyUsers.push(where);
  }

  /** The effective feature gates, sorted by name. */
  public get featureGates(): Readonly<Record<string, boolean>> {
    const gates = new Map(this.gates);
    for (const gate of this.requiredGates.keys()) if (!gates.has(gate)) gates.set(gate, true);
    return Object.fromEntries([...gates].sort(([a], [b]) => a.localeCompare(b)));
  }

  private renderArgs(extraArgs: readonly string[]): string[] | undefined {
    const gates = Object.entries(this.featureGates).map(([gate, on]) => `${gate}=${on}`);
    const args = [...(gates.length ? [`--feature-gates=${gates.join(',')}`] : []), ...extraArgs];
    return args.length ? args : undefined;
  }

  private validateGates(): string[] {
    const errors: string[] = [];
    for (const [gate, reason] of this.requiredGates) {
      if (this.gates.get(gate) === false) errors.push(`feature gate ${gate} is switched off, but ${reason} needs it`);
    }
    const clusterScoped = this.featureGates[PROXY_CLUSTER_SCOPED] === true;
    if (clusterScoped) errors.push(...this.legacyUsers.map((where) => `${where}: ${LEGACY_DISABLED_MESSAGE}`));
    return errors;
  }

  public get externalUrl(): string | undefined {
    return this.exposure?.url;
  }

  public get caCertificate(): CaCertificateSource {
    return { kind: 'Secret', name: this.tlsSecretName, key: this.caKey };
  }

  public inClusterApiAccess(volumeName = 'kube-api-access-capsule', ca: CaCertificateSource = this.caCertificate): InClusterApiAccess {
    const { env, volume, volumeMount } = this.inClusterApiSpec(volumeName, ca);
    return {
      env: env.map((e) => k8s.toJson_EnvVar(e)!),
      volume: k8s.toJson_Volume(volume)!,
      volumeMount: k8s.toJson_VolumeMount(volumeMount)!,
    };
  }

  /** `inClusterApiAccess` as typed pod spec parts, for manifests the platform renders itself. */
  public inClusterApiSpec(volumeName = 'kube-api-access-capsule', ca: CaCertificateSource = this.caCertificate): InClusterApiSpec {
    return {
      env: [
        { name: 'KUBERNETES_SERVICE_HOST', value: this.serviceHost },
        { name: 'KUBERNETES_SERVICE_PORT', value: String(this.port) },
      ],
      volume: {
        name: volumeName,
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token' } },
            caProjection(ca),
            { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
      volumeMount: { name: volumeName, mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true },
    };
  }
}

/** A projected-volume source that puts the CA of `ca` at `ca.crt`. */
export function caProjection(ca: CaCertificateSource): k8s.VolumeProjection {
  const items = [{ key: ca.key, path: 'ca.crt' }];
  return ca.kind === 'Secret' ? { secret: { name: ca.name, items } } : { configMap: { name: ca.name, items } };
}
