import { HelmRelease } from '../../../../imports/flux-helmreleases-helm.toolkit.fluxcd.io';
import { Kustomization } from '../../../../imports/flux-kustomizations-kustomize.toolkit.fluxcd.io';
import { celPatch, celString, PolicyDefinition, ResourceKind, resourceKind, tenantNamespaces } from '../../policy';

export const NAME = 'flux-defaults';

/** The Flux kinds the platform's Flux (2.9) serves, at the versions the rules' paths are written for. */
export const FLUX_KUSTOMIZATION = resourceKind(Kustomization.GVK, 'kustomizations');
export const FLUX_HELMRELEASE = resourceKind(HelmRelease.GVK, 'helmreleases');

export interface Options {
  /**
   * The ServiceAccount (in the object's namespace) Flux impersonates for objects that don't name
   * one, so tenant objects are applied with the tenant's permissions.
   * @default 'default'
   */
  readonly serviceAccountName?: string;
}

export const DEFAULTS = { serviceAccountName: 'default' } as const satisfies Options;

/**
 * Defaults for Flux objects in tenant namespaces (seed 001, "Select namespaces with label
 * capsule.clastix.io/tenant").
 */
export function define(options: Options = {}): PolicyDefinition {
  const serviceAccountName = options.serviceAccountName ?? DEFAULTS.serviceAccountName;
  const match = (kind: ResourceKind) => ({ kinds: [kind], operations: ['CREATE' as const, 'UPDATE' as const], namespaceSelector: tenantNamespaces() });
  return {
    name: NAME,
    title: 'Flux Defaults For Tenants',
    category: 'Flux, Multi-Tenancy',
    severity: 'medium',
    subject: 'Kustomization, HelmRelease',
    description:
      `Kustomizations and HelmReleases in tenant namespaces that name no ServiceAccount run as ${serviceAccountName} ` +
      'of their namespace, and Kustomizations without a targetNamespace apply into their own namespace. Values ' +
      'that are set are kept (tenant-compare checks targetNamespace).',
    minVersion: '1.10.0',
    background: false,
    autogen: false,
    // The seed had `validationFailureAction: Enforce`, meaningless for a mutate-only policy. Its
    // single rule also defaulted targetNamespace on HelmReleases; there it changes the default
    // release name ([targetNamespace-]name), so helm-controller would uninstall and reinstall
    // every existing release. A HelmRelease without one already installs into its own namespace.
    // CREATE and UPDATE: a server-side apply that omits a field drops what the webhook set on the
    // previous apply, so the default must be set again on every update.
    rules: [
      {
        type: 'mutate',
        name: 'kustomization-defaults',
        match: match(FLUX_KUSTOMIZATION),
        patchStrategicMerge: { spec: { '+(targetNamespace)': '{{ request.object.metadata.namespace }}', '+(serviceAccountName)': serviceAccountName } },
        cel: { jsonPatches: [addIfAbsent('targetNamespace', 'object.metadata.namespace'), addIfAbsent('serviceAccountName', celString(serviceAccountName))] },
      },
      {
        type: 'mutate',
        name: 'helmrelease-defaults',
        match: match(FLUX_HELMRELEASE),
        patchStrategicMerge: { spec: { '+(serviceAccountName)': serviceAccountName } },
        cel: { jsonPatches: [addIfAbsent('serviceAccountName', celString(serviceAccountName))] },
      },
    ],
  };
}

/** CEL JSON patch: `spec.<field>` set to `value` (a CEL expression) when the object has none (the `+()` anchor). */
function addIfAbsent(field: string, value: string): string {
  return `has(object.spec.${field}) ? [] : [${celPatch('add', celString(`/spec/${field}`), value)}]`;
}
