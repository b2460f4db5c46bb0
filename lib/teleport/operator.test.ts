import * as YAML from 'yaml';
import { imageSources } from '../core/chart-images';
import { Layer } from '../core/delivery/delivery';
import { findManifest, helmValues, testCluster } from '../core/testing';
import { kubernetesJoinTokenSpec } from './join-token';
import { TeleportOperator, TeleportOperatorProps } from './operator';
import { ALL_RESOURCES } from './role';
import { TctlFolder } from './tctl';

const JWKS = '{"keys":[{"kty":"RSA","n":"xTfX","e":"AQAB"}]}';
const ROLE = { name: 'kube-access', labels: { capsule: 'true' }, access: { users: ['alice'], groups: ['tenant-oil'], clusterLabels: { capsule: 'true' }, resources: [ALL_RESOURCES] } };

function setup(props: Partial<TeleportOperatorProps> = {}) {
  const cluster = testCluster();
  const tctl = new TctlFolder(cluster.app, 'tctl', { folder: 'test/tctl', title: 'cluster test' });
  const operator = new TeleportOperator(cluster.layer, 'operator', {
    teleportAddress: 'teleport.demo:443',
    teleportClusterName: 'teleport.demo',
    trust: { type: 'static_jwks', jwks: JWKS },
    tctl,
    ...props,
  });
  const resources = new Layer(cluster.app, 'teleport', { delivery: cluster.delivery, folder: 'test/teleport', dependsOn: [cluster.layer] });
  return { ...cluster, operator, resources };
}

const tctlFile = (files: { path: string; content: string }[], name: string) => YAML.parse(files.find((f) => f.path === `test/tctl/${name}.yaml`)!.content);

describe('TeleportOperator', () => {
  test('installs chart teleport-operator 18.2.0 into its own restricted namespace, joining with the kubernetes method', () => {
    const { app, operator } = setup();
    const files = app.render();
    expect(operator.release).toMatchObject({ releaseName: 'teleport-operator', namespace: 'teleport-iac', chart: { chart: 'teleport-operator', version: '18.2.0' } });
    expect(findManifest(files, 'HelmRelease', 'teleport-operator').spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'teleport' });
    // seed 003: --set teleportAddress=... --set teleportClusterName=... --set token=operator-bot
    expect(helmValues(files, 'teleport-operator')).toEqual({ teleportAddress: 'teleport.demo:443', teleportClusterName: 'teleport.demo', token: 'operator-bot', joinMethod: 'kubernetes' });
    expect(findManifest(files, 'Namespace', 'teleport-iac').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test("derives its ServiceAccount from the release as the chart does, and the bot's token allows exactly it", () => {
    const { app, operator } = setup({ releaseName: 'iac', namespace: 'teleport-system', botName: 'platform' });
    expect(operator.serviceAccount).toBe('teleport-system:iac-teleport-operator');
    expect(tctlFile(app.render(), 'operator-bot-token')).toEqual({
      kind: 'token',
      version: 'v2',
      metadata: { name: 'platform-bot' },
      spec: {
        roles: ['Bot'],
        bot_name: 'platform',
        join_method: 'kubernetes',
        kubernetes: { type: 'static_jwks', static_jwks: { jwks: JWKS }, allow: [{ service_account: 'teleport-system:iac-teleport-operator' }] },
      },
    });
  });

  test('manages roles as TeleportRoleV8 in its namespace; its own role allows roles only', () => {
    const { app, operator, resources } = setup();
    operator.manageRole(resources, ROLE);
    const files = app.render();
    const role = findManifest(files, 'TeleportRoleV8', 'kube-access');
    expect(files.find((f) => f.manifests.includes(role))?.path).toBe('test/teleport/roles/kube-access.yaml');
    expect(role.metadata).toEqual({ name: 'kube-access', namespace: 'teleport-iac', labels: { capsule: 'true' } });
    expect(tctlFile(files, 'operator-role').spec).toEqual({ allow: { rules: [{ resources: ['role'], verbs: ['list', 'create', 'read', 'update', 'delete'] }] }, deny: {} });
  });

  test('is allowed to manage join tokens only once it manages one', () => {
    const { app, operator, resources } = setup();
    const spec = kubernetesJoinTokenSpec({ roles: ['Kube'], serviceAccount: 'capsule-system:teleport-agent', trust: { type: 'in_cluster' } });
    operator.manageToken(resources, 'teleport-agent-demo', spec);
    const files = app.render();
    expect(findManifest(files, 'TeleportProvisionToken', 'teleport-agent-demo').spec).toEqual({
      roles: ['Kube'],
      join_method: 'kubernetes',
      kubernetes: { type: 'in_cluster', allow: [{ service_account: 'capsule-system:teleport-agent' }] },
    });
    expect(tctlFile(files, 'operator-role').spec.allow.rules.map((r: { resources: string[] }) => r.resources[0])).toEqual(['token']);
  });

  test('refuses custom resources in a layer that is not applied after it', () => {
    const { operator, layer } = setup();
    expect(() => operator.manageRole(layer, ROLE)).toThrow(/must be in a layer applied after .*infrastructure, where the operator and its CRDs are installed/);
  });

  test('refuses values it derives', () => {
    expect(() => setup({ values: { token: 'x' } })).toThrow(/values.token cannot be overridden/);
    expect(() => setup({ values: { serviceAccount: { name: 'x' } } })).toThrow(/values.serviceAccount.name cannot be overridden: the bot join token allows exactly/);
    expect(setup({ values: { highAvailability: { replicaCount: 2 } } }).operator.release.releaseName).toBe('teleport-operator');
  });

  test('writes the bootstrap commands of seed 003 into the tctl README', () => {
    const { app } = setup();
    const readme = app.render().find((f) => f.path === 'test/tctl/README.md')!.content;
    expect(readme).toContain('tctl create -f operator-role.yaml\ntctl create -f operator-bot-token.yaml\ntctl bots add operator --token operator-bot --roles operator\n');
  });

  test('declares the image the chart runs, from public.ecr.aws unless the values name another', () => {
    expect(TeleportOperator.images().map((s) => [s.image.workload, s.path, s.registry])).toEqual([['operator', 'image', 'public.ecr.aws']]);
    const values = { image: 'mirror.example.com/teleport-operator' };
    expect(TeleportOperator.images(values)[0]).toMatchObject({ overridden: true, registry: 'mirror.example.com' });
    const { app } = setup({ values });
    expect(imageSources(TeleportOperator.IMAGES, helmValues(app.render(), 'teleport-operator'))).toEqual(TeleportOperator.images(values));
  });
});
