import { ChartImage, imageRegistry, imageSources, valueAt } from './chart-images';

describe('imageRegistry', () => {
  test('is the first path component when it is a host: it has a dot or a port, or is localhost', () => {
    expect(imageRegistry('ghcr.io/projectcapsule/capsule')).toBe('ghcr.io');
    expect(imageRegistry('public.ecr.aws/gravitational/teleport-distroless')).toBe('public.ecr.aws');
    expect(imageRegistry('registry.example.com:5000/team/app')).toBe('registry.example.com:5000');
    expect(imageRegistry('mirror:5000/app')).toBe('mirror:5000');
    expect(imageRegistry('localhost/app')).toBe('localhost');
  });

  test('is docker.io for an image without a registry, as for Kyverno (pinned) and the container runtime', () => {
    expect(imageRegistry('nginx')).toBe('docker.io');
    expect(imageRegistry('alpine/k8s')).toBe('docker.io');
    expect(imageRegistry('clastix/kubectl')).toBe('docker.io');
    expect(imageRegistry('docker.io/clastix/kubectl')).toBe('docker.io');
  });
});

describe('imageSources', () => {
  const registry: ChartImage = { workload: 'manager', value: 'manager.image.registry', form: 'registry', chartDefault: 'ghcr.io' };
  const reference: ChartImage = { workload: 'agent', value: 'image', form: 'reference', chartDefault: 'public.ecr.aws/gravitational/teleport' };

  test('takes the chart default when the values leave the image alone', () => {
    expect(imageSources([registry, reference], { manager: { replicas: 2 } })).toEqual([
      { image: registry, path: 'manager.image.registry', overridden: false, imageValue: 'ghcr.io', registry: 'ghcr.io' },
      { image: reference, path: 'image', overridden: false, imageValue: 'public.ecr.aws/gravitational/teleport', registry: 'public.ecr.aws' },
    ]);
  });

  test("takes the user's value: a registry (with a path prefix, as mirrors have) or a whole reference", () => {
    const [manager, agent] = imageSources([registry, reference], { manager: { image: { registry: 'harbor.example.com/ghcr' } }, image: 'mirror.example.com:5000/teleport' });
    expect(manager).toMatchObject({ path: 'manager.image.registry', overridden: true, registry: 'harbor.example.com' });
    expect(agent).toMatchObject({ path: 'image', overridden: true, registry: 'mirror.example.com:5000' });
    // A registry value without a dot is a Docker Hub namespace, as in the chart's `<registry>/<repository>`.
    expect(imageSources([registry], { manager: { image: { registry: 'myorg' } } })[0].registry).toBe('docker.io');
  });

  test('lets a deprecated alias win when it is set and not empty, the first one first', () => {
    const image: ChartImage = { workload: 'job', value: 'global.image.registry', aliases: ['jobs.certs.registry', 'jobs.image.registry'], form: 'registry', chartDefault: 'registry.k8s.io' };
    expect(imageSources([image], { jobs: { image: { registry: 'b.example.com' }, certs: { registry: 'a.example.com' } } })[0]).toMatchObject({ path: 'jobs.certs.registry', registry: 'a.example.com' });
    expect(imageSources([image], { jobs: { image: { registry: 'b.example.com' }, certs: { registry: '' } }, global: { image: { registry: 'c.example.com' } } })[0]).toMatchObject({
      path: 'jobs.image.registry',
      registry: 'b.example.com',
    });
    expect(imageSources([image], { global: { image: { registry: 'c.example.com' } } })[0]).toMatchObject({ path: 'global.image.registry', overridden: true });
    expect(imageSources([image], { jobs: { certs: {} } })[0]).toMatchObject({ path: 'global.image.registry', overridden: false, registry: 'registry.k8s.io' });
  });

  test('leaves out images whose conditions do not hold, reading conditions as Helm does', () => {
    const updater: ChartImage = { ...reference, workload: 'updater', value: 'updater.image', when: [{ path: 'updater.enabled', is: true, chartDefault: false }] };
    const oss: ChartImage = { ...reference, when: [{ path: 'enterprise', is: false, chartDefault: false }] };
    const workloads = (values: Record<string, unknown>) => imageSources([oss, updater], values).map((s) => s.image.workload);
    expect(workloads({})).toEqual(['agent']);
    expect(workloads({ updater: { enabled: true }, enterprise: true })).toEqual(['updater']);
    // Go template truthiness: a non-empty string is true, null (the key deleted) is false.
    expect(workloads({ enterprise: 'false', updater: { enabled: null } })).toEqual([]);
    expect(workloads({ enterprise: 0, updater: { enabled: 'yes' } })).toEqual(['agent', 'updater']);
  });
});

describe('valueAt', () => {
  test('reads dotted paths, and nothing through a value that is not a map', () => {
    expect(valueAt({ a: { b: { c: 1 } } }, 'a.b.c')).toBe(1);
    expect(valueAt({ a: 'x' }, 'a.b')).toBeUndefined();
    expect(valueAt({ a: [{ b: 1 }] }, 'a.b')).toBeUndefined();
  });
});
