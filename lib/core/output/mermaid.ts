import { visible } from './markdown';

/**
 * Escaping for Mermaid flowcharts in the Markdown the platform writes. A node label is written in
 * double quotes; everything but letters, digits and a few harmless characters becomes a Mermaid
 * entity code (`#35;`), so a configuration value can neither end the label, start a Markdown string
 * (backticks), inject HTML, nor close the surrounding ```mermaid fence.
 */
export function mermaidLabel(value: string): string {
  const escaped = visible(value).replace(/[^A-Za-z0-9 ._:/*@+=,-]/gu, (c) => `#${c.codePointAt(0)};`);
  return `"${escaped}"`;
}

/** A Mermaid node id: only letters, digits and `_` (ids never carry configuration text). */
export function mermaidId(prefix: string, index: number): string {
  if (!/^[a-z]+$/.test(prefix)) throw new Error(`a Mermaid id prefix is lowercase letters, got '${prefix}'`);
  return `${prefix}${index}`;
}
