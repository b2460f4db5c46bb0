import { CapsuleProxyExposure, exposureProblems } from '../../capsule-proxy/exposure';
import type { Explained } from '../../core/validation/explain';
import type { ClusterSettings } from './platform-schema';
import { cidrProblem } from './tenant-defaults-checks';

/** Problems of `clusters[index].capsuleProxy.exposure` that its schema cannot express, located in platform.yaml. */
export function exposureSettingsProblems(cluster: ClusterSettings, index: number): Explained[] {
  const exposure = cluster.capsuleProxy?.exposure;
  if (!exposure) return [];
  const base = ['clusters', String(index), 'capsuleProxy', 'exposure'];
  const problems: Explained[] = exposureProblems(exposure as CapsuleProxyExposure).map((p) => ({ segments: [...base, p.field], message: p.message }));
  (exposure.loadBalancerSourceRanges ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.push({ segments: [...base, 'loadBalancerSourceRanges', String(i)], message: problem });
  });
  return problems;
}
