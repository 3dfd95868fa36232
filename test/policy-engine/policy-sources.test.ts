/**
 * Where policies come from, read as AWS and the provider read them: AWS managed policies attached by
 * ARN, aws_iam_policy_document source and override documents, KMS key policies with the default
 * statement.
 */
import { ModelAccessGuardrail, NoWildcardActions, NoWildcardResourcesOnDataActions } from '../../constructs/policy-engine/rules';
import { evaluate, policy, synthStack } from '../governance/fixtures';

const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });

describe('managed policies attached by ARN', () => {
  const attached = (arn: string) => synthStack({ resource: { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: arn } } } });
  const A = 'aws_iam_role_policy_attachment.a';
  test('fails when PowerUserAccess (NotAction iam:*, organizations:*, account:*) is attached', () => {
    expect(evaluate(NoWildcardActions, attached('arn:aws:iam::aws:policy/PowerUserAccess'), A)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/NotAction/) });
  });
  test('fails when ReadOnlyAccess reads every object and secret', () => {
    expect(evaluate(NoWildcardResourcesOnDataActions, attached('arn:aws:iam::aws:policy/ReadOnlyAccess'), A).status).toBe('non-compliant');
  });
  test('reads an AWS managed policy in another partition from the same document', () => {
    expect(evaluate(NoWildcardActions, attached('arn:aws-us-gov:iam::aws:policy/AdministratorAccess'), A)).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/wildcard actions \*/) });
  });
  test('a service-role managed policy (path in the ARN) is read too', () => {
    expect(evaluate(NoWildcardActions, attached('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'), A).status).toBe('compliant');
  });
  test('an AWS managed policy the engine holds no document for is cannot-verify, never a pass', () => {
    expect(evaluate(NoWildcardActions, attached('arn:aws:iam::aws:policy/NotARealPolicyName'), A)).toEqual({
      status: 'cannot-verify',
      message: 'arn:aws:iam::aws:policy/NotARealPolicyName is an AWS managed policy the engine does not hold a document for',
    });
  });
  test('a customer managed policy outside the stack is cannot-verify', () => {
    expect(evaluate(NoWildcardActions, attached('arn:aws:iam::123456789012:policy/team-policy'), A)).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/outside this stack/) });
  });
  test('a policy of the same stack is judged where it is defined, not again at the attachment', () => {
    const stack = synthStack({
      resource: {
        aws_iam_policy: { wide: { policy: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) } },
        aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: '${aws_iam_policy.wide.arn}' } },
      },
    });
    expect([evaluate(NoWildcardActions, stack, 'aws_iam_policy.wide').status, evaluate(NoWildcardActions, stack, A).status]).toEqual(['non-compliant', 'compliant']);
  });
  test('fails when managed_policy_arns on a role names AdministratorAccess', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: TRUST, managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } } } });
    expect(evaluate(ModelAccessGuardrail, stack, 'aws_iam_role.r').status).toBe('non-compliant');
  });
  test('fails when aws_iam_policy_attachment attaches AdministratorAccess to roles', () => {
    const stack = synthStack({ resource: { aws_iam_policy_attachment: { a: { name: 'a', roles: ['r'], policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } } });
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_policy_attachment.a').status).toBe('non-compliant');
  });
});

describe('aws_iam_policy_document source and override documents, merged as the provider merges them', () => {
  const doc = (data: Record<string, Record<string, unknown>>) =>
    synthStack({ resource: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.merged.json}' } } }, data: { aws_iam_policy_document: data } });
  const wide = { statement: [{ sid: 'Wide', effect: 'Allow', actions: ['*'], resources: ['*'] }] };
  const narrow = { statement: [{ sid: 'Wide', effect: 'Allow', actions: ['logs:PutLogEvents'], resources: ['arn:aws:logs:eu-west-1:1:log-group:app:*'] }] };
  test('fails when a source document brings "*" on "*"', () => {
    expect(evaluate(NoWildcardActions, doc({ base: wide, merged: { source_policy_documents: ['${data.aws_iam_policy_document.base.json}'] } }), 'aws_iam_policy.p').status).toBe('non-compliant');
  });
  test('fails when an override document brings a wildcard', () => {
    expect(evaluate(NoWildcardActions, doc({ extra: wide, merged: { ...narrow, override_policy_documents: ['${data.aws_iam_policy_document.extra.json}'] } }), 'aws_iam_policy.p').status).toBe('non-compliant');
  });
  test("the document's own statement replaces a source statement with the same sid", () => {
    expect(evaluate(NoWildcardActions, doc({ base: wide, merged: { ...narrow, source_policy_documents: ['${data.aws_iam_policy_document.base.json}'] } }), 'aws_iam_policy.p').status).toBe('compliant');
  });
  test('an override statement replaces the statement with the same sid', () => {
    expect(evaluate(NoWildcardActions, doc({ fix: narrow, merged: { ...wide, override_policy_documents: ['${data.aws_iam_policy_document.fix.json}'] } }), 'aws_iam_policy.p').status).toBe('compliant');
  });
  test('a literal JSON source document is read', () => {
    const literal = policy({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' });
    expect(evaluate(NoWildcardActions, doc({ merged: { source_policy_documents: [literal] } }), 'aws_iam_policy.p')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/s3:\*/) });
  });
  test('a source document given by an expression is cannot-verify, never a pass', () => {
    expect(evaluate(NoWildcardActions, doc({ merged: { ...narrow, source_policy_documents: ['${jsonencode(local.p)}'] } }), 'aws_iam_policy.p')).toMatchObject({
      status: 'cannot-verify',
      message: expect.stringMatching(/data\.aws_iam_policy_document\.merged source_policy_documents: .* is an expression/),
    });
  });
});

describe('KMS key policies', () => {
  const key = (...statements: Record<string, unknown>[]) => synthStack({ resource: { aws_kms_key: { k: { enable_key_rotation: true, policy: policy(...statements) } } } });
  const ROOT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
  test('the default statement (account root, kms:*) is judged as a key with no policy', () => {
    expect(evaluate(NoWildcardActions, key(ROOT), 'aws_kms_key.k').status).toBe('compliant');
  });
  test('the default statement with the account from a data source is the default statement too', () => {
    expect(evaluate(NoWildcardActions, key({ ...ROOT, Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.current.account_id}:root' } }), 'aws_kms_key.k').status).toBe('compliant');
  });
  test('fails when kms:* is given to a role rather than the account root', () => {
    expect(evaluate(NoWildcardActions, key({ ...ROOT, Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } }), 'aws_kms_key.k').status).toBe('non-compliant');
  });
  test('fails when another statement beside the default one has a wildcard', () => {
    expect(evaluate(NoWildcardActions, key(ROOT, { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: 'kms:Re*', Resource: '*' }), 'aws_kms_key.k')).toMatchObject({
      status: 'non-compliant',
      message: 'statement "App" allows wildcard actions kms:Re*',
    });
  });
  test('the same applies to aws_kms_key_policy', () => {
    const stack = synthStack({ resource: { aws_kms_key_policy: { p: { key_id: 'k', policy: policy(ROOT) } } } });
    expect(evaluate(NoWildcardActions, stack, 'aws_kms_key_policy.p').status).toBe('compliant');
  });
});
