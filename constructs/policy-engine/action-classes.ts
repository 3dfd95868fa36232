import { actionMatches, Statement } from './iam-policy';

/**
 * Classes of IAM actions the rules reason about. A statement "includes" a class when one of its
 * action patterns matches one of the class's concrete actions (so `s3:*` and `s3:Get*` include
 * s3:GetObject). Concrete lists rather than patterns keep the match one-directional and exact.
 */

/** Actions that read or write data (objects, secrets, keys, model inputs and outputs, tools). */
export const DATA_ACTIONS: readonly string[] = [
  's3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion',
  'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret',
  'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
  'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:PutParameter',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan',
  'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem',
  'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sns:Publish',
  'kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:GetRecords',
  'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery',
  'lambda:InvokeFunction', 'execute-api:Invoke',
  'bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:Converse', 'bedrock:ConverseStream',
  'bedrock:InvokeAgent', 'bedrock:Retrieve', 'bedrock:RetrieveAndGenerate', 'bedrock:ApplyGuardrail',
  'sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream',
];

/** Direct model invocation (Bedrock runtime, SageMaker runtime). */
export const MODEL_ACTIONS: readonly string[] = [
  'bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:Converse', 'bedrock:ConverseStream',
  'sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream',
];

/** Bedrock model invocation, where an IAM condition can force a guardrail. */
export const BEDROCK_INVOKE_ACTIONS: readonly string[] = MODEL_ACTIONS.filter((a) => a.startsWith('bedrock:'));

/** Calling tools through the gateway (API Gateway execute-api routes). */
export const TOOL_ACTIONS: readonly string[] = ['execute-api:Invoke'];

/** The concrete actions of `klass` an Allow statement grants (empty for Deny), in `klass` order. */
export function grantedActions(statement: Statement, klass: readonly string[]): readonly string[] {
  if (statement.effect !== 'Allow' || !statement.actions) return NONE;
  // Several rules ask the same statement about the same class: answer once per statement. The
  // answers live on the statement (parsed by iam-policy.ts, never user data): a WeakMap per class
  // cost more than the matching it saved.
  const holder = statement as Statement & { [GRANTED]?: Map<readonly string[], readonly string[]> };
  const cache = (holder[GRANTED] ??= new Map());
  const cached = cache.get(klass);
  if (cached) return cached;
  let lower = LOWER.get(klass);
  if (!lower) LOWER.set(klass, (lower = new Map(klass.map((a) => [a.toLowerCase(), a]))));
  let granted: string[] | undefined;
  for (const p of statement.actions) {
    if (p.includes('*') || p.includes('?')) {
      for (const a of klass) if (actionMatches(p, a) && !granted?.includes(a)) (granted ??= []).push(a);
    } else {
      const a = lower.get(p.toLowerCase());
      if (a && !granted?.includes(a)) (granted ??= []).push(a);
    }
  }
  const result = granted && granted.length > 1 ? granted.sort((x, y) => klass.indexOf(x) - klass.indexOf(y)) : granted ?? NONE;
  cache.set(klass, result);
  return result;
}

const NONE: readonly string[] = [];
const GRANTED = Symbol('grantedActions');
const LOWER = new Map<readonly string[], Map<string, string>>();
