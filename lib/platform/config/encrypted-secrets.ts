import * as fs from 'fs';
import * as path from 'path';
import { displayPath, YamlFile } from '../../core/config/yaml-file';
import type { EncryptedSecretFile } from '../../core/delivery/encrypted-secrets';
import { Problem } from '../../core/errors';
import type { Manifest } from '../../core/output/manifest-file';

/**
 * `secrets/<cluster>/*.yaml` of the configuration: Kubernetes Secrets encrypted with SOPS, which the
 * output carries verbatim into the layer of the component that reads each (the Teleport agent's for
 * its join token, the clients' for Headlamp's and Gangplank's Secrets) for Flux to decrypt. Every
 * file is checked to be encrypted: a plaintext Secret never reaches the output.
 */
export const SECRETS_DIR = 'secrets';

/** The encrypted Secret files of the configuration, by cluster name. */
export type EncryptedSecrets = Readonly<Record<string, readonly EncryptedSecretFile[]>>;

/** A value SOPS encrypted: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`. */
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;
/** Where SOPS keeps the data key, one of which a SOPS file names. */
const KEY_SOURCES = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'key_groups'];
const HOW_TO_ENCRYPT = "encrypt it with sops --encrypt --encrypted-regex '^(data|stringData)$' --in-place <file> (docs/flux.md)";
/** Files in a cluster's folder that are left alone. */
const IGNORED_FILES = /^(\.gitkeep|\.keep|\.gitignore|\.DS_Store|\.sops\.ya?ml|.*\.md)$/i;
const SECRET_FILE = /^[^.].*\.ya?ml$/i;

/**
 * Reads `secrets/` of `configDir`: one folder per cluster in `clusters`, in it one SOPS-encrypted
 * Secret per `.yaml` file. Problems name the file (and line and field): a folder of no cluster, a
 * file that is not a Secret, not SOPS-encrypted, or holds a plaintext value.
 */
export function loadEncryptedSecrets(configDir: string, clusters: readonly string[], problems: Problem[]): EncryptedSecrets {
  const root = path.join(configDir, SECRETS_DIR);
  const result: Record<string, EncryptedSecretFile[]> = {};
  const entries = readFolder(root, problems);
  for (const entry of entries) {
    const folder = path.join(root, entry.name);
    if (IGNORED_FILES.test(entry.name)) continue;
    if (!entry.isDirectory()) {
      problems.push({ file: displayPath(folder), message: `not read: ${SECRETS_DIR}/ holds one folder per cluster (${SECRETS_DIR}/<cluster>/<name>.yaml); move it into its cluster's folder` });
      continue;
    }
    if (!clusters.includes(entry.name)) {
      problems.push({ file: displayPath(folder), message: `no cluster is named ${entry.name}; the folders of ${SECRETS_DIR}/ are named after clusters: ${clusters.join(', ')}` });
      continue;
    }
    const files: EncryptedSecretFile[] = [];
    const seen = new Map<string, string>();
    for (const file of readFolder(folder, problems)) {
      const where = path.join(folder, file.name);
      if (IGNORED_FILES.test(file.name)) continue;
      if (file.isDirectory() || !SECRET_FILE.test(file.name)) {
        problems.push({ file: displayPath(where), message: `not read: a cluster's folder of ${SECRETS_DIR}/ holds SOPS-encrypted Secrets named <name>.yaml (no subfolders); remove or rename it` });
        continue;
      }
      const secret = readEncryptedSecret(where, configDir, problems);
      if (!secret) continue;
      const id = `${secret.namespace}/${secret.name}`;
      const other = seen.get(id);
      if (other) {
        problems.push({ file: secret.file, message: `Secret ${id} is also in ${other}; one file per Secret` });
        continue;
      }
      seen.set(id, secret.file);
      files.push(secret);
    }
    if (files.length) result[entry.name] = files;
  }
  return result;
}

function readFolder(dir: string, problems: Problem[]): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push({ file: displayPath(dir), message: code === 'ENOTDIR' ? 'must be a folder' : `cannot read folder (${code ?? String(error)})` });
    return [];
  }
}

