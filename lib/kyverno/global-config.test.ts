import * as YAML from 'yaml';
import { TENANT_LABEL } from '../capsule/labels';
import { Layer } from '../core/delivery/delivery';
import { findManifest, testCluster } from '../core/testing';
import { GLOBAL_CONFIG_KEYS, KyvernoGlobalConfig } from './global-config';
import { Kyverno } from './kyverno';

// Copied from seed 001, "1.5 - Kyverno" / "Using Global Configuration" (tests must not read ../shared).
// Its keys are kept; its values (company.com/public = yeet, namespace kyverno-system) are options.
const SEED = YAML.parse(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: kyverno-global-config
  namespace: kyverno-system
data:
  public_identifier_label: "company.com/public"
  public_identifier_value: "yeet"
  tenant_identifier_label: "capsule.clastix.io/tenant"
`);

function render(publicNamespaces?: { label: string; value: string }) {
  const { app, delivery, layer } = testCluster();
  const kyverno = new Kyverno(layer, 'kyverno');
  const policies = new Layer(app, 'policies', { delivery, folder: 'test/policies', dependsOn: [layer] });
  const config = new KyvernoGlobalConfig(policies, 'global-config', { kyverno, publicNamespaces });
  return { config, files: app.render() };
}

describe('KyvernoGlobalConfig', () => {
  test("is the seed's ConfigMap, with the seed's keys, in Kyverno's namespace, in the policies layer", () => {
    const { config, files } = render({ label: SEED.data.public_identifier_label, value: SEED.data.public_identifier_value });
    const configMap = findManifest(files, 'ConfigMap', SEED.metadata.name);
    expect(configMap).toEqual({ ...SEED, metadata: { ...SEED.metadata, namespace: 'kyverno' } });
    expect(files.find((f) => f.manifests.includes(configMap))?.path).toBe('test/policies/global-config.yaml');
    expect(Object.values(GLOBAL_CONFIG_KEYS).sort()).toEqual(Object.keys(SEED.data).sort());
    expect(config.hasPublicNamespaces).toBe(true);
  });

  test('always carries the tenant label (the one the Capsule constructs use); public namespaces only when configured', () => {
    const { config, files } = render();
    expect(findManifest(files, 'ConfigMap', 'kyverno-global-config').data).toEqual({ [GLOBAL_CONFIG_KEYS.tenantLabel]: TENANT_LABEL });
    expect(config.keys).toEqual(['tenantLabel']);
    expect(config.hasPublicNamespaces).toBe(false);
  });
});
