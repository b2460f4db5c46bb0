import { TeleportRoleV8Spec, toJson_TeleportRoleV8Spec } from '../../imports/teleport-rolesv8-resources.teleport.dev';
import { completeRule, KubernetesLabelSelector, KubernetesResourceRule } from './role-rules';
import type { TctlResource } from './tctl';

/**
 * Teleport roles that grant Kubernetes access. One definition is rendered both as the operator's
 * `TeleportRoleV8` custom resource and as a `tctl` resource (`kind: role`, `version: v8`), so the two
 * cannot differ.
 */

/** Teleport's built-in (preset) roles: a generated role with one of these names would replace it. */
export const PRESET_ROLES = [
  'access',
  'editor',
  'auditor',
  'requester',
  'reviewer',
  'group-access',
  'device-admin',
  'device-enroll',
  'require-trusted-device',
  'terraform-provider',
  'okta-access',
  'okta-requester',
] as const;

/** Prefix of the role Teleport creates for each bot (`tctl bots add <bot>` creates `bot-<bot>`). */
export const BOT_ROLE_PREFIX = 'bot-';

/** Every rule of the Capsule demo role: Teleport lets everything through, Capsule and RBAC decide. */
export const ALL_RESOURCES: KubernetesResourceRule = { api_group: '*', kind: '*', name: '*', namespace: '*', verbs: ['*'] };

export interface KubernetesAccess {
  /** Kubernetes users Teleport impersonates (`kubernetes_users`); empty: the Teleport user name. */
  readonly users: readonly string[];
  /** Kubernetes groups Teleport impersonates (`kubernetes_groups`). */
  readonly groups: readonly string[];
  /** Teleport labels of the Kubernetes clusters the role reaches (`kubernetes_labels`). */
  readonly clusterLabels: KubernetesLabelSelector;
  /** What may be done there (`kubernetes_resources`); defaults are filled in. */
  readonly resources: readonly KubernetesResourceRule[];
}

export interface TeleportRoleDefinition {
  readonly name: string;
  /** Labels of the role itself (Teleport metadata labels; the operator copies the CR's labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly access: KubernetesAccess;
}

/** The role's spec, typed by the operator's CRD. */
export function roleSpec(access: KubernetesAccess): TeleportRoleV8Spec {
  return {
    allow: {
      kubernetesUsers: access.users.length ? [...access.users] : undefined,
      kubernetesGroups: [...access.groups],
      kubernetesLabels: { ...access.clusterLabels },
      kubernetesResources: access.resources.map((rule) => {
        const complete = completeRule(rule);
        return { apiGroup: complete.api_group, kind: complete.kind, name: complete.name, namespace: complete.namespace, verbs: [...complete.verbs] };
      }),
    },
  };
}

/** The role's name and labels (no empty `labels`). */
export function roleMetadata(role: TeleportRoleDefinition): { name: string; labels?: Record<string, string> } {
  return Object.keys(role.labels).length ? { name: role.name, labels: { ...role.labels } } : { name: role.name };
}

/** The role as a `tctl create` resource. */
export function tctlRole(role: TeleportRoleDefinition): TctlResource {
  return { kind: 'role', version: 'v8', metadata: roleMetadata(role), spec: toJson_TeleportRoleV8Spec(roleSpec(role.access)) };
}
