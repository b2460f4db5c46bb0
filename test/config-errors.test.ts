import * as path from 'path';
import { loadPlatform } from '../lib/platform/config/load';
import { configProblems as problems, configWith } from './helpers';

const oil = (body: string) => ({ 'tenants/oil.yaml': `name: oil\n${body}` });

describe('configuration errors name the file, the line, the field and what is allowed', () => {
  test('an owner kind that Capsule does not know', () => {
    expect(problems(oil('owners:\n  - kind: Robot\n    name: r2d2\n'))).toEqual([
      'tenants/oil.yaml:3: owners[0].kind: must be one of "User", "Group", "ServiceAccount" (got "Robot")',
    ]);
  });

  test('a tenant without owners', () => {
    expect(problems(oil(''))).toEqual(['tenants/oil.yaml:1: owners: required field is missing under Capsule 0.10.9 (versions: seed), which cluster demo runs; Capsule 0.14.0 (versions: current) accepts it']);
  });

  test('a null name says null once', () => {
    expect(problems({ 'tenants/oil.yaml': 'name: ~\nowners:\n  - kind: User\n    name: alice\n' })).toEqual(['tenants/oil.yaml:1: name: must be a string (got null)']);
  });

  test('an unknown field in a tenant file lists the allowed ones', () => {
    const [problem] = problems(oil('owners:\n  - kind: User\n    name: alice\nowner: bob\n'));
    expect(problem).toMatch(/^tenants\/oil.yaml:5: owner: unknown field; allowed fields here: name, platform, .*owners/);
  });

  test('a tenant file named after another tenant', () => {
    expect(problems({ 'tenants/oil.yaml': 'name: gas\nowners:\n  - kind: User\n    name: alice\n' })).toEqual([
      "tenants/oil.yaml:1: name: tenant 'gas' must be declared in a file named gas.yaml (this file is oil.yaml)",
    ]);
  });

  test('a tenant name that is not a DNS label', () => {
    expect(problems({ 'tenants/Oil_Co.yaml': 'name: Oil_Co\nowners:\n  - kind: User\n    name: alice\n' })[0]).toMatch(
      /^tenants\/Oil_Co.yaml:1: name: must be a DNS-1123 label/,
    );
  });

  test('YAML syntax errors and empty files', () => {
    expect(problems({ 'tenants/oil.yaml': 'name: oil\nowners: [\n' })[0]).toMatch(/^tenants\/oil.yaml:\d+: invalid YAML: /);
    expect(problems({ 'tenants/oil.yaml': '# nothing here\n' })).toEqual(['tenants/oil.yaml: file is empty; expected a YAML mapping']);
  });

  test('a tenant on a cluster that does not exist', () => {
    expect(problems(oil('owners:\n  - kind: User\n    name: alice\nplatform:\n  clusters: [prod]\n'))).toEqual([
      "tenants/oil.yaml:6: platform.clusters[0]: unknown cluster 'prod'; clusters in platform.yaml: demo",
    ]);
  });

  test('a malformed Teleport proxy address', () => {
    expect(problems({ 'platform.yaml': (old) => old.replace('teleport.demo:443', 'https://teleport.demo') })).toEqual([
      'platform.yaml:20: clusters[0].teleport.agent.proxyAddr: must be host:port, e.g. teleport.example.com:443 (got "https://teleport.demo")',
    ]);
  });

  test('an unknown component setting', () => {
    expect(problems({ 'platform.yaml': (old) => old.replace('forceTenantPrefix: true', 'forceTenantPrefx: true') })).toEqual([
      'platform.yaml:15: clusters[0].capsule.forceTenantPrefx: unknown field; allowed fields here: forceTenantPrefix, userGroups, deletionProtection, certificates, values',
    ]);
  });

  test('a join token in the configuration, anywhere', () => {
    expect(problems({ 'platform.yaml': (old) => old.replace('method: token', 'method: token\n          token: 7f3e1a2b9c8d4e5f') })).toEqual([
      'platform.yaml:29: clusters[0].teleport.agent.join.token: looks like a credential: secrets never go into configuration or output; reference an existing Secret instead (Teleport join tokens: create Secret teleport-kube-agent-join-token with key auth-token out of band and set join.secretName)',
    ]);
    expect(problems({ 'platform.yaml': (old) => old.replace('        join:', '        values:\n          authToken: 7f3e1a2b9c8d4e5f\n        join:') })[0]).toMatch(
      /^platform.yaml:27: clusters\[0\].teleport.agent.values.authToken: looks like a credential/,
    );
  });

  describe('credentials', () => {
    /** platform.yaml with `yaml` (indented for its place) as capsule-proxy chart values. */
    const withValues = (yaml: string) => ({ 'platform.yaml': (old: string) => old.replace('certificates: certgen', `certificates: certgen\n      values:\n${yaml}`) });
    const fields = (found: string[]) => found.map((p) => p.replace(/^platform.yaml:\d+: /, '').replace(/: looks like a credential.*$/, ''));

    test('keys that name a credential, however they are spelled', () => {
      const found = problems(withValues('        DB_PASSWORD: hunter2hunter2\n        admin-passwd: x\n        aws_secret_access_key: wJalrXUtnFEMI\n        oidc:\n          clientSecret: s3cr3t\n          api_key: k\n        tls: { privateKey: abc }\n        list: [{ authToken: t }]\n'));
      expect(fields(found)).toEqual([
        'clusters[0].capsuleProxy.values.DB_PASSWORD',
        'clusters[0].capsuleProxy.values.admin-passwd',
        'clusters[0].capsuleProxy.values.aws_secret_access_key',
        'clusters[0].capsuleProxy.values.oidc.clientSecret',
        'clusters[0].capsuleProxy.values.oidc.api_key',
        'clusters[0].capsuleProxy.values.tls.privateKey',
        'clusters[0].capsuleProxy.values.list[0].authToken',
      ]);
      expect(found[0]).toMatch(/: looks like a credential: secrets never go into configuration or output; reference an existing Secret instead$/);
    });

    test('names of Secrets and files, templates and non-strings are not credentials', () => {
      const dir = configWith(
        withValues(
          '        existingSecret: db\n        secretName: db\n        tokenName: join\n        existingSecretKey: password\n        passwordFile: /etc/pw\n' +
            '        password: "{{ .Values.pw }}"\n        token: ${TOKEN}\n        automountServiceAccountToken: true\n        apiKey: ""\n',
        ),
      );
      expect(() => loadPlatform(dir)).not.toThrow();
    });

    test.each([
      ['a PEM private key', '"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow...\\n-----END RSA PRIVATE KEY-----"'],
      ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
      ['a GitHub token', `ghp_${'a1B2'.repeat(9)}`],
      ['a Slack token', 'xoxb-123456789012-abcdefghij'],
      ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl'],
    ])('%s is a credential under any key, in a list too', (what, value) => {
      const found = problems(withValues(`        note: ${value}\n        extraEnv: [${value}]\n`));
      expect(found).toEqual([
        expect.stringMatching(new RegExp(`^platform.yaml:\\d+: clusters\\[0\\].capsuleProxy.values.note: looks like a credential \\(${what}\\): secrets never go`)),
        expect.stringMatching(new RegExp(`^platform.yaml:\\d+: clusters\\[0\\].capsuleProxy.values.extraEnv\\[0\\]: looks like a credential \\(${what}\\)`)),
      ]);
    });

    test('in tenant files too', () => {
      expect(problems(oil(`owners:\n  - kind: User\n    name: alice\nplatform:\n  userGroup: ghp_${'x'.repeat(36)}\n`))).toEqual([
        'tenants/oil.yaml:6: platform.userGroup: looks like a credential (a GitHub token): secrets never go into configuration or output; reference an existing Secret instead',
      ]);
    });

    test('the public JWKS of the default configuration and the examples are not credentials', () => {
      expect(() => loadPlatform(configWith())).not.toThrow();
      expect(() => loadPlatform(path.join(__dirname, '..', 'examples', 'platform'))).not.toThrow();
    });
  });

  test('a chart value that the platform derives', () => {
    expect(problems({ 'platform.yaml': (old) => old.replace('certificates: certgen', 'values:\n        service:\n          port: 8443') })).toEqual([
      "platform.yaml:19: clusters[0].capsuleProxy.values.service.port: cannot be overridden: clients' KUBERNETES_SERVICE_PORT is derived from it",
    ]);
  });

  test('duplicate cluster names', () => {
    const platform = 'clusters:\n  - name: demo\n    capsule: {userGroups: [g]}\n  - name: demo\n';
    expect(problems({ 'platform.yaml': platform })).toEqual(["platform.yaml:4: clusters[1].name: duplicate cluster name 'demo'; cluster names must be unique"]);
  });

  test('a Kyverno default that capsule-proxy would ignore', () => {
    const found = problems({
      'platform.yaml': (old) => old.replace('    kyverno:\n      policies:\n', '    kyverno:\n      policies:\n        tenant-policy:\n          owner: { kind: Group, name: platform-admins }\n'),
      'tenants/oil.yaml': (old) => `${old}  globalProxySettings:\n    rules:\n      - subjects: [{ kind: Group, name: tenant-oil }]\n`,
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^platform.yaml:\d+: clusters\[0\].kyverno.policies.tenant-policy: gives tenant owners legacy proxySettings, which capsule-proxy ignores once ProxyClusterScoped is enabled on this cluster/,
      ),
    ]);
  });

  test('a credential in platform.yaml does not hide its other problems', () => {
    const found = problems({
      'platform.yaml': (old) => old.replace('certificates: certgen', 'certificates: certgen\n      values:\n        service: { port: 8443 }\n        password: hunter2hunter2'),
    });
    expect(found.map((p) => p.replace(/^platform.yaml:\d+: /, ''))).toEqual([
      expect.stringMatching(/^clusters\[0\].capsuleProxy.values.service.port: cannot be overridden/),
      expect.stringMatching(/^clusters\[0\].capsuleProxy.values.password: looks like a credential/),
    ]);
  });

  test('a missing platform.yaml', () => {
    expect(problems({ 'platform.yaml': null })[0]).toMatch(/^platform.yaml: cannot read file \(ENOENT\)/);
  });

  test('every problem of every file is reported in one run', () => {
    const found = problems({
      'platform.yaml': (old) => old.replace('teleport.demo:443', 'teleport.demo'),
      'tenants/oil.yaml': 'name: oil\nowners:\n  - kind: Robot\n    name: r2d2\n',
      'tenants/gas.yaml': 'name: gas\n',
    });
    expect(found.map((p) => p.split(':')[0])).toEqual(['platform.yaml', 'tenants/gas.yaml', 'tenants/oil.yaml']);
  });
});

