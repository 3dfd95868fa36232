/** The default rule pack: the order is the order findings are reported in. */
import type { Rule } from '../rule-engine';
import { ApiMethodAuthorized } from './network/ApiMethodAuthorized';
import { DirectModelAccess } from './models/DirectModelAccess';
import { ExecuteApiGrantScope } from './network/ExecuteApiGrantScope';
import { DeletionRecoverable } from './data-protection/DeletionRecoverable';
import { GovernanceTags } from './governance/GovernanceTags';
import { InterfaceEndpointPrivate } from './network/InterfaceEndpointPrivate';
import { KmsKeyRotation } from './data-protection/KmsKeyRotation';
import { KubernetesGovernanceLabels } from './kubernetes/KubernetesGovernanceLabels';
import { KubernetesNamespaceDefaultDeny } from './kubernetes/KubernetesNamespaceDefaultDeny';
import { KubernetesNoDefaultServiceAccount } from './kubernetes/KubernetesNoDefaultServiceAccount';
import { KubernetesPodHardened } from './kubernetes/KubernetesPodHardened';
import { LogGroupEncryptedAndRetained } from './logging/LogGroupEncryptedAndRetained';
import { ModelAccessGuardrail } from './models/ModelAccessGuardrail';
import { ModelAndToolAccessSeparated } from './models/ModelAndToolAccessSeparated';
import { ModelInvocationLogging } from './logging/ModelInvocationLogging';
import { NoIamUsers } from './identity/NoIamUsers';
import { NoWildcardActions } from './identity/NoWildcardActions';
import { NoWildcardResourcesOnDataActions } from './identity/NoWildcardResourcesOnDataActions';
import { ReviewDueSoon } from './governance/ReviewDueSoon';
import { RouteEntryOwnership } from './governance/RouteEntryOwnership';
import { RevokedWorkloadDenied } from './identity/RevokedWorkloadDenied';
import { RoleSessionAtMostOneHour } from './identity/RoleSessionAtMostOneHour';
import { S3BucketKmsEncrypted } from './data-protection/S3BucketKmsEncrypted';
import { S3BucketPublicAccessBlocked } from './data-protection/S3BucketPublicAccessBlocked';
import { S3BucketTlsOnly } from './data-protection/S3BucketTlsOnly';
import { S3BucketVersioned } from './data-protection/S3BucketVersioned';
import { SageMakerEndpointEncrypted } from './models/SageMakerEndpointEncrypted';
import { SageMakerEndpointDataCapture } from './models/SageMakerEndpointDataCapture';
import { SageMakerNetworkIsolation } from './models/SageMakerNetworkIsolation';
import { SecretCustomerManagedKey } from './secrets/SecretCustomerManagedKey';
import { SecretRotation } from './secrets/SecretRotation';
import { SecretValueNotInState } from './secrets/SecretValueNotInState';
import { TrustPolicyNarrowed } from './identity/TrustPolicyNarrowed';
import { IntegrationIdentityTrust } from './identity/IntegrationIdentityTrust';
import { WorkloadIdentityTrust } from './identity/WorkloadIdentityTrust';
import { WorkloadRolePermissionBoundary } from './identity/WorkloadRolePermissionBoundary';

export const GOVERNANCE_RULES: readonly Rule[] = [
  GovernanceTags,
  ReviewDueSoon,
  NoIamUsers,
  NoWildcardActions,
  NoWildcardResourcesOnDataActions,
  RoleSessionAtMostOneHour,
  WorkloadRolePermissionBoundary,
  TrustPolicyNarrowed,
  IntegrationIdentityTrust,
  WorkloadIdentityTrust,
  RevokedWorkloadDenied,
  SecretCustomerManagedKey,
  SecretRotation,
  SecretValueNotInState,
  KmsKeyRotation,
  DeletionRecoverable,
  LogGroupEncryptedAndRetained,
  S3BucketPublicAccessBlocked,
  S3BucketKmsEncrypted,
  S3BucketVersioned,
  S3BucketTlsOnly,
  InterfaceEndpointPrivate,
  SageMakerNetworkIsolation,
  SageMakerEndpointEncrypted,
  SageMakerEndpointDataCapture,
  ApiMethodAuthorized,
  ExecuteApiGrantScope,
  RouteEntryOwnership,
  KubernetesGovernanceLabels,
  KubernetesPodHardened,
  KubernetesNoDefaultServiceAccount,
  KubernetesNamespaceDefaultDeny,
  ModelInvocationLogging,
  DirectModelAccess,
  ModelAccessGuardrail,
  ModelAndToolAccessSeparated,
];
