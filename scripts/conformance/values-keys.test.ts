import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readValuesTree } from './charts';
import { fluxRelease } from './helm';
import { explain } from './kubeconform';
import { unknownValueKeys } from './values-keys';

function tree(yaml: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'values-keys-'));
  fs.writeFileSync(path.join(dir, 'values.yaml'), yaml);
  return readValuesTree(path.join(dir, 'values.yaml'));
}

const CHART = tree(`
replicaCount: 1
# -- Annotations to add
podAnnotations: {}
# -- Deprecated, use global.jobs instead
jobs: {}
rbac:
  labels:
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
annotations:
  deployment: {}
securityContext:
  enabled: true
  runAsNonRoot: true
options:
  logLevel: "4"
  extraArgs: []
`);

describe('unknownValueKeys', () => {
  test('names a misspelt key with its full path, at any depth', () => {
    expect(unknownValueKeys({ replicaCuont: 3, options: { logLevl: '2' } }, CHART).map((u) => u.path)).toEqual(['replicaCuont', 'options.logLevl']);
  });

  test('accepts defined keys, and any key under empty, label and Kubernetes-object maps', () => {
    const values = {
      replicaCount: 2,
      podAnnotations: { 'example.com/x': 'y' },
      rbac: { labels: { 'example.com/team': 'a' } },
      securityContext: { runAsUser: 1000 },
      options: { extraArgs: ['--x'] },
      annotations: { deployment: { a: 'b' } },
    };
    expect(unknownValueKeys(values, CHART)).toEqual([]);
  });

  test('a structured map is not free-form because of its name', () => {
    // teleport-kube-agent's `annotations` holds one map per object kind, not annotations.
    expect(unknownValueKeys({ annotations: { deploymnet: {} } }, CHART).map((u) => u.path)).toEqual(['annotations.deploymnet']);
  });

  test('refuses keys under an empty map the chart documents as deprecated', () => {
    const [found] = unknownValueKeys({ jobs: { x: 1 } }, CHART);
    expect(found.path).toBe('jobs');
    expect(found.reason).toContain('Deprecated, use global.jobs instead');
  });
});

describe('fluxRelease', () => {
  const hr = (spec: object) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'capsule', namespace: 'flux-system' }, spec });
  test("helm-controller's defaults: <targetNamespace>-<name>, else <name> in the HelmRelease's namespace", () => {
    expect(fluxRelease(hr({ targetNamespace: 'capsule-system' }))).toEqual({ releaseName: 'capsule-system-capsule', namespace: 'capsule-system' });
    expect(fluxRelease(hr({}))).toEqual({ releaseName: 'capsule', namespace: 'flux-system' });
    expect(fluxRelease(hr({ targetNamespace: 'capsule-system', releaseName: 'capsule' }))).toEqual({ releaseName: 'capsule', namespace: 'capsule-system' });
  });
});

describe('explain', () => {
  test("keeps kubeconform's nested causes, not the alternatives that an optional field could be null", () => {
    const msg =
      "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s.json#' - at '/metadata': anyOf failed   - at '/metadata': additional properties 'labelz' not allowed   - at '/metadata': got object, want null";
    expect(explain({ msg, status: 'statusInvalid' })).toBe("/metadata: additional properties 'labelz' not allowed");
    expect(explain({ msg: 'could not find schema for Foo', status: 'statusError' })).toBe('could not find schema for Foo');
  });

  test('a bad quantity is said once, in words', () => {
    const msg =
      "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s.json#' - at '/spec/memory': anyOf failed   - at '/spec/memory': got string, want number   - at '/spec/memory': 'lots' does not match pattern '^(\\\\+|-)?(([0-9]+(\\\\.[0-9]*)?)|(\\\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\\\+|-)?(([0-9]+(\\\\.[0-9]*)?)|(\\\\.[0-9]+))))?$'";
    expect(explain({ msg, status: 'statusInvalid' })).toBe("/spec/memory: 'lots' is not a quantity (e.g. 128Mi, 500m, 2)");
  });
});
