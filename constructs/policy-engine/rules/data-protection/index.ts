/** Rules that protect data-protection: one file each; this file only re-exports. */
export { DeletionRecoverable } from './DeletionRecoverable';
export { KmsKeyRotation } from './KmsKeyRotation';
export { S3BucketKmsEncrypted } from './S3BucketKmsEncrypted';
export { S3BucketPublicAccessBlocked } from './S3BucketPublicAccessBlocked';
export { S3BucketTlsOnly } from './S3BucketTlsOnly';
export { S3BucketVersioned } from './S3BucketVersioned';
