import * as md from './markdown';

/** The cells of one GFM table row as GitHub splits them: at every `|` not escaped by a backslash. */
function splitRow(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < row.length - 1; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      current += '|';
      i++;
    } else if (row[i] === '|') {
      cells.push(current.trim());
      current = '';
    } else current += row[i];
  }
  return [...cells, current.trim()];
}

describe('Markdown escaping', () => {
  test('a code span holds any backticks: the fence is longer than the longest run', () => {
    expect(md.code('alice')).toBe('`alice`');
    expect(md.code('a`b')).toBe('``a`b``');
    expect(md.code('``x```')).toBe('```` ``x``` ````');
    expect(md.code('`')).toBe('`` ` ``');
  });

  test('control, bidirectional and zero-width characters are shown, never printed raw', () => {
    expect(md.code('team\nevil')).toBe('`team\\u{000A}evil`');
    expect(md.code('a\u0000b')).toBe('`a\\u{0000}b`');
    expect(md.code('admin\u202Enimda')).toBe('`admin\\u{202E}nimda`');
    expect(md.code('al\u200Bice')).toBe('`al\\u{200B}ice`');
    for (const out of [md.code('x\r\ny'), md.text('x\r\ny')]) expect(out).not.toMatch(/[\r\n]/);
  });

  test('plain text cannot open a link, an image, a tag, emphasis or code', () => {
    expect(md.text('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)');
    expect(md.text('![x](y)')).toBe('!\\[x\\](y)');
    expect(md.text('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(md.text('*bold* _it_ `c` ~s~ &amp;')).toBe('\\*bold\\* \\_it\\_ \\`c\\` \\~s\\~ &amp;amp;');
  });

  test('a table row keeps its cells whatever the values hold', () => {
    const values = ['a|b', 'x | y | z', '`|`', 'plain'];
    const row = md.tableRow(values.map(md.code));
    expect(row.split('\n')).toHaveLength(1);
    expect(splitRow(row)).toEqual(['`a|b`', '`x | y | z`', '`` `|` ``', '`plain`']);
  });
});
