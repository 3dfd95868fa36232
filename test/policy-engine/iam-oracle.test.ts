/**
 * The policy model against a real IAM evaluator: @cloud-copilot/iam-simulate (AGPL, a dev-only
 * test oracle; nothing shipped uses it). For statements written the ways that slip past a literal
 * reading (NotAction, case, wildcards anywhere, NotResource, patterns over every resource of a
 * type), what the model says a statement grants must be what IAM allows.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { documentFromJson, grantedActions, reachesEveryResource } from '../../constructs/policy-engine/iam';

const ACCOUNT = '111122223333';
const PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/app/session`;

const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

async function allowed(statement: Record<string, unknown>, action: string, resource: string): Promise<boolean> {
  const result = await runSimulation(
    {
      request: { principal: PRINCIPAL, action, resource: { resource, accountId: ACCOUNT }, contextVariables: { 'aws:SecureTransport': 'true' } },
      identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: [statement] } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // A KMS key is usable through identity policies only when its key policy delegates to the
      // account: give the key the policy AWS writes by default.
      resourcePolicy: action.startsWith('kms:') ? KEY_POLICY : undefined,
      permissionBoundaryPolicies: undefined,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`iam-simulate rejected the request: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

/** One resource of each service the actions act on, in the same account. */
const RESOURCE_FOR: Record<string, string> = {
  s3: 'arn:aws:s3:::other-team-bucket/report.csv',
  secretsmanager: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:other-team-db-AbCdEf`,
  kms: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  bedrock: 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
  sagemaker: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/other-endpoint`,
  'execute-api': `arn:aws:execute-api:eu-west-1:${ACCOUNT}:abc123/prod/POST/tools/pay`,
};
const ACTIONS = ['s3:GetObject', 'secretsmanager:GetSecretValue', 'kms:Decrypt', 'bedrock:InvokeModel', 'sagemaker:InvokeEndpoint', 'execute-api:Invoke'];

describe.each([
  { Effect: 'Allow', Action: '*', Resource: '*' },
  { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
  { Effect: 'Allow', NotAction: ['bedrock:*', 's3:*'], Resource: '*' },
  { Effect: 'Allow', Action: 'BEDROCK:invoke*', Resource: '*' },
  { Effect: 'Allow', Action: ['bedrock:*Model', 'sagemaker:Invoke*'], Resource: '*' },
  { Effect: 'Allow', Action: ['s3:Get?bject', 'SecretsManager:Get*Value'], Resource: '*' },
  { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' },
])('what %j grants', (statement) => {
  test('is what IAM allows, action by action', async () => {
    const [parsed] = documentFromJson({ Statement: [statement] }).statements;
    const model = grantedActions(parsed, ACTIONS);
    const iam: string[] = [];
    for (const action of ACTIONS) if (await allowed(statement, action, RESOURCE_FOR[action.split(':')[0]])) iam.push(action);
    expect(model).toEqual(iam);
  });
});

describe.each([
  ['s3:GetObject', 'arn:aws:s3:::*/*'],
  ['s3:GetObject', 'arn:aws:s3:::*'],
  ['s3:GetObject', 'arn:*'],
  ['s3:GetObject', 'arn:aws:s3:::data/*'],
  ['secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:*'],
  ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:app/*`],
  ['kms:Decrypt', 'arn:aws:kms:*:*:key/*'],
  ['bedrock:InvokeModel', 'arn:aws:bedrock:*::foundation-model/*'],
])('%s on %s', (action, pattern) => {
  test('reaches another team\'s resource exactly when the model calls the pattern broad', async () => {
    const statement = { Effect: 'Allow', Action: action, Resource: pattern };
    const [parsed] = documentFromJson({ Statement: [statement] }).statements;
    expect(reachesEveryResource(parsed)).toBe(await allowed(statement, action, RESOURCE_FOR[action.split(':')[0]]));
  });
});

test('NotResource reaches every other resource, as IAM allows', async () => {
  const statement = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::audit/*' };
  const [parsed] = documentFromJson({ Statement: [statement] }).statements;
  expect([reachesEveryResource(parsed), await allowed(statement, 's3:GetObject', RESOURCE_FOR.s3)]).toEqual([true, true]);
});
