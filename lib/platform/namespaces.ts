import { ARGOCD_DEFAULTS } from '../core/delivery/argocd/argocd-delivery';
import { FLUX_DEFAULTS } from '../core/delivery/flux/flux-delivery';
import { CertManager } from '../cert-manager/cert-manager';
import { Kyverno } from '../kyverno/kyverno';
import { TeleportOperator } from '../teleport/operator';
import { ProxyClients } from './clients';
import type { ClusterSettings, DeliverySettings } from './config/platform-schema';

/** Namespace of Capsule, capsule-proxy and the Teleport agent (the agent must share the proxy's CA Secret). */
export const CAPSULE_NAMESPACE = 'capsule-system';

/**
 * The namespaces the platform itself uses on a cluster. No tenant may be named after one (or, with
 * the tenant prefix in force, be a dash-prefix of one), and no tenant namespace may take one.
 */
export function platformNamespaces(cluster: ClusterSettings, delivery: DeliverySettings | undefined): string[] {
  return [
    CAPSULE_NAMESPACE,
    deliveryNamespace(delivery),
    ...(cluster.kyverno ? [Kyverno.DEFAULT_NAMESPACE] : []),
    // cert-manager's (and trust-manager's), installed by the platform or not.
    ...(cluster.certManager?.enabled || cluster.certManager?.external ? [cluster.certManager.namespace ?? CertManager.DEFAULT_NAMESPACE] : []),
    ...(cluster.teleport?.operator ? [cluster.teleport.operator.namespace ?? TeleportOperator.DEFAULT_NAMESPACE] : []),
    ...ProxyClients.namespaces(cluster.clients, CAPSULE_NAMESPACE).filter((ns) => ns !== CAPSULE_NAMESPACE),
  ].sort();
}

/** Namespace of the delivery tool (Flux or Argo CD). */
export function deliveryNamespace(delivery: DeliverySettings | undefined): string {
  if (delivery?.argocd) return delivery.argocd.namespace ?? ARGOCD_DEFAULTS.namespace;
  return delivery?.flux?.namespace ?? FLUX_DEFAULTS.namespace;
}
