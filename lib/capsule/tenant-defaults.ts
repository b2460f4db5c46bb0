import { NAMESPACE_NAME_LABEL, OPENCOST_TENANT_ANNOTATION, TENANT_LABEL } from './labels';

/**
 * Defaults a cluster gives every tenant. Under Capsule 0.10.9 (`seed`) all of them go into the
 * Tenant's own `networkPolicies`, `limitRanges`, `resourceQuotas` and
 * `namespaceOptions.additionalMetadataList`, which Capsule copies into (and keeps in) every namespace
 * of the tenant, and which the tenant's owners cannot change or delete there (Capsule's
 * networkpolicies webhook). Capsule 0.14 deprecates those fields; with `replicate` the network
 * isolation and the LimitRange are returned apart instead, for a GlobalTenantResource to replicate
 * (tenant-replication.ts, "Use Tenant Replications instead" in the 0.14 CRD).
 */

/** Which DNS Pods tenant Pods may query when egress is restricted. */
export interface DnsEndpoint {
  /**
   * Namespace of the cluster DNS.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS Pods.
   * @default { 'k8s-app': 'kube-dns' } (CoreDNS and kube-dns both carry it)
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Egress restriction of tenant Pods (off unless set). */
export interface EgressIsolation {
  /**
   * The cluster DNS, always allowed (TCP and UDP port 53).
   * @default - kube-system Pods labelled k8s-app=kube-dns
   */
  readonly dns?: DnsEndpoint;
  /**
   * Namespaces (not tenants') that tenant Pods may reach, e.g. an OpenTelemetry collector's.
   * @default - none
   */
  readonly toNamespaces?: readonly string[];
  /**
   * CIDRs outside the cluster that tenant Pods may reach (`0.0.0.0/0` for the internet).
   * @default - none
   */
  readonly toCidrs?: readonly string[];
}

/** Network isolation between tenants. */
export interface NetworkIsolation {
  /**
   * The platform's monitoring namespace: its Pods (Prometheus) may reach every tenant Pod.
   * @default - none
   */
  readonly monitoringNamespace?: string;
  /**
   * Other namespaces whose Pods may reach every tenant Pod, e.g. the ingress controller's.
   * @default - none
   */
  readonly fromNamespaces?: readonly string[];
  /**
   * Restrict egress too: tenant Pods may then reach only their tenant's namespaces, the cluster DNS
   * and what is listed here.
   * @default - egress is not restricted (DNS and everything else keep working)
   */
  readonly egress?: EgressIsolation;
}

/** The tenant identity that cost and log tooling group by (seed 001: OpenCost, Loki/Promtail). */
export interface TenantIdentity {
  /**
   * Annotate every tenant namespace with `opencost.projectcapsule.dev/tenant: <tenant>`.
   * @default true
   */
  readonly opencost?: boolean;
}

/** What a cluster gives every tenant unless the tenant opts out (`false` switches one off). */
export interface TenantDefaults {
  /**
   * Default-deny ingress from other tenants' Pods.
   * @default - isolation with no extra namespaces allowed
   */
  readonly networkIsolation?: NetworkIsolation | false;
  /**
   * A LimitRange (Kubernetes `LimitRangeSpec`, wire format) in every tenant namespace, unless the
   * tenant has `limitRanges` of its own.
   * @default DEFAULT_LIMIT_RANGE
   */
  readonly limitRange?: Readonly<Record<string, unknown>> | false;
  /**
   * Resource quotas (Capsule `resourceQuotas`: `{scope, items}`), unless the tenant has its own.
   * @default - none
   */
  readonly resourceQuotas?: Readonly<Record<string, unknown>> | false;
  /**
   * Tenant identity metadata on every tenant namespace.
   * @default - none
   */
  readonly tenantIdentity?: TenantIdentity | false;
}

/** The defaults a tenant may switch off (`false`). */
export type TenantDefaultName = 'networkIsolation' | 'limitRange' | 'resourceQuotas' | 'tenantIdentity';
export const TENANT_DEFAULT_NAMES: readonly TenantDefaultName[] = ['networkIsolation', 'limitRange', 'resourceQuotas', 'tenantIdentity'];

/** A tenant's opt-outs: `{ networkIsolation: false }` renders the tenant without that default. */
export type TenantDefaultsOptOut = Partial<Record<TenantDefaultName, false>>;

/**
 * The LimitRange tenants get when the cluster sets none: requests and limits for containers that
 * declare none, so that a Pod without resources neither escapes a quota nor starves its node.
 */
export const DEFAULT_LIMIT_RANGE = {
  limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }],
} as const;

/** The annotation on the Tenant that says which defaults it does not get, and why (reviewers see it). */
export const SKIPPED_DEFAULTS_ANNOTATION = 'capsule-platform/skipped-defaults';

/** The objects a replication copies into every namespace of the tenant (wire-format specs, in order). */
export interface ReplicatedDefaults {
  readonly networkPolicies: readonly Record<string, unknown>[];
  readonly limitRanges: readonly Record<string, unknown>[];
}

/** A tenant spec with the cluster's defaults, and which defaults were left out and why. */
export interface TenantWithDefaults {
  readonly spec: Record<string, unknown>;
  /** `<default> (<reason>)`, sorted by default name. */
  readonly skipped: readonly string[];
  /** With `replicate`: the defaults kept out of the spec, to be replicated (empty lists otherwise). */
  readonly replicated: ReplicatedDefaults;
}

