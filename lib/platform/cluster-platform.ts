import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProxySetting } from '../../imports/capsule-proxysettings-capsule.clastix.io';
import { Capsule } from '../capsule/capsule';
import { Tenant, TenantOwner } from '../capsule/tenant';
import { TenantNamespaceApplier } from '../capsule/tenant-namespace-applier';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import { TenantGlobalProxySettings, TenantProxySetting } from '../capsule-proxy/proxy-settings';
import { Layer } from '../core/delivery/delivery';
import { FluxDelivery } from '../core/delivery/flux/flux-delivery';
import { KyvernoGlobalConfig } from '../kyverno/global-config';
import { Kyverno } from '../kyverno/kyverno';
import { KyvernoPolicies, PolicySelection } from '../kyverno/policies/catalog';
import { CLUSTER_POLICY_READINESS } from '../kyverno/render/cluster-policy';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import type { KyvernoPolicySettings } from './config/kyverno-schema';
import type { TenantDefinition } from './config/load';
import type { ClusterSettings, FluxSettings } from './config/platform-schema';
import { CAPSULE_NAMESPACE, platformNamespaces } from './namespaces';

export interface ClusterPlatformProps {
  readonly settings: ClusterSettings;
  readonly flux?: FluxSettings;
  /** Tenants of this cluster. */
  readonly tenants: readonly TenantDefinition[];
}

/**
 * Everything one cluster runs, laid out in layers that Flux applies in order:
 *
 * - `infrastructure`: namespaces, Capsule, capsule-proxy, the Teleport agent, Kyverno (HelmReleases);
 * - `policies` (with Kyverno): Kyverno's global configuration and the ClusterPolicies, applied once
 *   Kyverno and its CRDs are ready;
 * - `tenants`: the Tenants (and their GlobalProxySettings), once Capsule's CRDs and webhooks are
 *   ready, and with Kyverno once the policies are ready too;
 * - `tenant-namespaces`: the namespaces tenants create from Git (and their ProxySettings), applied
 *   as a Capsule user that owns those tenants, so that Capsule attaches the namespaces to them.
 *
 * A layer is only created when it has something in it: Flux fails on a Kustomization whose folder
 * does not exist.
 */
export class ClusterPlatform extends Construct {
  public readonly delivery: FluxDelivery;
  public readonly infrastructure: Layer;
  /** The Kyverno policies, when Kyverno is enabled. */
  public readonly policiesLayer?: Layer;
  public readonly tenantsLayer?: Layer;
  public readonly tenantNamespacesLayer?: Layer;
  public readonly capsule: Capsule;
  public readonly capsuleProxy: CapsuleProxy;
  public readonly teleportAgent?: TeleportKubeAgent;
  public readonly kyverno?: Kyverno;
  public readonly namespaceApplier?: TenantNamespaceApplier;
  public readonly tenants: readonly Tenant[];

