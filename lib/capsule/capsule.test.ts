import { helmValues, testCluster, testFile } from '../core/testing';
import { Capsule } from './capsule';
import { Tenant } from './tenant';

describe('Capsule', () => {
  test('installs chart capsule 0.10.9 as release capsule, with the user groups of its tenants', () => {
    const { app, layer } = testCluster();
    const capsule = new Capsule(layer, 'capsule', { namespace: 'capsule-system', forceTenantPrefix: true, userGroups: ['platform-admins'] });
    // Tenants register after Capsule exists: the value is computed when rendering.
    new Tenant(testFile(layer, 'gas'), 'tenant', { name: 'gas', capsule, owners: [{ kind: 'User', name: 'bob' }] });
    new Tenant(testFile(layer, 'oil'), 'tenant', { name: 'oil', capsule, owners: [{ kind: 'User', name: 'alice' }], userGroup: 'tenant-oil' });
    const files = app.render();

    expect(capsule.release).toMatchObject({ releaseName: 'capsule', namespace: 'capsule-system', chart: { chart: 'capsule', version: '0.10.9' } });
    expect(helmValues(files, 'capsule')).toEqual({
      manager: { options: { capsuleUserGroups: ['platform-admins', 'tenant-gas', 'tenant-oil'], forceTenantPrefix: true } },
    });
  });

  test('defaults forceTenantPrefix to false, as the chart does', () => {
    const { app, layer } = testCluster();
    new Capsule(layer, 'capsule', { namespace: 'capsule-system', userGroups: ['g'] });
    expect(helmValues(app.render(), 'capsule').manager.options.forceTenantPrefix).toBe(false);
  });

  test('merges extra values but refuses to override the ones it owns', () => {
    const { app, layer } = testCluster();
    new Capsule(layer, 'capsule', { namespace: 'capsule-system', userGroups: ['g'], values: { manager: { resources: { limits: { memory: '256Mi' } } } } });
    expect(helmValues(app.render(), 'capsule').manager).toMatchObject({ resources: { limits: { memory: '256Mi' } }, options: { capsuleUserGroups: ['g'] } });

    const other = testCluster();
    expect(() => new Capsule(other.layer, 'capsule', { namespace: 'capsule-system', values: { fullnameOverride: 'caps' } })).toThrow(/capsule-webhook-service/);
    expect(() => new Capsule(other.layer, 'c2', { namespace: 'capsule-system', values: { manager: { options: { capsuleUserGroups: ['x'] } } } })).toThrow(
      /derived from the tenants/,
    );
  });

  test('fails when nobody would be a Capsule user', () => {
    const { app, layer } = testCluster();
    new Capsule(layer, 'capsule', { namespace: 'capsule-system' });
    expect(() => app.render()).toThrow(/no Capsule user groups/);
  });
});
