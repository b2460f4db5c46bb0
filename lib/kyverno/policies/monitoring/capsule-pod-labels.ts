import { TENANT_LABEL } from '../../../capsule/labels';
import { celPatch, celString, jmesPathField, jmesPathString, PolicyDefinition, POD } from '../../policy';

export const NAME = 'capsule-pod-labels';

export interface Options {
  /**
   * The tenant label value of Pods outside tenant namespaces (a central management tenant).
   * @default 'management'
   */
  readonly defaultTenant?: string;
  /**
   * Keep a tenant label the Pod already has. With `false` the label always names the tenant of the
   * Pod's namespace, so a tenant cannot label its Pods (and so its logs) as another tenant's.
   * @default true
   */
  readonly keepExisting?: boolean;
}

export const DEFAULTS = { defaultTenant: 'management', keepExisting: true } as const satisfies Options;

/**
 * Labels every Pod with its namespace's tenant (`capsule.clastix.io/tenant`), which Promtail turns
 * into the Loki tenant (seed 001, "Monitoring"/Loki).
 */
export function define(options: Options = {}): PolicyDefinition {
  const defaultTenant = options.defaultTenant ?? DEFAULTS.defaultTenant;
  const keepExisting = options.keepExisting ?? DEFAULTS.keepExisting;
  // The seed declared the context entry `tenant` but patched with {{ tenant_name }}, an undefined
  // variable, so every Pod admission failed. One name, used for both:
  const variable = 'tenant_name';
  return {
    name: NAME,
    title: 'Label Pods With Their Tenant',
    category: 'Multi-Tenancy',
    severity: 'low',
    subject: 'Pod',
    description:
      `Adds the label ${TENANT_LABEL} to every Pod, with the tenant of its namespace, or ${defaultTenant} outside ` +
      'tenant namespaces, so that log shippers (Promtail, Alloy) can route logs per tenant. ' +
      (keepExisting ? 'A label the Pod already has is kept.' : 'A label the Pod already has is replaced.'),
    minVersion: '1.10.0',
    // apiCall on request.namespace: admission only.
    background: false,
    autogen: false,
    rules: [
      {
        type: 'mutate',
        name: 'add-pod-label',
        match: { kinds: [POD], operations: ['CREATE', 'UPDATE'] },
        context: [
          {
            name: variable,
            apiCall: {
              urlPath: '/api/v1/namespaces/{{request.namespace}}',
              jmesPath: `metadata.labels.${jmesPathField(TENANT_LABEL)} || ${jmesPathString(defaultTenant)}`,
            },
          },
        ],
        patchStrategicMerge: { metadata: { labels: { [keepExisting ? `+(${TENANT_LABEL})` : TENANT_LABEL]: `{{ ${variable} }}` } } },
        cel: {
          // The request's namespace object instead of an API call; the same labels.
          variables: [{ name: 'tenantName', expression: `namespaceObject.metadata.?labels[?${celString(TENANT_LABEL)}].orValue(${celString(defaultTenant)})` }],
          jsonPatches: [
            `!has(object.metadata.labels) ? [${celPatch('add', celString('/metadata/labels'), `{${celString(TENANT_LABEL)}: variables.tenantName}`)}]` +
              ` : ${keepExisting ? `${celString(TENANT_LABEL)} in object.metadata.labels` : `object.metadata.labels[?${celString(TENANT_LABEL)}].orValue('') == variables.tenantName`} ? []` +
              ` : [${celPatch('add', celString(`/metadata/labels/${TENANT_LABEL.replace(/~/g, '~0').replace(/\//g, '~1')}`), 'variables.tenantName')}]`,
          ],
        },
      },
    ],
  };
}
