import { FailureAction, PolicyDefinition, POD, POD_SPEC, PolicyScope, scopeSelector } from '../../policy';

export const NAME = 'block-ephemeral-containers';

export interface Options {
  /** @default 'Enforce' */
  readonly failureAction?: FailureAction;
  /**
   * `tenants`: tenant namespaces only; `cluster`: every namespace Kyverno sees (also blocks
   * `kubectl debug` for platform administrators).
   * @default 'tenants'
   */
  readonly scope?: PolicyScope;
}

export const DEFAULTS = { failureAction: 'Enforce', scope: 'tenants' } as const satisfies Options;

/** Upstream other/block-ephemeral-containers, as in seed 001 ("Block Ephemeral Containers"). */
export function define(options: Options = {}): PolicyDefinition {
  return {
    name: NAME,
    title: 'Block Ephemeral Containers',
    category: 'Other',
    severity: 'medium',
    subject: 'Pod',
    description:
      'Ephemeral containers, enabled by default in Kubernetes 1.23, allow users to use the `kubectl debug` ' +
      'functionality and attach a temporary container to an existing Pod. This may potentially be used to gain ' +
      'access to unauthorized information executing inside one or more containers in that Pod. This policy blocks ' +
      'the use of ephemeral containers.',
    minVersion: '1.6.0',
    kubernetesVersion: '1.23',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    background: true,
    autogen: true,
    rules: [
      {
        type: 'validate',
        name: 'block-ephemeral-containers',
        // Matching Pods also matches pods/ephemeralcontainers, the subresource `kubectl debug` updates.
        match: { kinds: [POD], namespaceSelector: scopeSelector(options.scope ?? DEFAULTS.scope) },
        message: 'Ephemeral (debug) containers are not permitted.',
        pattern: { spec: { 'X(ephemeralContainers)': 'null' } },
        cel: { validations: [{ expression: `!has(${POD_SPEC}.ephemeralContainers)` }] },
      },
    ],
  };
}
