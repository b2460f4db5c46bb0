import { Construct } from 'constructs';
import * as YAML from 'yaml';
import type { TctlFolder, TctlResource } from './tctl';
import * as md from '../core/output/markdown';

export interface KubeClusterRegistrationProps {
  /** Name of the Kubernetes cluster in Teleport (`metadata.name`). */
  readonly name: string;
  /** Teleport labels of the cluster; roles reach it through `kubernetes_labels` that match them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the resource (without its kubeconfig) and its README section go. */
  readonly tctl: TctlFolder;
  /** The command that prints the complete resource, for the README, e.g. `npm run ... -- demo`. */
  readonly completeCommand: string;
}

/**
 * Dynamic registration of a Kubernetes cluster (seed 004): a `kube_cluster` (`version: v3`) resource,
 * served by any Teleport Kubernetes Service whose `resources` selectors match its labels. There is no
 * custom resource for it, so it is a tctl resource.
 *
 * Its `spec.kubeconfig` carries a credential (a long-lived ServiceAccount token), so the output only
 * holds the resource without it, for review; `withKubeconfig()` completes it at apply time, on the
 * admin's machine, and the result goes straight to `tctl create -f -`.
 */
export class KubeClusterRegistration extends Construct {
  public readonly name: string;
  public readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KubeClusterRegistrationProps) {
    super(scope, id);
    this.name = props.name;
    this.labels = props.labels;
    const file = props.tctl.addResource('kube-cluster', () => this.resource(), [
      'spec.kubeconfig is a credential and is never written to the output. Complete and apply with:',
      `  ${props.completeCommand} <kubeconfig> | tctl create -f -`,
    ]);
    props.tctl.addSection('Register the cluster dynamically', () =>
      [
        `${md.code(file)} is the \`kube_cluster\` ${md.code(this.name)} without its kubeconfig, which is a credential. A Teleport`,
        'Kubernetes Service whose `kubernetes_service.resources` labels match it serves it (the',
        'teleport-kube-agent chart does not). Create a kubeconfig for it (Teleport\'s `get-kubeconfig.sh`; point',
        "its server at capsule-proxy's address so that tenants stay filtered), then:",
        '',
        '```sh',
        `${props.completeCommand} ./kubeconfig | tctl create -f -`,
        '```',
        '',
        'The command prints the complete resource (kubeconfig base64-encoded) to stdout only.',
      ].join('\n'),
    );
  }

  /** The resource without `spec.kubeconfig`, as it appears in the output. */
  public resource(): TctlResource {
    return { kind: 'kube_cluster', version: 'v3', metadata: { name: this.name, labels: { ...this.labels } }, spec: {} };
  }

  /**
   * The complete resource with `kubeconfig` (the file's content) base64-encoded in `spec.kubeconfig`.
   * @throws if `kubeconfig` is not a usable kubeconfig
   */
  public withKubeconfig(kubeconfig: string): TctlResource {
    const problem = kubeconfigProblem(kubeconfig);
    if (problem) throw new Error(`not a usable kubeconfig: ${problem}`);
    const resource = this.resource();
    return { ...resource, spec: { ...resource.spec, kubeconfig: Buffer.from(kubeconfig, 'utf8').toString('base64') } };
  }
}

type Named = { name?: unknown; [key: string]: unknown };

/**
 * Why `text` is not a kubeconfig Teleport can use, or undefined. Teleport connects with its
 * `current-context`, so that context, its cluster (with a server) and its user must exist.
 */
export function kubeconfigProblem(text: string): string | undefined {
  let config: unknown;
  try {
    config = YAML.parse(text);
  } catch (error) {
    return `invalid YAML (${(error as Error).message.split('\n')[0]})`;
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return 'expected a YAML mapping (apiVersion: v1, kind: Config)';
  const c = config as Record<string, unknown>;
  if (c.kind !== undefined && c.kind !== 'Config') return `kind must be Config (got ${String(c.kind)})`;
  const list = (key: string) => (Array.isArray(c[key]) ? (c[key] as Named[]) : []);
  const current = c['current-context'];
  if (typeof current !== 'string' || !current) return 'no current-context: Teleport connects with the current context';
  const context = list('contexts').find((x) => x.name === current)?.context as { cluster?: unknown; user?: unknown } | undefined;
  if (!context) return `current-context '${current}' is not in contexts`;
  const cluster = list('clusters').find((x) => x.name === context.cluster)?.cluster as { server?: unknown } | undefined;
  if (!cluster || typeof cluster.server !== 'string') return `context '${current}' names cluster '${String(context.cluster)}', which is missing or has no server`;
  if (!list('users').some((x) => x.name === context.user)) return `context '${current}' names user '${String(context.user)}', which is not in users`;
  return undefined;
}
