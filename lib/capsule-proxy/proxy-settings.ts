import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GlobalProxySettings } from '../../imports/capsule-globalproxysettings-capsule.clastix.io';
import { ProxySetting } from '../../imports/capsule-proxysettings-capsule.clastix.io';
import { fieldPath } from '../core/errors';
import { throwIfProblems } from '../core/validation/explain';
import type { CapsuleProxy } from './capsule-proxy';
import { checkClusterResources, PROXY_CLUSTER_SCOPED, proxySettingsUse } from './proxy-rules';

/*
 * Both kinds are rendered as given (Capsule's own format, validated by the strict CRD schema), like
 * the Tenant spec: their generated props expect TypeScript-shaped values.
 */

export interface TenantProxySettingProps {
  /** The capsule-proxy that reads the setting (and gets the feature gates it needs). */
  readonly proxy: CapsuleProxy;
  /** Object name. */
  readonly name: string;
  /** A namespace of the tenant: capsule-proxy ignores ProxySettings outside tenant namespaces. */
  readonly namespace: string;
  /** `spec.subjects` of the ProxySetting (`capsule.clastix.io/v1beta1`). */
  readonly subjects: readonly unknown[];
}

/** What a tenant's users may list through capsule-proxy, as a namespaced ProxySetting. */
export class TenantProxySetting extends Construct {
  constructor(scope: Construct, id: string, props: TenantProxySettingProps) {
    super(scope, id);
    const where = `ProxySetting ${props.namespace}/${props.name}`;
    checkEach(where, props.subjects, 'subjects');
    const use = proxySettingsUse({ spec: {}, proxySetting: { subjects: [...props.subjects] } });
    if (use.clusterScoped.length) props.proxy.requireFeatureGate(PROXY_CLUSTER_SCOPED, `${where} (clusterResources)`);
    for (const path of use.legacy) props.proxy.addLegacyProxySettingsUser(`${where}: ${fieldPath(path.slice(2))}`);

    new ApiObject(this, 'Resource', {
      ...ProxySetting.GVK,
      metadata: { name: props.name, namespace: props.namespace },
      spec: { subjects: props.subjects },
    });
  }
}

export interface TenantGlobalProxySettingsProps {
  /** The capsule-proxy that reads the settings; it gets the ProxyClusterScoped gate they need. */
  readonly proxy: CapsuleProxy;
  /** Object name (cluster-scoped). */
  readonly name: string;
  /** `spec.rules` of the GlobalProxySettings (`capsule.clastix.io/v1beta1`). */
  readonly rules: readonly unknown[];
}

/**
 * Cluster-wide proxy rules. capsule-proxy 0.9.12 only reads GlobalProxySettings with the
 * ProxyClusterScoped feature gate, which this construct switches on.
 */
export class TenantGlobalProxySettings extends Construct {
  constructor(scope: Construct, id: string, props: TenantGlobalProxySettingsProps) {
    super(scope, id);
    const where = `GlobalProxySettings ${props.name}`;
    checkEach(where, props.rules, 'rules');
    props.proxy.requireFeatureGate(PROXY_CLUSTER_SCOPED, where);

    new ApiObject(this, 'Resource', {
      ...GlobalProxySettings.GVK,
      metadata: { name: props.name },
      spec: { rules: props.rules },
    });
  }
}

/** Checks the `clusterResources` of every item of `list` (subjects or rules). */
function checkEach(where: string, list: readonly unknown[], field: string): void {
  throwIfProblems(
    where,
    list.flatMap((item, i) => checkClusterResources((item as { clusterResources?: unknown })?.clusterResources, [field, String(i), 'clusterResources'])),
  );
}
