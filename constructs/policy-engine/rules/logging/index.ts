/** Rules that protect logging: one file each; this file only re-exports. */
export { LogGroupEncryptedAndRetained } from './LogGroupEncryptedAndRetained';
export { ModelInvocationLogging } from './ModelInvocationLogging';
