import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { formatProblem, PlatformError } from '../lib/core/errors';
import { RenderedFile } from '../lib/core/output/platform-app';
import { loadPlatform } from '../lib/platform/config/load';
import { synthPlatform } from '../lib/platform/synth';

export const ROOT = path.resolve(__dirname, '..');
/** The demo configuration the tests use: a copy of config/ as shipped, so editing config/ never breaks a test. */
export const FIXTURE_CONFIG = path.join(ROOT, 'test', 'fixtures', 'platform');

const created: string[] = [];
// Every test file that uses these helpers cleans up after itself.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new temporary folder, removed when the test file is done. */
export function tempDir(prefix = 'platform-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A copy of the default configuration, changed by `edit` (file path relative to the config folder
 * → new content, or a function of the old content; `null` deletes the file).
 */
export function configWith(edit: Record<string, string | null | ((old: string) => string)> = {}): string {
  const dir = tempDir('config-');
  fs.cpSync(FIXTURE_CONFIG, dir, { recursive: true });
  for (const [file, change] of Object.entries(edit)) {
    const target = path.join(dir, file);
    if (change === null) fs.rmSync(target);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, typeof change === 'function' ? change(fs.readFileSync(target, 'utf8')) : change);
    }
  }
  return dir;
}

/** Synthesizes `configDir` in-process into a fresh output folder, as `npm run synth` does. */
export function synth(configDir = FIXTURE_CONFIG): { outDir: string; files: RenderedFile[] } {
  const outDir = path.join(tempDir('synth-'), 'out');
  const files = synthPlatform({ configDir, outDir });
  return { outDir, files };
}

/**
 * The problems `loadPlatform` reports for a configuration (a folder, or an edit of the default one as
 * `configWith` takes it), formatted as `npm run synth` prints them, paths relative to the folder.
 * Fails the test if the configuration is accepted.
 */
export function configProblems(config: string | Parameters<typeof configWith>[0]): string[] {
  const dir = typeof config === 'string' ? config : configWith(config);
  try {
    loadPlatform(dir);
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error.problems.map((p) => formatProblem({ ...p, file: p.file && path.relative(dir, p.file) }));
  }
  throw new Error('expected the configuration to be rejected');
}

/**
 * Synthesizes `configDir` into a copy of a published output (`pristine`, whose content is
 * `published`) and expects a PlatformError that leaves the copy byte-identical, with no temporary
 * folder left beside it. Returns the error, for its problems.
 */
export function expectRefusedKeepingOutput(configDir: string, pristine: string, published: Record<string, string>): PlatformError {
  const outDir = path.join(tempDir(), 'out');
  fs.cpSync(pristine, outDir, { recursive: true });
  let error: unknown;
  try {
    synthPlatform({ configDir, outDir });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlatformError);
  expect(readTree(outDir)).toEqual(published);
  expect(fs.readdirSync(path.dirname(outDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  return error as PlatformError;
}

/** Every file under `dir`, relative path → content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file).split(path.sep).join('/')] = fs.readFileSync(file, 'utf8');
    }
  }
  return out;
}

/** All YAML documents of a file. */
export function parseAll(content: string): any[] {
  return YAML.parseAllDocuments(content).map((d) => d.toJS());
}

/** Runs a command of the project as a user would, with PLATFORM_* pointed at the given folders. */
export function run(command: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Problems with the kustomize roots of a rendered platform: every Flux Kustomization path (and each
 * cluster's `flux/` folder) must hold a kustomization.yaml that lists, sorted, exactly the files with
 * objects in that folder, and every file with objects must be in one of those folders.
 */
export function kustomizeRootProblems(files: readonly RenderedFile[], pathPrefix: string): string[] {
  const problems: string[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const folders = new Set(files.filter((f) => f.path.endsWith('/flux/layers.yaml')).map((f) => f.path.slice(0, -'/layers.yaml'.length)));
  // A tenant's own Kustomization reads the tenant's GitRepository (rendered here), not the platform's source.
  const renderedSources = new Set(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'GitRepository').map((m) => `${m.metadata.namespace}/${m.metadata.name}`));
  const readsPlatformSource = (k: any) => !renderedSources.has(`${k.spec.sourceRef.namespace ?? k.metadata.namespace}/${k.spec.sourceRef.name}`);
  for (const kustomization of files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Kustomization' && m.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') && readsPlatformSource(m))) {
    const fluxPath = (kustomization as any).spec.path as string;
    if (!fluxPath.startsWith(`${pathPrefix}/`)) problems.push(`${kustomization.metadata.name}: path ${fluxPath} is not under ${pathPrefix}`);
    else folders.add(fluxPath.slice(pathPrefix.length + 1));
  }
  const covered = new Set<string>();
  for (const folder of folders) {
    const root = byPath.get(`${folder}/kustomization.yaml`);
    if (!root) {
      problems.push(`${folder}: no kustomization.yaml`);
      continue;
    }
    const parsed = YAML.parse(root.content);
    if (parsed.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || parsed.kind !== 'Kustomization') problems.push(`${folder}/kustomization.yaml: not a Kustomization`);
    const expected = files.filter((f) => f.path.startsWith(`${folder}/`) && f.manifests.length > 0).map((f) => f.path.slice(folder.length + 1));
    if (JSON.stringify(parsed.resources) !== JSON.stringify(expected)) {
      problems.push(`${folder}/kustomization.yaml lists ${JSON.stringify(parsed.resources)}, the folder holds ${JSON.stringify(expected)}`);
    }
    for (const file of expected) covered.add(`${folder}/${file}`);
  }
  for (const file of files) {
    if (file.manifests.length && !covered.has(file.path)) problems.push(`${file.path}: not in any folder Flux applies`);
  }
  return problems;
}
