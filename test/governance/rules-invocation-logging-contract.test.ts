import { ModelInvocationLogging } from '../../constructs/policy-engine/rules/logging/ModelInvocationLogging';
import { fromSynthJson } from '../../constructs/policy-engine/terraform-json';
import { evaluate, policy, synthJson } from './fixtures';

/** A product stack alone: a role with a Bedrock grant, and the contract it reads recorded in `//`. */
function productStack(contracts: unknown[]) {
  const json = synthJson({
    resource: {
      aws_iam_role: { role: { name: 'dev-chat', assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }) } },
      aws_iam_role_policy: { model: { role: '${aws_iam_role.role.name}', policy: policy({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' }) } },
    },
  });
  (json['//'] as Record<string, unknown>).governance = { contracts };
  return fromSynthJson(json, 'product-dev');
}

const PINNED = { environment: 'dev', parameter: '/governance/dev/contract', source: 'pinned', file: 'contracts/dev.json', revision: 'a'.repeat(64), invocationLogGroupName: '/governed/dev/audit/model-invocations' };

describe('ModelInvocationLogging on a product stack checked alone', () => {
  test('is compliant when the stack pins a contract that names the invocation log group', () => {
    expect(evaluate(ModelInvocationLogging, productStack([PINNED]), 'aws_iam_role_policy.model').status).toBe('compliant');
  });

  test('cannot verify when the stack reads the live contract only', () => {
    const outcome = evaluate(ModelInvocationLogging, productStack([{ environment: 'dev', parameter: '/governance/dev/contract', source: 'live' }]), 'aws_iam_role_policy.model');
    expect(outcome).toEqual({ status: 'cannot-verify', message: expect.stringMatching(/no aws_bedrock_model_invocation_logging_configuration is in the stacks checked together/) });
  });

  test('cannot verify when the pinned contract names no invocation log group', () => {
    const { invocationLogGroupName: _none, ...withoutLogs } = PINNED;
    void _none;
    expect(evaluate(ModelInvocationLogging, productStack([withoutLogs]), 'aws_iam_role_policy.model').status).toBe('cannot-verify');
  });
});
