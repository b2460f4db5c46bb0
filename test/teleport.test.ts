import * as path from 'path';
import * as YAML from 'yaml';
import { formatProblem, PlatformError } from '../lib/core/errors';
import { RenderedFile } from '../lib/core/output/platform-app';
import { findManifest, helmValues } from '../lib/core/testing';
import { loadPlatform } from '../lib/platform/config/load';
import { buildPlatform } from '../lib/platform/synth';
import { SEED_000_ROLE as SEED_ROLE } from '../lib/teleport/testing';
import { configWith, synth } from './helpers';

type Edit = Parameters<typeof configWith>[0];

function render(edit: Edit = {}): RenderedFile[] {
  return synth(configWith(edit)).files;
}

const content = (files: readonly RenderedFile[], file: string): string => {
  const found = files.find((f) => f.path === file);
  if (!found) throw new Error(`no file ${file} in ${files.map((f) => f.path).join(', ')}`);
  return found.content;
};
const tctl = (files: readonly RenderedFile[], file: string) => YAML.parse(content(files, file));
const pathOf = (files: readonly RenderedFile[], kind: string, name: string) => files.find((f) => f.manifests.some((m) => m.kind === kind && m.metadata.name === name))?.path;

/** The problems a configuration produces (loading and building), formatted, paths relative to the config folder. */
function problems(edit: Edit): string[] {
  const dir = configWith(edit);
  try {
    buildPlatform(loadPlatform(dir));
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error.problems.map((p) => formatProblem({ ...p, file: p.file && path.relative(dir, p.file) }));
  }
  throw new Error('expected the configuration to be rejected');
}

