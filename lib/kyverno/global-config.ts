import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { TENANT_LABEL } from '../capsule/labels';
import { Layer } from '../core/delivery/delivery';
import type { IKyverno } from './kyverno';

/**
 * The keys of the global configuration ConfigMap (seed 001, "Using Global Configuration"). Policies
 * read them as `{{<context>.data.<key>}}`; this is the only place they are spelled.
 */
export const GLOBAL_CONFIG_KEYS = {
  /** Label key that marks a namespace as public (usable as a target by every tenant). */
  publicLabel: 'public_identifier_label',
  /** The value of that label on public namespaces. */
  publicValue: 'public_identifier_value',
  /** Label key that carries a namespace's tenant. */
  tenantLabel: 'tenant_identifier_label',
} as const;

export type GlobalConfigKey = keyof typeof GLOBAL_CONFIG_KEYS;

/** Namespaces every tenant may use, marked by a label. */
export interface PublicNamespaces {
  /** Label key, e.g. `example.com/public`. */
  readonly label: string;
  /** Label value, e.g. `"true"`. */
  readonly value: string;
}

/** The global configuration as policies see it. */
export interface IGlobalConfig {
  /** ConfigMap name. */
  readonly name: string;
  /** ConfigMap namespace (Kyverno's). */
  readonly namespace: string;
  /** Whether public namespaces are configured (the `publicLabel`/`publicValue` keys exist). */
  readonly hasPublicNamespaces: boolean;
  /** The keys present in the ConfigMap. */
  readonly keys: readonly GlobalConfigKey[];
}

export interface KyvernoGlobalConfigProps {
  /** The Kyverno installation; the ConfigMap goes into its namespace. */
  readonly kyverno: IKyverno;
  /**
   * Namespaces every tenant may use as a target (tenant-compare).
   * @default - none
   */
  readonly publicNamespaces?: PublicNamespaces;
}

/**
 * The ConfigMap `kyverno-global-config` in Kyverno's namespace: facts several policies share (the
 * tenant label, the public-namespace label), so that changing one changes it everywhere. Rendered
 * into `<layer>/global-config.yaml`.
 */
export class KyvernoGlobalConfig extends Construct implements IGlobalConfig {
  public static readonly NAME = 'kyverno-global-config';

  public readonly name = KyvernoGlobalConfig.NAME;
  public readonly namespace: string;
  public readonly hasPublicNamespaces: boolean;
  public readonly keys: readonly GlobalConfigKey[];
  /** The ConfigMap's data. */
  public readonly data: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KyvernoGlobalConfigProps) {
    super(scope, id);
    this.namespace = props.kyverno.namespace;
    this.hasPublicNamespaces = props.publicNamespaces !== undefined;
    const values: Partial<Record<GlobalConfigKey, string>> = {
      ...(props.publicNamespaces ? { publicLabel: props.publicNamespaces.label, publicValue: props.publicNamespaces.value } : {}),
      tenantLabel: TENANT_LABEL,
    };
    this.keys = Object.keys(values) as GlobalConfigKey[];
    this.data = Object.fromEntries(this.keys.map((k) => [GLOBAL_CONFIG_KEYS[k], values[k]!]));

    const file = Layer.of(this).addFile(this, 'File', 'global-config');
    new k8s.KubeConfigMap(file, 'Resource', { metadata: { name: this.name, namespace: this.namespace }, data: { ...this.data } });
  }
}
