import { configProblems as problems, configWith, synth } from './helpers';

/** The default configuration with `replace` applied to the demo cluster's capsuleProxy block. */
const demo = (replace: string) => ({ 'platform.yaml': (old: string) => old.replace('    capsuleProxy:\n      certificates: certgen\n', replace) });

describe('cert-manager and trust-manager settings: errors name the file, the line and the setting', () => {
  test('capsule-proxy in cert-manager mode on a cluster without cert-manager', () => {
    expect(problems(demo('    capsuleProxy:\n      certificates: cert-manager\n'))).toEqual([
      expect.stringMatching(
        /^platform\.yaml:\d+: clusters\[0\]\.capsuleProxy\.certificates: capsuleProxy\.certificates cert-manager needs cert-manager, which cluster demo neither installs nor has: set certManager\.enabled: true \(the platform installs it first\) or certManager\.external: true \(it is installed already\), or capsuleProxy\.certificates: certgen$/,
      ),
    ]);
  });

  test("the current profile's default (cert-manager) counts too, reported at versions", () => {
    expect(problems(demo('    versions: current\n'))).toEqual([expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.versions: capsule-proxy under versions current, whose chart defaults to cert-manager/)]);
  });

  test('trust-manager without cert-manager (its webhook certificate)', () => {
    expect(problems(demo('    capsuleProxy:\n      certificates: certgen\n    trustManager:\n      enabled: true\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.trustManager\.enabled: trust-manager \(its webhook's certificate\) needs cert-manager, which cluster demo neither installs nor has/),
    ]);
  });

  test('enabled and external at once, an existing issuer without a name, settings without enabled or external', () => {
    expect(problems(demo('    certManager:\n      enabled: true\n      external: true\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager\.external: set either certManager\.enabled .* or certManager\.external .*, not both$/),
    ]);
    expect(problems(demo('    certManager:\n      external: true\n      issuer:\n        type: cluster-issuer\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager\.issuer: type cluster-issuer needs name: the existing ClusterIssuer$/),
    ]);
    expect(problems(demo('    certManager:\n      external: true\n      values:\n        replicaCount: 2\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager\.values: chart values apply only to a cert-manager the platform installs/),
    ]);
    expect(problems(demo('    certManager:\n      namespace: certs\n'))).toEqual([expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager: has settings but neither enabled nor external/)]);
  });

  test("the CA's lifetime: hours, renewBefore shorter, only for the bootstrapped CA", () => {
    const issuer = (lines: string) => demo(`    certManager:\n      enabled: true\n      issuer:\n${lines}`);
    expect(problems(issuer('        type: self-signed-ca\n        caDuration: 720h\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager\.issuer\.caDuration: caRenewBefore \(8760h\) must be shorter than caDuration \(720h\)$/),
    ]);
    expect(problems(issuer('        type: self-signed-ca\n        caDuration: 10y\n')).join('\n')).toMatch(/clusters\[0\]\.certManager\.issuer\.caDuration: .*a duration in hours, e\.g\. 87600h/);
    expect(problems(issuer('        type: cluster-issuer\n        name: corp-ca\n        caRenewBefore: 720h\n'))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.certManager\.issuer\.caRenewBefore: applies to type self-signed-ca only .*not to type cluster-issuer$/),
    ]);
  });

  test('an unknown issuer type lists the allowed ones', () => {
    expect(problems(demo('    certManager:\n      enabled: true\n      issuer:\n        type: acme\n'))).toEqual([
      expect.stringMatching(/clusters\[0\]\.certManager\.issuer\.type: must be one of "self-signed-ca", "cluster-issuer", "chart" \(got "acme"\)$/),
    ]);
  });
});

describe('a cluster with an external cert-manager and an existing ClusterIssuer', () => {
  test("capsule-proxy's certificate comes from that issuer; the platform renders no issuer and no cert-manager", () => {
    const { files } = synth(
      configWith(demo('    capsuleProxy:\n      certificates: cert-manager\n    certManager:\n      external: true\n      issuer:\n        type: cluster-issuer\n        name: corp-ca\n')),
    );
    const release = files.flatMap((f) => f.manifests).find((m) => m.kind === 'HelmRelease' && m.metadata.name === 'capsule-proxy') as any;
    expect(release.spec.values.certManager).toEqual({ generateCertificates: true, issuer: { kind: 'ClusterIssuer', name: 'corp-ca' } });
    expect(release.spec.dependsOn).toEqual([{ name: 'capsule' }]);
    expect(files.flatMap((f) => f.manifests).filter((m) => m.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
    expect(files.some((f) => /^demo\/(cert-manager|issuers)\//.test(f.path))).toBe(false);
  });
});

test("cert-manager's namespace is the platform's: no tenant may be named after it", () => {
  const config = configWith({
    'platform.yaml': (old: string) => old.replace('    capsuleProxy:\n      certificates: certgen\n', '    capsuleProxy:\n      certificates: certgen\n    certManager:\n      external: true\n      namespace: certs\n'),
    'tenants/oil.yaml': null,
    'tenants/certs.yaml': 'name: certs\nowners:\n  - kind: User\n    name: alice\n',
  });
  expect(problems(config)).toEqual([expect.stringMatching(/^tenants\/certs\.yaml:1: name: 'certs' is reserved \(default, kube-\*, and the platform's namespaces: capsule-system, certs, flux-system/)]);
});

describe("Capsule's webhook certificate on cert-manager (capsule.certificates)", () => {
  const capsule = (more: string) => ({ 'platform.yaml': (old: string) => old.replace('      forceTenantPrefix: true\n    capsuleProxy:\n', `      forceTenantPrefix: true\n      certificates: cert-manager\n${more}    capsuleProxy:\n`) });

  test('needs cert-manager like capsule-proxy does, reported at capsule.certificates', () => {
    expect(problems(capsule(''))).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: clusters\[0\]\.capsule\.certificates: capsule\.certificates cert-manager needs cert-manager, which cluster demo neither installs nor has: .*, or capsule\.certificates: controller$/),
    ]);
  });

  test('with the platform installing cert-manager, Capsule is installed after it', () => {
    const { files } = synth(configWith(capsule('    certManager:\n      enabled: true\n')));
    const release = files.flatMap((f) => f.manifests).find((m) => m.kind === 'HelmRelease' && m.metadata.name === 'capsule') as any;
    expect(release.spec.dependsOn).toEqual([{ name: 'cert-manager' }]);
    expect(release.spec.values.certManager).toEqual({ generateCertificates: true });
  });
});
