import { isIPv4, isIPv6 } from 'net';
import { TenantV1Beta2 } from '../../../imports/capsule-tenants-capsule.clastix.io';
import { TenantDefaults } from '../../capsule/tenant-defaults';
import { checkQuotasAndLimits, checkTenantFields } from '../../capsule/tenant-rules';
import { describeValue } from '../../core/errors';
import { loadCrdValidator } from '../../core/validation/crd-validators';
import { Explained, explainErrors } from '../../core/validation/explain';
import { DEFAULT_VERSION_PROFILE } from '../../versions';
import * as capsulePodLabels from '../../kyverno/policies/monitoring/capsule-pod-labels';
import type { KyvernoPolicySettings } from './kyverno-schema';
import type { ClusterSettings } from './platform-schema';
import { TENANT_KEY } from './tenant-schema';

/**
 * The cluster's `tenantDefaults` as the Tenant construct takes them. Left out, tenants are isolated
 * and get the default LimitRange: isolation is the default, opting out is explicit.
 */
export function tenantDefaults(cluster: ClusterSettings): TenantDefaults {
  const settings = cluster.tenantDefaults ?? {};
  const identity = settings.tenantIdentity;
  return {
    networkIsolation: settings.networkIsolation,
    limitRange: settings.limitRange,
    resourceQuotas: settings.resourceQuotas,
    tenantIdentity: identity === undefined || identity === false ? identity : { opencost: identity.opencost },
  };
}

/** Whether the cluster labels every Pod with its tenant (tenantIdentity.pods, through capsule-pod-labels). */
export function labelsPodsWithTenant(cluster: ClusterSettings): boolean {
  const identity = cluster.tenantDefaults?.tenantIdentity;
  return identity !== undefined && identity !== false && identity.pods !== false;
}

/**
 * The Kyverno policies of the cluster, with capsule-pod-labels enabled (at its defaults, unless
 * configured) when tenantIdentity labels Pods: one setting gives OpenCost and Loki the same identity.
 */
export function effectivePolicySettings(cluster: ClusterSettings): KyvernoPolicySettings | undefined {
  const policies = cluster.kyverno?.policies;
  if (!cluster.kyverno || !labelsPodsWithTenant(cluster) || policies?.[capsulePodLabels.NAME]) return policies;
  return { ...policies, [capsulePodLabels.NAME]: {} };
}

/** Problems of `clusters[index].tenantDefaults`, at their path in platform.yaml. */
export function tenantDefaultsProblems(cluster: ClusterSettings, index: number): Explained[] {
  const settings = cluster.tenantDefaults;
  if (!settings) return [];
  const base = ['clusters', String(index), 'tenantDefaults'];
  const problems: Explained[] = [];

  // The bodies are Capsule's format: checked as the Tenant fields they become, with the same rules.
  const spec: Record<string, unknown> = { owners: [{ kind: 'User', name: 'x' }] };
  if (settings.limitRange) spec.limitRanges = { items: [settings.limitRange] };
  if (settings.resourceQuotas) spec.resourceQuotas = settings.resourceQuotas;
  const at = (segments: readonly string[]): string[] =>
    segments[0] === 'limitRanges' ? [...base, 'limitRange', ...segments.slice(3)] : segments[0] === 'resourceQuotas' ? [...base, ...segments] : [...base, ...segments];
  if (spec.limitRanges || spec.resourceQuotas) {
    // Judged by the Tenant CRD of the Capsule this cluster installs (its version profile).
    const { validate, entry } = loadCrdValidator(TENANT_KEY, cluster.versions ?? DEFAULT_VERSION_PROFILE)!;
    const tenant = { ...TenantV1Beta2.GVK, metadata: { name: 'x' }, spec };
    if (!validate(tenant)) {
      for (const e of explainErrors(validate.errors ?? [], entry.schema(), tenant)) {
        if (e.segments[0] === 'spec') problems.push({ segments: at(e.segments.slice(1)), message: e.message });
      }
    } else {
      problems.push(...[...checkQuotasAndLimits(spec), ...checkTenantFields(spec)].map((p) => ({ segments: at(p.segments), message: p.message })));
    }
  }

  const cidrs = settings.networkIsolation ? settings.networkIsolation.egress?.toCidrs : undefined;
  (cidrs ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.push({ segments: [...base, 'networkIsolation', 'egress', 'toCidrs', String(i)], message: problem });
  });

  if (labelsPodsWithTenant(cluster)) {
    const identity = [...base, 'tenantIdentity'];
    const why = `labels Pods with their tenant through the Kyverno policy ${capsulePodLabels.NAME}`;
    if (!cluster.kyverno) problems.push({ segments: identity, message: `${why}, but this cluster installs no Kyverno: add kyverno:, or set pods: false` });
    else if (cluster.kyverno.policies?.[capsulePodLabels.NAME]?.enabled === false) {
      problems.push({ segments: identity, message: `${why}, which kyverno.policies.${capsulePodLabels.NAME}.enabled switches off: enable it, or set pods: false` });
    }
  }
  return problems;
}

/**
 * Why `cidr` is not an IPv4 or IPv6 CIDR, as the API server would refuse it in the NetworkPolicy's
 * ipBlock (only after Flux applies it, failing the whole Kustomization); the schema's pattern only
 * catches the shape.
 */
export function cidrProblem(cidr: string): string | undefined {
  const slash = cidr.lastIndexOf('/');
  const address = cidr.slice(0, slash);
  const prefix = cidr.slice(slash + 1);
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : undefined;
  if (slash < 0 || max === undefined) return `${describeValue(cidr)} is not a CIDR: an IPv4 or IPv6 address, '/', a prefix length (such as 10.0.0.0/8 or fd00::/8)`;
  if (!/^(0|[1-9][0-9]*)$/.test(prefix) || Number(prefix) > max) return `${describeValue(cidr)}: the prefix length of an ${max === 32 ? 'IPv4' : 'IPv6'} CIDR is 0 to ${max}`;
  return undefined;
}
