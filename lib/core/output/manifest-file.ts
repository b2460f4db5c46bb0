import { ApiObject, Chart, ChartProps, Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** A rendered Kubernetes object. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** A file of the synthesized output. */
export interface IOutputFile extends IConstruct {
  /** Path relative to the output folder, with `/` separators. */
  readonly path: string;
  /** The file's content. */
  render(): string;
}

export interface ManifestFileProps extends ChartProps {
  /** Path relative to the output folder, e.g. `demo/tenants/oil.yaml`. */
  readonly path: string;
}

/**
 * A chart that becomes exactly one YAML file of the output. Changing a construct changes only the
 * file(s) its objects are in, which keeps GitOps diffs small.
 *
 * Every object in it must have an explicit `metadata.name`: generated (hashed) names would make
 * names depend on construct paths and churn the GitOps diff.
 */
export class ManifestFile extends Chart implements IOutputFile {
  public static isManifestFile(x: unknown): x is ManifestFile {
    return x instanceof ManifestFile;
  }

  public readonly path: string;

  constructor(scope: Construct, id: string, props: ManifestFileProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    checkOutputPath(props.path);
    this.path = props.path;
  }

  public generateObjectName(apiObject: ApiObject): string {
    throw new Error(`${apiObject.kind} at ${apiObject.node.path} has no metadata.name; every object in the output needs an explicit, stable name`);
  }

  /** The objects of this file, rendered, in the order they were defined. */
  public manifests(): Manifest[] {
    return this.node
      .findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === this)
      .map((o) => o.toJson() as Manifest);
  }

  public render(): string {
    return Yaml.stringify(...this.manifests());
  }
}

export interface TextFileProps {
  /** Path relative to the output folder. */
  readonly path: string;
  /** Produces the content at synth time, after every construct has been added. */
  readonly content: () => string;
}

/** A non-Kubernetes file of the output (README, report, tctl resources). */
export class TextFile extends Construct implements IOutputFile {
  public readonly path: string;
  private readonly content: () => string;

  constructor(scope: Construct, id: string, props: TextFileProps) {
    super(scope, id);
    checkOutputPath(props.path);
    this.path = props.path;
    this.content = props.content;
  }

  public render(): string {
    return this.content();
  }
}

export interface VerbatimManifestFileProps {
  /** Path relative to the output folder. */
  readonly path: string;
  /** The file's content, written byte for byte. */
  readonly content: string;
  /** The objects the content holds, for the tools that compare the output (kustomize, plan). */
  readonly manifests: readonly Manifest[];
}

/**
 * A manifest file copied into the output byte for byte (a SOPS-encrypted Secret, whose MAC a
 * re-rendering could break). Its objects are not validated against a schema: whoever builds one
 * checks its content.
 */
export class VerbatimManifestFile extends TextFile {
  public readonly manifests: readonly Manifest[];

  constructor(scope: Construct, id: string, props: VerbatimManifestFileProps) {
    super(scope, id, { path: props.path, content: () => props.content });
    this.manifests = props.manifests;
  }
}

export function isOutputFile(x: unknown): x is IOutputFile {
  return x instanceof ManifestFile || x instanceof TextFile;
}

function checkOutputPath(path: string): void {
  if (path.startsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`output path '${path}' must be relative and normalized`);
  }
}
