import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlatformError } from '../lib/core/errors';
import { helmValues } from '../lib/core/testing';
import { configProblems, configWith, synth } from './helpers';

/**
 * SOPS-encrypted Secrets of the configuration (secrets/<cluster>/*.yaml): copied verbatim into the
 * layer of the component that reads each (the Teleport agent's, the clients'), for Flux to decrypt;
 * never a plaintext Secret, never one nobody reads.
 */
const ENCRYPTED = fs.readFileSync(path.join(__dirname, 'fixtures', 'sops', 'join-token.yaml'), 'utf8');
const withDecryption = (old: string) => old.replace('    pathPrefix: ./dist\n', '    pathPrefix: ./dist\n    decryption:\n      provider: sops\n      secretRef:\n        name: sops-age\n');
const SECRET_FILE = 'secrets/demo/join-token.yaml';

function refusal(edit: Parameters<typeof configWith>[0]): string[] {
  try {
    synth(configWith(edit));
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return error.problems.map((p) => `${path.basename(p.file ?? '')}${p.field ? `: ${p.field}` : ''}: ${p.message}`);
  }
  throw new Error('expected the synth to be refused');
}

describe('SOPS-encrypted Secrets from the configuration', () => {
  test('are copied byte for byte into the teleport-agent layer, listed in its kustomization.yaml, with decryption on its Kustomization', () => {
    const { files, outDir } = synth(configWith({ 'platform.yaml': withDecryption, [SECRET_FILE]: ENCRYPTED }));
    expect(fs.readFileSync(path.join(outDir, 'demo/teleport-agent/secrets/join-token.yaml'), 'utf8')).toBe(ENCRYPTED);
    expect(files.filter((f) => f.content.includes('ENC[AES256_GCM')).map((f) => f.path)).toEqual(['demo/teleport-agent/secrets/join-token.yaml']);
    const kustomization = YAML.parse(files.find((f) => f.path === 'demo/teleport-agent/kustomization.yaml')!.content);
    expect(kustomization.resources).toEqual(['secrets/join-token.yaml', 'teleport-agent.yaml']);
    const layers = files.find((f) => f.path === 'demo/flux/layers.yaml')!.manifests;
    expect(layers.find((k) => k.metadata.name === 'platform-teleport-agent')!.spec).toMatchObject({ decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } });
    // The Secret is an object of the layer for kustomize and npm run plan.
    expect(files.find((f) => f.path === 'demo/teleport-agent/secrets/join-token.yaml')!.manifests).toMatchObject([{ kind: 'Secret', metadata: { name: 'teleport-kube-agent-join-token', namespace: 'capsule-system' } }]);
  });

  test('are refused, naming the file, when Flux is not set up to decrypt them', () => {
    expect(refusal({ [SECRET_FILE]: ENCRYPTED })).toEqual([expect.stringMatching(/^join-token.yaml: an encrypted Secret would reach the cluster undecrypted: Flux decrypts them only with delivery.flux.decryption/)]);
  });

  test('are refused under Argo CD, which does not decrypt SOPS', () => {
    const argocd = (old: string) => old.replace(/delivery:\n  flux:\n(    .*\n)+/, 'delivery:\n  argocd:\n    repoURL: https://git.example.com/gitops.git\n');
    expect(refusal({ 'platform.yaml': argocd, [SECRET_FILE]: ENCRYPTED })).toEqual([expect.stringMatching(/^join-token.yaml: an encrypted Secret would reach the cluster undecrypted: Argo CD does not decrypt SOPS/)]);
  });

  test('are refused when no component reads a Secret the user supplies (the agent joins with the kubernetes method)', () => {
    const kubernetesJoin = (old: string) => withDecryption(old).replace(/        join:\n(          .*\n)+/, '        join:\n          method: kubernetes\n');
    expect(refusal({ 'platform.yaml': kubernetesJoin, [SECRET_FILE]: ENCRYPTED })).toEqual([
      'join-token.yaml: metadata: no component of this cluster reads Secret capsule-system/teleport-kube-agent-join-token; its components read no Secret you supply (docs/flux.md lists those that can); remove the file, or create the Secret in the cluster out of band',
    ]);
  });

  test('are refused when nobody reads them, listing the Secrets that are read, and without the key the agent reads', () => {
    const elsewhere = ENCRYPTED.replace('namespace: capsule-system', 'namespace: teleport').replace('name: teleport-kube-agent-join-token', 'name: other');
    expect(refusal({ 'platform.yaml': withDecryption, [SECRET_FILE]: elsewhere })).toEqual([
      'join-token.yaml: metadata: no component of this cluster reads Secret teleport/other; allowed: capsule-system/teleport-kube-agent-join-token with keys auth-token, read by the Teleport agent (teleport.agent.join.secretName)',
    ]);
    const wrongKey = ENCRYPTED.replace('    auth-token: ENC', '    token: ENC');
    expect(refusal({ 'platform.yaml': withDecryption, [SECRET_FILE]: wrongKey })).toEqual([
      'join-token.yaml: data: the Teleport agent (teleport.agent.join.secretName) reads key auth-token of Secret capsule-system/teleport-kube-agent-join-token; the file has token',
    ]);
  });
});

