/** Rules that protect secrets: one file each; this file only re-exports. */
export { SecretCustomerManagedKey } from './SecretCustomerManagedKey';
export { SecretRotation } from './SecretRotation';
export { SecretValueNotInState } from './SecretValueNotInState';
