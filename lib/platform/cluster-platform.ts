import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProxySetting } from '../../imports/capsule-proxysettings-capsule.clastix.io';
import { Capsule, CapsuleCertificates } from '../capsule/capsule';
import { Tenant, TenantOwner } from '../capsule/tenant';
import { TENANT_GITOPS_DEFAULTS, TenantGitOps } from '../capsule/tenant-gitops';
import { CAPSULE_NAMESPACE_FIELDS, TenantNamespaceApplier } from '../capsule/tenant-namespace-applier';
import { TenantResourcePool, TenantResourcePoolClaim } from '../capsule/resource-pool';
import { CapsuleProxy, CapsuleProxyCertificates } from '../capsule-proxy/capsule-proxy';
import type { CapsuleProxyExposure } from '../capsule-proxy/exposure';
import { KUBECONFIG_FOLDER, TenantKubeconfigs } from '../capsule-proxy/kubeconfig';
import type { ICertManager } from '../cert-manager/cert-manager';
import { addCertManager } from '../cert-manager/platform-certificates';
import { ProxyCa } from '../trust-manager/proxy-ca';
import { lazyProxyCaBundle } from '../trust-manager/proxy-ca-bundle';
import { TrustManager } from '../trust-manager/trust-manager';
import { TenantGlobalProxySettings, TenantProxySetting } from '../capsule-proxy/proxy-settings';
import { ArgoCdDelivery } from '../core/delivery/argocd/argocd-delivery';
import { IDelivery, Layer } from '../core/delivery/delivery';
import { EncryptedSecretFile, EncryptedSecrets } from '../core/delivery/encrypted-secrets';
import { setVersionProfile } from '../core/version-profile';
import { DEFAULT_VERSION_PROFILE } from '../versions';
import { FluxDelivery } from '../core/delivery/flux/flux-delivery';
import { KyvernoGlobalConfig } from '../kyverno/global-config';
import { Kyverno } from '../kyverno/kyverno';
import { DEFAULT_POLICY_API, KyvernoPolicies, PolicySelection } from '../kyverno/policies/catalog';
import { CEL_POLICY_READINESS } from '../kyverno/render/cel-policy';
import { CLUSTER_POLICY_READINESS } from '../kyverno/render/cluster-policy';
import type { KubernetesJoinTrust } from '../teleport/join-token';
import { KubeClusterRegistration } from '../teleport/kube-cluster';
import { TeleportKubeAgent } from '../teleport/kube-agent';
import { TeleportOperator } from '../teleport/operator';
import { TctlFolder } from '../teleport/tctl';
import { chartSourceSettings } from './config/charts-schema';
import type { KyvernoPolicySettings } from './config/kyverno-schema';
import type { TenantDefinition } from './config/load';
import { withIssuer } from './config/oidc-schema';
import { effectivePolicySettings, tenantDefaults } from './config/tenant-defaults-checks';
import { agentTokenName, teleportClusterName, teleportKubeClusterName } from './config/teleport-config';
import type { ClusterSettings, DeliverySettings } from './config/platform-schema';
import { ProxyClients, trustManagerDistribution } from './clients';
import { CAPSULE_NAMESPACE, platformNamespaces } from './namespaces';

/** The command that completes a cluster's `kube_cluster` resource with a kubeconfig (package.json). */
export const KUBE_CLUSTER_COMMAND = 'npm run teleport:kube-cluster --';

