import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ChartImage, imageSources, ImageSource } from '../core/chart-images';
import { IHelmRelease, Layer } from '../core/delivery/delivery';
import { mergeValues, OwnedValues } from '../core/helm-values';
import { versionProfile } from '../core/version-profile';
import type { ICertManager } from '../cert-manager/cert-manager';
import type { VersionProfileName } from '../versions';

/** Who issues Capsule's webhook certificate (Secret `capsule-tls`) and injects its CA into the webhooks and CRDs. */
export enum CapsuleCertificates {
  /**
   * Capsule's own TLS reconciler (`tls.enableController`, `tls.create`): needs nothing else in the
   * cluster. Chart 0.10.9's default; chart 0.14.0 still has it, behind values it switches off by default.
   */
  CONTROLLER = 'controller',
  /** cert-manager (`certManager.generateCertificates`: a self-signed Issuer and a Certificate); cert-manager must be installed first. Chart 0.14.0's default. */
  CERT_MANAGER = 'cert-manager',
}

/** Capsule as other components see it. */
export interface ICapsule {
  /** The Helm release, for components that must be installed after Capsule. */
  readonly release: IHelmRelease;
  /** Namespace Capsule runs in. */
  readonly namespace: string;
  /** Name of the CapsuleConfiguration the chart renders. */
  readonly configurationName: string;
  /** Who issues the webhook certificate; cert-manager mode needs cert-manager installed before Capsule. */
  readonly certificates: CapsuleCertificates;
  /** Whether tenant namespaces must be named `<tenant>-<name>` unless a tenant opts out. */
  readonly forceTenantPrefix: boolean;
  /** Makes members of `group` Capsule users (`CapsuleConfiguration.spec.userGroups`). */
  addUserGroup(group: string): void;
  /** The Capsule user groups, sorted. */
  readonly userGroups: readonly string[];
  /** Whether members of `group` are Capsule users. */
  hasUserGroup(group: string): boolean;
  /** Makes the user (or ServiceAccount username) `name` a Capsule user (`CapsuleConfiguration.spec.userNames`). */
  addUserName(name: string): void;
  /**
   * Whether this Capsule has administrators (`CapsuleConfiguration.spec.administrators`, Capsule ≥
   * 0.12): owners of every tenant, which is how a GitOps identity gets its namespaces attached.
   */
  readonly supportsAdministrators: boolean;
  /** Makes the user or ServiceAccount username `name` an administrator (owner of every tenant). */
  addAdministrator(name: string): void;
}

export interface CapsuleProps {
  /** Namespace to install Capsule into. */
  readonly namespace: string;
  /**
   * Require every tenant namespace to be named `<tenant>-<name>` (tenants may opt out with
   * `forceTenantPrefix: false`).
   * @default false
   */
  readonly forceTenantPrefix?: boolean;
  /**
   * Capsule user groups in addition to the ones tenants register with `addUserGroup()`.
   * @default - only the tenants' groups
   */
  readonly userGroups?: readonly string[];
  /**
   * Who issues the webhook certificate.
   * @default CapsuleCertificates.CONTROLLER under every profile: it needs no cert-manager (chart
   *   0.14.0 defaults to cert-manager, which the platform does not install)
   */
  readonly certificates?: CapsuleCertificates;
  /**
   * The cert-manager that issues the webhook certificate (cert-manager mode): Capsule is installed
   * after it, when the platform installs it.
   * @default - cert-manager is installed out of band (the configuration loader checks that a
   *   cluster in cert-manager mode has one)
   */
  readonly certManager?: ICertManager;
  /**
   * Extra chart values, merged over the generated ones. Values listed in `Capsule.OWNED_VALUES`
   * cannot be overridden.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/**
 * The Capsule operator (chart `capsule`), installed as release `capsule`.
 *
 * The release name is fixed: Capsule's TLS reconciler hard-codes the webhook Service
 * `capsule-webhook-service`, which the chart only renders under that name for release `capsule`.
 */
export class Capsule extends Construct implements ICapsule {
  public static readonly RELEASE_NAME = 'capsule';
  /** The chart's CapsuleConfiguration (`manager.options.capsuleConfiguration` default). */
  public static readonly CONFIGURATION_NAME = 'default';

