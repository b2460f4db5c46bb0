/**
 * Escaping for the Markdown the platform writes (ACCESS.md, READMEs). Reviewers read these files in
 * pull requests, so a value from a configuration file must print as exactly that value: it must not
 * end a table cell or row, open a link, an HTML tag or a heading, or hide characters.
 *
 * The loader already refuses control characters in names (lib/core/config/text-rules.ts); these
 * functions do not rely on that, so a value that reaches a report some other way is still printed
 * verbatim.
 */

// Control characters (C0, DEL, C1), bidirectional overrides and zero-width characters: they would
// break a line or a table, or make the text read differently from what it is.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** `text` with every invisible character written as `\u{…}`, so it shows in the rendered page. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/**
 * `text` as an inline code span: nothing inside is Markdown. The fence is one backtick longer than
 * the longest run of backticks in `text` (CommonMark 6.1), padded with spaces when `text` starts or
 * ends with a backtick.
 */
export function code(text: string): string {
  const shown = visible(text);
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') || (shown.startsWith(' ') && shown.endsWith(' ') && shown.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * Plain `value`, for an inline position (not the start of a line), with what Markdown or its HTML
 * would interpret there escaped: emphasis, code, links and images, tags and entities. (`|` only
 * matters in tables: `cell` escapes it.)
 */
export function text(value: string): string {
  return visible(value).replace(/[\\`*_[\]<>&~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/**
 * Already-escaped Markdown (from `code` and `text`) made safe for a GFM table cell: `|` is escaped
 * (GitHub splits cells at an unescaped `|` even inside a code span, and renders `\|` as `|` there).
 */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** A GFM table row of already-escaped cells. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}
