import * as path from 'path';
import { configWith, expectRefusedKeepingOutput, readTree, synth } from './helpers';

/**
 * Malformed tenant files, each with the exact message it must produce. Every case runs the whole
 * synth (load, render, publish) against an already published output, which must stay
 * byte-identical. (That a failed synth also exits non-zero is tested through `npm run synth` and
 * `cdk8s synth` in synth.test.ts; here the cases run in-process to keep the suite fast.)
 *
 * `file` defaults to the tenant's own file name; `extra` adds other files to the configuration.
 */
interface Case {
  readonly file?: string;
  readonly content: string;
  readonly extra?: Parameters<typeof configWith>[0];
  readonly message: string;
}

/** platform.yaml with a Kyverno policy enabled next to the default ones. */
const withPolicy = (policy: string) => (old: string) => old.replace('    kyverno:\n      policies:\n', `    kyverno:\n      policies:\n${policy}`);

const LABEL_KEY = "not a valid label key; a label key is an optional DNS subdomain prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
const ANNOTATION_KEY = LABEL_KEY.replace('label key', 'annotation key').replace('a label key', 'an annotation key');

const alice = 'owners:\n  - kind: User\n    name: alice\n';
const tenant = (name: string, body = '') => `name: ${name}\n${alice}${body}`;