// (A replacement function: role rules may contain `$'`, which replace() would expand.)
const oilTeleport = (role: string) => (old: string) => old.replace('      - name: kube-access\n', () => role);
const KUBERNETES_JOIN = (old: string) => old.replace('method: token\n          secretName: teleport-kube-agent-join-token', 'method: kubernetes');
const WITHOUT_OPERATOR = (old: string) => old.replace(/\n      # The Teleport operator[^]*?namespace: teleport-iac\n/, '\n');

/** A second cluster joined to the same Teleport cluster as demo. */
const EDGE = `  - name: edge
    teleport:
      clusterName: teleport.demo
      agent:
        proxyAddr: teleport.demo:443
        kubeClusterName: edge
        labels:
          capsule: "true"
          env: edge
        join:
          method: kubernetes
      kubernetesJoin:
        type: in_cluster
`;

const GAS = `name: gas
owners:
  - kind: User
    name: bob
additionalRoleBindings:
  - clusterRoleName: view
    subjects:
      - kind: User
        name: carol
platform:
  userGroup: tenant-gas
  teleport:
    roles:
      - name: gas-developers
        kubernetes_users: [bob, carol]
        kubernetes_resources:
          - { api_group: '*', kind: '*', namespace: 'gas-*', verbs: [get, list, watch, create, update, patch, delete] }
          - { api_group: '', kind: namespaces, name: 'gas-*', verbs: [get, list, watch] }
`;

describe('Teleport access of the default platform (seed 000)', () => {
  const { files } = synth();

  test("renders seed 000's kube-access role as a TeleportRoleV8 in the operator's namespace", () => {
    const role = findManifest(files, 'TeleportRoleV8', 'kube-access');
    expect(role.apiVersion).toBe('resources.teleport.dev/v1');
    expect(role.metadata).toEqual({ name: 'kube-access', namespace: 'teleport-iac', labels: SEED_ROLE.metadata.labels });
    expect(role.spec).toEqual(SEED_ROLE.spec);
    expect(pathOf(files, 'TeleportRoleV8', 'kube-access')).toBe('demo/teleport/roles/kube-access.yaml');
  });

  test('renders the same role as a tctl resource, equal to the seed', () => {
    expect(tctl(files, 'demo/tctl/roles/kube-access.yaml')).toEqual(SEED_ROLE);
  });

  test('installs the operator (seed 003) in its own restricted namespace and layer', () => {
    expect(pathOf(files, 'HelmRelease', 'teleport-operator')).toBe('demo/teleport-operator/teleport-operator.yaml');
    expect(findManifest(files, 'HelmRelease', 'teleport-operator').spec).toMatchObject({
      targetNamespace: 'teleport-iac',
      chart: { spec: { chart: 'teleport-operator', version: '18.2.0', sourceRef: { name: 'teleport' } } },
    });
    expect(helmValues(files, 'teleport-operator')).toEqual({ teleportAddress: 'teleport.demo:443', teleportClusterName: 'teleport.demo', token: 'operator-bot', joinMethod: 'kubernetes' });
    expect(findManifest(files, 'Namespace', 'teleport-iac').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    // The agent still joins the seed's way, with a token from an existing Secret.
    expect(helmValues(files, 'teleport-agent').joinTokenSecret).toEqual({ create: false, name: 'teleport-kube-agent-join-token' });
  });

  test('has Flux apply the roles after the operator is ready, without waiting for tenants or infrastructure', () => {
    expect(findManifest(files, 'Kustomization', 'platform-teleport-operator').spec.dependsOn).toBeUndefined();
    expect(findManifest(files, 'Kustomization', 'platform-teleport').spec).toMatchObject({ path: './dist/demo/teleport', wait: true, dependsOn: [{ name: 'platform-teleport-operator' }] });
  });

  test('keeps the tctl folder out of every Flux Kustomization path, and out of the Flux artifact', () => {
    const paths = files.flatMap((f) => f.manifests).filter((m) => m.kind === 'Kustomization').map((m) => (m.spec as { path: string }).path.replace(/^\.\/dist\//, ''));
    expect(paths.length).toBeGreaterThan(0);
    const tctlFiles = files.filter((f) => f.path.startsWith('demo/tctl/'));
    expect(tctlFiles.length).toBeGreaterThan(0);
    for (const file of tctlFiles) {
      for (const applied of paths) expect(file.path.startsWith(`${applied}/`)).toBe(false);
      expect(file.manifests).toEqual([]);
    }
    expect(paths).not.toContain('demo');
    expect(content(files, 'demo/tctl/.sourceignore')).toMatch(/^\*$/m);
  });

  test("bootstraps the operator's bot with tctl: its role, its kubernetes join token, the bots command", () => {
    expect(tctl(files, 'demo/tctl/operator-bot-token.yaml')).toMatchObject({
      kind: 'token',
      version: 'v2',
      metadata: { name: 'operator-bot' },
      spec: { roles: ['Bot'], bot_name: 'operator', join_method: 'kubernetes', kubernetes: { type: 'static_jwks', allow: [{ service_account: 'teleport-iac:teleport-operator' }] } },
    });
    expect(tctl(files, 'demo/tctl/operator-role.yaml').spec.allow.rules).toEqual([{ resources: ['role'], verbs: ['list', 'create', 'read', 'update', 'delete'] }]);
    expect(content(files, 'demo/tctl/README.md')).toContain('tctl bots add operator --token operator-bot --roles operator');
  });

  test('reports who reaches the cluster in ACCESS.md', () => {
    const access = content(files, 'demo/ACCESS.md');
    expect(access).toContain('| `kube-access` | tenants/oil.yaml | `alice` | `tenant-oil` | `oil` (`oil-*`) via alice (owner) |');
    expect(access).toContain('| `*` | `*` | `*` | `*` | `*` |');
    expect(access).toContain('Registered as `teleport.demo` by teleport-kube-agent, with labels `capsule=true`');
  });

  test('renders nothing secret', () => {
    const all = files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/kind: Secret\b|authToken|PRIVATE KEY|kubeconfig:/);
    const jwks = JSON.parse(tctl(files, 'demo/tctl/operator-bot-token.yaml').spec.kubernetes.static_jwks.jwks);
    for (const key of jwks.keys) expect(Object.keys(key).filter((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].includes(k))).toEqual([]);
  });
});

describe('Teleport access variants', () => {
  test('a second tenant with its own group and a narrower rule set gets its own role', () => {
    const files = render({ 'tenants/gas.yaml': GAS });
    expect(helmValues(files, 'capsule').manager.options.capsuleUserGroups).toEqual(['tenant-gas', 'tenant-oil']);
    const gas = findManifest(files, 'TeleportRoleV8', 'gas-developers');
    expect(gas.spec.allow).toEqual({
      kubernetes_users: ['bob', 'carol'],
      kubernetes_groups: ['tenant-gas'],
      kubernetes_labels: { capsule: 'true' },
      kubernetes_resources: [
        { api_group: '*', kind: '*', name: '*', namespace: 'gas-*', verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { api_group: '', kind: 'namespaces', name: 'gas-*', verbs: ['get', 'list', 'watch'] },
      ],
    });
    expect(tctl(files, 'demo/tctl/roles/gas-developers.yaml').spec).toEqual(gas.spec);
    expect(findManifest(files, 'TeleportRoleV8', 'kube-access').spec).toEqual(SEED_ROLE.spec);
    const access = content(files, 'demo/ACCESS.md');
    expect(access).toContain('| `gas-developers` | tenants/gas.yaml | `bob`, `carol` | `tenant-gas` | `gas` (`gas-*`) via bob (owner), carol (member) |');
    expect(access).toContain("| `'' (core)` | `namespaces` | (cluster-scoped) | `gas-*` | `get`, `list`, `watch` |");
  });

  test('an owner of two tenants reaches both through either role, and the report says so', () => {
    const files = render({ 'tenants/gas.yaml': 'name: gas\nowners:\n  - kind: User\n    name: alice\n' });
    expect(content(files, 'demo/ACCESS.md')).toContain('`gas` (`gas-*`) via alice (owner)<br>`oil` (`oil-*`) via alice (owner)');
  });

  test('a ServiceAccount owner (e.g. a GitOps identity) is a Kubernetes user of the role only if listed', () => {
    const robot = 'system:serviceaccount:flux-system:tenants';
    const withRobot = (old: string) => old.replace('    name: alice\n', `    name: alice\n  - kind: ServiceAccount\n    name: ${robot}\n`);
    expect(findManifest(render({ 'tenants/oil.yaml': withRobot }), 'TeleportRoleV8', 'kube-access').spec.allow.kubernetes_users).toEqual(['alice']);
    const listed = (old: string) => oilTeleport(`      - name: kube-access\n        kubernetes_users: [alice, "${robot}"]\n`)(withRobot(old));
    expect(findManifest(render({ 'tenants/oil.yaml': listed }), 'TeleportRoleV8', 'kube-access').spec.allow.kubernetes_users).toEqual(['alice', robot]);
  });

  test('the kubernetes join method: a TeleportProvisionToken for the real agent ServiceAccount, the agent after it', () => {
    const files = render({ 'platform.yaml': KUBERNETES_JOIN });
    const token = findManifest(files, 'TeleportProvisionToken', 'teleport-agent-demo');
    expect(token.apiVersion).toBe('resources.teleport.dev/v2');
    expect(token.metadata.namespace).toBe('teleport-iac');
    expect(token.spec).toMatchObject({ roles: ['Kube'], join_method: 'kubernetes', kubernetes: { type: 'static_jwks', allow: [{ service_account: 'capsule-system:teleport-agent' }] } });
    expect(token.spec.kubernetes.static_jwks.jwks).toMatch(/^\{"keys":\[/);
    expect(tctl(files, 'demo/tctl/tokens/teleport-agent-demo.yaml')).toEqual({ kind: 'token', version: 'v2', metadata: { name: 'teleport-agent-demo' }, spec: token.spec });

    const values = helmValues(files, 'teleport-agent');
    expect(values.joinParams).toEqual({ method: 'kubernetes', tokenName: 'teleport-agent-demo' });
    expect(values.teleportClusterName).toBe('teleport.demo');
    // The agent waits for its token (teleport layer) and capsule-proxy (infrastructure) in its own layer; the
    // Teleport resources do not wait for infrastructure.
    expect(pathOf(files, 'HelmRelease', 'teleport-agent')).toBe('demo/teleport-agent/teleport-agent.yaml');
    expect(findManifest(files, 'Kustomization', 'platform-teleport-agent').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }, { name: 'platform-teleport' }]);
    expect(findManifest(files, 'Kustomization', 'platform-teleport').spec.dependsOn).toEqual([{ name: 'platform-teleport-operator' }]);
    expect(tctl(files, 'demo/tctl/operator-role.yaml').spec.allow.rules.map((r: { resources: string[] }) => r.resources[0])).toEqual(['role', 'token']);
    expect(files.map((f) => f.content).join('\n')).not.toMatch(/kind: Secret\b|authToken/);
  });

  test("the agent's join token grants the system roles of the services the agent runs", () => {
    const withApp = (old: string) => KUBERNETES_JOIN(old).replace('        kubeClusterName: teleport.demo\n', '        kubeClusterName: teleport.demo\n        values:\n          roles: kube,app\n');
    const files = render({ 'platform.yaml': withApp });
    expect(helmValues(files, 'teleport-agent').roles).toBe('kube,app');
    expect(findManifest(files, 'TeleportProvisionToken', 'teleport-agent-demo').spec.roles).toEqual(['Kube', 'App']);
    expect(problems({ 'platform.yaml': (old) => withApp(old).replace('roles: kube,app', 'roles: kube,jamf') })).toEqual([
      'platform.yaml:23: clusters[0].teleport.agent.values.roles: must be a comma-separated list of kube, app, db, discovery (got "kube,jamf"): a kubernetes join token grants the agent one system role per service',
    ]);
  });

  test('the kubernetes join method without an operator: the token is a tctl resource, the agent follows infrastructure only', () => {
    const files = render({ 'platform.yaml': (old) => WITHOUT_OPERATOR(KUBERNETES_JOIN(old)) });
    expect(files.flatMap((f) => f.manifests).filter((m) => m.apiVersion.startsWith('resources.teleport.dev'))).toEqual([]);
    expect(pathOf(files, 'HelmRelease', 'teleport-agent')).toBe('demo/teleport-agent/teleport-agent.yaml');
    expect(findManifest(files, 'Kustomization', 'platform-teleport-agent').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }]);
    expect(tctl(files, 'demo/tctl/tokens/teleport-agent-demo.yaml').spec.kubernetes.allow).toEqual([{ service_account: 'capsule-system:teleport-agent' }]);
    expect(tctl(files, 'demo/tctl/roles/kube-access.yaml')).toEqual(SEED_ROLE);
    expect(content(files, 'demo/tctl/README.md')).toContain('The token must exist before Flux installs the agent');
    expect(content(files, 'demo/ACCESS.md')).toContain('Roles are managed by a Teleport admin with tctl: no cluster of Teleport cluster `teleport.demo` runs the operator');
  });

  test('two clusters of one Teleport cluster: the operator of one manages the roles and tokens of both', () => {
    const files = render({ 'platform.yaml': (old) => old + EDGE });
    // One role, on demo; its labels default to those both of oil's clusters share.
    expect(files.flatMap((f) => f.manifests).filter((m) => m.kind === 'TeleportRoleV8').map((m) => m.metadata.name)).toEqual(['kube-access']);
    expect(findManifest(files, 'TeleportRoleV8', 'kube-access').spec.allow.kubernetes_labels).toEqual({ capsule: 'true' });
    expect(tctl(files, 'edge/tctl/roles/kube-access.yaml')).toEqual(SEED_ROLE);
    // edge's agent token is managed by demo's operator; edge has no Teleport layers but its agent's.
    expect(pathOf(files, 'TeleportProvisionToken', 'teleport-agent-edge')).toBe('demo/teleport/tokens/teleport-agent-edge.yaml');
    expect(findManifest(files.filter((f) => f.path.startsWith('edge/')), 'Kustomization', 'platform-teleport-agent').spec.dependsOn).toEqual([{ name: 'platform-infrastructure' }]);
    expect(findManifest(files, 'TeleportProvisionToken', 'teleport-agent-edge').spec.kubernetes).toEqual({ type: 'in_cluster', allow: [{ service_account: 'capsule-system:teleport-agent' }] });
    expect(files.filter((f) => /^edge\/teleport(-operator)?\//.test(f.path))).toEqual([]);
    expect(content(files, 'edge/ACCESS.md')).toContain('Roles are managed by the Teleport operator of cluster `demo`');
    expect(content(files, 'edge/tctl/README.md')).toContain('do not also `tctl create` them');
  });

  describe('two clusters, both joining with the kubernetes method: every Teleport file matches its snapshot', () => {
    const files = render({ 'platform.yaml': (old) => KUBERNETES_JOIN(old) + EDGE }).filter((f) => /^[^/]+\/(tctl|teleport|teleport-operator|teleport-agent)\/|ACCESS\.md$|layers\.yaml$/.test(f.path));
    test.each(files.map((f) => [f.path, f.content]))('%s', (_path, text) => expect(text).toMatchSnapshot());
  });

  test('SOPS decryption (delivery.flux.decryption) is set on the layer that reads the join Secret, and only there', () => {
    const sops = (old: string) => old.replace('    pathPrefix: ./dist\n', '    pathPrefix: ./dist\n    decryption:\n      provider: sops\n      secretRef:\n        name: sops-age\n');
    const files = render({ 'platform.yaml': sops });
    const layers = files.filter((f) => f.path === 'demo/flux/layers.yaml').flatMap((f) => f.manifests) as Array<Record<string, any>>;
    expect(layers.filter((k) => k.spec.decryption).map((k) => [k.metadata.name, k.spec.decryption])).toEqual([['platform-teleport-agent', { provider: 'sops', secretRef: { name: 'sops-age' } }]]);
    // Keyless (cloud KMS): no secretRef.
    const keyless = render({ 'platform.yaml': (old) => old.replace('    pathPrefix: ./dist\n', '    pathPrefix: ./dist\n    decryption:\n      provider: sops\n') });
    expect(findManifest(keyless, 'Kustomization', 'platform-teleport-agent').spec.decryption).toEqual({ provider: 'sops' });
    // The kubernetes join method reads no Secret from Git: no decryption anywhere.
    const kubernetes = render({ 'platform.yaml': (old) => KUBERNETES_JOIN(sops(old)) });
    expect((kubernetes.flatMap((f) => f.manifests) as Array<Record<string, any>>).filter((m) => m.kind === 'Kustomization' && m.spec.decryption)).toEqual([]);
    const [problem] = problems({ 'platform.yaml': (old) => old.replace('    pathPrefix: ./dist\n', '    pathPrefix: ./dist\n    decryption:\n      provider: vault\n') });
    expect(problem).toMatch(/^platform\.yaml:\d+: delivery\.flux\.decryption\.provider: .*sops/);
  });

  test('dynamic registration: a kube_cluster with the cluster labels, without its kubeconfig', () => {
    const edge = '  - name: edge\n    teleport:\n      clusterName: teleport.demo\n      kubeCluster:\n        labels:\n          capsule: "true"\n';
    const files = render({ 'platform.yaml': (old) => old + edge });
    expect(tctl(files, 'edge/tctl/kube-cluster.yaml')).toEqual({ kind: 'kube_cluster', version: 'v3', metadata: { name: 'edge', labels: { capsule: 'true' } }, spec: {} });
    expect(content(files, 'edge/tctl/kube-cluster.yaml')).toContain('npm run teleport:kube-cluster -- edge <kubeconfig> | tctl create -f -');
    expect(content(files, 'edge/tctl/README.md')).toContain('npm run teleport:kube-cluster -- edge ./kubeconfig | tctl create -f -');
    expect(tctl(files, 'edge/tctl/roles/kube-access.yaml')).toEqual(SEED_ROLE);
    expect(content(files, 'edge/ACCESS.md')).toContain('Registered as `edge` by kube_cluster, with labels `capsule=true`');
  });
});

describe('Teleport access invariants, each broken on purpose', () => {
  test("a group that is not the tenant's", () => {
    expect(problems({ 'tenants/gas.yaml': GAS, 'tenants/oil.yaml': oilTeleport('      - name: kube-access\n        kubernetes_groups: [tenant-gas]\n') })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_groups[0]: 'tenant-gas' is not a group of tenant oil (its userGroup tenant-oil, Group owners, or Group subjects of additionalRoleBindings); it belongs to tenant gas",
    ]);
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: kube-access\n        kubernetes_groups: [system:masters]\n') })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_groups[0]: 'system:masters' is not a group of tenant oil (its userGroup tenant-oil, Group owners, or Group subjects of additionalRoleBindings)",
    ]);
  });

  test('a group of the tenant that is not a Capsule user group (capsule-proxy would not filter it)', () => {
    const oil = 'name: oil\nowners:\n  - kind: User\n    name: alice\n  - kind: Group\n    name: oil-admins\nplatform:\n  userGroup: tenant-oil\n  teleport:\n    roles:\n      - name: kube-access\n        kubernetes_groups: [oil-admins]\n';
    expect(problems({ 'tenants/oil.yaml': oil })).toEqual([
      "tenants/oil.yaml:12: platform.teleport.roles[0].kubernetes_groups[0]: 'oil-admins' is not a Capsule user group on cluster demo, so capsule-proxy would not filter what the role's users see; add it to that cluster's capsule.userGroups in platform.yaml, or grant tenant-oil",
    ]);
  });

  test('a user who neither owns the tenant nor is bound by its additionalRoleBindings', () => {
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: kube-access\n        kubernetes_users: [mallory]\n') })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_users[0]: 'mallory' is neither an owner of tenant oil nor a User subject of its additionalRoleBindings",
    ]);
    expect(problems({ 'tenants/gas.yaml': GAS, 'tenants/oil.yaml': oilTeleport('      - name: kube-access\n        kubernetes_users: [alice, carol]\n') })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_users[1]: 'carol' is neither an owner of tenant oil nor a User subject of its additionalRoleBindings (it belongs to tenant gas; a tenant's role may only grant the tenant's own users)",
    ]);
  });

  test('kubernetes_labels that select none of the tenant clusters', () => {
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: kube-access\n        kubernetes_labels: { env: prod }\n') })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_labels: env=prod selects none of tenant oil's clusters (demo: capsule=true): the role would reach nothing",
    ]);
  });

  test('kubernetes_labels that also select a cluster without the tenant', () => {
    const oil = (old: string) => oilTeleport('      - name: kube-access\n')(old).replace('  userGroup: tenant-oil\n', '  userGroup: tenant-oil\n  clusters: [demo]\n');
    const edge = `${EDGE}    capsule:\n      userGroups: [edge-users]\n`;
    expect(problems({ 'platform.yaml': (old) => old + edge, 'tenants/oil.yaml': oil })).toEqual([
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_labels: capsule=true (the default: the labels the tenant's clusters share) also selects cluster edge, which does not have tenant oil and where tenant-oil is not a Capsule user group: capsule-proxy would not filter the role's users there. Narrow kubernetes_labels",
    ]);
  });

  test('a tenant whose clusters are not registered with Teleport', () => {
    expect(problems({ 'platform.yaml': (old) => WITHOUT_OPERATOR(old).replace(/\n    teleport:\n[^]*$/, '\n') })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0]: tenant oil's clusters (demo) are not registered with Teleport (teleport.agent or teleport.kubeCluster), so role 'kube-access' would reach nothing",
    ]);
  });

  test('clusters that share no label to default kubernetes_labels from', () => {
    const platform = (old: string) => old.replace('        labels:\n          capsule: "true"\n', '        labels:\n          region: west\n') + EDGE;
    expect(problems({ 'platform.yaml': platform })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0].kubernetes_labels: required: tenant oil's clusters (demo, edge) share no Teleport label to default it from; set it, or give the clusters a common label",
    ]);
  });

  test("a role named like the operator bot's role", () => {
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: operator\n') })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0].name: 'operator' is the Teleport role of the operator's bot on cluster demo; choose another name",
    ]);
  });

  test("a role named like a bot's role (tctl bots add creates bot-<bot>)", () => {
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: bot-operator\n') })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0].name: 'bot-operator' has the form of the role Teleport creates for a bot (bot-<bot>); a generated role would replace it. Choose another name",
    ]);
  });
});

