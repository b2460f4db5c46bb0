/** Something that must come after the things it depends on. */
export interface Dependent<T> {
  readonly dependsOn: readonly T[];
}

/**
 * Where a node without a tight constraint goes:
 * - `early`: in the first wave its dependencies allow (for objects of one Application, which is
 *   only done when all of them are, so nothing gains from waiting);
 * - `late`: in the last wave its dependents allow. Waves are a total order while `dependsOn` is a
 *   partial one, so a node waits for every node of an earlier wave, related or not; going late
 *   keeps a side chain (the Teleport operator and its roles) from holding up the main chain from
 *   the first wave on.
 */
export type WavePlacement = 'early' | 'late';

/**
 * Argo CD sync waves for a dependency graph: every node gets a wave greater than the waves of all
 * its dependencies, and the first wave is 0.
 * @throws Error on a dependency cycle or a dependency outside `nodes`
 */
export function syncWaves<T extends Dependent<T>>(nodes: readonly T[], nameOf: (node: T) => string, placement: WavePlacement = 'late'): Map<T, number> {
  const dependents = new Map<T, T[]>(nodes.map((n) => [n, []]));
  for (const node of nodes) {
    for (const dependency of node.dependsOn) {
      const list = dependents.get(dependency);
      if (!list) throw new Error(`${nameOf(node)} depends on ${nameOf(dependency)}, which is not delivered with it`);
      list.push(node);
    }
  }
  // Longest chain of dependencies before (early) or of dependents after (late) each node.
  const next = placement === 'early' ? (n: T) => n.dependsOn : (n: T) => dependents.get(n)!;
  const chain = new Map<T, number>();
  const visiting = new Set<T>();
  const chainOf = (node: T): number => {
    const known = chain.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) throw new Error(`dependency cycle through ${nameOf(node)}`);
    visiting.add(node);
    const length = Math.max(-1, ...next(node).map(chainOf)) + 1;
    visiting.delete(node);
    chain.set(node, length);
    return length;
  };
  const last = Math.max(0, ...nodes.map(chainOf));
  return new Map(nodes.map((n) => [n, placement === 'early' ? chainOf(n) : last - chainOf(n)]));
}
