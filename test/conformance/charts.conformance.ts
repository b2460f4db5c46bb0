import * as fs from 'fs';
import { failures, fixtureCopy, runConformance } from './testing';

// The untouched fixture passes (the other tests are only meaningful if it does).
describe('conformance failure injection: Helm and kubeconform', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('a misspelt chart value key fails, naming the HelmRelease file and the key path', () => {
    const dir = fixtureCopy((doc) => doc.setIn(['clusters', 0, 'capsuleProxy', 'values'], doc.createNode({ replicaCuont: 3 })));
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(status).not.toBe(0);
    const fails = failures(output);
    expect(fails).toHaveLength(1);
    expect(fails[0]).toContain('[helm template]');
    expect(fails[0]).toContain('/demo/infrastructure/capsule-proxy.yaml: HelmRelease capsule-proxy values');
    expect(fails[0]).toContain('spec.values.replicaCuont: not a value of the chart');
    expect(output).toMatch(/\n\d+ passed, 1 failed\n/);
  });

  test('a CRD-invalid object rendered by a chart fails kubeconform, naming the file and the field', () => {
    // The chart's values.schema.json types denied only as an array; the CRD says array of strings.
    const dir = fixtureCopy((doc) =>
      doc.setIn(['clusters', 0, 'capsule', 'values'], doc.createNode({ manager: { options: { nodeMetadata: { forbiddenLabels: { denied: [42] } } } } })),
    );
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(status).not.toBe(0);
    const fails = failures(output);
    expect(fails).toHaveLength(1);
    expect(fails[0]).toContain('[kubeconform -strict]');
    expect(fails[0]).toContain('/demo/infrastructure/capsule.yaml (chart capsule rendered: capsule-system__capsule.yaml): CapsuleConfiguration default');
    expect(fails[0]).toContain('/spec/nodeMetadata/forbiddenLabels/denied/0: got number, want string');
  });

  test('the unchanged fixture passes', () => {
    const dir = fixtureCopy(() => undefined);
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(failures(output)).toEqual([]);
    expect(status).toBe(0);
  });
});