  /** Chart values this construct computes under the seed's chart (0.10.9); overriding them would break other components. */
  public static readonly OWNED_VALUES: OwnedValues = {
    'manager.options.capsuleUserGroups': 'derived from the tenants (and capsule.userGroups)',
    'manager.options.forceTenantPrefix': 'set it with capsule.forceTenantPrefix',
    'manager.options.userNames': 'derived from the platform (the GitOps identity that creates tenant namespaces)',
    'manager.options.capsuleConfiguration': 'capsule-proxy reads the CapsuleConfiguration by name',
    fullnameOverride: "the webhook Service must stay 'capsule-webhook-service' (Capsule's TLS reconciler hard-codes it)",
    nameOverride: "the webhook Service must stay 'capsule-webhook-service' (Capsule's TLS reconciler hard-codes it)",
    'proxy.enabled': 'capsule-proxy is installed as its own release by the capsule-proxy component',
    'tls.enableController': 'set it with capsule.certificates',
    'tls.create': 'set it with capsule.certificates',
    'certManager.generateCertificates': 'set it with capsule.certificates',
  };

  /**
   * The same under chart 0.14.0, which replaces `capsuleUserGroups` / `userNames` (deprecated, still
   * mapped by the chart) with `users`, and adds `administrators`.
   */
  public static readonly OWNED_VALUES_0_14: OwnedValues = {
    ...Capsule.OWNED_VALUES,
    'manager.options.users': 'derived from the tenants (and capsule.userGroups)',
    'manager.options.administrators': 'derived from the platform (the GitOps identity that creates tenant namespaces)',
    'manager.options.capsuleUserGroups': 'deprecated by chart 0.14; the platform renders manager.options.users (set capsule.userGroups)',
    'manager.options.userNames': 'deprecated by chart 0.14; the platform renders manager.options.users',
    'manager.options.createConfiguration': 'capsule-proxy reads the CapsuleConfiguration the chart renders',
  };

  /** The chart values this construct owns under `profile`. */
  public static ownedValues(profile: VersionProfileName): OwnedValues {
    return profile === 'seed' ? Capsule.OWNED_VALUES : Capsule.OWNED_VALUES_0_14;
  }

  /**
   * The chart values that select the webhook certificate's issuer: exactly one of Capsule's TLS
   * reconciler and cert-manager owns Secret `capsule-tls` and the caBundles (chart 0.14.0 fails
   * when both are on, templates/validate.yaml). `tls.create` renders the post-install Job that waits
   * for the reconciler to fill the Secret. Chart 0.10.9 defaults to exactly the controller values,
   * so under `seed` they are left to the chart (its output stays as it was).
   */
  public static certificateValues(certificates: CapsuleCertificates, profile: VersionProfileName): Record<string, unknown> {
    const controller = certificates === CapsuleCertificates.CONTROLLER;
    if (controller && profile === 'seed') return {};
    return { tls: { enableController: controller, create: controller }, certManager: { generateCertificates: !controller } };
  }

  /** The images the chart runs (charts 0.10.9 and 0.14.0 alike: values.yaml and templates/_helpers.tpl). */
  public static readonly IMAGES: readonly ChartImage[] = [
    { workload: 'manager', value: 'manager.image.registry', form: 'registry', chartDefault: 'ghcr.io' },
    // The CRD lifecycle, post-install and pre-delete hook Jobs; the chart merges the deprecated
    // `jobs` over `global.jobs.kubectl` (mergeOverwrite), so `jobs.image.registry` wins when set.
    { workload: 'kubectl hook Jobs', value: 'global.jobs.kubectl.image.registry', aliases: ['jobs.image.registry'], form: 'registry', chartDefault: 'docker.io' },
  ];

  /** The images the chart runs with the user's `values` (the platform sets no image values). */
  public static images(values: Record<string, unknown> = {}): ImageSource[] {
    return imageSources(Capsule.IMAGES, values);
  }

