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

/** The concrete actions of `klass` an Allow statement grants (empty for Deny). */
export function grantedActions(statement: Statement, klass: readonly string[]): string[] {
  if (statement.effect !== 'Allow') return [];
  // Several rules ask the same statement about the same class: answer once per statement.
  let byClass = GRANTED.get(statement);
  if (!byClass) GRANTED.set(statement, (byClass = new Map()));
  let granted = byClass.get(klass);
  if (!granted) {
    let lower = LOWER.get(klass);
    if (!lower) LOWER.set(klass, (lower = new Set(klass.map((a) => a.toLowerCase()))));
    const hits = new Set<string>();
    for (const p of statement.actions ?? []) {
      if (p.includes('*') || p.includes('?')) {
        for (const a of klass) if (actionMatches(p, a)) hits.add(a.toLowerCase());
      } else if (lower.has(p.toLowerCase())) {
        hits.add(p.toLowerCase());
      }
    }
    granted = hits.size ? klass.filter((a) => hits.has(a.toLowerCase())) : [];
    byClass.set(klass, granted);
  }
  return granted;
}

const GRANTED = new WeakMap<Statement, Map<readonly string[], string[]>>();
const LOWER = new WeakMap<readonly string[], Set<string>>();
