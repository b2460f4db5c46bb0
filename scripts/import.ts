/**
 * `npm run import`: regenerates imports/ from the CRDs pinned in cdk8s.yaml.
 *
 * - the cdk8s import types (`imports/<name>-<group>.ts`), via `cdk8s import`;
 * - the strict validators (`imports/validators/`), ajv standalone code compiled from each served
 *   version's openAPIV3Schema.
 *
 * Each CRD is read from the local mirror when it has the file (CRD_MIRROR, default ../shared/crds,
 * matched by file name), otherwise downloaded from its pinned URL. Nothing is copied into the repo
 * except what is generated.
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
}

function readImportSpecs(): ImportSpec[] {
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports?: string[] };
  return (config.imports ?? []).map((entry) => {
    const [name, url] = entry.split(':=');
    if (!name || !url) throw new Error(`cdk8s.yaml: import '${entry}' must be written NAME:=URL`);
    return { name, url };
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

async function readCrd(spec: ImportSpec, mirror: Map<string, string>): Promise<string> {
  const local = mirror.get(path.posix.basename(new URL(spec.url).pathname));
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
  const specs = readImportSpecs();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-import-'));
  try {
    console.log(`reading ${specs.length} CRDs${mirror.size ? ` (mirror: ${path.relative(ROOT, mirrorDir)})` : ''}`);
    const sources: CrdSource[] = [];
    const localImports: string[] = [];
    for (const spec of specs) {
      const text = await readCrd(spec, mirror);
      const file = path.join(work, `${spec.name}.yaml`);
      fs.writeFileSync(file, text);
      localImports.push(`${spec.name}:=${file}`);
      sources.push({ ...spec, crd: YAML.parse(text) });
    }

    // cdk8s import reads cdk8s.yaml from its working directory: give it one that points at local copies.
    fs.writeFileSync(path.join(work, 'cdk8s.yaml'), YAML.stringify({ language: 'typescript', imports: localImports }));
    fs.mkdirSync(IMPORTS, { recursive: true });
    for (const file of fs.readdirSync(IMPORTS, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.ts'))) {
      fs.rmSync(path.join(IMPORTS, file.name));
    }
    execFileSync(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['import', '--no-check-upgrade', '--output', IMPORTS], {
      cwd: work,
      stdio: 'inherit',
    });

    const validators = generateValidators(sources, path.join(IMPORTS, 'validators'));
    console.log(`generated ${validators.length} strict validators in ${path.relative(ROOT, path.join(IMPORTS, 'validators'))}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
