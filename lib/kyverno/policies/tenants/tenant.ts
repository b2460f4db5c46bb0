import { TenantV1Beta2 } from '../../../../imports/capsule-tenants-capsule.clastix.io';
import { resourceKind } from '../../policy';

/** Capsule Tenants at the version the rules' paths are written for (the platform renders v1beta2). */
export const TENANT = resourceKind(TenantV1Beta2.GVK, 'tenants');
