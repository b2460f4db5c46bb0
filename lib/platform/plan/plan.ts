import * as YAML from 'yaml';
import type { OutputTree } from '../../core/output/output-tree';
import { KUBECONFIG_FOLDER } from '../../capsule-proxy/kubeconfig';
import { KUSTOMIZATION_FILE } from '../../core/output/kustomize-root';
import { AccessGrant, parseAccessReport } from '../../teleport/access-report';
import { unifiedDiff } from './line-diff';

import { FLUX_PRUNE_ANNOTATION } from '../../core/delivery/flux/flux-delivery';
/** Kinds whose deletion loses more than the object: a Tenant's namespaces, a namespace's workloads, a CRD's objects, a release's resources. */
export const DESTRUCTIVE_KINDS = ['Tenant', 'Namespace', 'CustomResourceDefinition', 'HelmRelease'] as const;
/** Lines of unified diff kept per changed object. */
export const DIFF_LINES_PER_OBJECT = 40;

/** An object of the output, by identity. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The file it is in, relative to the output folder. */
  readonly file: string;
}

export interface ChangedObject extends ObjectRef {
  /** Unified diff of the object's YAML, at most DIFF_LINES_PER_OBJECT lines (then `truncated`). */
  readonly diff: readonly string[];
  readonly truncated: boolean;
}

/** What changes in one layer (a folder Flux applies as one Kustomization) of one cluster. */
export interface LayerPlan {
  readonly layer: string;
  readonly added: readonly ObjectRef[];
  readonly changed: readonly ChangedObject[];
  readonly removed: readonly ObjectRef[];
}

export interface ClusterPlan {
  readonly cluster: string;
  readonly layers: readonly LayerPlan[];
  readonly tenants: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
  /** Who gains and who loses reach of a tenant's namespaces through Teleport (from ACCESS.md). */
  readonly access: { readonly gained: readonly AccessGrant[]; readonly lost: readonly AccessGrant[] };
}

/** An object Flux would delete, or would leave behind because pruning is disabled on it. */
export interface DestructiveChange extends ObjectRef {
  readonly cluster: string;
  readonly layer: string;
  /**
   * `deleted`: Flux deletes it (and what hangs on it). `kept`: it carries the prune annotation, so
   * Flux leaves it in the cluster and an administrator deletes it by hand after review. `moved`: it
   * leaves one layer for another; Flux deletes it from the cluster and creates it again.
   */
  readonly effect: 'deleted' | 'kept' | 'moved';
  /** For `moved`: the layer it is added to. */
  readonly to?: string;
}

export interface Plan {
  /** What was compared, in words: e.g. `dist` and `fresh synth of config`. */
  readonly before: string;
  readonly after: string;
  readonly clusters: readonly ClusterPlan[];
  readonly destructive: readonly DestructiveChange[];
  /** Files other than Kubernetes objects (tctl/, ACCESS.md, ...) that changed. */
  readonly otherFiles: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
}

interface Located {
  readonly ref: ObjectRef;
  readonly cluster: string;
  readonly layer: string;
  readonly object: Record<string, any>;
  readonly text: string;
}

/** Folders of a cluster that no delivery tool applies: tctl resources, kubeconfig templates. */
const UNAPPLIED_FOLDERS: ReadonlySet<string> = new Set(['tctl', KUBECONFIG_FOLDER]);

/** Whether a file of the output holds objects Flux applies (not tctl/ nor kubeconfigs/, not kustomize's own file). */
function isAppliedFile(file: string): boolean {
  const parts = file.split('/');
  return parts.length >= 3 && file.endsWith('.yaml') && !UNAPPLIED_FOLDERS.has(parts[1]) && parts[parts.length - 1] !== KUSTOMIZATION_FILE;
}

