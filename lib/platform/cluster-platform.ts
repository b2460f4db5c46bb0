import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Capsule } from '../capsule/capsule';
import { Tenant, TenantOwner } from '../capsule/tenant';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { Layer } from '../core/delivery/delivery';
import { FluxDelivery } from '../core/delivery/flux/flux-delivery';
import type { KubernetesJoinTrust } from '../teleport/join-token';
import { KubeClusterRegistration } from '../teleport/kube-cluster';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import { TeleportOperator } from '../teleport/operator';
import { TctlFolder } from '../teleport/tctl';
import type { TenantDefinition } from './config/load';
import { agentTokenName, teleportClusterName, teleportKubeClusterName } from './config/teleport-config';
import type { ClusterSettings, FluxSettings } from './config/platform-schema';

/** Namespace of Capsule, capsule-proxy and the Teleport agent (the agent must share the proxy's CA Secret). */
export const CAPSULE_NAMESPACE = 'capsule-system';

/** The command that completes a cluster's `kube_cluster` resource with a kubeconfig (package.json). */
export const KUBE_CLUSTER_COMMAND = 'npm run teleport:kube-cluster --';

export interface ClusterPlatformProps {
  readonly settings: ClusterSettings;
  readonly flux?: FluxSettings;
  /** Tenants of this cluster. */
  readonly tenants: readonly TenantDefinition[];
}

/** How a cluster is registered with Teleport. */
export interface TeleportRegistration {
  /** Name of the Kubernetes cluster in Teleport. */
  readonly name: string;
  /** Its Teleport labels, which roles select with `kubernetes_labels`. */
  readonly labels: Readonly<Record<string, string>>;
  /** By its teleport-kube-agent, or dynamically (a `kube_cluster` resource). */
  readonly via: 'teleport-kube-agent' | 'kube_cluster';
}

/**
 * Everything one cluster runs, laid out in layers that Flux applies in order:
 *
 * - `infrastructure`: namespaces, Capsule, capsule-proxy, the Teleport agent (HelmReleases);
 * - `tenants`: the Tenants, applied once Capsule's CRDs and webhooks are ready;
 * - `teleport-operator`: the Teleport operator in its own namespace. Its own layer, so that an
 *   operator waiting for its tctl bootstrap holds up nothing but the Teleport resources;
 * - `teleport`: Teleport roles and join tokens as custom resources, applied once the operator and its
 *   CRDs are ready. It does not wait for `tenants` (roles only name users and groups, and revoking
 *   access must not wait for a broken tenant to heal) nor for `infrastructure`, unless the agent is
 *   installed here, after its join token.
 *
 * `tctl/` holds Teleport resources that no layer applies (see `TctlFolder`).
 */
export class ClusterPlatform extends Construct {
  public readonly name: string;
  public readonly delivery: FluxDelivery;
  public readonly infrastructure: Layer;
  public readonly tenantsLayer: Layer;
  public readonly capsule: Capsule;
  public readonly capsuleProxy: CapsuleProxy;
  public readonly teleportAgent?: TeleportKubeAgent;
  public readonly teleportOperator?: TeleportOperator;
  /** The Teleport cluster this cluster is part of. */
  public readonly teleportClusterName?: string;
  public readonly teleportRegistration?: TeleportRegistration;
  /** The `kube_cluster` resource, for a cluster registered dynamically. */
  public readonly kubeClusterRegistration?: KubeClusterRegistration;
  /** How Teleport verifies this cluster's ServiceAccount tokens (kubernetes join method). */
  public readonly kubernetesJoinTrust?: KubernetesJoinTrust;
  public readonly tenants: readonly Tenant[];
  /** The layer of the Teleport operator, if this cluster runs it. */
  public readonly teleportOperatorLayer?: Layer;
  private teleportLayerCache?: Layer;
  private readonly teleportLayerDependsOn: Layer[] = [];
  private tctlCache?: TctlFolder;

