/** Rules that protect network: one file each; this file only re-exports. */
export { ApiMethodAuthorized } from './ApiMethodAuthorized';
export { EXECUTE_API_INVOKE_ACTION, ExecuteApiGrantScope } from './ExecuteApiGrantScope';
export { InterfaceEndpointPrivate } from './InterfaceEndpointPrivate';
