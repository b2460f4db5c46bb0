/**
 * `npm run import`: regenerates imports/ from the CRDs pinned in cdk8s.yaml.
 *
 * - the cdk8s import types (`imports/<name>-<group>.ts`), via `cdk8s import`;
 * - the strict validators (`imports/validators/`), ajv standalone code compiled from each served
 *   version's openAPIV3Schema.
 *
 * An entry named `<folder>/<name>` belongs to a version profile (lib/versions.ts `importsFolder`):
 * its types and validators go to `imports/<folder>/`, beside the root set, so both profiles' CRDs
 * are generated side by side.
 *
 * Each CRD is read from a local mirror when there is one, otherwise downloaded from its pinned URL:
 * - a file of a chart source (`…/v<version>/…/charts/<chart>/<path>`) from the chart mirror
 *   (CHART_MIRROR, default ../shared/charts), as `<chart>-<version>/<path>`; never by file name
 *   alone, because every Capsule release names its CRD files alike;
 * - a file of a Go module source pinned in lib/engines.json (`…/<owner>/<repo>/<version>/<path>` of the
 *   module `github.com/<owner>/<repo>` at that version, e.g. cert-manager's deploy/crds) from that module's
 *   source: the link scripts/engines.sh makes in ENGINES_DIR (default .engines), else Go's module cache;
 * - any other from the CRD mirror (CRD_MIRROR, default ../shared/crds), matched by file name.
 * Nothing is copied into the repo except what is generated.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { CrdSource, generateValidators } from './import/generate-validators';

const ROOT = path.resolve(__dirname, '..');
// IMPORTS_OUT lets a test regenerate into a temporary folder and compare with the committed imports/.
const IMPORTS = path.resolve(ROOT, process.env.IMPORTS_OUT ?? 'imports');

interface ImportSpec {
  readonly name: string;
  readonly url: string;
  /** Output folder under imports/ ('' for the root set). */
  readonly folder: string;
}

function readImportSpecs(): ImportSpec[] {
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
  return (config.imports ?? []).map((entry) => {
    const [name, url] = entry.split(':=');
    if (!name || !url) throw new Error(`cdk8s.yaml: import '${entry}' must be written NAME:=URL or FOLDER/NAME:=URL`);
    const parts = name.split('/');
    if (parts.length > 2 || parts.some((p) => !/^[a-z0-9-]+$/.test(p))) throw new Error(`cdk8s.yaml: import name '${name}' must be NAME or FOLDER/NAME (lowercase, digits, dashes)`);
    return parts.length === 2 ? { folder: parts[0], name: parts[1], url } : { folder: '', name, url };
  });
}

function indexMirror(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.set(entry.name, path.join(entry.parentPath, entry.name));
  }
  return files;
}

/** `…/v0.14.0/charts/capsule/crds/x.yaml` → `capsule-0.14.0/crds/x.yaml` (the last `charts/<chart>/` counts). */
export function chartMirrorPath(url: string): string | undefined {
  const match = /\/v?(\d+\.\d+\.\d+)\/(?:.*\/)?charts\/([^/]+)\/(.+)$/.exec(new URL(url).pathname);
  return match ? path.join(`${match[2]}-${match[1]}`, ...match[3].split('/')) : undefined;
}

interface ModulePin {
  readonly module?: string;
  readonly version?: string;
  readonly package?: string;
}

/**
 * `https://raw.githubusercontent.com/<owner>/<repo>/<version>/<path>` → `{ name, module, version, path }`
 * when lib/engines.json pins the module source `github.com/<owner>/<repo>` at exactly `<version>`.
 */
