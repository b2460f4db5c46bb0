import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IKubeApiProxy } from '../capsule-proxy/capsule-proxy';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { ManifestFile } from '../core/output/manifest-file';
import { CLIENT_VERSIONS } from '../versions';
import { ClientProxyCa, clientProxyCa, IProxyCaDistribution } from './proxy-ca';

/** The auth proxy (e.g. oauth2-proxy) in front of the dashboard: the only Pods that may reach it. */
export interface TektonDashboardAuthProxy {
  /**
   * Namespace of the auth proxy's Pods.
   * @default - the dashboard's namespace
   */
  readonly namespace?: string;
  /** Labels of the auth proxy's Pods (a NetworkPolicy `podSelector.matchLabels`; at least one). */
  readonly podLabels: Record<string, string>;
}

export interface TektonDashboardProps {
  /** The proxy the dashboard sends its Kubernetes API requests through. */
  readonly proxy: IKubeApiProxy;
  /** The output file the objects go into. */
  readonly file: ManifestFile;
  /**
   * Namespace to install the dashboard into (the installer's `--namespace`).
   * @default - the proxy's namespace (where its CA Secret is)
   */
  readonly namespace?: string;
  /**
   * Distributes the proxy's CA into `namespace` when that is not the proxy's.
   * @default - none: the dashboard must run in the proxy's namespace
   */
  readonly caDistribution?: IProxyCaDistribution;
  /**
   * Read-only dashboard (`release.yaml`) or read/write (`release-full.yaml`, `--read-write`).
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * Namespace of Tekton Pipelines (`--pipelines-namespace`).
   * @default 'tekton-pipelines'
   */
  readonly pipelinesNamespace?: string;
  /**
   * Namespace of Tekton Triggers (`--triggers-namespace`).
   * @default - `pipelinesNamespace`
   */
  readonly triggersNamespace?: string;
  /**
   * URL the dashboard's logout button goes to, e.g. an oauth2-proxy's `/oauth2/sign_out` (`--logout-url`).
   * @default - no logout button
   */
  readonly logoutURL?: string;
  /**
   * The auth proxy that forwards each user's token to the dashboard. A NetworkPolicy admits ingress
   * to the dashboard's Pods from its Pods only: the dashboard's ServiceAccount has no privileges, so
   * a request without a user's token sees nothing, and no other Pod can reach the dashboard.
   */
  readonly authProxy: TektonDashboardAuthProxy;
  /**
   * Image reference with tag.
   * @default - the release's image at the version in lib/versions.ts
   */
  readonly image?: string;
}

const NAME = 'tekton-dashboard';
const PORT = 9097;
const PART_OF = { 'app.kubernetes.io/instance': 'default', 'app.kubernetes.io/part-of': NAME };
const COMPONENT = { 'app.kubernetes.io/component': 'dashboard', ...PART_OF };
const SELECTOR = { 'app.kubernetes.io/name': 'dashboard', ...COMPONENT };

/**
 * The Tekton Dashboard as its release manifests install it (tektoncd/dashboard `config/` built by
 * `scripts/installer build`; upstream ships no chart), with the seed's Tekton page's patch: the
 * container's `KUBERNETES_SERVICE_HOST`/`PORT` point at capsule-proxy and the ServiceAccount mount is
 * replaced by a projected token with the proxy's CA as `ca.crt`. An auth proxy (oauth2-proxy) in
 * front of its Service forwards each user's token, for a single dashboard shared by all tenants, as
 * the seed suggests; capsule-proxy then filters by that user.
 *
 * The dashboard's ServiceAccount gets none of the installer's bindings (upstream's "least
 * privileged" advice when a reverse proxy forwards the user's token: delete the bindings labelled
 * `rbac.dashboard.tekton.dev/subject`). Otherwise a request without a token would act as the
 * ServiceAccount, which capsule-proxy does not filter (it is no Capsule user): every tenant's
 * PipelineRuns and logs. The backend itself reads only the version ConfigMaps, which every
 * authenticated identity may read. The ClusterRoles stay, for binding to users. A NetworkPolicy
 * admits only the auth proxy's Pods.
 */
