import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { findManifest } from '../lib/core/testing';
import { POLICY_NAMES } from '../lib/kyverno/policies/catalog';
import { missingConfigMapKeys, RenderedPolicy, undeclaredVariables } from '../lib/kyverno/testing';
import { configWith, FIXTURE_CONFIG, ROOT, synth } from './helpers';

/** The default platform.yaml with the first cluster's `kyverno` settings replaced (or removed). */
function withKyverno(kyverno: unknown): string {
  const platform = YAML.parse(fs.readFileSync(path.join(FIXTURE_CONFIG, 'platform.yaml'), 'utf8'));
  platform.clusters[0].kyverno = kyverno;
  if (kyverno === undefined) delete platform.clusters[0].kyverno;
  // The fixture's tenantIdentity enables capsule-pod-labels (tested below); these tests choose the policies.
  platform.clusters[0].tenantDefaults.tenantIdentity.pods = false;
  return configWith({ 'platform.yaml': YAML.stringify(platform) });
}

/** The YAML example of docs/kyverno.md's "Configuration" section, which configures every policy. */
function readmeExample(): { kyverno: any } {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'kyverno.md'), 'utf8');
  const block = /\n## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(page);
  if (!block) throw new Error('docs/kyverno.md has no YAML example under "Configuration"');
  return YAML.parse(block[1]).clusters[0];
}

describe('a platform with every Kyverno policy, configured as in docs/kyverno.md', () => {
  const { files } = synth(withKyverno(readmeExample().kyverno));
  const manifests = files.flatMap((f) => f.manifests);
  const policies = manifests.filter((m) => m.kind === 'ClusterPolicy') as unknown as RenderedPolicy[];

  test('renders all twelve policies, each in its own file of the policies layer', () => {
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([...POLICY_NAMES].sort());
    for (const name of POLICY_NAMES) expect(files.some((f) => f.path === `demo/policies/${name}.yaml`)).toBe(true);
  });

  test('every {{ }} variable is declared, and every global configuration key exists', () => {
    const configMap = findManifest(files, 'ConfigMap', 'kyverno-global-config');
    expect(configMap.data).toEqual({ public_identifier_label: 'example.com/public', public_identifier_value: 'true', tenant_identifier_label: 'capsule.clastix.io/tenant' });
    expect(policies.flatMap(undeclaredVariables)).toEqual([]);
    expect(policies.flatMap((p) => missingConfigMapKeys(p, [configMap as any]))).toEqual([]);
  });
});

describe('selecting policies', () => {
  test('enabled: false keeps the settings but renders nothing', () => {
    const { files } = synth(withKyverno({ policies: { 'block-daemonset-create': { enabled: false, failureAction: 'Audit' }, 'always-pull-images': {} } }));
    expect(files.filter((f) => f.path.startsWith('demo/policies/')).map((f) => f.path)).toEqual(['demo/policies/always-pull-images.yaml', 'demo/policies/global-config.yaml', 'demo/policies/kustomization.yaml']);
  });

  test('without kyverno, there is no Kyverno, no policies layer, and the tenants wait for the infrastructure only', () => {
    const { files } = synth(withKyverno(undefined));
    expect(files.some((f) => f.path.startsWith('demo/policies/') || f.path === 'demo/infrastructure/kyverno.yaml')).toBe(false);
    expect(files.find((f) => f.path === 'demo/flux/layers.yaml')!.manifests.map((m) => m.metadata.name)).not.toContain('platform-policies');
    expect(findManifest(files, 'Kustomization', 'platform-tenants').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }]);
  });
});