/** An encrypted Secret like the fixture's, as `<namespace>/<name>` with the given keys (sops keeps key names plain). */
function encrypted(namespace: string, name: string, keys: string[]): string {
  const value = ENCRYPTED.match(/auth-token: (ENC\[.*\])\n/)![1];
  return ENCRYPTED.replace('namespace: capsule-system', `namespace: ${namespace}`)
    .replace('name: teleport-kube-agent-join-token', `name: ${name}`)
    .replace(/    auth-token: .*\n/, keys.map((k) => `    ${k}: ${value}\n`).join(''));
}

/** The fixture with Flux decryption and the capsule-proxy clients (Headlamp with OIDC, Gangplank). */
function withClients(old: string): string {
  const platform = YAML.parse(withDecryption(old));
  platform.clusters[0].clients = {
    headlamp: { oidc: { issuerURL: 'https://keycloak.example.com/realms/example', clientID: 'headlamp', clientSecretName: 'headlamp-oidc' } },
    gangplank: {
      apiServerURL: 'https://capsule-proxy.example.com:443',
      oidc: {
        authorizeURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/auth',
        tokenURL: 'https://keycloak.example.com/realms/example/protocol/openid-connect/token',
        clientID: 'gangplank',
        redirectURL: 'https://gangplank.example.com/callback',
      },
    },
  };
  return YAML.stringify(platform);
}

describe("encrypted Secrets of the capsule-proxy clients go to the clients layer, with their reader", () => {
  const HEADLAMP_FILE = 'secrets/demo/headlamp-oidc.yaml';
  const GANGPLANK_FILE = 'secrets/demo/gangplank.yaml';
  const headlampSecret = encrypted('capsule-system', 'headlamp-oidc', ['OIDC_CLIENT_SECRET']);
  const gangplankSecret = encrypted('capsule-system', 'gangplank', ['GANGPLANK_CONFIG_CLIENT_SECRET', 'GANGPLANK_CONFIG_SESSION_SECURITY_KEY']);

  test("Headlamp's OIDC Secret and Gangplank's Secret land in <cluster>/clients/secrets/, byte for byte, listed in that layer, decrypted by platform-clients", () => {
    const { files, outDir } = synth(configWith({ 'platform.yaml': withClients, [SECRET_FILE]: ENCRYPTED, [HEADLAMP_FILE]: headlampSecret, [GANGPLANK_FILE]: gangplankSecret }));
    expect(fs.readFileSync(path.join(outDir, 'demo/clients/secrets/headlamp-oidc.yaml'), 'utf8')).toBe(headlampSecret);
    expect(fs.readFileSync(path.join(outDir, 'demo/clients/secrets/gangplank.yaml'), 'utf8')).toBe(gangplankSecret);
    expect(files.filter((f) => f.content.includes('ENC[AES256_GCM')).map((f) => f.path).sort()).toEqual([
      'demo/clients/secrets/gangplank.yaml',
      'demo/clients/secrets/headlamp-oidc.yaml',
      'demo/teleport-agent/secrets/join-token.yaml',
    ]);
    const resources = (layer: string) => YAML.parse(files.find((f) => f.path === `demo/${layer}/kustomization.yaml`)!.content).resources;
    expect(resources('clients')).toEqual(['gangplank.yaml', 'headlamp.yaml', 'secrets/gangplank.yaml', 'secrets/headlamp-oidc.yaml']);
    expect(resources('teleport-agent')).toEqual(['secrets/join-token.yaml', 'teleport-agent.yaml']);
    // The Secret is applied with its reader: Headlamp reads it (envFrom) from the same layer.
    expect(helmValues(files, 'headlamp').config.oidc.externalSecret).toMatchObject({ enabled: true, name: 'headlamp-oidc' });
    const layers = files.find((f) => f.path === 'demo/flux/layers.yaml')!.manifests;
    expect(layers.find((k) => k.metadata.name === 'platform-clients')!.spec).toMatchObject({ decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } });
  });

  test('the clients layer decrypts only when a client reads a Secret the user supplies', () => {
    const dashboardOnly = (old: string) => {
      const platform = YAML.parse(withDecryption(old));
      platform.clusters[0].clients = { kubernetesDashboard: {} };
      return YAML.stringify(platform);
    };
    const layers = synth(configWith({ 'platform.yaml': dashboardOnly })).files.find((f) => f.path === 'demo/flux/layers.yaml')!.manifests;
    expect(layers.find((k) => k.metadata.name === 'platform-clients')!.spec).not.toHaveProperty('decryption');
    expect(refusal({ 'platform.yaml': dashboardOnly, [HEADLAMP_FILE]: headlampSecret })).toEqual([
      'headlamp-oidc.yaml: metadata: no component of this cluster reads Secret capsule-system/headlamp-oidc; allowed: capsule-system/teleport-kube-agent-join-token with keys auth-token, read by the Teleport agent (teleport.agent.join.secretName)',
    ]);
  });

  test("are refused, naming the file, without a key their reader reads", () => {
    const noKey = encrypted('capsule-system', 'headlamp-oidc', ['clientSecret']);
    const halfGangplank = encrypted('capsule-system', 'gangplank', ['GANGPLANK_CONFIG_CLIENT_SECRET']);
    expect(refusal({ 'platform.yaml': withClients, [HEADLAMP_FILE]: noKey, [GANGPLANK_FILE]: halfGangplank })).toEqual([
      'gangplank.yaml: data: Gangplank (clients.gangplank.secretName) reads key GANGPLANK_CONFIG_SESSION_SECURITY_KEY of Secret capsule-system/gangplank; the file has GANGPLANK_CONFIG_CLIENT_SECRET',
      'headlamp-oidc.yaml: data: Headlamp (clients.headlamp.oidc.clientSecretName) reads key OIDC_CLIENT_SECRET of Secret capsule-system/headlamp-oidc; the file has clientSecret',
    ]);
  });

  test('are refused when nobody reads them, listing every Secret that is read', () => {
    expect(refusal({ 'platform.yaml': withClients, 'secrets/demo/other.yaml': encrypted('capsule-system', 'headlamp', ['OIDC_CLIENT_SECRET']) })).toEqual([
      'other.yaml: metadata: no component of this cluster reads Secret capsule-system/headlamp; allowed: ' +
        'capsule-system/gangplank with keys GANGPLANK_CONFIG_CLIENT_SECRET, GANGPLANK_CONFIG_SESSION_SECURITY_KEY, read by Gangplank (clients.gangplank.secretName); ' +
        'capsule-system/headlamp-oidc with keys OIDC_CLIENT_SECRET, read by Headlamp (clients.headlamp.oidc.clientSecretName); ' +
        'capsule-system/teleport-kube-agent-join-token with keys auth-token, read by the Teleport agent (teleport.agent.join.secretName)',
    ]);
  });

  test('are refused when readers in two layers share the Secret', () => {
    const shared = (old: string) => withClients(old).replace('clientSecretName: headlamp-oidc', 'clientSecretName: teleport-kube-agent-join-token');
    expect(refusal({ 'platform.yaml': shared, [SECRET_FILE]: ENCRYPTED })).toEqual([
      'join-token.yaml: metadata: Secret capsule-system/teleport-kube-agent-join-token is read in layers teleport-agent, clients (the Teleport agent (teleport.agent.join.secretName), Headlamp (clients.headlamp.oidc.clientSecretName)): give each reader its own Secret',
    ]);
  });
});

