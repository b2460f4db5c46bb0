import * as path from 'path';
import { findManifest } from '../lib/core/testing';
import { renderCelPolicies } from '../lib/kyverno/render/cel-policy';
import { definePolicy } from '../lib/kyverno/policies/catalog';
import { configWith, ROOT, synth } from './helpers';

/**
 * `kyverno.api` per cluster: examples/platform renders staging's policies as the CEL kinds, and the
 * default configuration keeps ClusterPolicies (its output is unchanged by the setting's existence).
 */
describe('kyverno.api: cel (examples/platform, cluster staging)', () => {
  const { files } = synth(path.join(ROOT, 'examples/platform'));
  // The policies and the global configuration (kustomization.yaml lists them for Flux).
  const staging = files.filter((f) => f.path.startsWith('staging/policies/') && !f.path.endsWith('/kustomization.yaml'));
  const stagingFlux = files.filter((f) => f.path.startsWith('staging/flux/'));
  const kinds = staging.flatMap((f) => f.manifests.map((m) => `${m.apiVersion}/${m.kind}`));

  test('renders every enabled policy as ValidatingPolicy or MutatingPolicy of policies.kyverno.io/v1, no ClusterPolicy', () => {
    expect(new Set(kinds)).toEqual(new Set(['v1/ConfigMap', 'policies.kyverno.io/v1/ValidatingPolicy', 'policies.kyverno.io/v1/MutatingPolicy']));
    expect(staging.map((f) => path.basename(f.path, '.yaml')).filter((n) => n !== 'global-config')).toHaveLength(12);
    expect(files.some((f) => f.manifests.some((m) => m.kind === 'ClusterPolicy'))).toBe(false);
  });

  test('renders the same objects as the CEL renderer for the options in platform.yaml', () => {
    const facts = { globalConfig: { name: 'kyverno-global-config', namespace: 'kyverno', hasPublicNamespaces: false, keys: [] } };
    const rendered = renderCelPolicies(definePolicy('restrict-image-registries', { registries: ['docker.io', 'quay.io', 'ghcr.io', 'mcr.microsoft.com'] }, facts));
    const manifest = findManifest(staging, 'ValidatingPolicy', 'restrict-image-registries');
    expect(manifest.spec.validations).toEqual(rendered.validating!.spec!.validations);
  });

  test('the policies layer waits until Kyverno reports each CEL policy ready (status.conditionStatus.ready)', () => {
    const layer = findManifest(stagingFlux, 'Kustomization', 'platform-policies');
    expect(layer.spec).toMatchObject({ wait: true, path: './platform/staging/policies' });
    expect(layer.spec.healthCheckExprs).toEqual([
      { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', current: expect.stringContaining('status.conditionStatus.ready == true') },
      { apiVersion: 'policies.kyverno.io/v1', kind: 'MutatingPolicy', current: expect.stringContaining('status.conditionStatus.ready == true') },
    ]);
    // Tenants wait for the policies, as with ClusterPolicies.
    expect(findManifest(stagingFlux, 'Kustomization', 'platform-tenants').spec.dependsOn).toContainEqual({ name: 'platform-policies' });
  });
});

describe('kyverno.api', () => {
  test('clusterpolicy, the default, renders exactly what no setting renders', () => {
    const unset = synth(configWith()).files;
    const explicit = synth(configWith({ 'platform.yaml': (old) => old.replace('    kyverno:\n', '    kyverno:\n      api: clusterpolicy\n') })).files;
    expect(explicit.map((f) => [f.path, f.content])).toEqual(unset.map((f) => [f.path, f.content]));
    expect(unset.filter((f) => f.path.startsWith('demo/policies/')).flatMap((f) => f.manifests.map((m) => m.kind))).toContain('ClusterPolicy');
  });
});
