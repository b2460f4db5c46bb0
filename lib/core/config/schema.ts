import { ObjectOptions, TProperties, TSchema, Type } from '@sinclair/typebox';
import Ajv, { ValidateFunction } from 'ajv';
import { explainErrors, Explained, PATTERN_HINT } from '../validation/explain';
import { LABEL_KEY, LABEL_VALUE } from '../validation/labels';

export { LABEL_KEY, LABEL_VALUE } from '../validation/labels';

/**
 * Helpers to write configuration schemas: TypeBox builds plain JSON Schema (for ajv and editors)
 * and the matching TypeScript type from one declaration.
 */

/** A string restricted to `values`, rendered as a JSON Schema `enum` (clear errors, editor completion). */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** An object that rejects unknown fields. */
export function StrictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

// DNS-1123 label, as Kubernetes validates namespace and most object names.
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A Kubernetes object name that must be a DNS-1123 label. */
export function DnsLabel(options: { description?: string; default?: string } = {}) {
  return Type.String({ pattern: DNS_LABEL, maxLength: 63, ...options });
}

/** A Kubernetes label key such as `example.com/public`. */
export function LabelKey(options: { description?: string } = {}) {
  return Type.String({ pattern: LABEL_KEY, maxLength: 317, [PATTERN_HINT]: 'a Kubernetes label key such as example.com/name', ...options });
}

/** A Kubernetes label value. */
export function LabelValue(options: { description?: string; minLength?: number } = {}) {
  return Type.String({ pattern: LABEL_VALUE, [PATTERN_HINT]: "a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit", ...options });
}

/** Labels (key → value), e.g. a `matchLabels` or a `nodeSelector`. */
export function Labels(options: { description?: string } = {}) {
  return Type.Record(Type.String(), LabelValue(), { propertyNames: LabelKey(), minProperties: 1, ...options });
}

// DNS-1123 subdomain, as Kubernetes validates most object names (custom resources included).
export const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** A name that must be a DNS-1123 subdomain (e.g. of a custom resource). */
export function DnsSubdomain(options: { description?: string; default?: string } = {}) {
  return Type.String({ pattern: DNS_SUBDOMAIN, maxLength: 253, ...options });
}

/** A Flux/Go duration such as `10m`. */
export function Duration(options: { description?: string; default?: string } = {}) {
  return Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$', ...options });
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });

/** A compiled schema: validates data (filling in defaults) and explains what is wrong. */
export class SchemaValidator<T extends TSchema> {
  private compiled?: ValidateFunction;

  constructor(public readonly schema: T) {}

  /** Validates `data` in place (defaults are filled in) and returns what is wrong, if anything. */
  public check(data: unknown): Explained[] {
    this.compiled ??= ajv.compile(this.schema);
    return this.compiled(data) ? [] : explainErrors(this.compiled.errors ?? [], this.schema, data);
  }
}
