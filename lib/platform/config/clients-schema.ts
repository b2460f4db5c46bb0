import { Static, Type } from '@sinclair/typebox';
import { Gangplank } from '../../clients/gangplank';
import { Headlamp } from '../../clients/headlamp';
import { KubernetesDashboard } from '../../clients/kubernetes-dashboard';
import { TektonDashboard } from '../../clients/tekton-dashboard';
import { DnsLabel, Labels, StrictObject } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';

/**
 * Schema of `clusters[].clients` in platform.yaml: the capsule-proxy clients of the seed's
 * integration pages, each opt-in. Every client runs in capsule-proxy's namespace unless told
 * otherwise, because that is where the proxy's CA Secret is.
 */

const HttpsUrl = (description: string) =>
  Type.String({ pattern: '^https://[^\\s/]+[^\\s]*$', [PATTERN_HINT]: 'an https:// URL, e.g. https://keycloak.example.com/realms/example', description });

const Namespace = (client: string) =>
  DnsLabel({ description: `Namespace of ${client}. Outside capsule-proxy's namespace, the proxy's CA must be distributed there (trust-manager). Default: capsule-proxy's namespace (capsule-system)` });

const Image = (pinned: string) =>
  Type.String({ minLength: 1, pattern: '^[^\\s]+$', [PATTERN_HINT]: 'an image reference with its tag, e.g. registry.example.com/mirror/image:1.0.0', description: `Image reference with tag (e.g. a mirror). Default: ${pinned}` });

const HelmValues = (component: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    description: `Extra ${component} chart values, merged over the generated ones. Values the platform derives (listed in the error when touched) cannot be overridden.`,
  });

const SecretName = (description: string) => DnsLabel({ description });

export const HeadlampSettings = StrictObject(
  {
    namespace: Type.Optional(Namespace('Headlamp')),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name. Default: ${Headlamp.DEFAULT_RELEASE_NAME}` })),
    oidc: Type.Optional(
      StrictObject(
        {
          issuerURL: Type.Optional(HttpsUrl('OIDC issuer URL (the API server must accept tokens of this issuer for clientID); only without the cluster\'s oidc.issuerURL. Default: the cluster\'s oidc.issuerURL')),
          clientID: Type.String({ minLength: 1, description: 'OIDC client ID (a confidential client).' }),
          clientSecretName: SecretName(`Existing Secret in Headlamp's namespace whose key ${Headlamp.CLIENT_SECRET_KEY} holds the client secret (never in platform.yaml; keep it SOPS-encrypted in secrets/<cluster>/ or create it out of band).`),
          scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s,]+$' }), { minItems: 1, uniqueItems: true, description: "Scopes to request. Default: Headlamp's (profile, email)" })),
          callbackURL: Type.Optional(HttpsUrl('Callback URL registered with the provider. Default: <Headlamp URL>/oidc-callback')),
          useAccessToken: Type.Optional(Type.Boolean({ description: 'Send the access token instead of the ID token to the Kubernetes API. Default: false' })),
        },
        { description: 'OIDC login. Default: none (users paste a token)' },
      ),
    ),
    values: Type.Optional(HelmValues('headlamp')),
  },
  { description: `Headlamp (chart headlamp), routed through capsule-proxy.` },
);

export const KubernetesDashboardSettings = StrictObject(
  {
    namespace: Type.Optional(Namespace('the Kubernetes Dashboard')),
    releaseName: Type.Optional(DnsLabel({ description: `Helm release name. Default: ${KubernetesDashboard.DEFAULT_RELEASE_NAME}` })),
    values: Type.Optional(HelmValues('kubernetes-dashboard')),
  },
  { description: 'Kubernetes Dashboard 7 (chart kubernetes-dashboard), its api and auth modules routed through capsule-proxy. Users sign in with a bearer token (an auth proxy such as oauth2-proxy in front adds it).' },
);

