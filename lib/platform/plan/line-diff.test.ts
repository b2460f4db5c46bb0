import { unifiedDiff } from './line-diff';

describe('unifiedDiff', () => {
  test('one hunk per group of changes, with context lines and line numbers of both sides', () => {
    expect(unifiedDiff('a\nb\nc\nd\ne\nf\ng\nh\ni\n', 'a\nB\nc\nd\ne\nf\ng\nh\nI\nj\n')).toEqual([
      '@@ -1,4 +1,4 @@', ' a', '-b', '+B', ' c', ' d',
      '@@ -7,3 +7,4 @@', ' g', ' h', '-i', '+I', '+j',
    ]);
  });

  test('joins changes at most twice the context apart into one hunk, splits those further apart', () => {
    expect(unifiedDiff('a\nb\nc\nd\ne\n', 'A\nb\nc\nd\nE\n', 2)).toEqual(['@@ -1,5 +1,5 @@', '-a', '+A', ' b', ' c', ' d', '-e', '+E']);
    expect(unifiedDiff('a\nb\nc\nd\ne\n', 'A\nb\nc\nd\nE\n', 1)).toEqual(['@@ -1,2 +1,2 @@', '-a', '+A', ' b', '@@ -4,2 +4,2 @@', ' d', '-e', '+E']);
  });

  test('nothing for equal texts', () => {
    expect(unifiedDiff('x: 1\n', 'x: 1\n')).toEqual([]);
  });
});