/** How the defaults are rendered. */
export interface TenantDefaultsRendering {
  /**
   * Keep network isolation and the LimitRange out of the Tenant spec and return them in
   * `replicated` (Capsule 0.14, which deprecates `networkPolicies` and `limitRanges`).
   * @default false - everything into the Tenant spec (Capsule 0.10.9)
   */
  readonly replicate?: boolean;
}

const DNS_DEFAULTS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } } as const;

/**
 * `spec` (the tenant's own Tenant spec) with `defaults` applied. A tenant's own `limitRanges` or
 * `resourceQuotas` replace the default (two LimitRanges with defaults in one namespace are ambiguous);
 * its own `networkPolicies` add to the isolation (policies only ever allow more); its own OpenCost
 * annotation keeps its value. With `rendering.replicate` the isolation policies and the LimitRange
 * are returned in `replicated` and the tenant's own `networkPolicies` / `limitRanges` stay as written.
 */
export function withTenantDefaults(
  tenant: string,
  spec: Readonly<Record<string, unknown>>,
  defaults: TenantDefaults,
  optOut: TenantDefaultsOptOut = {},
  rendering: TenantDefaultsRendering = {},
): TenantWithDefaults {
  const out: Record<string, unknown> = { ...spec };
  const skipped: string[] = [];
  const replicated = { networkPolicies: [] as Record<string, unknown>[], limitRanges: [] as Record<string, unknown>[] };
  const active = <K extends TenantDefaultName>(name: K, value: TenantDefaults[K], own?: string): value is Exclude<TenantDefaults[K], false | undefined> => {
    if (value === false || value === undefined) return false;
    if (optOut[name] === false) skipped.push(`${name} (opted out)`);
    else if (own && spec[own] !== undefined) skipped.push(`${name} (the tenant's own ${own})`);
    else return true;
    return false;
  };

  const isolation = defaults.networkIsolation === undefined ? {} : defaults.networkIsolation;
  if (active('networkIsolation', isolation)) {
    if (rendering.replicate) replicated.networkPolicies.push(...isolationPolicies(tenant, isolation));
    else {
      const own = ((spec.networkPolicies as { items?: unknown[] } | undefined)?.items ?? []) as unknown[];
      // The defaults come first, so that their copies keep their names (capsule-<tenant>-0, -1) when the
      // tenant adds policies of its own.
      out.networkPolicies = { items: [...isolationPolicies(tenant, isolation), ...own] };
    }
  }
  const limitRange = defaults.limitRange === undefined ? DEFAULT_LIMIT_RANGE : defaults.limitRange;
  if (active('limitRange', limitRange, 'limitRanges')) {
    if (rendering.replicate) replicated.limitRanges.push(clone(limitRange) as Record<string, unknown>);
    else out.limitRanges = { items: [clone(limitRange)] };
  }
  if (active('resourceQuotas', defaults.resourceQuotas, 'resourceQuotas')) out.resourceQuotas = clone(defaults.resourceQuotas);
  if (active('tenantIdentity', defaults.tenantIdentity) && defaults.tenantIdentity.opencost !== false) {
    const options = (spec.namespaceOptions ?? {}) as Record<string, unknown>;
    const list = (options.additionalMetadataList ?? []) as Array<{ annotations?: Record<string, string>; namespaceSelector?: unknown }>;
    // A tenant that sets the annotation itself (another cost group) keeps its value.
    const own = list.some((entry) => entry.annotations && OPENCOST_TENANT_ANNOTATION in entry.annotations);
    if (own) skipped.push(`tenantIdentity (the tenant's own ${OPENCOST_TENANT_ANNOTATION})`);
    else out.namespaceOptions = { ...options, additionalMetadataList: [...list, { annotations: { [OPENCOST_TENANT_ANNOTATION]: '{{ tenant.name }}' } }] };
  }
  return { spec: out, skipped: skipped.sort(), replicated };
}

/** The NetworkPolicy specs of `isolation` for `tenant`'s namespaces. */
export function isolationPolicies(tenant: string, isolation: NetworkIsolation): Record<string, unknown>[] {
  const ownNamespaces = { namespaceSelector: { matchLabels: { [TENANT_LABEL]: tenant } } };
  const fromNamespaces = [...(isolation.monitoringNamespace ? [isolation.monitoringNamespace] : []), ...(isolation.fromNamespaces ?? [])];
  const ingress = {
    podSelector: {},
    policyTypes: ['Ingress'],
    ingress: [{ from: [ownNamespaces, ...(fromNamespaces.length ? [namespacesNamed(fromNamespaces)] : [])] }],
  };
  if (!isolation.egress) return [ingress];

  const dns = { ...DNS_DEFAULTS, ...isolation.egress.dns };
  const toNamespaces = isolation.egress.toNamespaces ?? [];
  const egress = {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      { to: [ownNamespaces, ...(toNamespaces.length ? [namespacesNamed(toNamespaces)] : [])] },
      {
        to: [{ ...namespacesNamed([dns.namespace]), podSelector: { matchLabels: { ...dns.podLabels } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      ...(isolation.egress.toCidrs?.length ? [{ to: isolation.egress.toCidrs.map((cidr) => ({ ipBlock: { cidr } })) }] : []),
    ],
  };
  return [ingress, egress];
}

/** A peer selecting the namespaces `names` (by the name label Kubernetes puts on every namespace). */
function namespacesNamed(names: readonly string[]): Record<string, unknown> {
  const sorted = [...new Set(names)].sort();
  return {
    namespaceSelector: sorted.length === 1 ? { matchLabels: { [NAMESPACE_NAME_LABEL]: sorted[0] } } : { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: sorted }] },
  };
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
