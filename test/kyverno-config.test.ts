import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { formatProblem, PlatformError } from '../lib/core/errors';
import { loadPlatform } from '../lib/platform/config/load';
import { configWith, DEFAULT_CONFIG } from './helpers';

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
  const platform = YAML.parse(fs.readFileSync(path.join(DEFAULT_CONFIG, 'platform.yaml'), 'utf8'));
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
