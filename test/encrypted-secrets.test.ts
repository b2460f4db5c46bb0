import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlatformError } from '../lib/core/errors';
import { configProblems, configWith, synth } from './helpers';

/**
 * SOPS-encrypted Secrets of the configuration (secrets/<cluster>/*.yaml): copied verbatim into the
 * layer that reads them (the Teleport agent's), for Flux to decrypt; never a plaintext Secret.
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

  test('are refused when no layer reads Secrets from Git (the agent joins with the kubernetes method)', () => {
    const kubernetesJoin = (old: string) => withDecryption(old).replace(/        join:\n(          .*\n)+/, '        join:\n          method: kubernetes\n');
    expect(refusal({ 'platform.yaml': kubernetesJoin, [SECRET_FILE]: ENCRYPTED })).toEqual([expect.stringMatching(/^join-token.yaml: no layer of this cluster reads Secrets from Git/)]);
  });

  test("are refused in a namespace that does not exist before the layer, and without the key the agent reads", () => {
    const elsewhere = ENCRYPTED.replace('namespace: capsule-system', 'namespace: teleport').replace('name: teleport-kube-agent-join-token', 'name: other');
    expect(refusal({ 'platform.yaml': withDecryption, [SECRET_FILE]: elsewhere })).toEqual([
      expect.stringMatching(/^join-token.yaml: metadata.namespace: namespace teleport does not exist when layer teleport-agent is applied; allowed: capsule-system, flux-system/),
    ]);
    const wrongKey = ENCRYPTED.replace('    auth-token: ENC', '    token: ENC');
    expect(refusal({ 'platform.yaml': withDecryption, [SECRET_FILE]: wrongKey })).toEqual([
      'join-token.yaml: data: the Teleport agent (teleport.agent.join.secretName) reads key auth-token of Secret capsule-system/teleport-kube-agent-join-token; the file has token',
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
