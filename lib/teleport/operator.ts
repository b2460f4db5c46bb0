import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TeleportProvisionToken, TeleportProvisionTokenSpec } from '../../imports/teleport-provisiontokens-resources.teleport.dev';
import { TeleportRoleV8 } from '../../imports/teleport-rolesv8-resources.teleport.dev';
import { TeleportUser } from '../../imports/teleport-users-resources.teleport.dev';
import { TeleportUserDefinition, userSpec } from './user';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { helmFullname, mergeValues, OwnedValues } from '../core/helm-values';
import { versionProfile } from '../core/version-profile';
import { KubernetesJoinTrust, kubernetesJoinTokenSpec, tctlToken } from './join-token';
import { roleMetadata, roleSpec, TeleportRoleDefinition } from './role';
import { TctlFolder, TctlResource } from './tctl';
import * as md from '../core/output/markdown';

export interface TeleportOperatorProps {
  /**
   * Namespace of the operator; it only watches this namespace, so its custom resources go here too.
   * Labelled for the restricted Pod Security Standard (the chart's defaults comply).
   * @default 'teleport-iac'
   */
  readonly namespace?: string;
  /**
   * Helm release name; the chart names the operator's ServiceAccount after it.
   * @default 'teleport-operator'
   */
  readonly releaseName?: string;
  /** Address of the Teleport Proxy (`host:443`) or Auth Service (`host:3025`) (`teleportAddress`). */
  readonly teleportAddress: string;
  /** Name of the Teleport cluster (`tctl status`); audience of the operator's join token. */
  readonly teleportClusterName: string;
  /** How Teleport verifies this Kubernetes cluster's ServiceAccount tokens (the bot joins with one). */
  readonly trust: KubernetesJoinTrust;
  /**
   * Name of the operator's Teleport bot, and of its Teleport role; its join token is `<botName>-bot`.
   * @default 'operator'
   */
  readonly botName?: string;
  /** Where the bootstrap resources (bot token, operator role) and their README section go. */
  readonly tctl: TctlFolder;
  /**
   * Extra chart values, merged over the generated ones; `TeleportOperator.OWNED_VALUES` are refused.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

const IDENTITY = "the bot join token allows exactly the operator's ServiceAccount, which the chart names after the release";

/** What Teleport lets the operator's bot do with each kind of resource it manages. */
const MANAGE_VERBS = ['list', 'create', 'read', 'update', 'delete'];

/**
 * The standalone Teleport Kubernetes operator (chart `teleport-operator`, seed 003): it turns
 * `resources.teleport.dev` custom resources in its namespace into Teleport resources, so Teleport
 * roles are reviewed and applied like any other manifest.
 *
 * It joins Teleport as a bot with the `kubernetes` join method (no stored secret: the chart value
 * `token` is the *name* of a join token that only its ServiceAccount can use). The bot, its token and
 * its Teleport role cannot be created by the operator itself; they are rendered as `tctl` resources
 * with the commands to run, once per Teleport cluster.
 */
export class TeleportOperator extends Construct {
  public static readonly DEFAULT_NAMESPACE = 'teleport-iac';
  public static readonly DEFAULT_RELEASE_NAME = 'teleport-operator';
  public static readonly DEFAULT_BOT_NAME = 'operator';
  /** The Pod Security Standard its namespace enforces. */
  public static readonly POD_SECURITY_LABELS = { 'pod-security.kubernetes.io/enforce': 'restricted' };

  public static readonly OWNED_VALUES: OwnedValues = {
    teleportAddress: 'set it with teleport.operator.teleportAddress',
    teleportClusterName: 'set it with teleport.clusterName (it is also the audience of the join token)',
    token: 'the join token is named after teleport.operator.botName (see the tctl folder)',
    joinMethod: 'the operator joins with the kubernetes method, so that no secret is stored',
    'serviceAccount.name': IDENTITY,
    nameOverride: IDENTITY,
    fullnameOverride: IDENTITY,
    // The chart's values.yaml spells it so, its helper reads fullnameOverride: refuse both.
    fullNameOverride: IDENTITY,
    enabled: 'the custom resources of the teleport layer need the operator',
    installCRDs: 'the custom resources of the teleport layer need its CRDs',
  };

