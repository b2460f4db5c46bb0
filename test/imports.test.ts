import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { CRD_VALIDATORS } from '../imports/validators';
import { crdValidators } from '../lib/core/validation/crd-validators';
import { CERT_CHARTS, CHARTS, ENGINES, PROFILES } from '../lib/versions';
import { moduleSourceFile, readModuleSource } from '../scripts/import';
import { readTree, ROOT, run, tempDir } from './helpers';

const imports: string[] = YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).imports;
const url = (name: string) => imports.find((i) => i.startsWith(`${name}:=`))?.split(':=')[1];

describe('cdk8s.yaml imports', () => {
  // Flux and Argo CD are not installed by the platform (no chart here), and the Teleport CRDs are
  // pinned to commits of the 18.x line (see cdk8s.yaml): their pins have nothing to agree with.
  test('pin the CRDs of the charts the platform installs to the releases of lib/versions.ts', () => {
    for (const name of ['capsule-tenants', 'capsule-configurations', 'capsule-tenantresources', 'capsule-globaltenantresources']) {
      expect(url(name)).toContain(`/projectcapsule/capsule/v${CHARTS.capsule.version}/`);
    }
    for (const name of ['capsule-proxysettings', 'capsule-globalproxysettings']) {
      expect(url(name)).toContain(`/projectcapsule/capsule-proxy/v${CHARTS.capsuleProxy.version}/`);
    }
    for (const name of ['kyverno-clusterpolicies', 'kyverno-validatingpolicies', 'kyverno-mutatingpolicies']) {
      expect(url(name)).toContain(`/kyverno/kyverno/v${CHARTS.kyverno.appVersion}/`);
    }
    // cert-manager's CRDs come from the module source the conformance judges by, the release the chart installs.
    expect(ENGINES['cert-manager'].version).toBe(CERT_CHARTS.certManager.version);
    for (const name of ['cert-manager-certificates', 'cert-manager-clusterissuers']) {
      expect(url(name)).toContain(`/cert-manager/cert-manager/${CERT_CHARTS.certManager.version}/${ENGINES['cert-manager'].crds}/`);
      expect(moduleSourceFile(url(name)!, ENGINES)).toMatchObject({ name: 'cert-manager', version: CERT_CHARTS.certManager.version });
    }
    for (const name of ['trust-manager-bundles', 'trust-manager-clusterbundles']) {
      expect(url(name)).toContain(`/cert-manager/trust-manager/${CERT_CHARTS.trustManager.version}/`);
    }
  });

  test("pin the current profile's own CRDs to its releases, and import every Capsule and Teleport kind the seed does", () => {
    const current = imports.filter((i) => i.startsWith('current/'));
    const charts = PROFILES.current.charts;
    for (const entry of current) {
      const [name, pinned] = entry.split(':=');
      const release = name.startsWith('current/capsule-proxy') || name.includes('proxysettings')
        ? `/projectcapsule/capsule-proxy/v${charts.capsuleProxy.version}/`
        : name.startsWith('current/capsule-')
          ? `/projectcapsule/capsule/v${charts.capsule.version}/`
          : `/gravitational/teleport/v${charts.teleportOperator.version}/`;
      expect({ name, pinned }).toEqual({ name, pinned: expect.stringContaining(release) });
    }
    // A Capsule or Teleport kind the current profile left out would be judged by the seed's CRD.
    const registry = crdValidators('current');
    for (const [key, entry] of Object.entries(registry).filter(([k]) => /^(capsule\.clastix\.io|resources\.teleport\.dev)\//.test(k))) {
      expect({ key, source: entry.source }).toEqual({ key, source: expect.stringMatching(/\/v0\.14\.0\/|\/v18\.2\.1\//) });
    }
    expect(Object.keys(registry)).toEqual(expect.arrayContaining(['capsule.clastix.io/v1beta2/ResourcePool', 'capsule.clastix.io/v1beta2/ResourcePoolClaim']));
  });

  test('each have a strict validator for every kind the platform renders', () => {
    for (const key of [
      'capsule.clastix.io/v1beta2/Tenant',
      'capsule.clastix.io/v1beta2/CapsuleConfiguration',
      'capsule.clastix.io/v1beta2/TenantResource',
      'capsule.clastix.io/v1beta2/GlobalTenantResource',
      'capsule.clastix.io/v1beta1/ProxySetting',
      'capsule.clastix.io/v1beta1/GlobalProxySettings',
      'resources.teleport.dev/v1/TeleportRoleV8',
      'resources.teleport.dev/v2/TeleportUser',
      'resources.teleport.dev/v2/TeleportProvisionToken',
      'kyverno.io/v1/ClusterPolicy',
      'policies.kyverno.io/v1/ValidatingPolicy',
      'policies.kyverno.io/v1/MutatingPolicy',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
      'source.toolkit.fluxcd.io/v1/HelmRepository',
      'source.toolkit.fluxcd.io/v1/OCIRepository',
      'source.toolkit.fluxcd.io/v1/GitRepository',
      'kustomize.toolkit.fluxcd.io/v1/Kustomization',
      'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/AppProject',
      'trust.cert-manager.io/v1alpha1/Bundle',
      'cert-manager.io/v1/Certificate',
      'cert-manager.io/v1/ClusterIssuer',
    ]) {
      expect(CRD_VALIDATORS[key]?.source).toMatch(/^https:\/\//);
    }
  });
});

// Needs the CRD and chart mirrors (../shared/crds and ../shared/charts, or CRD_MIRROR and CHART_MIRROR)
// to run offline; CI has them beside the clone.
const mirror = path.resolve(ROOT, process.env.CRD_MIRROR ?? '../shared/crds');
const chartMirror = path.resolve(ROOT, process.env.CHART_MIRROR ?? '../shared/charts');
// cert-manager's CRDs are read from its Go module source (npm run engines cert-manager, or Go's module cache).
const moduleSources = imports.map((i) => i.split(':=')[1]).filter((u) => moduleSourceFile(u, ENGINES));
const withMirror = fs.existsSync(mirror) && fs.existsSync(chartMirror) && moduleSources.every((u) => readModuleSource(u)) ? test : test.skip;

withMirror('imports/ (both profiles, side by side) is exactly what `npm run import` generates from cdk8s.yaml', () => {
  const out = path.join(tempDir('imports-'), 'imports');
  const result = run('npx', ['tsx', 'scripts/import.ts'], { IMPORTS_OUT: out, CRD_MIRROR: mirror, CHART_MIRROR: chartMirror });
  expect(result.stderr).not.toMatch(/failed/);
  expect(result.status).toBe(0);
  const generated = readTree(out);
  const committed = readTree(path.join(ROOT, 'imports'));
  expect(Object.keys(generated).sort()).toEqual(Object.keys(committed).sort());
  for (const [file, content] of Object.entries(generated)) {
    expect({ file, content }).toEqual({ file, content: committed[file] });
  }
});
