import Ajv from 'ajv';
import { toStrictSchema } from './strict-schema';

const crdSchema = {
  type: 'object',
  description: 'Widget',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+(Mi|Gi)$' },
        mode: { type: 'string', enum: ['Fast', 'Slow'] },
        note: { type: 'string', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        empty: { type: 'object' },
        timeout: { type: 'string', format: 'duration' },
        guarded: { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'has(self.a)' }] },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

function compile(scope: 'Namespaced' | 'Cluster' = 'Namespaced') {
  const result = toStrictSchema(crdSchema, { group: 'example.com', version: 'v1', kind: 'Widget', scope });
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { duration: /^(\d+(ms|s|m|h))+$/ } });
  return { ...result, validate: ajv.compile(result.schema) };
}

const valid = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: { size: 3 } };
const withSpec = (spec: Record<string, unknown>) => ({ ...valid, spec: { size: 3, ...spec } });

describe('toStrictSchema', () => {
  test('accepts a valid object', () => {
    expect(compile().validate(valid)).toBe(true);
  });

  test('fails on unknown fields that the API server would prune silently', () => {
    const { validate } = compile();
    expect(validate(withSpec({ colour: 'red' }))).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'colour' } });
    expect(validate(withSpec({ empty: { anything: 1 } }))).toBe(false);
  });

  test('keeps objects open where the CRD preserves unknown fields, and maps stay maps', () => {
    expect(compile().validate(withSpec({ values: { any: { nested: true } }, labels: { a: 'b' } }))).toBe(true);
    expect(compile().validate(withSpec({ labels: { a: 1 } }))).toBe(false);
  });

  test('pins apiVersion and kind', () => {
    const { validate } = compile();
    expect(validate({ ...valid, apiVersion: 'example.com/v2' })).toBe(false);
    expect(validate({ ...valid, kind: 'Gadget' })).toBe(false);
  });

  test('requires a namespace for namespaced kinds and forbids it for cluster-scoped ones', () => {
    expect(compile('Namespaced').validate({ ...valid, metadata: { name: 'w' } })).toBe(false);
    expect(compile('Cluster').validate(valid)).toBe(false);
    expect(compile('Cluster').validate({ ...valid, metadata: { name: 'w' } })).toBe(true);
  });

  test('checks ObjectMeta names and labels', () => {
    const { validate } = compile();
    expect(validate({ ...valid, metadata: { name: 'Not_A_Name', namespace: 'ns' } })).toBe(false);
    expect(validate({ ...valid, metadata: { name: 'w', namespace: 'ns', labels: { 'capsule.clastix.io/tenant': 'oil' } } })).toBe(true);
    expect(validate({ ...valid, metadata: { name: 'w', namespace: 'ns', labels: { 'bad key!': 'x' } } })).toBe(false);
    expect(validate({ ...valid, metadata: { name: 'w', namespace: 'ns', uid: 'server-side' } })).toBe(false);
  });

  test('rejects status: controllers write it, Git never should', () => {
    expect(compile().validate({ ...valid, status: { ready: true } })).toBe(false);
  });

  test('translates int-or-string, nullable, enums, sets and formats', () => {
    const { validate } = compile();
    expect(validate(withSpec({ size: '10Gi' }))).toBe(true);
    expect(validate(withSpec({ size: '10 apples' }))).toBe(false);
    expect(validate(withSpec({ size: true }))).toBe(false);
    expect(validate(withSpec({ note: null }))).toBe(true);
    expect(validate(withSpec({ mode: 'Medium' }))).toBe(false);
    expect(validate(withSpec({ tags: ['a', 'a'] }))).toBe(false);
    expect(validate(withSpec({ timeout: '10m' }))).toBe(true);
    expect(validate(withSpec({ timeout: 'ten minutes' }))).toBe(false);
  });

  test('requires required fields', () => {
    expect(compile().validate({ ...valid, spec: {} })).toBe(false);
  });

  test('reports what it cannot check', () => {
    expect(compile().unchecked).toEqual({ celRules: 1, listMapKeys: 0, patterns: [] });
  });

  test('fails loudly on an OpenAPI keyword it does not know', () => {
    expect(() => toStrictSchema({ type: 'object', 'x-unknown-keyword': true }, { group: 'g', version: 'v1', kind: 'K', scope: 'Cluster' })).toThrow(
      /unsupported OpenAPI keyword 'x-unknown-keyword'/,
    );
  });
});
