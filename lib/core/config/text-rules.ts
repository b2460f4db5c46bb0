import type { Explained } from '../validation/explain';
import { describeValue } from '../errors';

/**
 * Rules for text in configuration files (docs/input-limits.md). Configuration is read by people in
 * review, and its values become Kubernetes names, users and groups, Teleport names and Markdown: a
 * value must be exactly what a reviewer sees.
 */

/**
 * Characters refused anywhere in a file, comments included: control characters other than tab, line
 * feed and carriage return (C0, DEL, C1), bidirectional embeddings, overrides and isolates ("Trojan
 * Source"), zero-width characters and a byte order mark after the start. They are invisible, or make
 * the text read differently from what it is.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
/** In a name: the above, tab, line breaks, and every blank other than the plain space. */
const NOT_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[^\S ]/u;

/** `U+XXXX` of a character, and its usual name when it has a short one. */
export function describeCharacter(c: string): string {
  const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const names: Record<string, string> = {
    '\u0000': 'NUL',
    '\t': 'tab',
    '\n': 'line feed',
    '\r': 'carriage return',
    '\u001b': 'escape',
    '\u007f': 'delete',
    '\u200b': 'zero-width space',
    '\u200d': 'zero-width joiner',
    '\u202e': 'right-to-left override',
    '\ufeff': 'byte order mark',
    ' ': 'space',
  };
  return names[c] ? `${code} (${names[c]})` : code;
}

/** The first character of `text` that no configuration file may hold, with its 1-based line and column. */
export function findInvisible(text: string): { line: number; column: number; character: string } | undefined {
  const match = INVISIBLE.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return { line, column: match.index - before.lastIndexOf('\n'), character: match[0] };
}

/**
 * Control characters in parsed values and keys (written as escapes such as "\0" or "\e", which the
 * raw-text check cannot see). Line breaks and tabs are allowed in values (multi-line chart values, a
 * JWKS); names are checked by `nameProblem`.
 */
export function valueControlProblems(data: unknown): Explained[] {
  const problems: Explained[] = [];
  const bad = (s: string) => INVISIBLE.exec(s)?.[0];
  const visit = (value: unknown, segments: string[]) => {
    if (typeof value === 'string') {
      const c = bad(value);
      if (c) problems.push({ segments, message: `holds the invisible or control character ${describeCharacter(c)}; configuration text must be exactly what a reviewer sees` });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, String(i)]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const c = bad(key);
        if (c) problems.push({ segments: [...segments, key], message: `key holds the invisible or control character ${describeCharacter(c)}; configuration text must be exactly what a reviewer sees` });
        else visit(child, [...segments, key]);
      }
    }
  };
  visit(data, []);
  return problems;
}

// Scripts whose letters look like Latin ones (а/a, е/e, о/o, р/p, с/c, ѕ/s, і/i, ο/o, ν/v, Α/A...).
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
];

/** The look-alike script mixed with Latin letters in `name`, if any. */
export function mixedScript(name: string): string | undefined {
  if (!LATIN.test(name)) return undefined;
  return LOOK_ALIKE_SCRIPTS.find(([, script]) => script.test(name))?.[0];
}

/** The tenant setting that allows mixed-script names (owners, users, groups) in one tenant. */
export const ALLOW_MIXED_SCRIPT = 'allowMixedScriptNames';

/**
 * What is wrong with `name` as a Kubernetes user or group name (an owner, a subject, a Teleport
 * role's kubernetes_users and kubernetes_groups), if anything. Kubernetes itself accepts any string
 * there; these names are compared byte for byte with what the authenticator (Teleport, OIDC) says,
 * and printed in ACCESS.md, so a name must be visible text on one line (inner spaces allowed, as in
 * directory groups), without blanks around it,
 * and not mix Latin letters with look-alikes from another script unless the tenant allows it.
 */
export function nameProblem(name: string, what: string, allowMixedScript = false): string | undefined {
  const c = NOT_IN_NAME.exec(name)?.[0];
  if (c !== undefined) return `${what} holds ${describeCharacter(c)}; a name is visible text on one line`;
  if (name.trim() !== name) return `${what} ${describeValue(name)} starts or ends with a space; Kubernetes compares names byte for byte`;
  const script = allowMixedScript ? undefined : mixedScript(name);
  if (script) {
    return `${what} ${describeValue(name)} mixes Latin and ${script} letters, which look alike (a spoofed name); write it in one script, or set platform.${ALLOW_MIXED_SCRIPT}: true in this tenant if the name is real`;
  }
  return undefined;
}

/** Teleport's rule for kube_cluster names (api/types: validKubeClusterName; they become file names in ~/.tsh). */
export const TELEPORT_KUBE_CLUSTER_NAME = /^[a-zA-Z0-9._-]+$/;
/** Teleport's rule for label keys (api/types: LabelPattern). */
export const TELEPORT_LABEL_KEY = /^[a-zA-Z/.0-9_:*-]+$/;
