import * as YAML from 'yaml';

/**
 * Test references. The Teleport role of the Capsule "Teleport" demo (seed 000, the `role.yaml` that
 * it `tctl create`s), copied here verbatim: what the default platform must render, as a tctl role
 * and as the operator's TeleportRoleV8.
 */
export const SEED_000_ROLE = YAML.parse(`
kind: role
metadata:
  labels:
    capsule: "true"
  name: kube-access
version: v8
spec:
  allow:
    kubernetes_groups:
    - tenant-oil
    kubernetes_labels:
      capsule: "true"
    kubernetes_resources:
    - api_group: '*'
      kind: '*'
      name: '*'
      namespace: '*'
      verbs:
      - '*'
    kubernetes_users:
    - alice
`);
