import type { YamlFile } from '../../core/config/yaml-file';
import type { Problem } from '../../core/errors';
import { CAPSULE_NAMESPACE } from '../namespaces';
import type { ClientName } from './clients-schema';
import type { ClusterSettings } from './platform-schema';

/** What each client is called in messages. */
const CLIENT_TITLES: Readonly<Record<ClientName, string>> = {
  headlamp: 'Headlamp',
  kubernetesDashboard: 'the Kubernetes Dashboard',
  gangplank: 'Gangplank',
  tektonDashboard: 'the Tekton Dashboard',
};

/**
 * Checks of `clusters[index].clients` that need more than its shape: a client outside
 * capsule-proxy's namespace cannot read the proxy's CA unless something distributes it there.
 */
export function clientChecks(cluster: ClusterSettings, index: number, platformFile: YamlFile): Problem[] {
  const problems: Problem[] = [];
  const gangplank = cluster.clients?.gangplank;
  // The URL Gangplank's kubeconfigs point at is the exposure's, owned by capsule-proxy (lib/capsule-proxy/exposure.ts).
  if (gangplank && cluster.capsuleProxy?.exposure && gangplank.apiServerURL !== undefined) {
    problems.push(
      platformFile.problem(
        ['clusters', String(index), 'clients', 'gangplank', 'apiServerURL'],
        `Gangplank's kubeconfigs point at the URL of capsuleProxy.exposure (host ${cluster.capsuleProxy.exposure.host}) on cluster ${cluster.name}: remove apiServerURL`,
      ),
    );
  }
  if (gangplank && !cluster.capsuleProxy?.exposure && gangplank.apiServerURL === undefined) {
    problems.push(
      platformFile.problem(
        ['clusters', String(index), 'clients', 'gangplank'],
        `Gangplank needs the URL users reach capsule-proxy at: expose the proxy with capsuleProxy.exposure (the URL follows), or set clients.gangplank.apiServerURL to an https:// URL of your own Ingress or LoadBalancer (cluster ${cluster.name})`,
      ),
    );
  }
  // trust-manager's Bundle copies the CA into every client namespace (lib/trust-manager/proxy-ca.ts).
  if (cluster.trustManager?.enabled) return problems;
  for (const [name, client] of Object.entries(cluster.clients ?? {}) as Array<[ClientName, { namespace?: string; kubeconfigCA?: { from: string } }]>) {
    if (!client?.namespace || client.namespace === CAPSULE_NAMESPACE) continue;
    // Gangplank reads the proxy CA only to hand it out; without it, it needs none in its namespace.
    if (name === 'gangplank' && client.kubeconfigCA && client.kubeconfigCA.from !== 'capsule-proxy') continue;
    problems.push(
      platformFile.problem(
        ['clusters', String(index), 'clients', name, 'namespace'],
        `${CLIENT_TITLES[name]} cannot read the capsule-proxy CA in namespace ${client.namespace} (the CA Secret is in ${CAPSULE_NAMESPACE}, and nothing distributes it): ` +
          `install ${CLIENT_TITLES[name]} in the capsule-proxy namespace (${CAPSULE_NAMESPACE}, the default) or enable trust-manager with trustManager.enabled: true, which copies the CA there (cluster ${cluster.name})`,
      ),
    );
  }
  return problems;
}
