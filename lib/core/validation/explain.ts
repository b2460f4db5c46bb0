import type { ErrorObject } from 'ajv';
import { describeValue, fieldPath, pointerSegments } from '../errors';
import { LABEL_KEY, LABEL_KEY_HINT, LABEL_VALUE, LABEL_VALUE_HINT } from './labels';

/** A schema violation, explained: where it is and what would be accepted. */
export interface Explained {
  /** Path segments of the offending field inside the validated document. */
  readonly segments: string[];
  readonly message: string;
}

/** Throws one error listing `problems` (for constructs; the YAML loader reports them with file and line). */
export function throwIfProblems(subject: string, problems: readonly Explained[]): void {
  if (problems.length) throw new Error(`${subject}: ${problems.map((p) => `${fieldPath(p.segments)}: ${p.message}`).join('; ')}`);
}

/** Schema annotation that explains a `pattern` in words, for error messages. */
export const PATTERN_HINT = 'x-pattern-hint';

// Patterns that mean something to a human; the generic fallback prints the regular expression.
const PATTERN_HINTS: Record<string, string> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'",
  '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$': 'a duration such as 30s, 10m or 1h',
  [LABEL_KEY]: LABEL_KEY_HINT,
  [LABEL_VALUE]: LABEL_VALUE_HINT,
  // The generated CRD validators write label values (ObjectMeta) and quantities (int-or-string
  // resource amounts) with these patterns.
  '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$': LABEL_VALUE_HINT,
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$':
    'a Kubernetes quantity such as 500m, 2Gi or 10',
};

// What the OpenAPI formats the generated validators check allow, in words.
const FORMAT_HINTS: Record<string, string> = {
  int32: 'an integer from -2147483648 to 2147483647',
  int64: 'an integer',
};

/**
 * Turns ajv errors into one message per problem. `schema` is the schema that was validated against
 * (to list the allowed fields), `data` the validated document (to show what was given).
 */