describe('files of secrets/ that are not SOPS-encrypted Secrets are refused, naming the file, line and field', () => {
  const plaintext = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: teleport-kube-agent-join-token\n  namespace: capsule-system\nstringData:\n  auth-token: s3cr3t\n';
  test('a plaintext Secret', () => {
    expect(configProblems({ 'platform.yaml': withDecryption, [SECRET_FILE]: plaintext })).toEqual([
      "secrets/demo/join-token.yaml:1: not encrypted with SOPS (no sops: metadata): encrypt it with sops --encrypt --encrypted-regex '^(data|stringData)$' --in-place <file> (docs/flux.md). A plaintext Secret is never written to the output",
    ]);
  });

  test('a value left in plaintext, a file encrypted as a whole, a MAC missing', () => {
    const mixed = ENCRYPTED.replace('stringData:\n', 'stringData:\n    ca_unencrypted: plain\n');
    expect(configProblems({ [SECRET_FILE]: mixed })).toEqual([expect.stringMatching(/^secrets\/demo\/join-token.yaml:10: stringData.ca_unencrypted: is not encrypted \(a plaintext value/)]);
    const whole = ENCRYPTED.replace('kind: Secret', 'kind: ENC[AES256_GCM,data:U2VjcmV0,iv:aXY=,tag:dGFn,type:str]');
    expect(configProblems({ [SECRET_FILE]: whole })).toEqual([expect.stringMatching(/^secrets\/demo\/join-token.yaml:4: kind: is encrypted: encrypt only data and stringData/)]);
    const noMac = ENCRYPTED.replace(/    mac: .*\n/, '');
    expect(configProblems({ [SECRET_FILE]: noMac })).toEqual([expect.stringMatching(/^secrets\/demo\/join-token.yaml:\d+: sops.mac: missing or not a SOPS MAC/)]);
  });

  test('a folder of no cluster, a file beside the cluster folders', () => {
    expect(configProblems({ 'secrets/prod/join-token.yaml': ENCRYPTED, 'secrets/join-token.yaml': ENCRYPTED })).toEqual([
      'secrets/join-token.yaml: not read: secrets/ holds one folder per cluster (secrets/<cluster>/<name>.yaml); move it into its cluster\'s folder',
      'secrets/prod: no cluster is named prod; the folders of secrets/ are named after clusters: demo',
    ]);
  });
});
