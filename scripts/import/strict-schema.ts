/**
 * Turns a CRD version's `openAPIV3Schema` into a strict JSON Schema (draft-07, for ajv).
 *
 * The API server *prunes* unknown fields of a structural schema silently; for GitOps output that is
 * a bug waiting to happen (a typo in a value is dropped, not reported). So the strict schema makes
 * every pruned field an error, and adds what the CRD leaves to the API server: the exact
 * apiVersion/kind, ObjectMeta (with namespace required or forbidden by the CRD's scope), and no
 * `status` (controllers write it, Git never should).
 *
 * Kubernetes extensions are translated where JSON Schema can express them:
 * - `x-kubernetes-preserve-unknown-fields: true` keeps an object open;
 * - `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
 * - `nullable` adds `null` to the type;
 * - `x-kubernetes-list-type: set` becomes `uniqueItems`.
 * CEL rules (`x-kubernetes-validations`) and list-map key uniqueness are not checked; the result says
 * how many were skipped so the generated code documents its own limits.
 */

import { DNS_LABEL, DNS_SUBDOMAIN } from '../../lib/core/config/schema';
import { LABEL_KEY, LABEL_VALUE } from '../../lib/core/validation/labels';

export type JsonSchema = { [key: string]: unknown };

export type CrdScope = 'Namespaced' | 'Cluster';

export interface StrictSchemaOptions {
  /** Keep `description`s (for editor schemas; the validators do not need them). */
  readonly keepDescriptions?: boolean;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly scope: CrdScope;
}

export interface StrictSchemaResult {
  readonly schema: JsonSchema;
  /** Constraints that exist in the CRD but cannot be checked by the generated validator. */
  readonly unchecked: { readonly celRules: number; readonly listMapKeys: number; readonly patterns: string[] };
}

/** Formats the generated validators check; every other OpenAPI format is an annotation only. */
export const CHECKED_FORMATS = ['int32', 'int64', 'date-time', 'duration'] as const;


/** The ObjectMeta fields a declarative manifest may carry; server-populated fields are rejected. */
export function objectMetaSchema(scope: CrdScope): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 317, pattern: LABEL_KEY },
      additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
  };
  if (scope === 'Namespaced') {
    properties.namespace = { type: 'string', minLength: 1, maxLength: 63, pattern: DNS_LABEL };
  }
  return {
    type: 'object',
    additionalProperties: false,
    required: scope === 'Namespaced' ? ['name', 'namespace'] : ['name'],
    properties,
  };
}

const KEPT_KEYWORDS = new Set([
  'type', 'enum', 'pattern', 'format', 'required', 'default',
  'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);
const IGNORED_KEYWORDS = new Set([
  'description', 'example', 'title', 'nullable', 'externalDocs',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);

export function toStrictSchema(openAPIV3Schema: JsonSchema, options: StrictSchemaOptions): StrictSchemaResult {
  const unchecked = { celRules: 0, listMapKeys: 0, patterns: [] as string[] };
  const root = convert(openAPIV3Schema, unchecked, options.keepDescriptions ?? false);
  const properties = { ...(root.properties as Record<string, JsonSchema>) };
  delete properties.status;
  properties.apiVersion = { type: 'string', const: options.group ? `${options.group}/${options.version}` : options.version };
  properties.kind = { type: 'string', const: options.kind };
  properties.metadata = objectMetaSchema(options.scope);
  const required = new Set(['apiVersion', 'kind', 'metadata', ...((root.required as string[] | undefined) ?? [])]);
  return {
    schema: { ...root, type: 'object', properties, required: [...required], additionalProperties: false },
    unchecked,
  };
}

type Unchecked = { celRules: number; listMapKeys: number; patterns: string[] };

function convert(node: JsonSchema, unchecked: Unchecked, descriptions: boolean): JsonSchema {
  const out: JsonSchema = {};
  const recurse = (child: JsonSchema) => convert(child, unchecked, descriptions);
  for (const [key, value] of Object.entries(node)) {
    if (KEPT_KEYWORDS.has(key) || (descriptions && key === 'description')) {
      out[key] = value;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [name, recurse(child)]),
      );
    } else if (key === 'items' || key === 'not') {
      out[key] = recurse(value as JsonSchema);
    } else if (key === 'additionalProperties') {
      out.additionalProperties = typeof value === 'boolean' ? value : recurse(value as JsonSchema);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as JsonSchema[]).map(recurse);
    } else if (!IGNORED_KEYWORDS.has(key)) {
      throw new Error(`unsupported OpenAPI keyword '${key}' in CRD schema`);
    }
  }

  if (Array.isArray(node['x-kubernetes-validations'])) unchecked.celRules += node['x-kubernetes-validations'].length;
  if (node['x-kubernetes-list-map-keys']) unchecked.listMapKeys += 1;
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;

  if (typeof out.format === 'string' && !(CHECKED_FORMATS as readonly string[]).includes(out.format)) delete out.format;

  if (typeof out.pattern === 'string' && !compilesInJs(out.pattern)) {
    // Kubernetes uses RE2; the few RE2-only constructs are left to the API server.
    unchecked.patterns.push(out.pattern);
    delete out.pattern;
  }

  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }

  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.type === 'object' && !preserveUnknown && out.additionalProperties === undefined) {
    // Structural schemas prune whatever is not declared; strict mode turns that into an error.
    out.additionalProperties = false;
  }

  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...(out.anyOf as JsonSchema[]), { type: 'null' }];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function compilesInJs(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
