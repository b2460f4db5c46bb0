import { TeleportProvisionTokenSpec, toJson_TeleportProvisionTokenSpec } from '../../imports/teleport-provisiontokens-resources.teleport.dev';
import type { TctlResource } from './tctl';

/**
 * Teleport's `kubernetes` join method: a pod proves its identity with a ServiceAccount token, which
 * Teleport verifies against the cluster's ServiceAccount issuer. Nothing secret is involved: the
 * token's name is public and the JWKS holds public keys only.
 */

/**
 * How Teleport verifies ServiceAccount tokens of one Kubernetes cluster (`spec.kubernetes.type`).
 * `static_jwks`: against the cluster's public keys (`kubectl get --raw /openid/v1/jwks`), which works
 * wherever Teleport runs but must be updated when the cluster rotates its signing keys. `in_cluster`:
 * with a TokenReview, only when the Teleport Auth Service runs in that same cluster. (The saved
 * 18.x CRD has no `oidc` type, so it is not offered.)
 */
export type KubernetesJoinTrust = { readonly type: 'static_jwks'; readonly jwks: string } | { readonly type: 'in_cluster' };

/** JWK members that only private (or symmetric) keys have. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Why `jwks` is not a JSON Web Key Set of public keys, or undefined if it is one. */
export function jwksProblem(jwks: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch (error) {
    return `must be the JSON output of \`kubectl get --raw /openid/v1/jwks\` (${(error as Error).message})`;
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'must be a JSON Web Key Set: an object with a non-empty "keys" list (`kubectl get --raw /openid/v1/jwks`)';
  for (const [i, key] of keys.entries()) {
    if (key === null || typeof key !== 'object' || typeof (key as { kty?: unknown }).kty !== 'string') return `keys[${i}] is not a JSON Web Key (no "kty")`;
    const secret = PRIVATE_JWK_MEMBERS.filter((m) => m in key);
    if (secret.length) return `keys[${i}] contains private key material (${secret.join(', ')}): only the public keys belong here, never a private key`;
  }
  return undefined;
}

export interface KubernetesJoinTokenOptions {
  /** Teleport system roles the token grants, e.g. `Kube` for an agent, `Bot` for a bot. */
  readonly roles: readonly string[];
  /** The bot that joins with it (for `Bot` tokens). */
  readonly botName?: string;
  /** The only ServiceAccount allowed to join with it, `<namespace>:<name>`. */
  readonly serviceAccount: string;
  readonly trust: KubernetesJoinTrust;
}

/** The spec of a `kubernetes`-method join token (the same for the custom resource and for tctl). */
export function kubernetesJoinTokenSpec(options: KubernetesJoinTokenOptions): TeleportProvisionTokenSpec {
  return {
    roles: [...options.roles],
    botName: options.botName,
    joinMethod: 'kubernetes',
    kubernetes: {
      type: options.trust.type,
      staticJwks: options.trust.type === 'static_jwks' ? { jwks: options.trust.jwks } : undefined,
      allow: [{ serviceAccount: options.serviceAccount }],
    },
  };
}

/** The token as a `tctl create` resource. */
export function tctlToken(name: string, spec: TeleportProvisionTokenSpec): TctlResource {
  return { kind: 'token', version: 'v2', metadata: { name }, spec: toJson_TeleportProvisionTokenSpec(spec) };
}
