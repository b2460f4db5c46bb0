import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { crdValidators } from '../lib/core/validation/crd-validators';
import { validateManifest } from '../lib/core/validation/manifests';
import { findManifest, helmValues } from '../lib/core/testing';
import { PROFILES, VERSION_PROFILE_NAMES } from '../lib/versions';
import { configWith, ROOT, synth } from './helpers';

/** The version profiles (lib/versions.ts), and the example's `current` cluster (staging). */

const CHART_SOURCES = path.resolve(ROOT, process.env.CHART_MIRROR ?? '../shared/charts');
const withChartSources = fs.existsSync(CHART_SOURCES) ? describe : describe.skip;

withChartSources('chart sources (../shared/charts) for `npm run conformance`', () => {
  // The seed's Teleport 18.2.0 has no exact source (../shared/charts/README.md, note B): the one gap.
  const missing = new Set(['teleport-kube-agent-18.2.0', 'teleport-operator-18.2.0']);

  test.each(VERSION_PROFILE_NAMES)('every chart of profile %s maps to a folder <chart>-<version>', (profile) => {
    for (const chart of Object.values(PROFILES[profile].charts)) {
      const folder = `${chart.chart}-${chart.version}`;
      if (missing.has(folder)) continue;
      expect({ folder, exists: fs.existsSync(path.join(CHART_SOURCES, folder, 'Chart.yaml')) }).toEqual({ folder, exists: true });
    }
  });

  test("capsule's own capsule-proxy dependency is a folder there too (helm needs it to render offline)", () => {
    for (const profile of VERSION_PROFILE_NAMES) {
      const { capsule } = PROFILES[profile].charts;
      const chart = YAML.parse(fs.readFileSync(path.join(CHART_SOURCES, `${capsule.chart}-${capsule.version}`, 'Chart.yaml'), 'utf8'));
      const dependency = chart.dependencies.find((d: { name: string }) => d.name === 'capsule-proxy');
      expect(fs.existsSync(path.join(CHART_SOURCES, `capsule-proxy-${dependency.version}`, 'Chart.yaml'))).toBe(true);
    }
    expect(PROFILES.current.charts.capsuleProxy.version).toBe('0.14.0');
  });
});

describe('strict validation against the profile of the cluster', () => {
  const tenant = (spec: Record<string, unknown>) => ({ apiVersion: 'capsule.clastix.io/v1beta2', kind: 'Tenant', metadata: { name: 'oil' }, spec });

  test("a Tenant field only Capsule 0.14 has passes under current and fails under seed (0.10.9's CRD)", () => {
    const withRules = tenant({ owners: [{ kind: 'User', name: 'alice' }], rules: [{ enforce: { workloads: { registries: [{ exp: '^docker\\.io/.*$' }] } } }] });
    expect(validateManifest('x.yaml', withRules, 'current')).toEqual([]);
    expect(validateManifest('x.yaml', withRules, 'seed')).toEqual([expect.objectContaining({ field: 'spec.rules', message: expect.stringMatching(/^unknown field/) })]);
  });

  test('kinds the profiles share (Flux, Kyverno) are judged by the same CRD', () => {
    for (const key of ['helm.toolkit.fluxcd.io/v2/HelmRelease', 'kyverno.io/v1/ClusterPolicy']) {
      expect(crdValidators('current')[key]).toBe(crdValidators('seed')[key]);
    }
    expect(crdValidators('current')['capsule.clastix.io/v1beta2/Tenant'].source).toContain('/projectcapsule/capsule/v0.14.0/');
    expect(crdValidators('seed')['capsule.clastix.io/v1beta2/Tenant'].source).toContain('/projectcapsule/capsule/v0.10.9/');
  });
});

