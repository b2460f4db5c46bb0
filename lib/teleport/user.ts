import type { TctlResource } from './tctl';

/**
 * A local Teleport user and its roles. One definition is rendered as the operator's `TeleportUser`
 * custom resource and as a `tctl` resource (`kind: user`, `version: v2`), so the two cannot differ.
 * Neither carries a password: the user sets it (and a second factor) with the link of
 * `tctl users reset <name>`.
 */
export interface TeleportUserDefinition {
  readonly name: string;
  /** Teleport roles, sorted. */
  readonly roles: readonly string[];
}

/** The user's spec (`resources.teleport.dev/v2` TeleportUser and tctl `user` v2 share it). */
export function userSpec(user: TeleportUserDefinition): { roles: string[] } {
  return { roles: [...user.roles] };
}

/** The user as a `tctl create` resource. */
export function tctlUser(user: TeleportUserDefinition): TctlResource {
  return { kind: 'user', version: 'v2', metadata: { name: user.name }, spec: userSpec(user) };
}
