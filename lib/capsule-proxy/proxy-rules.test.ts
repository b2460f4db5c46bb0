import { checkClusterResources, proxySettingsUse } from './proxy-rules';

describe('checkClusterResources', () => {
  test('accepts <group>/<version> patterns, /v1 for core, and *', () => {
    expect(checkClusterResources([{ apiGroups: ['storage.k8s.io/*', '/v1', '*', 'kyverno.io/v1'] }], [])).toEqual([]);
  });

  test('refuses entries that can never match, with a hint', () => {
    const problems = checkClusterResources([{ apiGroups: ['', 'storage.k8s.io'] }], ['rules']);
    expect(problems.map((p) => p.segments.join('.'))).toEqual(['rules.0.apiGroups.0', 'rules.0.apiGroups.1']);
    expect(problems[1].message).toBe(
      '"storage.k8s.io" never matches; capsule-proxy matches apiGroups against <group>/<version>: write "storage.k8s.io/*" or "storage.k8s.io/v1", "/v1" for the core group, or "*"',
    );
  });
});

describe('proxySettingsUse', () => {
  test('separates rules that need ProxyClusterScoped from legacy settings it disables', () => {
    const use = proxySettingsUse({
      spec: { owners: [{ kind: 'User', name: 'a', proxySettings: [{ kind: 'Nodes', operations: ['List'] }] }, { kind: 'User', name: 'b' }] },
      proxySetting: { subjects: [{ kind: 'Group', name: 'g', clusterResources: [{}] }, { kind: 'User', name: 'c', proxySettings: [{}] }] },
    });
    expect(use).toEqual({
      clusterScoped: [['platform', 'proxySettings', 'subjects', '0', 'clusterResources']],
      legacy: [
        ['owners', '0', 'proxySettings'],
        ['platform', 'proxySettings', 'subjects', '1', 'proxySettings'],
      ],
    });
  });

  test('GlobalProxySettings always need the gate', () => {
    expect(proxySettingsUse({ spec: {}, globalProxySettings: { rules: [{ subjects: [] }] } }).clusterScoped).toEqual([['platform', 'globalProxySettings']]);
  });
});
