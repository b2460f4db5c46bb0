/**
 * Whether Go's regexp package accepts a pattern (RE2 syntax, Perl flags, as Capsule, Teleport and
 * Kubernetes controllers compile their `*Regex` settings), without Go.
 *
 * This is an approximation. The pattern is scanned once for the syntax where Go and JavaScript
 * differ, which is checked by Go's rules (regexp/syntax/parse.go, Go 1.24):
 * - flag groups `(?i)`, `(?i-s:...)` anywhere (flags i, m, s, U, `-` to clear), named groups
 *   `(?P<name>...)` and `(?<name>...)`; no lookaround, atomic groups, comments or backreferences;
 * - escapes: punctuation, `\a \f \n \r \t \v`, octal `\0`..`\777`, `\x7F`, `\x{10FFFF}`, `\d \s \w`
 *   (and negations), `\pL`, `\p{Greek}`, `\A \z \b \B`, `\Q...\E`; nothing else (`\Z`, `\e`, `\1`,
 *   `\k<x>`, `\u0041`, `\C` are errors), and in a class only the ones that stand for characters;
 * - character classes: `]` first is literal, POSIX classes `[[:alpha:]]` by name, ranges in order;
 * - repeat counts of at most 1000 (`{2,1}` and `{1001}` are errors, `{01}` is literal).
 * The rest is translated into a JavaScript pattern with the same structure (a class becomes `[x]`,
 * an escape `x`, an assertion a quantifiable `(?:)`), which JavaScript compiles to check what both
 * languages share: balanced groups, and repetition with an operand and not stacked (`a**`).
 * Not checked: Go's limits on nesting (1000 levels) and on compiled size (`(a{1000}){1000}`), UTF-8,
 * and which script names Go's Unicode tables know (JavaScript's are used, aliases such as Latn
 * included).
 */

const POSIX_CLASSES = ['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit'];
// Go's unicode.Categories (short names only) and the special Any; scripts are checked with JavaScript.
const UNICODE_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs Any'.split(' '),
);
const PERL_CLASSES = 'dDsSwW';
const C_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const CAPTURE_NAME = /^[A-Za-z0-9_]+$/;
const REPEAT = /^\{([0-9]+)(,([0-9]*))?\}/;
const HEX = /^[0-9A-Fa-f]$/;
const ALNUM = /^[0-9A-Za-z]$/;
const OCTAL = /^[0-7]$/;
// Escapes of other dialects (PCRE, JavaScript) that people write, and what RE2 has instead.
const UNSUPPORTED_ESCAPES: Record<string, string> = {
  Z: 'RE2 writes the end of text \\z',
  e: 'write the escape character as \\x1b',
  C: 'RE2 matches characters, not bytes',
  u: 'write a code point as \\x{263A}',
  G: 'RE2 has no match-continuation anchor',
};

const scripts = new Map<string, boolean>();

/**
 * Why Go would refuse `source` (with the source quoted), or undefined if it would compile it.
 * @param compiledBy the Go program that compiles it, for messages
 */
export function re2Problem(source: string, compiledBy = 'Capsule'): string | undefined {
  const quoted = JSON.stringify(source);
  let js: string;
  try {
    js = translate(source);
  } catch (error) {
    if (!(error instanceof Re2Error)) throw error;
    if (error.unsupported) return `${quoted} uses ${error.unsupported}, which Go's RE2 (and so ${compiledBy}) does not support${error.hint}`;
    return `${quoted} is not a valid regular expression (${error.reason})`;
  }
  try {
    new RegExp(js);
    return undefined;
  } catch (error) {
    // What JavaScript found wrong with the translation's structure ("Unterminated group", "Nothing to repeat").
    const reason = (error as Error).message.replace(/^.*: /, '');
    return `${quoted} is not a valid regular expression (${reason.charAt(0).toLowerCase()}${reason.slice(1)})`;
  }
}

/** Go refuses the pattern: a malformed one (`reason`), or one in a syntax RE2 does not have (`unsupported`). */
class Re2Error {
  constructor(
    public readonly reason: string,
    public readonly unsupported?: string,
    public readonly hint = '',
  ) {}
}

const unsupported = (what: string, hint = '') => new Re2Error(what, what, hint);

