import { Type } from '@sinclair/typebox';
import { CapsuleProxy } from '../../capsule-proxy/capsule-proxy';
import { CapsuleProxyExposureType, INGRESS_NGINX_PASSTHROUGH, INGRESS_PORT } from '../../capsule-proxy/exposure';
import { StrictObject, StringEnum } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';

/**
 * Schema of `clusters[].capsuleProxy.exposure` in platform.yaml. The checks a schema cannot express
 * (fields for one type only, IP addresses, CIDRs) are in exposure-checks.ts.
 */

const passthrough = Object.entries(INGRESS_NGINX_PASSTHROUGH)
  .map(([k, v]) => `${k}: "${v}"`)
  .join(', ');

export const CapsuleProxyOidcSettings = StrictObject(
  {
    issuerURL: Type.Optional(
      Type.String({ pattern: '^https://[^\\s]+$', [PATTERN_HINT]: 'an https:// URL, e.g. https://keycloak.example.com/realms/platform', description: "OIDC issuer URL the API server trusts (--oidc-issuer-url); only without the cluster's oidc.issuerURL. Default: the cluster's oidc.issuerURL" }),
    ),
    clientID: Type.String({ minLength: 1, pattern: '^[^\\s]+$', description: 'OIDC client ID kubectl users log in with (a public client: no secret).' }),
  },
  { description: "Fills in the tenant kubeconfigs' kubelogin (kubectl oidc-login) credential plugin. Default: placeholders <OIDC_ISSUER_URL> and <OIDC_CLIENT_ID> to replace" },
);

export const CapsuleProxyExposureSettings = StrictObject(
  {
    type: StringEnum([CapsuleProxyExposureType.LOAD_BALANCER, CapsuleProxyExposureType.INGRESS] as const, {
      description: `LoadBalancer: the proxy's Service becomes a LoadBalancer; users connect to https://<host>:${CapsuleProxy.PORT}. Ingress: the chart's Ingress passes TLS through to the proxy (which terminates it); users connect to https://<host> (${INGRESS_PORT}).`,
    }),
    host: Type.String({
      minLength: 1,
      [PATTERN_HINT]: 'a DNS name such as capsule-proxy.example.com (or, with type LoadBalancer, an IP address)',
      description: "The name users connect to (a LoadBalancer's DNS name or IP address; the Ingress rule's host). It is added to the proxy's certificate and is the server of the tenant kubeconfigs.",
    }),
    annotations: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String(), {
        description: `Annotations of the Service (LoadBalancer) or the Ingress; they replace the default. Default: LoadBalancer none; Ingress ingress-nginx's TLS passthrough (${passthrough})`,
      }),
    ),
    className: Type.Optional(Type.String({ minLength: 1, description: "type Ingress: the IngressClass. Default: the cluster's default IngressClass" })),
    loadBalancerSourceRanges: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: "type LoadBalancer: client CIDRs the load balancer admits. Default: the provider's (usually any)" })),
    kubeconfigs: Type.Optional(Type.Boolean({ description: 'Write a kubeconfig template per tenant to <cluster>/kubeconfigs/ (never applied). Default: true' })),
    oidc: Type.Optional(CapsuleProxyOidcSettings),
  },
  { description: 'Expose capsule-proxy to kubectl users outside the cluster (docs/capsule-proxy.md). Default: not exposed (a ClusterIP Service)' },
);
