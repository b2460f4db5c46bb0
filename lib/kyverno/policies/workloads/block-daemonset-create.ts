import { DAEMONSET, FailureAction, PolicyDefinition, tenantNamespaces } from '../../policy';

export const NAME = 'block-daemonset-create';

export interface Options {
  /** @default 'Enforce' */
  readonly failureAction?: FailureAction;
}

export const DEFAULTS = { failureAction: 'Enforce' } as const satisfies Options;

/** Tenants may not create DaemonSets (seed 001, "Disallow Daemonsets"). */
export function define(options: Options = {}): PolicyDefinition {
  return {
    name: NAME,
    title: 'Block DaemonSet Creation',
    category: 'Multi-Tenancy',
    severity: 'medium',
    subject: 'DaemonSet',
    description:
      'Rejects new DaemonSets in tenant namespaces: a DaemonSet runs a Pod on every node, including nodes that serve ' +
      'other tenants. Tenants with dedicated nodes are the exception; exclude them with a PolicyException.',
    // The two APIs have their own PolicyException kinds: one written for the ClusterPolicy (rule
    // names, kyverno.io/v2) does not reach the ValidatingPolicy.
    celNote:
      'As a ValidatingPolicy, its exceptions are policies.kyverno.io PolicyExceptions whose policyRefs name ' +
      `ValidatingPolicy ${NAME}; a kyverno.io/v2 PolicyException applies to the ClusterPolicy only.`,
    minVersion: '1.10.0',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    // Background scans evaluate as CREATE (Kyverno 1.19), so existing DaemonSets in tenant
    // namespaces show up in the policy reports as failures, which is what they are.
    background: true,
    autogen: true,
    rules: [
      {
        type: 'validate',
        name: 'block-daemonset-create',
        // `operations: [CREATE]` replaces the seed's `{{ request.operation || 'BACKGROUND' }}`
        // precondition: existing DaemonSets can still be updated and deleted.
        match: { kinds: [DAEMONSET], operations: ['CREATE'], namespaceSelector: tenantNamespaces() },
        message: 'Creating DaemonSets is not allowed in tenant namespaces.',
        deny: { conditions: { any: [{ key: 'true', operator: 'Equals', value: 'true' }] } },
        cel: { validations: [{ expression: 'false' }] },
      },
    ],
  };
}