function key(ref: { apiVersion: string; kind: string; namespace?: string; name: string }, cluster: string): string {
  // The API group, not the version: moving an object to a new apiVersion is a change, not a replacement.
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${cluster}\0${group}\0${ref.kind}\0${ref.namespace ?? ''}\0${ref.name}`;
}

function objectsOf(tree: OutputTree): Map<string, Located> {
  const objects = new Map<string, Located>();
  for (const [file, content] of tree) {
    if (!isAppliedFile(file)) continue;
    const [cluster, layer] = file.split('/');
    for (const doc of YAML.parseAllDocuments(content)) {
      const object = doc.toJS();
      if (!object || typeof object !== 'object' || !object.kind || !object.metadata?.name) continue;
      const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, file };
      objects.set(key(ref, cluster), { ref, cluster, layer, object, text: YAML.stringify(object) });
    }
  }
  return objects;
}

function accessOf(tree: OutputTree, cluster: string): AccessGrant[] {
  const report = tree.get(`${cluster}/ACCESS.md`);
  return report ? parseAccessReport(report) : [];
}

const grantKey = (g: AccessGrant) => `${g.identity}\0${g.tenant}\0${g.namespaces}\0${g.role}`;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const refOrder = (a: ObjectRef, b: ObjectRef) => byText(`${a.kind}/${a.namespace ?? ''}/${a.name}`, `${b.kind}/${b.namespace ?? ''}/${b.name}`);

/** The tenant a Tenant object or a tenant Namespace belongs to. */
function tenantOf(located: Located): string | undefined {
  if (located.ref.kind === 'Tenant' && located.ref.apiVersion.startsWith('capsule.clastix.io/')) return located.ref.name;
  if (located.ref.kind === 'Namespace') return located.object.metadata?.labels?.['capsule.clastix.io/tenant'];
  return undefined;
}

/** Compares two versions of the output: `before` (committed, or a git ref) and `after` (a fresh synth). */
export function computePlan(before: OutputTree, after: OutputTree, labels: { before: string; after: string }): Plan {
  const old = objectsOf(before);
  const fresh = objectsOf(after);
  const clusters = new Set<string>();
  for (const l of [...old.values(), ...fresh.values()]) clusters.add(l.cluster);
  for (const file of [...before.keys(), ...after.keys()]) if (file.includes('/')) clusters.add(file.split('/')[0]);

  const layers = new Map<string, { added: ObjectRef[]; changed: ChangedObject[]; removed: ObjectRef[] }>();
  const layerOf = (cluster: string, layer: string) => {
    const id = `${cluster}/${layer}`;
    let entry = layers.get(id);
    if (!entry) layers.set(id, (entry = { added: [], changed: [], removed: [] }));
    return entry;
  };
  const tenants = new Map<string, { added: Set<string>; changed: Set<string>; removed: Set<string> }>();
  const tenantsOf = (cluster: string) => {
    let entry = tenants.get(cluster);
    if (!entry) tenants.set(cluster, (entry = { added: new Set(), changed: new Set(), removed: new Set() }));
    return entry;
  };
  const destructive: DestructiveChange[] = [];

  for (const [id, now] of fresh) {
    const was = old.get(id);
    if (!was) {
      layerOf(now.cluster, now.layer).added.push(now.ref);
      const tenant = tenantOf(now);
      if (tenant) (now.ref.kind === 'Tenant' ? tenantsOf(now.cluster).added : tenantsOf(now.cluster).changed).add(tenant);
    } else if (was.text !== now.text || was.layer !== now.layer) {
      if (was.layer !== now.layer) {
        // Another Kustomization owns it now: the old one prunes it, the new one creates it again.
        layerOf(was.cluster, was.layer).removed.push(was.ref);
        layerOf(now.cluster, now.layer).added.push(now.ref);
        if ((DESTRUCTIVE_KINDS as readonly string[]).includes(now.ref.kind)) {
          destructive.push({ ...was.ref, cluster: was.cluster, layer: was.layer, effect: pruneDisabled(was) ? 'kept' : 'moved', to: now.layer });
        }
      } else {
        const diff = unifiedDiff(was.text, now.text);
        layerOf(now.cluster, now.layer).changed.push({ ...now.ref, diff: diff.slice(0, DIFF_LINES_PER_OBJECT), truncated: diff.length > DIFF_LINES_PER_OBJECT });
      }
      const tenant = tenantOf(now) ?? tenantOf(was);
      if (tenant) tenantsOf(now.cluster).changed.add(tenant);
    }
  }
  for (const [id, was] of old) {
    if (fresh.has(id)) continue;
    layerOf(was.cluster, was.layer).removed.push(was.ref);
    const tenant = tenantOf(was);
    if (tenant) (was.ref.kind === 'Tenant' ? tenantsOf(was.cluster).removed : tenantsOf(was.cluster).changed).add(tenant);
    if ((DESTRUCTIVE_KINDS as readonly string[]).includes(was.ref.kind)) {
      destructive.push({ ...was.ref, cluster: was.cluster, layer: was.layer, effect: pruneDisabled(was) ? 'kept' : 'deleted' });
    }
  }

  const clusterPlans: ClusterPlan[] = [...clusters].sort(byText).map((cluster) => {
    const t = tenantsOf(cluster);
    for (const name of [...t.added, ...t.removed]) t.changed.delete(name);
    const oldGrants = accessOf(before, cluster);
    const newGrants = accessOf(after, cluster);
    const oldKeys = new Set(oldGrants.map(grantKey));
    const newKeys = new Set(newGrants.map(grantKey));
    return {
      cluster,
      layers: [...layers]
        .filter(([id]) => id.startsWith(`${cluster}/`))
        .sort(([a], [b]) => byText(a, b))
        .map(([id, l]) => ({ layer: id.slice(cluster.length + 1), added: l.added.sort(refOrder), changed: l.changed.sort(refOrder), removed: l.removed.sort(refOrder) })),
      tenants: { added: [...t.added].sort(byText), changed: [...t.changed].sort(byText), removed: [...t.removed].sort(byText) },
      access: { gained: newGrants.filter((g) => !oldKeys.has(grantKey(g))), lost: oldGrants.filter((g) => !newKeys.has(grantKey(g))) },
    };
  });

  const other = (tree: OutputTree) => [...tree.keys()].filter((f) => !isAppliedFile(f));
  const otherBefore = new Set(other(before));
  const otherAfter = new Set(other(after));
  return {
    before: labels.before,
    after: labels.after,
    clusters: clusterPlans,
    destructive: destructive.sort((a, b) => byText(`${a.cluster}/${a.layer}`, `${b.cluster}/${b.layer}`) || refOrder(a, b)),
    otherFiles: {
      added: [...otherAfter].filter((f) => !otherBefore.has(f)).sort(byText),
      changed: [...otherAfter].filter((f) => otherBefore.has(f) && before.get(f) !== after.get(f)).sort(byText),
      removed: [...otherBefore].filter((f) => !otherAfter.has(f)).sort(byText),
    },
  };
}

function pruneDisabled(located: Located): boolean {
  return located.object.metadata?.annotations?.[FLUX_PRUNE_ANNOTATION] === 'disabled';
}

/** Whether the plan changes anything at all. */
export function isEmptyPlan(plan: Plan): boolean {
  return (
    plan.clusters.every((c) => c.layers.length === 0 && !c.access.gained.length && !c.access.lost.length) &&
    !plan.otherFiles.added.length &&
    !plan.otherFiles.changed.length &&
    !plan.otherFiles.removed.length
  );
}
