import { celPatch, celString, PolicyDefinition, POD, tenantNamespaces } from '../../policy';

export const NAME = 'enforce-no-host-users';

export interface Options {
  /**
   * Namespaces labelled `<optOutLabel>=true` are exempt, e.g. for tenants whose volumes (NFS) don't
   * work in a user namespace. Keep tenant owners from setting it themselves (Capsule
   * `namespaceOptions.forbiddenLabels`).
   * @default - no opt-out
   */
  readonly optOutLabel?: string;
}

/**
 * Runs every new Pod of a tenant namespace in its own user namespace (`spec.hostUsers: false`).
 * Seed 001, "Mutate User Namespace".
 */
export function define(options: Options = {}): PolicyDefinition {
  const tenants = tenantNamespaces();
  // The seed's commented-out opt-out used a Pod `selector`, but its text describes a namespace
  // label: a namespaceSelector is what the text means (NotIn also matches namespaces without it).
  const optOut = options.optOutLabel ? [{ key: options.optOutLabel, operator: 'NotIn' as const, values: ['true'] }] : [];
  return {
    name: NAME,
    title: 'Enforce No Host Users',
    category: 'Multi-Tenancy, Pod Security',
    severity: 'medium',
    subject: 'Pod',
    description:
      'Sets spec.hostUsers to false on every new Pod in a tenant namespace, so that its containers run in their own ' +
      'user namespace and root in a container is not root on the node. Pods that share a host namespace ' +
      '(hostNetwork, hostPID, hostIPC) are left alone: Kubernetes rejects hostUsers: false for them.' +
      (options.optOutLabel ? ` Namespaces labelled ${options.optOutLabel}=true are exempt.` : ''),
    minVersion: '1.6.0',
    // User namespaces are on by default (feature gate UserNamespacesSupport) from Kubernetes 1.33.
    kubernetesVersion: '1.33',
    // A mutation only acts at admission; there is nothing to scan.
    background: false,
    autogen: false,
    rules: [
      {
        type: 'mutate',
        name: 'enforce-no-host-users',
        // CREATE only (the seed used a `request.operation` precondition for CREATE and UPDATE):
        // hostUsers is immutable, so on UPDATE the patch is either a no-op or makes the API server
        // reject the update of a Pod that predates the policy.
        match: {
          kinds: [POD],
          operations: ['CREATE'],
          namespaceSelector: { matchExpressions: [...tenants.matchExpressions!, ...optOut] },
        },
        preconditions: {
          all: ['hostNetwork', 'hostPID', 'hostIPC'].map((field) => ({ key: `{{ request.object.spec.${field} || \`false\` }}`, operator: 'Equals' as const, value: false })),
        },
        // skipBackgroundRequests stays at its CRD default (true), which the seed spelled out.
        patchStrategicMerge: { spec: { hostUsers: false } },
        cel: {
          conditions: ['hostNetwork', 'hostPID', 'hostIPC'].map((field) => `!object.spec.?${field}.orValue(false)`),
          jsonPatches: [`[${celPatch('add', celString('/spec/hostUsers'), 'false')}]`],
        },
      },
    ],
  };
}
