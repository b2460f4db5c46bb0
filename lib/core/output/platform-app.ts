import * as fs from 'fs';
import { App, AppProps } from 'cdk8s';
import { PlatformError, Problem } from '../errors';
import { findDuplicates, validateManifest } from '../validation/manifests';
import { versionProfile } from '../version-profile';
import { isOutputFile, Manifest, ManifestFile, VerbatimManifestFile } from './manifest-file';
import { writeTree } from './publish';
import { stringifyDocuments } from './yaml';

/** One file of the output, rendered. */
export interface RenderedFile {
  /** Path relative to the output folder. */
  readonly path: string;
  readonly content: string;
  /** The Kubernetes objects in the file (empty for text files). */
  readonly manifests: readonly Manifest[];
}

/**
 * The cdk8s app of the platform. Output files are the `ManifestFile` charts and `TextFile`s in the
 * tree, each written to its own path.
 *
 * `synth()` differs from cdk8s's in two ways that matter at scale and for GitOps: each object is
 * rendered once (cdk8s re-resolves and re-validates the whole app for every chart, which is
 * quadratic with one chart per tenant), and every object is validated against its schema before
 * anything is written.
 */
export class PlatformApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
  }

  /**
   * Renders every output file and validates every object in it.
   * @throws PlatformError listing every problem found
   */
  public render(): RenderedFile[] {
    const problems: Problem[] = [];
    for (const construct of this.node.findAll()) {
      for (const message of construct.node.validate()) problems.push({ file: construct.node.path, message });
    }
    if (problems.length) throw new PlatformError('the platform definition is invalid:', problems);

    const files: RenderedFile[] = [];
    const owners = new Map<string, string>();
    for (const file of this.node.findAll().filter(isOutputFile)) {
      const owner = owners.get(file.path);
      if (owner) {
        problems.push({ file: file.path, message: `written by both ${owner} and ${file.node.path}` });
        continue;
      }
      owners.set(file.path, file.node.path);
      if (ManifestFile.isManifestFile(file)) {
        // Each object is rendered once: the same manifests are validated and written.
        const manifests = file.manifests();
        // Against the CRDs of the file's cluster's version profile.
        const profile = versionProfile(file).name;
        for (const manifest of manifests) problems.push(...validateManifest(file.path, manifest, profile));
        files.push({ path: file.path, content: stringifyDocuments(manifests), manifests });
      } else {
        files.push({ path: file.path, content: file.render(), manifests: file instanceof VerbatimManifestFile ? file.manifests : [] });
      }
    }
    // Each top-level folder is one cluster: a name may repeat across clusters, not within one.
    problems.push(...findDuplicates(files, (p) => p.split('/')[0]));
    if (problems.length) throw new PlatformError('rendered objects failed validation:', problems);
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Renders, validates and writes every file to `outdir`, replacing what was there. */
  public synth(): void {
    this.writeFiles(this.render());
  }

  /** Replaces the content of `outdir` with `files`. */
  public writeFiles(files: readonly RenderedFile[]): void {
    fs.rmSync(this.outdir, { recursive: true, force: true });
    fs.mkdirSync(this.outdir, { recursive: true });
    writeTree(this.outdir, files);
  }
}
