/** The default rule pack: the order is the order findings are reported in. */
import type { Rule } from '../rule-engine';
import { ApiMethodAuthorized } from './ApiMethodAuthorized';
import { DeletionRecoverable } from './DeletionRecoverable';
import { GovernanceTags } from './GovernanceTags';
import { InterfaceEndpointPrivate } from './InterfaceEndpointPrivate';
import { KmsKeyRotation } from './KmsKeyRotation';
import { KubernetesGovernanceLabels } from './KubernetesGovernanceLabels';
import { KubernetesNamespaceDefaultDeny } from './KubernetesNamespaceDefaultDeny';
import { KubernetesNoDefaultServiceAccount } from './KubernetesNoDefaultServiceAccount';
import { KubernetesPodHardened } from './KubernetesPodHardened';
import { LogGroupEncryptedAndRetained } from './LogGroupEncryptedAndRetained';
import { ModelAccessGuardrail } from './ModelAccessGuardrail';
import { ModelAndToolAccessSeparated } from './ModelAndToolAccessSeparated';
import { ModelInvocationLogging } from './ModelInvocationLogging';
import { NoIamUsers } from './NoIamUsers';
import { NoWildcardActions } from './NoWildcardActions';
import { NoWildcardResourcesOnDataActions } from './NoWildcardResourcesOnDataActions';
import { RevokedWorkloadDenied } from './RevokedWorkloadDenied';
import { RoleSessionAtMostOneHour } from './RoleSessionAtMostOneHour';
import { S3BucketKmsEncrypted } from './S3BucketKmsEncrypted';
import { S3BucketPublicAccessBlocked } from './S3BucketPublicAccessBlocked';
import { S3BucketTlsOnly } from './S3BucketTlsOnly';
import { S3BucketVersioned } from './S3BucketVersioned';
import { SageMakerEndpointEncrypted } from './SageMakerEndpointEncrypted';
import { SageMakerEndpointDataCapture } from './SageMakerEndpointDataCapture';
import { SageMakerNetworkIsolation } from './SageMakerNetworkIsolation';
import { SecretCustomerManagedKey } from './SecretCustomerManagedKey';
import { SecretRotation } from './SecretRotation';
import { SecretValueNotInState } from './SecretValueNotInState';
import { TrustPolicyNarrowed } from './TrustPolicyNarrowed';
import { WorkloadRolePermissionBoundary } from './WorkloadRolePermissionBoundary';

export const GOVERNANCE_RULES: readonly Rule[] = [
  GovernanceTags,
  NoIamUsers,
  NoWildcardActions,
  NoWildcardResourcesOnDataActions,
  RoleSessionAtMostOneHour,
  WorkloadRolePermissionBoundary,
  TrustPolicyNarrowed,
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
  KubernetesGovernanceLabels,
  KubernetesPodHardened,
  KubernetesNoDefaultServiceAccount,
  KubernetesNamespaceDefaultDeny,
  ModelInvocationLogging,
  ModelAccessGuardrail,
  ModelAndToolAccessSeparated,
];
