import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readGitTree, readOutputTree } from '../lib/core/output/output-tree';
import { synthesizeTree } from '../lib/platform/check';
import { renderPlanMarkdown } from '../lib/platform/plan/markdown';
import { computePlan, Plan } from '../lib/platform/plan/plan';
import { configWith, FIXTURE_CONFIG, ROOT, run, synth, tempDir } from './helpers';

const labels = { before: 'before', after: 'after' };
const committed = synthesizeTree(FIXTURE_CONFIG);
const GAS = `name: gas
owners:
  - kind: User
    name: bob
platform:
  teleport:
    roles:
      - name: gas-access
`;

describe('npm run plan: what a configuration change does to the clusters', () => {
  test('nothing to review when the configuration produces the committed output', () => {
    const plan = computePlan(committed, synthesizeTree(FIXTURE_CONFIG), labels);
    expect(plan.clusters.every((c) => c.layers.length === 0)).toBe(true);
    expect(renderPlanMarkdown(plan)).toContain('No changes.');
  });

  test('a SOPS-encrypted Secret added to secrets/<cluster>/ and a chart moved to an OCI registry, object by object', () => {
    const encrypted = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sops', 'join-token.yaml'), 'utf8');
    const edit = (old: string) =>
      old
        .replace('    pathPrefix: ./dist\n', '    pathPrefix: ./dist\n    decryption:\n      provider: sops\n')
        .replace('  - name: demo\n', '  - name: demo\n    charts:\n      capsule: { source: oci }\n');
    const plan = computePlan(committed, synthesizeTree(configWith({ 'platform.yaml': edit, 'secrets/demo/join-token.yaml': encrypted })), labels);
    const demo = plan.clusters.find((c) => c.cluster === 'demo')!;
    const layer = (name: string) => demo.layers.find((l) => l.layer === name)!;
    expect(layer('teleport-agent').added.map((o) => `${o.kind} ${o.namespace}/${o.name} ${o.file}`)).toEqual([
      'Secret capsule-system/teleport-kube-agent-join-token demo/teleport-agent/secrets/join-token.yaml',
    ]);
    expect(layer('flux').added.map((o) => `${o.kind} ${o.name}`)).toEqual(['OCIRepository capsule']);
    expect(layer('flux').changed.map((o) => `${o.kind} ${o.name}`)).toEqual(['Kustomization platform-teleport-agent']);
    expect(layer('infrastructure').changed.map((o) => `${o.kind} ${o.name}`)).toEqual(['HelmRelease capsule']);
    // capsule-proxy still comes from the projectcapsule HelmRepository, which stays.
    expect(layer('flux').removed).toEqual([]);
    expect(plan.destructive).toEqual([]);
  });

  describe('onboarding a tenant', () => {
    const plan = computePlan(committed, synthesizeTree(configWith({ 'tenants/gas.yaml': GAS })), labels);
    const demo = plan.clusters.find((c) => c.cluster === 'demo')!;
    const layer = (name: string) => demo.layers.find((l) => l.layer === name)!;

    test('lists the objects added and changed per layer, one line each, with a diff of what changed', () => {
      expect(layer('tenants').added.map((o) => `${o.kind} ${o.name} ${o.file}`)).toEqual(['Tenant gas demo/tenants/gas.yaml']);
      expect(layer('teleport').added.map((o) => o.name)).toEqual(['gas-access']);
      const capsule = layer('infrastructure').changed.find((o) => o.name === 'capsule')!;
      expect(capsule.kind).toBe('HelmRelease');
      // The new tenant's user group becomes a Capsule user group: exactly that line is added.
      expect(capsule.diff.filter((l) => /^[+-]/.test(l))).toEqual(['+          - tenant-gas']);
      expect(layer('infrastructure').removed).toEqual([]);
    });

    test('names the tenant added and who gains which namespaces through Teleport', () => {
      expect(demo.tenants).toEqual({ added: ['gas'], changed: [], removed: [] });
      expect(demo.access.gained).toContainEqual({ role: 'gas-access', identity: 'user bob', tenant: 'gas', namespaces: 'gas-*' });
      expect(demo.access.gained).toContainEqual({ role: 'gas-access', identity: 'group tenant-gas', tenant: 'gas', namespaces: 'gas-*' });
      expect(demo.access.lost).toEqual([]);
      expect(plan.destructive).toEqual([]);
    });

    test('renders Markdown with the destructive section first and every change', () => {
      const markdown = renderPlanMarkdown(plan);
      expect(markdown.indexOf('### Destructive changes')).toBeLessThan(markdown.indexOf('### Cluster `demo`'));
      expect(markdown).toContain('- added Tenant `gas` (`demo/tenants/gas.yaml`)');
      expect(markdown).toContain('+          - tenant-gas');
      expect(markdown).toContain('- **gains** user bob: tenant `gas` (`gas-*`) through role `gas-access`');
    });
  });

  test('removing a tenant file: its Tenant is a destructive change, kept in the cluster by default, and its users lose access', () => {
    const plan = computePlan(committed, synthesizeTree(configWith({ 'tenants/gas.yaml': GAS, 'tenants/oil.yaml': null })), labels);
    const demo = plan.clusters.find((c) => c.cluster === 'demo')!;
    expect(demo.tenants).toEqual({ added: ['gas'], changed: [], removed: ['oil'] });
    expect(plan.destructive.map((d) => `${d.effect} ${d.cluster}/${d.layer} ${d.kind} ${d.name}`)).toEqual(['kept demo/tenants Tenant oil']);
    expect(demo.access.lost).toContainEqual({ role: 'kube-access', identity: 'user alice', tenant: 'oil', namespaces: 'oil-*' });
    expect(renderPlanMarkdown(plan)).toContain('- **kept** `demo/tenants`: Tenant `oil`: pruning is disabled on it, so Flux leaves it in the cluster: delete it by hand');
  });

  test('with capsule.deletionProtection: false, Flux deletes a removed Tenant and the plan says what that does', () => {
    const unprotected = (old: string) => old.replace('forceTenantPrefix: true', 'forceTenantPrefix: true\n      deletionProtection: false');
    const before = synthesizeTree(configWith({ 'platform.yaml': unprotected }));
    const plan = computePlan(before, synthesizeTree(configWith({ 'platform.yaml': unprotected, 'tenants/oil.yaml': null, 'tenants/gas.yaml': GAS })), labels);
    expect(plan.destructive.map((d) => `${d.effect} ${d.kind} ${d.name}`)).toEqual(['deleted Tenant oil']);
    expect(renderPlanMarkdown(plan)).toMatch(/- \*\*deleted\*\* `demo\/tenants`: Tenant `oil`: Flux deletes it, and Capsule then deletes every namespace/);
  });

  test('removing a namespace created from Git is a destructive change (examples/platform)', () => {
    const example = tempDir('example-');
    fs.cpSync(path.join(ROOT, 'examples', 'platform'), example, { recursive: true });
    const before = synthesizeTree(example);
    const oil = path.join(example, 'tenants', 'oil.yaml');
    fs.writeFileSync(oil, fs.readFileSync(oil, 'utf8').replace('    - oil-dev\n', '').replace(/  proxySettings:[\s\S]*?(?=\n  \w|\n\w|$)/, ''));
    const plan = computePlan(before, synthesizeTree(example), labels);
    expect(plan.destructive.filter((d) => d.kind === 'Namespace').map((d) => `${d.effect} ${d.cluster} ${d.name}`)).toEqual(['kept prod oil-dev']);
    expect(plan.clusters.find((c) => c.cluster === 'prod')!.tenants.changed).toContain('oil');
  });

  test('compares with the output as committed at a git ref', () => {
    const repo = tempDir('gitops-');
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    git('init', '-q');
    const out = path.join(repo, 'platform');
    fs.cpSync(synth().outDir, out, { recursive: true });
    git('add', '-A');
    expect(git('commit', '-qm', 'platform').status).toBe(0);
    fs.rmSync(out, { recursive: true });
    expect(readGitTree('HEAD', out)).toEqual(committed);
    expect(() => readGitTree('no-such-ref', out)).toThrow(/no-such-ref/);
    expect(readOutputTree(out).size).toBe(0);
  });

  test('summarizes past the comment limit, keeping every destructive change', () => {
    const many: Plan = {
      before: 'a',
      after: 'b',
      otherFiles: { added: [], changed: [], removed: [] },
      destructive: [{ apiVersion: 'v1', kind: 'Namespace', name: 'oil-dev', file: 'demo/tenant-namespaces/oil.yaml', cluster: 'demo', layer: 'tenant-namespaces', effect: 'deleted' }],
      clusters: [
        {
          cluster: 'demo',
          tenants: { added: [], changed: [], removed: [] },
          access: { gained: [], lost: [] },
          layers: [
            {
              layer: 'tenants',
              added: [],
              removed: [],
              changed: Array.from({ length: 1000 }, (_, i) => ({ apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', name: `t${i}`, file: `demo/tenants/t${i}.yaml`, diff: ['@@ -1 +1 @@', '-a: 1', '+a: 2'], truncated: false })),
            },
          ],
        },
      ],
    };
    const full = renderPlanMarkdown(many, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(65_536);
    const comment = renderPlanMarkdown(many);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toContain('Summarized (no diffs)');
    expect(comment).toContain('- changed Tenant `t999`');
    expect(comment).toContain('**deleted** `demo/tenant-namespaces`: Namespace `oil-dev`');
    const tiny = renderPlanMarkdown(many, 2000);
    expect(tiny.length).toBeLessThanOrEqual(2000);
    expect(tiny).toContain('Summarized (counts only)');
    expect(tiny).toContain('Namespace `oil-dev`');
  });

  test('the CLI prints JSON with --json and refuses unknown arguments', () => {
    const { outDir } = synth();
    const json = run('npx', ['tsx', 'scripts/plan.ts', '--json'], { PLATFORM_CONFIG: configWith({ 'tenants/gas.yaml': GAS }), PLATFORM_OUT: outDir });
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).clusters[0].tenants.added).toEqual(['gas']);
    const bad = run('npx', ['tsx', 'scripts/plan.ts', '--frobnicate'], { PLATFORM_CONFIG: FIXTURE_CONFIG, PLATFORM_OUT: outDir });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("unknown argument '--frobnicate'");
  });
});
