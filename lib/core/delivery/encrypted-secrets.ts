import { Construct } from 'constructs';
import { PlatformError, Problem } from '../errors';
import type { Manifest } from '../output/manifest-file';
import { Layer } from './delivery';

/** Folder of a layer that holds the encrypted Secrets copied into it. */
export const ENCRYPTED_SECRETS_FOLDER = 'secrets';

/** A SOPS-encrypted Secret from the configuration, already checked to be encrypted. */
export interface EncryptedSecretFile {
  /** The configuration file, as error messages name it. */
  readonly file: string;
  /** Its file name, kept in the output. */
  readonly fileName: string;
  /** The file, byte for byte (SOPS's MAC covers its values). */
  readonly content: string;
  /** The Secret as parsed: plain apiVersion, kind and metadata, encrypted values. */
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace: string;
  /** Keys of `data` and `stringData` (SOPS leaves keys plain), sorted. */
  readonly keys: readonly string[];
}

/** A Secret that a component reads and the user supplies, with the keys it reads. */
export interface ReadSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys the component reads (e.g. as environment variables): a file for this Secret must hold each. */
  readonly keys: readonly string[];
}

/** A `ReadSecret` with its reader: the Secret, kept encrypted in Git, is applied in the reader's layer. */
export interface SecretReader extends ReadSecret {
  /** Who reads it and which setting names it, for messages (e.g. `Headlamp (clients.headlamp.oidc.clientSecretName)`). */
  readonly reader: string;
  /** The reader's layer; it must read Secrets from Git (`LayerProps.readsSecretsFromGit`). */
  readonly layer: Layer;
}

export interface EncryptedSecretsProps {
  readonly files: readonly EncryptedSecretFile[];
  /**
   * The Secrets the cluster's components read from the user: a file is accepted only for one of
   * them, goes to its reader's layer and must hold every key its readers read.
   * @default - none: every file is refused
   */
  readonly readers?: readonly SecretReader[];
}

/**
 * Copies a cluster's SOPS-encrypted Secrets verbatim into `<layer>/secrets/` of the layer whose
 * component reads each one (matched by namespace and name), listed in its kustomization.yaml: the
 * delivery decrypts and applies it with its reader, so the Secret exists when the reader starts
 * and goes away only with it (its namespace is the reader's, which exists by then). Refuses
 * (naming the file) a Secret no component reads, one read in two layers, one the delivery cannot
 * decrypt, and one that lacks a key its reader reads (SOPS leaves key names in plaintext).
 */
export class EncryptedSecrets extends Construct {
  constructor(scope: Construct, id: string, props: EncryptedSecretsProps) {
    super(scope, id);
    if (!props.files.length) return;
    const readers = props.readers ?? [];
    for (const r of readers) {
      if (!r.layer.readsSecretsFromGit) throw new Error(`${r.reader} reads Secret ${r.namespace}/${r.name} in layer ${r.layer.name}, which does not read Secrets from Git`);
    }
    const allowed = readers.length
      ? `allowed: ${[...readers].sort((a, b) => (secretId(a) < secretId(b) ? -1 : secretId(a) > secretId(b) ? 1 : 0)).map((r) => `${secretId(r)} with keys ${r.keys.join(', ')}, read by ${r.reader}`).join('; ')}`
      : 'its components read no Secret you supply (docs/flux.md lists those that can); remove the file, or create the Secret in the cluster out of band';
    const problems: Problem[] = [];
    const placed: { file: EncryptedSecretFile; layer: Layer }[] = [];
    for (const file of props.files) {
      const mine = readers.filter((r) => r.namespace === file.namespace && r.name === file.name);
      const layers = [...new Set(mine.map((r) => r.layer))];
      if (!mine.length) {
        problems.push({ file: file.file, field: 'metadata', message: `no component of this cluster reads Secret ${file.namespace}/${file.name}; ${allowed}` });
        continue;
      }
      if (layers.length > 1) {
        problems.push({ file: file.file, field: 'metadata', message: `Secret ${file.namespace}/${file.name} is read in layers ${layers.map((l) => l.name).join(', ')} (${mine.map((r) => r.reader).join(', ')}): give each reader its own Secret` });
        continue;
      }
      const layer = layers[0];
      const decryption = layer.delivery.secretDecryptionProblem();
      if (decryption) {
        problems.push({ file: file.file, message: `an encrypted Secret would reach the cluster undecrypted: ${decryption}` });
        continue;
      }
      for (const r of mine) {
        for (const key of r.keys) {
          if (!file.keys.includes(key)) problems.push({ file: file.file, field: 'data', message: `${r.reader} reads key ${key} of Secret ${secretId(r)}; the file has ${file.keys.join(', ') || 'no keys'}` });
        }
      }
      placed.push({ file, layer });
    }
    if (problems.length) throw new PlatformError('encrypted Secrets cannot be delivered:', problems);
    for (const { file, layer } of placed) {
      layer.addVerbatimFile(this, file.fileName, `${ENCRYPTED_SECRETS_FOLDER}/${file.fileName}`, file.content, [file.manifest]);
    }
  }
}

const secretId = (s: ReadSecret) => `${s.namespace}/${s.name}`;

