import type { ChangedObject, ClusterPlan, DestructiveChange, ObjectRef, Plan } from './plan';
import { isEmptyPlan } from './plan';

/** GitHub's limit for an issue or pull request comment. */
export const GITHUB_COMMENT_LIMIT = 65_536;

function ref(o: ObjectRef): string {
  return `${o.kind} \`${o.namespace ? `${o.namespace}/` : ''}${o.name}\``;
}

const EFFECTS: Record<DestructiveChange['effect'], (d: DestructiveChange) => string> = {
  deleted: (d) =>
    ({
      Tenant: 'Flux deletes it, and Capsule then deletes every namespace of the tenant with its workloads and volumes',
      Namespace: 'Flux deletes it with everything in it',
      CustomResourceDefinition: 'Flux deletes it with every object of that kind',
      HelmRelease: 'Flux uninstalls the release and deletes what the chart created (chart CRDs rendered as templates included)',
    })[d.kind] ?? 'Flux deletes it',
  kept: () => 'pruning is disabled on it, so Flux leaves it in the cluster: delete it by hand once the removal is reviewed',
  moved: (d) => `it moves to layer \`${d.to}\`: Flux deletes it from the cluster and creates it again`,
};

function destructiveSection(plan: Plan): string[] {
  const lines = ['### Destructive changes', ''];
  if (!plan.destructive.length) return [...lines, 'None: Flux deletes no Tenant, Namespace, CustomResourceDefinition or HelmRelease.', ''];
  for (const d of plan.destructive) lines.push(`- **${d.effect}** \`${d.cluster}/${d.layer}\`: ${ref(d)}: ${EFFECTS[d.effect](d)}`);
  return [...lines, ''];
}

function counts(c: ClusterPlan): { added: number; changed: number; removed: number } {
  return {
    added: c.layers.reduce((n, l) => n + l.added.length, 0),
    changed: c.layers.reduce((n, l) => n + l.changed.length, 0),
    removed: c.layers.reduce((n, l) => n + l.removed.length, 0),
  };
}

function tenantsAndAccess(c: ClusterPlan): string[] {
  const lines: string[] = [];
  const t = c.tenants;
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  const parts = [t.added.length && `added ${list(t.added)}`, t.changed.length && `changed ${list(t.changed)}`, t.removed.length && `removed ${list(t.removed)}`].filter(Boolean);
  if (parts.length) lines.push(`Tenants: ${parts.join('; ')}.`, '');
  if (c.access.gained.length || c.access.lost.length) {
    lines.push('Teleport access (from ACCESS.md):', '');
    for (const g of c.access.gained) lines.push(`- **gains** ${g.identity}: tenant \`${g.tenant}\` (\`${g.namespaces}\`) through role \`${g.role}\``);
    for (const g of c.access.lost) lines.push(`- **loses** ${g.identity}: tenant \`${g.tenant}\` (\`${g.namespaces}\`) through role \`${g.role}\``);
    lines.push('');
  }
  return lines;
}

function changedObject(o: ChangedObject, withDiff: boolean): string[] {
  const line = `- changed ${ref(o)} (\`${o.file}\`)`;
  if (!withDiff || !o.diff.length) return [line];
  const fence = o.diff.some((l) => l.includes('```')) ? '~~~~' : '```';
  return [line, '', `  ${fence}diff`, ...o.diff.map((l) => `  ${l}`), ...(o.truncated ? ['  … (diff truncated)'] : []), `  ${fence}`, ''];
}

function clusterSection(c: ClusterPlan, detail: 'full' | 'names' | 'counts'): string[] {
  const n = counts(c);
  const lines = [`### Cluster \`${c.cluster}\`: ${n.added} added, ${n.changed} changed, ${n.removed} removed`, '', ...tenantsAndAccess(c)];
  for (const l of c.layers) {
    lines.push(`#### \`${l.layer}\`: ${l.added.length} added, ${l.changed.length} changed, ${l.removed.length} removed`, '');
    if (detail === 'counts') continue;
    for (const o of l.added) lines.push(`- added ${ref(o)} (\`${o.file}\`)`);
    for (const o of l.changed) lines.push(...changedObject(o, detail === 'full'));
    for (const o of l.removed) lines.push(`- removed ${ref(o)} (\`${o.file}\`)`);
    if (lines[lines.length - 1] !== '') lines.push('');
  }
  return lines;
}

/**
 * The plan as Markdown for a pull request comment, within `limit` characters: with every diff if it
 * fits, else with object names only, else with counts only (the destructive changes are always
 * listed in full, first).
 */
export function renderPlanMarkdown(plan: Plan, limit = GITHUB_COMMENT_LIMIT): string {
  const head = ['## Platform plan', '', `Compared ${plan.before} with ${plan.after}.`, ''];
  if (isEmptyPlan(plan)) return [...head, 'No changes.', ''].join('\n');
  const total = plan.clusters.map(counts).reduce((s, c) => ({ added: s.added + c.added, changed: s.changed + c.changed, removed: s.removed + c.removed }), { added: 0, changed: 0, removed: 0 });
  head.push(`**${total.added} added, ${total.changed} changed, ${total.removed} removed** objects.`, '');
  const other = plan.otherFiles;
  const otherLines = other.added.length + other.changed.length + other.removed.length
    ? ['### Other files', '', ...other.added.map((f) => `- added \`${f}\``), ...other.changed.map((f) => `- changed \`${f}\``), ...other.removed.map((f) => `- removed \`${f}\``), '']
    : [];
  for (const detail of ['full', 'names', 'counts'] as const) {
    const note = detail === 'full' ? [] : [`_Summarized (${detail === 'names' ? 'no diffs' : 'counts only'}): the full plan is over ${limit} characters. Run \`npm run plan\` for every detail._`, ''];
    const text = [...head, ...note, ...destructiveSection(plan), ...plan.clusters.flatMap((c) => clusterSection(c, detail)), ...otherLines].join('\n');
    if (text.length <= limit) return text;
  }
  // Even the counts do not fit (thousands of destructive changes): cut, and say so.
  const text = [...head, ...destructiveSection(plan), ...plan.clusters.flatMap((c) => clusterSection(c, 'counts'))].join('\n');
  const cut = '\n\n_… cut at the comment size limit; run `npm run plan` for the rest._\n';
  return text.slice(0, limit - cut.length) + cut;
}
