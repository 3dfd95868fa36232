import { environment, only, statements, synth, testStack, type TfJson } from '../support';

/**
 * Found by the e2e access matrix (iam-simulate on the applied policies): in one account API Gateway
 * allows a call that the caller's own IAM policy allows unless the resource policy denies it, so an
 * administrator or a neighbour with `execute-api:Invoke *` reached every route.
 */
let dev: TfJson;
beforeAll(() => {
  const stack = testStack();
  environment(stack);
  dev = synth(stack);
});

const gatewayPolicy = () => statements(only(dev, 'aws_api_gateway_rest_api_policy').policy);

describe('gateway resource policy', () => {
  test('denies every principal that is not a workload identity of the environment', () => {
    expect(gatewayPolicy().find((s) => s.Sid === 'DenyAllButWorkloadIdentities')).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: ['execute-api:Invoke'],
      Resource: expect.stringMatching(/execution_arn\}\/\*$/),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': expect.stringMatching(/:role\/governed\/dev\/\*$/) } },
    });
  });

  test('still allows no wildcard principal', () => {
    expect(gatewayPolicy().filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === '"*"')).toEqual([]);
  });
});
