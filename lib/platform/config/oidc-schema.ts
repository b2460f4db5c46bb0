import { Static, Type } from '@sinclair/typebox';
import type { YamlFile } from '../../core/config/yaml-file';
import type { Problem } from '../../core/errors';
import { StrictObject } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import type { ClusterSettings } from './platform-schema';

/**
 * The OIDC issuer of a cluster: the one its API server trusts. Every OIDC client the platform
 * configures for that cluster (Headlamp, the tenant kubeconfigs) logs users in there, so it is
 * written once here and read by each of them.
 */
export const ClusterOidcSettings = StrictObject(
  {
    issuerURL: Type.String({
      pattern: '^https://[^\\s/]+[^\\s]*$',
      [PATTERN_HINT]: 'an https:// URL, e.g. https://keycloak.example.com/realms/platform',
      description: "Issuer URL the cluster's API server trusts (--oidc-issuer-url, or jwt.issuer.url of its AuthenticationConfiguration).",
    }),
  },
  {
    description:
      "The OIDC issuer of the cluster's API server, read by Headlamp's login and the tenant kubeconfigs (their own issuerURL is then refused). Default: none (each client names its issuer)",
  },
);
export type ClusterOidcSettings = Static<typeof ClusterOidcSettings>;

/** The OIDC clients of a cluster that name an issuer, with where they do so in platform.yaml. */
function issuerReaders(cluster: ClusterSettings): Array<{ segments: string[]; oidc: { issuerURL?: string } }> {
  const readers: Array<{ segments: string[]; oidc: { issuerURL?: string } }> = [];
  if (cluster.clients?.headlamp?.oidc) readers.push({ segments: ['clients', 'headlamp', 'oidc'], oidc: cluster.clients.headlamp.oidc });
  if (cluster.capsuleProxy?.exposure?.oidc) readers.push({ segments: ['capsuleProxy', 'exposure', 'oidc'], oidc: cluster.capsuleProxy.exposure.oidc });
  return readers;
}

/** One issuer per cluster: a client repeats the cluster's `oidc.issuerURL` never, and names its own only without it. */
export function oidcProblems(cluster: ClusterSettings, index: number, platformFile: YamlFile): Problem[] {
  const issuer = cluster.oidc?.issuerURL;
  return issuerReaders(cluster).flatMap(({ segments, oidc }) => {
    const at = ['clusters', String(index), ...segments];
    if (issuer && oidc.issuerURL !== undefined) {
      return [platformFile.problem([...at, 'issuerURL'], `the issuer is clusters[${index}].oidc.issuerURL (${issuer}) on cluster ${cluster.name}: remove issuerURL here`)];
    }
    if (!issuer && oidc.issuerURL === undefined) {
      return [platformFile.problem(at, `needs the OIDC issuer: set clusters[${index}].oidc.issuerURL (the issuer the API server of cluster ${cluster.name} trusts), or issuerURL here`)];
    }
    return [];
  });
}

/** The issuer `oidc` logs in with: its own, or the cluster's (the config checks make one of them exist). */
export function withIssuer<T extends { issuerURL?: string }>(oidc: T, cluster: { name: string; oidc?: ClusterOidcSettings }): T & { issuerURL: string } {
  const issuerURL = oidc.issuerURL ?? cluster.oidc?.issuerURL;
  if (!issuerURL) throw new Error(`cluster ${cluster.name}: an OIDC client has no issuer (set oidc.issuerURL on the cluster)`);
  return { ...oidc, issuerURL };
}
