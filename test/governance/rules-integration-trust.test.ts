import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IntegrationIdentityTrust } from '../../constructs/policy-engine/rules';
import { evaluate, GOVERNANCE_TAGS, planStack, policy, synthStack } from './fixtures';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, serviceProps, testStack } from '../support';

/**
 * IntegrationIdentityTrust: the trust policy of an integration identity is written by the team's
 * own stack, and IAM cannot constrain what it says. The attacks are what a careless or hostile team
 * adds to it; each must fail the rule (and so synth and plan review).
 */
const GATEWAY = 'arn:aws:iam::123456789012:role/governed-platform/dev/dev-euw1-platform-gateway';
const GOOD = { Sid: 'GatewayFunction', Effect: 'Allow', Principal: { AWS: GATEWAY }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: { Null: { 'sts:SourceIdentity': 'false' } } };

function integrationRole(statements: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return synthStack({ resource: { aws_iam_role: { r: { name: 'dev-euw1-chat-gw', path: '/governed/dev/integration/', assume_role_policy: policy(...statements), tags: GOVERNANCE_TAGS, ...extra } } } });
}
const outcome = (statements: Record<string, unknown>[], extra?: Record<string, unknown>) => evaluate(IntegrationIdentityTrust, integrationRole(statements, extra), 'aws_iam_role.r') as { status: string; message?: string };

describe('IntegrationIdentityTrust', () => {
  test("compliant: only the environment's gateway function role, with a source identity required", () => {
    expect(outcome([GOOD]).status).toBe('compliant');
  });
  test('compliant with the account as a Terraform reference (an environment without accountId)', () => {
    const principal = 'arn:aws:iam::${data.aws_caller_identity.env_account.account_id}:role/governed-platform/dev/dev-euw1-platform-gateway';
    expect(outcome([{ ...GOOD, Principal: { AWS: principal } }]).status).toBe('compliant');
  });
  test('not applicable to a workload role or a platform role', () => {
    expect(outcome([GOOD], { path: '/governed/dev/' }).status).toBe('not-applicable');
    expect(outcome([GOOD], { path: '/governed-platform/dev/' }).status).toBe('not-applicable');
  });

  test("attack: the team adds its CI deployment role beside the gateway's", () => {
    const ci = 'arn:aws:iam::123456789012:role/ci/customer-support-deployer';
    expect(outcome([{ ...GOOD, Principal: { AWS: [GATEWAY, ci] } }])).toEqual({
      status: 'non-compliant',
      message: `statement "GatewayFunction" trusts ${ci}, which is not the gateway function role of dev (arn:aws:iam::<account>:role/governed-platform/dev/dev-<region code>-platform-gateway)`,
    });
  });
  test("attack: the team's own workload role, so its pods invoke the model directly", () => {
    expect(outcome([GOOD, { Sid: 'Pods', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/governed/dev/dev-euw1-chat' }, Action: 'sts:AssumeRole', Condition: { Null: { 'sts:SourceIdentity': 'false' } } }]).message).toMatch(
      /statement "Pods" trusts arn:aws:iam::123456789012:role\/governed\/dev\/dev-euw1-chat, which is not the gateway function role of dev/,
    );
  });
  test("attack: another environment's gateway function (prod's function acting on dev's models)", () => {
    expect(outcome([{ ...GOOD, Principal: { AWS: 'arn:aws:iam::123456789012:role/governed-platform/prod/prod-euw1-platform-gateway' } }]).message).toMatch(/is not the gateway function role of dev/);
  });
  test('attack: the whole account (root), which delegates to every IAM policy of the account', () => {
    expect(outcome([{ ...GOOD, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }]).status).toBe('non-compliant');
  });
  test('attack: Principal "*", NotPrincipal, and a service principal', () => {
    expect(outcome([{ ...GOOD, Principal: '*' }]).message).toBe('statement "GatewayFunction" trusts Principal "*"');
    const notPrincipal = { Sid: 'Np', Effect: 'Allow', NotPrincipal: { AWS: GATEWAY }, Action: 'sts:AssumeRole' };
    expect(outcome([notPrincipal]).message).toBe('statement "Np" uses NotPrincipal (trusts everyone else)');
    expect(outcome([{ ...GOOD, Principal: { Service: 'lambda.amazonaws.com' } }]).message).toMatch(/trusts Service lambda\.amazonaws\.com, not the gateway function role of dev/);
  });
  test('attack: the gateway role without the source identity condition (calls no longer say for whom)', () => {
    const { Condition: _dropped, ...noCondition } = GOOD;
    expect(outcome([noCondition]).message).toBe('statement "GatewayFunction" does not require sts:SourceIdentity (the caller the gateway function acts for goes unrecorded in CloudTrail)');
    expect(outcome([{ ...GOOD, Condition: { Null: { 'sts:SourceIdentity': 'true' } } }]).status).toBe('non-compliant');
  });
  test('cannot verify when the principal is a contract read the rules could not resolve', () => {
    const principal = '${jsondecode(data.aws_ssm_parameter.contract.value).gateway.functionRoleArn}';
    expect(outcome([{ ...GOOD, Principal: { AWS: principal } }])).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/names the gateway function role only once the contract is read/) });
  });
  test('in a plan: the same verdict as at synth', () => {
    const ci = 'arn:aws:iam::123456789012:role/ci/deployer';
    const stack = planStack([{ address: 'aws_iam_role.r', values: { name: 'dev-euw1-chat-gw', path: '/governed/dev/integration/', assume_role_policy: policy({ ...GOOD, Principal: { AWS: [GATEWAY, ci] } }), tags: GOVERNANCE_TAGS } }]);
    expect(evaluate(IntegrationIdentityTrust, stack, 'aws_iam_role.r').status).toBe('non-compliant');
  });

  test('a service built by the library passes; a team that overrides its trust fails synth through GovernedApp', () => {
    const build = (override: boolean) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integration-trust-'));
      const app = new GovernedApp({ outdir });
      const stack = testStack(app, 'product-dev');
      // A Bedrock service has one identity: the integration identity the gateway function assumes.
      const chat = new GovernedInferenceService(stack, 'chat', serviceProps(environment(stack)));
      if (override) {
        chat.identity.role.addOverride(
          'assume_role_policy',
          JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/ci/deployer' }, Action: 'sts:AssumeRole' }] }),
        );
      }
      app.synth();
      return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8')) as { resource: { aws_iam_role: Record<string, { path: string }> } };
    };
    const synthesized = build(false);
    const integration = Object.entries(synthesized.resource.aws_iam_role).filter(([, r]) => r.path === '/governed/dev/integration/');
    expect(integration).toHaveLength(1);
    expect(evaluate(IntegrationIdentityTrust, synthStack(synthesized), `aws_iam_role.${integration[0][0]}`).status).toBe('compliant');
    expect(() => build(true)).toThrow(/\[IntegrationIdentityTrust\] product-dev: product-dev\/chat\/identity\/role \(aws_iam_role\.[^)]+\): statement 1 trusts arn:aws:iam::123456789012:role\/ci\/deployer, which is not the gateway function role of dev/);
  });
});