  constructor(scope: Construct, props: ClusterPlatformProps) {
    const { settings } = props;
    super(scope, settings.name);
    const folder = (layer: string) => `${settings.name}/${layer}`;

    this.delivery = new FluxDelivery(this, 'delivery', { clusterFolder: settings.name, ...props.flux });
    this.infrastructure = new Layer(this, 'infrastructure', { delivery: this.delivery, folder: folder('infrastructure') });
    if (settings.kyverno) {
      this.policiesLayer = new Layer(this, 'policies', {
        delivery: this.delivery,
        folder: folder('policies'),
        dependsOn: [this.infrastructure],
        readinessChecks: [CLUSTER_POLICY_READINESS],
      });
    }

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
      featureGates: settings.capsuleProxy?.featureGates,
      extraArgs: settings.capsuleProxy?.extraArgs,
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

    if (settings.kyverno && this.policiesLayer) {
      this.kyverno = new Kyverno(this.infrastructure, 'kyverno', { values: settings.kyverno.values });
      const globalConfig = new KyvernoGlobalConfig(this.policiesLayer, 'global-config', {
        kyverno: this.kyverno,
        publicNamespaces: settings.kyverno.globalConfig?.publicNamespaces,
      });
      new KyvernoPolicies(this.policiesLayer, 'policies', { globalConfig, policies: policySelection(settings.kyverno.policies) });
    }

    const tenants = props.tenants;
    if (tenants.length) {
      // With Kyverno, Tenants wait for the policies: tenant-core and tenant-policy mutate and validate
      // Tenants when they are created (a Tenant applied earlier would miss its defaults until its next
      // update), and the workload policies must be in force before a tenant namespace can hold a Pod,
      // which needs its Tenant first. The policies layer is ready once every ClusterPolicy reports
      // Ready, i.e. is in Kyverno's webhook configuration (CLUSTER_POLICY_READINESS).
      this.tenantsLayer = new Layer(this, 'tenants', {
        delivery: this.delivery,
        folder: folder('tenants'),
        dependsOn: this.policiesLayer ? [this.infrastructure, this.policiesLayer] : [this.infrastructure],
      });
    }
    const needsNamespaces = tenants.some((t) => t.namespaces.length);
    if (this.tenantsLayer && needsNamespaces) {
      this.namespaceApplier = new TenantNamespaceApplier(this.infrastructure.addFile(this.infrastructure, 'applier', 'capsule-namespace-applier'), 'applier', {
        capsule: this.capsule,
        namespace: this.delivery.namespace,
      });
      this.tenantNamespacesLayer = new Layer(this, 'tenant-namespaces', {
        delivery: this.delivery,
        folder: folder('tenant-namespaces'),
        dependsOn: [this.tenantsLayer],
        serviceAccountName: this.namespaceApplier.serviceAccountName,
      });
    }

    const reservedNamespaces = platformNamespaces(settings, props.flux);
    this.tenants = tenants.map((definition) => {
      const { owners, ...spec } = definition.spec;
      const tenant = new Tenant(this.tenantsLayer!.addFile(this.tenantsLayer!, definition.name, definition.name), 'tenant', {
        name: definition.name,
        capsule: this.capsule,
        capsuleProxy: this.capsuleProxy,
        owners: owners as TenantOwner[],
        userGroup: definition.platform.userGroup,
        spec,
        metadata: definition.metadata,
        reservedNamespaces,
      });
      const global = definition.platform.globalProxySettings;
      if (global) new TenantGlobalProxySettings(tenant.node.scope!, 'global-proxy-settings', { proxy: this.capsuleProxy, name: definition.name, rules: global.rules });
      this.addTenantNamespaces(tenant, definition);
      return tenant;
    });
  }

  /** The tenant's namespaces (and ProxySetting, which must live in one) in its own file. */
  private addTenantNamespaces(tenant: Tenant, definition: TenantDefinition): void {
    if (!definition.namespaces.length) return;
    const layer = this.tenantNamespacesLayer!;
    const applier = this.namespaceApplier!;
    const file = layer.addFile(layer, definition.name, definition.name);
    applier.adopt(tenant);
    for (const namespace of definition.namespaces) tenant.addNamespace(file, namespace);

    const proxySetting = definition.platform.proxySettings;
    if (proxySetting) {
      applier.allow({ apiGroups: [ProxySetting.GVK.apiVersion.split('/')[0]], resources: ['proxysettings'] });
      new TenantProxySetting(file, 'proxy-setting', {
        proxy: this.capsuleProxy,
        name: definition.name,
        namespace: proxySetting.namespace ?? definition.namespaces[0].name,
        subjects: proxySetting.subjects,
      });
    }
  }
}

/** The enabled policies of the configuration, with their options. */
export function policySelection(settings: KyvernoPolicySettings | undefined): PolicySelection {
  const selection: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(settings ?? {})) {
    if (!entry) continue;
    const { enabled = true, ...options } = entry;
    if (enabled) selection[name] = options;
  }
  // The settings of each policy are its options (checked at compile time in kyverno-schema.ts).
  return selection as PolicySelection;
}
