/**
 * The container images a Helm chart runs, declared as data next to a component's other chart facts,
 * and the registries they are pulled from once the user's value overrides apply. A policy that
 * restricts registries cluster-wide also applies to the platform's own Pods; the configuration check
 * compares these registries with the allowed ones.
 */

/** How a chart value names an image. */
export type ImageValueForm =
  /** A registry host, e.g. `ghcr.io`; the chart appends the repository and tag. */
  | 'registry'
  /** An image reference without its tag, e.g. `public.ecr.aws/gravitational/teleport-distroless`. */
  | 'reference';

/** A chart value that decides whether the chart runs an image. */
export interface ChartCondition {
  /** Dotted path of the value. */
  readonly path: string;
  /** The image runs when the value is true (`true`) or false (`false`), as Helm's `if` sees it. */
  readonly is: boolean;
  /** The value in the pinned chart's values.yaml. */
  readonly chartDefault: boolean;
}

/** An image a chart runs. */
export interface ChartImage {
  /** What runs it, for messages, e.g. `manager` or `certgen Job`. */
  readonly workload: string;
  /** Dotted path of the chart value that names the image. */
  readonly value: string;
  readonly form: ImageValueForm;
  /** The value in the pinned chart's values.yaml. */
  readonly chartDefault: string;
  /**
   * Older (deprecated) values the chart still reads, which win over `value` when set and not
   * empty; the first one set wins.
   * @default - none
   */
  readonly aliases?: readonly string[];
  /**
   * The chart only runs the image when every condition holds.
   * @default - always
   */
  readonly when?: readonly ChartCondition[];
}

/** An image a chart runs with the given values, and where its registry comes from. */
export interface ImageSource {
  readonly image: ChartImage;
  /** The value that named it: `image.value` or one of its aliases. */
  readonly path: string;
  /** Whether the user's values set it (otherwise it is the chart default). */
  readonly overridden: boolean;
  /** The value as the chart reads it: a registry or an image reference, after `image.form`. */
  readonly imageValue: string;
  /** The registry the image is pulled from (see `imageRegistry`). */
  readonly registry: string;
}

/** The registry container runtimes (and Kyverno, with its default registry docker.io) assume for an image without one. */
export const DEFAULT_IMAGE_REGISTRY = 'docker.io';

/**
 * The images `images` declares that the chart runs with `values` (the values the platform gives the
 * chart: generated and user values merged), in declaration order.
 */
export function imageSources(images: readonly ChartImage[], values: Readonly<Record<string, unknown>>): ImageSource[] {
  const sources: ImageSource[] = [];
  for (const image of images) {
    if (!(image.when ?? []).every((c) => conditionHolds(c, values))) continue;
    // Empty and null count as not set: the chart's `default`/`mergeOverwrite` skip them for aliases,
    // and an empty registry or image is no image at all.
    const set = [...(image.aliases ?? []), image.value].find((path) => {
      const value = valueAt(values, path);
      return typeof value === 'string' && value !== '';
    });
    const imageValue = set ? (valueAt(values, set) as string) : image.chartDefault;
    sources.push({
      image,
      path: set ?? image.value,
      overridden: set !== undefined,
      imageValue,
      registry: imageRegistry(image.form === 'registry' ? `${imageValue}/image` : imageValue),
    });
  }
  return sources;
}

/**
 * The registry of image reference `image`, as Kyverno 1.19 parses `images.*.registry` (with its
 * default registry docker.io, which the platform pins) and as container runtimes pull it: the first
 * path component if it looks like a host (has a `.` or `:`, is `localhost`, or has upper-case
 * letters), otherwise docker.io.
 */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash === -1) return DEFAULT_IMAGE_REGISTRY;
  const first = image.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first ? first : DEFAULT_IMAGE_REGISTRY;
}

/** The value at dotted `path` in `values`, or undefined. */
export function valueAt(values: unknown, path: string): unknown {
  let value = values;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Whether `condition` holds with `values`: Go template truthiness, the chart default when unset. */
function conditionHolds(condition: ChartCondition, values: Readonly<Record<string, unknown>>): boolean {
  const value = valueAt(values, condition.path);
  // A null value deletes the key from the chart's defaults in Helm, so the template sees nothing (false).
  const truthy = value === undefined ? condition.chartDefault : helmTruthy(value);
  return truthy === condition.is;
}

/** Go template truthiness (`{{ if }}`): false, 0, nil, "", and empty lists and maps are false. */
function helmTruthy(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}
