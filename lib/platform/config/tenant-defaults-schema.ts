import { Static, Type } from '@sinclair/typebox';
import { NAMESPACE_NAME_LABEL, OPENCOST_TENANT_ANNOTATION, TENANT_LABEL } from '../../capsule/labels';
import { DEFAULT_LIMIT_RANGE, SKIPPED_DEFAULTS_ANNOTATION, TENANT_DEFAULT_NAMES } from '../../capsule/tenant-defaults';
import { DnsLabel, Labels, StrictObject } from '../../core/config/schema';
import { PATTERN_HINT } from '../../core/validation/explain';
import * as capsulePodLabels from '../../kyverno/policies/monitoring/capsule-pod-labels';

/**
 * Schema of `clusters[].tenantDefaults` in platform.yaml and of a tenant's `platform.tenantDefaults`
 * opt-outs. The LimitRange and quota bodies are Capsule's own format, checked against the Tenant CRD
 * (tenant-defaults-checks.ts).
 */

const Off = (what: string) => Type.Literal(false, { description: `false: no ${what} for any tenant of this cluster.` });

// The shape of an IPv4 or IPv6 CIDR; cidrProblem() (tenant-defaults-checks.ts) checks the address and prefix length.
export const CIDR_SHAPE = '^(([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$';

const Egress = StrictObject(
  {
    dns: Type.Optional(
      StrictObject(
        {
          namespace: Type.Optional(DnsLabel({ description: 'Namespace of the cluster DNS. Default: kube-system' })),
          podLabels: Type.Optional(Labels({ description: 'Labels of the DNS Pods. Default: k8s-app: kube-dns' })),
        },
        { description: 'The cluster DNS, always allowed (UDP and TCP port 53).' },
      ),
    ),
    toNamespaces: Type.Optional(Type.Array(DnsLabel(), { uniqueItems: true, description: 'Non-tenant namespaces tenant Pods may reach. Default: none' })),
    toCidrs: Type.Optional(
      Type.Array(Type.String({ pattern: CIDR_SHAPE, [PATTERN_HINT]: 'a CIDR such as 0.0.0.0/0 or 10.0.0.0/8' }), { uniqueItems: true, description: 'CIDRs outside the cluster tenant Pods may reach (0.0.0.0/0: the internet). Default: none' }),
    ),
  },
  { description: "Restrict tenant Pods' egress too: to their tenant's namespaces, the cluster DNS and what is listed here. Default: egress is not restricted" },
);

export const NetworkIsolationSettings = StrictObject(
  {
    monitoringNamespace: Type.Optional(DnsLabel({ description: "The platform's monitoring namespace: its Pods (Prometheus) may reach every tenant Pod. Default: none" })),
    fromNamespaces: Type.Optional(Type.Array(DnsLabel(), { uniqueItems: true, description: "Other namespaces whose Pods may reach every tenant Pod (e.g. the ingress controller's). Default: none" })),
    egress: Type.Optional(Egress),
  },
  {
    description:
      `A NetworkPolicy in every tenant namespace (Tenant networkPolicies): Pods accept traffic only from their own tenant's namespaces (label ${TENANT_LABEL}) ` +
      `and the namespaces listed here (by ${NAMESPACE_NAME_LABEL}). Default: on, with no other namespace allowed`,
  },
);

const CapsuleFormat = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

export const TenantIdentitySettings = StrictObject(
  {
    opencost: Type.Optional(Type.Boolean({ description: `Annotate every tenant namespace with ${OPENCOST_TENANT_ANNOTATION}: <tenant> (OpenCost groups costs by it). Default: true` })),
    pods: Type.Optional(
      Type.Boolean({
        description: `Label every Pod with ${TENANT_LABEL}: <tenant> (Promtail turns it into the Loki tenant), with the Kyverno policy ${capsulePodLabels.NAME}, which this enables (needs kyverno). Default: true`,
      }),
    ),
  },
  { description: 'The tenant identity cost and log tooling group by (seed 001, OpenCost and Monitoring). Default: none' },
);

export const TenantDefaultsSettings = StrictObject(
  {
    networkIsolation: Type.Optional(Type.Union([NetworkIsolationSettings, Off('network isolation')])),
    limitRange: Type.Optional(
      Type.Union([
        CapsuleFormat(`A LimitRange spec (limits: [...]) for every tenant namespace, unless a tenant has limitRanges of its own. Default: ${JSON.stringify(DEFAULT_LIMIT_RANGE)}`),
        Off('default LimitRange'),
      ]),
    ),
    resourceQuotas: Type.Optional(Type.Union([CapsuleFormat("Capsule resourceQuotas ({scope, items}) for every tenant that has none of its own. Default: none"), Off('default quotas')])),
    tenantIdentity: Type.Optional(Type.Union([TenantIdentitySettings, Off('tenant identity metadata')])),
  },
  { description: `What every tenant of this cluster gets unless it opts out (platform.tenantDefaults in its file; named in the Tenant's ${SKIPPED_DEFAULTS_ANNOTATION} annotation).` },
);

export const TenantDefaultsOptOutSettings = StrictObject(
  Object.fromEntries(TENANT_DEFAULT_NAMES.map((name) => [name, Type.Optional(Type.Literal(false, { description: `false: this tenant does not get the cluster's ${name}.` }))])),
  { description: "The cluster's tenant defaults this tenant opts out of (each false). Its own limitRanges or resourceQuotas replace the defaults without opting out." },
);

export type TenantDefaultsSettings = Static<typeof TenantDefaultsSettings>;
