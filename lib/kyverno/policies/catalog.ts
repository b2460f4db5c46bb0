import { Construct } from 'constructs';
import type { IGlobalConfig } from '../global-config';
import type { PolicyDefinition } from '../policy';
import { KyvernoCelPolicy } from '../render/cel-policy';
import { KyvernoClusterPolicy } from '../render/cluster-policy';
import * as fluxDefaults from './flux/flux-defaults';
import * as tenantCompare from './flux/tenant-compare';
import * as capsulePodLabels from './monitoring/capsule-pod-labels';
import * as tenantCore from './tenants/tenant-core';
import * as tenantPolicy from './tenants/tenant-policy';
import * as alwaysPullImages from './workloads/always-pull-images';
import * as blockDaemonsetCreate from './workloads/block-daemonset-create';
import * as blockEphemeralContainers from './workloads/block-ephemeral-containers';
import * as defaultEmptydirSizelimit from './workloads/default-emptydir-sizelimit';
import * as enforceNoHostUsers from './workloads/enforce-no-host-users';
import * as restrictControlplaneScheduling from './workloads/restrict-controlplane-scheduling';
import * as restrictImageRegistries from './workloads/restrict-image-registries';

/** What the platform provides to policies besides their options. */
export interface PolicyFacts {
  readonly globalConfig: IGlobalConfig;
}

/**
 * Every policy of the library, by name, in the order of seed 001. Each module under
 * `policies/<family>/` exports its `NAME`, its `Options` and `define()`; the families follow
 * kyverno/policies' folders: workloads (Pods), monitoring, flux, tenants (Capsule Tenants).
 *
 * Each rule group of the seed is its own policy, named after its rule: the seed names four
 * documents `tenant-workload-restrictions`, so applied as written only the last one survives, and
 * separate policies can be enabled and set to Audit or Enforce one by one.
 */
export const POLICY_CATALOG = {
  [enforceNoHostUsers.NAME]: (o: enforceNoHostUsers.Options) => enforceNoHostUsers.define(o),
  [blockDaemonsetCreate.NAME]: (o: blockDaemonsetCreate.Options) => blockDaemonsetCreate.define(o),
  [restrictControlplaneScheduling.NAME]: (o: restrictControlplaneScheduling.Options) => restrictControlplaneScheduling.define(o),
  [defaultEmptydirSizelimit.NAME]: (o: defaultEmptydirSizelimit.Options) => defaultEmptydirSizelimit.define(o),
  [blockEphemeralContainers.NAME]: (o: blockEphemeralContainers.Options) => blockEphemeralContainers.define(o),
  [restrictImageRegistries.NAME]: (o: restrictImageRegistries.Options) => restrictImageRegistries.define(o),
  [alwaysPullImages.NAME]: (o: alwaysPullImages.Options) => alwaysPullImages.define(o),
  [capsulePodLabels.NAME]: (o: capsulePodLabels.Options) => capsulePodLabels.define(o),
  [fluxDefaults.NAME]: (o: fluxDefaults.Options) => fluxDefaults.define(o),
  [tenantCompare.NAME]: (o: tenantCompare.Options, facts: PolicyFacts) => tenantCompare.define(o, facts.globalConfig),
  [tenantCore.NAME]: (o: tenantCore.Options) => tenantCore.define(o),
  [tenantPolicy.NAME]: (o: tenantPolicy.Options) => tenantPolicy.define(o),
} as const;

export type PolicyName = keyof typeof POLICY_CATALOG;
export type PolicyOptions<N extends PolicyName> = Parameters<(typeof POLICY_CATALOG)[N]>[0];

/** The enabled policies with their options; a policy that is not listed is not rendered. */
export type PolicySelection = { readonly [N in PolicyName]?: PolicyOptions<N> };

export const POLICY_NAMES = Object.keys(POLICY_CATALOG) as PolicyName[];

/** The definition of policy `name` with `options`. */
export function definePolicy<N extends PolicyName>(name: N, options: PolicyOptions<N>, facts: PolicyFacts): PolicyDefinition {
  const define = POLICY_CATALOG[name] as (options: PolicyOptions<N>, facts: PolicyFacts) => PolicyDefinition;
  return define(options, facts);
}

/**
 * The Kyverno API the policies are rendered as: `clusterpolicy` (kyverno.io/v1 ClusterPolicy) or
 * `cel` (policies.kyverno.io/v1 ValidatingPolicy and MutatingPolicy).
 */
export type PolicyApi = 'clusterpolicy' | 'cel';
export const POLICY_APIS: readonly PolicyApi[] = ['clusterpolicy', 'cel'];
/**
 * ClusterPolicy: Kyverno 1.19 (chart 3.9.0) enforces both, and it is what existing installations
 * run; ClusterPolicy is deprecated and due for removal in Kyverno 1.20, so switch to `cel` before
 * that upgrade.
 */
export const DEFAULT_POLICY_API: PolicyApi = 'clusterpolicy';

export interface KyvernoPoliciesProps {
  /** The policies to render and their options. */
  readonly policies: PolicySelection;
  readonly globalConfig: IGlobalConfig;
  /**
   * The Kyverno API the policies are rendered as.
   * @default DEFAULT_POLICY_API ('clusterpolicy')
   */
  readonly api?: PolicyApi;
}

/** The selected policies of the catalog, one file each (`<layer>/<policy>.yaml`), as ClusterPolicies or CEL policies. */
export class KyvernoPolicies extends Construct {
  public readonly policies: ReadonlyArray<KyvernoClusterPolicy | KyvernoCelPolicy>;

  constructor(scope: Construct, id: string, props: KyvernoPoliciesProps) {
    super(scope, id);
    const unknown = Object.keys(props.policies).filter((name) => !(name in POLICY_CATALOG));
    if (unknown.length) throw new Error(`unknown Kyverno policies: ${unknown.join(', ')}; known: ${POLICY_NAMES.join(', ')}`);
    const facts: PolicyFacts = { globalConfig: props.globalConfig };
    this.policies = POLICY_NAMES.filter((name) => props.policies[name] !== undefined).map(
      (name) => {
        const definition = definePolicy(name, props.policies[name]!, facts);
        return (props.api ?? DEFAULT_POLICY_API) === 'cel' ? new KyvernoCelPolicy(this, name, { definition }) : new KyvernoClusterPolicy(this, name, { definition });
      },
    );
  }
}
