import { Capsule } from '../capsule/capsule';
import { findManifest, helmValues, testCluster, testFile } from '../core/testing';
import { CapsuleProxy } from './capsule-proxy';
import { TenantGlobalProxySettings, TenantProxySetting } from './proxy-settings';

function setup(featureGates?: ConstructorParameters<typeof CapsuleProxy>[2]['featureGates']) {
  const cluster = testCluster();
  const capsule = new Capsule(cluster.layer, 'capsule', { namespace: 'capsule-system', userGroups: ['tenant-oil'] });
  const proxy = new CapsuleProxy(cluster.layer, 'capsule-proxy', { capsule, featureGates, extraArgs: ['--client-connection-qps=50'] });
  return { ...cluster, proxy };
}

const storageClasses = { apiGroups: ['storage.k8s.io/*'], resources: ['storageclasses'], selector: { matchLabels: { consumer: 'customer' } } };

describe('proxy settings', () => {
  test('a ProxySetting with clusterResources switches on ProxyClusterScoped', () => {
    const { app, layer, proxy } = setup();
    new TenantProxySetting(testFile(layer, 'oil'), 'ps', { proxy, name: 'oil', namespace: 'oil-dev', subjects: [{ kind: 'Group', name: 'tenant-oil', clusterResources: [storageClasses] }] });
    const files = app.render();
    expect(findManifest(files, 'ProxySetting', 'oil')).toMatchObject({ apiVersion: 'capsule.clastix.io/v1beta1', metadata: { namespace: 'oil-dev' } });
    expect(helmValues(files, 'capsule-proxy').options.extraArgs).toEqual(['--feature-gates=ProxyClusterScoped=true', '--client-connection-qps=50']);
  });

  test('GlobalProxySettings always switch on ProxyClusterScoped', () => {
    const { app, layer, proxy } = setup({ ProxyAllNamespaced: true });
    new TenantGlobalProxySettings(testFile(layer, 'oil'), 'gps', { proxy, name: 'oil', rules: [{ subjects: [{ kind: 'Group', name: 'tenant-oil' }], clusterResources: [storageClasses] }] });
    const files = app.render();
    expect(findManifest(files, 'GlobalProxySettings', 'oil').metadata).toEqual({ name: 'oil' });
    expect(helmValues(files, 'capsule-proxy').options.extraArgs[0]).toBe('--feature-gates=ProxyAllNamespaced=true,ProxyClusterScoped=true');
  });

  test('without proxy settings, no feature gate flag is rendered', () => {
    const { app } = setup();
    expect(helmValues(app.render(), 'capsule-proxy').options.extraArgs).toEqual(['--client-connection-qps=50']);
  });

  test('fails when a needed gate is switched off, or the gate would disable legacy settings', () => {
    const off = setup({ ProxyClusterScoped: false });
    new TenantGlobalProxySettings(testFile(off.layer, 'oil'), 'gps', { proxy: off.proxy, name: 'oil', rules: [{ subjects: [{ kind: 'Group', name: 'g' }] }] });
    expect(() => off.app.render()).toThrow(/feature gate ProxyClusterScoped is switched off, but GlobalProxySettings oil needs it/);

    const legacy = setup();
    new TenantProxySetting(testFile(legacy.layer, 'oil'), 'ps', { proxy: legacy.proxy, name: 'oil', namespace: 'oil-dev', subjects: [{ kind: 'Group', name: 'g', clusterResources: [storageClasses] }] });
    legacy.proxy.addLegacyProxySettingsUser('tenant gas: owners[0].proxySettings');
    expect(() => legacy.app.render()).toThrow(/tenant gas: owners\[0\].proxySettings: ignored by capsule-proxy once ProxyClusterScoped is enabled/);
  });

  test('fails on apiGroups that never match', () => {
    const { layer, proxy } = setup();
    expect(
      () => new TenantProxySetting(testFile(layer, 'oil'), 'ps', { proxy, name: 'oil', namespace: 'oil-dev', subjects: [{ kind: 'Group', name: 'g', clusterResources: [{ ...storageClasses, apiGroups: [''] }] }] }),
    ).toThrow(/ProxySetting oil-dev\/oil: subjects\[0\].clusterResources\[0\].apiGroups\[0\]: "" never matches/);
  });

  test('feature gates go in featureGates, not extraArgs', () => {
    const { layer } = testCluster();
    const capsule = new Capsule(layer, 'capsule', { namespace: 'capsule-system', userGroups: ['g'] });
    expect(() => new CapsuleProxy(layer, 'p', { capsule, extraArgs: ['--feature-gates=ProxyAllNamespaced=true'] })).toThrow(/featureGates, not extraArgs/);
  });
});
