import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch, Yaml } from 'cdk8s';
import { PlatformError } from '../lib/core/errors';
import { OUTPUT_MARKER } from '../lib/core/output/publish';
import { validateManifest } from '../lib/core/validation/manifests';
import { buildPlatform, synthPlatform } from '../lib/platform/synth';
import { loadPlatform } from '../lib/platform/config/load';
import { configWith, FIXTURE_CONFIG, parseAll, readTree, ROOT, run, synth, tempDir } from './helpers';

const ROBOT_OWNER = { 'tenants/oil.yaml': 'name: oil\nowners:\n  - kind: Robot\n    name: r2d2\n' };

describe('synth', () => {
  test('is deterministic: two synths of the same config are byte-identical', () => {
    const first = readTree(synth().outDir);
    const second = readTree(synth().outDir);
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test('under cdk8s synth, publishes exactly what it staged, and every published object passes its strict schema', () => {
    const work = tempDir();
    const files = synthPlatform({ configDir: FIXTURE_CONFIG, stagingDir: path.join(work, 'staging'), outDir: path.join(work, 'out') });
    const { [OUTPUT_MARKER]: marker, ...published } = readTree(path.join(work, 'out'));
    expect(marker).toContain('replaced as a whole');
    expect(readTree(path.join(work, 'staging'))).toEqual(published);
    expect(Object.keys(published).sort()).toEqual(files.map((f) => f.path));
    // Kubernetes objects are the YAML files outside tctl/ (tctl resources and READMEs are not), but
    // the kustomization.yaml files (kustomize's own configuration).
    const kubernetes = Object.entries(published).filter(([file]) => file.endsWith('.yaml') && !file.split('/').includes('tctl') && !file.endsWith('/kustomization.yaml'));
    expect(kubernetes.length).toBeGreaterThan(0);
    for (const [file, content] of kubernetes) {
      for (const object of parseAll(content)) expect(validateManifest(file, object)).toEqual([]);
    }
  });

  test.each(['test/fixtures/platform', 'examples/platform'])('writes every file of %s exactly as cdk8s would (Yaml.stringify)', (dir) => {
    const { files } = synth(path.join(ROOT, dir));
    for (const file of files.filter((f) => f.manifests.length)) expect({ file: file.path, content: file.content }).toEqual({ file: file.path, content: Yaml.stringify(...file.manifests) });
  });

  test('fails on an object that its schema rejects, naming the object and the field', () => {
    const app = buildPlatform(loadPlatform(FIXTURE_CONFIG));
    const tenant = app.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Tenant')!;
    tenant.addJsonPatch(JsonPatch.add('/spec/nodeSelectr', { pool: 'a' }));
    expect(() => app.render()).toThrow(/demo\/tenants\/oil.yaml \(Tenant oil\): spec.nodeSelectr: unknown field/);
  });

  test('a failed synth leaves the published output exactly as it was', () => {
    const { outDir } = synth();
    // A file the next successful synth would remove: it must survive a failed one.
    fs.writeFileSync(path.join(outDir, 'demo', 'NOTE.md'), 'hand-written\n');
    const before = readTree(outDir);
    expect(() => synthPlatform({ configDir: configWith(ROBOT_OWNER), stagingDir: path.join(tempDir(), 'staging'), outDir })).toThrow(PlatformError);
    expect(readTree(outDir)).toEqual(before);
    // No half-published leftovers next to the output.
    expect(fs.readdirSync(path.dirname(outDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('a successful synth removes files that are no longer rendered', () => {
    const { outDir } = synth();
    fs.writeFileSync(path.join(outDir, 'demo', 'tenants', 'gone.yaml'), 'stale');
    synthPlatform({ configDir: FIXTURE_CONFIG, stagingDir: path.join(tempDir(), 'staging'), outDir });
    expect(fs.existsSync(path.join(outDir, 'demo', 'tenants', 'gone.yaml'))).toBe(false);
  });
});

/** What must never appear in the output, whatever the configuration. */
const SECRETS = [
  /^kind: Secret$/m,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  // A value on the key's line (block scalars `|` included): cert-manager's `privateKey:` is a map of
  // key-generation settings (algorithm, size), not a key.
  /^\s*(authToken|auth-token|password|clientSecret|client-secret|privateKey):[ \t]*\S/m,
  // `token` also names join tokens of delegated methods (the operator's `token: operator-bot`), which
  // are public; a token value looks like tctl's 32 hex digits.
  /^\s*token:\s*["']?[A-Za-z0-9]{16,}/m,
  /"d"\s*:/, // a private JWK member
];

test.each([
  ['the default platform', {}],
  ['the kubernetes join method', { 'platform.yaml': (old: string) => old.replace('method: token\n          secretName: teleport-kube-agent-join-token', 'method: kubernetes') }],
])('no secret in any output file of %s', (_name, edit) => {
  for (const { path: file, content } of [...synth(configWith(edit)).files, ...synth(path.join(ROOT, 'examples/platform')).files]) {
    for (const secret of SECRETS) expect({ file, secret: secret.test(content) }).toEqual({ file, secret: false });
  }
});

test('npm run synth refuses to publish over a folder it did not write, such as the GitOps checkout itself', () => {
  const gitops = path.join(tempDir(), 'gitops');
  fs.mkdirSync(path.join(gitops, '.git'), { recursive: true });
  fs.mkdirSync(path.join(gitops, 'clusters'));
  fs.writeFileSync(path.join(gitops, 'clusters', 'flux-system.yaml'), 'bootstrap');
  const before = readTree(gitops);
  const result = run('npm', ['run', '--silent', 'synth'], { PLATFORM_CONFIG: FIXTURE_CONFIG, PLATFORM_OUT: gitops });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`refusing to publish to ${gitops}`);
  expect(result.stderr).toContain('it is a Git working tree; give the output a folder of its own');
  expect(readTree(gitops)).toEqual(before);
});

// cdk8s synth stages in a temporary folder so tests never touch the project's cdk8s.out.
describe.each([
  ['npm run synth', 'npm', () => ({ args: ['run', '--silent', 'synth'], env: {} })],
  ['npx cdk8s synth', 'npx', (staging: string) => ({ args: ['cdk8s', 'synth', '--no-check-upgrade', '--output', staging], env: {} })],
])('%s', (_name, command, invocation) => {
  test('publishes the platform to PLATFORM_OUT, and a bad config exits non-zero and changes nothing', () => {
    const work = tempDir();
    const outDir = path.join(work, 'gitops', 'platform');
    const { args, env } = invocation(path.join(work, 'staging'));
    const good = run(command, args, { ...env, PLATFORM_CONFIG: FIXTURE_CONFIG, PLATFORM_OUT: outDir });
    expect(good.stderr).not.toMatch(/error/i);
    expect(good.status).toBe(0);
    const published = readTree(outDir);
    expect(Object.keys(published)).toContain('demo/tenants/oil.yaml');
    // Deterministic across processes too: the same bytes as a synth in this process.
    expect(published).toEqual(readTree(synth().outDir));

    const bad = run(command, args, { ...env, PLATFORM_CONFIG: configWith(ROBOT_OWNER), PLATFORM_OUT: outDir });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('tenants/oil.yaml:3: owners[0].kind: must be one of "User", "Group", "ServiceAccount" (got "Robot")');
    expect(bad.stderr).toContain(`nothing was published; ${outDir} is unchanged`);
    expect(readTree(outDir)).toEqual(published);
  });
});