/** One SOPS-encrypted Secret file, checked; undefined (with problems) when it is not one. */
export function readEncryptedSecret(file: string, root: string, problems: Problem[]): EncryptedSecretFile | undefined {
  const yaml = YamlFile.read(displayPath(file), { root });
  if (!(yaml instanceof YamlFile)) {
    problems.push(yaml);
    return undefined;
  }
  const found = sopsSecretProblems(yaml.data);
  if (found.length) {
    problems.push(...found.map((p) => yaml.problem(p.segments, p.message)));
    return undefined;
  }
  const metadata = yaml.data.metadata as { name: string; namespace: string };
  const keys = ['data', 'stringData'].flatMap((field) => Object.keys((yaml.data[field] as Record<string, unknown> | undefined) ?? {}));
  return { file: yaml.file, fileName: path.basename(file), content: yaml.text, manifest: yaml.data as unknown as Manifest, name: metadata.name, namespace: metadata.namespace, keys: [...new Set(keys)].sort() };
}

/**
 * What makes `data` not a Secret that Flux's kustomize-controller can decrypt, or not encrypted
 * at all: it must be a v1 Secret whose apiVersion, kind and metadata are plain (kustomize reads
 * them before decryption), with SOPS metadata (`sops.mac`, a key source) and every value of `data`
 * and `stringData` encrypted.
 */
export function sopsSecretProblems(data: Record<string, unknown>): { segments: string[]; message: string }[] {
  const problems: { segments: string[]; message: string }[] = [];
  const at = (segments: string[], message: string) => problems.push({ segments, message });
  const encrypted = (value: unknown) => typeof value === 'string' && ENCRYPTED_VALUE.test(value);
  const plainFields = "encrypt only data and stringData (sops --encrypted-regex '^(data|stringData)$'): Flux reads apiVersion, kind and metadata before it decrypts";
  if (encrypted(data.apiVersion) || encrypted(data.kind)) {
    at(['kind'], `is encrypted: ${plainFields}`);
    return problems;
  }
  if (data.apiVersion !== 'v1' || data.kind !== 'Secret') {
    at(['kind'], `must be a Secret (apiVersion v1, kind Secret); got ${String(data.apiVersion)} ${String(data.kind)}`);
    return problems;
  }
  const metadata = data.metadata as Record<string, unknown> | undefined;
  for (const field of ['name', 'namespace']) {
    const value = metadata?.[field];
    if (encrypted(value)) at(['metadata', field], `is encrypted: ${plainFields}`);
    else if (typeof value !== 'string' || !value) at(['metadata', field], field === 'namespace' ? "required: the namespace the Secret is read in (e.g. the Teleport agent's)" : 'required');
  }
  const sops = data.sops as Record<string, unknown> | undefined;
  if (!sops || typeof sops !== 'object' || Array.isArray(sops)) {
    at([], `not encrypted with SOPS (no sops: metadata): ${HOW_TO_ENCRYPT}. A plaintext Secret is never written to the output`);
    return problems;
  }
  if (!encrypted(sops.mac)) at(['sops', 'mac'], `missing or not a SOPS MAC: the file is not SOPS-encrypted as it is; ${HOW_TO_ENCRYPT}`);
  if (!KEY_SOURCES.some((k) => Array.isArray(sops[k]) && (sops[k] as unknown[]).length > 0)) {
    at(['sops'], `names no key to decrypt with (${KEY_SOURCES.join(', ')}): ${HOW_TO_ENCRYPT}`);
  }
  let values = 0;
  for (const field of ['data', 'stringData']) {
    const map = data[field];
    if (map === undefined) continue;
    if (!map || typeof map !== 'object' || Array.isArray(map)) {
      at([field], 'must be a mapping of keys to encrypted values');
      continue;
    }
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      values++;
      if (!encrypted(value)) at([field, key], `is not encrypted (a plaintext value; keys ending in _unencrypted are not allowed either): ${HOW_TO_ENCRYPT}`);
    }
  }
  if (!values) at([], 'has no data or stringData values to decrypt');
  return problems;
}