  /** The images the chart runs (values.yaml). */
  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'operator', value: 'image', form: 'reference', chartDefault: 'public.ecr.aws/gravitational/teleport-operator' },
  ];

  /** The images the chart runs with the user's `values` (the platform sets no image values). */
  public static images(values: Record<string, unknown> = {}): ImageSource[] {
    return imageSources(TeleportOperator.IMAGES, values);
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  /** The operator's ServiceAccount: the chart's fullname of the release. */
  public readonly serviceAccountName: string;
  public readonly teleportClusterName: string;
  public readonly botName: string;
  /** The bot's join token (a name, not a secret). */
  public readonly joinTokenName: string;
  /** The Teleport role of the bot. */
  public readonly roleName: string;
  private readonly layer: Layer;
  private readonly managedKinds = new Set<string>();

  constructor(scope: Construct, id: string, props: TeleportOperatorProps) {
    super(scope, id);
    const releaseName = props.releaseName ?? TeleportOperator.DEFAULT_RELEASE_NAME;
    this.layer = Layer.of(this);
    this.namespace = props.namespace ?? TeleportOperator.DEFAULT_NAMESPACE;
    this.serviceAccountName = helmFullname(releaseName, versionProfile(this).charts.teleportOperator.chart);
    this.teleportClusterName = props.teleportClusterName;
    this.botName = props.botName ?? TeleportOperator.DEFAULT_BOT_NAME;
    this.joinTokenName = `${this.botName}-bot`;
    this.roleName = this.botName;

    new k8s.KubeNamespace(this.layer.sharedFile('namespaces'), this.namespace, {
      metadata: { name: this.namespace, labels: { ...TeleportOperator.POD_SECURITY_LABELS } },
    });
    const values = {
      teleportAddress: props.teleportAddress,
      teleportClusterName: props.teleportClusterName,
      token: this.joinTokenName,
      joinMethod: 'kubernetes',
    };
    this.release = this.layer.delivery.addHelmRelease(this, {
      chart: versionProfile(this).charts.teleportOperator,
      releaseName,
      namespace: this.namespace,
      values: mergeValues(values, props.values, TeleportOperator.OWNED_VALUES),
    });
    this.bootstrap(props.tctl, props.trust);
  }

  /** The operator's ServiceAccount as Teleport's kubernetes join method names it. */
  public get serviceAccount(): string {
    return `${this.namespace}:${this.serviceAccountName}`;
  }

  /** Has the operator manage `role` in Teleport: a `TeleportRoleV8` in its namespace, in `layer`. */
  public manageRole(layer: Layer, role: TeleportRoleDefinition): TeleportRoleV8 {
    this.checkLayer(layer);
    this.managedKinds.add('role');
    const file = layer.addFile(layer, `role-${role.name}`, `roles/${role.name}`);
    return new TeleportRoleV8(file, 'Resource', { metadata: { ...roleMetadata(role), namespace: this.namespace }, spec: roleSpec(role.access) });
  }

  /** Has the operator manage the local user `user`: a `TeleportUser` in its namespace, in `layer`. */
  public manageUser(layer: Layer, user: TeleportUserDefinition): TeleportUser {
    this.checkLayer(layer);
    this.managedKinds.add('user');
    const file = layer.addFile(layer, `user-${user.name}`, `users/${user.name}`);
    return new TeleportUser(file, 'Resource', { metadata: { name: user.name, namespace: this.namespace }, spec: userSpec(user) });
  }

  /** Has the operator manage the join token `name`: a `TeleportProvisionToken` in its namespace, in `layer`. */
  public manageToken(layer: Layer, name: string, spec: TeleportProvisionTokenSpec): TeleportProvisionToken {
    this.checkLayer(layer);
    this.managedKinds.add('token');
    const file = layer.addFile(layer, `token-${name}`, `tokens/${name}`);
    return new TeleportProvisionToken(file, 'Resource', { metadata: { name, namespace: this.namespace }, spec });
  }

  /**
   * The bot's Teleport role: exactly the kinds it manages here. (Upstream's
   * `integrations/operator/hack/fixture-operator-role.yaml` allows every kind the operator knows;
   * a join-token permission in particular would let it admit any node, so it is only granted when
   * the operator manages join tokens.)
   */
  public operatorRole(): TctlResource {
    const kinds = [...this.managedKinds].sort();
    return {
      kind: 'role',
      version: 'v8',
      metadata: { name: this.roleName },
      spec: { allow: { rules: kinds.map((kind) => ({ resources: [kind], verbs: [...MANAGE_VERBS] })) }, deny: {} },
    };
  }

  private checkLayer(layer: Layer): void {
    if (!layer.isAfter(this.layer)) {
      throw new Error(`${layer.node.path}: Teleport custom resources must be in a layer applied after ${this.layer.node.path}, where the operator and its CRDs are installed`);
    }
  }

  private bootstrap(tctl: TctlFolder, trust: KubernetesJoinTrust): void {
    const spec = kubernetesJoinTokenSpec({ roles: ['Bot'], botName: this.botName, serviceAccount: this.serviceAccount, trust });
    const roleFile = tctl.addResource('operator-role', () => this.operatorRole(), [`Teleport role of the operator's bot '${this.botName}'.`]);
    const tokenFile = tctl.addResource('operator-bot-token', () => tctlToken(this.joinTokenName, spec), [
      `Join token of the operator's bot: only ServiceAccount ${this.serviceAccount} can use it.`,
    ]);
    tctl.addSection('Bootstrap the Teleport operator', () =>
      [
        `The operator (namespace ${md.code(this.namespace)}, ServiceAccount ${md.code(this.serviceAccountName)}) manages this Teleport`,
        `cluster's (${md.code(this.teleportClusterName)}) resources from the custom resources of the \`teleport\` layer. It joins as`,
        `the bot ${md.code(this.botName)}, which it cannot create itself. Once, before Flux installs it (until then it`,
        `restarts, holding up only the Teleport layers; if Flux gave up, \`flux reconcile helmrelease ${this.release.releaseName} --force\`):`,
        '',
        '```sh',
        `tctl create -f ${roleFile}`,
        `tctl create -f ${tokenFile}`,
        `tctl bots add ${this.botName} --token ${this.joinTokenName} --roles ${this.roleName}`,
        '```',
        '',
        `Re-apply ${md.code(roleFile)} whenever it changes (it allows exactly the kinds the operator manages`,
        'here; upstream `fixture-operator-role.yaml` allows every kind if you add others by hand).',
        trust.type === 'static_jwks'
          ? `The token trusts this cluster's ServiceAccount keys (\`teleport.kubernetesJoin.jwks\`): when the cluster rotates them, update the JWKS and re-apply ${md.code(tokenFile)}.`
          : 'The token is checked with a TokenReview (`in_cluster`): the Teleport Auth Service must run in this cluster.',
      ].join('\n'),
    );
  }
}
