import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { DirectModelAccess } from '../../constructs/policy-engine/rules';
import { evaluate, GOVERNANCE_TAGS, planStack, policy, synthStack } from './fixtures';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { DIGEST, environment, serviceProps, testStack } from '../support';

/**
 * DirectModelAccess: a Kubernetes or SageMaker workload reaches models through the gateway
 * (quota, decision log, callee consent, revocation). The attacks are model invocation a team adds
 * to its workload identity, in each place an identity policy can live; each must fail the rule.
 */
const ACCOUNT = '123456789012';
const MODEL_ARN = 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
const GUARDRAIL = { StringEquals: { 'bedrock:GuardrailIdentifier': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:guardrail/gr1234:1` } };
const POD_TRUST = {
  Sid: 'EksPodIdentity',
  Effect: 'Allow',
  Principal: { Service: 'pods.eks.amazonaws.com' },
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/kubernetes-namespace': 'chat', 'aws:RequestTag/kubernetes-service-account': 'chat' }, ArnEquals: { 'aws:SourceArn': `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/ai-workloads` } },
};
const SAGEMAKER_TRUST = { Sid: 'ServiceSagemaker', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnEquals: { 'aws:SourceArn': `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/dev-scorer` } } };
const BEDROCK_AGENT_TRUST = { Sid: 'ServiceBedrock', Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:agent/*` } } };
const DIRECT = { Sid: 'DirectModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL_ARN, Condition: GUARDRAIL };
const LOGS = { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/governed/dev/chat:log-stream:*` };
const WHY = '(models are reached through the gateway: quota, decision log, callee consent, revocation)';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
function stackWith(trust: Record<string, unknown>, resources: Resources = {}, role: Record<string, unknown> = {}) {
  return synthStack({
    resource: {
      ...resources,
      aws_iam_role: { r: { name: 'dev-euw1-chat', path: '/governed/dev/', assume_role_policy: policy(trust), tags: GOVERNANCE_TAGS, ...role } },
    },
  });
}
const rolePolicy = (...statements: Record<string, unknown>[]) => ({ aws_iam_role_policy: { extra: { name: 'extra', role: '${aws_iam_role.r.id}', policy: policy(...statements) } } });
const outcome = (trust: Record<string, unknown>, resources?: Resources, role?: Record<string, unknown>) => evaluate(DirectModelAccess, stackWith(trust, resources, role), 'aws_iam_role.r') as { status: string; message?: string };

describe('DirectModelAccess', () => {
  test('attack: a team-added bedrock:InvokeModel on an allowed model, with the guardrail condition, on a Kubernetes workload role', () => {
    expect(outcome(POD_TRUST, rolePolicy(LOGS, DIRECT))).toEqual({ status: 'non-compliant', message: `aws_iam_role_policy.extra statement "DirectModel" allows bedrock:InvokeModel to a Kubernetes workload identity ${WHY}` });
  });
  test('attack: wildcards and the Converse names (bedrock:Invoke*, bedrock:*, bedrock:Converse)', () => {
    expect(outcome(POD_TRUST, rolePolicy({ ...DIRECT, Action: 'bedrock:Invoke*' })).message).toBe(
      `aws_iam_role_policy.extra statement "DirectModel" allows bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream to a Kubernetes workload identity ${WHY}`,
    );
    expect(outcome(POD_TRUST, rolePolicy({ ...DIRECT, Action: 'bedrock:*' })).message).toMatch(/allows bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream, bedrock:Converse, bedrock:ConverseStream to a Kubernetes/);
    expect(outcome(POD_TRUST, rolePolicy({ ...DIRECT, Action: ['bedrock:Converse', 'bedrock:ConverseStream'] })).message).toMatch(/allows bedrock:Converse, bedrock:ConverseStream to a Kubernetes workload identity/);
  });
  test('attack: NotAction (everything but a harmless action, models included)', () => {
    const { Action: _a, ...rest } = DIRECT;
    expect(outcome(POD_TRUST, rolePolicy({ ...rest, NotAction: 's3:DeleteBucket' })).message).toMatch(/statement "DirectModel" allows bedrock:InvokeModel, .*sagemaker:InvokeEndpoint.* to a Kubernetes workload identity/);
  });
  test("attack: sagemaker:InvokeEndpoint in a SageMaker endpoint's execution role (inline_policy on the role)", () => {
    const inline = [{ name: 'invoke', policy: policy({ Sid: 'CallOtherEndpoint', Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/dev-fraud` }) }];
    expect(outcome(SAGEMAKER_TRUST, {}, { inline_policy: inline }).message).toBe(`aws_iam_role.r inline_policy statement "CallOtherEndpoint" allows sagemaker:InvokeEndpoint to a SageMaker workload identity ${WHY}`);
  });
  test('attack: an aws_iam_policy of the stack attached by aws_iam_role_policy_attachment, aws_iam_policy_attachment or managed_policy_arns', () => {
    const managed = { aws_iam_policy: { direct: { name: 'direct', policy: policy(DIRECT) } } };
    const expected = `aws_iam_policy.direct statement "DirectModel" allows bedrock:InvokeModel to a Kubernetes workload identity ${WHY}`;
    expect(outcome(POD_TRUST, { ...managed, aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.r.name}', policy_arn: '${aws_iam_policy.direct.arn}' } } }).message).toBe(expected);
    expect(outcome(POD_TRUST, { ...managed, aws_iam_policy_attachment: { a: { name: 'a', roles: ['${aws_iam_role.r.name}'], policy_arn: '${aws_iam_policy.direct.arn}' } } }).message).toBe(expected);
    expect(outcome(POD_TRUST, managed, { managed_policy_arns: ['${aws_iam_policy.direct.arn}'] }).message).toBe(expected);
  });
  test('attack: an AWS managed policy attached by ARN (AmazonBedrockFullAccess)', () => {
    const arn = 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess';
    expect(outcome(POD_TRUST, { aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.r.name}', policy_arn: arn } } }).message).toMatch(
      new RegExp(`^aws_iam_role_policy_attachment\\.a \\(${arn.replace(/[/.]/g, '\\$&')}\\) statement .* allows bedrock:InvokeModel`),
    );
    expect(outcome(POD_TRUST, {}, { managed_policy_arns: [arn] }).message).toMatch(/^aws_iam_role\.r managed_policy_arns statement .* allows bedrock:InvokeModel/);
  });
  test('attack: a role policy that names the role by its literal name', () => {
    const byName = { aws_iam_role_policy: { extra: { name: 'extra', role: 'dev-euw1-chat', policy: policy(DIRECT) } } };
    expect(outcome(POD_TRUST, byName).status).toBe('non-compliant');
  });

  test('compliant: a Kubernetes workload identity with its own grants only, or a Deny of model invocation', () => {
    expect(outcome(POD_TRUST, rolePolicy(LOGS)).status).toBe('compliant');
    expect(outcome(POD_TRUST, rolePolicy(LOGS, { ...DIRECT, Effect: 'Deny' })).status).toBe('compliant');
  });
  test("not applicable to the Bedrock agent's role, integration identities and roles outside /governed/", () => {
    expect(outcome(BEDROCK_AGENT_TRUST, rolePolicy(DIRECT)).status).toBe('not-applicable');
    expect(outcome(POD_TRUST, rolePolicy(DIRECT), { path: '/governed/dev/integration/' }).status).toBe('not-applicable');
    expect(outcome(POD_TRUST, rolePolicy(DIRECT), { path: '/governed-platform/dev/' }).status).toBe('not-applicable');
  });
  test('cannot verify a policy attached from outside the stack, or a trust policy given by an expression', () => {
    expect(outcome(POD_TRUST, { aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.r.name}', policy_arn: `arn:aws:iam::${ACCOUNT}:policy/team/extra` } } })).toEqual({
      status: 'cannot-verify',
      message: `aws_iam_role_policy_attachment.a attaches arn:aws:iam::${ACCOUNT}:policy/team/extra, a policy outside this stack`,
    });
    expect(outcome(POD_TRUST, rolePolicy(DIRECT), { assume_role_policy: '${var.trust}' })).toEqual({ status: 'cannot-verify', message: 'assume_role_policy is an expression (${var.trust}); cannot tell the runtime' });
  });
  test('in a plan: the same verdict as at synth (the policy found through its configuration reference)', () => {
    const stack = planStack([
      { address: 'aws_iam_role.r', values: { name: 'dev-euw1-chat', path: '/governed/dev/', assume_role_policy: policy(POD_TRUST), tags: GOVERNANCE_TAGS } },
      { address: 'aws_iam_role_policy.extra', values: { name: 'extra', policy: policy(DIRECT) }, unknown: { role: true }, references: { role: ['aws_iam_role.r.id', 'aws_iam_role.r'] } },
    ]);
    expect(evaluate(DirectModelAccess, stack, 'aws_iam_role.r')).toEqual({ status: 'non-compliant', message: `aws_iam_role_policy.extra statement "DirectModel" allows bedrock:InvokeModel to a Kubernetes workload identity ${WHY}` });
  });

  test("a Kubernetes and a SageMaker service built by the library pass; a team that adds model access to the pods' role fails synth through GovernedApp", () => {
    const build = (override: boolean) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'direct-model-'));
      const app = new GovernedApp({ outdir });
      const stack = testStack(app, 'product-dev');
      new KubernetesProvider(stack, 'kubernetes', {});
      const env = environment(stack);
      const llm = new GovernedInferenceService(stack, 'llm', serviceProps(env, { name: 'llm', model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
      new GovernedInferenceService(stack, 'scorer', serviceProps(env, { name: 'scorer', model: { sageMaker: { image: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/scorer@${DIGEST}`, instanceType: 'ml.m5.large' } } }));
      if (override) new IamRolePolicy(stack, 'team-direct-model', { name: 'direct-model', role: llm.identity.role.id, policy: policy(DIRECT) });
      app.synth();
      return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8')) as { resource: { aws_iam_role: Record<string, { path: string }> } };
    };
    const synthesized = build(false);
    const model = synthStack(synthesized);
    const workloads = Object.keys(synthesized.resource.aws_iam_role).filter((n) => synthesized.resource.aws_iam_role[n].path === '/governed/dev/');
    expect(workloads).toHaveLength(2);
    for (const name of workloads) expect(evaluate(DirectModelAccess, model, `aws_iam_role.${name}`).status).toBe('compliant');
    expect(() => build(true)).toThrow(
      /\[DirectModelAccess\] product-dev: product-dev\/llm\/identity\/role \(aws_iam_role\.[^)]+\): aws_iam_role_policy\.team-direct-model statement "DirectModel" allows bedrock:InvokeModel to a Kubernetes workload identity/,
    );
  });
});
