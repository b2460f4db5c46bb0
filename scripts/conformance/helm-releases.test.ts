import * as path from 'path';
import { synth } from '../../test/helpers';
import { findReleases } from './helm';
import { SynthesizedPlatform } from './platforms';

/** The helm stage finds the chart of every HelmRelease, also through an OCIRepository (chartRef). */
describe('findReleases', () => {
  const dir = path.join(__dirname, '..', '..', 'examples', 'platform');
  const { files, outDir } = synth(dir);
  const platform: SynthesizedPlatform = { name: 'examples/platform', configDir: dir, outDir, files };

  test("maps a chartRef to its OCIRepository's chart (last URL segment) and exact tag", () => {
    const byRelease = Object.fromEntries(findReleases([platform]).map((r) => [`${r.cluster}/${r.releaseName}`, [r.chart, r.version, r.sourceProblem]]));
    expect(byRelease['prod/capsule']).toEqual(['capsule', '0.10.9', undefined]);
    expect(byRelease['prod/capsule-proxy']).toEqual(['capsule-proxy', '0.9.12', undefined]);
    expect(byRelease['prod/teleport-agent']).toEqual(['teleport-kube-agent', '18.2.0', undefined]);
    expect(byRelease['staging/kyverno']).toEqual(['kyverno', '3.9.0', undefined]);
  });

  test('names what is wrong with an OCIRepository that does not pin the Helm chart layer and tag', () => {
    const broken = files.map((f) =>
      f.path === 'prod/flux/helm-repositories.yaml'
        ? { ...f, manifests: f.manifests.map((m) => (m.metadata.name === 'capsule' ? { ...m, spec: { ...(m.spec as object), ref: { semver: '0.10.x' } } } : m)) }
        : f,
    );
    const capsule = findReleases([{ ...platform, files: broken }]).find((r) => r.cluster === 'prod' && r.releaseName === 'capsule')!;
    expect(capsule.sourceProblem).toBe('OCIRepository capsule: spec.ref must be an exact tag (the chart version)');
    const missing = findReleases([{ ...platform, files: files.filter((f) => f.path !== 'prod/flux/helm-repositories.yaml') }]).find((r) => r.cluster === 'prod' && r.releaseName === 'capsule')!;
    expect(missing.sourceProblem).toBe('spec.chartRef names OCIRepository flux-system/capsule, which cluster prod does not render');
  });
});
