/**
 * The label Capsule puts on every namespace of a tenant (value: the tenant name). Policies and
 * proxies select tenant namespaces with it; everything in this project reads it from here.
 */
export const TENANT_LABEL = 'capsule.clastix.io/tenant';

/** The label Kubernetes (1.22+) puts on every namespace, with the namespace's name; policies select namespaces by name with it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The namespace annotation OpenCost aggregates costs per tenant by (seed 001, "OpenCost":
 * `aggregate=annotation:opencost_projectcapsule_dev_tenant`).
 */
export const OPENCOST_TENANT_ANNOTATION = 'opencost.projectcapsule.dev/tenant';
