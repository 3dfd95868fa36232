/** Rules that protect network: one file each; this file only re-exports. */
export { ApiMethodAuthorized } from './ApiMethodAuthorized';
export { InterfaceEndpointPrivate } from './InterfaceEndpointPrivate';
