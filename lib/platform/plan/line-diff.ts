/**
 * A unified diff of two texts, line by line, with `context` unchanged lines around each change
 * (longest common subsequence; the texts are single rendered objects, a few hundred lines at most).
 */
export function unifiedDiff(before: string, after: string, context = 2): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a[a.length - 1] === '') a.pop();
  if (b[b.length - 1] === '') b.pop();
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { type: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ type: ' ', line: a[i], ai: i++, bi: j++ });
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ type: '-', line: a[i], ai: i++, bi: j });
    else ops.push({ type: '+', line: b[j], ai: i, bi: j++ });
  }
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].type === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is at most 2 * context unchanged lines further.
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next].type === ' ') next++;
      if (next === ops.length || next - end > 2 * context) break;
      end = next + 1;
      while (end < ops.length && ops[end].type !== ' ') end++;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aLines = hunk.filter((o) => o.type !== '+').length;
    const bLines = hunk.filter((o) => o.type !== '-').length;
    out.push(`@@ -${hunk[0].ai + 1},${aLines} +${hunk[0].bi + 1},${bLines} @@`);
    for (const op of hunk) out.push(`${op.type}${op.line}`);
    k = stop;
  }
  return out;
}
