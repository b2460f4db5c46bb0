import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformError } from '../lib/core/errors';
import { synthPlatform } from '../lib/platform/synth';
import { configWith, FIXTURE_CONFIG, tempDir } from './helpers';

/** A fresh git repository, as the one Flux syncs. */
function gitRepository(): string {
  const repo = tempDir('gitops-');
  expect(spawnSync('git', ['-C', repo, 'init', '-q']).status).toBe(0);
  return repo;
}

const withFlux = (flux: string) => configWith({ 'platform.yaml': (old) => old.replace(/delivery:\n(  .*\n)+/, `delivery:\n  flux:\n${flux}`) });

describe('the output folder must be where the Flux paths point', () => {
  test('refuses PLATFORM_OUT inside a git repository at another path than delivery.flux.pathPrefix, naming both, and publishes nothing', () => {
    const out = path.join(gitRepository(), 'platform');
    let error: unknown;
    try {
      synthPlatform({ configDir: FIXTURE_CONFIG, outDir: out });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformError);
    const [problem] = (error as PlatformError).problems;
    expect(problem.file).toBe(path.join(FIXTURE_CONFIG, 'platform.yaml'));
    expect(problem.field).toBe('delivery.flux.pathPrefix');
    expect(problem.message).toContain(`is ./dist, but PLATFORM_OUT (${out}) is ./platform in the git repository`);
    expect(problem.message).toContain('Set delivery.flux.pathPrefix: ./platform');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('accepts the path relative to the repository root, in any spelling of pathPrefix, in a subfolder too', () => {
    const repo = gitRepository();
    const files = synthPlatform({ configDir: withFlux('    pathPrefix: clusters/platform/\n'), outDir: path.join(repo, 'clusters', 'platform') });
    expect(files.find((f) => f.path === 'demo/flux/layers.yaml')!.content).toContain('path: ./clusters/platform/demo/tenants');
  });

  test('names the default when pathPrefix is not set', () => {
    expect(() => synthPlatform({ configDir: withFlux('    sourceName: flux-system\n'), outDir: path.join(gitRepository(), 'out') })).toThrow(/is \.\/dist \(the default\), but PLATFORM_OUT/);
  });

  test('checks nothing outside a git repository, or for an OCIRepository or Bucket source', () => {
    expect(() => synthPlatform({ configDir: FIXTURE_CONFIG, outDir: path.join(tempDir(), 'anywhere') })).not.toThrow();
    expect(() => synthPlatform({ configDir: withFlux('    sourceKind: OCIRepository\n    pathPrefix: ./dist\n'), outDir: path.join(gitRepository(), 'platform') })).not.toThrow();
  });
});