describe('the example platform: prod on seed, staging on current', () => {
  const { files } = synth(path.join(ROOT, 'examples', 'platform'));
  const on = (cluster: string) => files.filter((f) => f.path.startsWith(`${cluster}/`));
  const chartVersions = (cluster: string) =>
    Object.fromEntries(on(cluster).flatMap((f) => f.manifests).filter((m) => m.kind === 'HelmRelease').map((m: any) => [m.spec.chart.spec.chart, m.spec.chart.spec.version]));

  test("each cluster installs its profile's chart versions", () => {
    expect(chartVersions('prod')).toEqual({ capsule: '0.10.9', 'capsule-proxy': '0.9.12', 'teleport-kube-agent': '18.2.0' });
    expect(chartVersions('staging')).toEqual({ capsule: '0.14.0', 'capsule-proxy': '0.14.0', 'teleport-kube-agent': '18.2.1', kyverno: '3.9.0' });
  });

  test('Capsule 0.14 gets users and administrators, not the deprecated capsuleUserGroups / userNames', () => {
    const applier = 'system:serviceaccount:flux-system:capsule-namespace-applier';
    expect(helmValues(on('staging'), 'capsule').manager.options).toEqual({
      users: [
        { kind: 'Group', name: 'tenant-gas' },
        { kind: 'ServiceAccount', name: applier },
      ],
      administrators: [{ kind: 'ServiceAccount', name: applier }],
      forceTenantPrefix: true,
    });
    // The applier is an administrator (owner of every tenant): the Tenant renders as its file says.
    expect(findManifest(on('staging'), 'Tenant', 'gas').spec.owners).toEqual([
      { kind: 'ServiceAccount', name: 'system:serviceaccount:ci:gas-deployer' },
      { kind: 'User', name: 'bob', proxySettings: [{ kind: 'Nodes', operations: ['List'] }] },
    ]);
    // The seed cluster keeps the 0.10 workaround: the applier owns the tenants it creates namespaces for.
    expect(helmValues(on('prod'), 'capsule').manager.options).toMatchObject({ userNames: [applier] });
    expect(findManifest(on('prod'), 'Tenant', 'oil').spec.owners).toContainEqual({ kind: 'ServiceAccount', name: applier, clusterRoles: ['capsule-namespace-deleter'] });
  });

  test("capsule-proxy 0.14 defaults to cert-manager, and its client trusts the CA key that follows (ca.crt)", () => {
    expect(helmValues(on('staging'), 'capsule-proxy')).toMatchObject({ certManager: { generateCertificates: true }, options: { generateCertificates: false } });
    const projected = helmValues(on('staging'), 'teleport-agent').extraVolumes[0].projected.sources[1];
    expect(projected).toEqual({ secret: { name: 'capsule-proxy', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const seedProjected = helmValues(on('prod'), 'teleport-agent').extraVolumes[0].projected.sources[1];
    expect(seedProjected.secret.items).toEqual([{ key: 'ca', path: 'ca.crt' }]);
  });
});

describe('the versions setting', () => {
  test('the default configuration keeps seed without saying so', () => {
    expect(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'platform', 'platform.yaml'), 'utf8')).not.toMatch(/versions:/);
  });

  test('an unknown profile is refused with the file, the field and the profiles there are', () => {
    const dir = configWith({ 'platform.yaml': (old) => old.replace('  - name: demo\n', '  - name: demo\n    versions: latest\n') });
    expect(() => synth(dir)).toThrow(/platform\.yaml:\d+: clusters\[0\]\.versions: must be one of "seed", "current"/);
  });

  test("Capsule 0.14's users and administrators cannot be overridden, nor its deprecated forms", () => {
    const dir = configWith({
      'platform.yaml': (old) =>
        old.replace('  - name: demo\n    capsule:\n', '  - name: demo\n    versions: current\n    capsule:\n      values:\n        manager:\n          options:\n            users: []\n            capsuleUserGroups: [x]\n'),
    });
    expect(() => synth(dir)).toThrow(/capsule\.values\.manager\.options\.users: cannot be overridden[\s\S]*capsule\.values\.manager\.options\.capsuleUserGroups: cannot be overridden: deprecated by chart 0\.14/);
  });
});
