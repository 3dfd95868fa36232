import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ExecuteApiGrantScope } from '../../constructs/policy-engine/rules';
import { executeApiGrantProblem, executeApiPath } from '../../constructs/policy-engine/iam';
import { evaluate, GOVERNANCE_TAGS, planStack, policy, synthStack } from './fixtures';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { DIGEST, environment, serviceProps, testStack } from '../support';
import { agentProps } from '../workloads/agent.support';

/**
 * ExecuteApiGrantScope: IAM matches `*` in an execute-api ARN across `/`, so a grant with a
 * wildcard stage, method or middle segment reaches other workloads' and agents' routes. The
 * attacks are grants a team adds to its workload role; each must fail the rule.
 */
const EXEC = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234';
const CONTRACT_EXEC = '${jsondecode(data.aws_ssm_parameter.contract.value).gateway.executionArn}';
const VPCE = { StringEquals: { 'aws:SourceVpce': 'vpce-0abc1234' } };
const grant = (resource: unknown, extra: Record<string, unknown> = {}) => ({ Sid: 'Wide', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource, Condition: VPCE, ...extra });

function rolePolicyStack(statements: Record<string, unknown>[], resources: Record<string, Record<string, Record<string, unknown>>> = {}) {
  return synthStack({
    resource: {
      aws_iam_role: { r: { name: 'dev-euw1-growth', path: '/governed/dev/', assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }), tags: GOVERNANCE_TAGS } },
      aws_iam_role_policy: { p: { name: 'gateway-calls', role: '${aws_iam_role.r.id}', policy: policy(...statements) } },
      ...resources,
    },
  });
}
const outcome = (...statements: Record<string, unknown>[]) => evaluate(ExecuteApiGrantScope, rolePolicyStack(statements), 'aws_iam_role_policy.p') as { status: string; message?: string };
const finding = (resource: string, problem: string, sid = 'Wide') => ({ status: 'non-compliant', message: `statement "${sid}" allows execute-api:Invoke on ${resource} with ${problem}` });

