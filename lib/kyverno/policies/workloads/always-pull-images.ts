import { celPatch, PolicyDefinition, POD, ResourceKind, tenantNamespaces } from '../../policy';

export const NAME = 'always-pull-images';

/** The subresource `kubectl debug` updates to add an ephemeral container. */
export const POD_EPHEMERAL_CONTAINERS: ResourceKind = { ...POD, resource: 'pods/ephemeralcontainers' };

export type Options = Record<string, never>;

const alwaysPull = [{ '(name)': '?*', imagePullPolicy: 'Always' }];

/** Names of the ephemeral containers the Pod had before this request (none: an empty list, not null). */
export const OLD_EPHEMERAL_NAMES = '{{ request.oldObject.spec.ephemeralContainers[].name || `[]` }}';

/**
 * Every container of a tenant Pod pulls its image, so that no tenant can run an image another
 * tenant pulled onto the node without having the credentials for it (seed 001, "Image PullPolicy").
 */
export function define(_options: Options = {}): PolicyDefinition {
  return {
    name: NAME,
    title: 'Always Pull Images',
    category: 'Multi-Tenancy, Sample',
    severity: 'medium',
    subject: 'Pod',
    description:
      'By default, images that have already been pulled can be accessed by other Pods without re-pulling them if ' +
      'the name and tag are known. In multi-tenant scenarios, this may be undesirable. This policy sets ' +
      'imagePullPolicy to Always on the init, regular and ephemeral containers of Pods in tenant namespaces. ' +
      'An alternative to the Kubernetes admission controller AlwaysPullImages.',
    minVersion: '1.6.0',
    background: false,
    autogen: false,
    // The seed patched all three lists on every operation. imagePullPolicy is immutable, so on a
    // plain Pod UPDATE the patch is a no-op or makes the API server reject the update of a Pod that
    // predates the policy; ephemeral containers only ever arrive by an UPDATE of their subresource.
    rules: [
      {
        type: 'mutate',
        name: 'always-pull-images',
        match: { kinds: [POD], operations: ['CREATE'], namespaceSelector: tenantNamespaces() },
        patchStrategicMerge: { spec: { initContainers: alwaysPull, containers: alwaysPull } },
        cel: { jsonPatches: ['initContainers', 'containers'].map((list) => celAlwaysPull(list, `object.spec.?${list}.orValue([])`)) },
      },
      {
        type: 'mutate',
        name: 'always-pull-ephemeral-images',
        match: { kinds: [POD_EPHEMERAL_CONTAINERS], operations: ['UPDATE'], namespaceSelector: tenantNamespaces() },
        // Only the container being added: the API server refuses any change to an ephemeral
        // container the Pod already has, so patching them all would make `kubectl debug` fail on a
        // Pod that got one (with IfNotPresent) before this policy.
        foreach: [
          {
            list: 'request.object.spec.ephemeralContainers',
            preconditions: { all: [{ key: '{{ element.name }}', operator: 'AnyNotIn', value: OLD_EPHEMERAL_NAMES }] },
            patchStrategicMerge: { spec: { ephemeralContainers: [{ name: '{{ element.name }}', imagePullPolicy: 'Always' }] } },
          },
        ],
        cel: {
          jsonPatches: [
            celAlwaysPull(
              'ephemeralContainers',
              "object.spec.?ephemeralContainers.orValue([]).filter(c, !(c.name in (oldObject == null ? [] : oldObject.spec.?ephemeralContainers.orValue([]).map(o, o.name))))",
            ),
          ],
        },
      },
    ],
  };
}

/** JSON patches (CEL) that set imagePullPolicy Always on the containers `containers` of list `list` that have another (or none). */
function celAlwaysPull(list: string, containers: string): string {
  return `${containers}.filter(c, c.?imagePullPolicy.orValue('') != 'Always').map(c, ${celPatch('add', `'/spec/${list}/' + string(object.spec.${list}.indexOf(c)) + '/imagePullPolicy'`, "'Always'")})`;
}