describe('Teleport configuration errors name the file, the line and the field', () => {
  test('role rules: v7 kinds, unknown verbs, broken patterns', () => {
    const role = "      - name: kube-access\n        kubernetes_resources:\n          - { api_group: '', kind: pod, namespace: '^oil-(dev$', verbs: [get, execute] }\n";
    expect(problems({ 'tenants/oil.yaml': oilTeleport(role) })).toEqual([
      'tenants/oil.yaml:16: platform.teleport.roles[0].kubernetes_resources[0].verbs[1]: must be one of "*", "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "exec", "portforward" (got "execute")',
    ]);
    const problemsOfRule = problems({ 'tenants/oil.yaml': oilTeleport(role.replace('execute', 'exec')) });
    expect(problemsOfRule).toEqual([
      "tenants/oil.yaml:16: platform.teleport.roles[0].kubernetes_resources[0].kind: role v8 names kinds by their plural resource name: use 'pods' (got 'pod', a role v7 kind)",
      'tenants/oil.yaml:16: platform.teleport.roles[0].kubernetes_resources[0].namespace: "^oil-(dev$" is not a valid regular expression (unterminated group)',
    ]);
    expect(problems({ 'tenants/oil.yaml': oilTeleport("      - name: kube-access\n        kubernetes_resources:\n          - { kind: pods, verbs: [get] }\n") })).toEqual([
      'tenants/oil.yaml:16: platform.teleport.roles[0].kubernetes_resources[0].api_group: required field is missing',
    ]);
  });

  test('roles that would replace a preset role or grant any user', () => {
    expect(problems({ 'tenants/oil.yaml': oilTeleport('      - name: access\n        kubernetes_users: ["*"]\n') })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0].name: 'access' is a Teleport preset role; a generated role would replace it. Choose another name",
      "tenants/oil.yaml:15: platform.teleport.roles[0].kubernetes_users[0]: '*' would let the role's users act as any Kubernetes user; name the tenant's users",
    ]);
  });

  test('two tenants declaring the same role name', () => {
    expect(problems({ 'tenants/gas.yaml': GAS.replace('gas-developers', 'kube-access') })).toEqual([
      "tenants/oil.yaml:14: platform.teleport.roles[0].name: Teleport role 'kube-access' is already declared by tenant gas (tenants/gas.yaml); role names are global to the Teleport cluster",
    ]);
  });

  test('the operator and the kubernetes join need to know how Teleport verifies ServiceAccount tokens', () => {
    const withoutTrust = (old: string) => old.replace(/      kubernetesJoin:\n        type: static_jwks\n        jwks: .*\n/, '');
    expect(problems({ 'platform.yaml': (old) => KUBERNETES_JOIN(withoutTrust(old)) })).toEqual([
      "platform.yaml:18: clusters[0].teleport.kubernetesJoin: required: the operator's bot and the agent join(s) with the kubernetes method; set type static_jwks with jwks (kubectl get --raw /openid/v1/jwks), or type in_cluster",
    ]);
    expect(problems({ 'platform.yaml': (old) => old.replace(/jwks: .*\n/, '') })).toEqual([
      'platform.yaml:35: clusters[0].teleport.kubernetesJoin.jwks: required for type static_jwks: the output of `kubectl get --raw /openid/v1/jwks`',
    ]);
    expect(problems({ 'platform.yaml': (old) => old.replace(/jwks: .*\n/, `jwks: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB","d":"private"}]}'\n`) })).toEqual([
      'platform.yaml:37: clusters[0].teleport.kubernetesJoin.jwks: keys[0] contains private key material (d): only the public keys belong here, never a private key',
    ]);
  });

  test('two operators for one Teleport cluster', () => {
    const edge = EDGE + '      operator: {}\n';
    expect(problems({ 'platform.yaml': (old) => old + edge })).toEqual([
      "platform.yaml:122: clusters[1].teleport.operator: Teleport cluster 'teleport.demo' is already managed by the operator of cluster demo: Teleport roles are global to a Teleport cluster, so exactly one Kubernetes cluster per Teleport cluster runs the operator",
    ]);
  });

  test('join settings that belong to the other method, and a cluster registered twice', () => {
    expect(problems({ 'platform.yaml': (old) => old.replace('method: token', 'method: kubernetes') })).toEqual([
      'platform.yaml:29: clusters[0].teleport.agent.join.secretName: only for method token; the kubernetes method needs no Secret',
    ]);
    expect(problems({ 'platform.yaml': (old) => old.replace('      clusterName: teleport.demo\n', '      clusterName: teleport.demo\n      kubeCluster: {}\n') })).toEqual([
      'platform.yaml:32: clusters[0].teleport.kubeCluster: a cluster is registered with Teleport either by teleport.agent or dynamically (kubeCluster), not both',
    ]);
  });
});
