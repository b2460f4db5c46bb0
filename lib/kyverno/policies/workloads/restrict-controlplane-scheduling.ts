import { celString, FailureAction, PolicyDefinition, POD, POD_SPEC, tenantNamespaces } from '../../policy';

export const NAME = 'restrict-controlplane-scheduling';

/** The taints of control plane nodes: the current key, and the one before Kubernetes 1.24. */
export const CONTROL_PLANE_TAINTS = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'] as const;

export interface Options {
  /** @default 'Enforce' */
  readonly failureAction?: FailureAction;
}

export const DEFAULTS = { failureAction: 'Enforce' } as const satisfies Options;

/** Tenant Pods may not tolerate the control plane taints (seed 001, "Disallow Scheduling on Control Planes"). */
export function define(options: Options = {}): PolicyDefinition {
  const rule = (taint: string, suffix: string) => ({
    type: 'validate' as const,
    name: `restrict-controlplane-scheduling-${suffix}`,
    match: { kinds: [POD], namespaceSelector: tenantNamespaces() },
    message: 'Pods may not use tolerations which schedule on control plane nodes.',
    // A toleration without a key (operator: Exists) tolerates every taint; it fails the pattern too.
    pattern: { spec: { '=(tolerations)': [{ key: `!${taint}` }] } },
    cel: { validations: [{ expression: `${POD_SPEC}.?tolerations.orValue([]).all(t, has(t.key) && t.key != ${celString(taint)})` }] },
  });
  return {
    name: NAME,
    title: 'Restrict Control Plane Scheduling',
    category: 'Multi-Tenancy',
    severity: 'medium',
    subject: 'Pod',
    description:
      'Pods in tenant namespaces may not tolerate the taints of control plane nodes ' +
      `(${CONTROL_PLANE_TAINTS.join(', ')}), so tenant workloads never run next to the API server and etcd.`,
    minVersion: '1.6.0',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    background: true,
    autogen: true,
    // One rule per taint, named as in the seed (and upstream other/restrict-controlplane-scheduling).
    rules: [rule(CONTROL_PLANE_TAINTS[0], 'master'), rule(CONTROL_PLANE_TAINTS[1], 'control-plane')],
  };
}
