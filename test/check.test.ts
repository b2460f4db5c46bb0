import * as fs from 'fs';
import * as path from 'path';
import { checkOutput } from '../lib/platform/check';
import { configWith, FIXTURE_CONFIG, readTree, run, synth } from './helpers';

describe('npm run check: is the committed output what the configuration produces?', () => {
  test('passes on the output of the same configuration, and does not touch it', () => {
    const { outDir } = synth();
    const before = readTree(outDir);
    expect(checkOutput({ configDir: FIXTURE_CONFIG, outDir })).toEqual({ added: [], removed: [], changed: [] });
    expect(readTree(outDir)).toEqual(before);
  });

  test('names every file that changed, is missing or is left over', () => {
    const { outDir } = synth();
    fs.rmSync(path.join(outDir, 'demo', 'ACCESS.md'));
    fs.writeFileSync(path.join(outDir, 'demo', 'tenants', 'gone.yaml'), 'kind: Tenant\n');
    // A tenant edited in the configuration but not synthesized: its Tenant file changes.
    const configDir = configWith({ 'tenants/oil.yaml': (old) => old.replace('name: alice', 'name: bob') });
    const diff = checkOutput({ configDir, outDir });
    expect(diff.added).toEqual(['demo/ACCESS.md']);
    expect(diff.removed).toEqual(['demo/tenants/gone.yaml']);
    expect(diff.changed).toContain('demo/tenants/oil.yaml');
  });

  test('exits 1 listing the files, 0 when current (the CLI a CI job runs)', () => {
    const { outDir } = synth();
    expect(run('npx', ['tsx', 'scripts/check.ts'], { PLATFORM_CONFIG: FIXTURE_CONFIG, PLATFORM_OUT: outDir }).status).toBe(0);
    fs.appendFileSync(path.join(outDir, 'demo', 'tenants', 'oil.yaml'), '# edited by hand\n');
    const result = run('npx', ['tsx', 'scripts/check.ts'], { PLATFORM_CONFIG: FIXTURE_CONFIG, PLATFORM_OUT: outDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`changed: ${outDir}/demo/tenants/oil.yaml`);
    expect(result.stderr).toContain('run npm run synth and commit the result');
  });

  test('exits 1 with the configuration error when the configuration is invalid', () => {
    const { outDir } = synth();
    const configDir = configWith({ 'tenants/oil.yaml': (old) => old.replace('kind: User', 'kind: Robot') });
    const result = run('npx', ['tsx', 'scripts/check.ts'], { PLATFORM_CONFIG: configDir, PLATFORM_OUT: outDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tenants\/oil\.yaml:\d+: owners\[0\]\.kind/);
  });
});