export const GangplankSettings = StrictObject(
  {
    namespace: Type.Optional(Namespace('Gangplank')),
    name: Type.Optional(DnsLabel({ description: `Name of Gangplank's Deployment, Service and ConfigMap. Default: ${Gangplank.DEFAULT_NAME}` })),
    clusterName: Type.Optional(Type.String({ minLength: 1, description: 'Cluster name shown to users and used in their kubeconfig. Default: the cluster name' })),
    apiServerURL: Type.Optional(
      HttpsUrl(
        "capsule-proxy's URL as users reach it from outside the cluster, e.g. https://capsule-proxy.example.com:443: only when the platform does not expose the proxy itself. Default: the URL of capsuleProxy.exposure (required without it)",
      ),
    ),
    oidc: StrictObject(
      {
        authorizeURL: HttpsUrl('URL that starts the authorization flow, e.g. https://keycloak/realms/x/protocol/openid-connect/auth.'),
        tokenURL: HttpsUrl('URL that issues tokens, e.g. https://keycloak/realms/x/protocol/openid-connect/token.'),
        clientID: Type.String({ minLength: 1, description: 'OIDC client ID (a confidential client).' }),
        redirectURL: HttpsUrl("Gangplank's own callback URL, e.g. https://gangplank.example.com/callback."),
        scopes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: "Scopes to request. Default: Gangplank's (openid, profile, email, offline_access)" })),
        usernameClaim: Type.Optional(Type.String({ minLength: 1, description: "JWT claim that names the user; match the API server's username claim. Default: Gangplank's (nickname)" })),
        audience: Type.Optional(Type.String({ minLength: 1, description: 'Audience to request. Default: none' })),
      },
      { description: "Gangplank's OIDC client." },
    ),
    secretName: Type.Optional(
      SecretName(`Existing Secret in Gangplank's namespace with keys ${Gangplank.SECRET_KEYS.join(' and ')} (never in platform.yaml; keep it SOPS-encrypted in secrets/<cluster>/ or create it out of band). Default: ${Gangplank.DEFAULT_NAME}`),
    ),
    kubeconfigCA: Type.Optional(
      Type.Union(
        [
          StrictObject({ from: Type.Literal('capsule-proxy', { description: "capsule-proxy's own CA: apiServerURL reaches the proxy's certificate (LoadBalancer, TLS passthrough)." }) }),
          StrictObject({
            from: Type.Literal('secret', { description: 'A key of an existing Secret in Gangplank\'s namespace, e.g. the Ingress TLS Secret.' }),
            name: SecretName('Name of the Secret.'),
            key: Type.String({ minLength: 1, pattern: '^[-._a-zA-Z0-9]+$', description: 'Key of the certificate, e.g. tls.crt.' }),
          }),
          StrictObject({ from: Type.Literal('none', { description: 'No CA in the kubeconfig: apiServerURL has a publicly trusted certificate.' }) }),
        ],
        { description: 'The CA written into the kubeconfigs Gangplank hands out. Default: from: capsule-proxy' },
      ),
    ),
    image: Type.Optional(Image(Gangplank.IMAGES[0].chartDefault)),
  },
  { description: 'Gangplank: OIDC login that hands users a kubeconfig for capsule-proxy (rendered as manifests).' },
);

export const TektonDashboardSettings = StrictObject(
  {
    namespace: Type.Optional(Namespace('the Tekton Dashboard')),
    readOnly: Type.Optional(Type.Boolean({ description: 'Read-only dashboard (release.yaml) or read/write (release-full.yaml). Default: true' })),
    pipelinesNamespace: Type.Optional(DnsLabel({ description: `Namespace of Tekton Pipelines. Default: ${TektonDashboard.DEFAULT_PIPELINES_NAMESPACE}` })),
    triggersNamespace: Type.Optional(DnsLabel({ description: 'Namespace of Tekton Triggers. Default: pipelinesNamespace' })),
    logoutURL: Type.Optional(HttpsUrl("URL of the dashboard's logout button, e.g. an oauth2-proxy's /oauth2/sign_out. Default: no logout button")),
    authProxy: StrictObject(
      {
        namespace: Type.Optional(DnsLabel({ description: "Namespace of the auth proxy's Pods. Default: the dashboard's namespace" })),
        podLabels: Labels({ description: "Labels of the auth proxy's Pods, e.g. { app.kubernetes.io/name: oauth2-proxy }." }),
      },
      {
        description:
          "The auth proxy (e.g. oauth2-proxy) in front of the dashboard that forwards each user's token (Authorization header). Required: the dashboard's ServiceAccount has no privileges, and a NetworkPolicy admits only these Pods to the dashboard.",
      },
    ),
    image: Type.Optional(Image(TektonDashboard.IMAGES[0].chartDefault)),
  },
  { description: 'The Tekton Dashboard (release manifests), routed through capsule-proxy. Tekton Pipelines must be installed.' },
);

export const ClientsSettings = StrictObject(
  {
    headlamp: Type.Optional(HeadlampSettings),
    kubernetesDashboard: Type.Optional(KubernetesDashboardSettings),
    gangplank: Type.Optional(GangplankSettings),
    tektonDashboard: Type.Optional(TektonDashboardSettings),
  },
  { description: "capsule-proxy clients (the seed's integration pages), each opt-in; they are applied in the clients layer, after the infrastructure. See docs/clients.md. Default: none" },
);

export type ClientsSettings = Static<typeof ClientsSettings>;
export type ClientName = keyof ClientsSettings;
