import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import { ClusterPlatform, KUBE_CLUSTER_COMMAND } from './cluster-platform';
import { loadPlatform } from './config/load';
import { buildPlatform } from './synth';

/**
 * `npm run teleport:kube-cluster -- <cluster> <kubeconfig>`: prints the cluster's complete
 * `kube_cluster` resource, with the kubeconfig base64-encoded, for `tctl create -f -`. The kubeconfig
 * is a credential: it is read here and written to stdout only, never to the output folder.
 * @returns the resource as YAML
 * @throws Error (or PlatformError for a bad configuration) with a message for the user
 */
export function kubeClusterResource(args: readonly string[], configDir: string): string {
  if (args.length !== 2) throw new Error(`usage: ${KUBE_CLUSTER_COMMAND} <cluster> <kubeconfig-path>`);
  const [clusterName, kubeconfigPath] = args;
  const app = buildPlatform(loadPlatform(configDir));
  const clusters = app.node.children.filter((c): c is ClusterPlatform => c instanceof ClusterPlatform);
  const dynamic = clusters.filter((c) => c.kubeClusterRegistration).map((c) => c.name);
  const marked = dynamic.length ? dynamic.join(', ') : 'none';
  const cluster = clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`unknown cluster '${clusterName}'; clusters registered dynamically (teleport.kubeCluster): ${marked}`);
  if (!cluster.kubeClusterRegistration) {
    throw new Error(`cluster '${clusterName}' is not registered dynamically (no teleport.kubeCluster in platform.yaml); clusters that are: ${marked}`);
  }
  let kubeconfig: string;
  try {
    kubeconfig = fs.readFileSync(kubeconfigPath, 'utf8');
  } catch (error) {
    throw new Error(`cannot read kubeconfig ${kubeconfigPath} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return Yaml.stringify(cluster.kubeClusterRegistration.withKubeconfig(kubeconfig));
  } catch (error) {
    throw new Error(`${kubeconfigPath}: ${(error as Error).message}`);
  }
}