const CASES: Record<string, Case> = {
  'owner kind Capsule does not know': {
    content: 'name: oil\nowners:\n  - kind: Robot\n    name: r2d2\n',
    message: 'tenants/oil.yaml:3: owners[0].kind: must be one of "User", "Group", "ServiceAccount" (got "Robot")',
  },
  'no owners': { content: 'name: oil\n', message: 'tenants/oil.yaml:1: owners: required field is missing under Capsule 0.10.9 (versions: seed), which cluster demo runs; Capsule 0.14.0 (versions: current) accepts it' },
  'empty owners': { content: 'name: oil\nowners: []\n', message: 'tenants/oil.yaml:2: owners: needs at least one owner under Capsule 0.10.9 (versions: seed), which cluster demo runs; Capsule 0.14.0 (versions: current) accepts it' },
  'owner without a name': { content: 'name: oil\nowners:\n  - kind: User\n', message: 'tenants/oil.yaml:3: owners[0].name: required field is missing' },
  'owner with an empty name': { content: 'name: oil\nowners:\n  - kind: User\n    name: ""\n', message: 'tenants/oil.yaml:4: owners[0].name: must not be empty' },
  'the same owner twice': {
    content: `${tenant('oil')}  - kind: User\n    name: alice\n`,
    message: 'tenants/oil.yaml:5: owners[1]: User alice is already an owner (owners[0]); list each owner once',
  },
  'role binding without a role': {
    content: tenant('oil', 'additionalRoleBindings:\n  - clusterRoleName: ""\n    subjects: [{kind: User, name: joe}]\n'),
    message: 'tenants/oil.yaml:6: additionalRoleBindings[0].clusterRoleName: must not be empty: name the ClusterRole the subjects get in each tenant namespace',
  },
  'role binding subject kind RBAC does not know': {
    content: tenant('oil', 'additionalRoleBindings:\n  - clusterRoleName: view\n    subjects:\n      - kind: Robot\n        name: r2d2\n'),
    message: 'tenants/oil.yaml:8: additionalRoleBindings[0].subjects[0].kind: must be one of "User", "Group", "ServiceAccount" (got "Robot")',
  },
  'role binding ServiceAccount without its namespace': {
    content: tenant('oil', 'additionalRoleBindings:\n  - clusterRoleName: view\n    subjects:\n      - kind: ServiceAccount\n        name: ci\n'),
    message: 'tenants/oil.yaml:8: additionalRoleBindings[0].subjects[0].namespace: a ServiceAccount subject needs the namespace of the ServiceAccount',
  },
  'unknown owner field': {
    content: 'name: oil\nowners:\n  - kind: User\n    name: alice\n    role: admin\n',
    message: 'tenants/oil.yaml:5: owners[0].role: unknown field; allowed fields here: clusterRoles, kind, name, proxySettings; Capsule 0.14.0 (versions: current) also: annotations, labels',
  },
  'unknown top-level field': {
    content: tenant('oil', 'namespaceQuota: 3\n'),
    message:
      'tenants/oil.yaml:5: namespaceQuota: unknown field; allowed fields here: name, platform, additionalRoleBindings, containerRegistries, cordoned, forceTenantPrefix, gatewayOptions, imagePullPolicies, ingressOptions, limitRanges, namespaceOptions, networkPolicies, nodeSelector, owners, podOptions, preventDeletion, priorityClasses, resourceQuotas, runtimeClasses, serviceOptions, storageClasses; Capsule 0.14.0 (versions: current) also: data, deviceClasses, permissions, rules',
  },
  'unknown nested field': {
    content: tenant('oil', 'namespaceOptions:\n  quotas: 3\n'),
    message: 'tenants/oil.yaml:6: namespaceOptions.quotas: unknown field; allowed fields here: additionalMetadata, additionalMetadataList, forbiddenAnnotations, forbiddenLabels, quota; Capsule 0.14.0 (versions: current) also: managedMetadataOnly, requiredMetadata',
  },
  'namespace quota below the minimum': { content: tenant('oil', 'namespaceOptions:\n  quota: 0\n'), message: 'tenants/oil.yaml:6: namespaceOptions.quota: must be >= 1 (got 0)' },
  'namespace quota not a number': {
    content: tenant('oil', 'namespaceOptions:\n  quota: five\n'),
    message: 'tenants/oil.yaml:6: namespaceOptions.quota: must be an integer (got string "five")',
  },
  'resource quota scope not in the enum': {
    content: tenant('oil', 'resourceQuotas:\n  scope: Cluster\n'),
    message: 'tenants/oil.yaml:6: resourceQuotas.scope: must be one of "Tenant", "Namespace" (got "Cluster")',
  },
  'resource quota that is not a quantity': {
    content: tenant('oil', 'resourceQuotas:\n  items:\n    - hard:\n        limits.cpu: lots\n'),
    message: 'tenants/oil.yaml:8: resourceQuotas.items[0].hard["limits.cpu"]: must be a Kubernetes quantity such as 500m, 2Gi or 10 (got "lots")',
  },
  'a negative resource quota': {
    content: tenant('oil', 'resourceQuotas:\n  items:\n    - hard:\n        pods: -5\n'),
    message: 'tenants/oil.yaml:8: resourceQuotas.items[0].hard.pods: must not be negative (got -5)',
  },
  'a negative storage quota': {
    content: tenant('oil', 'resourceQuotas:\n  items:\n    - hard:\n        requests.storage: "-1Gi"\n'),
    message: 'tenants/oil.yaml:8: resourceQuotas.items[0].hard["requests.storage"]: must not be negative (got "-1Gi")',
  },
  'a resource quota scope Kubernetes does not know': {
    content: tenant('oil', 'resourceQuotas:\n  items:\n    - hard: {pods: 5}\n      scopes: [Expensive]\n'),
    message:
      'tenants/oil.yaml:8: resourceQuotas.items[0].scopes[0]: must be one of "Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass" (got "Expensive")',
  },
  'a scope selector operator that does not exist': {
    content: tenant('oil', 'resourceQuotas:\n  items:\n    - hard: {pods: 5}\n      scopeSelector:\n        matchExpressions:\n          - {scopeName: PriorityClass, operator: Above, values: [high]}\n'),
    message: 'tenants/oil.yaml:10: resourceQuotas.items[0].scopeSelector.matchExpressions[0].operator: must be one of "In", "NotIn", "Exists", "DoesNotExist" (got "Above")',
  },
  'a negative limit': {
    content: tenant('oil', 'limitRanges:\n  items:\n    - limits:\n        - type: Container\n          max: {cpu: -2}\n'),
    message: 'tenants/oil.yaml:9: limitRanges.items[0].limits[0].max.cpu: must not be negative (got -2)',
  },
  'a limit type that does not exist': {
    content: tenant('oil', 'limitRanges:\n  items:\n    - limits:\n        - type: Node\n          max: {cpu: 2}\n'),
    message: 'tenants/oil.yaml:8: limitRanges.items[0].limits[0].type: must be one of "Pod", "Container", "PersistentVolumeClaim" (got "Node")',
  },
  'image pull policy not in the enum': {
    content: tenant('oil', 'imagePullPolicies: [Sometimes]\n'),
    message: 'tenants/oil.yaml:5: imagePullPolicies[0]: must be one of "Always", "Never", "IfNotPresent" (got "Sometimes")',
  },
  'hostname collision scope not in the enum': {
    content: tenant('oil', 'ingressOptions:\n  hostnameCollisionScope: Galaxy\n'),
    message: 'tenants/oil.yaml:6: ingressOptions.hostnameCollisionScope: must be one of "Cluster", "Tenant", "Namespace", "Disabled" (got "Galaxy")',
  },
  'boolean given as a string': {
    content: tenant('oil', 'serviceOptions:\n  allowedServices:\n    nodePort: "no"\n'),
    message: 'tenants/oil.yaml:7: serviceOptions.allowedServices.nodePort: must be a boolean (got string "no")',
  },
  'yes is a string in YAML 1.2': {
    content: tenant('oil', 'cordoned: yes\n'),
    message: 'tenants/oil.yaml:5: cordoned: must be a boolean (got string "yes")',
  },
  'node selector value that is not a string': {
    content: tenant('oil', 'nodeSelector:\n  pool: 1\n'),
    message: 'tenants/oil.yaml:6: nodeSelector.pool: must be a string (got number 1)',
  },
  'name that is not a DNS label': {
    file: 'Oil.yaml',
    content: tenant('Oil'),
    message: "tenants/Oil.yaml:1: name: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (got \"Oil\")",
  },
  'name default': { file: 'default.yaml', content: tenant('default'), message: "tenants/default.yaml:1: name: 'default' is reserved (default, kube-*, and the platform's namespaces: capsule-system, flux-system, kyverno, teleport-iac)" },
  'name kube-*': { file: 'kube-team.yaml', content: tenant('kube-team'), message: "tenants/kube-team.yaml:1: name: 'kube-team' is reserved (default, kube-*, and the platform's namespaces: capsule-system, flux-system, kyverno, teleport-iac)" },
  "name of a platform namespace": {
    file: 'capsule-system.yaml',
    content: tenant('capsule-system'),
    message: "tenants/capsule-system.yaml:1: name: 'capsule-system' is reserved (default, kube-*, and the platform's namespaces: capsule-system, flux-system, kyverno, teleport-iac)",
  },
  'name that would own a platform namespace through the prefix': {
    file: 'flux.yaml',
    content: tenant('flux'),
    message: "tenants/flux.yaml:1: name: with forceTenantPrefix, tenant 'flux' would own namespaces named flux-*, which includes flux-system; choose another name",
  },
  'name that disagrees with the file name': { file: 'oil.yaml', content: tenant('gas'), message: "tenants/oil.yaml:1: name: tenant 'gas' must be declared in a file named gas.yaml (this file is oil.yaml)" },
  'the same tenant in two files': {
    file: 'oil.yml',
    content: tenant('oil'),
    message: "tenants/oil.yml:1: name: tenant 'oil' is also declared in oil.yaml",
  },
  'names that collide through the prefix': {
    file: 'oil-prod.yaml',
    content: tenant('oil-prod'),
    extra: { 'tenants/oil.yaml': tenant('oil') },
    message: "tenants/oil-prod.yaml:1: name: tenant 'oil-prod' starts with 'oil-': with forceTenantPrefix, namespaces oil-prod-* would match the prefixes of both tenants (cluster demo); rename one",
  },
  'pre-created namespace without the tenant prefix': {
    content: tenant('oil', 'platform:\n  namespaces: [dev]\n'),
    message: "tenants/oil.yaml:6: platform.namespaces[0].name: with forceTenantPrefix, namespaces of tenant 'oil' must be named oil-<name> (got 'dev')",
  },
  'more pre-created namespaces than the quota': {
    content: tenant('oil', 'namespaceOptions:\n  quota: 1\nplatform:\n  namespaces: [oil-a, oil-b]\n'),
    message: 'tenants/oil.yaml:8: platform.namespaces: 2 namespaces exceed namespaceOptions.quota (1); Capsule would refuse the extra ones',
  },
  'pre-created namespace that is not a DNS label': {
    content: tenant('oil', 'platform:\n  namespaces: [oil_dev]\n'),
    message: 'tenants/oil.yaml:6: platform.namespaces[0].name: must be a DNS-1123 label (got "oil_dev")',
  },
  'namespace created by two tenants': {
    file: 'gas.yaml',
    content: tenant('gas', 'forceTenantPrefix: false\nplatform:\n  namespaces: [oil-dev]\n'),
    extra: { 'tenants/oil.yaml': tenant('oil', 'platform:\n  namespaces: [oil-dev]\n') },
    message: "tenants/oil.yaml:6: platform.namespaces[0]: namespace 'oil-dev' is already created by tenant 'gas' (cluster demo)",
  },
  'namespace that sets the tenant label': {
    content: tenant('oil', 'platform:\n  namespaces:\n    - name: oil-dev\n      labels:\n        capsule.clastix.io/tenant: gas\n'),
    message: 'tenants/oil.yaml:9: platform.namespaces[0].labels["capsule.clastix.io/tenant"]: set by the platform (the tenant the namespace is listed under)',
  },
  'namespace label the tenant forbids': {
    content: tenant('oil', 'namespaceOptions:\n  forbiddenLabels:\n    deniedRegex: "^internal\\\\."\nplatform:\n  namespaces:\n    - name: oil-dev\n      labels:\n        internal.cost-center: "42"\n'),
    message: 'tenants/oil.yaml:12: platform.namespaces[0].labels["internal.cost-center"]: the tenant forbids this label (namespaceOptions.forbiddenLabels)',
  },
  'unknown namespace metadata template': {
    content: tenant('oil', 'namespaceOptions:\n  additionalMetadataList:\n    - labels:\n        owner: "{{ tenant.owner }}"\n'),
    message: 'tenants/oil.yaml:8: namespaceOptions.additionalMetadataList[0].labels.owner: unknown template {{ tenant.owner }}; Capsule only substitutes {{ tenant.name }} and {{ namespace }}',
  },
  'template in additionalMetadata keys': {
    content: tenant('oil', 'namespaceOptions:\n  additionalMetadata:\n    annotations:\n      "example.com/{{ cluster }}": x\n'),
    message: 'tenants/oil.yaml:8: namespaceOptions.additionalMetadata.annotations["example.com/{{ cluster }}"]: Capsule substitutes templates in values only, not in keys',
  },
  'ServiceAccount owner not written as a username': {
    content: 'name: oil\nowners:\n  - kind: ServiceAccount\n    name: ci/deployer\n',
    message: 'tenants/oil.yaml:4: owners[0].name: a ServiceAccount owner must be written system:serviceaccount:<namespace>:<name> (got "ci/deployer")',
  },
  'YAML syntax error': { content: 'name: oil\nowners:\n  - kind: User\n   name: alice\n', message: 'tenants/oil.yaml:4: invalid YAML: Sequence item without - indicator' },
  'duplicate key': { content: `${tenant('oil')}name: oil\n`, message: 'tenants/oil.yaml:5: invalid YAML: duplicate key "name"; a key appears at most once in a mapping' },
  'two YAML documents in one file': {
    content: `${tenant('oil')}---\n${tenant('gas')}`,
    message: "tenants/oil.yaml:5: a configuration file holds exactly one YAML document (found 2): remove the '---' line",
  },
  'namespace quota that is infinite': {
    content: tenant('oil', 'namespaceOptions:\n  quota: .inf\n'),
    message: 'tenants/oil.yaml:6: namespaceOptions.quota: must be an integer from -2147483648 to 2147483647 (got .inf)',
  },
  'namespace quota that is a fraction (one problem, not two)': {
    content: tenant('oil', 'namespaceOptions:\n  quota: 1.5\n'),
    message: 'tenants/oil.yaml:6: namespaceOptions.quota: must be an integer (got number 1.5)',
  },
  'platform section that is null': { content: tenant('oil', 'platform: null\n'), message: 'tenants/oil.yaml:5: platform: must be an object (got null)' },
  'manifest label key that is not one': {
    content: `apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: oil\n  labels:\n    "bad key": x\nspec:\n  ${alice.replace(/\n  /g, '\n    ')}`,
    message:
      "tenants/oil.yaml:6: metadata.labels[\"bad key\"]: key must be a label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric",
  },
  'empty file': { content: '\n# nothing\n', message: 'tenants/oil.yaml: file is empty; expected a YAML mapping' },
  'a list instead of a mapping': { content: '- name: oil\n', message: 'tenants/oil.yaml:1: expected a YAML mapping at the top level' },
  'empty user group': { content: tenant('oil', 'platform:\n  userGroup: ""\n'), message: 'tenants/oil.yaml:6: platform.userGroup: must not be empty' },
  'unknown platform setting': {
    content: tenant('oil', 'platform:\n  namespace: [oil-dev]\n'),
    message: 'tenants/oil.yaml:6: platform.namespace: unknown field; allowed fields here: userGroup, clusters, namespaces, proxySettings, globalProxySettings, resourcePool, resourcePoolClaims, tenantDefaults, teleport, gitops, allowMixedScriptNames',
  },
  'unknown cluster': {
    content: tenant('oil', 'platform:\n  clusters: [prod]\n'),
    message: "tenants/oil.yaml:6: platform.clusters[0]: unknown cluster 'prod'; clusters in platform.yaml: demo",
  },
  'proxy apiGroups that never match': {
    content: tenant('oil', 'platform:\n  namespaces: [oil-dev]\n  proxySettings:\n    subjects:\n      - kind: Group\n        name: tenant-oil\n        clusterResources:\n          - apiGroups: [""]\n            resources: [persistentvolumes]\n            selector: {matchLabels: {tenant: oil}}\n'),
    message:
      'tenants/oil.yaml:12: platform.proxySettings.subjects[0].clusterResources[0].apiGroups[0]: "" never matches; capsule-proxy matches apiGroups against <group>/<version>: write "storage.k8s.io/*" or "storage.k8s.io/v1", "/v1" for the core group, or "*"',
  },
  'ProxySetting without a tenant namespace': {
    content: tenant('oil', 'platform:\n  proxySettings:\n    subjects:\n      - kind: Group\n        name: tenant-oil\n'),
    message: 'tenants/oil.yaml:6: platform.proxySettings: a ProxySetting must live in a namespace of the tenant: list one under platform.namespaces',
  },
  'ProxySetting subject kind not in the enum': {
    content: tenant('oil', 'platform:\n  namespaces: [oil-dev]\n  proxySettings:\n    subjects:\n      - kind: Team\n        name: tenant-oil\n'),
    message: 'tenants/oil.yaml:9: platform.proxySettings.subjects[0].kind: must be one of "User", "Group", "ServiceAccount" (got "Team")',
  },
  'legacy owner proxySettings next to rules that need ProxyClusterScoped': {
    content:
      'name: oil\nowners:\n  - kind: User\n    name: alice\n    proxySettings:\n      - kind: Nodes\n        operations: [List]\nplatform:\n  globalProxySettings:\n    rules:\n      - subjects: [{kind: Group, name: tenant-oil}]\n',
    message: 'tenants/oil.yaml:5: owners[0].proxySettings: ignored by capsule-proxy once ProxyClusterScoped is enabled (other proxy settings on this cluster need it): express it as clusterResources instead (cluster demo)',
  },
  'a credential in a tenant file': {
    content: tenant('oil', 'platform:\n  token: 8c2d1e4f5a6b7c8d\n'),
    message: 'tenants/oil.yaml:6: platform.token: looks like a credential: secrets never go into configuration or output; reference an existing Secret instead',
  },
  'manifest of the deprecated v1beta1': {
    content: `apiVersion: capsule.clastix.io/v1beta1\nkind: Tenant\nmetadata:\n  name: oil\nspec:\n  ${alice.replace(/\n  /g, '\n    ')}`,
    message: 'tenants/oil.yaml:1: apiVersion: a tenant manifest must be apiVersion capsule.clastix.io/v1beta2, kind Tenant (convert v1beta1 examples to v1beta2 first)',
  },
  'manifest with a namespace (Tenants are cluster-scoped)': {
    content: `apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: oil\n  namespace: default\nspec:\n  ${alice.replace(/\n  /g, '\n    ')}`,
    message: 'tenants/oil.yaml:5: metadata.namespace: unknown field; allowed fields here: name, labels, annotations, finalizers',
  },
  'a regular expression Capsule cannot compile': {
    content: tenant('oil', 'namespaceOptions:\n  forbiddenLabels:\n    deniedRegex: "([a-z"\n'),
    message: 'tenants/oil.yaml:7: namespaceOptions.forbiddenLabels.deniedRegex: "([a-z" is not a valid regular expression (missing closing ] in [a-z)',
  },
  'a repeat count above RE2\'s limit': {
    content: tenant('oil', 'ingressOptions:\n  allowedHostnames:\n    allowedRegex: "^[a-z]{1,2000}\\\\.example\\\\.com$"\n'),
    message:
      'tenants/oil.yaml:7: ingressOptions.allowedHostnames.allowedRegex: "^[a-z]{1,2000}\\\\.example\\\\.com$" is not a valid regular expression (invalid repeat count {1,2000}: at most 1000)',
  },
  'a regular expression Go does not support': {
    content: tenant('oil', 'containerRegistries:\n  allowedRegex: "^(?!evil).*"\n'),
    message: 'tenants/oil.yaml:6: containerRegistries.allowedRegex: "^(?!evil).*" uses lookaround, which Go\'s RE2 (and so Capsule) does not support',
  },
  'a node selector key that is not a label key': {
    content: tenant('oil', 'nodeSelector:\n  "bad key!": workers\n'),
    message: `tenants/oil.yaml:6: nodeSelector["bad key!"]: ${LABEL_KEY}`,
  },
  'a template in the deprecated additionalMetadata, which Capsule does not substitute': {
    content: tenant('oil', 'namespaceOptions:\n  additionalMetadata:\n    labels:\n      team: "{{ tenant.name }}"\n'),
    message: 'tenants/oil.yaml:8: namespaceOptions.additionalMetadata.labels.team: Capsule substitutes templates in additionalMetadataList only, not in additionalMetadata: this value would stay as written',
  },
  'a namespace label key that is not one': {
    content: tenant('oil', 'platform:\n  namespaces:\n    - name: oil-dev\n      labels: {"bad key": x}\n'),
    message: `tenants/oil.yaml:8: platform.namespaces[0].labels["bad key"]: ${LABEL_KEY}`,
  },
  'Pod label keys that are not ones': {
    content: tenant('oil', 'podOptions:\n  additionalMetadata:\n    labels: {"example.com/": x}\n'),
    message: `tenants/oil.yaml:7: podOptions.additionalMetadata.labels["example.com/"]: ${LABEL_KEY}`,
  },
  'a namespace annotation key that is not one': {
    content: tenant('oil', 'namespaceOptions:\n  additionalMetadataList:\n    - annotations: {"bad key": x}\n'),
    message: `tenants/oil.yaml:7: namespaceOptions.additionalMetadataList[0].annotations["bad key"]: ${ANNOTATION_KEY}`,
  },
  'a storage class label value that is not one': {
    content: tenant('oil', 'storageClasses:\n  matchLabels: {tier: "v v"}\n'),
    message: `tenants/oil.yaml:6: storageClasses.matchLabels.tier: "v v" is not a valid label value; a label value is empty, or at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending alphanumeric`,
  },
  'a selector operator that does not exist': {
    content: tenant('oil', 'storageClasses:\n  matchExpressions:\n    - {key: tier, operator: Maybe}\n'),
    message: 'tenants/oil.yaml:7: storageClasses.matchExpressions[0].operator: must be one of "In", "NotIn", "Exists", "DoesNotExist" (got "Maybe")',
  },
  'a selector In without values': {
    content: tenant('oil', 'gatewayOptions:\n  allowedClasses:\n    matchExpressions:\n      - {key: a, operator: In}\n'),
    message: 'tenants/oil.yaml:8: gatewayOptions.allowedClasses.matchExpressions[0].values: must not be empty when operator is In',
  },
  'a manifest annotation key that is not one': {
    content: `apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: oil\n  annotations:\n    "bad key": x\nspec:\n  ${alice.replace(/\n  /g, '\n    ')}`,
    message: `tenants/oil.yaml:6: metadata.annotations["bad key"]: ${ANNOTATION_KEY}`,
  },
  'a name a Kyverno policy reserves': {
    file: 'cluster-system.yaml',
    content: tenant('cluster-system'),
    extra: { 'platform.yaml': withPolicy('        tenant-core:\n          enabled: true\n') },
    message:
      "tenants/cluster-system.yaml:1: name: 'cluster-system' is reserved by the Kyverno policy tenant-core (clusters[0].kyverno.policies.tenant-core.reservedNames in platform.yaml): the Tenant would be refused at admission (cluster demo)",
  },
  'a namespace label that a Kyverno default forbids': {
    content: tenant('oil', 'platform:\n  namespaces:\n    - name: oil-dev\n      labels:\n        billing.example.com/center: "7"\n'),
    extra: { 'platform.yaml': withPolicy('        tenant-core:\n          defaults:\n            forbiddenNamespaceLabelsRegex: .*example\\.com.*\n') },
    message:
      'tenants/oil.yaml:9: platform.namespaces[0].labels["billing.example.com/center"]: matches the forbidden namespace labels that tenant-core gives the tenant (clusters[0].kyverno.policies.tenant-core.defaults.forbiddenNamespaceLabelsRegex in platform.yaml): Capsule would refuse the namespace (cluster demo)',
  },
  'the tenant that labels Pods outside tenants': {
    file: 'management.yaml',
    content: tenant('management'),
    message:
      "tenants/management.yaml:1: name: 'management' is the tenant label capsule-pod-labels gives Pods outside tenants (clusters[0].kyverno.policies.capsule-pod-labels.defaultTenant in platform.yaml): this tenant's logs would mix with the platform's; rename one (cluster demo)",
  },
  'manifest with a field in the wrong place': {
    content: `apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: oil\nspec:\n  ${alice.replace(/\n  /g, '\n    ')}owners: []\n`,
    message: 'tenants/oil.yaml:9: owners: unknown field; allowed fields here: apiVersion, kind, metadata, spec, platform',
  },
};

describe('malformed tenant files are rejected with a message naming the file, line, field and what is allowed', () => {
  // A published output that every case must leave untouched (each case gets its own copy).
  const pristine = synth().outDir;
  const published = readTree(pristine);

  test('there are at least 30 cases', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(30);
  });

  test.each(Object.entries(CASES))('%s', (_name, c) => {
    const name = /^name: (\S+)/m.exec(c.content)?.[1] ?? /name: (\S+)/.exec(c.content)?.[1] ?? 'oil';
    const file = `tenants/${c.file ?? `${name}.yaml`}`;
    const dir = configWith({ 'tenants/oil.yaml': null, ...c.extra, [file]: c.content, ...(c.file === 'oil.yml' ? { 'tenants/oil.yaml': tenant('oil') } : {}) });
    const error = expectRefusedKeepingOutput(dir, pristine, published);
    const messages = error.problems.map((p) => `${path.relative(dir, p.file ?? '')}${p.line ? `:${p.line}` : ''}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
    expect(messages).toEqual([c.message]);
  });
});
