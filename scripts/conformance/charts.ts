/**
 * The chart sources of ../shared/charts, made into what Flux's helm-controller would download: a
 * packaged chart with its version stamped and its remote dependencies inside it. Everything is
 * built in copies under the run's work folder, never in ../shared or the repository.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { moduleChartSource, runEngine, SHARED_DIR } from './engines';

/** A chart ready for `helm template`, with what its values are checked against. */
export interface PreparedChart {
  /** `<chart>-<version>` as the HelmRelease asks for it. */
  readonly id: string;
  /** The packaged chart (.tgz) to template. */
  readonly archive: string;
  /** The chart folder of ../shared/charts it was built from. */
  readonly sourceDir: string;
  /** The version packaged (differs from the requested one only where ../shared has no exact copy). */
  readonly version: string;
  /** Default values as Helm computes them: the chart's values.yaml with each present subchart's under its alias. */
  readonly defaults: ValuesTree;
  /** Caveats for the summary (a substituted version, dependencies left out). */
  readonly notes: readonly string[];
  /** Dependencies left out because ../shared has no copy: name and the values condition that enables them. */
  readonly missing: ReadonlyArray<{ readonly name: string; readonly version: string; readonly condition?: string }>;
}

/** A values.yaml map, with the helm-docs comment of every key (used to tell deprecated keys). */
export interface ValuesTree {
  readonly value: unknown;
  /** Comment above the key in values.yaml, where there is one. */
  readonly comment?: string;
  readonly children: ReadonlyMap<string, ValuesTree>;
}

/**
 * Chart versions pinned in lib/versions.ts that ../shared/charts does not hold, and the nearest
 * exact upstream copy that stands in (see ../shared/charts/README.md, note B). The summary says so.
 */
const SUBSTITUTES: Readonly<Record<string, string>> = {
  'teleport-kube-agent-18.2.0': '18.2.1',
  'teleport-operator-18.2.0': '18.2.1',
};

interface ChartYaml {
  name: string;
  version: string;
  dependencies?: Array<{ name: string; version: string; repository?: string; condition?: string; alias?: string }>;
}

