import { PROFILES, VersionProfileName } from '../versions';

/**
 * capsule-proxy's request-handling options that the chart turns into flags (`options.*` in
 * values.yaml, one flag per list entry in templates/_pod.tpl). Chart 0.9.12 has only
 * `ignoredUserGroups`; chart 0.14.0 adds the rest.
 *
 * None is needed for the Teleport agent: capsule-proxy honours its Impersonate-User/-Group headers
 * after a SubjectAccessReview per impersonated principal, which the agent's ClusterRole satisfies
 * (../shared/notes/capsule.md §8). `impersonationGroupRegexp` / `ignoredImpersonationGroups` only cut
 * that cost when Teleport impersonates many groups (capsule-proxy#420, #1028).
 */
export interface CapsuleProxyOptions {
  /**
   * Members of these groups are passed through with their own identity, unfiltered (`--ignored-user-group`).
   * @default - none
   */
  readonly ignoredUserGroups?: readonly string[];
  /**
   * These users (or ServiceAccount usernames) are passed through unfiltered (`--ignored-username`; chart 0.14.0).
   * @default - none
   */
  readonly ignoredUsernames?: readonly string[];
  /**
   * Groups dropped from incoming Impersonate-Group headers, after `impersonationGroupRegexp`
   * (`--ignored-impersonation-group`; chart 0.14.0).
   * @default - none
   */
  readonly ignoredImpersonationGroups?: readonly string[];
  /**
   * Only impersonated groups matching this regular expression are kept (`--impersonation-group-regexp`; chart 0.14.0).
   * @default - every impersonated group
   */
  readonly impersonationGroupRegexp?: string;
  /**
   * CIDRs of the trusted proxies allowed to make requests to capsule-proxy (`--trusted-proxy-cidrs`; chart 0.14.0).
   * @default - none
   */
  readonly trustedProxyCidrs?: readonly string[];
}

export type CapsuleProxyOptionName = keyof CapsuleProxyOptions;

/** Each option: its chart value (`options.<name>`), its flag, and the profiles whose chart has it. */
export const CAPSULE_PROXY_OPTIONS: Readonly<Record<CapsuleProxyOptionName, { readonly flag: string; readonly profiles: readonly VersionProfileName[] }>> = {
  ignoredUserGroups: { flag: '--ignored-user-group', profiles: ['seed', 'current'] },
  ignoredUsernames: { flag: '--ignored-username', profiles: ['current'] },
  ignoredImpersonationGroups: { flag: '--ignored-impersonation-group', profiles: ['current'] },
  impersonationGroupRegexp: { flag: '--impersonation-group-regexp', profiles: ['current'] },
  trustedProxyCidrs: { flag: '--trusted-proxy-cidrs', profiles: ['current'] },
};

export const CAPSULE_PROXY_OPTION_NAMES = Object.keys(CAPSULE_PROXY_OPTIONS) as CapsuleProxyOptionName[];

/** The chart value of option `name`. */
export function optionValue(name: CapsuleProxyOptionName): string {
  return `options.${name}`;
}

/** The `options` chart values of the options set (the chart's defaults stay untouched otherwise). */
export function optionValues(options: CapsuleProxyOptions): Record<string, unknown> {
  return Object.fromEntries(CAPSULE_PROXY_OPTION_NAMES.filter((name) => options[name] !== undefined).map((name) => [name, options[name]]));
}

/** Why option `name` cannot be used under `profile` (its chart lacks the value), or undefined; `cluster` names who runs `profile`. */
export function unsupportedOption(name: CapsuleProxyOptionName, profile: VersionProfileName, cluster = 'the cluster'): string | undefined {
  const { profiles, flag } = CAPSULE_PROXY_OPTIONS[name];
  if (profiles.includes(profile)) return undefined;
  const version = (p: VersionProfileName) => `capsule-proxy ${PROFILES[p].charts.capsuleProxy.version} (versions: ${p})`;
  return `only ${profiles.map(version).join(', ')} has ${name} (chart value ${optionValue(name)}, flag ${flag}); ${cluster} runs ${version(profile)}`;
}

/** Problems of the option values themselves: a regular expression that does not compile. */
export function optionProblems(options: CapsuleProxyOptions): Array<{ name: CapsuleProxyOptionName; message: string }> {
  const problems: Array<{ name: CapsuleProxyOptionName; message: string }> = [];
  if (options.impersonationGroupRegexp !== undefined) {
    try {
      new RegExp(options.impersonationGroupRegexp);
    } catch (error) {
      problems.push({ name: 'impersonationGroupRegexp', message: `not a regular expression: ${(error as Error).message}` });
    }
  }
  return problems;
}
