/** Rules that protect models: one file each; this file only re-exports. */
export { DIRECT_MODEL_ACTIONS, DirectModelAccess } from './DirectModelAccess';
export { ModelAccessGuardrail } from './ModelAccessGuardrail';
export { ModelAndToolAccessSeparated } from './ModelAndToolAccessSeparated';
export { SageMakerEndpointDataCapture } from './SageMakerEndpointDataCapture';
export { SageMakerEndpointEncrypted } from './SageMakerEndpointEncrypted';
export { SageMakerNetworkIsolation } from './SageMakerNetworkIsolation';
