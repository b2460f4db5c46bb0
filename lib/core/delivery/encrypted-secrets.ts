import { ApiObject } from 'cdk8s';
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

/** A Secret a component of the layer reads, with the key it reads. */
export interface ExpectedSecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  /** Who reads it and which setting names it, for messages. */
  readonly reader: string;
}

export interface EncryptedSecretsProps {
  /** The cluster's layers; the Secrets go to the one that reads Secrets from Git. */
  readonly layers: readonly Layer[];
  readonly files: readonly EncryptedSecretFile[];
  /**
   * Secrets the layer's components read: a file with one of these names must hold the key.
   * @default - none
   */
  readonly expected?: readonly ExpectedSecret[];
}

/**
 * Copies a cluster's SOPS-encrypted Secrets verbatim into `<layer>/secrets/` of the layer that reads
 * Secrets from Git (`LayerProps.readsSecretsFromGit`), listed in its kustomization.yaml, for the
 * delivery to decrypt when it applies the layer. Refuses (naming the file) when no layer reads
 * Secrets from Git, when the delivery cannot decrypt them, when a Secret's namespace does not exist
 * before that layer is applied, and when a Secret a component reads lacks the key it reads.
 */
export class EncryptedSecrets extends Construct {
  constructor(scope: Construct, id: string, props: EncryptedSecretsProps) {
    super(scope, id);
    if (!props.files.length) return;
    const problems: Problem[] = [];
    const refuse = (message: string) => {
      for (const f of props.files) problems.push({ file: f.file, message });
      throw new PlatformError('encrypted Secrets cannot be delivered:', problems);
    };
    const readers = props.layers.filter((l) => l.readsSecretsFromGit);
    if (readers.length !== 1) {
      refuse(
        readers.length
          ? `layers ${readers.map((l) => l.name).join(', ')} all read Secrets from Git; the platform cannot tell which one this is for`
          : 'no layer of this cluster reads Secrets from Git (only the Teleport agent with join.method token does); remove the file, or create the Secret in the cluster out of band',
      );
    }
    const layer = readers[0];
    const decryption = layer.delivery.secretDecryptionProblem();
    if (decryption) refuse(`an encrypted Secret would reach the cluster undecrypted: ${decryption}`);

    // Namespaces that exist when the layer is applied: the delivery's own, and those rendered in a layer it follows.
    const available = new Set<string>([layer.delivery.namespace]);
    for (const c of scope.node.findAll()) {
      if (c instanceof ApiObject && c.apiVersion === 'v1' && c.kind === 'Namespace' && layer.isAfter(Layer.of(c))) available.add(c.name);
    }
    for (const file of props.files) {
      if (!available.has(file.namespace)) {
        problems.push({
          file: file.file,
          field: 'metadata.namespace',
          message: `namespace ${file.namespace} does not exist when layer ${layer.name} is applied; allowed: ${[...available].sort().join(', ')}`,
        });
      }
      for (const expected of props.expected ?? []) {
        if (expected.namespace === file.namespace && expected.name === file.name && !file.keys.includes(expected.key)) {
          problems.push({ file: file.file, field: 'data', message: `${expected.reader} reads key ${expected.key} of Secret ${file.namespace}/${file.name}; the file has ${file.keys.join(', ') || 'no keys'}` });
        }
      }
    }
    if (problems.length) throw new PlatformError('encrypted Secrets cannot be delivered:', problems);
    for (const file of props.files) {
      layer.addVerbatimFile(this, file.fileName, `${ENCRYPTED_SECRETS_FOLDER}/${file.fileName}`, file.content, [file.manifest]);
    }
  }
}
