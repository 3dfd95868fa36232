/** The IAM policy model the rules read: documents, patterns, what statements grant, where policies live. */
export * from './policy-document';
export * from './patterns';
export * from './statements';
export * from './managed-policies';
export { ACTION_CLASSES_SOURCE, DATA_ACTIONS, MODEL_ACTIONS, BEDROCK_INVOKE_ACTIONS, TOOL_ACTIONS } from './action-classes';
export * from './policy-lookup';
export * from './execute-api';
