import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Capsule } from '../capsule/capsule';
import { Tenant, TenantOwner } from '../capsule/tenant';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { Layer } from '../core/delivery/delivery';
import { FluxDelivery } from '../core/delivery/flux/flux-delivery';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import type { TenantDefinition } from './config/load';
import type { ClusterSettings, FluxSettings } from './config/platform-schema';

/** Namespace of Capsule, capsule-proxy and the Teleport agent (the agent must share the proxy's CA Secret). */
export const CAPSULE_NAMESPACE = 'capsule-system';

export interface ClusterPlatformProps {
  readonly settings: ClusterSettings;
  readonly flux?: FluxSettings;
  /** Tenants of this cluster. */
  readonly tenants: readonly TenantDefinition[];
}

/**
 * Everything one cluster runs, laid out in layers that Flux applies in order:
 *
 * - `infrastructure`: namespaces, Capsule, capsule-proxy, the Teleport agent (HelmReleases);
 * - `tenants`: the Tenants, applied once Capsule's CRDs and webhooks are ready.
 */
export class ClusterPlatform extends Construct {
  public readonly delivery: FluxDelivery;
  public readonly infrastructure: Layer;
  public readonly tenantsLayer: Layer;
  public readonly capsule: Capsule;
  public readonly capsuleProxy: CapsuleProxy;
  public readonly teleportAgent?: TeleportKubeAgent;
  public readonly tenants: readonly Tenant[];

  constructor(scope: Construct, props: ClusterPlatformProps) {
    const { settings } = props;
    super(scope, settings.name);
    const folder = (layer: string) => `${settings.name}/${layer}`;

    this.delivery = new FluxDelivery(this, 'delivery', { clusterFolder: settings.name, ...props.flux });
    this.infrastructure = new Layer(this, 'infrastructure', { delivery: this.delivery, folder: folder('infrastructure') });
    this.tenantsLayer = new Layer(this, 'tenants', { delivery: this.delivery, folder: folder('tenants'), dependsOn: [this.infrastructure] });

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

    const agent = settings.teleport?.agent;
    if (agent) {
      this.teleportAgent = new TeleportKubeAgent(this.infrastructure, 'teleport-agent', {
        namespace: CAPSULE_NAMESPACE,
        releaseName: agent.releaseName,
        proxyAddr: agent.proxyAddr,
        kubeClusterName: agent.kubeClusterName,
        labels: agent.labels,
        insecureSkipProxyTLSVerify: agent.insecureSkipProxyTLSVerify,
        join: agent.join,
        kubeApiProxy: this.capsuleProxy,
        values: agent.values,
      });
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
}
