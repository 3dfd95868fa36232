import {
  NoIamUsers,
  NoWildcardActions,
  NoWildcardResourcesOnDataActions,
  RevokedWorkloadDenied,
  RoleSessionAtMostOneHour,
  TrustPolicyNarrowed,
  WorkloadRolePermissionBoundary,
} from '../../constructs/policy-engine/rules';
import { evaluateStack } from '../../constructs/policy-engine/rule-engine';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { evaluate, GOVERNANCE_TAGS, NOW, planStack, policy, synthStack } from './fixtures';

const TRUST_LAMBDA = policy({
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
});

function role(extra: Record<string, unknown> = {}) {
  return { name: 'workload', path: '/governed/dev/', assume_role_policy: TRUST_LAMBDA, permissions_boundary: '${aws_iam_policy.boundary.arn}', ...extra };
}

function rolePolicy(doc: string | Record<string, unknown>[]) {
  return synthStack({ resource: { aws_iam_role_policy: { p: { role: '${aws_iam_role.r.name}', policy: typeof doc === 'string' ? doc : policy(...doc) } } } });
}

describe('NoIamUsers', () => {
  test('compliant when the stack has roles only: no finding', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role() } } });
    expect(evaluateStack(stack, [NoIamUsers], { now: NOW }).findings).toEqual([]);
  });
  test('non-compliant for an access key', () => {
    const stack = synthStack({ resource: { aws_iam_access_key: { k: { user: 'bot' } } } });
    expect(evaluate(NoIamUsers, stack, 'aws_iam_access_key.k')).toEqual({ status: 'non-compliant', message: expect.stringMatching(/long-lived IAM user credential/) });
  });
  test('non-compliant for an IAM user', () => {
    const stack = synthStack({ resource: { aws_iam_user: { u: { name: 'bot' } } } });
    expect(evaluate(NoIamUsers, stack, 'aws_iam_user.u').status).toBe('non-compliant');
  });
});

describe('NoWildcardActions', () => {
  test('compliant when actions are named', () => {
    const stack = rolePolicy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' }]);
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p').status).toBe('compliant');
  });
  test('non-compliant for a service wildcard', () => {
    const stack = rolePolicy([{ Sid: 'Broad', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }]);
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p')).toEqual({ status: 'non-compliant', message: 'statement "Broad" allows wildcard actions s3:*' });
  });
  test('non-compliant for NotAction in an Allow', () => {
    const stack = rolePolicy([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]);
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/NotAction/) });
  });
  test('compliant for a Deny * (the revocation policy)', () => {
    const stack = rolePolicy([{ Effect: 'Deny', Action: '*', Resource: '*' }]);
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p').status).toBe('compliant');
  });
  test('non-compliant for a wildcard in an aws_iam_role inline_policy block', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ inline_policy: [{ name: 'i', policy: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) }] }) } } });
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role.r').status).toBe('non-compliant');
  });
  test('reads a data "aws_iam_policy_document" referenced by ${...json}', () => {
    const stack = synthStack({
      resource: { aws_iam_role_policy: { p: { role: 'r', policy: '${data.aws_iam_policy_document.d.json}' } } },
      data: { aws_iam_policy_document: { d: { statement: [{ effect: 'Allow', actions: ['kms:*'], resources: ['${aws_kms_key.k.arn}'] }] } } },
    });
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/kms:\*/) });
  });
  test('cannot verify a policy given by an expression', () => {
    const stack = rolePolicy('${jsonencode(local.policy)}');
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p')).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/expression/) });
  });
  test('cannot verify a policy document data source that is not in the stack', () => {
    const stack = rolePolicy('${data.aws_iam_policy_document.missing.json}');
    expect(evaluate(NoWildcardActions, stack, 'aws_iam_role_policy.p')).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/not in this stack/) });
  });
});

describe('NoWildcardResourcesOnDataActions', () => {
  test('compliant when the secret is named (a reference counts as named)', () => {
    const stack = rolePolicy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '${aws_secretsmanager_secret.s.arn}' }]);
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, 'aws_iam_role_policy.p').status).toBe('compliant');
  });
  test('compliant for a non-data action on "*" (bedrock:ListFoundationModels needs it)', () => {
    const stack = rolePolicy([{ Effect: 'Allow', Action: 'bedrock:ListFoundationModels', Resource: '*' }]);
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, 'aws_iam_role_policy.p').status).toBe('compliant');
  });
  test('non-compliant for GetSecretValue on "*"', () => {
    const stack = rolePolicy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
    expect(evaluate(NoWildcardResourcesOnDataActions, stack, 'aws_iam_role_policy.p')).toEqual({
      status: 'non-compliant',
      message: 'statement 1 allows secretsmanager:GetSecretValue on every resource of a type (*)',
    });
  });
});

describe('RoleSessionAtMostOneHour', () => {
  test('compliant when max_session_duration is unset (AWS default one hour)', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role() } } });
    expect(evaluate(RoleSessionAtMostOneHour, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('non-compliant at 7200 seconds', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ max_session_duration: 7200 }) } } });
    expect(evaluate(RoleSessionAtMostOneHour, stack, 'aws_iam_role.r')).toEqual({ status: 'non-compliant', message: 'max_session_duration 7200 is more than 3600 seconds' });
  });
  test('cannot verify a variable', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ max_session_duration: '${var.session}' }) } } });
    expect(evaluate(RoleSessionAtMostOneHour, stack, 'aws_iam_role.r').status).toBe('cannot-verify');
  });
});

