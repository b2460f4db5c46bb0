import type { Explained } from '../../core/validation/explain';
import { PROFILES, VERSION_PROFILE_NAMES, VersionProfileName } from '../../versions';

/**
 * Tenant files are one format for every version profile: each is checked against the CRDs of every
 * profile, and what only some profiles reject is reported for the clusters that run those.
 */

/** The upstream component whose CRD judged a field, for messages (`Capsule 0.14.0`). */
export type ProfiledComponent = 'capsule' | 'capsuleProxy';

const COMPONENT_NAMES: Readonly<Record<ProfiledComponent, string>> = { capsule: 'Capsule', capsuleProxy: 'capsule-proxy' };

/** `Capsule 0.14.0 (versions: current)`. */
export function profileRelease(component: ProfiledComponent, profile: VersionProfileName): string {
  return `${COMPONENT_NAMES[component]} ${PROFILES[profile].charts[component].version} (versions: ${profile})`;
}

/**
 * A problem only some profiles have; its message names the cluster it is reported for (none when
 * platform.yaml is invalid and the clusters are unknown: then the default profile's are reported).
 */
export interface ProfileProblem {
  readonly segments: readonly string[];
  readonly message: (cluster?: string) => string;
}

/** Problems found under every profile, and per profile those that only some profiles have. */
export interface SplitProblems {
  readonly common: Explained[];
  readonly byProfile: Partial<Record<VersionProfileName, ProfileProblem[]>>;
}

// An unknown field is the same problem whatever each profile lists as allowed there.
const key = (e: Explained) => `${e.segments.join('\u0000')}\u0001${e.message.startsWith('unknown field') ? 'unknown field' : e.message}`;

/** Splits each profile's problems (of the same object, checked by `component`'s CRDs) into common and profile-only ones. */
export function splitByProfile(perProfile: Readonly<Record<VersionProfileName, readonly Explained[]>>, component: ProfiledComponent): SplitProblems {
  const keys = Object.fromEntries(VERSION_PROFILE_NAMES.map((p) => [p, new Set(perProfile[p].map(key))])) as Record<VersionProfileName, Set<string>>;
  // Worded as the first profile (the default) words them; an unknown field's message adds what
  // the other profiles allow there too.
  const first = VERSION_PROFILE_NAMES[0];
  const common = perProfile[first]
    .filter((e) => VERSION_PROFILE_NAMES.every((p) => keys[p].has(key(e))))
    .map((e) => {
      if (!e.message.startsWith('unknown field')) return e;
      const extras = VERSION_PROFILE_NAMES.slice(1).flatMap((p) => {
        const there = perProfile[p].find((o) => key(o) === key(e));
        const more = there ? allowedFields(there.message).filter((f) => !allowedFields(e.message).includes(f)) : [];
        return more.length ? [`${profileRelease(component, p)} also: ${more.join(', ')}`] : [];
      });
      return extras.length ? { ...e, message: `${e.message}; ${extras.join('; ')}` } : e;
    });
  const byProfile: Partial<Record<VersionProfileName, ProfileProblem[]>> = {};
  for (const profile of VERSION_PROFILE_NAMES) {
    const only = perProfile[profile].filter((e) => !VERSION_PROFILE_NAMES.every((p) => keys[p].has(key(e))));
    if (!only.length) continue;
    // The profiles that accept the object where this one complains.
    const accepting = (e: Explained) => VERSION_PROFILE_NAMES.filter((p) => p !== profile && !keys[p].has(key(e)));
    byProfile[profile] = only.map((e) => {
      const others = accepting(e).map((p) => profileRelease(component, p)).join(', ');
      const here = profileRelease(component, profile);
      const runs = (cluster?: string) => (cluster ? `cluster ${cluster} runs` : 'the default (platform.yaml has errors, so its clusters are unknown) is');
      const message = e.message.startsWith('unknown field')
        ? (cluster?: string) => `only ${others} has this field; ${runs(cluster)} ${here}`
        : (cluster?: string) => (cluster ? `${e.message} under ${here}, which cluster ${cluster} runs; ${others} accepts it` : `${e.message} under ${here}, the default; ${others} accepts it`);
      return { segments: e.segments, message };
    });
  }
  return { common, byProfile };
}

/** The fields an unknown-field message lists as allowed. */
function allowedFields(message: string): string[] {
  const match = /allowed fields here: (.*)$/.exec(message);
  return match ? match[1].split(', ') : [];
}

/** `unknownFieldMessage` for fields that depend on the profile: those every profile allows, then each profile's extras. */
export function profiledUnknownFieldMessage(fields: Readonly<Record<VersionProfileName, readonly string[]>>, component: ProfiledComponent, base: readonly string[] = []): string {
  const first = VERSION_PROFILE_NAMES[0];
  const extras = VERSION_PROFILE_NAMES.slice(1).flatMap((p) => {
    const more = fields[p].filter((f) => !fields[first].includes(f));
    return more.length ? [`${profileRelease(component, p)} also: ${more.join(', ')}`] : [];
  });
  return [`unknown field; allowed fields here: ${[...base, ...fields[first]].join(', ')}`, ...extras].join('; ');
}
