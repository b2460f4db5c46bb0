import { Kyverno } from '../../kyverno';
import { TENANT_LABEL } from '../../../capsule/labels';
import { ANNOTATIONS } from '../../render/cluster-policy';
import { renderPolicy, ruleOf, yamlRule } from '../../testing';
import { allowsRegistry, define, wildcardMatch } from './restrict-image-registries';

// Copied from seed 001, "1.5 - Kyverno" / "Image Registry" (tests must not read ../shared).
const SEED = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
  annotations:
    policies.kyverno.io/title: Restrict Image Registries
    policies.kyverno.io/category: Best Practices, EKS Best Practices
    policies.kyverno.io/severity: medium
spec:
  validationFailureAction: Audit
  background: true
  rules:
  - name: validate-registries
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "Using unknown image registry."
      foreach:
      - list: "request.object.spec.initContainers"
        deny:
          conditions:
          - key: '{{images.initContainers."{{element.name}}".registry }}'
            operator: NotIn
            value:
            - "docker.io"
            - "public.ecr.aws"
            - "quay.io"
            - "mcr.microsoft.com"

      - list: "request.object.spec.ephemeralContainers"
        deny:
          conditions:
          - key: '{{images.ephemeralContainers."{{element.name}}".registry }}'
            operator: NotIn
            value:
            - "docker.io"
            - "public.ecr.aws"
            - "quay.io"
            - "mcr.microsoft.com"

      - list: "request.object.spec.containers"
        deny:
          conditions:
          - key: '{{images.containers."{{element.name}}".registry }}'
            operator: NotIn
            value:
            - "docker.io"
            - "public.ecr.aws"
            - "quay.io"
            - "mcr.microsoft.com"
`;
const seed = yamlRule(SEED, 'validate-registries');
const SEED_REGISTRIES = ['docker.io', 'public.ecr.aws', 'quay.io', 'mcr.microsoft.com'];

describe('restrict-image-registries', () => {
  const policy = renderPolicy({ 'restrict-image-registries': { registries: SEED_REGISTRIES } });
  const rule = ruleOf(policy, 'validate-registries');

  test("checks init, ephemeral and regular containers against the registry Kyverno parsed, as the seed does", () => {
    expect(rule.validate.foreach.map((f: any) => f.list)).toEqual(seed.validate.foreach.map((f: any) => f.list));
    rule.validate.foreach.forEach((f: any, i: number) => {
      const [seedCondition] = seed.validate.foreach[i].deny.conditions;
      // The seed's bare condition list is deprecated (any/all), and NotIn is deprecated (AnyNotIn).
      expect(f.deny.conditions).toEqual({ any: [{ key: seedCondition.key.replace('{{images', '{{ images'), operator: 'AnyNotIn', value: seedCondition.value }] });
    });
  });

  test('counts an image without a registry as docker.io, which Kyverno is pinned to', () => {
    expect(Kyverno.DEFAULT_REGISTRY).toBe('docker.io');
    expect(Kyverno.OWNED_VALUES).toHaveProperty(['config.defaultRegistry']);
    expect(Kyverno.OWNED_VALUES).toHaveProperty(['config.enableDefaultRegistryMutation']);
    expect(rule.validate.message).toContain('an image without a registry is from docker.io');
  });

  test("audits by default (the seed's Audit), per rule", () => {
    expect(rule.validate.failureAction).toBe('Audit');
    expect(policy.spec.background).toBe(true);
    expect(policy.metadata.annotations).toMatchObject({
      [ANNOTATIONS.title]: 'Restrict Image Registries',
      [ANNOTATIONS.category]: 'Best Practices, EKS Best Practices',
      [ANNOTATIONS.severity]: 'medium',
    });
  });

  test('applies to tenant namespaces by default (platform images come from elsewhere, e.g. ghcr.io), to all with scope cluster', () => {
    expect(rule.match.any[0].resources.namespaceSelector).toEqual({ matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] });
    const cluster = ruleOf(renderPolicy({ 'restrict-image-registries': { registries: SEED_REGISTRIES, scope: 'cluster' } }), 'validate-registries');
    expect(cluster.match).toEqual(seed.match);
  });

  test('refuses an empty registry list and anything that is not a registry host', () => {
    expect(() => define({ registries: [] })).toThrow(/registries must not be empty/);
    expect(() => define({ registries: ['https://quay.io'] })).toThrow(/not a registry host: https:\/\/quay.io/);
    expect(() => define({ registries: ['localhost:5000', '*.example.com', '10.0.0.1:5000'] })).not.toThrow();
  });

  describe('allowsRegistry: what the policy lets through, for the load-time check of the platform\'s own images', () => {
    test('allows a registry listed as it is, and nothing else', () => {
      expect(allowsRegistry(SEED_REGISTRIES, 'docker.io')).toBe(true);
      expect(allowsRegistry(SEED_REGISTRIES, 'ghcr.io')).toBe(false);
      // A port is part of the registry Kyverno parses.
      expect(allowsRegistry(['registry.example.com'], 'registry.example.com:5000')).toBe(false);
      expect(allowsRegistry(['registry.example.com:5000'], 'registry.example.com:5000')).toBe(true);
    });

    test('matches *. entries as Kyverno\'s AnyNotIn does: any subdomain, not the domain itself', () => {
      const ecr = ['*.dkr.ecr.eu-west-1.amazonaws.com'];
      expect(allowsRegistry(ecr, '123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe(true);
      expect(allowsRegistry(ecr, 'a.b.dkr.ecr.eu-west-1.amazonaws.com')).toBe(true);
      expect(allowsRegistry(ecr, 'dkr.ecr.eu-west-1.amazonaws.com')).toBe(false);
      expect(allowsRegistry(['*.k8s.io'], 'registry.k8s.io')).toBe(true);
    });

    test('wildcardMatch is go-wildcard\'s Match: * any sequence (also none), ? exactly one character', () => {
      expect(wildcardMatch('*', '')).toBe(true);
      expect(wildcardMatch('', '')).toBe(true);
      expect(wildcardMatch('', 'a')).toBe(false);
      expect(wildcardMatch('a*c', 'ac')).toBe(true);
      expect(wildcardMatch('a*c', 'abbc')).toBe(true);
      expect(wildcardMatch('a?c', 'ac')).toBe(false);
      expect(wildcardMatch('a?c', 'abc')).toBe(true);
      expect(wildcardMatch('*.io', 'quay.io')).toBe(true);
      expect(wildcardMatch('*.io', 'quay.io.evil.com')).toBe(false);
    });
  });
});