function translate(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === undefined) throw new Re2Error('trailing backslash at end of expression');
      if ('AzbB'.includes(next)) {
        out += '(?:)';
        i += 2;
      } else if (next === 'Q') {
        const end = s.indexOf('\\E', i + 2);
        out += 'x'.repeat((end < 0 ? s.length : end) - (i + 2));
        i = end < 0 ? s.length : end + 2;
      } else if (next === 'p' || next === 'P') {
        i = unicodeClass(s, i);
        out += '.';
      } else if (PERL_CLASSES.includes(next)) {
        out += `\\${next}`;
        i += 2;
      } else {
        i = escape(s, i, false).end;
        out += 'x';
      }
    } else if (c === '(') {
      const group = groupStart(s, i);
      out += group.js;
      i = group.end;
    } else if (c === '[') {
      i = characterClass(s, i);
      out += '[x]';
    } else if (c === '{') {
      const repeat = REPEAT.exec(s.slice(i));
      // Go takes `{` literally unless a repeat count follows, and a count with a leading zero is none.
      if (!repeat || /^0[0-9]/.test(repeat[1]) || (repeat[3] !== undefined && /^0[0-9]/.test(repeat[3]))) {
        out += '\\{';
        i += 1;
      } else {
        const min = Number(repeat[1]);
        const max = repeat[2] === undefined ? min : repeat[3] === '' ? undefined : Number(repeat[3]);
        if (min > 1000 || (max !== undefined && max > 1000)) throw new Re2Error(`invalid repeat count ${repeat[0]}: at most 1000`);
        if (max !== undefined && min > max) throw new Re2Error(`invalid repeat count ${repeat[0]}: the minimum is above the maximum`);
        out += repeat[0];
        i += repeat[0].length;
      }
    } else if (c === '^' || c === '$') {
      out += '(?:)';
      i += 1;
    } else if ('*+?|.)'.includes(c)) {
      out += c;
      i += 1;
    } else {
      out += 'x';
      i += 1;
    }
  }
  return out;
}