describe('Kyverno policy settings are checked like every other setting', () => {
  const platform = (change: (old: string) => string) => problems({ 'platform.yaml': change });

  test('an unknown policy lists the known ones', () => {
    expect(platform((old) => old.replace('always-pull-images:\n          enabled: true', 'always-pull-imagez:\n          enabled: true'))).toEqual([
      'platform.yaml:70: clusters[0].kyverno.policies.always-pull-imagez: unknown field; allowed fields here: enforce-no-host-users, block-daemonset-create, ' +
        'restrict-controlplane-scheduling, default-emptydir-sizelimit, block-ephemeral-containers, restrict-image-registries, always-pull-images, ' +
        'capsule-pod-labels, flux-defaults, tenant-compare, tenant-core, tenant-policy',
    ]);
  });

  test('a Kyverno API that is neither clusterpolicy nor cel', () => {
    expect(platform((old) => old.replace('    kyverno:\n', '    kyverno:\n      api: CEL\n'))).toEqual([
      'platform.yaml:49: clusters[0].kyverno.api: must be one of "clusterpolicy", "cel" (got "CEL")',
    ]);
  });

  test('an emptyDir size that is not a quantity', () => {
    expect(platform((old) => old.replace('sizeLimit: 250Mi', 'sizeLimit: 250MB'))).toEqual([
      'platform.yaml:62: clusters[0].kyverno.policies.default-emptydir-sizelimit.sizeLimit: must be a positive Kubernetes quantity such as 250Mi or 1Gi (got "250MB")',
    ]);
  });

  test('an empty registry list, and a registry that is a URL', () => {
    expect(platform((old) => old.replace(/registries: \[.*\]/, 'registries: []'))).toEqual([
      'platform.yaml:69: clusters[0].kyverno.policies.restrict-image-registries.registries: must have at least 1 item(s)',
    ]);
    expect(platform((old) => old.replace(/registries: \[.*\]/, 'registries: [https://quay.io]'))).toEqual([
      'platform.yaml:69: clusters[0].kyverno.policies.restrict-image-registries.registries[0]: must be a registry host such as quay.io, registry.example.com:5000 or *.example.com (got "https://quay.io")',
    ]);
  });

  test('a label key that is not one, as an option and as a key of a label map', () => {
    expect(platform((old) => old.replace('# optOutLabel: example.com/allow-host-users', 'optOutLabel: "example.com/allow host users"'))).toEqual([
      'platform.yaml:53: clusters[0].kyverno.policies.enforce-no-host-users.optOutLabel: must be a Kubernetes label key such as example.com/name (got "example.com/allow host users")',
    ]);
    expect(platform((old) => old.replace('        # tenant-core:\n', '        tenant-core:\n          defaults:\n            nodeSelector: { "Node Pool": workers }\n'))).toEqual([
      'platform.yaml:82: clusters[0].kyverno.policies.tenant-core.defaults.nodeSelector["Node Pool"]: key must be a Kubernetes label key such as example.com/name',
    ]);
  });

  test('a failure action that does not exist, or on a policy without validate rules', () => {
    expect(platform((old) => old.replace('failureAction: Audit', 'failureAction: audit'))).toEqual([
      'platform.yaml:68: clusters[0].kyverno.policies.restrict-image-registries.failureAction: must be one of "Audit", "Enforce" (got "audit")',
    ]);
    expect(platform((old) => old.replace('always-pull-images:\n          enabled: true', 'always-pull-images:\n          failureAction: Enforce'))).toEqual([
      'platform.yaml:71: clusters[0].kyverno.policies.always-pull-images.failureAction: unknown field; allowed fields here: enabled',
    ]);
  });

  test('a policy without its required option', () => {
    expect(platform((old) => old.replace('        # tenant-policy:\n        #   owner: { kind: Group, name: "cluster:admin" }', '        tenant-policy: {}'))).toEqual([
      'platform.yaml:89: clusters[0].kyverno.policies.tenant-policy.owner: required field is missing',
    ]);
  });

  test('a Kyverno chart value that a policy relies on', () => {
    expect(platform((old) => old.replace('    kyverno:\n', '    kyverno:\n      values:\n        config:\n          defaultRegistry: ghcr.io\n'))).toEqual([
      'platform.yaml:51: clusters[0].kyverno.values.config.defaultRegistry: cannot be overridden: restrict-image-registries counts images without a registry as docker.io',
    ]);
  });
});

