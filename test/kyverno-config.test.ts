import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { formatProblem, PlatformError } from '../lib/core/errors';
import { loadPlatform } from '../lib/platform/config/load';
import { platformImages } from '../lib/platform/platform-images';
import { configWith, FIXTURE_CONFIG, synth } from './helpers';

/**
 * Load-time checks of the Kyverno policy settings against the rest of the configuration: what a
 * policy would refuse, report or undo on the cluster is refused by the synth first.
 */

const alice = 'owners:\n  - kind: User\n    name: alice\n';

/**
 * The default configuration with the first cluster's policies changed by `policies`, cluster settings
 * by `cluster`, and tenant files added (name → body after `name:` and the owner).
 */
function config(options: { policies?: Record<string, unknown>; cluster?: (cluster: any) => void; tenants?: Record<string, string> }): string {
  const platform = YAML.parse(fs.readFileSync(path.join(FIXTURE_CONFIG, 'platform.yaml'), 'utf8'));
  const cluster = platform.clusters[0];
  Object.assign(cluster.kyverno.policies, options.policies ?? {});
  options.cluster?.(cluster);
  const tenants = Object.fromEntries(Object.entries(options.tenants ?? {}).map(([name, body]) => [`tenants/${name}.yaml`, `name: ${name}\n${alice}${body}`]));
  return configWith({ 'platform.yaml': YAML.stringify(platform), ...tenants });
}

/** The problems loading `dir` reports, formatted without file and line (the YAML above is re-written). */
function problems(dir: string): string[] {
  try {
    loadPlatform(dir);
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error.problems.map((p) => formatProblem({ ...p, file: p.file && path.basename(p.file), line: undefined }));
  }
  return [];
}

describe('tenant-core', () => {
  describe('reserved names', () => {
    test('with Enforce, the Tenant would be refused', () => {
      expect(problems(config({ policies: { 'tenant-core': { failureAction: 'Enforce' } }, tenants: { 'cluster-system': '' } }))).toEqual([
        "cluster-system.yaml: name: 'cluster-system' is reserved by the Kyverno policy tenant-core (clusters[0].kyverno.policies.tenant-core.reservedNames in platform.yaml): the Tenant would be refused at admission (cluster demo)",
      ]);
    });

    test('with Audit, it would be reported, not refused', () => {
      expect(problems(config({ policies: { 'tenant-core': { failureAction: 'Audit', reservedNames: ['platform'] } }, tenants: { platform: '' } }))).toEqual([
        "platform.yaml: name: 'platform' is reserved by the Kyverno policy tenant-core (clusters[0].kyverno.policies.tenant-core.reservedNames in platform.yaml): the Tenant would be reported as a policy violation (failureAction Audit) (cluster demo)",
      ]);
    });
  });

  describe('the default forbidden namespace labels', () => {
    const policies = { 'tenant-core': { defaults: { forbiddenNamespaceLabelsRegex: '.*\\.example\\.com/.*' } } };
    const namespace = 'platform:\n  namespaces:\n    - name: oil-dev\n      labels:\n        billing.example.com/center: "7"\n';

    test('refuse a namespace label they match', () => {
      expect(problems(config({ policies, tenants: { oil: namespace } }))).toEqual([
        'oil.yaml: platform.namespaces[0].labels["billing.example.com/center"]: matches the forbidden namespace labels that tenant-core gives the tenant (clusters[0].kyverno.policies.tenant-core.defaults.forbiddenNamespaceLabelsRegex in platform.yaml): Capsule would refuse the namespace (cluster demo)',
      ]);
    });

    test('still reach a Tenant that sets other namespaceOptions', () => {
      expect(problems(config({ policies, tenants: { oil: `namespaceOptions:\n  quota: 5\n${namespace}` } }))).toHaveLength(1);
    });

    test("don't reach a Tenant with forbidden labels of its own (even only denied): it keeps them entirely", () => {
      expect(problems(config({ policies, tenants: { oil: `namespaceOptions:\n  forbiddenLabels:\n    denied: [team]\n${namespace}` } }))).toEqual([]);
    });
  });
});