describe('ExecuteApiGrantScope', () => {
  test('attack: the whole stage (.../v1/*: every route of every workload and agent)', () => {
    expect(outcome(grant(`${EXEC}/v1/*`))).toEqual(finding(`${EXEC}/v1/*`, 'a wildcard method'));
    expect(outcome(grant(`${CONTRACT_EXEC}/v1/*`))).toEqual(finding(`${CONTRACT_EXEC}/v1/*`, 'a wildcard method'));
  });
  test("attack: every workload's HTTP route (.../v1/GET/workloads/*/http/*)", () => {
    expect(outcome(grant(`${EXEC}/v1/GET/workloads/*/http/*`))).toEqual(finding(`${EXEC}/v1/GET/workloads/*/http/*`, 'a wildcard before the last path segment'));
  });
  test('attack: execute-api:* and "*" actions reach Invoke too', () => {
    expect(outcome(grant(`${EXEC}/v1/*`, { Action: 'execute-api:*' }))).toEqual(finding(`${EXEC}/v1/*`, 'a wildcard method'));
    expect(outcome(grant('*', { Action: '*' }))).toEqual(finding('*', 'a pattern that matches every route of every API (name the gateway\'s stage v1, a method and the route)'));
  });
  test.each([
    ['a wildcard stage', `${EXEC}/*/POST/workloads/chat/invoke`, 'a wildcard stage'],
    ['a partial wildcard method', `${EXEC}/v1/P*/workloads/chat/invoke`, 'a wildcard method'],
    ['ANY as the method', `${EXEC}/v1/ANY/workloads/chat/invoke`, 'method "ANY", not an HTTP method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS)'],
    ['another stage', `${EXEC}/test/POST/workloads/chat/invoke`, 'stage "test", not the gateway\'s stage "v1"'],
    ['no method', `${EXEC}/v1`, 'no method'],
    ['every GET route', `${EXEC}/v1/GET/*`, 'a wildcard after fewer than two path segments (every workload or agent)'],
    ['every workload', `${EXEC}/v1/POST/workloads/*`, 'a wildcard after fewer than two path segments (every workload or agent)'],
    ['workloads by name prefix', `${EXEC}/v1/POST/workloads/sup*`, 'a partial wildcard in the last path segment'],
    ['a single-character wildcard mid-path', `${EXEC}/v1/POST/workloads/cha?/invoke`, 'a wildcard before the last path segment'],
    ['every API of the account', 'arn:aws:execute-api:eu-west-1:123456789012:*/v1/POST/workloads/chat/invoke', 'a wildcard before the stage (region, account or API id)'],
  ])('attack: %s', (_what, resource, problem) => {
    expect(outcome(grant(resource))).toEqual(finding(resource, problem));
  });
  test('attack: every resource ("*", an execute-api pattern without a stage, NotResource)', () => {
    expect(outcome(grant('*')).message).toBe("statement \"Wide\" allows execute-api:Invoke on * with a pattern that matches every route of every API (name the gateway's stage v1, a method and the route)");
    expect(outcome(grant('arn:aws:execute-api:*:*:*')).status).toBe('non-compliant');
    expect(outcome(grant('arn:aws:*:eu-west-1:123456789012:*')).status).toBe('non-compliant');
    const { Resource: _r, ...rest } = grant('');
    expect(outcome({ ...rest, NotResource: `${EXEC}/v1/POST/workloads/payroll/invoke` }).message).toBe(`statement "Wide" allows execute-api:Invoke on every resource but ${EXEC}/v1/POST/workloads/payroll/invoke (NotResource)`);
  });
  test('attack: an AWS managed policy that invokes every API (AmazonAPIGatewayInvokeFullAccess)', () => {
    const stack = rolePolicyStack([], { aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.r.name}', policy_arn: 'arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess' } } });
    expect(evaluate(ExecuteApiGrantScope, stack, 'aws_iam_role_policy_attachment.a')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/allows execute-api:Invoke on arn:aws:execute-api:\*:\*:\* with a pattern that matches every route/) });
  });

  test("compliant: the library's grant shapes (exact routes, one method each, a trailing * after the workload or agent name)", () => {
    const routes = [
      `${EXEC}/v1/POST/workloads/chat/invoke`,
      `${EXEC}/v1/GET/workloads/llm/http/*`,
      `${EXEC}/v1/DELETE/agents/triage/tools/*`,
      `${EXEC}/v1/POST/agents/triage/models/anthropic.claude-3-haiku-20240307-v1-0/invoke`,
      `${CONTRACT_EXEC}/v1/POST/workloads/chat/invoke`,
      '${aws_api_gateway_rest_api.gateway.execution_arn}/v1/GET/agents/triage/tools/*',
    ];
    expect(outcome(grant(routes)).status).toBe('compliant');
  });
  test('compliant: a Deny may be wide (it only narrows); other services are not read', () => {
    expect(outcome(grant(`${EXEC}/v1/*`, { Effect: 'Deny' })).status).toBe('compliant');
    expect(outcome({ Sid: 'Logs', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }).status).toBe('compliant');
  });
  test('not applicable to a permissions boundary (a ceiling, not a grant)', () => {
    const stack = synthStack({
      resource: {
        aws_iam_policy: { boundary: { name: 'dev-euw1-workload-boundary', policy: policy(grant(`${EXEC}/v1/*`)) } },
        aws_iam_role: { r: { name: 'dev-euw1-growth', path: '/governed/dev/', assume_role_policy: policy({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }), permissions_boundary: '${aws_iam_policy.boundary.arn}', tags: GOVERNANCE_TAGS } },
      },
    });
    expect(evaluate(ExecuteApiGrantScope, stack, 'aws_iam_policy.boundary').status).toBe('not-applicable');
  });
  test('cannot verify an execute-api resource given by an expression that is not an execution ARN', () => {
    expect(outcome(grant('${var.api_arn}/v1/POST/workloads/chat/invoke'))).toEqual({
      status: 'cannot-verify',
      message: 'statement "Wide" allows execute-api:Invoke on ${var.api_arn}/v1/POST/workloads/chat/invoke, an expression that is not the gateway\'s execution ARN followed by a route',
    });
  });
  test('in a plan: the same verdict as at synth', () => {
    const stack = planStack([{ address: 'aws_iam_role_policy.p', values: { name: 'gateway-calls', role: 'dev-euw1-growth', policy: policy(grant(`${EXEC}/v1/*`)) } }]);
    expect(evaluate(ExecuteApiGrantScope, stack, 'aws_iam_role_policy.p')).toEqual(finding(`${EXEC}/v1/*`, 'a wildcard method'));
  });
  test('one implementation: the hardening invariants read execute-api resources with the same functions', () => {
    expect(executeApiPath(`${EXEC}/v1/GET/agents/triage/tools/*`)).toEqual(['v1', 'GET', 'agents', 'triage', 'tools', '*']);
    expect(executeApiGrantProblem(['v1', 'GET', 'agents', 'triage', 'tools', '*'])).toBeUndefined();
  });

  test("a service's grantInvoke and an agent's route grants pass; a team that adds .../v1/* to a caller fails synth through GovernedApp", () => {
    const build = (override: boolean) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'execute-api-scope-'));
      const app = new GovernedApp({ outdir });
      const stack = testStack(app, 'product-dev');
      new KubernetesProvider(stack, 'kubernetes', {});
      const env = environment(stack);
      const llm = new GovernedInferenceService(stack, 'llm', serviceProps(env, { name: 'llm', model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
      new GovernedInferenceService(stack, 'chat', serviceProps(env, { callers: [llm] }));
      new GovernedAgent(stack, 'agent', agentProps(env));
      if (override) {
        new IamRolePolicy(stack, 'team-wide-grant', { name: 'wide-grant', role: llm.identity.role.id, policy: policy(grant(`${env.gateway.executionArn}/v1/*`)) });
      }
      app.synth();
      return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8')) as { resource: { aws_iam_role_policy: Record<string, { policy: string }> } };
    };
    const synthesized = build(false);
    const model = synthStack(synthesized);
    const granting = Object.entries(synthesized.resource.aws_iam_role_policy).filter(([, p]) => p.policy.includes('execute-api:Invoke'));
    // The caller's grant of chat's route, and the agent's model and tool routes.
    expect(granting.length).toBeGreaterThanOrEqual(3);
    for (const [name] of granting) expect(evaluate(ExecuteApiGrantScope, model, `aws_iam_role_policy.${name}`).status).toBe('compliant');
    expect(() => build(true)).toThrow(/\[ExecuteApiGrantScope\] product-dev: product-dev\/team-wide-grant \(aws_iam_role_policy\.team-wide-grant\): statement "Wide" allows execute-api:Invoke on \$\{.*\}\/v1\/\* with a wildcard method/);
  });
});
