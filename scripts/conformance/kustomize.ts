import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { FLUX_DEFAULTS, normalizePathPrefix } from '../../lib/core/delivery/flux/flux-delivery';
import { loadPlatform } from '../../lib/platform/config/load';
import { engineVersion, runEngine } from './engines';
import { SynthesizedPlatform } from './platforms';
import { Check, EngineReport } from './report';
import type { StageContext } from './stages';

/** The identity of an object as kustomize and the synth both see it. */
function objectKey(o: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  return `${o.apiVersion}/${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** The folders Flux applies in one platform: each cluster's `flux/` and every Kustomization's path. */
function fluxFolders(platform: SynthesizedPlatform): string[] {
  const prefix = normalizePathPrefix(loadPlatform(platform.configDir).settings.delivery?.flux?.pathPrefix ?? FLUX_DEFAULTS.pathPrefix);
  const folders = new Set<string>();
  for (const file of platform.files.filter((f) => /^[^/]+\/flux\/layers\.yaml$/.test(f.path))) {
    folders.add(path.posix.dirname(file.path));
    for (const k of file.manifests.filter((m) => m.kind === 'Kustomization')) {
      const fluxPath = String((k as any).spec.path);
      const folder = prefix === '.' ? fluxPath.replace(/^\.\//, '') : fluxPath.startsWith(`${prefix}/`) ? fluxPath.slice(prefix.length + 1) : undefined;
      folders.add(folder ?? `(outside ${prefix}) ${fluxPath}`);
    }
  }
  return [...folders].sort();
}

/**
 * `kustomize build` on every folder Flux applies, as Flux's kustomize-controller (and
 * `kubectl apply -k`, Argo CD) would: it must succeed and yield exactly the objects the synth wrote
 * into that folder, no more, no fewer.
 */
export function kustomizeStage({ platforms }: StageContext): EngineReport[] {
  const checks: Check[] = [];
  let objects = 0;
  for (const platform of platforms) {
    for (const folder of fluxFolders(platform)) {
      const subject = `${platform.name}: ${folder}`;
      const dir = path.join(platform.outDir, folder);
      if (!fs.existsSync(path.join(dir, 'kustomization.yaml'))) {
        checks.push({ subject, ok: false, message: `no kustomization.yaml in ${folder}` });
        continue;
      }
      const result = runEngine('kustomize', ['build', dir]);
      if (result.status !== 0) {
        checks.push({ subject, ok: false, message: result.stderr.trim() || `exit ${result.status}` });
        continue;
      }
      const built = YAML.parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((o) => o);
      const written = platform.files.filter((f) => f.path.startsWith(`${folder}/`)).flatMap((f) => f.manifests);
      const builtKeys = built.map(objectKey).sort();
      const writtenKeys = written.map(objectKey).sort();
      const missing = writtenKeys.filter((k) => !builtKeys.includes(k));
      const extra = builtKeys.filter((k) => !writtenKeys.includes(k));
      objects += built.length;
      const ok = built.length === written.length && !missing.length && !extra.length;
      checks.push({
        subject,
        ok,
        message: ok
          ? `${built.length} objects`
          : `kustomize built ${built.length} objects, synth wrote ${written.length}${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; extra: ${extra.join(', ')}` : ''}`,
      });
    }
  }
  return [{ engine: 'kustomize build', version: engineVersion('kustomize'), scope: `${checks.length} Flux paths, ${objects} objects`, checks }];
}
