import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Layer } from '../core/delivery/delivery';
import { ICapsule } from './capsule';
import { Tenant } from './tenant';

export const TENANT_GITOPS_DEFAULTS = {
  branch: 'main',
  path: '.',
  /** The tenant's reconciler ServiceAccount, in its first namespace. */
  serviceAccountName: 'gitops',
} as const;

export interface TenantGitOpsProps {
  /** The Capsule installation. */
  readonly capsule: ICapsule;
  /** The tenant whose repository this is. */
  readonly tenant: Tenant;
  /** The tenant's namespaces created from Git; the first holds the ServiceAccount and the sync objects. */
  readonly namespaces: readonly string[];
  /** URL of the tenant's Git repository. */
  readonly url: string;
  /**
   * Branch to sync.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Folder of the repository to apply.
   * @default '.'
   */
  readonly path?: string;
  /**
   * Name of the Secret with the repository's credentials (never rendered).
   * @default - a public repository
   */
  readonly secretName?: string;
}

/**
 * A tenant's self-service GitOps: its own repository, applied into its namespaces as a
 * ServiceAccount of the tenant instead of the delivery tool's cluster-admin identity (the pattern
 * of fluxcd/flux2-multi-tenancy and of Capsule's Argo CD addon).
 *
 * The ServiceAccount `gitops` in the tenant's first namespace is made an owner of the tenant, so
 * Capsule binds it to `admin` in every namespace of the tenant (and only there), and a Capsule user
 * (by name), so it can create further namespaces that Capsule attaches to the tenant. What the
 * repository may create is then exactly what a tenant owner may create. The sync objects themselves
 * (Flux GitRepository and Kustomization, or Argo CD AppProject and Application) come from the
 * delivery of the construct's layer.
 */
export class TenantGitOps extends Construct {
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  /** The username Kubernetes gives the ServiceAccount. */
  public readonly username: string;

  constructor(scope: Construct, id: string, props: TenantGitOpsProps) {
    super(scope, id);
    const [first] = props.namespaces;
    if (!first) throw new Error(`tenant ${props.tenant.name}: self-service GitOps needs a namespace created from Git (platform.namespaces)`);
    this.namespace = first;
    this.serviceAccountName = TENANT_GITOPS_DEFAULTS.serviceAccountName;
    this.username = `system:serviceaccount:${this.namespace}:${this.serviceAccountName}`;

    const layer = Layer.of(this);
    const file = layer.addFile(this, 'file', props.tenant.name);
    new k8s.KubeServiceAccount(file, 'ServiceAccount', { metadata: { name: this.serviceAccountName, namespace: this.namespace } });
    props.tenant.addOwner({ kind: 'ServiceAccount', name: this.username });
    props.capsule.addUserName(this.username);

    layer.delivery.addTenantRepository(file, {
      tenant: props.tenant.name,
      namespace: this.namespace,
      namespaces: props.namespaces,
      // Namespaces the tenant creates later are named <tenant>-* when the prefix is in force.
      namespacePattern: props.tenant.forceTenantPrefix ? `${props.tenant.name}-*` : undefined,
      serviceAccountName: this.serviceAccountName,
      url: props.url,
      branch: props.branch ?? TENANT_GITOPS_DEFAULTS.branch,
      path: props.path ?? TENANT_GITOPS_DEFAULTS.path,
      secretName: props.secretName,
    });
  }
}
