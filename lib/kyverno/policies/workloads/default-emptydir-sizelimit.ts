import { celPatch, celString, PolicyDefinition, POD, tenantNamespaces } from '../../policy';

export const NAME = 'default-emptydir-sizelimit';

export interface Options {
  /**
   * The `sizeLimit` given to emptyDir volumes that have none (a Kubernetes quantity).
   * @default '250Mi'
   */
  readonly sizeLimit?: string;
}

export const DEFAULTS = { sizeLimit: '250Mi' } as const satisfies Options;

/** Positive byte quantities: what an emptyDir `sizeLimit` sensibly is. */
export const SIZE_QUANTITY = '^([1-9][0-9]*(\\.[0-9]+)?|0\\.[0-9]*[1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';

/** Gives every emptyDir volume of a new tenant Pod a size limit (seed 001, "Enforce EmptyDir Requests/Limits"). */
export function define(options: Options = {}): PolicyDefinition {
  const sizeLimit = options.sizeLimit ?? DEFAULTS.sizeLimit;
  if (!new RegExp(SIZE_QUANTITY).test(sizeLimit)) throw new Error(`${NAME}: sizeLimit must be a positive quantity such as 250Mi (got '${sizeLimit}')`);
  return {
    name: NAME,
    title: 'Default EmptyDir Size Limit',
    category: 'Multi-Tenancy, Other',
    severity: 'medium',
    subject: 'Pod',
    description:
      `Sets sizeLimit ${sizeLimit} on every emptyDir volume without one in new Pods of tenant namespaces, so that no ` +
      'tenant can fill up a node disk (or, with medium: Memory, its memory). The kubelet evicts a Pod whose volume ' +
      'grows beyond the limit. Volumes that set their own limit keep it.',
    minVersion: '1.6.0',
    background: false,
    // patchesJson6902 turns autogen off anyway; upstream other/add-emptydir-sizelimit says so too.
    autogen: false,
    rules: [
      {
        type: 'mutate',
        name: 'default-emptydir-sizelimit',
        // CREATE only (the seed matched every operation): Pod volumes are immutable.
        match: { kinds: [POD], operations: ['CREATE'], namespaceSelector: tenantNamespaces() },
        foreach: [
          {
            // A Pod without volumes evaluates to null, which Kyverno skips.
            list: 'request.object.spec.volumes[]',
            preconditions: {
              all: [
                { key: '{{element.keys(@)}}', operator: 'AnyIn', value: 'emptyDir' },
                { key: "{{element.emptyDir.sizeLimit || ''}}", operator: 'Equals', value: '' },
              ],
            },
            patchesJson6902: [{ op: 'add', path: '/spec/volumes/{{elementIndex}}/emptyDir/sizeLimit', value: sizeLimit }],
          },
        ],
        cel: {
          jsonPatches: [
            "object.spec.?volumes.orValue([]).filter(v, has(v.emptyDir) && v.emptyDir.?sizeLimit.orValue('') == '')" +
              `.map(v, ${celPatch('add', "'/spec/volumes/' + string(object.spec.volumes.indexOf(v)) + '/emptyDir/sizeLimit'", celString(sizeLimit))})`,
          ],
        },
      },
    ],
  };
}
