import { re2Problem } from './re2';

/**
 * Both directions against what Go 1.24's regexp/syntax does (read from parse.go; no Go toolchain
 * runs here): patterns Go compiles must pass, patterns it refuses must be refused, in particular
 * where JavaScript would answer the other way.
 */
describe('re2Problem', () => {
  test.each([
    // Flag groups anywhere, with or without a group; JavaScript (Node 20) rejects all of them.
    '^registry\\.(?i)example\\.com$',
    '(?i:docker)\\.io',
    '(?i-s:a.)b',
    '(?smiU)a+',
    '(?i)(?-i)a',
    '(?i)',
    // Named groups, including names JavaScript refuses (leading digit, repeated).
    '(?P<name>x)',
    '(?<name>x)',
    '(?P<1a>x)(?P<1a>y)',
    // Escapes RE2 has.
    '\\x41\\x{263A}\\101\\0\\a\\f\\v',
    '\\pL\\p{Greek}\\p{^Han}\\PL\\p{Any}\\pN',
    '\\Q(*)\\E+',
    '\\A\\z\\b\\B',
    '\\_\\ \\-\\.',
    // Classes: ] first is literal, POSIX classes by name, Perl classes next to a literal '-'.
    '[]a]',
    '[^]a]',
    '[[:alpha:][:^digit:]_]',
    '[[:alph]',
    '[\\d-z]',
    '[a\\]]',
    '[\\pZ-a]',
    // Repeats: up to 1000, leading zeros make a literal, assertions can be repeated.
    'a{1000}',
    'a{2,}?',
    'a{01}',
    '{,5}',
    '\\b+',
    '^*a',
    '',
  ])('Go accepts %j', (source) => {
    expect(re2Problem(source)).toBeUndefined();
  });

  test.each([
    ['(?=a)', 'uses lookaround'],
    ['(?<!a)b', 'uses lookaround'],
    ['(a)\\1', 'uses a backreference (\\1)'],
    ['\\k<x>', 'uses a backreference (\\k)'],
    ['(?P=name)', 'uses a backreference'],
    ['a\\Z', 'uses \\Z, which Go\'s RE2 (and so Capsule) does not support; RE2 writes the end of text \\z'],
    ['a\\e', 'uses \\e'],
    ['\\C', 'uses \\C'],
    ['\\u0041', 'uses \\u'],
    ['(?>a)', 'uses an atomic group'],
    ['(?#c)', 'uses a comment group'],
    ['\\d{1,2000}', 'is not a valid regular expression (invalid repeat count {1,2000}: at most 1000)'],
    ['a{1001}', 'invalid repeat count {1001}: at most 1000'],
    ['a{2,1}', 'invalid repeat count {2,1}: the minimum is above the maximum'],
    ['[[:foo:]]', 'unknown POSIX class [:foo:]; RE2 knows [:alnum:] [:alpha:]'],
    ['\\p{Letter}', 'unknown Unicode class \\p{Letter}'],
    ['(?-)a', 'invalid or unsupported Perl syntax at (?-)'],
    ['(?i-)a', 'invalid or unsupported Perl syntax at (?i-'],
    ['(?P<na-me>x)', 'invalid named capture (?P<na-me>'],
    ['[\\b]', 'invalid escape sequence \\b (not in a character class; write a backspace as \\x08)'],
    ['[a-\\d]', 'invalid escape sequence \\d'],
    ['\\q', 'invalid escape sequence \\q'],
    ['\\x{110000}', 'invalid escape sequence \\x{110000}'],
    ['[z-a]', 'invalid character class range z-a'],
    ['[]', 'missing closing ] in []'],
    ['([a-z', 'missing closing ] in [a-z'],
    ['\\', 'trailing backslash at end of expression'],
    ['(a', 'unterminated group'],
    ['a)', "unmatched ')'"],
    ['a**', 'nothing to repeat'],
    ['a{2}{3}', 'nothing to repeat'],
    ['*', 'nothing to repeat'],
  ])('Go refuses %j', (source, reason) => {
    const problem = re2Problem(source);
    expect(problem).toContain(reason);
    expect(problem?.startsWith(`${JSON.stringify(source)} `)).toBe(true);
  });
});