export interface ClusterPlatformProps {
  readonly settings: ClusterSettings;
  /**
   * How the output reaches the cluster: Flux or Argo CD.
   * @default - Flux with its defaults
   */
  readonly delivery?: DeliverySettings;
  /** Tenants of this cluster. */
  readonly tenants: readonly TenantDefinition[];
  /**
   * SOPS-encrypted Secrets of the configuration (`secrets/<cluster>/`), copied into the layer that reads them.
   * @default - none
   */
  readonly encryptedSecrets?: readonly EncryptedSecretFile[];
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
 * Everything one cluster runs, laid out in layers that the delivery tool (Flux or Argo CD) applies in order:
 *
 * - `cert-manager` (with `certManager.enabled`): cert-manager, first, and `issuers` (issuer type
 *   self-signed-ca): the platform CA, after it; `infrastructure` follows them (see `addCertManager`);
 * - `infrastructure`: namespaces, Capsule, capsule-proxy, Kyverno, trust-manager (HelmReleases);
 * - `trust` (with trust-manager, once a client outside the proxy's namespace needs the proxy's CA):
 *   the trust-manager Bundle that copies it there, after `infrastructure`;
 * - `policies` (with Kyverno): Kyverno's global configuration and the ClusterPolicies, applied once
 *   Kyverno and its CRDs are ready;
 * - `tenants`: the Tenants (and their GlobalProxySettings), once Capsule's CRDs and webhooks are
 *   ready, and with Kyverno once the policies are ready too;
 * - `tenant-namespaces`: the namespaces tenants create from Git (and their ProxySettings), applied
 *   as a Capsule user that owns those tenants, so that Capsule attaches the namespaces to them;
 * - `teleport-operator`: the Teleport operator in its own namespace. Its own layer, so that an
 *   operator waiting for its tctl bootstrap holds up nothing but the Teleport resources;
 * - `teleport`: Teleport roles and join tokens as custom resources, applied once the operator and its
 *   CRDs are ready. It does not wait for `tenants` nor for `infrastructure` (roles only name users
 *   and groups, and revoking access must not wait for a broken tenant to heal);
 * - `teleport-agent`: the Teleport agent, after `infrastructure` (capsule-proxy, and the namespace of
 *   its join Secret) and, when it joins with a token of this cluster's operator, after `teleport`.
 *   Nothing depends on it, so an agent that cannot join holds up nothing else;
 * - `clients` (with `clients`): the capsule-proxy clients (see `ProxyClients`).
 *
 * A SOPS-encrypted Secret of `secrets/<cluster>/` goes to the layer of the component that reads it
 * (the agent's join Secret, a client's Secret), so it is applied with its reader (see `EncryptedSecrets`).
 * `tctl/` holds Teleport resources that no layer applies (see `TctlFolder`), `kubeconfigs/` the
 * tenants' kubeconfig templates when capsule-proxy is exposed (see `TenantKubeconfigs`). A layer is only
 * created when it has something in it: Flux fails on a Kustomization whose folder does not exist.
 */
export class ClusterPlatform extends Construct {
  public readonly name: string;
  public readonly delivery: IDelivery;
  public readonly infrastructure: Layer;
  /** The Kyverno policies, when Kyverno is enabled. */
  public readonly policiesLayer?: Layer;
  public readonly tenantsLayer?: Layer;
  public readonly tenantNamespacesLayer?: Layer;
  /** Tenants' own repositories (`platform.gitops`), synced as the tenants. */
  public readonly tenantGitOpsLayer?: Layer;
  public readonly capsule: Capsule;
  public readonly capsuleProxy: CapsuleProxy;
  /** `<cluster>/kubeconfigs/`: a kubeconfig template per tenant, when capsule-proxy is exposed. Never applied. */
  public readonly kubeconfigs?: TenantKubeconfigs;
  /** cert-manager, installed by the platform or external (`certManager`). */
  public readonly certManager?: ICertManager;
  /** trust-manager (`trustManager.enabled`). */
  public readonly trustManager?: TrustManager;
  /** The proxy's CA for its clients, in their namespaces (a trust-manager Bundle outside the proxy's). */
  public readonly proxyCa: ProxyCa;
  public readonly teleportAgent?: TeleportKubeAgent;
  public readonly kyverno?: Kyverno;
  public readonly namespaceApplier?: TenantNamespaceApplier;
  public readonly teleportOperator?: TeleportOperator;
  /** The Teleport cluster this cluster is part of. */
  public readonly teleportClusterName?: string;
  public readonly teleportRegistration?: TeleportRegistration;
  /** The `kube_cluster` resource, for a cluster registered dynamically. */
  public readonly kubeClusterRegistration?: KubeClusterRegistration;
  /** How Teleport verifies this cluster's ServiceAccount tokens (kubernetes join method). */
  public readonly kubernetesJoinTrust?: KubernetesJoinTrust;
  public readonly tenants: readonly Tenant[];
  /** The layer of the Teleport agent, if this cluster runs it. */
  public readonly teleportAgentLayer?: Layer;
  /** The layer of the Teleport operator, if this cluster runs it. */
  public readonly teleportOperatorLayer?: Layer;
  /** The capsule-proxy clients (Headlamp, dashboards, Gangplank) and their layer, if any is enabled. */
  public readonly clients?: ProxyClients;
  private teleportLayerCache?: Layer;
  private readonly teleportLayerDependsOn: Layer[] = [];
  /** Annotations on Tenants and tenant namespaces that keep them when removed from Git (capsule.deletionProtection). */
  private readonly keepOnRemoval: Readonly<Record<string, string>>;
  private tctlCache?: TctlFolder;