export function moduleSourceFile(url: string, engines: Readonly<Record<string, unknown>>): { name: string; module: string; version: string; path: string } | undefined {
  const parsed = new URL(url);
  if (parsed.hostname !== 'raw.githubusercontent.com') return undefined;
  const [owner, repo, version, ...rest] = parsed.pathname.split('/').filter(Boolean);
  if (!rest.length) return undefined;
  const module = `github.com/${owner}/${repo}`;
  for (const [name, pin] of Object.entries(engines)) {
    const p = pin as ModulePin;
    if (typeof pin === 'object' && p.module === module && p.version === version && !p.package) return { name, module, version, path: rest.join('/') };
  }
  return undefined;
}

/** The file of a module source: the engines link, else Go's module cache (without downloading). */
export function readModuleSource(url: string): string | undefined {
  const source = moduleSourceFile(url, JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'engines.json'), 'utf8')));
  if (!source) return undefined;
  const enginesDir = path.resolve(ROOT, process.env.ENGINES_DIR ?? '.engines');
  let modCache = process.env.GOMODCACHE;
  if (!modCache) {
    try {
      modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    } catch {
      modCache = undefined;
    }
  }
  // The module cache escapes upper-case letters as '!' + lower case.
  const escaped = source.module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  const candidates = [path.join(enginesDir, source.name, source.path), ...(modCache ? [path.join(modCache, `${escaped}@${source.version}`, source.path)] : [])];
  return candidates.find((f) => fs.existsSync(f));
}

async function readCrd(spec: ImportSpec, mirror: Map<string, string>, chartMirror: string): Promise<string> {
  const inChart = chartMirrorPath(spec.url);
  const local = inChart
    ? [path.join(chartMirror, inChart)].find((f) => fs.existsSync(f))
    : (readModuleSource(spec.url) ?? mirror.get(path.posix.basename(new URL(spec.url).pathname)));
  if (local) {
    console.log(`  ${spec.name}: ${path.relative(ROOT, local)}`);
    return fs.readFileSync(local, 'utf8');
  }
  console.log(`  ${spec.name}: ${spec.url}`);
  const response = await fetch(spec.url);
  if (!response.ok) throw new Error(`${spec.url}: HTTP ${response.status}`);
  return response.text();
}

async function main(): Promise<void> {
  const mirrorDir = path.resolve(ROOT, process.env.CRD_MIRROR ?? '../shared/crds');
  const mirror = indexMirror(mirrorDir);
  const chartMirror = path.resolve(ROOT, process.env.CHART_MIRROR ?? '../shared/charts');
  const specs = readImportSpecs();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-import-'));
  try {
    console.log(`reading ${specs.length} CRDs${mirror.size ? ` (mirrors: ${path.relative(ROOT, mirrorDir)}, ${path.relative(ROOT, chartMirror)})` : ''}`);
    const folders = [...new Set(specs.map((s) => s.folder))].sort();
    for (const folder of folders) {
      const out = path.join(IMPORTS, folder);
      const dir = path.join(work, folder || 'root');
      fs.mkdirSync(dir, { recursive: true });
      const sources: CrdSource[] = [];
      const localImports: string[] = [];
      for (const spec of specs.filter((s) => s.folder === folder)) {
        const text = await readCrd(spec, mirror, chartMirror);
        const file = path.join(dir, `${spec.name}.yaml`);
        fs.writeFileSync(file, text);
        localImports.push(`${spec.name}:=${file}`);
        sources.push({ ...spec, crd: YAML.parse(text) });
      }

      // cdk8s import reads cdk8s.yaml from its working directory: give it one that points at local copies.
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), YAML.stringify({ language: 'typescript', imports: localImports }));
      fs.mkdirSync(out, { recursive: true });
      for (const file of fs.readdirSync(out, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.ts'))) {
        fs.rmSync(path.join(out, file.name));
      }
      execFileSync(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['import', '--no-check-upgrade', '--output', out], {
        cwd: dir,
        stdio: 'inherit',
      });

      const validators = generateValidators(sources, path.join(out, 'validators'));
      console.log(`generated ${validators.length} strict validators in ${path.relative(ROOT, path.join(out, 'validators'))}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
