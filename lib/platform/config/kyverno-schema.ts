import { Static, TProperties, Type } from '@sinclair/typebox';
import { DnsLabel, LabelKey, Labels, LabelValue, StrictObject, StringEnum } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import { FAILURE_ACTIONS, POLICY_SCOPES } from '../../kyverno/policy';
import type { PolicyName, PolicyOptions } from '../../kyverno/policies/catalog';
import * as fluxDefaults from '../../kyverno/policies/flux/flux-defaults';
import * as tenantCompare from '../../kyverno/policies/flux/tenant-compare';
import * as capsulePodLabels from '../../kyverno/policies/monitoring/capsule-pod-labels';
import * as tenantCore from '../../kyverno/policies/tenants/tenant-core';
import * as tenantPolicy from '../../kyverno/policies/tenants/tenant-policy';
import * as alwaysPullImages from '../../kyverno/policies/workloads/always-pull-images';
import * as blockDaemonsetCreate from '../../kyverno/policies/workloads/block-daemonset-create';
import * as blockEphemeralContainers from '../../kyverno/policies/workloads/block-ephemeral-containers';
import * as defaultEmptydirSizelimit from '../../kyverno/policies/workloads/default-emptydir-sizelimit';
import * as enforceNoHostUsers from '../../kyverno/policies/workloads/enforce-no-host-users';
import * as restrictControlplaneScheduling from '../../kyverno/policies/workloads/restrict-controlplane-scheduling';
import * as restrictImageRegistries from '../../kyverno/policies/workloads/restrict-image-registries';

/**
 * Schema of `clusters[].kyverno.policies` and `.globalConfig` in platform.yaml: one entry per
 * policy of the catalog, named after it, with `enabled` and the policy's own options. Listing a
 * policy enables it. Defaults are the policies' own (stated in the descriptions).
 */

const SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** The settings of one policy: `enabled` plus its options. */
function policy<T extends TProperties>(description: string, options: T) {
  return Type.Optional(
    StrictObject({ enabled: Type.Optional(Type.Boolean({ description: 'Render the policy. Default: true (listing a policy enables it)' })), ...options }, { description }),
  );
}

const failureAction = (fallback: string) =>
  Type.Optional(StringEnum(FAILURE_ACTIONS, { description: `Audit: report violations in policy reports; Enforce: reject them. Default: ${fallback}` }));

const scope = (fallback: string) =>
  Type.Optional(StringEnum(POLICY_SCOPES, { description: `tenants: tenant namespaces only; cluster: every namespace Kyverno sees. Default: ${fallback}` }));

