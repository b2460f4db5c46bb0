/**
 * Helm chart conventions that the platform's wiring depends on.
 */

/**
 * The `<chart>.fullname` helper of the standard Helm chart template, which names most objects of a
 * release (Services, Secrets, ServiceAccounts): the release name if it already contains the chart
 * name, `<release>-<chart>` otherwise, cut to 63 characters.
 */
export function helmFullname(releaseName: string, chartName: string): string {
  const name = releaseName.includes(chartName) ? releaseName : `${releaseName}-${chartName}`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/**
 * Values a construct computes and other components rely on, keyed by dotted path, with the reason
 * shown when an override tries to change one.
 */
export type OwnedValues = Readonly<Record<string, string>>;

/** Dotted paths in `overrides` that touch (set, or set inside of, or replace a parent of) an owned value. */
export function ownedValueConflicts(overrides: Record<string, unknown>, owned: OwnedValues): Array<{ path: string; reason: string }> {
  const conflicts: Array<{ path: string; reason: string }> = [];
  const visit = (value: unknown, prefix: string) => {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const hit = Object.keys(owned).find((o) => o === path || path.startsWith(`${o}.`));
      if (hit) conflicts.push({ path, reason: owned[hit] });
      else if (isPlainObject(child)) visit(child, path);
      else {
        const inside = Object.keys(owned).find((o) => o.startsWith(`${path}.`));
        if (inside) conflicts.push({ path, reason: owned[inside] });
      }
    }
  };
  visit(overrides, '');
  return conflicts;
}

/**
 * Deep-merges user `overrides` over the generated chart values. Objects merge, everything else
 * (lists included) is replaced, as Helm merges values files.
 * @throws if an override touches an owned value
 */
export function mergeValues(generated: Record<string, unknown>, overrides: Record<string, unknown> | undefined, owned: OwnedValues): Record<string, unknown> {
  if (!overrides) return generated;
  const conflicts = ownedValueConflicts(overrides, owned);
  if (conflicts.length) {
    throw new Error(conflicts.map((c) => `values.${c.path} cannot be overridden: ${c.reason}`).join('; '));
  }
  return deepMerge(generated, overrides);
}

/** `over` merged into `base` as Helm merges values files: objects merge, everything else is replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
