import { GLOBAL_CONFIG_KEYS, GlobalConfigKey, IGlobalConfig } from '../../global-config';
import { celString, Condition, FailureAction, PolicyDefinition, tenantNamespaces } from '../../policy';
import { FLUX_HELMRELEASE, FLUX_KUSTOMIZATION } from './flux-defaults';

export const NAME = 'tenant-compare';

export interface Options {
  /** @default 'Enforce' */
  readonly failureAction?: FailureAction;
}

export const DEFAULTS = { failureAction: 'Enforce' } as const satisfies Options;

/** Context entry names; the `{{ }}` references below are built from these. */
const GLOBAL = 'global';
const TARGET = 'target_namespace';
const SOURCE_TENANT = 'source_tenant';
const TARGET_LABELS = 'target_labels';

/** The namespace a Flux object applies into, in CEL (no targetNamespace: its own). */
const CEL_TARGET = "object.spec.?targetNamespace.orValue('') != '' ? object.spec.targetNamespace : object.metadata.namespace";

/**
 * A Flux Kustomization or HelmRelease in a tenant namespace may only target namespaces of the same
 * tenant, or public namespaces (seed 001, "Compare Source and Destination Tenant" and "Using Global
 * Configuration"). The labels are read from the global configuration ConfigMap.
 */
export function define(options: Options, globalConfig: IGlobalConfig): PolicyDefinition {
  const config = (key: GlobalConfigKey) => `${GLOBAL}.data.${GLOBAL_CONFIG_KEYS[key]}`;
  const targetLabel = (key: GlobalConfigKey) => `{{ ${TARGET_LABELS}."{{ ${config(key)} }}" || '' }}`;
  const notSameTenant: Condition = { key: targetLabel('tenantLabel'), operator: 'NotEquals', value: `{{ ${SOURCE_TENANT} }}` };
  const notPublic: Condition = { key: targetLabel('publicLabel'), operator: 'NotEquals', value: `{{ ${config('publicValue')} }}` };
  // The same in CEL. A target that does not exist has no labels: listed and filtered, not read
  // with resource.Get, which fails on a missing namespace where the apiCall has its default.
  const celConfig = (key: GlobalConfigKey) => `variables.${GLOBAL}.data[${celString(GLOBAL_CONFIG_KEYS[key])}]`;
  const celTargetLabel = (key: GlobalConfigKey) => `variables.targetLabels[?${celConfig(key)}].orValue('')`;
  const sameTenant = `${celTargetLabel('tenantLabel')} == variables.sourceTenant`;
  const isPublic = `${celTargetLabel('publicLabel')} == ${celConfig('publicValue')}`;
  return {
    name: NAME,
    title: 'Tenant Target Namespaces',
    category: 'Flux, Multi-Tenancy',
    severity: 'high',
    subject: 'Kustomization, HelmRelease',
    description:
      'A Kustomization or HelmRelease in a tenant namespace may only set spec.targetNamespace to a namespace of ' +
      'its own tenant' +
      (globalConfig.hasPublicNamespaces ? ' or to a public namespace' : '') +
      `. The tenant (and public namespace) labels are read from the ConfigMap ${globalConfig.namespace}/${globalConfig.name}.`,
    minVersion: '1.10.0',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    background: true,
    autogen: false,
    rules: [
      {
        type: 'validate',
        name: 'validate-target-namespace',
        match: { kinds: [FLUX_KUSTOMIZATION, FLUX_HELMRELEASE], operations: ['CREATE', 'UPDATE'], namespaceSelector: tenantNamespaces() },
        // Context is loaded before the preconditions, so every lookup must work for every object.
        context: [
          { name: GLOBAL, configMap: { name: globalConfig.name, namespace: globalConfig.namespace } },
          // No targetNamespace means the object's own namespace (then the rule is skipped).
          { name: TARGET, variable: { jmesPath: 'request.object.spec.targetNamespace || request.object.metadata.namespace' } },
          // Defaults to '?', which no label value can be (seed), so a namespace without the label
          // can never look like "the same tenant".
          {
            name: SOURCE_TENANT,
            apiCall: { urlPath: '/api/v1/namespaces/{{ request.object.metadata.namespace }}', jmesPath: `metadata.labels."{{ ${config('tenantLabel')} }}" || '?'` },
          },
          // A target namespace that does not exist (yet) has no labels: denied, like any non-tenant one.
          { name: TARGET_LABELS, apiCall: { urlPath: `/api/v1/namespaces/{{ ${TARGET} }}`, jmesPath: 'metadata.labels || `{}`', default: {} } },
        ],
        preconditions: { all: [{ key: `{{ ${TARGET} }}`, operator: 'NotEquals', value: '{{ request.object.metadata.namespace }}' }] },
        message:
          `spec.targetNamespace {{ ${TARGET} }} must be a namespace of tenant {{ ${SOURCE_TENANT} }}` +
          (globalConfig.hasPublicNamespaces ? ` or a public namespace ({{ ${config('publicLabel')} }}={{ ${config('publicValue')} }}).` : '.'),
        // The seed's version with the global configuration denied every target but the object's own
        // namespace: its preconditions were `any` ("not the own namespace" alone sufficed), compared
        // the target's name with tenant names and had `values` (not a field) for one value, and
        // `deny: {}` denied whatever matched. Its first version failed on a target that does not
        // exist (apiCall error). Deny when the target is neither the same tenant's nor public:
        deny: { conditions: { all: globalConfig.hasPublicNamespaces ? [notSameTenant, notPublic] : [notSameTenant] } },
        cel: {
          variables: [
            { name: GLOBAL, expression: `resource.Get('v1', 'configmaps', ${celString(globalConfig.namespace)}, ${celString(globalConfig.name)})` },
            { name: 'targetNamespace', expression: CEL_TARGET },
            { name: 'sourceTenantLabel', expression: `namespaceObject.metadata.?labels[?${celConfig('tenantLabel')}].orValue('')` },
            { name: 'sourceTenant', expression: "variables.sourceTenantLabel != '' ? variables.sourceTenantLabel : '?'" },
            { name: 'targetMatches', expression: "dyn(resource.List('v1', 'namespaces', '').items).filter(n, n.metadata.name == variables.targetNamespace)" },
            { name: 'targetLabels', expression: 'variables.targetMatches.size() > 0 ? variables.targetMatches[0].metadata.?labels.orValue({}) : {}' },
          ],
          // Conditions are evaluated before variables exist: the target spelled out.
          conditions: [`(${CEL_TARGET}) != object.metadata.namespace`],
          validations: [
            {
              expression: globalConfig.hasPublicNamespaces ? `${sameTenant} || ${isPublic}` : sameTenant,
              messageExpression:
                "'spec.targetNamespace ' + variables.targetNamespace + ' must be a namespace of tenant ' + variables.sourceTenant" +
                (globalConfig.hasPublicNamespaces ? ` + ' or a public namespace (' + ${celConfig('publicLabel')} + '=' + ${celConfig('publicValue')} + ').'` : " + '.'"),
            },
          ],
        },
      },
    ],
  };
}
