/**
 * Prints a cluster's complete Teleport `kube_cluster` resource (kubeconfig included) to stdout:
 *
 *   npm run --silent teleport:kube-cluster -- <cluster> <kubeconfig-path> | tctl create -f -
 *
 *   PLATFORM_CONFIG  configuration folder (default: config)
 */
import { printError } from '../lib/core/errors';
import { kubeClusterResource } from '../lib/platform/kube-cluster-command';

try {
  process.stdout.write(kubeClusterResource(process.argv.slice(2), process.env.PLATFORM_CONFIG || 'config'));
} catch (error) {
  printError(error);
  process.exit(1);
}