export const KyvernoPolicySettings = StrictObject(
  {
    [enforceNoHostUsers.NAME]: policy('Pods of tenant namespaces run in a user namespace (spec.hostUsers: false).', {
      optOutLabel: Type.Optional(LabelKey({ description: 'Namespaces labelled <optOutLabel>=true are exempt (e.g. NFS volumes). Default: no opt-out' })),
    }),
    [blockDaemonsetCreate.NAME]: policy('Tenants may not create DaemonSets.', {
      failureAction: failureAction(blockDaemonsetCreate.DEFAULTS.failureAction),
    }),
    [restrictControlplaneScheduling.NAME]: policy('Tenant Pods may not tolerate the control plane taints.', {
      failureAction: failureAction(restrictControlplaneScheduling.DEFAULTS.failureAction),
    }),
    [defaultEmptydirSizelimit.NAME]: policy('emptyDir volumes of tenant Pods get a size limit.', {
      sizeLimit: Type.Optional(
        Type.String({
          pattern: defaultEmptydirSizelimit.SIZE_QUANTITY,
          [PATTERN_HINT]: 'a positive Kubernetes quantity such as 250Mi or 1Gi',
          description: `sizeLimit of emptyDir volumes without one. Default: ${defaultEmptydirSizelimit.DEFAULTS.sizeLimit}`,
        }),
      ),
    }),
    [blockEphemeralContainers.NAME]: policy('No ephemeral (kubectl debug) containers.', {
      failureAction: failureAction(blockEphemeralContainers.DEFAULTS.failureAction),
      scope: scope(blockEphemeralContainers.DEFAULTS.scope),
    }),
    [restrictImageRegistries.NAME]: policy('Images only from the allowed registries (no registry = docker.io).', {
      registries: Type.Array(
        Type.String({ pattern: restrictImageRegistries.REGISTRY, [PATTERN_HINT]: 'a registry host such as quay.io, registry.example.com:5000 or *.example.com' }),
        { minItems: 1, uniqueItems: true, description: 'Allowed registries.' },
      ),
      failureAction: failureAction(restrictImageRegistries.DEFAULTS.failureAction),
      scope: scope(restrictImageRegistries.DEFAULTS.scope),
    }),
    [alwaysPullImages.NAME]: policy('Every container of tenant Pods pulls its image (imagePullPolicy: Always).', {}),
    [capsulePodLabels.NAME]: policy('Every Pod is labelled with its tenant, for log routing.', {
      defaultTenant: Type.Optional(
        LabelValue({ minLength: 1, description: `Label value outside tenant namespaces. Default: ${capsulePodLabels.DEFAULTS.defaultTenant}` }),
      ),
      keepExisting: Type.Optional(Type.Boolean({ description: `Keep a tenant label the Pod already has. Default: ${capsulePodLabels.DEFAULTS.keepExisting}` })),
    }),
    [fluxDefaults.NAME]: policy('Defaults for Flux Kustomizations and HelmReleases in tenant namespaces.', {
      serviceAccountName: Type.Optional(
        Type.String({ pattern: SUBDOMAIN, maxLength: 253, description: `ServiceAccount Flux impersonates. Default: ${fluxDefaults.DEFAULTS.serviceAccountName}` }),
      ),
    }),
    [tenantCompare.NAME]: policy('Flux objects of a tenant may only target its own or public namespaces.', {
      failureAction: failureAction(tenantCompare.DEFAULTS.failureAction),
    }),
    [tenantCore.NAME]: policy('Reserved tenant names and tenant property defaults.', {
      reservedNames: Type.Optional(
        Type.Array(DnsLabel(), { minItems: 1, uniqueItems: true, description: `Names no Tenant may have. Default: ${tenantCore.DEFAULTS.reservedNames.join(', ')}` }),
      ),
      defaults: Type.Optional(
        StrictObject(
          {
            forbiddenNamespaceLabelsRegex: Type.Optional(Type.String({ minLength: 1, description: 'namespaceOptions.forbiddenLabels.deniedRegex, on Tenants without namespaceOptions.forbiddenLabels' })),
            priorityClassLabels: Type.Optional(Labels({ description: 'priorityClasses.matchLabels, on Tenants without priorityClasses' })),
            ingressClassLabels: Type.Optional(Labels({ description: 'ingressOptions.allowedClasses.matchLabels, on Tenants without ingressOptions.allowedClasses' })),
            storageClassLabels: Type.Optional(Labels({ description: 'storageClasses.matchLabels, on Tenants without storageClasses' })),
            nodePortServices: Type.Optional(Type.Boolean({ description: 'serviceOptions.allowedServices.nodePort, on Tenants without it (other allowedServices do not matter)' })),
            nodeSelector: Type.Optional(Labels({ description: 'nodeSelector, on Tenants without one' })),
          },
          { description: 'Tenant properties, each added to Tenants that leave that object out (a Tenant that sets it keeps its own entirely). Default: none' },
        ),
      ),
      failureAction: failureAction(tenantCore.DEFAULTS.failureAction),
    }),
    [tenantPolicy.NAME]: policy('A default owner of every Tenant, and default owner proxySettings.', {
      owner: StrictObject(
        {
          kind: StringEnum(tenantPolicy.OWNER_KINDS),
          name: Type.String({ pattern: tenantPolicy.OWNER_NAME, [PATTERN_HINT]: 'a name without quotes, braces, wildcards or spaces' }),
        },
        { description: 'The owner added to every Tenant.' },
      ),
      proxySettings: Type.Optional(
        Type.Array(
          StrictObject({
            kind: StringEnum(tenantPolicy.PROXY_KINDS),
            operations: Type.Array(StringEnum(tenantPolicy.PROXY_OPERATIONS), { minItems: 1, uniqueItems: true }),
          }),
          { description: 'proxySettings of owners that have none; [] for none. Default: List on IngressClasses, StorageClasses, PriorityClasses, Nodes' },
        ),
      ),
    }),
  },
  { description: 'The policies to render, by name; listing one enables it. Default: none' },
);

export const KyvernoGlobalConfigSettings = StrictObject(
  {
    publicNamespaces: Type.Optional(
      StrictObject(
        { label: LabelKey({ description: 'Label key of public namespaces.' }), value: LabelValue({ description: 'Its value on public namespaces.' }) },
        { description: 'Namespaces every tenant may target (tenant-compare). Default: none' },
      ),
    ),
  },
  { description: 'The ConfigMap kyverno-global-config in Kyverno’s namespace, read by the policies.' },
);

export type KyvernoPolicySettings = Static<typeof KyvernoPolicySettings>;

/**
 * The policies whose settings (without `enabled`) are not their options: `never`, or tsc fails on
 * the line below naming them. Settings are handed to the policies as options unchanged.
 */
type MismatchedSettings = { [N in PolicyName]: Omit<NonNullable<KyvernoPolicySettings[N]>, 'enabled'> extends PolicyOptions<N> ? never : N }[PolicyName];
export const SETTINGS_ARE_OPTIONS: [MismatchedSettings] extends [never] ? true : MismatchedSettings = true;
