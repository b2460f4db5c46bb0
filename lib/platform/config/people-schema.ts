import { Static, Type } from '@sinclair/typebox';
import { DnsSubdomain, StrictObject, StringEnum } from '../../core/config/schema';

/**
 * Schema of `people:` in platform.yaml: who holds which Teleport role. Local users are rendered
 * (TeleportUser for the operator, tctl `user` resources); SSO connectors are only described (their
 * group-to-role mapping), since a connector carries its client secret and lives in Teleport.
 */

const TeleportCluster = Type.Optional(
  Type.String({ minLength: 1, description: "The Teleport cluster (a clusters[].teleport cluster name). Default: the platform's only Teleport cluster" }),
);

const Roles = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  uniqueItems: true,
  description: 'Teleport roles: roles of tenant files, or Teleport preset roles (access, editor, auditor...).',
});

export const TeleportUserSettings = StrictObject(
  {
    name: DnsSubdomain({ description: 'Teleport user name (also the TeleportUser object name, so a DNS subdomain: no @).' }),
    roles: Roles,
    teleportCluster: TeleportCluster,
  },
  { description: 'A local Teleport user. It still sets its password and second factor itself (tctl users reset <name>).' },
);

export const SsoConnectorSettings = StrictObject(
  {
    name: Type.String({ minLength: 1, description: 'Name of the connector in Teleport (tsh login --auth=<name>).' }),
    type: StringEnum(['oidc', 'saml', 'github'] as const, { description: 'oidc (claims_to_roles), saml (attributes_to_roles) or github (teams_to_roles).' }),
    claim: Type.Optional(Type.String({ minLength: 1, description: 'oidc: the claim, saml: the attribute that carries the groups. Default: groups (github: <organization>/<team>)' })),
    teleportCluster: TeleportCluster,
    groupsToRoles: Type.Array(
      StrictObject(
        { group: Type.String({ minLength: 1, description: 'SSO group (claim or attribute value; github: <organization>/<team>).' }), roles: Roles },
        { description: 'Members of group get roles.' },
      ),
      { minItems: 1, description: "The connector's group-to-role mapping, as configured in Teleport." },
    ),
  },
  { description: "An SSO connector's group-to-role mapping. Reported in ACCESS.md only: the connector (with its client secret) is configured in Teleport." },
);

export const PeopleSettings = StrictObject(
  {
    users: Type.Optional(Type.Array(TeleportUserSettings, { description: 'Local Teleport users and their roles. Default: none' })),
    ssoConnectors: Type.Optional(Type.Array(SsoConnectorSettings, { description: 'SSO connectors and which groups get which roles. Default: none' })),
  },
  { description: 'Who holds the Teleport roles: local users (rendered) and SSO group mappings (reported), shown in every ACCESS.md.' },
);

export type PeopleSettings = Static<typeof PeopleSettings>;
export type TeleportUserSettings = Static<typeof TeleportUserSettings>;
export type SsoConnectorSettings = Static<typeof SsoConnectorSettings>;
