/**
 * Which HelmRelease value keys the chart does not define. Helm ignores a key no template reads, so
 * `replicaCuont: 3` renders without a word; this finds it by comparing every key path of the
 * release's values with the chart's own values.yaml (subcharts included, under their alias).
 *
 * A key under a map the chart defines is checked, except under maps the chart leaves free-form:
 * - an empty map (`{}`) in values.yaml: the chart defines no keys, so it passes the map on whole
 *   (labels, annotations, nodeSelector, extra args, teleportConfig...). A deprecated one (its
 *   comment says "Deprecated") is refused instead: its keys belong elsewhere now;
 * - a map of labels or annotations (the name ends in labels/annotations/nodeSelector/matchLabels
 *   and its values are strings): any label key is allowed;
 * - a map that is a Kubernetes API object passed into the rendered objects (KUBERNETES_FIELDS):
 *   its content is judged by kubeconform -strict on the rendered output instead.
 * Below a list or a scalar default nothing is compared (the release's value replaces it).
 */
import { isMap, ValuesTree } from './charts';

/** Chart value names that hold a Kubernetes API object the chart renders as it is given. */
export const KUBERNETES_FIELDS: ReadonlySet<string> = new Set([
  'securityContext',
  'podSecurityContext',
  'initSecurityContext',
  'resources',
  'podResources',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'affinity',
  'podAffinity',
  'podAntiAffinity',
  'nodeAffinity',
  'updateStrategy',
  'deploymentStrategy',
  'daemonsetStrategy',
  'lifecycle',
  'dnsConfig',
  'objectSelector',
  'namespaceSelector',
  'emptyDir',
  'tlsConfig',
  'behavior',
  'priorityLevelConfigurationSpec',
]);

const STRING_MAP = /(labels|annotations|annnotations|nodeSelector|matchLabels)$/i;

export interface UnknownKey {
  /** Dotted key path in the release's values, e.g. `manager.replicaCuont`. */
  readonly path: string;
  readonly reason: string;
}

/** Every key path of `values` the chart's defaults do not define (and that no free-form map covers). */
export function unknownValueKeys(values: Record<string, unknown>, defaults: ValuesTree): UnknownKey[] {
  const found: UnknownKey[] = [];
  const visit = (value: Record<string, unknown>, tree: ValuesTree, prefix: string) => {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const known = tree.children.get(key);
      if (!known) {
        found.push({ path, reason: `not a value of the chart (its values.yaml has no ${path})` });
        continue;
      }
      if (!isMap(child) || !isMap(known.value)) continue;
      const open = freeForm(key, known);
      if (open === 'deprecated') {
        if (Object.keys(child).length) found.push({ path, reason: `deprecated by the chart (values.yaml: "${oneLine(known.comment)}")` });
        continue;
      }
      if (open) continue;
      visit(child, known, path);
    }
  };
  visit(values, defaults, '');
  return found;
}

function freeForm(key: string, tree: ValuesTree): boolean | 'deprecated' {
  const map = tree.value as Record<string, unknown>;
  if (Object.keys(map).length === 0) return /deprecated/i.test(tree.comment ?? '') ? 'deprecated' : true;
  if (STRING_MAP.test(key) && Object.values(map).every((v) => v === null || typeof v !== 'object')) return true;
  return KUBERNETES_FIELDS.has(key);
}

function oneLine(comment?: string): string {
  return (comment ?? '').split('\n').map((l) => l.replace(/^\s*-+\s*/, '').trim()).filter(Boolean).join(' ');
}
