import { Kyverno } from '../../kyverno';
import { celString, FailureAction, PolicyDefinition, POD, POD_SPEC, PolicyScope, scopeSelector } from '../../policy';

export const NAME = 'restrict-image-registries';

export interface Options {
  /**
   * Registries images may come from: host names (with a port if any), `*.` for any subdomain. An
   * image without a registry (`nginx`) is from docker.io.
   */
  readonly registries: readonly string[];
  /** @default 'Audit' */
  readonly failureAction?: FailureAction;
  /**
   * `tenants`: tenant namespaces only; `cluster`: every namespace Kyverno sees, platform components
   * included (their registries must then be allowed too).
   * @default 'tenants'
   */
  readonly scope?: PolicyScope;
}

export const DEFAULTS = { failureAction: 'Audit', scope: 'tenants' } as const satisfies Partial<Options>;

/** A registry host: DNS name or IP, optional port, optional leading `*.` wildcard. */
export const REGISTRY = '^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$';

/** The containers of a Pod spec, as Kyverno names their lists in `images`. */
const CONTAINER_LISTS = ['initContainers', 'ephemeralContainers', 'containers'] as const;

/** Images may only come from the allowed registries (seed 001, "Image Registry"). */
export function define(options: Options): PolicyDefinition {
  const registries = [...options.registries];
  if (registries.length === 0) throw new Error(`${NAME}: registries must not be empty (it would reject every image)`);
  const bad = registries.filter((r) => !new RegExp(REGISTRY).test(r));
  if (bad.length) throw new Error(`${NAME}: not a registry host: ${bad.join(', ')}`);
  return {
    name: NAME,
    title: 'Restrict Image Registries',
    category: 'Best Practices, EKS Best Practices',
    severity: 'medium',
    subject: 'Pod',
    description:
      `Images may only come from ${registries.join(', ')}. An image without a registry (such as nginx) counts as ` +
      `${Kyverno.DEFAULT_REGISTRY}, as for the container runtime. Init, ephemeral and regular containers are checked.`,
    minVersion: '1.6.0',
    failureAction: options.failureAction ?? DEFAULTS.failureAction,
    background: true,
    autogen: true,
    rules: [
      {
        type: 'validate',
        name: 'validate-registries',
        match: { kinds: [POD], namespaceSelector: scopeSelector(options.scope ?? DEFAULTS.scope) },
        message: `Images must come from an allowed registry: ${registries.join(', ')} (an image without a registry is from ${Kyverno.DEFAULT_REGISTRY}).`,
        // images.<list>.<name>.registry is Kyverno's parse of the image, with the default
        // registry filled in (Kyverno pins config.defaultRegistry for this). The seed's `NotIn`
        // is deprecated (AnyNotIn takes the same string-against-list form), and so is its bare
        // condition list (`any:`).
        foreach: CONTAINER_LISTS.map((list) => ({
          list: `request.object.spec.${list}`,
          deny: { conditions: { any: [{ key: `{{ images.${list}."{{element.name}}".registry }}`, operator: 'AnyNotIn' as const, value: registries }] } },
        })),
        cel: {
          variables: [{ name: 'imageRegistries', expression: `(${CONTAINER_LISTS.map((l) => `${POD_SPEC}.?${l}.orValue([])`).join(' + ')}).map(c, ${celRegistry('c.image')})` }],
          validations: [{ expression: `variables.imageRegistries.all(r, ${registries.map((r) => (r.startsWith('*.') ? `r.endsWith(${celString(r.slice(1))})` : `r == ${celString(r)}`)).join(' || ')})` }],
        },
      },
    ],
  };
}

/**
 * The registry of `image` (a CEL string) as the container runtime reads it, which is also what
 * Kyverno's `images` variable says: the first path component when it names a host (has a `.` or a
 * `:`, or is `localhost`), else the default registry.
 */
export function celRegistry(image: string): string {
  const first = `${image}.split('/')[0]`;
  return `(${image}.contains('/') && (${first}.contains('.') || ${first}.contains(':') || ${first} == 'localhost') ? ${first} : ${celString(Kyverno.DEFAULT_REGISTRY)})`;
}

/**
 * Whether `registry` passes the policy's condition, which Kyverno 1.19 evaluates as `AnyNotIn` of the
 * image's registry against `registries`: a registry is allowed when it matches an entry as a
 * wildcard pattern (`*` any sequence, `?` one character), or the entry matches it as one.
 */
export function allowsRegistry(registries: readonly string[], registry: string): boolean {
  return registries.some((allowed) => wildcardMatch(allowed, registry) || wildcardMatch(registry, allowed));
}

/** Kyverno's wildcard match (github.com/IGLOU-EU/go-wildcard v1.0.3 `Match`). */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  const match = (p: number, n: number): boolean => {
    for (; p < pattern.length; p++, n++) {
      const c = pattern[p];
      if (c === '*') {
        for (let rest = n; rest <= name.length; rest++) if (match(p + 1, rest)) return true;
        return false;
      }
      if (n >= name.length || (c !== '?' && c !== name[n])) return false;
    }
    return n === name.length;
  };
  return match(0, 0);
}
