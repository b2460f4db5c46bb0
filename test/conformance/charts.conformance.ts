import * as fs from 'fs';
import { failures, fixtureCopy, runConformance } from './testing';

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
    // ...and where the user wrote it.
    expect(fails[0]).toContain(`set in ${dir}/platform.yaml: clusters[0].capsuleProxy.values.replicaCuont`);
    expect(output).toMatch(/\n\d+ passed, 1 failed\n/);
  });

  test('chart values that render schema-invalid objects fail kubeconform, naming the rendered file, the object and the field', () => {
    // Capsule's values.schema.json types `denied` only as an array; the CRD says array of strings.
    // `memory: lots` passes every values check; the Deployment's Quantity refuses it.
    const dir = fixtureCopy((doc) => {
      doc.setIn(['clusters', 0, 'capsule', 'values'], doc.createNode({ manager: { options: { nodeMetadata: { forbiddenLabels: { denied: [42] } } } } }));
      doc.setIn(['clusters', 0, 'capsuleProxy', 'values'], doc.createNode({ resources: { limits: { memory: 'lots' } } }));
    });
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(status).not.toBe(0);
    const fails = failures(output).sort();
    expect(fails).toHaveLength(2);
    expect(fails.every((f) => f.startsWith('FAIL [kubeconform -strict]'))).toBe(true);
    expect(fails[0]).toContain('/demo/infrastructure/capsule-proxy.yaml (chart capsule-proxy rendered: capsule-system__capsule-proxy.yaml): Deployment capsule-proxy');
    expect(fails[0]).toContain("/spec/template/spec/containers/0/resources/limits/memory: 'lots' is not a quantity");
    expect(fails[1]).toContain('/demo/infrastructure/capsule.yaml (chart capsule rendered: capsule-system__capsule.yaml): CapsuleConfiguration default');
    expect(fails[1]).toContain('/spec/nodeMetadata/forbiddenLabels/denied/0: got number, want string');
  });

  // The control (a copy that must pass), in the TLS mode no shipped configuration combines with the
  // agent: the rendered cert-manager Certificate, and the agent reading key ca.crt; Capsule's webhook
  // certificate from cert-manager too (its Certificate, and the CA injected into its webhooks).
  test('the fixture with capsule-proxy and Capsule on cert-manager passes, the agent reading the CA from ca.crt', () => {
    const dir = fixtureCopy((doc) => {
      doc.setIn(['clusters', 0, 'capsuleProxy', 'certificates'], 'cert-manager');
      doc.setIn(['clusters', 0, 'capsule', 'certificates'], 'cert-manager');
      // Both need a cert-manager; the platform CA (issuer self-signed-ca) issues the proxy's certificate.
      doc.setIn(['clusters', 0, 'certManager'], { external: true });
    });
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(failures(output)).toEqual([]);
    expect(status).toBe(0);
    expect(output).toMatch(/\| chart integration +\| [^|]+\| 6 facts on rendered charts +\| 6 +\| 0 +\|/);
  });
});
