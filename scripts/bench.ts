/**
 * `npm run bench [-- --tenants N --namespaces M --runs R]`: how the synth scales with tenants.
 *
 * Generates a configuration of N tenants (default 2,000) with M namespaces each (default 5),
 * synthesizes it the way `npm run synth` does (load and check the files, render, validate every
 * object, publish), and compares with a baseline measured in the same run: the same objects
 * created as plain cdk8s ApiObjects (one chart per output folder) and written by `app.synth()`.
 * Each side runs in its own fresh process (so its peak memory is its own), R times (default 5),
 * alternating, and the medians are reported: single timings on a shared machine are noisy.
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
  /** Wall time of each phase, in seconds. */
  readonly phases: Record<string, number>;
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

/**
 * A configuration like the default one, with `tenants` tenants of `namespaces` namespaces each, a
 * quota, an OpenCost annotation and a Teleport role (a TeleportRoleV8, a tctl copy, ACCESS.md).
 */
function generateConfig(dir: string, tenants: number, namespaces: number): void {
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'platform', 'platform.yaml'), path.join(dir, 'platform.yaml'));
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (let i = 1; i <= tenants; i++) {
    const name = `tenant${String(i).padStart(5, '0')}`;
    const tenant = {
      name,
      owners: [{ kind: 'User', name: `owner${i}` }, { kind: 'Group', name: `${name}-admins` }],
      namespaceOptions: { quota: namespaces + 2, additionalMetadataList: [{ annotations: { 'opencost.projectcapsule.dev/tenant': '{{ tenant.name }}' } }] },
      resourceQuotas: { scope: 'Tenant', items: [{ hard: { 'limits.cpu': '16', 'limits.memory': '32Gi' } }] },
      platform: {
        namespaces: Array.from({ length: namespaces }, (_, j) => `${name}-ns${j + 1}`),
        teleport: { roles: [{ name: `${name}-kube-access` }] },
      },
    };
    fs.writeFileSync(path.join(dir, 'tenants', `${name}.yaml`), YAML.stringify(tenant));
  }
}

/** `npm run synth`'s steps (see synthPlatform), timed one by one. */
function measurePlatform(configDir: string, work: string, manifestsFile: string): Measurement {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { buildPlatform } = require('../lib/platform/synth') as typeof import('../lib/platform/synth');
  const { loadPlatform } = require('../lib/platform/config/load') as typeof import('../lib/platform/config/load');
  const { publishFiles } = require('../lib/core/output/publish') as typeof import('../lib/core/output/publish');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cpu = process.cpuUsage();
  const timer = phaseTimer();
  const definition = timer.time('read and check config', () => loadPlatform(configDir));
  const app = timer.time('build constructs', () => buildPlatform(definition));
  const files = timer.time('render and validate', () => app.render());
  timer.time('write and publish files', () => publishFiles(files, path.join(work, 'out')));
  const cpuSeconds = cpuSince(cpu);
  fs.writeFileSync(manifestsFile, JSON.stringify(files.map((f) => ({ path: f.path, manifests: f.manifests }))));
  return { seconds: timer.total(), phases: timer.phases, cpuSeconds, objects: files.reduce((n, f) => n + f.manifests.length, 0), files: files.length, peakMiB: peakMiB() };
}