  constructor(scope: Construct, props: ClusterPlatformProps) {
    const { settings } = props;
    super(scope, settings.name);
    this.name = settings.name;

    this.delivery = new FluxDelivery(this, 'delivery', { clusterFolder: settings.name, ...props.flux });
    this.infrastructure = new Layer(this, 'infrastructure', { delivery: this.delivery, folder: this.folder('infrastructure') });
    this.tenantsLayer = new Layer(this, 'tenants', { delivery: this.delivery, folder: this.folder('tenants'), dependsOn: [this.infrastructure] });

    new k8s.KubeNamespace(this.infrastructure.sharedFile('namespaces'), CAPSULE_NAMESPACE, { metadata: { name: CAPSULE_NAMESPACE } });

    this.capsule = new Capsule(this.infrastructure, 'capsule', {
      namespace: CAPSULE_NAMESPACE,
      forceTenantPrefix: settings.capsule?.forceTenantPrefix,
      userGroups: settings.capsule?.userGroups,
      values: settings.capsule?.values,
    });
    this.capsuleProxy = new CapsuleProxy(this.infrastructure, 'capsule-proxy', {
      capsule: this.capsule,
      releaseName: settings.capsuleProxy?.releaseName,
      certificates: settings.capsuleProxy?.certificates as CapsuleProxyCertificates | undefined,
      values: settings.capsuleProxy?.values,
    });

    const teleport = settings.teleport;
    this.teleportClusterName = teleportClusterName(settings);
    const trust = teleport?.kubernetesJoin;
    this.kubernetesJoinTrust = trust && (trust.type === 'in_cluster' ? { type: 'in_cluster' } : { type: 'static_jwks', jwks: checked(trust.jwks, 'teleport.kubernetesJoin.jwks') });
    const operator = teleport?.operator;
    if (operator) {
      this.teleportOperatorLayer = new Layer(this, 'teleport-operator', { delivery: this.delivery, folder: this.folder('teleport-operator') });
      this.teleportLayerDependsOn.push(this.teleportOperatorLayer);
      this.teleportOperator = new TeleportOperator(this.teleportOperatorLayer, 'teleport-operator', {
        namespace: operator.namespace,
        releaseName: operator.releaseName,
        teleportAddress: checked(operator.teleportAddress ?? teleport.agent?.proxyAddr, 'teleport.operator.teleportAddress'),
        teleportClusterName: checked(this.teleportClusterName, 'teleport.clusterName'),
        trust: checked(this.kubernetesJoinTrust, 'teleport.kubernetesJoin'),
        botName: operator.botName,
        tctl: this.tctl,
        values: operator.values,
      });
    }

    const agent = teleport?.agent;
    if (agent) {
      const kubernetesJoin = agent.join?.method === 'kubernetes';
      // Its join token is a custom resource of this cluster's teleport layer when this cluster runs the
      // operator: installed before, it would wait on a join that cannot succeed yet and hold up the
      // infrastructure layer. (It still needs capsule-proxy: that layer then waits for infrastructure.)
      const inTeleportLayer = kubernetesJoin && this.teleportOperator !== undefined;
      if (inTeleportLayer) this.teleportLayerDependsOn.push(this.infrastructure);
      const layer = inTeleportLayer ? this.teleportLayer : this.infrastructure;
      this.teleportAgent = new TeleportKubeAgent(layer, 'teleport-agent', {
        namespace: CAPSULE_NAMESPACE,
        releaseName: agent.releaseName,
        proxyAddr: agent.proxyAddr,
        kubeClusterName: agent.kubeClusterName,
        labels: agent.labels,
        insecureSkipProxyTLSVerify: agent.insecureSkipProxyTLSVerify,
        join: kubernetesJoin
          ? { method: 'kubernetes', tokenName: agentTokenName(settings), teleportClusterName: checked(this.teleportClusterName, 'teleport.clusterName') }
          : { method: 'token', secretName: agent.join?.secretName },
        kubeApiProxy: this.capsuleProxy,
        values: agent.values,
      });
      this.teleportRegistration = { name: agent.kubeClusterName, labels: this.teleportAgent.labels, via: 'teleport-kube-agent' };
    }
    if (teleport?.kubeCluster) {
      const registration = new KubeClusterRegistration(this, 'kube-cluster', {
        name: checked(teleportKubeClusterName(settings), 'teleport.kubeCluster.name'),
        labels: teleport.kubeCluster.labels ?? {},
        tctl: this.tctl,
        completeCommand: `${KUBE_CLUSTER_COMMAND} ${this.name}`,
      });
      this.kubeClusterRegistration = registration;
      this.teleportRegistration = { name: registration.name, labels: registration.labels, via: 'kube_cluster' };
    }

    this.tenants = props.tenants.map((definition) => {
      const { owners, ...spec } = definition.spec;
      const file = this.tenantsLayer.addFile(this.tenantsLayer, definition.name, definition.name);
      return new Tenant(file, 'tenant', {
        name: definition.name,
        capsule: this.capsule,
        owners: owners as TenantOwner[],
        userGroup: definition.platform.userGroup,
        spec,
      });
    });
  }

  /** The `teleport` layer: Teleport custom resources, applied after the operator is ready. Created on first use. */
  public get teleportLayer(): Layer {
    if (!this.teleportOperator) throw new Error(`cluster ${this.name} runs no Teleport operator, so it has no teleport layer`);
    this.teleportLayerCache ??= new Layer(this, 'teleport', { delivery: this.delivery, folder: this.folder('teleport'), dependsOn: [...this.teleportLayerDependsOn] });
    return this.teleportLayerCache;
  }

  /** `<cluster>/tctl/`: Teleport resources that a Teleport admin applies with tctl. Created on first use. */
  public get tctl(): TctlFolder {
    this.tctlCache ??= new TctlFolder(this, 'tctl', { folder: this.folder('tctl'), title: `cluster ${this.name}` });
    return this.tctlCache;
  }

  private folder(name: string): string {
    return `${this.name}/${name}`;
  }
}

/** `value`, which the configuration loader has checked is there. */
function checked<T>(value: T | undefined, setting: string): T {
  if (value === undefined) throw new Error(`${setting} is required here (the configuration loader checks it)`);
  return value;
}
