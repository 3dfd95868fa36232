/**
 * IAM as AWS evaluates it, in the one policy model every rule reads. Each test is a way a careless
 * or hostile statement could slip past a rule that reads policies literally, and the rule's answer.
 */
import { isBroadResource } from '../../constructs/policy-engine/iam';
import { ModelAccessGuardrail, NoWildcardActions, NoWildcardResourcesOnDataActions, TrustPolicyNarrowed } from '../../constructs/policy-engine/rules';
import { evaluate, policy, synthStack } from '../governance/fixtures';

function rolePolicy(...statements: Record<string, unknown>[]) {
  return synthStack({ resource: { aws_iam_role_policy: { p: { role: 'r', policy: policy(...statements) } } } });
}
const P = 'aws_iam_role_policy.p';

describe('NotAction in an Allow allows every other action', () => {
  test('fails when NotAction iam:* on "*" grants data actions on every resource', () => {
    const stack = rolePolicy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, P)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/on every resource of a type \(\*\)/) });
  });
  test('fails when NotAction iam:* grants Bedrock invocation without a guardrail', () => {
    const stack = rolePolicy({ Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:bedrock:eu-west-1::foundation-model/m' });
    expect(evaluate(ModelAccessGuardrail, stack, P)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream without a bedrock:GuardrailIdentifier condition/) });
  });
  test('a NotAction that excludes every Bedrock action grants none of them', () => {
    const stack = rolePolicy({ Effect: 'Allow', NotAction: ['bedrock:*', 'iam:*'], Resource: 'arn:aws:s3:::b/k' });
    expect(evaluate(ModelAccessGuardrail, stack, P).status).toBe('compliant');
  });
  test('fails NoWildcardActions naming the NotAction list', () => {
    const stack = rolePolicy({ Sid: 'Else', Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b/k' });
    expect(evaluate(NoWildcardActions, stack, P)).toEqual({ status: 'non-compliant', message: 'statement "Else" uses NotAction iam:* in an Allow (allows every other action)' });
  });
});

describe('action names are case-insensitive, with wildcards anywhere', () => {
  test.each(['BEDROCK:InvokeModel', 'bedrock:invoke*', 'bedrock:*Model', '*:InvokeModel', 'bedrock:Invoke?odel', 'b*:I*'])('fails ModelAccessGuardrail for %s without a guardrail', (action) => {
    expect(evaluate(ModelAccessGuardrail, rolePolicy({ Effect: 'Allow', Action: action, Resource: 'arn:aws:bedrock:eu-west-1::foundation-model/m' }), P).status).toBe('non-compliant');
  });
  test.each(['*:InvokeModel', 'bedrock:Invoke?odel', 's3:*Object'])('fails NoWildcardActions for %s', (action) => {
    expect(evaluate(NoWildcardActions, rolePolicy({ Effect: 'Allow', Action: action, Resource: 'arn:aws:s3:::b/k' }), P).status).toBe('non-compliant');
  });
});

describe('resource patterns that reach every resource of a type', () => {
  test.each([
    '*',
    'arn:aws:secretsmanager:*:*:secret:*',
    'arn:aws:s3:::*/*',
    'arn:aws:s3:::*',
    'arn:aws:kms:*:*:key/*',
    'arn:aws:kms:eu-west-1:123456789012:key/*',
    'arn:aws:logs:eu-west-1:123456789012:log-group:*',
    'arn:aws:bedrock:*::foundation-model/*',
    'arn:aws:*:*:*:*',
    'arn:*',
  ])('%s is broad', (pattern) => expect(isBroadResource(pattern)).toBe(true));
  test.each([
    'arn:aws:s3:::data/*',
    'arn:aws:s3:::data-*/*',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*',
    'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/app:*',
    'arn:aws:execute-api:eu-west-1:123456789012:abc123/*/GET/tools',
    'arn:aws:sqs:eu-west-1:123456789012:jobs',
    '${aws_kms_key.k.arn}',
    'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  ])('%s is not', (pattern) => expect(isBroadResource(pattern)).toBe(false));
  test('fails when GetSecretValue names every secret of every account', () => {
    const stack = rolePolicy({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:*:*:secret:*' });
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, P)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/arn:aws:secretsmanager:\*:\*:secret:\*/) });
  });
  test('fails when NotResource leaves every other object reachable', () => {
    const stack = rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::audit/*' });
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, P)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/NotResource arn:aws:s3:::audit\/\*/) });
  });
  test('an object pattern under a named bucket is compliant', () => {
    expect(evaluate(NoWildcardResourcesOnDataActions, rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }), P).status).toBe('compliant');
  });
});

describe('trust policies', () => {
  const role = (trust: string) => synthStack({ resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: trust } } } });
  test('fails when an Allow trusts NotPrincipal', () => {
    const trust = policy({ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 'sts:AssumeRole' });
    expect(evaluate(TrustPolicyNarrowed, role(trust), 'aws_iam_role.r').status).toBe('non-compliant');
  });
  test('fails when the principal is {"AWS": "*"}', () => {
    const trust = policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' });
    expect(evaluate(TrustPolicyNarrowed, role(trust), 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/trusts AWS "\*"/) });
  });
  test('a Deny with NotPrincipal narrows, it does not trust', () => {
    const trust = policy(
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } },
      { Effect: 'Deny', NotPrincipal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    );
    expect(evaluate(TrustPolicyNarrowed, role(trust), 'aws_iam_role.r').status).toBe('compliant');
  });
});
