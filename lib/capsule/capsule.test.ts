import { imageSources } from '../core/chart-images';
import { helmValues, testCluster, testFile } from '../core/testing';
import { Capsule, CapsuleCertificates } from './capsule';
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

  test('declares the images the chart runs: the manager from ghcr.io, its hook Jobs from docker.io', () => {
    expect(Capsule.images().map((s) => [s.image.workload, s.path, s.registry])).toEqual([
      ['manager', 'manager.image.registry', 'ghcr.io'],
      ['kubectl hook Jobs', 'global.jobs.kubectl.image.registry', 'docker.io'],
    ]);
    // A mirror set in values; the deprecated jobs.image wins over global.jobs.kubectl.image, as in the chart.
    const mirrored = Capsule.images({ manager: { image: { registry: 'mirror.example.com' } }, jobs: { image: { registry: 'hub.example.com' } } });
    expect(mirrored.map((s) => [s.path, s.overridden, s.registry])).toEqual([
      ['manager.image.registry', true, 'mirror.example.com'],
      ['jobs.image.registry', true, 'hub.example.com'],
    ]);
  });

  test('reads its images from the values it renders', () => {
    const { app, layer } = testCluster();
    const values = { manager: { image: { registry: 'mirror.example.com' } } };
    new Capsule(layer, 'capsule', { namespace: 'capsule-system', userGroups: ['g'], values });
    expect(imageSources(Capsule.IMAGES, helmValues(app.render(), 'capsule'))).toEqual(Capsule.images(values));
  });
});

describe('Capsule webhook certificates', () => {
  const render = (versions: 'seed' | 'current', certificates?: CapsuleCertificates, values?: Record<string, unknown>) => {
    const { app, layer } = testCluster(versions);
    const capsule = new Capsule(layer, 'capsule', { namespace: 'capsule-system', userGroups: ['g'], certificates, values });
    return { capsule, values: helmValues(app.render(), 'capsule') };
  };

  test("default to Capsule's own TLS reconciler under both profiles: chart 0.14.0's cert-manager default is switched off", () => {
    const current = render('current');
    expect(current.capsule.certificates).toBe(CapsuleCertificates.CONTROLLER);
    expect(current.values).toMatchObject({ tls: { enableController: true, create: true }, certManager: { generateCertificates: false } });
    // Chart 0.10.9 defaults to exactly that: its values stay as they were.
    const seed = render('seed');
    expect(seed.capsule.certificates).toBe(CapsuleCertificates.CONTROLLER);
    expect(seed.values.tls).toBeUndefined();
    expect(seed.values.certManager).toBeUndefined();
  });

  test('cert-manager mode switches the reconciler off (chart 0.14.0 fails when both are on)', () => {
    for (const versions of ['seed', 'current'] as const) {
      const { capsule, values } = render(versions, CapsuleCertificates.CERT_MANAGER);
      expect(capsule.certificates).toBe(CapsuleCertificates.CERT_MANAGER);
      expect(values).toMatchObject({ tls: { enableController: false, create: false }, certManager: { generateCertificates: true } });
    }
  });

  test.each(['tls.enableController', 'tls.create', 'certManager.generateCertificates'])('values cannot set %s behind capsule.certificates', (path) => {
    const [head, key] = path.split('.');
    for (const versions of ['seed', 'current'] as const) {
      expect(() => render(versions, undefined, { [head]: { [key]: true } })).toThrow(new RegExp(`values\\.${path.replace('.', '\\.')} cannot be overridden: set it with capsule\\.certificates`));
    }
  });
});
