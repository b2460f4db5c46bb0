import { Yaml } from 'cdk8s';
import * as YAML from 'yaml';

/**
 * The YAML of the output, byte for byte what cdk8s's `Yaml.stringify` writes (YAML 1.1 schema, no
 * line folding, documents joined by `---`), faster for the documents that make up nearly all of a
 * large platform.
 *
 * `Yaml.stringify` builds a full `yaml` document model for every object, which is most of the
 * render time with thousands of tenants. Kubernetes objects are mostly maps, lists and short
 * strings, so `fastStringify` writes those directly and asks `yaml` only for scalars that are not
 * plainly safe (numbers with units, values that YAML 1.1 would read as booleans, anything quoted).
 * A document with anything else (a multi-line string, an unusual key) is left to `Yaml.stringify`
 * whole. The tests compare both on every rendered document of several configurations.
 */
export function stringifyDocuments(documents: readonly unknown[]): string {
  return documents.map((doc) => fastStringify(doc) ?? Yaml.stringify(doc)).join('---\n');
}

const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

// A string `yaml` writes as is: starts with a letter or `/`, continues with letters, digits and
// `_ . / - :`, and does not end with `:`. Everything else goes through `yaml`.
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./:-]*$/;
// Of those, what YAML 1.1 reads as something other than a string, so `yaml` quotes it: booleans
// and null, and floats with an empty mantissa (`e3`). (Every other number starts with a digit.)
const YAML11_NOT_A_STRING = /^((y|n|yes|no|true|false|on|off|null)$|[eE][0-9])/i;

/**
 * What `yaml` wrote for scalars that are not plainly safe. The same few recur thousands of times
 * (`"*"`, `"true"`, `"9001"`); the cap bounds memory for unusual inputs.
 */
const scalarCache = new Map<unknown, string | null>();
const SCALAR_CACHE_LIMIT = 10_000;

/** Signals that a document is outside the fast path. */
class Unsupported extends Error {}

/** The YAML of one document, or `undefined` when only `Yaml.stringify` can write it exactly. */
export function fastStringify(document: unknown): string | undefined {
  if (!isMap(document)) return undefined;
  try {
    const lines: string[] = [];
    writeMap(document, '', lines);
    return lines.length ? `${lines.join('\n')}\n` : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function writeMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix?: string): void {
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    const prefix = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const k = key_(key);
    if (isMap(value)) {
      if (Object.keys(value).length === 0) lines.push(`${prefix}${k}: {}`);
      else {
        lines.push(`${prefix}${k}:`);
        writeMap(value, `${indent}  `, lines);
      }
    } else if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${prefix}${k}: []`);
      else {
        lines.push(`${prefix}${k}:`);
        writeSeq(value, `${indent}  `, lines);
      }
    } else {
      lines.push(`${prefix}${k}: ${scalar(value)}`);
    }
  }
  if (first) throw new Unsupported(); // an empty map here would be written `{}` by the caller
}

function writeSeq(seq: readonly unknown[], indent: string, lines: string[]): void {
  for (const item of seq) {
    if (isMap(item)) {
      if (Object.keys(item).length === 0) lines.push(`${indent}- {}`);
      else writeMap(item, `${indent}  `, lines, `${indent}- `);
    } else if (Array.isArray(item)) {
      throw new Unsupported(); // nested sequences: rare, and laid out differently
    } else {
      lines.push(`${indent}- ${scalar(item)}`);
    }
  }
}

function isPlain(text: string): boolean {
  return PLAIN.test(text) && !YAML11_NOT_A_STRING.test(text) && !text.endsWith(':');
}

function key_(key: string): string {
  if (isPlain(key)) return key;
  throw new Unsupported();
}

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    if (isPlain(value)) return value;
  } else if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  } else {
    throw new Unsupported(); // null, undefined, objects of classes: what cdk8s never emits here
  }
  // Anything else: exactly as `yaml` writes it, as long as it fits on one line.
  let line = scalarCache.get(value);
  if (line === undefined) {
    const text = YAML.stringify(value, YAML_OPTIONS);
    const single = text.endsWith('\n') ? text.slice(0, -1) : text;
    line = single.includes('\n') ? null : single;
    if (scalarCache.size < SCALAR_CACHE_LIMIT) scalarCache.set(value, line);
  }
  if (line === null) throw new Unsupported();
  return line;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