describe('WorkloadRolePermissionBoundary', () => {
  test('compliant with a boundary reference', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role() } } });
    expect(evaluate(WorkloadRolePermissionBoundary, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('non-compliant without a boundary under /governed/', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ permissions_boundary: undefined }) } } });
    expect(evaluate(WorkloadRolePermissionBoundary, stack, 'aws_iam_role.r')).toEqual({
      status: 'non-compliant',
      message: 'workload role at path /governed/dev/ has no permissions_boundary',
    });
  });
  test('not applicable to a role outside /governed/', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ path: '/service/', permissions_boundary: undefined }) } } });
    expect(evaluate(WorkloadRolePermissionBoundary, stack, 'aws_iam_role.r').status).toBe('not-applicable');
  });
});

describe('TrustPolicyNarrowed', () => {
  test('compliant for a service principal with aws:SourceAccount', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role() } } });
    expect(evaluate(TrustPolicyNarrowed, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('compliant for EKS Pod Identity', () => {
    const trust = policy({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ assume_role_policy: trust }) } } });
    expect(evaluate(TrustPolicyNarrowed, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('non-compliant for a service principal without a source condition', () => {
    const trust = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ assume_role_policy: trust }) } } });
    expect(evaluate(TrustPolicyNarrowed, stack, 'aws_iam_role.r')).toEqual({
      status: 'non-compliant',
      message: 'statement 1 trusts service lambda.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition',
    });
  });
  test('non-compliant for Principal "*"', () => {
    const trust = policy({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' });
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ assume_role_policy: trust }) } } });
    expect(evaluate(TrustPolicyNarrowed, stack, 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/Principal "\*"/) });
  });
  test('non-compliant for an OIDC trust without :sub', () => {
    const trust = policy({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' }, Action: 'sts:AssumeRoleWithWebIdentity' });
    const stack = synthStack({ resource: { aws_iam_role: { r: role({ assume_role_policy: trust }) } } });
    expect(evaluate(TrustPolicyNarrowed, stack, 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/:sub/) });
  });
});

describe('RevokedWorkloadDenied', () => {
  const revokedTags = { [TAG_KEYS.revokedBy]: 'security@example.com' };
  test('not applicable to a role that is not revoked', () => {
    const stack = synthStack({ resource: { aws_iam_role: { r: role() } } });
    expect(evaluate(RevokedWorkloadDenied, stack, 'aws_iam_role.r').status).toBe('not-applicable');
  });
  test('compliant when a role policy denies * on *', () => {
    const stack = synthStack({
      resource: {
        aws_iam_role: { r: role({ tags: revokedTags }) },
        aws_iam_role_policy: { deny: { role: '${aws_iam_role.r.name}', policy: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) } },
      },
    });
    expect(evaluate(RevokedWorkloadDenied, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('compliant with the AWSDenyAll managed policy attached', () => {
    const stack = synthStack({
      resource: {
        aws_iam_role: { r: role({ tags: revokedTags }) },
        aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.r.name}', policy_arn: 'arn:aws:iam::aws:policy/AWSDenyAll' } },
      },
    });
    expect(evaluate(RevokedWorkloadDenied, stack, 'aws_iam_role.r').status).toBe('compliant');
  });
  test('non-compliant when the revoked role keeps its access', () => {
    const stack = synthStack({
      resource: {
        aws_iam_role: { r: role({ tags: revokedTags }) },
        aws_iam_role_policy: { p: { role: '${aws_iam_role.r.name}', policy: policy({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:m' }) } },
      },
    });
    expect(evaluate(RevokedWorkloadDenied, stack, 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/revoked-by/) });
  });
});

describe('same answer on synth JSON and on a plan', () => {
  test('a plan with the policy known gives the same non-compliant finding', () => {
    const doc = policy({ Sid: 'Broad', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' });
    const plan = planStack([{ address: 'aws_iam_role_policy.p', values: { role: 'workload', policy: doc } }]);
    const synth = rolePolicy(doc);
    expect(evaluate(NoWildcardActions, plan, 'aws_iam_role_policy.p')).toEqual(evaluate(NoWildcardActions, synth, 'aws_iam_role_policy.p'));
  });
  test('a plan whose policy is unknown resolves it through the configuration reference to the data source', () => {
    const plan = planStack([
      { address: 'aws_iam_role_policy.p', values: { role: 'workload' }, unknown: { policy: true }, references: { policy: ['data.aws_iam_policy_document.d.json', 'data.aws_iam_policy_document.d'] } },
      { address: 'data.aws_iam_policy_document.d', mode: 'data', values: { statement: [{ effect: 'Allow', actions: ['kms:*'], resources: ['arn:k'] }] }, unknown: { json: true } },
    ]);
    expect(evaluate(NoWildcardActions, plan, 'aws_iam_role_policy.p')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/kms:\*/) });
  });
  test('an unknown max_session_duration in a plan cannot be verified, never passes', () => {
    const plan = planStack([{ address: 'aws_iam_role.r', values: { ...role(), tags_all: GOVERNANCE_TAGS }, unknown: { max_session_duration: true }, references: { max_session_duration: ['aws_ssm_parameter.session.value'] } }]);
    expect(evaluate(RoleSessionAtMostOneHour, plan, 'aws_iam_role.r').status).toBe('cannot-verify');
  });
});
