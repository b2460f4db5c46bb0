/**
 * The label Capsule puts on every namespace of a tenant (value: the tenant name). Policies and
 * proxies select tenant namespaces with it; everything in this project reads it from here.
 */
export const TENANT_LABEL = 'capsule.clastix.io/tenant';