export class TektonDashboard extends Construct {
  public static readonly NAME = NAME;
  public static readonly PORT = PORT;
  public static readonly DEFAULT_PIPELINES_NAMESPACE = 'tekton-pipelines';

  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'dashboard', value: 'image', form: 'reference', chartDefault: `${CLIENT_VERSIONS.tektonDashboard.image}:${CLIENT_VERSIONS.tektonDashboard.tag}` },
  ];

  public static images(settings: { readonly image?: string } = {}): ImageSource[] {
    return imageSources(TektonDashboard.IMAGES, settings);
  }

  public readonly namespace: string;
  public readonly ca: ClientProxyCa;
  public readonly readOnly: boolean;

  constructor(scope: Construct, id: string, props: TektonDashboardProps) {
    super(scope, id);
    const { file, proxy } = props;
    this.namespace = props.namespace ?? proxy.namespace;
    this.readOnly = props.readOnly ?? true;
    this.ca = clientProxyCa('the Tekton Dashboard', proxy, this.namespace, props.caDistribution);
    const authProxyLabels = Object.entries(props.authProxy.podLabels);
    if (authProxyLabels.length === 0) throw new Error('the Tekton Dashboard needs authProxy.podLabels: at least one label of the auth proxy Pods (an empty selector would admit every Pod)');
    const pipelines = props.pipelinesNamespace ?? TektonDashboard.DEFAULT_PIPELINES_NAMESPACE;
    const triggers = props.triggersNamespace ?? pipelines;
    const version = CLIENT_VERSIONS.tektonDashboard.tag;
    const ns = this.namespace;
    const clusterRole = (name: string, rules: k8s.PolicyRule[]) => new k8s.KubeClusterRole(file, name, { metadata: { name, labels: COMPONENT }, rules });

    clusterRole('tekton-dashboard-backend-edit', [
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['dashboard.tekton.dev'], resources: ['extensions'], verbs: ['create', 'update', 'delete', 'patch'] },
    ]);
    clusterRole('tekton-dashboard-backend-view', [
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list'] },
      { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: ['use'] },
    ]);
    clusterRole('tekton-dashboard-tenant-view', [
      { apiGroups: ['dashboard.tekton.dev'], resources: ['extensions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events', 'namespaces', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
    ]);
    new k8s.KubeCustomResourceDefinition(file, 'extension-crd', {
      metadata: { name: 'extensions.dashboard.tekton.dev', labels: COMPONENT },
      spec: {
        group: 'dashboard.tekton.dev',
        scope: 'Namespaced',
        names: { kind: 'Extension', plural: 'extensions', categories: ['tekton', 'tekton-dashboard'], shortNames: ['ext', 'exts'] },
        preserveUnknownFields: false,
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            additionalPrinterColumns: [
              { name: 'API version', type: 'string', jsonPath: '.spec.apiVersion' },
              { name: 'Kind', type: 'string', jsonPath: '.spec.name' },
              { name: 'Display name', type: 'string', jsonPath: '.spec.displayName' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
            subresources: { status: {} },
            schema: { openApiv3Schema: { type: 'object', xKubernetesPreserveUnknownFields: true } },
          },
        ],
      },
    });

    new k8s.KubeServiceAccount(file, 'service-account', { metadata: { name: NAME, namespace: ns, labels: COMPONENT } });

    // The version ConfigMap, readable by every authenticated user (the Tekton CLI queries it).
    new k8s.KubeConfigMap(file, 'info', { metadata: { name: 'dashboard-info', namespace: ns, labels: PART_OF }, data: { version } });
    new k8s.KubeRole(file, 'info-role', {
      metadata: { name: 'tekton-dashboard-info', namespace: ns, labels: PART_OF },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['dashboard-info'], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(file, 'info-binding', {
      metadata: { name: 'tekton-dashboard-info', namespace: ns, labels: PART_OF },
      subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tekton-dashboard-info' },
    });

    const access = proxy.inClusterApiSpec('token-ca', this.ca.source);
    const releaseLabels = { ...SELECTOR, 'app.kubernetes.io/version': version, 'dashboard.tekton.dev/release': version, app: NAME, version };
    const podLabels = { ...SELECTOR, 'app.kubernetes.io/version': version, app: NAME };
    new k8s.KubeDeployment(file, 'deployment', {
      metadata: { name: NAME, namespace: ns, labels: releaseLabels },
      spec: {
        replicas: 1,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { name: NAME, labels: podLabels },
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'NotIn', values: ['windows'] }] }] },
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' } }],
              },
            },
            serviceAccountName: NAME,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: NAME,
                image: props.image ?? TektonDashboard.IMAGES[0].chartDefault,
                ports: [{ containerPort: PORT }],
                livenessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(PORT) } },
                readinessProbe: { httpGet: { path: '/readiness', port: k8s.IntOrString.fromNumber(PORT) } },
                // The installer's defaults (scripts/installer), but for the namespaces and the flavour.
                args: [
                  '--default-namespace=',
                  '--external-logs=',
                  '--log-format=json',
                  '--log-level=info',
                  `--logout-url=${props.logoutURL ?? ''}`,
                  '--namespaces=',
                  `--pipelines-namespace=${pipelines}`,
                  `--port=${PORT}`,
                  `--read-only=${this.readOnly}`,
                  '--stream-logs=true',
                  `--triggers-namespace=${triggers}`,
                ],
                env: [{ name: 'INSTALLED_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, ...access.env],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  runAsUser: 65532,
                  runAsGroup: 65532,
                  runAsNonRoot: true,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [access.volumeMount],
              },
            ],
            volumes: [access.volume],
          },
        },
      },
    });
    // Only the auth proxy reaches the dashboard (kubelet probes are not subject to NetworkPolicy).
    new k8s.KubeNetworkPolicy(file, 'network-policy', {
      metadata: { name: NAME, namespace: ns, labels: COMPONENT },
      spec: {
        podSelector: { matchLabels: SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.authProxy.namespace ?? ns } },
                podSelector: { matchLabels: Object.fromEntries(authProxyLabels) },
              },
            ],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(PORT) }],
          },
        ],
      },
    });
    new k8s.KubeService(file, 'service', {
      metadata: { name: NAME, namespace: ns, labels: releaseLabels },
      spec: { ports: [{ name: 'http', protocol: 'TCP', port: PORT, targetPort: k8s.IntOrString.fromNumber(PORT) }], selector: SELECTOR },
    });
  }
}
