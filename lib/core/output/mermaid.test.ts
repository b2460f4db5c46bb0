import { mermaidId, mermaidLabel } from './mermaid';

describe('Mermaid labels', () => {
  test('keep plain names readable', () => {
    expect(mermaidLabel('alice@example.com')).toBe('"alice@example.com"');
    expect(mermaidLabel('oil-* (tenant oil)')).toBe('"oil-* #40;tenant oil#41;"');
  });

  test('escape what would end the label, open a Markdown string or HTML, or close the fence', () => {
    expect(mermaidLabel('a"] --> x["b')).toBe('"a#34;#93; --#62; x#91;#34;b"');
    expect(mermaidLabel('`**bold**`')).toBe('"#96;**bold**#96;"');
    expect(mermaidLabel('<img src=x>')).toBe('"#60;img src=x#62;"');
    expect(mermaidLabel('```')).not.toContain('`');
    expect(mermaidLabel('#quot;')).toBe('"#35;quot#59;"');
  });

  test('show invisible characters instead of breaking the line', () => {
    expect(mermaidLabel('a\nb')).not.toMatch(/\n/);
    expect(mermaidLabel('a\u202eb')).not.toContain('\u202e');
  });

  test('ids never carry text', () => {
    expect(mermaidId('role', 3)).toBe('role3');
    expect(() => mermaidId('x"', 1)).toThrow();
  });
});