/** `(`, `(?:`, `(?flags)`, `(?flags:` or a named group at `i`. */
function groupStart(s: string, i: number): { js: string; end: number } {
  if (s[i + 1] !== '?') return { js: '(', end: i + 1 };
  const rest = s.slice(i + 2);
  if (/^(=|!|<=|<!)/.test(rest)) throw unsupported('lookaround');
  if (rest.startsWith('P<') || rest.startsWith('<')) {
    const start = i + (rest.startsWith('P') ? 4 : 3);
    const end = s.indexOf('>', start);
    const name = end < 0 ? '' : s.slice(start, end);
    if (end < 0 || !CAPTURE_NAME.test(name)) throw new Re2Error(`invalid named capture ${s.slice(i, end < 0 ? s.length : end + 1)}: a name is letters, digits and _`);
    // JavaScript wants names that start with a letter, once each; Go does not: an unnamed group is equivalent here.
    return { js: '(', end: end + 1 };
  }
  let negated = false;
  let flag = false;
  for (let j = i + 2; j < s.length; j++) {
    const c = s[j];
    if ('imsU'.includes(c)) flag = true;
    else if (c === '-' && !negated) {
      negated = true;
      flag = false;
    } else if ((c === ':' || c === ')') && !(negated && !flag)) {
      return { js: c === ':' ? '(?:' : '', end: j + 1 };
    } else break;
  }
  if (rest.startsWith('P=') || rest.startsWith('P>')) throw unsupported('a backreference');
  const what = /^[>#']/.test(rest) ? { '>': 'an atomic group', '#': 'a comment group', "'": "a group named with '" }[rest[0]] : undefined;
  if (what) throw unsupported(what);
  throw new Re2Error(`invalid or unsupported Perl syntax at ${s.slice(i, i + 4)}: flag groups are (?flags) or (?flags:...) with flags from i, m, s, U and - to clear them`);
}

/** `\p{Name}`, `\pN`, `\P...` at `i`; returns the index after it. */
function unicodeClass(s: string, i: number): number {
  let name: string;
  let end: number;
  if (s[i + 2] === '{') {
    const close = s.indexOf('}', i + 3);
    if (close < 0) throw new Re2Error(`invalid character class range ${s.slice(i)}: missing }`);
    name = s.slice(i + 3, close);
    end = close + 1;
  } else {
    const code = s.codePointAt(i + 2);
    if (code === undefined) throw new Re2Error(`invalid escape sequence ${s.slice(i)}`);
    name = String.fromCodePoint(code);
    end = i + 2 + name.length;
  }
  const bare = name.startsWith('^') ? name.slice(1) : name;
  if (!UNICODE_CATEGORIES.has(bare) && !isScript(bare)) {
    throw new Re2Error(`unknown Unicode class ${s.slice(i, end)}: RE2 knows categories such as L, Lu, Nd and scripts such as Greek or Han`);
  }
  return end;
}

function isScript(name: string): boolean {
  let known = scripts.get(name);
  if (known === undefined) {
    try {
      new RegExp(`\\p{Script=${name}}`, 'u');
      known = /^[A-Za-z_]+$/.test(name);
    } catch {
      known = false;
    }
    scripts.set(name, known);
  }
  return known;
}

/**
 * A single-character escape at `i` (Go's parseEscape): its code point and the index after it. `inClass`
 * only changes the message.
 */
function escape(s: string, i: number, inClass: boolean): { code: number; end: number } {
  const c = s[i + 1];
  if (c === undefined) throw new Re2Error('trailing backslash at end of expression');
  const code = c.codePointAt(0)!;
  if (code < 0x80 && !ALNUM.test(c)) return { code, end: i + 2 };
  if (OCTAL.test(c) && (c === '0' || OCTAL.test(s[i + 2] ?? ''))) {
    let end = i + 2;
    while (end < i + 4 && OCTAL.test(s[end] ?? '')) end++;
    return { code: parseInt(s.slice(i + 1, end), 8), end };
  }
  if (/[1-9]/.test(c) || c === 'k') throw unsupported(`a backreference (\\${c})`);
  if (c === 'x') {
    let written = s.slice(i, i + 4);
    if (s[i + 2] === '{') {
      const close = s.indexOf('}', i + 3);
      const digits = close < 0 ? '' : s.slice(i + 3, close);
      if (/^[0-9A-Fa-f]+$/.test(digits) && parseInt(digits, 16) <= 0x10ffff) return { code: parseInt(digits, 16), end: close + 1 };
      if (close >= 0) written = s.slice(i, close + 1);
    } else if (HEX.test(s[i + 2] ?? '') && HEX.test(s[i + 3] ?? '')) {
      return { code: parseInt(s.slice(i + 2, i + 4), 16), end: i + 4 };
    }
    throw new Re2Error(`invalid escape sequence ${written}: write two hex digits (\\x7F) or up to 10FFFF in braces (\\x{263A})`);
  }
  if (c in C_ESCAPES) return { code: C_ESCAPES[c], end: i + 2 };
  if (c in UNSUPPORTED_ESCAPES) throw unsupported(`\\${c}`, `; ${UNSUPPORTED_ESCAPES[c]}`);
  const hint = inClass && 'AzbBQ'.includes(c) ? ` (not in a character class${c === 'b' ? '; write a backspace as \\x08' : ''})` : '';
  throw new Re2Error(`invalid escape sequence \\${c}${hint}`);
}

/** A character class at `i` (Go's parseClass); returns the index after its `]`. */
function characterClass(s: string, i: number): number {
  let t = i + 1;
  if (s[t] === '^') t++;
  let first = true;
  while (t >= s.length || s[t] !== ']' || first) {
    if (t >= s.length) throw new Re2Error(`missing closing ] in ${s.slice(i)}`);
    first = false;
    if (s.startsWith('[:', t)) {
      const close = s.indexOf(':]', t + 2);
      if (close >= 0) {
        const name = s.slice(t + 2, close);
        if (!POSIX_CLASSES.includes(name.startsWith('^') ? name.slice(1) : name)) {
          throw new Re2Error(`unknown POSIX class [:${name}:]; RE2 knows ${POSIX_CLASSES.map((n) => `[:${n}:]`).join(' ')}`);
        }
        t = close + 2;
        continue;
      }
    }
    if (s[t] === '\\' && (s[t + 1] === 'p' || s[t + 1] === 'P')) {
      t = unicodeClass(s, t);
      continue;
    }
    if (s[t] === '\\' && PERL_CLASSES.includes(s[t + 1] ?? '')) {
      t += 2;
      continue;
    }
    const lo = classChar(s, t, i);
    t = lo.end;
    if (s[t] === '-' && t + 1 < s.length && s[t + 1] !== ']') {
      const hi = classChar(s, t + 1, i);
      if (hi.code < lo.code) throw new Re2Error(`invalid character class range ${s.slice(lo.start, hi.end)}: the first character is after the last`);
      t = hi.end;
    }
  }
  return t + 1;
}

function classChar(s: string, t: number, classStart: number): { code: number; start: number; end: number } {
  if (t >= s.length) throw new Re2Error(`missing closing ] in ${s.slice(classStart)}`);
  if (s[t] === '\\') return { ...escape(s, t, true), start: t };
  const code = s.codePointAt(t)!;
  return { code, start: t, end: t + String.fromCodePoint(code).length };
}