describe('delivery settings', () => {
  const delivery = (block: string) => ({ 'platform.yaml': (old: string) => old.replace(/^delivery:\n(  .*\n)+/m, `delivery:\n${block}`) });

  test('Flux and Argo CD at once', () => {
    expect(problems(delivery('  flux: {}\n  argocd:\n    repoURL: https://git.example.com/gitops.git\n'))).toEqual([
      'platform.yaml:5: delivery: set either delivery.flux or delivery.argocd, not both: the output is for one GitOps tool',
    ]);
  });

  test('Argo CD without the repository it reads, or with one that is not a Git URL', () => {
    expect(problems(delivery('  argocd:\n    path: ./dist\n'))).toEqual(['platform.yaml:6: delivery.argocd.repoURL: required field is missing']);
    expect(problems(delivery('  argocd:\n    repoURL: gitops\n'))[0]).toMatch(/^platform.yaml:7: delivery.argocd.repoURL: must be a Git repository URL/);
  });

  test('an Argo CD path or a tenant repository path that leads outside its repository', () => {
    expect(problems(delivery('  argocd:\n    repoURL: https://git.example.com/gitops.git\n    path: ../elsewhere\n'))).toEqual([
      'platform.yaml:8: delivery.argocd.path: "../elsewhere" leads outside the Git repository Argo CD reads; write a relative path inside the Git repository Argo CD reads, such as ./dist or clusters/platform',
    ]);
    const gitops = (p: string) => ({ 'tenants/oil.yaml': (old: string) => old.replace('platform:\n', `platform:\n  namespaces: [oil-dev]\n  gitops:\n    url: https://git.example.com/oil.git\n    path: ${p}\n`) });
    expect(problems(gitops('/abs'))).toEqual([
      `tenants/oil.yaml:10: platform.gitops.path: "/abs" is absolute; GitOps resolves paths against the root of the tenant's repository: write a relative path inside the tenant's repository, such as ./deploy or apps/prod`,
    ]);
  });
});