  constructor(scope: Construct, props: ClusterPlatformProps) {
    const { settings } = props;
    super(scope, settings.name);
    this.name = settings.name;
    // Before any child: every component of the cluster reads its charts (and rules) from it.
    setVersionProfile(this, settings.versions ?? DEFAULT_VERSION_PROFILE);

    const argocd = props.delivery?.argocd;
    const chartSources = chartSourceSettings(settings.charts);
    this.delivery = argocd
      ? new ArgoCdDelivery(this, 'delivery', { clusterFolder: settings.name, ...argocd, chartSources })
      : new FluxDelivery(this, 'delivery', { clusterFolder: settings.name, ...props.delivery?.flux, chartSources });
    const certs = addCertManager(this, { delivery: this.delivery, folder: (name) => this.layerFolder(name), settings: settings.certManager });
    this.certManager = certs?.certManager;
    this.infrastructure = new Layer(this, 'infrastructure', { delivery: this.delivery, folder: this.layerFolder('infrastructure'), dependsOn: certs?.before });
    if (settings.kyverno) {
      this.policiesLayer = new Layer(this, 'policies', {
        delivery: this.delivery,
        folder: this.layerFolder('policies'),
        dependsOn: [this.infrastructure],
        readinessChecks: (settings.kyverno.api ?? DEFAULT_POLICY_API) === 'cel' ? CEL_POLICY_READINESS : [CLUSTER_POLICY_READINESS],
      });
    }

    new k8s.KubeNamespace(this.infrastructure.sharedFile('namespaces'), CAPSULE_NAMESPACE, { metadata: { name: CAPSULE_NAMESPACE } });

    this.capsule = new Capsule(this.infrastructure, 'capsule', {
      namespace: CAPSULE_NAMESPACE,
      forceTenantPrefix: settings.capsule?.forceTenantPrefix,
      certificates: settings.capsule?.certificates as CapsuleCertificates | undefined,
      certManager: this.certManager,
      userGroups: settings.capsule?.userGroups,
      values: settings.capsule?.values,
    });
    this.capsuleProxy = new CapsuleProxy(this.infrastructure, 'capsule-proxy', {
      capsule: this.capsule,
      releaseName: settings.capsuleProxy?.releaseName,
      certificates: settings.capsuleProxy?.certificates as CapsuleProxyCertificates | undefined,
      certManager: this.certManager,
      issuer: certs?.issuer,
      featureGates: settings.capsuleProxy?.featureGates,
      extraArgs: settings.capsuleProxy?.extraArgs,
      exposure: settings.capsuleProxy?.exposure as CapsuleProxyExposure | undefined,
      ignoredUserGroups: settings.capsuleProxy?.ignoredUserGroups,
      ignoredUsernames: settings.capsuleProxy?.ignoredUsernames,
      ignoredImpersonationGroups: settings.capsuleProxy?.ignoredImpersonationGroups,
      impersonationGroupRegexp: settings.capsuleProxy?.impersonationGroupRegexp,
      trustedProxyCidrs: settings.capsuleProxy?.trustedProxyCidrs,
      values: settings.capsuleProxy?.values,
    });
    const exposure = settings.capsuleProxy?.exposure;
    if (exposure && exposure.kubeconfigs !== false) {
      this.kubeconfigs = new TenantKubeconfigs(this, 'kubeconfigs', {
        folder: this.layerFolder(KUBECONFIG_FOLDER),
        clusterName: this.name,
        proxy: this.capsuleProxy,
        oidc: exposure.oidc && withIssuer(exposure.oidc, settings),
        deliveryTool: this.delivery.toolName,
      });
    }
    if (settings.trustManager?.enabled) {
      this.trustManager = new TrustManager(this.infrastructure, 'trust-manager', {
        certManager: checked(this.certManager, 'certManager'),
        // Bundles read their sources only there: the namespace of the CA they distribute.
        trustNamespace: this.capsuleProxy.namespace,
        values: settings.trustManager.values,
      });
    }
    const trustManager = this.trustManager;
    this.proxyCa = new ProxyCa({
      proxy: this.capsuleProxy,
      bundle: trustManager && lazyProxyCaBundle(this, { delivery: this.delivery, folder: this.layerFolder('trust'), trustManager, proxy: this.capsuleProxy }),
      enableTrustManager: `set trustManager.enabled: true on cluster ${settings.name} in platform.yaml`,
    });

    const teleport = settings.teleport;
    this.teleportClusterName = teleportClusterName(settings);
    const trust = teleport?.kubernetesJoin;
    this.kubernetesJoinTrust = trust && (trust.type === 'in_cluster' ? { type: 'in_cluster' } : { type: 'static_jwks', jwks: checked(trust.jwks, 'teleport.kubernetesJoin.jwks') });
    const operator = teleport?.operator;
    if (operator) {
      this.teleportOperatorLayer = new Layer(this, 'teleport-operator', { delivery: this.delivery, folder: this.layerFolder('teleport-operator') });
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
      // The agent has its own layer, which nothing depends on: an agent that cannot join (a missing
      // join Secret, Teleport unreachable) holds up nothing else. It follows infrastructure, where
      // capsule-proxy and the agent's namespace (where the user creates the join Secret) are. With the
      // kubernetes join method and this cluster's operator, it also follows the teleport layer, where
      // its join token is: installed earlier, it would wait on a join that cannot succeed yet.
      const afterToken = kubernetesJoin && this.teleportOperator !== undefined;
      this.teleportAgentLayer = new Layer(this, 'teleport-agent', {
        delivery: this.delivery,
        folder: this.layerFolder('teleport-agent'),
        dependsOn: afterToken ? [this.infrastructure, this.teleportLayer] : [this.infrastructure],
        readsSecretsFromGit: !kubernetesJoin,
      });
      this.teleportAgent = new TeleportKubeAgent(this.teleportAgentLayer, 'teleport-agent', {
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
        proxyCa: this.proxyCa,
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

    if (settings.kyverno && this.policiesLayer) {
      this.kyverno = new Kyverno(this.infrastructure, 'kyverno', { values: settings.kyverno.values });
      const globalConfig = new KyvernoGlobalConfig(this.policiesLayer, 'global-config', {
        kyverno: this.kyverno,
        publicNamespaces: settings.kyverno.globalConfig?.publicNamespaces,
      });
      const policies = policySelection(effectivePolicySettings(settings));
      // Tenants that sync their own repository with Flux create Flux objects in their namespaces:
      // the Flux policies of the catalog (unless configured otherwise) keep them to the tenant.
      if (this.delivery instanceof FluxDelivery && props.tenants.some((t) => t.platform.gitops)) {
        const configured = effectivePolicySettings(settings) ?? {};
        if (!('flux-defaults' in configured)) Object.assign(policies, { 'flux-defaults': { serviceAccountName: TENANT_GITOPS_DEFAULTS.serviceAccountName } });
        if (!('tenant-compare' in configured)) Object.assign(policies, { 'tenant-compare': {} });
      }
      new KyvernoPolicies(this.policiesLayer, 'policies', { globalConfig, policies, api: settings.kyverno.api });
    }

    const tenants = props.tenants;
    if (tenants.length) {
      // With Kyverno, Tenants wait for the policies: tenant-core and tenant-policy mutate and validate
      // Tenants when they are created (a Tenant applied earlier would miss its defaults until its next
      // update), and the workload policies must be in force before a tenant namespace can hold a Pod,
      // which needs its Tenant first. The policies layer is ready once every policy is in Kyverno's
      // webhook configuration: ClusterPolicies report Ready (CLUSTER_POLICY_READINESS), the CEL
      // kinds status.conditionStatus.ready (CEL_POLICY_READINESS).
      this.tenantsLayer = new Layer(this, 'tenants', {
        delivery: this.delivery,
        folder: this.layerFolder('tenants'),
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
        folder: this.layerFolder('tenant-namespaces'),
        dependsOn: [this.tenantsLayer],
        serviceAccountName: this.namespaceApplier.serviceAccountName,
        controllerOwnedFields: CAPSULE_NAMESPACE_FIELDS,
      });
    }

    if (this.tenantNamespacesLayer && tenants.some((t) => t.platform.gitops)) {
      // After the namespaces the sync objects live in, and (through tenants) after the policies.
      this.tenantGitOpsLayer = new Layer(this, 'tenant-gitops', { delivery: this.delivery, folder: this.layerFolder('tenant-gitops'), dependsOn: [this.tenantNamespacesLayer] });
    }

    const reservedNamespaces = platformNamespaces(settings, props.delivery);
    // Removing a Tenant from Git would make Capsule delete all of its namespaces, and removing a
    // namespace deletes its workloads and volumes: by default the delivery leaves them in place.
    this.keepOnRemoval = settings.capsule?.deletionProtection === false ? {} : this.delivery.keepOnRemovalAnnotations;
    const defaults = tenantDefaults(settings);
    this.tenants = tenants.map((definition) => {
      const { owners, ...spec } = definition.spec;
      const tenant = new Tenant(this.tenantsLayer!.addFile(this.tenantsLayer!, definition.name, definition.name), 'tenant', {
        name: definition.name,
        capsule: this.capsule,
        capsuleProxy: this.capsuleProxy,
        // Optional since Capsule 0.12 (the CRD of each profile decides; the loader checked it).
        owners: (owners ?? []) as TenantOwner[],
        userGroup: definition.platform.userGroup,
        spec,
        metadata: withAnnotations(definition.metadata, this.keepOnRemoval),
        reservedNamespaces,
        defaults,
        optOut: definition.platform.tenantDefaults,
      });
      // Deleting the replication deletes its copies: it stays as long as the Tenant does.
      tenant.defaultsReplication?.addAnnotations(this.keepOnRemoval);
      if (definition.platform.resourcePool) {
        new TenantResourcePool(tenant.node.scope!, 'resource-pool', { tenant: definition.name, spec: definition.platform.resourcePool });
      }
      const global = definition.platform.globalProxySettings;
      if (global) new TenantGlobalProxySettings(tenant.node.scope!, 'global-proxy-settings', { proxy: this.capsuleProxy, name: definition.name, rules: global.rules });
      this.addTenantNamespaces(tenant, definition);
      this.kubeconfigs?.addTenant(definition.name, definition.namespaces.map((ns) => ns.name));
      const gitops = definition.platform.gitops;
      if (gitops) {
        new TenantGitOps(this.tenantGitOpsLayer!, definition.name, {
          capsule: this.capsule,
          tenant,
          namespaces: definition.namespaces.map((ns) => ns.name),
          url: gitops.url,
          branch: gitops.branch,
          path: gitops.path,
          secretName: gitops.secretRef?.name,
        });
      }
      return tenant;
    });

    if (ProxyClients.enabled(settings.clients)) {
      this.clients = new ProxyClients(this, 'proxy-clients', {
        delivery: this.delivery,
        folder: this.layerFolder('clients'),
        infrastructure: this.infrastructure,
        proxy: this.capsuleProxy,
        clusterName: this.name,
        settings: settings.clients,
        oidc: settings.oidc,
        caDistribution: this.trustManager && trustManagerDistribution(this.proxyCa),
      });
    }
    // Each encrypted Secret goes to the layer of the component that reads it (applied with it).
    const joinSecret = this.teleportAgent?.joinSecret;
    new EncryptedSecrets(this, 'encrypted-secrets', {
      files: props.encryptedSecrets ?? [],
      readers: [
        ...(joinSecret ? [{ ...joinSecret, reader: 'the Teleport agent (teleport.agent.join.secretName)', layer: this.teleportAgentLayer! }] : []),
        ...(this.clients?.secretReaders ?? []),
      ],
    });
  }

  /** The tenant's namespaces (and ProxySetting, which must live in one) in its own file. */
  private addTenantNamespaces(tenant: Tenant, definition: TenantDefinition): void {
    if (!definition.namespaces.length) return;
    const layer = this.tenantNamespacesLayer!;
    const applier = this.namespaceApplier!;
    const file = layer.addFile(layer, definition.name, definition.name);
    applier.adopt(tenant);
    for (const namespace of definition.namespaces) tenant.addNamespace(file, withAnnotations(namespace, this.keepOnRemoval)!);

    const claims = definition.platform.resourcePoolClaims ?? [];
    if (claims.length) applier.allow({ apiGroups: ['capsule.clastix.io'], resources: ['resourcepoolclaims'] });
    for (const c of claims) {
      const pool = c.pool ?? definition.name;
      const name = c.name ?? pool;
      new TenantResourcePoolClaim(file, `claim-${c.namespace}-${name}`, { name, namespace: c.namespace, pool, claim: c.claim });
    }

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

  /** The `teleport` layer: Teleport custom resources, applied after the operator is ready. Created on first use. */
  public get teleportLayer(): Layer {
    if (!this.teleportOperator) throw new Error(`cluster ${this.name} runs no Teleport operator, so it has no teleport layer`);
    this.teleportLayerCache ??= new Layer(this, 'teleport', { delivery: this.delivery, folder: this.layerFolder('teleport'), dependsOn: [...this.teleportLayerDependsOn] });
    return this.teleportLayerCache;
  }

  /** `<cluster>/tctl/`: Teleport resources that a Teleport admin applies with tctl. Created on first use. */
  public get tctl(): TctlFolder {
    this.tctlCache ??= new TctlFolder(this, 'tctl', { folder: this.layerFolder('tctl'), title: `cluster ${this.name}`, deliveryTool: this.delivery.toolName });
    return this.tctlCache;
  }

  /** Output folder of this cluster's layer (or other folder) `name`. */
  public layerFolder(name: string): string {
    return `${this.name}/${name}`;
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

/** `target` with `annotations` added to its annotations; its own annotations win. */
function withAnnotations<T extends { readonly annotations?: Readonly<Record<string, string>> }>(target: T | undefined, annotations: Readonly<Record<string, string>>): T | undefined {
  if (!Object.keys(annotations).length) return target;
  return { ...(target ?? ({} as T)), annotations: { ...annotations, ...target?.annotations } };
}

/** `value`, which the configuration loader has checked is there. */
function checked<T>(value: T | undefined, setting: string): T {
  if (value === undefined) throw new Error(`${setting} is required here (the configuration loader checks it)`);
  return value;
}
