import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateBuiltinSchemas, generateCrdSchemas, schemaFile } from './schemas';

const SWAGGER = {
  definitions: {
    'io.k8s.api.core.v1.ConfigMap': {
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
      required: ['metadata'],
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, data: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { properties: { name: { type: 'string', description: 'dropped' } } },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
    'io.k8s.api.unused.v1.Thing': { properties: { a: { type: 'string' } } },
  },
};

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { 'x-kubernetes-int-or-string': true },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  mode: { type: 'string', enum: ['a', 'b'] },
                },
              },
            },
          },
        },
      },
    ],
  },
};

describe('generateBuiltinSchemas and generateCrdSchemas', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-'));
  const swagger = path.join(dir, 'swagger.json');
  fs.writeFileSync(swagger, JSON.stringify(SWAGGER));
  const builtins = generateBuiltinSchemas(path.join(dir, 'builtin'), swagger);
  const generated = generateCrdSchemas(path.join(dir, 'crds'), builtins, [{ crd: CRD, source: 'widgets.yaml' }]);
  const read = (apiVersion: string, kind: string) => {
    const file = [builtins.dir, generated.dir].map((d) => schemaFile(d, apiVersion, kind)).find((f) => fs.existsSync(f));
    return JSON.parse(fs.readFileSync(file ?? 'missing', 'utf8'));
  };

  test('a built-in kind: strict, standalone (only the definitions it reaches), null allowed where optional', () => {
    const schema = read('v1', 'ConfigMap');
    expect(schema.$ref).toBe('#/definitions/io.k8s.api.core.v1.ConfigMap');
    expect(Object.keys(schema.definitions).sort()).toEqual(['io.k8s.api.core.v1.ConfigMap', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    const configMap = schema.definitions['io.k8s.api.core.v1.ConfigMap'];
    expect(configMap.additionalProperties).toBe(false);
    expect(configMap.properties.metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(configMap.properties.data.type).toEqual(['object', 'null']);
    expect(schema.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toEqual({ properties: { name: { type: ['string', 'null'] } }, additionalProperties: false });
  });

  test('a CRD preferred by its source wins over one that defines the kind differently, and the note says so', () => {
    const other = JSON.parse(JSON.stringify(CRD));
    other.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.extra = { type: 'string' };
    const out = generateCrdSchemas(path.join(dir, 'preferred'), builtins, [
      { crd: CRD, source: 'shared.yaml' },
      { crd: other, source: 'chart', preferred: true },
    ]);
    expect(out.crdSources.get('example.com/v1 Widget')).toBe('chart');
    expect(out.notes).toEqual(['example.com/v1 Widget: shared.yaml and chart define it differently; validated against chart']);
  });

  test("a custom resource: ObjectMeta metadata, int-or-string, preserve-unknown-fields left open, enum takes null", () => {
    const schema = read('example.com/v1', 'Widget');
    expect(schema.properties.metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(schema.additionalProperties).toBe(false);
    const spec = schema.properties.spec.anyOf?.[0] ?? schema.properties.spec;
    expect(spec.additionalProperties).toBe(false);
    expect(spec.properties.size).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(spec.properties.free.additionalProperties).toBeUndefined();
    expect(spec.properties.mode.enum).toEqual(['a', 'b', null]);
    expect(generated.crdSources.get('example.com/v1 Widget')).toBe('widgets.yaml');
    expect([...builtins.kinds]).toEqual(['v1 ConfigMap']);
  });
});