  public readonly release: IHelmRelease;
  public readonly namespace: string;
  public readonly configurationName = Capsule.CONFIGURATION_NAME;
  public readonly forceTenantPrefix: boolean;
  public readonly certificates: CapsuleCertificates;
  private readonly groups = new Set<string>();
  private sortedGroups?: readonly string[];
  private readonly userNames = new Set<string>();
  private readonly administrators = new Set<string>();
  public readonly supportsAdministrators: boolean;

  constructor(scope: Construct, id: string, props: CapsuleProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.forceTenantPrefix = props.forceTenantPrefix ?? false;
    for (const group of props.userGroups ?? []) this.addUserGroup(group);
    const profile = versionProfile(this);
    this.supportsAdministrators = profile.name !== 'seed';
    this.certificates = props.certificates ?? CapsuleCertificates.CONTROLLER;

    // Lazy: tenants are added after Capsule is constructed.
    const options =
      profile.name === 'seed'
        ? {
            capsuleUserGroups: Lazy.any({ produce: () => this.userGroups }),
            forceTenantPrefix: this.forceTenantPrefix,
            // Only rendered when used, so the chart default stays untouched otherwise.
            userNames: Lazy.any({ produce: () => (this.userNames.size ? [...this.userNames].sort() : undefined) }),
          }
        : {
            // Replaces the chart's default users (group projectcapsule.dev), as capsuleUserGroups did in 0.10.
            users: Lazy.any({ produce: () => this.capsuleUsers() }),
            forceTenantPrefix: this.forceTenantPrefix,
            administrators: Lazy.any({ produce: () => (this.administrators.size ? [...this.administrators].sort().map(subject) : undefined) }),
          };
    this.release = Layer.of(this).delivery.addHelmRelease(this, {
      chart: profile.charts.capsule,
      releaseName: Capsule.RELEASE_NAME,
      namespace: this.namespace,
      values: mergeValues({ manager: { options }, ...Capsule.certificateValues(this.certificates, profile.name) }, props.values, Capsule.ownedValues(profile.name)),
      // The chart renders a cert-manager Issuer and Certificate in cert-manager mode.
      dependsOn: this.certificates === CapsuleCertificates.CERT_MANAGER && props.certManager?.release ? [props.certManager.release] : undefined,
      // Capsule's TLS controller (controller mode) or cert-manager's CA injector (cert-manager mode)
      // writes the CA into the chart's webhook configurations.
      controllerOwnedFields: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
        group: 'admissionregistration.k8s.io',
        kind,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      })),
    });
    this.node.addValidation({
      validate: () => (this.groups.size || this.userNames.size ? [] : ['no Capsule user groups: add a tenant or set capsule.userGroups, otherwise nobody is a Capsule user']),
    });
  }

  public addUserGroup(group: string): void {
    if (!group.trim()) throw new Error('a Capsule user group cannot be empty');
    this.groups.add(group);
    this.sortedGroups = undefined;
  }

  /** Whether members of `group` are Capsule users. */
  public hasUserGroup(group: string): boolean {
    return this.groups.has(group);
  }

  public addUserName(name: string): void {
    if (!name.trim()) throw new Error('a Capsule user name cannot be empty');
    this.userNames.add(name);
  }

  public addAdministrator(name: string): void {
    if (!this.supportsAdministrators) throw new Error(`Capsule ${versionProfile(this).charts.capsule.version} has no administrators (Capsule 0.12 added them)`);
    if (!name.trim()) throw new Error('a Capsule administrator name cannot be empty');
    this.administrators.add(name);
  }

  /** `CapsuleConfiguration.spec.users` (chart 0.14): the groups, then the user names, each sorted. */
  private capsuleUsers(): Array<{ kind: string; name: string }> {
    return [...this.userGroups.map((name) => ({ kind: 'Group', name })), ...[...this.userNames].sort().map(subject)];
  }

  public get userGroups(): readonly string[] {
    this.sortedGroups ??= [...this.groups].sort();
    return this.sortedGroups;
  }
}

/** A Capsule 0.14 `users` / `administrators` entry for a user name (ServiceAccounts by their username). */
function subject(name: string): { kind: string; name: string } {
  return { kind: name.startsWith('system:serviceaccount:') ? 'ServiceAccount' : 'User', name };
}
