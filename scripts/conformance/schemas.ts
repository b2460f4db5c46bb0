/**
 * Standalone, strict JSON schemas for kubeconform, generated offline: the built-in kinds from the
 * OpenAPI (v2) of the pinned Kubernetes sources (api/openapi-spec/swagger.json of
 * k8s.io/kubernetes, ENGINES.kubernetes), the custom resources from CRDs (../shared/crds and the
 * CRDs the charts render). kubeconform's -strict does not change a schema, so strictness is written
 * into it:
 * - `additionalProperties: false` wherever an object lists properties and allows no others
 *   (not where a CRD says x-kubernetes-preserve-unknown-fields);
 * - int-or-string (IntOrString, x-kubernetes-int-or-string) takes an integer or a string, a
 *   Quantity a number or a string of the quantity grammar (`memory: lots` fails), as the API server
 *   decodes them;
 * - an optional field may be null (the API server drops it; helm renders `creationTimestamp: null`);
 * - a custom resource's metadata is checked as ObjectMeta, as the API server does.
 * Each file holds the definitions it references (no remote $ref: kubeconform would download).
 * Not checked here: CEL rules (x-kubernetes-validations) and admission webhooks.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

type Schema = Record<string, any>;

/** Keywords a JSON schema validator uses; descriptions and OpenAPI extensions are dropped. */
const KEEP = new Set([
  'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'format', 'pattern', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties',
  'maxProperties', 'multipleOf', 'allOf', 'anyOf', 'oneOf', 'not', '$ref',
]);

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** kubeconform's -schema-location template for a folder written by generateSchemas(). */
export function schemaLocation(dir: string): string {
  return path.join(dir, '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json');
}

/** The file kubeconform looks up for apiVersion/kind (its schemaPath(): lowercased kind, group before the `/`). */
export function schemaFile(dir: string, apiVersion: string, kind: string): string {
  const parts = apiVersion.split('/');
  return path.join(dir, parts[0], `${kind.toLowerCase()}_${parts[parts.length - 1]}.json`);
}

export interface GeneratedSchemas {
  readonly dir: string;
  /** `apiVersion kind` of every schema written. */
  readonly kinds: ReadonlySet<string>;
  /** Where each custom resource's schema came from (the CRD file or chart). */
  readonly crdSources: ReadonlyMap<string, string>;
  /** Caveats: the same kind defined differently by two CRD sources, and which one was used. */
  readonly notes: readonly string[];
}

/** A CRD and where it was read from (a file, or a chart's rendered output). */
export interface CrdSource {
  readonly crd: Schema;
  readonly source: string;
  /** Sources that are preferred when two define the same kind differently (a chart's CRD is what its cluster runs). */
  readonly preferred?: boolean;
}

/** The built-in kinds' schemas, and the converted OpenAPI definitions CRD schemas reference (ObjectMeta). */
export interface BuiltinSchemas {
  readonly dir: string;
  readonly definitions: ReadonlyMap<string, Schema>;
  /** `apiVersion kind` of every schema written. */
  readonly kinds: ReadonlySet<string>;
}

/** One schema file per built-in kind of the Kubernetes OpenAPI (v2) `swaggerFile`, into `dir`. */
export function generateBuiltinSchemas(dir: string, swaggerFile: string): BuiltinSchemas {
  fs.rmSync(dir, { recursive: true, force: true });
  const swagger = JSON.parse(fs.readFileSync(swaggerFile, 'utf8')) as { definitions: Record<string, Schema> };
  const definitions = new Map<string, Schema>();
  for (const [name, definition] of Object.entries(swagger.definitions)) definitions.set(name, convertBuiltin(name, definition));
  const kinds = new Set<string>();
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    for (const gvk of (definition['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      writeSchema(dir, apiVersion, gvk.kind, standalone({ $ref: `#/definitions/${name}` }, definitions));
      kinds.add(`${apiVersion} ${gvk.kind}`);
    }
  }
  return { dir, definitions, kinds };
}

/**
 * One schema file per served version of every custom resource in `crds`, into `dir`. Where two
 * sources define a kind differently, a preferred one (a chart's CRD: what its cluster runs) wins,
 * else the first; the notes say which.
 */
export function generateCrdSchemas(dir: string, builtins: BuiltinSchemas, crds: readonly CrdSource[]): GeneratedSchemas {
  fs.rmSync(dir, { recursive: true, force: true });
  const chosen = new Map<string, { schema: Schema; source: string; preferred: boolean; json: string }>();
  const notes: string[] = [];
  for (const { crd, source, preferred } of crds) {
    const group = crd.spec?.group as string;
    const kind = crd.spec?.names?.kind as string;
    for (const version of (crd.spec?.versions ?? []) as Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }>) {
      const key = `${group}/${version.name} ${kind}`;
      const raw = version.schema?.openAPIV3Schema;
      if (!raw) throw new Error(`${source}: CRD ${crd.metadata?.name} version ${version.name} has no openAPIV3Schema`);
      const schema = convertCrdRoot(raw);
      const json = JSON.stringify(schema);
      const previous = chosen.get(key);
      if (previous && previous.json !== json) {
        const keep = previous.preferred || !preferred ? previous : undefined;
        notes.push(`${key}: ${previous.source} and ${source} define it differently; validated against ${(keep ?? { source }).source}`);
        if (keep) continue;
      }
      if (!previous || previous.json !== json) chosen.set(key, { schema, source, preferred: !!preferred, json });
    }
  }
  const kinds = new Set<string>();
  const crdSources = new Map<string, string>();
  for (const [key, { schema, source }] of chosen) {
    const [apiVersion, kind] = key.split(' ');
    writeSchema(dir, apiVersion, kind, standalone(schema, builtins.definitions));
    kinds.add(key);
    crdSources.set(key, source);
  }
  return { dir, kinds, crdSources, notes: [...new Set(notes)] };
}

