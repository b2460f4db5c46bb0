/**
 * Kubernetes label keys and values (k8s.io/apimachinery IsQualifiedName, IsValidLabelValue), as
 * patterns for schemas and as checks with the rule in words for messages. A leaf module: both the
 * schema helpers and the error explainer use it.
 */

// An optional DNS subdomain prefix and '/', then a name of at most 63 characters (alphanumerics,
// '-', '_', '.'), starting and ending alphanumeric. Annotation keys follow the same rule.
export const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
// Label values: empty, or at most 63 such characters.
export const LABEL_VALUE = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';

const KEY_FORM = "an optional DNS subdomain prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
const VALUE_FORM = "empty, or at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";

/** The rules in words, as sentences (`not a valid label key; <rule>`). */
export const LABEL_KEY_RULE = `a label key is ${KEY_FORM}`;
export const ANNOTATION_KEY_RULE = `an annotation key is ${KEY_FORM}`;
export const LABEL_VALUE_RULE = `a label value is ${VALUE_FORM}`;

/** The rules in words, as what a value must be (`must be <hint>`). */
export const LABEL_KEY_HINT = `a label key: ${KEY_FORM}`;
export const LABEL_VALUE_HINT = `a label value: ${VALUE_FORM}`;

const labelKey = new RegExp(LABEL_KEY);
const labelValue = new RegExp(LABEL_VALUE);

/** A valid label (or annotation) key; the pattern cannot say that the prefix is at most 253 characters. */
export function isLabelKey(key: string): boolean {
  return labelKey.test(key) && key.lastIndexOf('/') <= 253;
}

export function isLabelValue(value: string): boolean {
  return labelValue.test(value);
}
