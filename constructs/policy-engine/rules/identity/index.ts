/** Rules that protect identity: one file each; this file only re-exports. */
export { IntegrationIdentityTrust } from './IntegrationIdentityTrust';
export { NoIamUsers } from './NoIamUsers';
export { NoWildcardActions } from './NoWildcardActions';
export { NoWildcardResourcesOnDataActions } from './NoWildcardResourcesOnDataActions';
export { RevokedWorkloadDenied } from './RevokedWorkloadDenied';
export { RoleSessionAtMostOneHour } from './RoleSessionAtMostOneHour';
export { TrustPolicyNarrowed } from './TrustPolicyNarrowed';
export { WorkloadIdentityTrust } from './WorkloadIdentityTrust';
export { WorkloadRolePermissionBoundary } from './WorkloadRolePermissionBoundary';