function measureBaseline(manifestsFile: string, work: string): Measurement {
  const files = JSON.parse(fs.readFileSync(manifestsFile, 'utf8')) as Array<{ path: string; manifests: any[] }>;
  const cpu = process.cpuUsage();
  const timer = phaseTimer();
  const app = new App({ outdir: path.join(work, 'baseline') });
  const charts = new Map<string, Chart>();
  let objects = 0;
  timer.time('construct ApiObjects', () => {
    for (const file of files) {
      const folder = path.dirname(file.path).replace(/\//g, '-');
      let chart = charts.get(folder);
      if (!chart) {
        chart = new Chart(app, folder, { disableResourceNameHashes: true });
        charts.set(folder, chart);
      }
      for (const manifest of file.manifests) new ApiObject(chart, `o${objects++}`, manifest);
    }
  });
  timer.time('app.synth()', () => app.synth());
  return { seconds: timer.total(), phases: timer.phases, cpuSeconds: cpuSince(cpu), objects, files: charts.size, peakMiB: peakMiB() };
}

function phaseTimer() {
  const phases: Record<string, number> = {};
  return {
    phases,
    time<T>(name: string, step: () => T): T {
      const started = performance.now();
      const result = step();
      phases[name] = (performance.now() - started) / 1000;
      return result;
    },
    total: () => Object.values(phases).reduce((a, b) => a + b, 0),
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function peakMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Microseconds to create a small file in `dir` (kept until the end: deleting is what slows creation). */
function fileCreationMicros(dir: string): number {
  fs.mkdirSync(dir);
  const started = performance.now();
  for (let i = 0; i < 500; i++) fs.writeFileSync(path.join(dir, `f${i}`), 'x');
  return Math.round(((performance.now() - started) * 1000) / 500);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
  const runs = argument('runs', 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-bench-'));
  try {
    const config = path.join(work, 'config');
    fs.mkdirSync(config);
    generateConfig(config, tenants, namespaces);
    console.log(`${tenants} tenants × ${namespaces} namespaces, ${runs} runs of each side (${os.cpus().length} CPUs, node ${process.version})`);
    const probe = fileCreationMicros(path.join(work, 'probe'));
    if (probe > 100) {
      console.log(
        `warning: creating a file takes ${probe} µs here right now (usually ~25 µs); some filesystems (ext4) create files slowly ` +
          'for a minute or two after many deletions (e.g. a test run), which inflates "write and publish files"',
      );
    }
    const platform: Measurement[] = [];
    const baseline: Measurement[] = [];
    for (let run = 0; run < runs; run++) {
      const dir = path.join(work, `run-${run}`);
      fs.mkdirSync(dir);
      const manifests = path.join(dir, 'manifests.json');
      platform.push(child('platform', [config, dir, manifests]));
      baseline.push(child('baseline', [manifests, dir]));
      // Output folders are only removed at the end: deleting thousands of files just before a run
      // can slow the file creation of the next one by seconds on some filesystems.
    }
    const summary = (runs: Measurement[]): Measurement => ({
      seconds: median(runs.map((m) => m.seconds)),
      phases: Object.fromEntries(Object.keys(runs[0].phases).map((phase) => [phase, median(runs.map((m) => m.phases[phase]))])),
      cpuSeconds: median(runs.map((m) => m.cpuSeconds)),
      objects: runs[0].objects,
      files: runs[0].files,
      peakMiB: Math.max(...runs.map((m) => m.peakMiB)),
    });
    const p = summary(platform);
    const b = summary(baseline);
    const row = (name: string, m: Measurement) =>
      `${name.padEnd(48)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpuSeconds.toFixed(2).padStart(6)} s CPU ${Math.round(m.objects / m.seconds).toString().padStart(7)} objects/s ${m.peakMiB.toString().padStart(5)} MiB peak`;
    console.log('medians:');
    const phases = (m: Measurement) => `    ${Object.entries(m.phases).map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`).join(', ')}`;
    console.log(row(`platform synth (${p.objects} objects, ${p.files} files)`, p));
    console.log(phases(p));
    console.log(row(`baseline: plain ApiObjects, app.synth()`, b));
    console.log(phases(b));
    const wallRatio = median(platform.map((m, i) => m.seconds / baseline[i].seconds));
    const cpuRatio = median(platform.map((m, i) => m.cpuSeconds / baseline[i].cpuSeconds));
    console.log(`ratio ${wallRatio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU (median of ${runs} pairs; target: wall ≤ 1.5×); peak memory ${p.peakMiB} MiB (target ≤ 2048 MiB)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
