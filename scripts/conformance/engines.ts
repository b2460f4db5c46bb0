import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ENGINES } from '../../lib/versions';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Where scripts/engines.sh puts the binaries (ENGINES_DIR overrides, as for the script). */
export const ENGINES_DIR = process.env.ENGINES_DIR || path.join(ROOT, '.engines');
/** The upstream material beside the repository (charts, CRDs); SHARED_DIR overrides. */
export const SHARED_DIR = process.env.SHARED_DIR || path.resolve(ROOT, '..', 'shared');

export type EngineName = 'kyverno' | 'helm' | 'kubeconform' | 'kustomize';

/** Path of an engine binary built by `npm run engines`; throws with the command to run when it is missing. */
export function enginePath(name: EngineName): string {
  const file = path.join(ENGINES_DIR, 'bin', ENGINES[name].binary);
  if (!fs.existsSync(file)) throw new Error(`${name} ${ENGINES[name].version} is not built: run npm run engines (needs Go)`);
  return file;
}

/** The pinned version of an engine, as lib/engines.json says. */
export function engineVersion(name: EngineName): string {
  return ENGINES[name].version;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an engine to completion (no shell), capturing its output. */
export function runEngine(name: EngineName, args: readonly string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(enginePath(name), args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The cert-manager module source (its CRDs in deploy/crds) that scripts/engines.sh links into ENGINES_DIR. */
export function certManagerCrds(): string {
  const dir = path.join(ENGINES_DIR, 'cert-manager', ENGINES['cert-manager'].crds);
  if (!fs.existsSync(dir)) throw new Error('the cert-manager sources are missing: run npm run engines cert-manager (needs Go)');
  return dir;
}

/** The Kubernetes module source (OpenAPI specs) that scripts/engines.sh links into ENGINES_DIR. */
export function kubernetesSource(): string {
  const dir = path.join(ENGINES_DIR, 'kubernetes');
  if (!fs.existsSync(path.join(dir, 'api', 'openapi-spec'))) throw new Error('the Kubernetes sources are missing: run npm run engines (needs Go)');
  return dir;
}

/**
 * The chart `name` at `version` in a Go module source pinned in lib/engines.json (its `chart`
 * folder, e.g. cert-manager's deploy/charts/cert-manager), as scripts/engines.sh links it into
 * ENGINES_DIR; undefined when no pin has that chart at that version.
 * @throws when the pin exists but its source was not fetched
 */
export function moduleChartSource(name: string, version: string): { readonly dir: string; readonly source: string } | undefined {
  for (const [pinName, pin] of Object.entries(ENGINES as Record<string, { module?: string; version?: string; chart?: string }>)) {
    if (!pin.chart || path.posix.basename(pin.chart) !== name || pin.version !== version) continue;
    const dir = path.join(ENGINES_DIR, pinName, pin.chart);
    if (!fs.existsSync(path.join(dir, 'Chart.yaml'))) throw new Error(`the ${pinName} sources are missing: run npm run engines ${pinName} (needs Go)`);
    return { dir, source: `${pin.module}@${pin.version} ${pin.chart}` };
  }
  return undefined;
}
