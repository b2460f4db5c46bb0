import * as YAML from 'yaml';
import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf } from '../../testing';

// Copied from seed 001, "1.5 - Kyverno" / "Block Ephemeral Containers" (= upstream
// other/block-ephemeral-containers; tests must not read ../shared).
const SEED = YAML.parse(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: block-ephemeral-containers
  annotations:
    policies.kyverno.io/title: Block Ephemeral Containers
    policies.kyverno.io/category: Other
    policies.kyverno.io/severity: medium
    kyverno.io/kyverno-version: 1.6.0
    policies.kyverno.io/minversion: 1.6.0
    kyverno.io/kubernetes-version: "1.23"
    policies.kyverno.io/subject: Pod
    policies.kyverno.io/description: >-
      Ephemeral containers, enabled by default in Kubernetes 1.23, allow users to use the
      \`kubectl debug\` functionality and attach a temporary container to an existing Pod.
      This may potentially be used to gain access to unauthorized information executing inside
      one or more containers in that Pod. This policy blocks the use of ephemeral containers.
spec:
  validationFailureAction: Enforce
  background: true
  rules:
  - name: block-ephemeral-containers
    match:
      any:
      - resources:
          kinds:
            - Pod
    validate:
      message: "Ephemeral (debug) containers are not permitted."
      pattern:
        spec:
          X(ephemeralContainers): "null"
`);

describe('block-ephemeral-containers', () => {
  test("keeps the seed's (upstream) annotations, except the tested-with version and with minversion raised for per-rule failureAction", () => {
    const policy = renderPolicy({ 'block-ephemeral-containers': {} });
    const { 'kyverno.io/kyverno-version': _tested, ...seedAnnotations } = SEED.metadata.annotations;
    expect(policy.metadata.annotations).toEqual({ ...seedAnnotations, [ANNOTATIONS.minVersion]: '1.13.0' });
  });

  test("with scope cluster, is the seed's rule with the failure action moved onto it", () => {
    const policy = renderPolicy({ 'block-ephemeral-containers': { scope: 'cluster' } });
    expect(policy.spec).toEqual({
      background: SEED.spec.background,
      rules: [{ ...SEED.spec.rules[0], validate: { ...SEED.spec.rules[0].validate, failureAction: SEED.spec.validationFailureAction } }],
    });
  });

  test("by default applies to tenant namespaces only (a platform administrator's kubectl debug keeps working)", () => {
    const rule = ruleOf(renderPolicy({ 'block-ephemeral-containers': {} }), 'block-ephemeral-containers');
    expect(rule.match.any[0].resources).toEqual({ kinds: ['Pod'], namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] } });
    expect(rule.validate.failureAction).toBe('Enforce');
  });
});
