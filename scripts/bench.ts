/**
 * `npm run bench [-- --tenants N --namespaces M]`: how the synth scales with tenants.
 *
 * Generates a configuration of N tenants (default 2,000) with M namespaces each (default 5),
 * synthesizes it the way `npm run synth` does (load and check the files, render, validate every
 * object, write, publish), and compares with a baseline measured in the same run: the same
 * objects created as plain cdk8s ApiObjects (one chart per output folder) and written by
 * `app.synth()`. Each side runs in its own process, so its peak memory is its own.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Measurement {
  readonly seconds: number;
  /** CPU time (user + system) of the measured part: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly objects: number;
  readonly files: number;
  readonly peakMiB: number;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** A configuration like the default one, with `tenants` tenants of `namespaces` namespaces each. */
function generateConfig(dir: string, tenants: number, namespaces: number): void {
  fs.cpSync(path.join(ROOT, 'config', 'platform.yaml'), path.join(dir, 'platform.yaml'));
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (let i = 1; i <= tenants; i++) {
    const name = `tenant${String(i).padStart(5, '0')}`;
    const tenant = {
      name,
      owners: [{ kind: 'User', name: `owner${i}` }, { kind: 'Group', name: `${name}-admins` }],
      namespaceOptions: { quota: namespaces + 2, additionalMetadataList: [{ annotations: { 'opencost.projectcapsule.dev/tenant': '{{ tenant.name }}' } }] },
      resourceQuotas: { scope: 'Tenant', items: [{ hard: { 'limits.cpu': '16', 'limits.memory': '32Gi' } }] },
      platform: { namespaces: Array.from({ length: namespaces }, (_, j) => `${name}-ns${j + 1}`) },
    };
    fs.writeFileSync(path.join(dir, 'tenants', `${name}.yaml`), YAML.stringify(tenant));
  }
}

function measurePlatform(configDir: string, work: string, manifestsFile: string): Measurement {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthPlatform } = require('../lib/platform/synth') as typeof import('../lib/platform/synth');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const files = synthPlatform({ configDir, stagingDir: path.join(work, 'staging'), outDir: path.join(work, 'out') });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  fs.writeFileSync(manifestsFile, JSON.stringify(files.map((f) => ({ path: f.path, manifests: f.manifests }))));
  return { seconds, cpuSeconds, objects: files.reduce((n, f) => n + f.manifests.length, 0), files: files.length, peakMiB: peakMiB() };
}

function measureBaseline(manifestsFile: string, work: string): Measurement {
  const files = JSON.parse(fs.readFileSync(manifestsFile, 'utf8')) as Array<{ path: string; manifests: any[] }>;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const app = new App({ outdir: path.join(work, 'baseline') });
  const charts = new Map<string, Chart>();
  let objects = 0;
  for (const file of files) {
    const folder = path.dirname(file.path).replace(/\//g, '-');
    let chart = charts.get(folder);
    if (!chart) {
      chart = new Chart(app, folder, { disableResourceNameHashes: true });
      charts.set(folder, chart);
    }
    for (const manifest of file.manifests) new ApiObject(chart, `o${objects++}`, manifest);
  }
  app.synth();
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), objects, files: charts.size, peakMiB: peakMiB() };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function peakMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function child(mode: string, args: string[]): Measurement {
  const result = spawnSync(TSX, [__filename, '--mode', mode, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${mode} run failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

function main(): void {
  const modeIndex = process.argv.indexOf('--mode');
  if (modeIndex >= 0) {
    const [mode, a, b, c] = process.argv.slice(modeIndex + 1);
    console.log(JSON.stringify(mode === 'platform' ? measurePlatform(a, b, c) : measureBaseline(a, b)));
    return;
  }

  const tenants = argument('tenants', 2000);
  const namespaces = argument('namespaces', 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-bench-'));
  try {
    const config = path.join(work, 'config');
    fs.mkdirSync(config);
    generateConfig(config, tenants, namespaces);
    const manifests = path.join(work, 'manifests.json');
    console.log(`${tenants} tenants × ${namespaces} namespaces (${os.cpus().length} CPUs, node ${process.version})`);
    const platform = child('platform', [config, work, manifests]);
    const baseline = child('baseline', [manifests, work]);
    const row = (name: string, m: Measurement) =>
      `${name.padEnd(48)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpuSeconds.toFixed(2).padStart(6)} s CPU ${Math.round(m.objects / m.seconds).toString().padStart(7)} objects/s ${m.peakMiB.toString().padStart(5)} MiB peak`;
    console.log(row(`platform synth (${platform.objects} objects, ${platform.files} files)`, platform));
    console.log(row(`baseline: plain ApiObjects, app.synth()`, baseline));
    console.log(
      `ratio ${(platform.seconds / baseline.seconds).toFixed(2)}× wall, ${(platform.cpuSeconds / baseline.cpuSeconds).toFixed(2)}× CPU (target ≤ 1.5×); ` +
        `peak memory ${platform.peakMiB} MiB (target ≤ 2048 MiB)`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
