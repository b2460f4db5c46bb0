import * as fs from 'fs';
import { failures, fixtureCopy, repositoryCopy, runConformance, runConformanceIn } from './testing';

describe('conformance failure injection: Kyverno', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  // block-daemonset-create denies every DaemonSet it matches; each test weakens one of its two
  // bodies so that it denies none: that rendering's suite fails, the other's still passes.
  const policy = 'lib/kyverno/policies/workloads/block-daemonset-create.ts';
  const weakened = (rendering: string, edit: (ts: string) => string) => {
    const dir = repositoryCopy(policy, edit);
    dirs.push(dir);
    const { status, output } = runConformanceIn(dir);
    expect(status).not.toBe(0);
    const fails = failures(output);
    // The suite's fail result, once per option set (default options and EVERY_POLICY), of this rendering only.
    expect(fails).toHaveLength(2);
    for (const line of fails) {
      expect(line).toContain('[kyverno test] lib/kyverno/policies/workloads/block-daemonset-create/.kyverno-test/');
      expect(line).toContain(`kyverno-test.yaml [${rendering}]: block-daemonset-create`);
      expect(line).toContain('apps/v1/DaemonSet/oil-dev/agent: Want fail, got pass');
      expect(line).toContain(`(policy: ${policy}, rendered with `);
    }
    return output;
  };

  test('a policy rule weakened in its JMESPath body fails the ClusterPolicy suite, naming the policy file', () => {
    weakened('ClusterPolicy', (ts) => ts.replace("{ key: 'true', operator: 'Equals', value: 'true' }", "{ key: 'true', operator: 'Equals', value: 'false' }"));
  });

  test('the same rule weakened in its CEL body fails the CEL suite (ValidatingPolicy), naming the policy file', () => {
    weakened('CEL', (ts) => ts.replace("validations: [{ expression: 'false' }]", "validations: [{ expression: 'true' }]"));
  });

  test('a policy that fails a platform Pod fails the platform check, naming the Pod, its chart and the policy file', () => {
    // restrict-image-registries on every namespace allowing docker.io only: Capsule's image is from ghcr.io.
    // (With Enforce the synth itself refuses this; with Audit the policy reports every platform Pod.)
    const dir = fixtureCopy((doc) =>
      doc.setIn(['clusters', 0, 'kyverno', 'policies', 'restrict-image-registries'], doc.createNode({ enabled: true, failureAction: 'Audit', scope: 'cluster', registries: ['docker.io'] })),
    );
    dirs.push(dir);
    const { status, output } = runConformance(dir);
    expect(status).not.toBe(0);
    const fails = failures(output);
    expect(fails.length).toBeGreaterThan(0);
    expect(fails.every((l) => l.startsWith('FAIL [kyverno (platform)] ') && l.includes('× demo/policies/restrict-image-registries.yaml'))).toBe(true);
    const capsule = fails.find((l) => /Deployment capsule-system\/capsule-controller-manager \(chart capsule of demo\/infrastructure\/capsule.yaml\)/.test(l));
    expect(capsule).toContain('autogen-validate-registries: fail');
    expect(capsule).toContain('ghcr.io');
    // The tenant's docker.io Deployment still passes (its quay.io and mcr.microsoft.com images fail).
    expect(output).toMatch(/FAIL .*Pod oil-apps\/worker \(test\/fixtures\/kyverno\/tenant-workloads\.yaml in oil-apps \(tenant oil\)\)/);
    expect(output).not.toMatch(/FAIL .*Deployment oil-apps\/web /);
  });
});