export function explainErrors(errors: readonly ErrorObject[], schema: unknown, data: unknown): Explained[] {
  // A failed anyOf/oneOf reports each branch too, and a failed propertyNames the key's own error;
  // those inner errors only add noise. Except when the value is an object (or array) and only one
  // branch takes one (an object or false): then that branch's errors say which field breaks which rule.
  const chosen = new Map<ErrorObject, string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const branch = onlyBranchOfType(schemaAt(schema, e.schemaPath), valueAt(data, pointerSegments(e.instancePath)));
    if (branch !== undefined && errors.some((inner) => inner.schemaPath.startsWith(`${e.schemaPath}/${branch}/`))) chosen.set(e, `${e.schemaPath}/${branch}/`);
  }
  const unions = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'propertyNames') && !chosen.has(e));
  const otherBranch = (e: ErrorObject) => [...chosen].some(([u, branch]) => e.schemaPath.startsWith(`${u.schemaPath}/`) && !e.schemaPath.startsWith(branch));
  // A value of the wrong type also fails its format (1.5 is neither an integer nor an int32): say it once.
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const relevant = errors.filter(
    (e) =>
      !chosen.has(e) &&
      !otherBranch(e) &&
      !unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath)) &&
      !(e.keyword === 'format' && mistyped.has(e.instancePath)),
  );

  const seen = new Set<string>();
  const out: Explained[] = [];
  for (const error of relevant) {
    const explained = explain(error, schema, data);
    const key = `${explained.segments.join('/')}\u0000${explained.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(explained);
    }
  }
  return out;
}

function explain(error: ErrorObject, schema: unknown, data: unknown): Explained {
  const segments = pointerSegments(error.instancePath);
  const value = valueAt(data, segments);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const allowed = Object.keys(parentSchemaAt(schema, error.schemaPath)?.properties ?? {});
      return { segments: [...segments, property], message: unknownFieldMessage(allowed) };
    }
    case 'required':
      return { segments: [...segments, String(params.missingProperty)], message: 'required field is missing' };
    case 'enum':
      return { segments, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => describeValue(v)).join(', ')} (got ${describeValue(value)})` };
    case 'const':
      return { segments, message: `must be ${describeValue(params.allowedValue)} (got ${describeValue(value)})` };
    case 'type':
      return { segments, message: `must be ${article(String(params.type))} (got ${value === null ? 'null' : `${typeOf(value)} ${describeValue(value)}`})` };
    case 'pattern': {
      const pattern = String(params.pattern);
      // Our own schemas may say in words what the pattern means.
      const hint = (parentSchemaAt(schema, error.schemaPath) as { [PATTERN_HINT]?: string } | undefined)?.[PATTERN_HINT];
      return { segments, message: `must be ${hint ?? PATTERN_HINTS[pattern] ?? `a string matching ${pattern}`} (got ${describeValue(value)})` };
    }
    case 'minLength':
      return { segments, message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long (got ${describeValue(value)})` };
    case 'maxLength':
      return { segments, message: `must be at most ${params.limit} characters long (got ${describeValue(value)})` };
    case 'minItems':
      return { segments, message: `must have at least ${params.limit} item(s)` };
    case 'minProperties':
      return { segments, message: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} entries` };
    case 'uniqueItems':
      return { segments, message: `items must be unique (items ${params.j} and ${params.i} are equal)` };
    case 'format':
      return { segments, message: `must be ${FORMAT_HINTS[String(params.format)] ?? `a valid ${String(params.format)}`} (got ${describeValue(value)})` };
    case 'anyOf':
    case 'oneOf':
      return { segments, message: `${describeAlternatives(error, schema)} (got ${describeValue(value)})` };
    case 'propertyNames': {
      const names = schemaAt(schema, error.schemaPath) as { [PATTERN_HINT]?: string; pattern?: string } | undefined;
      const hint = names?.[PATTERN_HINT] ?? (names?.pattern === undefined ? undefined : PATTERN_HINTS[names.pattern]);
      return { segments: [...segments, String(params.propertyName)], message: hint ? `key must be ${hint}` : 'is not a valid key here' };
    }
    case 'minProperties':
      return { segments, message: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} entries` };
    default:
      return { segments, message: `${error.message ?? error.keyword} (got ${describeValue(value)})` };
  }
}

export function unknownFieldMessage(allowed: readonly string[]): string {
  return allowed.length ? `unknown field; allowed fields here: ${allowed.join(', ')}` : 'unknown field; this object takes no fields';
}

function describeAlternatives(error: ErrorObject, schema: unknown): string {
  const branches = schemaAt(schema, error.schemaPath) as Array<{ type?: string }> | undefined;
  const types = Array.isArray(branches) ? branches.map((b) => b.type).filter(Boolean) : [];
  return types.length ? `must be ${types.map((t) => article(String(t))).join(' or ')}` : `does not match any of the allowed forms`;
}

/** The index of the only branch of a union that takes objects (or arrays) when `value` is one, if exactly one does. */
function onlyBranchOfType(branches: unknown, value: unknown): number | undefined {
  // Only for objects and arrays: for a scalar the list of allowed types is the clearer message.
  const type = typeOf(value);
  if (!Array.isArray(branches) || (type !== 'object' && type !== 'array')) return undefined;
  const matching = branches.flatMap((b: { type?: string | string[] }, i) => ((Array.isArray(b?.type) ? b.type : [b?.type]).includes(type) ? [i] : []));
  return matching.length === 1 ? matching[0] : undefined;
}

function article(type: string): string {
  if (type.includes(',')) return type.split(',').map(article).join(' or ');
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(data: unknown, segments: string[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Resolves an ajv `schemaPath` (`#/properties/spec/...`) inside the schema. */
function schemaAt(schema: unknown, schemaPath: string): unknown {
  return valueAt(schema, pointerSegments(schemaPath.replace(/^#/, '')));
}

function parentSchemaAt(schema: unknown, schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  return schemaAt(schema, schemaPath.replace(/\/[^/]+$/, '')) as { properties?: Record<string, unknown> } | undefined;
}