function writeSchema(dir: string, apiVersion: string, kind: string, schema: Schema): void {
  const file = schemaFile(dir, apiVersion, kind);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(schema));
}

/** `root` with every definition it reaches, under `definitions`. */
function standalone(root: Schema, definitions: ReadonlyMap<string, Schema>): Schema {
  const used = new Map<string, Schema>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const ref = (node as Schema).$ref;
      if (typeof ref === 'string') {
        const name = ref.replace('#/definitions/', '');
        if (!used.has(name)) {
          const definition = definitions.get(name);
          if (!definition) throw new Error(`OpenAPI definition ${name} is missing`);
          used.set(name, definition);
          visit(definition);
        }
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(root);
  const sorted = Object.fromEntries([...used.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { ...root, definitions: sorted };
}

/** An OpenAPI v2 definition of a built-in type, strict. */
function convertBuiltin(name: string, definition: Schema): Schema {
  if (name === INT_OR_STRING) return { type: ['integer', 'string'] };
  // resource.Quantity decodes a number or a string of its grammar (the pattern controller-gen writes into CRDs).
  if (name === QUANTITY) return { anyOf: [{ type: 'number' }, { type: 'string', pattern: QUANTITY_PATTERN }] };
  return strict(definition, { refs: true });
}

/** A CRD's openAPIV3Schema as the root of a custom resource's schema. */
function convertCrdRoot(raw: Schema): Schema {
  const schema = strict(raw, { refs: false });
  // The API server validates a custom resource's metadata as ObjectMeta (name, labels, ...).
  schema.properties = { ...(schema.properties ?? {}), metadata: { $ref: `#/definitions/${OBJECT_META}` } };
  for (const field of ['apiVersion', 'kind']) schema.properties[field] ??= { type: 'string' };
  if (schema.additionalProperties === undefined && !raw['x-kubernetes-preserve-unknown-fields']) schema.additionalProperties = false;
  return schema;
}

function strict(node: Schema, options: { refs: boolean }): Schema {
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEEP.has(key)) continue;
    if (key === '$ref') {
      if (!options.refs || typeof value !== 'string' || !value.startsWith('#/definitions/')) throw new Error(`unexpected $ref ${value}`);
      out.$ref = value;
    } else if (key === 'properties') {
      const required = new Set<string>(node.required ?? []);
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, child]) => [name, required.has(name) ? strict(child, options) : nullable(strict(child, options))]),
      );
    } else if (key === 'additionalProperties' || key === 'items' || key === 'not') {
      out[key] = typeof value === 'object' && value !== null ? strict(value, options) : value;
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as Schema[]).map((v) => strict(v, options));
    } else if (key === 'format' && value === 'int-or-string') {
      // handled with the type below
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] || node.format === 'int-or-string') {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['x-kubernetes-embedded-resource'] && out.properties) {
    for (const field of ['apiVersion', 'kind']) out.properties[field] ??= { type: 'string' };
    out.properties.metadata ??= { type: 'object' };
  }
  if (node.nullable === true) return nullable(out);
  if (out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** `schema`, or null. */
function nullable(schema: Schema): Schema {
  if (Array.isArray(schema.enum)) schema = { ...schema, enum: schema.enum.includes(null) ? schema.enum : [...schema.enum, null] };
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type)) return schema.type.includes('null') ? schema : { ...schema, type: [...schema.type, 'null'] };
  if (Object.keys(schema).length === 0) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/** Every CustomResourceDefinition in the YAML files under `dir` (recursively). */
export function readCrdFiles(dir: string): CrdSource[] {
  const out: CrdSource[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(full, 'utf8'))) {
          const crd = doc.toJS() as Schema | null;
          if (crd?.kind === 'CustomResourceDefinition') out.push({ crd, source: full });
        }
      }
    }
  };
  walk(dir);
  return out;
}
