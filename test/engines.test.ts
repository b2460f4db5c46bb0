import { CERT_CHARTS, CHARTS, ENGINES } from '../lib/versions';

const minor = (version: string) => /^v?(\d+\.\d+)\./.exec(version)?.[1];

describe('engine pins (lib/engines.json)', () => {
  test("the Kyverno CLI is the release of the Kyverno chart's appVersion", () => {
    expect(ENGINES.kyverno.version).toBe(`v${CHARTS.kyverno.appVersion}`);
    expect(minor(ENGINES.kyverno.version)).toBe(minor(CHARTS.kyverno.appVersion));
  });

  test('every built engine names an exact module version, a package and a binary', () => {
    for (const name of ['kyverno', 'helm', 'kubeconform', 'kustomize'] as const) {
      const pin = ENGINES[name];
      expect(pin.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(pin.package.startsWith(pin.module)).toBe(true);
      expect(pin.binary).toMatch(/^[a-z-]+$/);
    }
  });

  test('the cert-manager and trust-manager module sources are the releases of the charts a cluster installs, and carry them', () => {
    for (const [name, chart] of [['cert-manager', CERT_CHARTS.certManager], ['trust-manager', CERT_CHARTS.trustManager]] as const) {
      const pin = ENGINES[name];
      expect({ name, version: pin.version, chart: pin.chart }).toEqual({ name, version: chart.version, chart: `deploy/charts/${chart.chart}` });
      expect(pin.module).toBe(`github.com/cert-manager/${name}`);
    }
  });

  test('helm is v4 (a go-installed helm v3 would assume Kubernetes 1.20)', () => {
    expect(ENGINES.helm.module).toBe('helm.sh/helm/v4');
    expect(ENGINES.helm.ldflags).toContain(ENGINES.helm.version);
  });
});
