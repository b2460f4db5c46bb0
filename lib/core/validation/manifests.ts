import type { VersionProfileName } from '../../versions';
import { fieldPath, Problem } from '../errors';
import type { Manifest } from '../output/manifest-file';
import { loadCrdValidator } from './crd-validators';
import { explainErrors } from './explain';

/**
 * Built-in kinds the platform renders. Their structure is checked at compile time by the
 * cdk8s-plus-28 types; here only the scope (namespace present or not) is checked.
 * Secret is deliberately absent: credentials are referenced, never rendered.
 */
const CORE_KINDS: Readonly<Record<string, 'Namespaced' | 'Cluster'>> = {
  'v1/Namespace': 'Cluster',
  'v1/ServiceAccount': 'Namespaced',
  'v1/ConfigMap': 'Namespaced',
  'v1/Service': 'Namespaced',
  'apps/v1/Deployment': 'Namespaced',
  'networking.k8s.io/v1/NetworkPolicy': 'Namespaced',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'Cluster',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'Cluster',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'Cluster',
  'rbac.authorization.k8s.io/v1/Role': 'Namespaced',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'Namespaced',
};

/** Where a manifest is: the output file and the object inside it. */
export function describeManifest(file: string, manifest: Manifest): string {
  const ns = manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : '';
  return `${file} (${manifest.kind} ${ns}${manifest.metadata?.name})`;
}

/**
 * Validates one rendered object strictly: custom resources against their CRD's openAPIV3Schema
 * in the cluster's version profile (unknown fields, enums, required fields, patterns), core kinds
 * for their scope.
 */
export function validateManifest(file: string, manifest: Manifest, profile?: VersionProfileName): Problem[] {
  const where = describeManifest(file, manifest);
  if (manifest.kind === 'Secret' && manifest.apiVersion === 'v1') {
    return [{ file: where, message: 'Secrets are never rendered: reference an existing Secret instead' }];
  }
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const crd = loadCrdValidator(key, profile);
  if (crd) {
    const { validate, entry } = crd;
    if (validate(manifest)) return [];
    return explainErrors(validate.errors ?? [], entry.schema(), manifest).map((e) => ({
      file: where,
      field: e.segments.length ? fieldPath(e.segments) : undefined,
      message: e.message,
    }));
  }
  const scope = CORE_KINDS[key];
  if (!scope) {
    return [{ file: where, message: `no schema for ${key}: import its CRD in cdk8s.yaml (npm run import) before rendering it` }];
  }
  const hasNamespace = Boolean(manifest.metadata?.namespace);
  if (scope === 'Namespaced' && !hasNamespace) return [{ file: where, field: 'metadata.namespace', message: `${manifest.kind} is namespaced; set a namespace` }];
  if (scope === 'Cluster' && hasNamespace) return [{ file: where, field: 'metadata.namespace', message: `${manifest.kind} is cluster-scoped; it takes no namespace` }];
  return [];
}

/** Two objects with the same kind, namespace and name would overwrite each other when applied. */
export function findDuplicates(files: ReadonlyArray<{ path: string; manifests: readonly Manifest[] }>, scopeOf: (path: string) => string): Problem[] {
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const { path, manifests } of files) {
    for (const m of manifests) {
      const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
      const key = `${scopeOf(path)}|${group}|${m.kind}|${m.metadata.namespace ?? ''}|${m.metadata.name}`;
      const first = seen.get(key);
      if (first) problems.push({ file: describeManifest(path, m), message: `duplicate object: already defined in ${first}` });
      else seen.set(key, path);
    }
  }
  return problems;
}

