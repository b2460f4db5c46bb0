import { CapsuleCertificates } from '../../capsule/capsule';
import { CapsuleProxy, CapsuleProxyCertificates } from '../../capsule-proxy/capsule-proxy';
import { PlatformIssuerType, SelfSignedCaIssuer } from '../../cert-manager/platform-issuer';
import type { YamlFile } from '../../core/config/yaml-file';
import type { Problem } from '../../core/errors';
import { DEFAULT_VERSION_PROFILE } from '../../versions';
import type { ClusterSettings } from './platform-schema';

/** A setting of a cluster that makes a component need cert-manager. */
interface CertManagerUser {
  /** Where the setting is (or, when it is a default, the object it defaults in). */
  readonly segments: readonly string[];
  readonly what: string;
}

/** The components of `cluster` that need cert-manager. */
export function certManagerUsers(cluster: ClusterSettings, index: number): CertManagerUser[] {
  const at = (...segments: string[]) => ['clusters', String(index), ...segments];
  const users: CertManagerUser[] = [];
  const profile = cluster.versions ?? DEFAULT_VERSION_PROFILE;
  const explicit = cluster.capsuleProxy?.certificates;
  if ((explicit ?? CapsuleProxy.defaultCertificates(profile)) === CapsuleProxyCertificates.CERT_MANAGER) {
    users.push(
      explicit
        ? { segments: at('capsuleProxy', 'certificates'), what: 'capsuleProxy.certificates cert-manager' }
        : { segments: at(...(cluster.versions ? ['versions'] : [])), what: `capsule-proxy under versions ${profile}, whose chart defaults to cert-manager (capsuleProxy.certificates)` },
    );
  }
  // Capsule's webhook certificate: its TLS reconciler by default under both profiles.
  if (cluster.capsule?.certificates === CapsuleCertificates.CERT_MANAGER) users.push({ segments: at('capsule', 'certificates'), what: 'capsule.certificates cert-manager' });
  if (cluster.trustManager?.enabled) users.push({ segments: at('trustManager', 'enabled'), what: "trust-manager (its webhook's certificate)" });
  return users;
}

/** cert-manager and trust-manager settings that cannot work, with the setting to change. */
export function certificateChecks(cluster: ClusterSettings, index: number, platformFile: YamlFile): Problem[] {
  const problems: Problem[] = [];
  const at = (...segments: string[]) => ['clusters', String(index), ...segments];
  const certManager = cluster.certManager;
  if (certManager?.enabled && certManager.external) {
    problems.push(platformFile.problem(at('certManager', 'external'), 'set either certManager.enabled (the platform installs cert-manager) or certManager.external (it is installed already), not both'));
  }
  const hasCertManager = Boolean(certManager?.enabled || certManager?.external);
  if (!hasCertManager) {
    for (const user of certManagerUsers(cluster, index)) {
      problems.push(
        platformFile.problem(
          user.segments,
          `${user.what} needs cert-manager, which cluster ${cluster.name} neither installs nor has: set certManager.enabled: true (the platform installs it first) or certManager.external: true (it is installed already)` +
            (user.what.startsWith('capsuleProxy') || user.what.startsWith('capsule-proxy') ? ', or capsuleProxy.certificates: certgen' : user.what.startsWith('capsule.') ? ', or capsule.certificates: controller' : ''),
        ),
      );
    }
    if (certManager?.issuer || certManager?.namespace || certManager?.values) {
      problems.push(platformFile.problem(at('certManager'), 'has settings but neither enabled nor external: set one of them, or remove certManager'));
    }
  }
  if (certManager?.external && certManager.values) {
    problems.push(platformFile.problem(at('certManager', 'values'), 'chart values apply only to a cert-manager the platform installs (certManager.enabled), not to an external one'));
  }
  const issuer = certManager?.issuer;
  if (issuer?.type === PlatformIssuerType.CLUSTER_ISSUER && !issuer.name) {
    problems.push(platformFile.problem(at('certManager', 'issuer'), 'type cluster-issuer needs name: the existing ClusterIssuer'));
  }
  if (issuer && issuer.type !== PlatformIssuerType.SELF_SIGNED_CA) {
    for (const field of ['caDuration', 'caRenewBefore'] as const) {
      if (issuer[field]) problems.push(platformFile.problem(at('certManager', 'issuer', field), `applies to type ${PlatformIssuerType.SELF_SIGNED_CA} only (the CA the platform bootstraps), not to type ${issuer.type}`));
    }
  }
  const caHours = (value: string | undefined, fallback: string) => Number((value ?? fallback).slice(0, -1));
  if ((issuer?.caDuration || issuer?.caRenewBefore) && caHours(issuer.caRenewBefore, SelfSignedCaIssuer.DEFAULT_RENEW_BEFORE) >= caHours(issuer.caDuration, SelfSignedCaIssuer.DEFAULT_DURATION)) {
    problems.push(
      platformFile.problem(
        at('certManager', 'issuer', issuer.caRenewBefore ? 'caRenewBefore' : 'caDuration'),
        `caRenewBefore (${issuer.caRenewBefore ?? SelfSignedCaIssuer.DEFAULT_RENEW_BEFORE}) must be shorter than caDuration (${issuer.caDuration ?? SelfSignedCaIssuer.DEFAULT_DURATION})`,
      ),
    );
  }
  if (issuer?.type === PlatformIssuerType.CHART && issuer.name) {
    problems.push(platformFile.problem(at('certManager', 'issuer', 'name'), "type chart takes no name: each chart names its own Issuer (capsule-proxy: <release>-ca-issuer)"));
  }
  return problems;
}