describe("restrict-image-registries and the platform's own images", () => {
  const SEED_REGISTRIES = ['docker.io', 'public.ecr.aws', 'quay.io', 'mcr.microsoft.com'];
  const registriesPolicy = (settings: Record<string, unknown>) => ({ 'restrict-image-registries': { registries: SEED_REGISTRIES, ...settings } });
  const enforced = registriesPolicy({ scope: 'cluster', failureAction: 'Enforce' });
  const field = 'platform.yaml: clusters[0].kyverno.policies.restrict-image-registries.registries';
  const advice = (registry: string) => `with scope cluster and failureAction Enforce, Kyverno would refuse them: add ${registry} here, or set scope: tenants (cluster demo)`;

  test('with scope cluster and Enforce, names each missing registry and the chart values that need it', () => {
    expect(problems(config({ policies: enforced }))).toEqual([
      `${field}: does not allow ghcr.io, which the platform's own Pods pull from: Capsule manager (chart default of manager.image.registry), capsule-proxy proxy (chart default of image.registry); ${advice('ghcr.io')}`,
      `${field}: does not allow registry.k8s.io, which the platform's own Pods pull from: capsule-proxy certgen Job (chart default of global.jobs.certs.image.registry); ${advice('registry.k8s.io')}`,
    ]);
  });

  test('says nothing when the policy only audits, applies to tenant namespaces, or is disabled', () => {
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Audit' }) }))).toEqual([]);
    expect(problems(config({ policies: registriesPolicy({ scope: 'tenants', failureAction: 'Enforce' }) }))).toEqual([]);
    expect(problems(config({ policies: registriesPolicy({ failureAction: 'Enforce' }) }))).toEqual([]);
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', enabled: false }) }))).toEqual([]);
  });

  test('accepts the registries once allowed, *. patterns matching as in the policy', () => {
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: [...SEED_REGISTRIES, 'ghcr.io', '*.k8s.io'] }) }))).toEqual([]);
    const wrongPattern = problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: [...SEED_REGISTRIES, '*.ghcr.io', '*.k8s.io'] }) }));
    expect(wrongPattern).toEqual([expect.stringContaining('does not allow ghcr.io')]);
  });

  test("follows the user's values: images mirrored elsewhere pass, and the message names the value", () => {
    const mirror = 'mirror.example.com';
    const mirrorAll = (cluster: any) => {
      cluster.capsule.values = { manager: { image: { registry: mirror } }, global: { jobs: { kubectl: { image: { registry: mirror } } } } };
      cluster.capsuleProxy.values = { image: { registry: mirror }, global: { jobs: { certs: { image: { registry: mirror } }, kubectl: { image: { registry: mirror } } } } };
      cluster.teleport.agent.values = { image: `${mirror}/gravitational/teleport-distroless` };
      cluster.teleport.operator.values = { image: `${mirror}/gravitational/teleport-operator` };
    };
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: [mirror] }), cluster: mirrorAll }))).toEqual([]);

    const onlyManager = (cluster: any) => (cluster.capsule.values = { manager: { image: { registry: mirror } } });
    const allowed = [...SEED_REGISTRIES, 'ghcr.io', 'registry.k8s.io'];
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: allowed }), cluster: onlyManager }))).toEqual([
      `${field}: does not allow ${mirror}, which the platform's own Pods pull from: Capsule manager (clusters[0].capsule.values.manager.image.registry); ${advice(mirror)}`,
    ]);
  });

  test('counts only the images the configuration makes the charts run', () => {
    const allowed = ['docker.io', 'ghcr.io', 'registry.k8s.io'];
    const policies = registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: allowed });
    expect(problems(config({ policies }))).toEqual([
      `${field}: does not allow public.ecr.aws, which the platform's own Pods pull from: teleport-kube-agent agent (chart default of image), teleport-operator operator (chart default of image); ${advice('public.ecr.aws')}`,
    ]);
    // Teleport Enterprise runs enterpriseImage instead; cert-manager issues capsule-proxy's certificate, so no certgen Job.
    const enterprise = (cluster: any) => {
      cluster.teleport.agent.values = { enterprise: true, enterpriseImage: 'registry.example.com/teleport-ent' };
      cluster.capsuleProxy.certificates = 'cert-manager';
      cluster.certManager = { external: true };
    };
    expect(problems(config({ policies: registriesPolicy({ scope: 'cluster', failureAction: 'Enforce', registries: ['docker.io', 'ghcr.io', 'public.ecr.aws'] }), cluster: enterprise }))).toEqual([
      `${field}: does not allow registry.example.com, which the platform's own Pods pull from: teleport-kube-agent agent (enterprise) (clusters[0].teleport.agent.values.enterpriseImage); ${advice('registry.example.com')}`,
    ]);
  });

  test('covers every chart the platform installs, but Kyverno (whose namespace Kyverno never checks)', () => {
    const dir = config({});
    const cluster = loadPlatform(dir).settings.clusters[0];
    const installed = synth(dir).files.flatMap((f) => f.manifests).filter((m) => m.kind === 'HelmRelease');
    const charts = installed.map((m) => (m as any).spec.chart.spec.chart).sort();
    expect(charts).toEqual([...platformImages(cluster).flatMap((c) => (c.chart ? [c.chart.chart] : [])), 'kyverno'].sort());
  });
});
