import type { IConstruct } from 'constructs';
import { DEFAULT_VERSION_PROFILE, PROFILES, VERSION_PROFILE_NAMES, VersionProfile, VersionProfileName } from '../versions';

/** Construct context key under which a cluster records its version profile. */
const CONTEXT_KEY = 'platform:versions';

/**
 * Makes `profile` the version profile of everything constructed under `scope` (a cluster). Must be
 * called before `scope` has children: construct context is fixed once children exist.
 */
export function setVersionProfile(scope: IConstruct, profile: VersionProfileName): void {
  if (!(VERSION_PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new Error(`unknown version profile '${profile}'; profiles: ${VERSION_PROFILE_NAMES.join(', ')}`);
  }
  scope.node.setContext(CONTEXT_KEY, profile);
}

/** The version profile `construct` is built for: its cluster's, or the default (`seed`). */
export function versionProfile(construct: IConstruct): VersionProfile {
  const name = (construct.node.tryGetContext(CONTEXT_KEY) as VersionProfileName | undefined) ?? DEFAULT_VERSION_PROFILE;
  return PROFILES[name];
}
