import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as YAML from 'yaml';
import { editorSchemas } from '../lib/platform/config/editor-schemas';
import { ROOT } from './helpers';

const schemas = editorSchemas();

describe('editor schemas (schemas/)', () => {
  test.each(Object.keys(schemas))('%s is up to date (npm run schemas)', (file) => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', file), 'utf8'))).toEqual(schemas[file]);
  });

  // Editors treat formats as annotations; so does this check.
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int32: true, int64: true, 'date-time': true, duration: true } });
  const configFiles = [
    ...['test/fixtures/platform', 'examples/platform'].map((dir) => path.join(dir, 'platform.yaml')),
    ...['test/fixtures/platform/tenants', 'examples/platform/tenants'].flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).map((f) => path.join(dir, f))),
  ];

  test.each(configFiles)('%s names its schema and is valid against it', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)/.exec(text)?.[1];
    expect(modeline).toBeDefined();
    const schemaFile = path.resolve(path.dirname(path.join(ROOT, file)), modeline!);
    expect(path.dirname(schemaFile)).toBe(path.join(ROOT, 'schemas'));
    const validate = ajv.compile(schemas[path.basename(schemaFile)]);
    expect(validate(YAML.parse(text)) || validate.errors).toBe(true);
  });

  test('reject what the loader rejects', () => {
    const validate = ajv.compile(schemas['tenant.schema.json']);
    expect(validate({ name: 'oil', owners: [{ kind: 'Robot', name: 'r2d2' }] })).toBe(false);
    expect(validate({ name: 'oil', owners: [{ kind: 'User', name: 'alice' }], platform: { namespace: ['x'] } })).toBe(false);
    expect(validate({ apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', metadata: { name: 'oil' }, spec: { owners: [{ kind: 'User', name: 'a' }] }, extra: 1 })).toBe(false);
  });
});