/** Prepares (once per run) the chart `name` at `version`; throws naming what is missing. */
export function prepareChart(work: string, name: string, version: string, cache: Map<string, PreparedChart>): PreparedChart {
  const id = `${name}-${version}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const notes: string[] = [];
  let sourceVersion = version;
  if (!fs.existsSync(path.join(SHARED_DIR, 'charts', id)) && SUBSTITUTES[id]) {
    sourceVersion = SUBSTITUTES[id];
    notes.push(`${name} ${version} is not available offline; rendered with the upstream ${name} ${sourceVersion} chart (../shared/charts/README.md, note B)`);
  }
  let sourceDir = path.join(SHARED_DIR, 'charts', `${name}-${sourceVersion}`);
  if (!fs.existsSync(path.join(sourceDir, 'Chart.yaml'))) {
    // Charts whose source ships in a pinned Go module (cert-manager's, trust-manager's), at the same tag.
    const module = moduleChartSource(name, version);
    if (!module) throw new Error(`no chart source ${path.relative(process.cwd(), sourceDir)} for ${name} ${version}`);
    sourceDir = module.dir;
    notes.push(`${name} ${version}: rendered from the chart source in Go module ${module.source} (lib/engines.json), version and appVersion stamped as its release does`);
  }

  const copy = path.join(work, 'charts', 'src', `${name}-${sourceVersion}`);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(sourceDir, copy, { recursive: true });
  const chartFile = path.join(copy, 'Chart.yaml');
  const chartDoc = YAML.parseDocument(fs.readFileSync(chartFile, 'utf8'));
  const chart = chartDoc.toJS() as ChartYaml;

  const missing: Array<{ name: string; version: string; condition?: string }> = [];
  const present: Array<{ key: string; dir: string }> = [];
  const kept: number[] = [];
  (chart.dependencies ?? []).forEach((dep, index) => {
    const key = dep.alias ?? dep.name;
    const local = path.join(copy, 'charts', dep.name);
    if (!dep.repository || dep.repository.startsWith('file://')) {
      // A subchart shipped inside the chart source.
      present.push({ key, dir: dep.repository ? path.resolve(copy, dep.repository.slice('file://'.length)) : local });
      kept.push(index);
      return;
    }
    const depSource = path.join(SHARED_DIR, 'charts', `${dep.name}-${dep.version}`);
    if (fs.existsSync(path.join(depSource, 'Chart.yaml'))) {
      // Packaged as the upstream release workflow would, so Helm matches alias and condition.
      packageChart(depSource, dep.version, path.join(copy, 'charts'));
      present.push({ key, dir: depSource });
      kept.push(index);
      notes.push(`${name}: dependency ${dep.name} ${dep.version} packaged from ../shared/charts/${dep.name}-${dep.version}`);
    } else {
      missing.push({ name: dep.name, version: dep.version, condition: dep.condition });
    }
  });
  if (missing.length) {
    // Helm refuses to render while a listed dependency is absent: the copy lists only those present.
    const deps = chartDoc.get('dependencies') as YAML.YAMLSeq;
    deps.items = deps.items.filter((_, i) => kept.includes(i));
    fs.writeFileSync(chartFile, chartDoc.toString());
    fs.rmSync(path.join(copy, 'Chart.lock'), { force: true });
    notes.push(
      `${name}: rendered from a copy whose Chart.yaml leaves out ${missing.map((m) => `${m.name} ${m.version} (condition ${m.condition ?? 'none'})`).join(', ')}: not available offline, so their objects are not rendered or checked`,
    );
  }
  const archive = packageChart(copy, sourceVersion, path.join(work, 'charts', 'pkg'));

  const defaults = readValuesTree(path.join(copy, 'values.yaml'));
  for (const dep of present) mergeSubchartDefaults(defaults, dep.key, readValuesTree(path.join(dep.dir, 'values.yaml')));
  const templateOnly = addTemplateReads(defaults, path.join(copy, 'templates'));
  if (templateOnly.length) notes.push(`${name} ${sourceVersion}: values its templates read that its values.yaml does not define are accepted (${templateOnly.length}): ${templateOnly.slice(0, 8).join(', ')}${templateOnly.length > 8 ? ', ...' : ''}`);
  const prepared: PreparedChart = { id, archive, sourceDir, version: sourceVersion, defaults, notes, missing };
  cache.set(id, prepared);
  return prepared;
}

/**
 * `helm package` with the version stamped: the Capsule charts carry 0.0.0 in git and their release
 * workflow sets chart and app version from the tag (../shared/charts/README.md, note A).
 */
function packageChart(dir: string, version: string, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const chart = YAML.parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as ChartYaml & { appVersion?: string };
  const args = ['package', dir, '-d', outDir];
  // The Capsule charts carry 0.0.0 in git, the cert-manager project's v0.0.0; their releases stamp the tag.
  if (chart.version === '0.0.0' || chart.version === 'v0.0.0') args.push('--version', version, '--app-version', version);
  else if (chart.version !== version) throw new Error(`${dir}: Chart.yaml says version ${chart.version}, expected ${version}`);
  const result = runEngine('helm', args);
  if (result.status !== 0) throw new Error(`helm package ${dir} failed: ${result.stderr.trim()}`);
  const archive = path.join(outDir, `${chart.name}-${version}.tgz`);
  if (!fs.existsSync(archive)) throw new Error(`helm package ${dir} did not write ${archive}`);
  return archive;
}

/**
 * Adds to `defaults` the value paths the chart's own templates read (`.Values.a.b`) under a map that
 * values.yaml defines but without that key (capsule-proxy's Service template reads
 * `service.loadBalancerSourceRanges`, which its values.yaml leaves out): Helm does read them.
 * Returns the paths added, sorted.
 */
export function addTemplateReads(defaults: ValuesTree, templatesDir: string): string[] {
  if (!fs.existsSync(templatesDir)) return [];
  const added = new Set<string>();
  const files = fs.readdirSync(templatesDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const entry of files) {
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      const keys = match[1].slice(1).split('.');
      let tree = defaults;
      for (let i = 0; i < keys.length; i++) {
        const child = tree.children.get(keys[i]);
        if (child) {
          tree = child;
          continue;
        }
        // Only a leaf missing under a map values.yaml defines; nothing below a scalar or a list.
        if (i === keys.length - 1 && isMap(tree.value)) {
          (tree.children as Map<string, ValuesTree>).set(keys[i], { value: undefined, comment: `read by templates/${entry.name}, not in values.yaml`, children: new Map() });
          added.add(keys.join('.'));
        }
        break;
      }
    }
  }
  return [...added].sort();
}

/** values.yaml as a tree of keys, each with the comment written above it. */
export function readValuesTree(file: string): ValuesTree {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  return toTree(doc.contents, doc.commentBefore ?? undefined);
}

function toTree(node: unknown, comment?: string): ValuesTree {
  const children = new Map<string, ValuesTree>();
  if (YAML.isMap(node)) {
    node.items.forEach((pair, index) => {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      // yaml attaches the comment above a map's first key to the map itself.
      const before = (YAML.isNode(pair.key) ? pair.key.commentBefore : undefined) ?? (index === 0 ? node.commentBefore : undefined) ?? undefined;
      children.set(key, toTree(pair.value, before));
    });
  }
  const value = YAML.isNode(node) ? node.toJSON() : node;
  return { value, comment, children };
}

/** Helm's default values for a subchart: its own values.yaml under its alias, the parent's values over them. */
function mergeSubchartDefaults(parent: ValuesTree, key: string, sub: ValuesTree): void {
  const children = parent.children as Map<string, ValuesTree>;
  const own = children.get(key);
  children.set(key, own ? mergeTrees(sub, own) : sub);
}

function mergeTrees(base: ValuesTree, over: ValuesTree): ValuesTree {
  if (!isMap(base.value) || !isMap(over.value)) return over;
  const children = new Map(base.children);
  for (const [k, v] of over.children) children.set(k, children.has(k) ? mergeTrees(children.get(k)!, v) : v);
  return { value: { ...(base.value as object), ...(over.value as object) }, comment: over.comment ?? base.comment, children };
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
